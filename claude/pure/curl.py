"""Render a request as a curl command a person can paste, with the credential left out.

The key is replaced by a shell reference to the environment variable that holds it, so the
command still works when pasted and the secret never appears on screen or in a log.
"""

from __future__ import annotations

import shlex

from claude.pure.request import HttpRequest

__all__ = ["render_curl"]

_REDACTED = {
    "x-api-key": "x-api-key: ${ANTHROPIC_API_KEY}",
    "authorization": "authorization: Bearer ${ANTHROPIC_AUTH_TOKEN}",
}


def render_curl(request: HttpRequest) -> str:
    """A multi-line ``curl`` command equivalent to ``request``, credentials as ``${ENV}``.

    >>> print(render_curl(HttpRequest(method="GET", url="https://x.test/v1/models",
    ...                               headers={"x-api-key": "sk-ant-secret"})))
    curl -X GET https://x.test/v1/models \\
      -H "x-api-key: ${ANTHROPIC_API_KEY}"
    """
    lines = [f"curl -X {request.method} {shlex.quote(request.url)}"]
    for name, value in request.headers.items():
        redacted = _REDACTED.get(name.lower())
        if redacted is not None:
            lines.append(f'-H "{redacted}"')
        else:
            lines.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if request.body is not None:
        lines.append(f"--data-binary {shlex.quote(request.body.decode('utf-8', 'replace'))}")
    return " \\\n  ".join(lines)
