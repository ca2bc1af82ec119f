"""What a call cost in USD, from its ``usage`` and a per-model price table.

Theory of operation
-------------------
A ``PriceTable`` maps model ids to ``Price`` values (USD per million tokens) and aliases to ids.
Every number is stored per model, as the price list states it, never derived from multipliers:
Haiku 3's cache prices do not follow the usual 1.25x / 2x / 0.1x rule. The bundled ``PRICES``
carries the date it was taken (``PRICES.taken``); prices change, so every function takes
``table=`` and a caller can pass their own.

The bill of one call, with ``p`` the model's price and ``M = 1_000_000``::

    input      = input_tokens * p.input / M
    cache      = (writes_5m * p.cache_write_5m + writes_1h * p.cache_write_1h
                  + cache_read_input_tokens * p.cache_read) / M
    output     = output_tokens * p.output / M
    web_search = web_search_requests * table.web_search_per_request
    total      = input + cache + output + web_search

* Long context: when the prompt (input + cache writes + cache reads) is above
  ``p.long_context.above_tokens`` and the model has long-context prices, the *whole* request is
  billed at those prices (Sonnet 4 / 4.5 with the 1M-context beta).
* Batch: ``batch=True`` bills input and output at the stored batch prices; cache prices get the
  same discount as input (``price * batch_input / input``), as the price list says discounts stack.
* Savings: ``uncached`` is what the same prompt would have cost with every cached token billed as
  plain input; ``savings = uncached - total`` (negative when a cache write did not pay off yet).

Cost is linear in each token count (below the long-context threshold); a property test checks it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Final, Protocol

import msgspec
from returns.result import Failure, Result, Success

from claude.pure.errors import InvalidArgument

__all__ = [
    "PRICES",
    "Cost",
    "LongContext",
    "Price",
    "PriceTable",
    "Tokens",
    "UsageLike",
    "of",
    "price",
    "resolve",
    "tokens",
]

_M: Final = 1_000_000


class UsageLike(Protocol):
    """Any usage object with the wire attributes: ours, or the official SDK's ``Usage``."""

    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...


class LongContext(msgspec.Struct, frozen=True, kw_only=True):
    """Prices for a request whose prompt is above ``above_tokens`` (the whole request)."""

    above_tokens: int = 200_000
    price: Price


class Price(msgspec.Struct, frozen=True, kw_only=True):
    """USD per million tokens for one model; ``None`` where the price list has no such price."""

    input: float
    output: float
    cache_write_5m: float | None = None
    cache_write_1h: float | None = None
    cache_read: float | None = None
    batch_input: float | None = None
    batch_output: float | None = None
    long_context: LongContext | None = None


class PriceTable(msgspec.Struct, frozen=True, kw_only=True):
    """Prices by model id, aliases to ids, the per-search fee, and the date the prices were taken."""

    taken: str
    models: Mapping[str, Price]
    aliases: Mapping[str, str] = msgspec.field(default_factory=dict)
    web_search_per_request: float = 0.01
    source: str = ""


class Tokens(msgspec.Struct, frozen=True, kw_only=True):
    """The billed counts of a ``usage`` object as plain ints (absent or ``null`` is 0)."""

    input: int = 0
    output: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    cache_read: int = 0
    web_search_requests: int = 0

    @property
    def cache_write(self) -> int:
        """Tokens written to the cache, both TTLs."""
        return self.cache_write_5m + self.cache_write_1h

    @property
    def prompt(self) -> int:
        """The whole prompt: input + cache writes + cache reads."""
        return self.input + self.cache_write + self.cache_read

    @property
    def total(self) -> int:
        """Every billed token: the prompt and the output."""
        return self.prompt + self.output


class Cost(msgspec.Struct, frozen=True, kw_only=True):
    """The bill of one call in USD, by part, with what caching saved."""

    model: str
    input: float
    output: float
    cache_write: float
    cache_read: float
    web_search: float
    total: float
    uncached: float
    savings: float
    batch: bool = False
    long_context: bool = False
    currency: str = "USD"


