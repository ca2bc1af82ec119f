"""The local server's prompt cache, claude.testing.caching: token accounting over any breakpoints."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claude.testing.caching import PromptCache
from claude.testing.replies import Reply, compose

words = st.text(alphabet="abcdefgh ", min_size=0, max_size=120)
ttls = st.none() | st.sampled_from(["5m", "1h"])


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, object]:
    """A request whose system and message blocks carry random breakpoints (1h before 5m)."""
    system: list[dict[str, object]] = [
        {"type": "text", "text": draw(words)} for _ in range(draw(st.integers(0, 3)))
    ]
    said: list[dict[str, object]] = [
        {"type": "text", "text": draw(words) or "x"} for _ in range(draw(st.integers(1, 3)))
    ]
    turns = [
        {"role": role, "content": [block]}
        for role, block in zip(("user", "assistant", "user"), said, strict=False)
    ]
    blocks = [*system, *said]
    marked = draw(st.lists(st.sampled_from(range(len(blocks))), max_size=4, unique=True))
    hour = draw(st.integers(0, len(marked)))
    for n, index in enumerate(sorted(marked)):
        blocks[index]["cache_control"] = {"type": "ephemeral", "ttl": "1h" if n < hour else "5m"}
    body: dict[str, object] = {"model": "m", "max_tokens": 16, "messages": turns}
    if system:
        body["system"] = system
    return body


def reply_to(body: dict[str, object]) -> Reply:
    """The server's plain reply to ``body``, before caching."""
    return compose(body, message_id="msg_1", tool_use_id="toolu_1")


@given(bodies())
def test_the_input_is_split_between_plain_written_and_read_tokens(body: dict[str, object]) -> None:
    """Input + writes + reads is always the plain input count; writes split into 5m and 1h."""
    plain = reply_to(body)
    cache = PromptCache()
    for _ in range(2):
        cached = cache.apply(body, plain)
        assert (
            cached.input_tokens
            + cached.cache_creation_input_tokens
            + cached.cache_read_input_tokens
            == plain.input_tokens
        )
        assert cached.cache_creation_5m + cached.cache_creation_1h == (
            cached.cache_creation_input_tokens
        )


@given(bodies())
def test_a_repeated_request_reads_what_the_first_wrote(body: dict[str, object]) -> None:
    """The first call reads nothing; the same request again reads all it wrote and writes nothing."""
    plain, cache = reply_to(body), PromptCache()
    first = cache.apply(body, plain)
    second = cache.apply(body, plain)
    assert first.cache_read_input_tokens == 0
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0


def test_a_request_without_breakpoints_is_not_cached() -> None:
    """No cache_control anywhere: the reply keeps its usage and nothing is stored."""
    body: dict[str, object] = {
        "model": "m",
        "max_tokens": 16,
        "system": "Rules. " * 50,
        "messages": [{"role": "user", "content": "hi"}],
    }
    plain, cache = reply_to(body), PromptCache()
    assert cache.apply(body, plain) == plain
    assert cache.apply(body, plain) == plain
