"""A bundled, loopback, Anthropic-compatible HTTP server with fault injection.

Our shell tests run against it over real sockets, the CLI's ``--local`` flag starts it in-process,
the benchmarks hammer it, and users can point an app at it to test offline::

    from claude.testing import Fault, LocalServer

    with LocalServer() as server:
        server.inject(Fault(status=529), times=1)   # the next request gets an overloaded error
        ...                                         # client at server.base_url, key server.api_key

Beyond messages it serves count_tokens, models, message batches and files, in memory, with the
API's pagination and error shapes, so batch and file code can be tested offline too::

    with LocalServer(batch_processing="manual") as server:
        server.inject(Fault(batch_results={"b": "errored", "c": "malformed"}))
        ...                      # POST /v1/messages/batches with custom_ids a, b, c: in_progress
        server.release_batches() # ended: a succeeded, b errored, c's results line is broken JSON
        ...                      # GET its results_url (on this server): JSONL, streamed

``batch_processing="background"`` (the default) ends batches from a worker thread, and
`LocalServer.wait_for_batch` blocks until one has ended; ``"instant"`` ends each before its create
call answers. Files uploaded with ``POST /v1/files`` (multipart, up to 500 MB) are kept in memory and
can be downloaded back from ``/v1/files/{id}/content`` in 1 MiB chunks, unless
``LocalServer(files_downloadable=False)`` refuses that as the real API does for uploads. Under
``anthropic-version: 2023-06-01`` the Files routes need the ``files-api-2025-04-14`` beta header.
Every `Fault` applies to these routes as well (``cut_after`` counts results lines and download
chunks).

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
