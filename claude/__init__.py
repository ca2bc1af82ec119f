"""api-claude: a thin, typed, fast client for the Anthropic Claude API.

The handful of names most programs need, the content blocks they handle most among them (so
``match block: case ToolUseBlock(name=n, input=i): ...`` needs only ``claude``); everything
else lives in ``claude.pure`` (pure functions and data, no I/O) and ``claude.shell`` (the calls
that do I/O).
"""

from claude import errors as errors
from claude._version import __version__ as __version__
from claude.pure.breaker import BreakerPolicy as BreakerPolicy
from claude.pure.errors import ClaudeError as ClaudeError
from claude.pure.errors import ClaudeException as ClaudeException
from claude.pure.errors import unwrap as unwrap
from claude.pure.failover import Endpoint as Endpoint
from claude.pure.failover import EndpointHealth as EndpointHealth
from claude.pure.failover import FailoverPolicy as FailoverPolicy
from claude.pure.failover import FailoverStrategy as FailoverStrategy
from claude.pure.health import HealthCheckPolicy as HealthCheckPolicy
from claude.pure.health import HealthCheckStrategy as HealthCheckStrategy
from claude.pure.quota import QuotaExceeded as QuotaExceeded
from claude.pure.quota import QuotaPolicy as QuotaPolicy
from claude.pure.ratelimit import EndpointClass as EndpointClass
from claude.pure.ratelimit import RateLimitPolicy as RateLimitPolicy
from claude.pure.ratelimit import SlidingWindowPolicy as SlidingWindowPolicy
from claude.pure.ratelimit import TokenBucketPolicy as TokenBucketPolicy
from claude.pure.record import CallRecord as CallRecord
from claude.pure.request import unchecked as unchecked
from claude.pure.retry import RetryPolicy as RetryPolicy
from claude.pure.settings import Timeouts as Timeouts
from claude.pure.structured import OutputIncomplete as OutputIncomplete
from claude.pure.structured import OutputMismatch as OutputMismatch
from claude.pure.structured import OutputRefused as OutputRefused
from claude.pure.structured import Parsed as Parsed
from claude.pure.tool_loop import ToolLoopPolicy as ToolLoopPolicy
from claude.pure.tools import tool as tool
from claude.pure.wire import ContentBlock as ContentBlock
from claude.pure.wire import DocumentBlock as DocumentBlock
from claude.pure.wire import ImageBlock as ImageBlock
from claude.pure.wire import Message as Message
from claude.pure.wire import MessageRequest as MessageRequest
from claude.pure.wire import RedactedThinkingBlock as RedactedThinkingBlock
from claude.pure.wire import ServerToolUseBlock as ServerToolUseBlock
from claude.pure.wire import TextBlock as TextBlock
from claude.pure.wire import ThinkingBlock as ThinkingBlock
from claude.pure.wire import ToolResultBlock as ToolResultBlock
from claude.pure.wire import ToolUseBlock as ToolUseBlock
from claude.pure.wire import UnknownBlock as UnknownBlock
from claude.pure.wire import Usage as Usage

__all__ = [
    "BreakerPolicy",
    "CallRecord",
    "ClaudeError",
    "ClaudeException",
    "ContentBlock",
    "DocumentBlock",
    "Endpoint",
    "EndpointClass",
    "EndpointHealth",
    "FailoverPolicy",
    "FailoverStrategy",
    "HealthCheckPolicy",
    "HealthCheckStrategy",
    "ImageBlock",
    "Message",
    "MessageRequest",
    "OutputIncomplete",
    "OutputMismatch",
    "OutputRefused",
    "Parsed",
    "QuotaExceeded",
    "QuotaPolicy",
    "RateLimitPolicy",
    "RedactedThinkingBlock",
    "RetryPolicy",
    "ServerToolUseBlock",
    "SlidingWindowPolicy",
    "TextBlock",
    "ThinkingBlock",
    "Timeouts",
    "TokenBucketPolicy",
    "ToolLoopPolicy",
    "ToolResultBlock",
    "ToolUseBlock",
    "UnknownBlock",
    "Usage",
    "__version__",
    "errors",
    "tool",
    "unchecked",
    "unwrap",
]
