"""A bundled, loopback, Anthropic-compatible HTTP server with fault injection.

Our shell tests run against it over real sockets, the CLI's ``--local`` flag starts it in-process,
the benchmarks hammer it, and users can point an app at it to test offline::

    from claude.testing import Fault, LocalServer

    with LocalServer() as server:
        server.inject(Fault(status=529), times=1)   # the next request gets an overloaded error
        ...                                         # client at server.base_url, key server.api_key

Standard library and msgspec only; it shares no code with the client it is used to test.
"""

from claude.testing.faults import Fault as Fault
from claude.testing.recording import RecordedRequest as RecordedRequest
from claude.testing.server import DEFAULT_API_KEY as DEFAULT_API_KEY
from claude.testing.server import MAX_BODY_BYTES as MAX_BODY_BYTES
from claude.testing.server import LocalServer as LocalServer
from claude.testing.validation import API_VERSIONS as API_VERSIONS

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_KEY",
    "MAX_BODY_BYTES",
    "Fault",
    "LocalServer",
    "RecordedRequest",
]