def _p(*usd: float, long_context: LongContext | None = None) -> Price:
    """A price from the price list's columns: input, 5m write, 1h write, read, output, batch in/out."""
    i, w5, w1, r, o, bi, bo = usd
    return Price(
        input=i,
        cache_write_5m=w5,
        cache_write_1h=w1,
        cache_read=r,
        output=o,
        batch_input=bi,
        batch_output=bo,
        long_context=long_context,
    )


_SONNET_1M: Final = LongContext(above_tokens=200_000, price=_p(6, 7.5, 12, 0.6, 22.5, 3, 11.25))
_SONNET: Final = _p(3, 3.75, 6, 0.30, 15, 1.5, 7.5)
_OPUS: Final = _p(15, 18.75, 30, 1.50, 75, 7.5, 37.5)
_OPUS_45: Final = _p(5, 6.25, 10, 0.50, 25, 2.5, 12.5)

PRICES: Final = PriceTable(
    taken="2026-11-23",
    source="Anthropic pricing and models pages (2025-11; Opus 4.5 and the newer ids from 2026)",
    models={
        "claude-3-haiku-20240307": _p(0.25, 0.30, 0.50, 0.03, 1.25, 0.125, 0.625),
        "claude-3-sonnet-20240229": Price(input=3, output=15),
        "claude-3-opus-20240229": _OPUS,
        "claude-3-5-sonnet-20240620": Price(
            input=3, output=15, cache_write_5m=3.75, cache_read=0.30
        ),
        "claude-3-5-sonnet-20241022": Price(
            input=3, output=15, cache_write_5m=3.75, cache_read=0.30
        ),
        "claude-3-5-haiku-20241022": _p(0.80, 1, 1.60, 0.08, 4, 0.40, 2),
        "claude-3-7-sonnet-20250219": _SONNET,
        "claude-sonnet-4-20250514": _p(3, 3.75, 6, 0.30, 15, 1.5, 7.5, long_context=_SONNET_1M),
        "claude-opus-4-20250514": _OPUS,
        "claude-opus-4-1-20250805": _OPUS,
        "claude-sonnet-4-5-20250929": _p(3, 3.75, 6, 0.30, 15, 1.5, 7.5, long_context=_SONNET_1M),
        "claude-haiku-4-5-20251001": _p(1, 1.25, 2, 0.10, 5, 0.5, 2.5),
        "claude-opus-4-5-20251101": _OPUS_45,
        # Newer ids: input and output from the 2026 pricing page, not verified further; their
        # cache and batch prices are that page's general rule, written out per model.
        "claude-opus-4-6": _OPUS_45,
        "claude-opus-4-7": _OPUS_45,
        "claude-opus-4-8": _OPUS_45,
        "claude-opus-5": _OPUS_45,
        "claude-sonnet-4-6": _SONNET,
        "claude-sonnet-5": _p(2, 2.5, 4, 0.20, 10, 1, 5),  # the page's introductory price
        "claude-fable-5": _p(10, 12.5, 20, 1, 50, 5, 25),
    },
    aliases={
        "claude-3-opus-latest": "claude-3-opus-20240229",
        "claude-3-5-sonnet-latest": "claude-3-5-sonnet-20241022",
        "claude-3-5-haiku-latest": "claude-3-5-haiku-20241022",
        "claude-3-7-sonnet-latest": "claude-3-7-sonnet-20250219",
        "claude-sonnet-4-0": "claude-sonnet-4-20250514",
        "claude-4-sonnet-20250514": "claude-sonnet-4-20250514",
        "claude-opus-4-0": "claude-opus-4-20250514",
        "claude-4-opus-20250514": "claude-opus-4-20250514",
        "claude-opus-4-1": "claude-opus-4-1-20250805",
        "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
        "claude-haiku-4-5": "claude-haiku-4-5-20251001",
        "claude-opus-4-5": "claude-opus-4-5-20251101",
    },
)
"""The bundled price table (USD per million tokens); pass ``table=`` when prices change."""


