"""The JSON endpoints besides Messages, on a ``Session``: count tokens and models, plus the one
way every such call is made (``call`` / ``acall``), which batches and files use too.

A call is a request value built by ``claude.pure.endpoints`` and one exchange through
``Session.perform_with``: the same deadlines, body cap, connection slots and error mapping as
``send``. With ``policies`` it runs under the pure call plan (``claude.shell.execute``), like
``execute_with_*``: the rate limiter charges the bucket of the request's endpoint class
(``count_tokens``, ``models``, ``batches``, ``files``). A plain call makes exactly one request;
``iter_models`` makes one per page, only as the caller walks it.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from claude.pure.endpoints import (
    MODELS_PATH,
    count_tokens_request,
    json_request,
    list_query,
    resource_id,
)
from claude.pure.errors import ClaudeError, InvalidArgument
from claude.pure.options import CallOptions
from claude.pure.request import HttpRequest, Target
from claude.pure.resources import ModelInfo, ModelPage
from claude.pure.response import decode_json_reply
from claude.pure.wire import TokenCount
from claude.shell.execute import Observer, Policies, Steps, arun_plan, plan_for, run_plan
from claude.shell.session import Session

__all__ = [
    "Decode",
    "acall",
    "acount_tokens",
    "aget_model",
    "aiter_models",
    "alist_models",
    "awalk",
    "call",
    "count_tokens",
    "decoder",
    "get_model",
    "get_request",
    "iter_models",
    "list_models",
    "next_after",
    "target_of",
    "walk",
]

_T = TypeVar("_T")
_I = TypeVar("_I")

Decode = Callable[[int, Mapping[str, str], bytes], Result[_T, ClaudeError]]


def decoder(type_: type[_T]) -> Decode[_T]:
    """The reply decoder for a JSON endpoint answering ``type_``."""
    return functools.partial(decode_json_reply, type_=type_)


def target_of(session: Session) -> Result[Target, ClaudeError]:
    """The session's target, or why it cannot send (closed, no key, bad settings)."""
    if session.closed:
        return Failure(InvalidArgument(path="client", problem="is closed; make a new Client"))
    return session.target


def _guarded(
    build: Callable[[], Result[HttpRequest, ClaudeError]],
) -> Result[HttpRequest, ClaudeError]:
    try:
        return build()
    except Exception as exc:  # a hostile input must not escape as a traceback
        return Failure(
            InvalidArgument(
                path="request",
                problem=f"could not be built: reading it raised {type(exc).__name__}; "
                "pass plain dicts, lists, strings and numbers",
            )
        )


def call(
    session: Session,
    built: Result[HttpRequest, ClaudeError],
    decode: Decode[_T],
    options: CallOptions,
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
    upload: Callable[[], Iterable[bytes]] | None = None,
) -> Result[_T, ClaudeError]:
    """Perform ``built`` once (or under ``policies``) and decode its reply, on this thread.

    ``upload`` makes a fresh request body stream for each attempt (a file read from disk).
    """
    if isinstance(built, Failure):
        return Failure(built.failure())
    request = built.unwrap()

    def send(request: HttpRequest) -> Result[_T, ClaudeError]:
        return session.perform_with(
            request,
            decode,
            timeout=options.timeout,
            upload=upload() if upload is not None else None,
        )

    if policies is None:
        return send(request)
    planned: Result[Steps[_T], ClaudeError] = plan_for(session, request, policies)
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    return run_plan(
        planned.unwrap(),
        sleep=session.clock.sleep,
        send=send,
        observe=observe,
    )


async def acall(
    session: Session,
    built: Result[HttpRequest, ClaudeError],
    decode: Decode[_T],
    options: CallOptions,
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
    upload: Callable[[], Iterable[bytes]] | None = None,
) -> Result[_T, ClaudeError]:
    """The async twin of ``call``: the slot taken on the event loop, the exchange in a worker."""
    if isinstance(built, Failure):
        return Failure(built.failure())
    request = built.unwrap()

    async def send(request: HttpRequest) -> Result[_T, ClaudeError]:
        lease = await session.slots.aacquire()
        return await session.hop(
            functools.partial(
                session.perform_with,
                request,
                decode,
                timeout=options.timeout,
                lease=lease,
                upload=upload() if upload is not None else None,
            ),
            lease,
        )

    if policies is None:
        return await send(request)
    planned: Result[Steps[_T], ClaudeError] = plan_for(session, request, policies)
    if isinstance(planned, Failure):
        return Failure(planned.failure())
    return await arun_plan(
        planned.unwrap(),
        sleep=session.clock.asleep,
        send=send,
        observe=observe,
    )


# --- count tokens -----------------------------------------------------------------------------


def _count_tokens_request(
    session: Session, params: object, options: Result[CallOptions, ClaudeError]
) -> Result[HttpRequest, ClaudeError]:
    return options.bind(
        lambda opts: target_of(session).bind(
            lambda target: _guarded(
                lambda: count_tokens_request(params, target=target, options=opts)
            )
        )
    )


