"""Properties of client settings, claude.pure.settings: base URLs, loopback, the new limits."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from claude.pure import settings as settings_module
from claude.pure.settings import Settings, Timeouts, check_base_url, check_settings, is_loopback

controls = st.sampled_from([chr(c) for c in range(0x20)] + ["\x7f"])


@given(st.text(max_size=10), controls, st.text(max_size=10))
def test_a_base_url_with_a_control_character_is_refused_without_echoing_it(
    head: str, bad: str, tail: str
) -> None:
    """CR, LF, TAB, NUL or any control character anywhere refuses the URL; the message does not
    carry it raw."""
    result = check_base_url(f"https://api.anthropic.com/{head}{bad}{tail}")
    assert not is_successful(result)
    assert bad not in str(result.failure())


@given(st.sampled_from(["localhost.", "LOCALHOST.", "localhost.localdomain", "localhostx"]))
def test_only_plain_localhost_is_loopback_by_name(host: str) -> None:
    """``localhost.`` and look-alikes are DNS names like any other."""
    assert not is_loopback(host)
    assert not is_successful(check_base_url(f"http://{host}:80"))


@given(st.one_of(st.none(), st.floats(0.001, 1e6)), st.integers(1, 1 << 40))
def test_total_and_the_size_cap_are_accepted_in_range(total: float | None, cap: int) -> None:
    """A total deadline of seconds (or None) and a positive byte cap are valid settings."""
    settings = Settings(timeouts=Timeouts(total=total), max_response_bytes=cap)
    assert is_successful(check_settings(settings))


@given(st.one_of(st.just(0.0), st.just(-1.0), st.just(float("nan")), st.just(float("inf"))))
def test_a_bad_total_names_its_field(total: float) -> None:
    """A total that is not a finite positive number is refused, naming ``timeouts.total``."""
    error = check_settings(Settings(timeouts=Timeouts(total=total))).failure()
    assert error.path == "timeouts.total"


def test_the_docstring_examples_hold() -> None:
    """The examples in the module's docstrings are true."""
    assert doctest.testmod(settings_module, raise_on_error=False).failed == 0
