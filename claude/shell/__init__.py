"""The imperative shell: sockets, threads, clocks. It composes the pure core and nothing more.

>>> from claude import shell
>>> # result = shell.send({"model": "claude-sonnet-4-5", "max_tokens": 256,
>>> #                      "messages": [{"role": "user", "content": "Hello"}]})
"""

from claude.shell.calls import asend as asend
from claude.shell.calls import send as send
from claude.shell.client import Client as Client
from claude.shell.client import MessageParams as MessageParams
from claude.shell.client import default_client as default_client

__all__ = ["Client", "MessageParams", "asend", "default_client", "send"]