def resolve(model: str, *, table: PriceTable = PRICES) -> str | None:
    """The table's id for ``model`` (an id or an alias), or ``None`` if the table lacks it.

    >>> resolve("claude-haiku-4-5")
    'claude-haiku-4-5-20251001'
    >>> resolve("claude-haiku-4-5-20251001")
    'claude-haiku-4-5-20251001'
    >>> resolve("gpt-4") is None
    True
    """
    given: object = model
    if not isinstance(given, str):  # an unhashable value would raise in the lookups below
        return None
    if model in table.models:
        return model
    target = table.aliases.get(model)
    return target if target is not None and target in table.models else None


def price(model: str, *, table: PriceTable = PRICES) -> Result[Price, InvalidArgument]:
    """The price of ``model``, or a Failure that names it and the closest known ids."""
    given: object = model
    if not isinstance(given, str):
        return Failure(
            InvalidArgument(path="model", problem=f"must be a string, got {type(given).__name__}")
        )
    found = resolve(model, table=table)
    if found is not None:
        return Success(table.models[found])
    known = [*table.models, *table.aliases]
    close = difflib.get_close_matches(model, known, n=2)
    hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
    return Failure(
        InvalidArgument(
            path="model",
            problem=f"{model!r} is not in the price table (taken {table.taken}); {hint}"
            "pass table=PriceTable(...) with its prices",
        )
    )


_FIELDS: Final = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)


def tokens(usage: UsageLike | Mapping[str, object]) -> Result[Tokens, InvalidArgument]:
    """The billed counts of ``usage`` (our ``Usage`` or a dict of the wire fields) as plain ints.

    Cache writes split by TTL when the usage says how (``cache_creation``); writes the split does
    not account for (or all of them, without a split) are 5-minute writes, the default TTL. Any
    object with the wire attributes (the official SDK's ``Usage``) is read the same way.

    >>> tokens({"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": None}).unwrap()
    Tokens(input=10, output=5, cache_write_5m=0, cache_write_1h=0, cache_read=0, web_search_requests=0)
    """
    given: object = usage
    data = _fields(given)
    if not isinstance(data, Mapping):
        return Failure(
            InvalidArgument(
                path="usage",
                problem=f"expected a Usage or a dict of token counts, got {type(given).__name__}",
            )
        )
    counts: dict[str, int] = {}
    for name in _FIELDS:
        found = _count(data.get(name), f"usage.{name}")
        if isinstance(found, Failure):
            return found
        counts[name] = found.unwrap()
    split = data.get("cache_creation")
    writes = counts["cache_creation_input_tokens"]
    w5m, w1h = writes, 0
    if isinstance(split, Mapping) and (
        split.get("ephemeral_5m_input_tokens") is not None
        or split.get("ephemeral_1h_input_tokens") is not None
    ):
        five = _count(
            split.get("ephemeral_5m_input_tokens"), "usage.cache_creation.ephemeral_5m_input_tokens"
        )
        hour = _count(
            split.get("ephemeral_1h_input_tokens"), "usage.cache_creation.ephemeral_1h_input_tokens"
        )
        if isinstance(five, Failure):
            return five
        if isinstance(hour, Failure):
            return hour
        w5m, w1h = five.unwrap(), hour.unwrap()
        # The split never bills fewer writes than cache_creation_input_tokens reports.
        w5m += max(writes - w5m - w1h, 0)
    searches = 0
    server = data.get("server_tool_use")
    if isinstance(server, Mapping):
        found = _count(
            server.get("web_search_requests"), "usage.server_tool_use.web_search_requests"
        )
        if isinstance(found, Failure):
            return found
        searches = found.unwrap()
    return Success(
        Tokens(
            input=counts["input_tokens"],
            output=counts["output_tokens"],
            cache_write_5m=w5m,
            cache_write_1h=w1h,
            cache_read=counts["cache_read_input_tokens"],
            web_search_requests=searches,
        )
    )


_ATTRIBUTES: Final = (
    *_FIELDS,
    "cache_creation",
    "server_tool_use",
    "ephemeral_5m_input_tokens",
    "ephemeral_1h_input_tokens",
    "web_search_requests",
)