def count_tokens(
    session: Session,
    params: object,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[TokenCount, ClaudeError]:
    """``POST /v1/messages/count_tokens``: how many input tokens ``params`` would cost."""
    built = _count_tokens_request(session, params, options)
    return call(
        session,
        built,
        decoder(TokenCount),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


async def acount_tokens(
    session: Session,
    params: object,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[TokenCount, ClaudeError]:
    """The async twin of ``count_tokens``."""
    built = _count_tokens_request(session, params, options)
    return await acall(
        session,
        built,
        decoder(TokenCount),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


# --- models ---------------------------------------------------------------------------------


def get_request(
    session: Session,
    path: Result[str, InvalidArgument],
    options: Result[CallOptions, ClaudeError],
    *,
    method: str = "GET",
    query: Result[dict[str, str], InvalidArgument] | None = None,
    headers: Mapping[str, str] | None = None,
    body: Mapping[str, object] | None = None,
    raw: bytes | None = None,
    accept: str = "application/json",
) -> Result[HttpRequest, ClaudeError]:
    """A bodiless (or small JSON) request to ``path``, or why there is none; never raises."""
    if isinstance(options, Failure):
        return Failure(options.failure())
    opts = options.unwrap()
    target = target_of(session)
    if isinstance(target, Failure):
        return Failure(target.failure())
    if isinstance(path, Failure):
        return Failure(path.failure())
    if isinstance(query, Failure):
        return Failure(query.failure())
    where, given = path.unwrap(), query.unwrap() if query is not None else {}
    return _guarded(
        lambda: json_request(
            method,
            where,
            target=target.unwrap(),
            options=opts,
            query=given,
            headers=headers,
            body=body,
            raw=raw,
            accept=accept,
        )
    )


def _model_path(model_id: object) -> Result[str, InvalidArgument]:
    return resource_id(model_id, path="model_id").map(lambda i: f"{MODELS_PATH}/{i}")


def list_models(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[ModelPage, ClaudeError]:
    """One page of ``GET /v1/models`` (newest first; the API's default ``limit`` is 20)."""
    built = get_request(
        session,
        Success(MODELS_PATH),
        options,
        query=list_query(limit=limit, before_id=before_id, after_id=after_id),
    )
    return call(
        session,
        built,
        decoder(ModelPage),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


async def alist_models(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    before_id: str | None = None,
    after_id: str | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[ModelPage, ClaudeError]:
    """The async twin of ``list_models``."""
    built = get_request(
        session,
        Success(MODELS_PATH),
        options,
        query=list_query(limit=limit, before_id=before_id, after_id=after_id),
    )
    return await acall(
        session,
        built,
        decoder(ModelPage),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


def get_model(
    session: Session,
    model_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[ModelInfo, ClaudeError]:
    """``GET /v1/models/{id}``: one model, an alias resolved to its snapshot."""
    built = get_request(session, _model_path(model_id), options)
    return call(
        session,
        built,
        decoder(ModelInfo),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


async def aget_model(
    session: Session,
    model_id: str,
    options: Result[CallOptions, ClaudeError],
    *,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Result[ModelInfo, ClaudeError]:
    """The async twin of ``get_model``."""
    built = get_request(session, _model_path(model_id), options)
    return await acall(
        session,
        built,
        decoder(ModelInfo),
        options.value_or(CallOptions()),
        policies=policies,
        observe=observe,
    )


def walk(
    fetch: Callable[[str | None], Result[_T, ClaudeError]],
    items: Callable[[_T], Iterable[_I]],
    cursor: Callable[[_T], str | None],
) -> Iterator[Result[_I, ClaudeError]]:
    """Every item of every page, one request per page as the caller walks; a failed page is
    one ``Failure`` and the end."""
    after: str | None = None
    while True:
        page = fetch(after)
        if not is_successful(page):
            yield Failure(page.failure())
            return
        value = page.unwrap()
        for item in items(value):
            yield Success(item)
        after = cursor(value)
        if after is None:
            return


async def awalk(
    fetch: Callable[[str | None], Awaitable[Result[_T, ClaudeError]]],
    items: Callable[[_T], Iterable[_I]],
    cursor: Callable[[_T], str | None],
) -> AsyncIterator[Result[_I, ClaudeError]]:
    """The async twin of ``walk``."""
    after: str | None = None
    while True:
        page = await fetch(after)
        if not is_successful(page):
            yield Failure(page.failure())
            return
        value = page.unwrap()
        for item in items(value):
            yield Success(item)
        after = cursor(value)
        if after is None:
            return


def next_after(page: ModelPage | object) -> str | None:
    """The ``after_id`` of the next page, ``None`` on the last page."""
    has_more = getattr(page, "has_more", False)
    last = getattr(page, "last_id", None)
    return last if has_more is True and isinstance(last, str) and last else None


def iter_models(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> Iterator[Result[ModelInfo, ClaudeError]]:
    """Every model, walking the pages forward: one request per page, made as the caller walks."""
    return walk(
        lambda after: list_models(
            session, options, limit=limit, after_id=after, policies=policies, observe=observe
        ),
        lambda page: page.data,
        next_after,
    )


def aiter_models(
    session: Session,
    options: Result[CallOptions, ClaudeError],
    *,
    limit: int | None = None,
    policies: Policies | None = None,
    observe: Observer | None = None,
) -> AsyncIterator[Result[ModelInfo, ClaudeError]]:
    """The async twin of ``iter_models``."""
    return awalk(
        lambda after: alist_models(
            session, options, limit=limit, after_id=after, policies=policies, observe=observe
        ),
        lambda page: page.data,
        next_after,
    )
