"""The imperative shell: sockets, threads, clocks. It composes the pure core and nothing more.

``send`` / ``stream`` and their async twins make exactly one HTTP call; the ``Client`` methods
named ``execute_with_*`` add retries, circuit breaking, rate limiting and failover, only when
asked, with the state holders below. ``parse`` (structured output into the caller's type) and
``run_tools`` (the tool loop, ``claude.pure.tool_loop`` driven by ``tool_runner``) build on them.

Layers, each importing only those below it: ``client`` / ``calls`` (the front) -> ``execute``
(the call plan's driver) and ``streaming`` (the stream lifecycle's) -> ``session`` (pool,
settings, clock, connection slots, the one thread hop) -> ``transport`` (the only module that
imports urllib3) and ``slots`` / ``clock`` / ``holders``.
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
