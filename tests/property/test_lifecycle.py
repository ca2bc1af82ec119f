"""Properties of the stream lifecycle, claude.pure.lifecycle: totality, limits, a reference model."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from claude.pure import lifecycle
from claude.pure.errors import (
    ClaudeError,
    MalformedResponse,
    NetworkError,
    Overloaded,
    ResponseTooLarge,
    StreamTruncated,
    Timeout,
)
from claude.pure.lifecycle import Finish, Lifecycle, Phase, Read
from claude.pure.settings import Timeouts

timeouts = st.builds(
    Timeouts,
    read=st.floats(0.01, 100.0),
    idle=st.none() | st.floats(0.01, 100.0),
    total=st.none() | st.floats(0.01, 100.0),
)
transport_errors = st.sampled_from(
    [
        NetworkError(problem="reset"),
        Timeout(phase="read", seconds=1.0),
        MalformedResponse(status=200, problem="bad"),
    ]
)
facts = st.one_of(
    st.builds(
        lifecycle.Opened,
        st.sampled_from([200, 204, 529]),
        st.sampled_from(["text/event-stream", "application/json", ""]),
    ),
    st.builds(lifecycle.OpenFailed, transport_errors),
    st.builds(lifecycle.Events, st.booleans(), st.booleans()),
    st.just(lifecycle.Eof()),
    st.builds(lifecycle.ReadFailed, transport_errors),
    st.builds(lifecycle.Broke, transport_errors),
    st.builds(
        lifecycle.Body,
        st.sampled_from([200, 204, 529]),
        st.just({"content-type": "application/json"}),
        st.sampled_from([b"", b'{"type":"error","error":{"type":"overloaded_error"}}', b"x"]),
        st.none() | transport_errors | st.just(ResponseTooLarge(status=200, limit=1)),
    ),
    st.just(lifecycle.Cancel()),
    st.just(lifecycle.Stop()),
)
lives = st.builds(
    Lifecycle,
    phase=st.sampled_from(list(Phase)),
    read=st.floats(0.01, 100.0),
    idle=st.none() | st.floats(0.01, 100.0),
    deadline=st.none() | st.floats(0.0, 100.0),
    open_deadline=st.none() | st.floats(0.0, 100.0),
    last_progress=st.floats(0.0, 100.0),
    content=st.booleans(),
    error=st.none() | transport_errors,
)
times = st.floats(0.0, 200.0)


@given(lives, facts, times)
def test_every_phase_and_input_gives_a_phase_and_an_answer(
    life: Lifecycle, fact: lifecycle.Input, now: float
) -> None:
    """The table is total; DONE is absorbing and keeps its error; a Read waits a positive time
    no longer than the read limit."""
    after, answer = lifecycle.advance(life, fact, now=now)
    assert isinstance(after.phase, Phase)
    assert isinstance(answer, lifecycle.Open | Read | lifecycle.ReadBody | Finish)
    if life.phase is Phase.DONE:
        assert after == life and isinstance(answer, Finish) and answer.error == life.error
    if life.error is not None:
        assert after.error == life.error
    if isinstance(answer, Read):
        assert 0 < answer.timeout <= max(life.read, 0.001)
    if isinstance(answer, Finish):
        assert after.phase is Phase.DONE


@given(timeouts, st.none() | st.floats(0.01, 50.0), st.lists(st.tuples(facts, st.floats(0.0, 5.0))))
def test_the_machine_ends_streams_as_the_reference_does(
    limits: Timeouts, timeout: float | None, script: list[tuple[lifecycle.Input, float]]
) -> None:
    """For any sequence of inputs and times, the error that ends the stream (and whether it
    ended) is what a plain reference model says."""
    now = 0.0
    life, answer = lifecycle.start(limits, timeout=timeout, now=now)
    total = timeout if timeout is not None else limits.total
    deadline = None if timeout is None or total is None else now + total
    opening_deadline = None if total is None else now + total
    # the reference model: a phase name, the first error, the last progress, content seen
    phase, error, progress, content = "opening", None, now, False

    def expire(at: float) -> ClaudeError | None:
        if limits.idle is not None and at >= progress + limits.idle:
            return Timeout(phase="idle", seconds=limits.idle)
        if deadline is not None and at >= deadline:
            return Timeout(phase="total", seconds=total)
        return None

    for fact, step in script:
        now += step
        life, answer = lifecycle.advance(life, fact, now=now)
        if phase == "done":
            continue
        ended: ClaudeError | None = None
        finished = False
        if isinstance(fact, lifecycle.Cancel):
            ended, finished = StreamTruncated(problem=lifecycle.CANCELLED), True
        elif isinstance(fact, lifecycle.Stop):
            finished = True
        elif phase == "opening" and isinstance(fact, lifecycle.Opened):
            if fact.status == 200 and fact.content_type.startswith("text/event-stream"):
                phase, progress = "events", now
                ended = expire(now)
                finished = ended is not None
            else:
                phase = "body"
        elif phase == "opening" and isinstance(fact, lifecycle.OpenFailed):
            ended, finished = fact.error, True
            late = opening_deadline is not None and now >= opening_deadline
            if isinstance(ended, Timeout) and late:
                ended = Timeout(phase="total", seconds=total)
        elif phase == "events" and isinstance(fact, lifecycle.Events):
            if fact.progress:
                progress = now
            content = content or fact.content
            ended = expire(now)
            finished = ended is not None
        elif phase == "events" and isinstance(fact, lifecycle.Eof):
            finished = True
        elif phase == "events" and isinstance(fact, lifecycle.ReadFailed | lifecycle.Broke):
            ended, finished = fact.error, True
            if isinstance(fact, lifecycle.ReadFailed) and isinstance(ended, Timeout):
                if deadline is not None and now >= deadline:
                    ended = Timeout(phase="total", seconds=total)
                elif limits.idle is not None and now >= progress + limits.idle:
                    ended = Timeout(phase="idle", seconds=limits.idle)
        elif phase == "body" and isinstance(fact, lifecycle.Body):
            ended, finished = lifecycle.body_error(fact, limit=total), True
        elif phase == "events":  # out of order: only time has passed
            ended = expire(now)
            finished = ended is not None
        if finished:
            phase, error = "done", ended
        assert (life.phase is Phase.DONE) == (phase == "done")
        assert life.error == error
        if isinstance(answer, Finish):
            assert answer.reopen == (error is not None and not content)


@given(timeouts, st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_a_read_never_waits_past_a_limit(limits: Timeouts, opened: float, later: float) -> None:
    """While reading events, a Read waits no longer than the read limit, the idle limit left or
    the deadline left; once one has run out the answer is Finish with that limit."""
    life, _ = lifecycle.start(limits, timeout=limits.total, now=0.0)
    life, answer = lifecycle.advance(life, lifecycle.Opened(200, "text/event-stream"), now=opened)
    now = opened + later
    life, answer = lifecycle.poll(life, now=now)
    if isinstance(answer, Read):
        assert answer.timeout <= limits.read
        if answer.wake_at is not None:
            ends = [
                t
                for t in (
                    None if limits.idle is None else opened + limits.idle,
                    None if limits.total is None else limits.total,
                )
                if t is not None
            ]
            assert not ends or answer.wake_at <= max(min(ends), now + 0.001) + 1e-9
    else:
        assert isinstance(answer, Finish) and isinstance(answer.error, Timeout)
        assert answer.error.phase in ("idle", "total")


def test_a_broken_error_body_keeps_its_kind_and_says_so() -> None:
    """A 529 whose body broke off stays Overloaded and says the body could not be read."""
    error = lifecycle.body_error(
        lifecycle.Body(529, {}, b"", NetworkError(problem="reset")), limit=None
    )
    assert isinstance(error, Overloaded) and "could not be read" in error.message


def test_the_docstring_examples_hold() -> None:
    """The examples in the module's docstrings are true."""
    assert doctest.testmod(lifecycle, raise_on_error=False).failed == 0


@given(st.floats(0.01, 100.0), st.booleans(), st.booleans(), times)
def test_under_a_standing_read_events_that_keep_content_change_nothing(
    read: float, content: bool, progress: bool, now: float
) -> None:
    """The contract the shell relies on to skip reporting: with no idle limit and no deadline,
    Events that leave ``content`` as it was leave the state and the Read as they were."""
    life = Lifecycle(phase=Phase.EVENTS, read=read, content=content)
    after, answer = lifecycle.advance(life, lifecycle.Events(progress, content), now=now)
    assert after == life
    assert answer == Read(timeout=read, wake_at=None)
