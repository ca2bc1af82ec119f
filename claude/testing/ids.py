"""Random-looking identifiers in the shapes the API uses (`req_…`, `msg_…`, `toolu_…`,
`msgbatch_…`, `file_…`).

They only need to look real and be unique enough within a test run, so a plain `random.Random`
(fast, and safe to share between threads under the GIL) is enough; nothing here is a secret.
"""

from __future__ import annotations

import random
import string

__all__ = ["batch_id", "file_id", "message_id", "request_id", "tool_use_id"]

_ALNUM = string.ascii_letters + string.digits
_rng = random.Random()


def _suffix() -> str:
    """24 alphanumeric characters, like the tail of a real id."""
    return "".join(_rng.choices(_ALNUM, k=24))


def request_id() -> str:
    """A `request-id` header value, repeated as `request_id` in error bodies."""
    return "req_" + _suffix()


def message_id() -> str:
    """A Message `id`."""
    return "msg_" + _suffix()


def tool_use_id() -> str:
    """A `tool_use` block `id`."""
    return "toolu_" + _suffix()


def batch_id() -> str:
    """A Message Batch `id`."""
    return "msgbatch_" + _suffix()


def file_id() -> str:
    """A File `id`."""
    return "file_" + _suffix()
