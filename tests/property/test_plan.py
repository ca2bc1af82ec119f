"""Properties of the call plan, claude.pure.plan: totality and a straight-line reference model."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from claude.pure import plan, retry
from claude.pure.breaker import default_counts
from claude.pure.errors import (
    CircuitOpen,
    ClaudeError,
    NetworkError,
    NoEndpointAvailable,
    Overloaded,
    Throttled,
)
from claude.pure.failover import AttemptContext
from claude.pure.record import CallRecord, blame
from claude.pure.retry import GiveUp, RetryAfter, RetryPolicy
from tests.property.policy_strategies import errors

NOW, WALL, U = 0.0, 0.0, 0.5

configs = st.builds(
    plan.PlanConfig,
    retry=st.none() | st.builds(RetryPolicy, max_attempts=st.integers(1, 4), jitter=st.just(0.0)),
    limiter=st.booleans(),
    breaker=st.booleans(),
    failover=st.booleans(),
    nowait=st.booleans(),
    endpoint=st.just("https://base"),
)
outcomes = (
    st.none() | errors | st.just(Overloaded(status=529, error_type="overloaded_error", message="m"))
)
NO_ENDPOINT = NoEndpointAvailable(problem="all tried")
OPEN = CircuitOpen(retry_in=1.0)


@dataclass
class Script:
    """What the holders and the server will say, in order; past the end: the defaults."""

    rates: list[float | None]
    admits: list[bool]
    selects: list[bool]
    sends: list[ClaudeError | None]
    _urls: int = field(default=0)

    def rate(self) -> float | None:
        return self.rates.pop(0) if self.rates else 0.0

    def admit(self) -> bool:
        return self.admits.pop(0) if self.admits else True

    def select(self, context: AttemptContext) -> tuple[str, AttemptContext] | None:
        if not (self.selects.pop(0) if self.selects else False):
            return None
        self._urls += 1
        url = f"https://e{self._urls}"
        return url, AttemptContext(tried=(*context.tried, url), last=context.last)

    def send(self) -> ClaudeError | None:
        return self.sends.pop(0) if self.sends else None


scripts = st.builds(
    Script,
    rates=st.lists(st.sampled_from([0.0, 0.5, None]), max_size=4),
    admits=st.lists(st.booleans(), max_size=4),
    selects=st.lists(st.booleans(), max_size=5),
    sends=st.lists(outcomes, max_size=5),
)

Trace = list[tuple[object, ...]]


def reference(config: plan.PlanConfig, script: Script) -> Trace:
    """The composition written straight, as the shell's generator was before the machine."""
    trace: Trace = []
    state = retry.start(now=NOW)
    context = AttemptContext()
    number = 0
    while True:
        if config.limiter:
            while True:
                trace.append(("ask_rate",))
                wait = script.rate()
                if wait is None:
                    trace.append(("done", NO_ENDPOINT, "rate_limit"))
                    return trace
                if wait == 0.0:
                    break
                if config.nowait:
                    trace.append(("done", Throttled(wait=wait), "rate_limit"))
                    return trace
                trace.append(("sleep", wait))
        ticket: int | None = None
        if config.breaker:
            trace.append(("ask_admit",))
            if not script.admit():
                trace.append(("done", OPEN, "breaker"))
                return trace
            ticket = number + 1
        endpoint: str | None = None
        if config.failover:
            trace.append(("ask_endpoint", context.tried))
            chosen = script.select(context)
            if chosen is None and config.retry is not None and context.tried:
                context = AttemptContext()
                trace.append(("ask_endpoint", ()))
                chosen = script.select(context)
            if chosen is None:
                if config.breaker:
                    trace.append(("release", ticket))
                trace.append(("done", NO_ENDPOINT, "failover"))
                return trace
            endpoint, context = chosen
        number += 1
        trace.append(("send", endpoint, number))
        error = script.send()
        healthy = error is None or not default_counts(error)
        trace.append(("report", error, ticket, endpoint, healthy))
        if error is None:
            trace.append(("done", None, None))
            return trace
        context = context.failed(error)
        if config.retry is not None:
            decision = retry.decide(state, error, policy=config.retry, now=NOW, wall_now=WALL, u=U)
            if isinstance(decision, RetryAfter):
                state = decision.state
                trace.append(("sleep", decision.delay))
                continue
            assert isinstance(decision, GiveUp)
            trace.append(("done", error, blame(error, reason=decision.reason)))
            return trace
        if config.failover and retry.classify(error):
            continue
        trace.append(("done", error, "request"))
        return trace