def _fields(value: object, depth: int = 0) -> object:
    """``value`` as a dict when it is a Struct or has the wire attributes; else unchanged.

    Only the usage object and its direct children are read this way (the wire nests no deeper),
    so an object that answers every attribute cannot recurse without end.
    """
    if isinstance(value, msgspec.Struct):
        try:
            return msgspec.to_builtins(value)
        except (TypeError, ValueError, OverflowError):
            return value
    if depth > 1 or value is None or isinstance(value, Mapping | str | bytes | int | float):
        return value
    found = {name: getattr(value, name, None) for name in _ATTRIBUTES if hasattr(value, name)}
    if not found:
        return value
    return {name: _fields(inner, depth + 1) for name, inner in found.items()}


def _count(value: object, path: str) -> Result[int, InvalidArgument]:
    if value is None:
        return Success(0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return Failure(
            InvalidArgument(
                path=path, problem=f"must be a token count (an int >= 0), got {value!r}"
            )
        )
    return Success(value)


def of(
    usage: UsageLike | Mapping[str, object],
    model: str,
    *,
    batch: bool = False,
    table: PriceTable = PRICES,
) -> Result[Cost, InvalidArgument]:
    """The bill of one call in USD: ``cost.of(message.usage, message.model)``.

    >>> bill = of({"input_tokens": 1_000_000, "output_tokens": 100_000}, "claude-haiku-4-5").unwrap()
    >>> bill.input, bill.output, bill.total
    (1.0, 0.5, 1.5)
    """
    return price(model, table=table).bind(
        lambda p: tokens(usage).bind(
            lambda counts: _bill(
                counts, p, model=resolve(model, table=table) or model, batch=batch, table=table
            )
        )
    )


def _bill(
    counts: Tokens, p: Price, *, model: str, batch: bool, table: PriceTable
) -> Result[Cost, InvalidArgument]:
    long_context = p.long_context is not None and counts.prompt > p.long_context.above_tokens
    if p.long_context is not None and long_context:
        p = p.long_context.price
    rate_in, rate_out, rate_w5, rate_w1, rate_read = _rates(p, batch=batch)
    if rate_in is None or rate_out is None:
        return Failure(
            InvalidArgument(
                path=f"table.models[{model!r}].batch_input",
                problem="has no batch price; call with batch=False or pass a table with it",
            )
        )
    needed = (
        ("cache_write_5m", counts.cache_write_5m, rate_w5),
        ("cache_write_1h", counts.cache_write_1h, rate_w1),
        ("cache_read", counts.cache_read, rate_read),
    )
    for name, count, rate in needed:
        if count and rate is None:
            return Failure(
                InvalidArgument(
                    path=f"table.models[{model!r}].{name}",
                    problem=f"has no price, but the usage has {count} such tokens; "
                    "pass table=PriceTable(...) with it",
                )
            )
    input_usd = counts.input * rate_in / _M
    output_usd = counts.output * rate_out / _M
    write_usd = (
        counts.cache_write_5m * (rate_w5 or 0.0) + counts.cache_write_1h * (rate_w1 or 0.0)
    ) / _M
    read_usd = counts.cache_read * (rate_read or 0.0) / _M
    search_usd = counts.web_search_requests * table.web_search_per_request
    total = input_usd + output_usd + write_usd + read_usd + search_usd
    uncached = counts.prompt * rate_in / _M + output_usd + search_usd
    return Success(
        Cost(
            model=model,
            input=input_usd,
            output=output_usd,
            cache_write=write_usd,
            cache_read=read_usd,
            web_search=search_usd,
            total=total,
            uncached=uncached,
            savings=uncached - total,
            batch=batch,
            long_context=long_context,
        )
    )


_Rates = tuple[float | None, float | None, float | None, float | None, float | None]


def _rates(p: Price, *, batch: bool) -> _Rates:
    """(input, output, 5m write, 1h write, read) per MTok, with the batch discount if asked."""
    if not batch:
        return (p.input, p.output, p.cache_write_5m, p.cache_write_1h, p.cache_read)
    if p.batch_input is None or p.batch_output is None:
        return (None, None, None, None, None)
    ratio = p.batch_input / p.input if p.input else 0.0

    def scaled(rate: float | None) -> float | None:
        return None if rate is None else rate * ratio

    return (
        p.batch_input,
        p.batch_output,
        scaled(p.cache_write_5m),
        scaled(p.cache_write_1h),
        scaled(p.cache_read),
    )
