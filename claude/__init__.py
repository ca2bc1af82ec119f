"""api-claude: a thin, typed, fast client for the Anthropic Claude API.

The handful of names most programs need; everything else lives in ``claude.pure`` (pure
functions and data, no I/O) and ``claude.shell`` (the calls that do I/O).
"""

__version__ = "0.1.0"  # set before the imports below: claude.pure.settings reads it

from claude.pure import errors as errors
from claude.pure.errors import ClaudeError as ClaudeError
from claude.pure.errors import ClaudeException as ClaudeException
from claude.pure.errors import unwrap as unwrap
from claude.pure.settings import Timeouts as Timeouts
from claude.pure.wire import Message as Message
from claude.pure.wire import MessageRequest as MessageRequest

__all__ = [
    "ClaudeError",
    "ClaudeException",
    "Message",
    "MessageRequest",
    "Timeouts",
    "__version__",
    "errors",
    "unwrap",
]