def machine(config: plan.PlanConfig, script: Script) -> tuple[Trace, CallRecord]:
    """The plan driven with the same script, its answers written as the reference writes them."""
    trace: Trace = []
    state, answer = plan.start(config, now=NOW)
    tickets = 0
    for _ in range(200):
        fact: plan.Input
        match answer:
            case plan.AskRate():
                trace.append(("ask_rate",))
                wait = script.rate()
                fact = plan.Rate(wait) if wait is not None else plan.Refused(NO_ENDPOINT)
            case plan.AskAdmit():
                trace.append(("ask_admit",))
                if script.admit():
                    tickets = state.number + 1
                    fact = plan.Admitted(tickets)
                else:
                    fact = plan.Refused(OPEN)
            case plan.AskEndpoint(context=context):
                trace.append(("ask_endpoint", context.tried))
                chosen = script.select(context)
                fact = plan.Selected(*chosen) if chosen is not None else plan.Refused(NO_ENDPOINT)
            case plan.Send(endpoint=endpoint, attempt=attempt):
                trace.append(("send", endpoint, attempt))
                fact = plan.Sent(script.send())
            case plan.Report(error=error, ticket=ticket, endpoint=endpoint, healthy=healthy):
                trace.append(("report", error, ticket, endpoint, healthy))
                fact = plan.Reported()
            case plan.Release(ticket=ticket):
                trace.append(("release", ticket))
                fact = plan.Reported()
            case plan.Sleep(seconds=seconds):
                trace.append(("sleep", seconds))
                fact = plan.Slept()
            case plan.Done(error=error, record=record):
                trace.append(("done", error, record.failed_by))
                return trace, record
        state, answer = plan.advance(state, fact, config=config, now=NOW, wall_now=WALL, u=U)
    raise AssertionError("the plan did not finish")


@given(configs, scripts)
def test_the_machine_does_what_the_reference_does(config: plan.PlanConfig, script: Script) -> None:
    """Same asks, sends, reports, sleeps and verdict as the straight-line composition."""
    copy = Script(list(script.rates), list(script.admits), list(script.selects), list(script.sends))
    expected = reference(config, copy)
    got, record = machine(config, script)
    assert got == expected
    sends = sum(1 for item in got if item[0] == "send")
    assert len(record.attempts) == sends
    admitted = sum(
        1 for i, item in enumerate(got) if item[0] == "ask_admit" and got[i + 1][0] != "done"
    )
    answered = sum(
        1
        for item in got
        if item[0] in ("report", "release") and (item[0] == "release" or item[2] is not None)
    )
    if config.breaker:
        assert admitted == answered  # every admitted attempt is reported or released once
    if config.retry is not None and not config.failover:
        assert sends <= config.retry.max_attempts


inputs = st.one_of(
    st.builds(plan.Rate, st.sampled_from([0.0, 1.0])),
    st.builds(plan.Admitted, st.integers(0, 3)),
    st.builds(plan.Selected, st.just("https://e"), st.just(AttemptContext(tried=("https://e",)))),
    st.builds(plan.Refused, errors),
    st.builds(plan.Sent, st.none() | errors),
    st.just(plan.Interrupted()),
    st.just(plan.Reported()),
    st.just(plan.Slept()),
)
states = st.builds(
    plan.PlanState,
    step=st.sampled_from(list(plan.Step)),
    retry=st.just(retry.start(now=0.0)),
    number=st.integers(0, 3),
    ticket=st.none() | st.integers(0, 3),
    endpoint=st.none() | st.just("https://e"),
    error=st.none() | errors,
)


@given(states, inputs, configs)
def test_every_step_and_input_gives_a_state_and_an_answer(
    state: plan.PlanState, fact: plan.Input, config: plan.PlanConfig
) -> None:
    """The table is total: any (step, input) gives a valid step and one of the answers; an
    out-of-order input changes nothing."""
    after, answer = plan.advance(state, fact, config=config, now=1.0, wall_now=0.0, u=0.5)
    assert isinstance(after.step, plan.Step)
    assert isinstance(
        answer,
        plan.AskRate
        | plan.AskAdmit
        | plan.AskEndpoint
        | plan.Send
        | plan.Report
        | plan.Release
        | plan.Sleep
        | plan.Done,
    )
    if (state.step, type(fact)) not in plan._TABLE:
        assert after == state


def test_an_interrupted_send_frees_its_ticket_and_stops() -> None:
    """Cancelling a send answers ``Release`` of the attempt's ticket, with no verdict."""
    config = plan.PlanConfig(breaker=True)
    state, answer = plan.start(config, now=0.0)
    assert isinstance(answer, plan.AskAdmit)
    state, answer = plan.advance(
        state, plan.Admitted(7), config=config, now=0.0, wall_now=0.0, u=0.0
    )
    assert isinstance(answer, plan.Send)
    state, answer = plan.advance(
        state, plan.Interrupted(), config=config, now=0.0, wall_now=0.0, u=0.0
    )
    assert answer == plan.Release(7) and state.step is plan.Step.DONE


def test_a_network_error_with_failover_alone_moves_on() -> None:
    """Without retry, a retryable error with failover asks for the next endpoint."""
    config = plan.PlanConfig(failover=True)
    state, answer = plan.start(config, now=0.0)
    state, answer = plan.advance(
        state,
        plan.Selected("https://a", AttemptContext(tried=("https://a",))),
        config=config,
        now=0.0,
        wall_now=0.0,
        u=0.0,
    )
    state, answer = plan.advance(
        state, plan.Sent(NetworkError(problem="reset")), config=config, now=0.0, wall_now=0.0, u=0.0
    )
    assert isinstance(answer, plan.Report) and not answer.healthy
    state, answer = plan.advance(
        state, plan.Reported(), config=config, now=0.0, wall_now=0.0, u=0.0
    )
    assert isinstance(answer, plan.AskEndpoint) and answer.context.tried == ("https://a",)
