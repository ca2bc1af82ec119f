"""The imperative shell: sockets, threads, clocks. It composes the pure core and nothing more.

``send`` / ``stream`` and their async twins make exactly one HTTP call; the ``Client`` methods
named ``execute_with_*`` add retries, circuit breaking, rate limiting and failover, only when
asked, with the state holders below. ``parse`` (structured output into the caller's type) and
``run_tools`` (the tool loop, ``claude.pure.tool_loop`` driven by ``tool_runner``) build on them.

Layers, each importing only those below it: ``client`` / ``calls`` (the front) -> ``execute``
(the call plan's driver) and ``streaming`` (the stream lifecycle's) -> ``session`` (pool,
settings, clock, connection slots, the one thread hop) -> ``transport`` (the only module that
imports urllib3) and ``slots`` / ``clock`` / ``holders``.

The rest of the API (``count_tokens``, ``*_model(s)``, ``*_batch(es)``, ``batch_results``,
``wait_for_batch``, ``*_file(s)``) is in ``api`` (module-level calls) over ``resources``,
``batches`` and ``files`` (the same on a ``Session``), which build on ``execute`` and
``session`` like ``send``; ``downloads`` streams their large bodies.
"""

from claude.shell.calls import aexecute_with_quota as aexecute_with_quota
from claude.shell.calls import asend as asend
from claude.shell.calls import astream as astream
from claude.shell.calls import execute_with_quota as execute_with_quota
from claude.shell.calls import send as send
from claude.shell.calls import stream as stream
from claude.shell.client import Client as Client
from claude.shell.client import MessageParams as MessageParams
from claude.shell.client import default_client as default_client
from claude.shell.clock import Clock as Clock
from claude.shell.clock import FakeClock as FakeClock
from claude.shell.clock import SystemClock as SystemClock
from claude.shell.control import AsyncControlledStream as AsyncControlledStream
from claude.shell.control import ControlledStream as ControlledStream
from claude.shell.execute import Policies as Policies
from claude.shell.holders import CircuitBreaker as CircuitBreaker
from claude.shell.holders import Failover as Failover
from claude.shell.holders import RateLimiter as RateLimiter
from claude.shell.parsing import AsyncParsedMessageStream as AsyncParsedMessageStream
from claude.shell.parsing import ParsedMessageStream as ParsedMessageStream
from claude.shell.quota import QuotaTracker as QuotaTracker
from claude.shell.streaming import AsyncMessageStream as AsyncMessageStream
from claude.shell.streaming import MessageStream as MessageStream
from claude.shell.streaming import StreamEnded as StreamEnded
from claude.shell.tool_runner import ToolRun as ToolRun
from claude.shell.tool_runner import Turn as Turn
from claude.shell.typed_calls import aparse as aparse
from claude.shell.typed_calls import arun_tools as arun_tools
from claude.shell.typed_calls import parse as parse
from claude.shell.typed_calls import run_tools as run_tools

__all__ = [
    "AsyncControlledStream",
    "AsyncMessageStream",
    "AsyncParsedMessageStream",
    "CircuitBreaker",
    "Client",
    "Clock",
    "ControlledStream",
    "Failover",
    "FakeClock",
    "MessageParams",
    "MessageStream",
    "ParsedMessageStream",
    "Policies",
    "QuotaTracker",
    "RateLimiter",
    "StreamEnded",
    "SystemClock",
    "ToolRun",
    "Turn",
    "aexecute_with_quota",
    "aparse",
    "arun_tools",
    "asend",
    "astream",
    "default_client",
    "execute_with_quota",
    "parse",
    "run_tools",
    "send",
    "stream",
]

# The rest of the API (issue 11): count tokens, models, message batches, files.
from claude.shell.api import abatch_results as abatch_results
from claude.shell.api import acancel_batch as acancel_batch
from claude.shell.api import acount_tokens as acount_tokens
from claude.shell.api import acreate_batch as acreate_batch
from claude.shell.api import adelete_batch as adelete_batch
from claude.shell.api import adelete_file as adelete_file
from claude.shell.api import adownload_file as adownload_file
from claude.shell.api import aget_batch as aget_batch
from claude.shell.api import aget_file as aget_file
from claude.shell.api import aget_model as aget_model
from claude.shell.api import aiter_batches as aiter_batches
from claude.shell.api import aiter_files as aiter_files
from claude.shell.api import aiter_models as aiter_models
from claude.shell.api import alist_batches as alist_batches
from claude.shell.api import alist_files as alist_files
from claude.shell.api import alist_models as alist_models
from claude.shell.api import aupload_file as aupload_file
from claude.shell.api import await_for_batch as await_for_batch
from claude.shell.api import batch_results as batch_results
from claude.shell.api import cancel_batch as cancel_batch
from claude.shell.api import count_tokens as count_tokens
from claude.shell.api import create_batch as create_batch
from claude.shell.api import delete_batch as delete_batch
from claude.shell.api import delete_file as delete_file
from claude.shell.api import download_file as download_file
from claude.shell.api import get_batch as get_batch
from claude.shell.api import get_file as get_file
from claude.shell.api import get_model as get_model
from claude.shell.api import iter_batches as iter_batches
from claude.shell.api import iter_files as iter_files
from claude.shell.api import iter_models as iter_models
from claude.shell.api import list_batches as list_batches
from claude.shell.api import list_files as list_files
from claude.shell.api import list_models as list_models
from claude.shell.api import read_batch_input as read_batch_input
from claude.shell.api import upload_file as upload_file
from claude.shell.api import wait_for_batch as wait_for_batch
from claude.shell.api import write_batch_results as write_batch_results

__all__ += [
    "abatch_results",
    "acancel_batch",
    "acount_tokens",
    "acreate_batch",
    "adelete_batch",
    "adelete_file",
    "adownload_file",
    "aget_batch",
    "aget_file",
    "aget_model",
    "aiter_batches",
    "aiter_files",
    "aiter_models",
    "alist_batches",
    "alist_files",
    "alist_models",
    "aupload_file",
    "await_for_batch",
    "batch_results",
    "cancel_batch",
    "count_tokens",
    "create_batch",
    "delete_batch",
    "delete_file",
    "download_file",
    "get_batch",
    "get_file",
    "get_model",
    "iter_batches",
    "iter_files",
    "iter_models",
    "list_batches",
    "list_files",
    "list_models",
    "read_batch_input",
    "upload_file",
    "wait_for_batch",
    "write_batch_results",
]
