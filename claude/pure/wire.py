"""The Messages API schema in one place: msgspec Structs for requests and responses.

Theory of operation
-------------------
Every type here is a frozen msgspec Struct whose encoding *is* the wire JSON:
``msgspec.to_builtins(value)`` gives exactly what goes over (or came over) the wire.

* Optional fields default to ``UNSET``, which msgspec omits when encoding, so "absent" stays
  absent and an explicit ``None`` stays ``null``. Nothing is invented on the way through.
* Content blocks, sources, citations, tool choices and thinking configs are tagged unions on
  ``"type"``. Each union also holds an ``Unknown*`` member, so the type of a block from a newer
  API is part of the declared union and not a surprise at run time.
* All Structs forbid unknown fields. That makes the fast native decode fail on anything new,
  and :mod:`claude.pure.codec` then takes the lenient path, which keeps unknown fields and
  unknown tags by building a subclass that declares them (see ``codec``). Known shapes decode
  at full msgspec speed; new shapes round-trip instead of failing.
* Strings from closed-looking sets that grow over time (``stop_reason``, ``role``,
  ``service_tier``) are typed ``str`` with named constants, never ``Literal``: a new value is data.
* Each known member's ``type`` is a ``Literal`` property, so ``match``/``isinstance`` narrow a
  union to a class anywhere, and ``block.type == "tool_use"`` narrows to ``ToolUseBlock`` once
  the ``Unknown*`` member is ruled out (``isinstance(block, UnknownBlock)``): an unknown value's
  ``type`` is its real tag, any string, and typing it as a Literal would be a lie.
* The blocks users handle most are re-exported from ``claude`` itself.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec
from msgspec import UNSET, UnsetType

from claude.pure.headers import RateLimits, parse_rate_limits

__all__ = [
    "STOP_REASONS",
    "TOOL_TYPES",
    "UNKNOWN_TAG",
    "UNSET",
    "Base64Source",
    "BashCodeExecutionToolResultBlock",
    "BillingPolicy",
    "CacheControl",
    "CacheCreation",
    "CharLocation",
    "Citation",
    "CitationsConfig",
    "CodeExecutionToolResultBlock",
    "CompactionBlock",
    "CompactionConfig",
    "ContainerConfig",
    "ContainerUploadBlock",
    "ContentBlock",
    "ContentBlockLocation",
    "ContentSource",
    "ContextManagement",
    "Diagnostics",
    "DocumentBlock",
    "DocumentSource",
    "FallbackBlock",
    "FallbackCreditToken",
    "FileSource",
    "ImageBlock",
    "ImageSource",
    "JsonObject",
    "McpServer",
    "McpToolResultBlock",
    "McpToolUseBlock",
    "Message",
    "MessageParam",
    "MessageRequest",
    "Metadata",
    "OutputConfig",
    "PageLocation",
    "RedactedThinkingBlock",
    "SearchResultBlock",
    "SearchResultLocation",
    "ServerToolUsage",
    "ServerToolUseBlock",
    "Tagged",
    "TextBlock",
    "TextEditorCodeExecutionToolResultBlock",
    "TextSource",
    "ThinkingAdaptive",
    "ThinkingBlock",
    "ThinkingConfig",
    "ThinkingDisabled",
    "ThinkingEnabled",
    "ThreadConfig",
    "TokenCount",
    "Tool",
    "ToolChoice",
    "ToolChoiceAny",
    "ToolChoiceAuto",
    "ToolChoiceNone",
    "ToolChoiceTool",
    "ToolResultBlock",
    "ToolSearchToolResultBlock",
    "ToolUseBlock",
    "Unknown",
    "UnknownBlock",
    "UnknownCitation",
    "UnknownSource",
    "UnknownThinkingConfig",
    "UnknownToolChoice",
    "UnsetType",
    "UrlSource",
    "Usage",
    "WebFetchToolResultBlock",
    "WebSearchResultLocation",
    "WebSearchToolResultBlock",
    "Wire",
]

JsonObject = dict[str, object]
"""A JSON object whose shape is the caller's or the server's business (tool input, schemas)."""

STOP_REASONS: Final = (
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
    "compaction",
)
"""Stop reasons known today; any other string is a newer one and is kept as it is."""

TOOL_TYPES: Final = (
    "custom",
    "advisor_20260301",
    "bash_20241022",
    "bash_20250124",
    "browser_toolset_20260801",
    "code_execution_20250522",
    "code_execution_20250825",
    "code_execution_20260120",
    "code_execution_20260521",
    "computer_20241022",
    "computer_20250124",
    "computer_20251124",
    "computer_toolset_20260801",
    "mcp_toolset",
    "memory_20250818",
    "text_editor_20241022",
    "text_editor_20250124",
    "text_editor_20250429",
    "text_editor_20250728",
    "tool_search_tool_bm25",
    "tool_search_tool_bm25_20251119",
    "tool_search_tool_regex",
    "tool_search_tool_regex_20251119",
    "web_fetch_20250910",
    "web_fetch_20260209",
    "web_fetch_20260309",
    "web_fetch_20260318",
    "web_search_20250305",
    "web_search_20260209",
    "web_search_20260318",
)
"""Tool definition types known today (SDK 2.14, beta included); ``Tool.type`` is any string."""
ToolType = Literal[
    "custom",
    "advisor_20260301",
    "bash_20241022",
    "bash_20250124",
    "browser_toolset_20260801",
    "code_execution_20250522",
    "code_execution_20250825",
    "code_execution_20260120",
    "code_execution_20260521",
    "computer_20241022",
    "computer_20250124",
    "computer_20251124",
    "computer_toolset_20260801",
    "mcp_toolset",
    "memory_20250818",
    "text_editor_20241022",
    "text_editor_20250124",
    "text_editor_20250429",
    "text_editor_20250728",
    "tool_search_tool_bm25",
    "tool_search_tool_bm25_20251119",
    "tool_search_tool_regex",
    "tool_search_tool_regex_20251119",
    "web_fetch_20250910",
    "web_fetch_20260209",
    "web_fetch_20260309",
    "web_fetch_20260318",
    "web_search_20250305",
    "web_search_20260209",
    "web_search_20260318",
]
"""``TOOL_TYPES`` as a type, for annotating the tools a program defines."""

UNKNOWN_TAG: Final = "\x00unknown"
"""Placeholder tag of the ``Unknown*`` members; the lenient decoder replaces it with the real one."""


class Wire(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, repr_omit_defaults=True
):
    """Base of every wire Struct: immutable, keyword-built, strict on the fast decode path."""


class Tagged(Wire, frozen=True, kw_only=True, tag_field="type"):
    """Base of the members of a ``"type"``-tagged union; ``type`` reads the tag back."""

    @property
    def type(self) -> str:
        """The wire ``type`` of this value (its msgspec tag)."""
        return str(self.__struct_config__.tag)


class Unknown(Tagged, frozen=True, kw_only=True, dict=True):
    """Marker base of the fall-back member of each union: a value of a type this library predates.

    The lenient decoder builds a subclass whose tag is the real ``type`` and whose fields are
    the value's keys, so ``msgspec.to_builtins`` gives the original object back unchanged.
    """

    @property
    def deltas(self) -> tuple[object, ...]:
        """The stream deltas of unknown types that arrived for this block, in order (a block of
        a newer type may be built by deltas this library predates; they are kept, not dropped).
        Never encoded: the wire form stays the block as it started."""
        value = self.__dict__.get("_deltas", ())
        return value if isinstance(value, tuple) else ()

    @property
    def fields(self) -> dict[str, object]:
        """Every field of the unknown value except ``type``, as plain JSON values."""
        data = msgspec.to_builtins(self)
        assert isinstance(data, dict)
        data.pop("type", None)
        return data


# --- small shared pieces -------------------------------------------------------------------


class CacheControl(Wire, frozen=True, kw_only=True):
    """A prompt-cache breakpoint: ``{"type": "ephemeral", "ttl": "5m" | "1h"}``."""

    type: str = "ephemeral"
    ttl: str | UnsetType = UNSET


class CitationsConfig(Wire, frozen=True, kw_only=True):
    """``{"enabled": bool}`` on a document: ask for citations into it."""

    enabled: bool | UnsetType = UNSET


# --- citations ---------------------------------------------------------------------------


class CharLocation(Tagged, frozen=True, kw_only=True, tag="char_location"):
    """A citation of a character range of a plain-text document."""

    @property
    def type(self) -> Literal["char_location"]:
        return "char_location"

    cited_text: str
    document_index: int
    document_title: str | UnsetType | None = UNSET
    start_char_index: int
    end_char_index: int
    file_id: str | UnsetType | None = UNSET


class PageLocation(Tagged, frozen=True, kw_only=True, tag="page_location"):
    """A citation of a page range of a PDF document."""

    @property
    def type(self) -> Literal["page_location"]:
        return "page_location"

    cited_text: str
    document_index: int
    document_title: str | UnsetType | None = UNSET
    start_page_number: int
    end_page_number: int
    file_id: str | UnsetType | None = UNSET


class ContentBlockLocation(Tagged, frozen=True, kw_only=True, tag="content_block_location"):
    """A citation of a block range of a custom-content document."""

    @property
    def type(self) -> Literal["content_block_location"]:
        return "content_block_location"

    cited_text: str
    document_index: int
    document_title: str | UnsetType | None = UNSET
    start_block_index: int
    end_block_index: int
    file_id: str | UnsetType | None = UNSET


class WebSearchResultLocation(Tagged, frozen=True, kw_only=True, tag="web_search_result_location"):
    """A citation of a web search result."""

    @property
    def type(self) -> Literal["web_search_result_location"]:
        return "web_search_result_location"

    cited_text: str
    url: str
    title: str | UnsetType | None = UNSET
    encrypted_index: str


class SearchResultLocation(Tagged, frozen=True, kw_only=True, tag="search_result_location"):
    """A citation of a caller-supplied search result block."""

    @property
    def type(self) -> Literal["search_result_location"]:
        return "search_result_location"

    cited_text: str
    source: str
    title: str | UnsetType | None = UNSET
    search_result_index: int
    start_block_index: int
    end_block_index: int


class UnknownCitation(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A citation type newer than this library, kept as sent."""


Citation = (
    CharLocation
    | PageLocation
    | ContentBlockLocation
    | WebSearchResultLocation
    | SearchResultLocation
    | UnknownCitation
)

# --- sources -----------------------------------------------------------------------------


class Base64Source(Tagged, frozen=True, kw_only=True, tag="base64"):
    """Inline bytes: an image (jpeg/png/gif/webp) or a PDF, base64 without a data-URL prefix."""

    @property
    def type(self) -> Literal["base64"]:
        return "base64"

    media_type: str
    data: str


class UrlSource(Tagged, frozen=True, kw_only=True, tag="url"):
    """An image or PDF the API fetches itself."""

    @property
    def type(self) -> Literal["url"]:
        return "url"

    url: str


class FileSource(Tagged, frozen=True, kw_only=True, tag="file"):
    """A file uploaded through the Files API."""

    @property
    def type(self) -> Literal["file"]:
        return "file"

    file_id: str


class TextSource(Tagged, frozen=True, kw_only=True, tag="text"):
    """A plain-text document."""

    @property
    def type(self) -> Literal["text"]:
        return "text"

    media_type: str = "text/plain"
    data: str


class ContentSource(Tagged, frozen=True, kw_only=True, tag="content"):
    """A custom document made of the caller's own chunks (a string or text/image blocks)."""

    @property
    def type(self) -> Literal["content"]:
        return "content"

    content: str | list[TextBlock | ImageBlock | UnknownBlock]


class UnknownSource(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A source type newer than this library, kept as sent."""


ImageSource = Base64Source | UrlSource | FileSource | UnknownSource
DocumentSource = Base64Source | TextSource | ContentSource | UrlSource | FileSource | UnknownSource

# --- content blocks ----------------------------------------------------------------------


class TextBlock(Tagged, frozen=True, kw_only=True, tag="text"):
    """Text; in replies possibly with citations into the documents it drew on."""

    @property
    def type(self) -> Literal["text"]:
        return "text"

    text: str
    citations: list[Citation] | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class ImageBlock(Tagged, frozen=True, kw_only=True, tag="image"):
    """An image in a user turn or a tool result."""

    @property
    def type(self) -> Literal["image"]:
        return "image"

    source: ImageSource
    cache_control: CacheControl | UnsetType | None = UNSET
    transformations: JsonObject | UnsetType | None = UNSET


class DocumentBlock(Tagged, frozen=True, kw_only=True, tag="document"):
    """A document (PDF, plain text or custom content), optionally citable."""

    @property
    def type(self) -> Literal["document"]:
        return "document"

    source: DocumentSource
    title: str | UnsetType | None = UNSET
    context: str | UnsetType | None = UNSET
    citations: CitationsConfig | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class SearchResultBlock(Tagged, frozen=True, kw_only=True, tag="search_result"):
    """A caller-supplied search result, citable with ``search_result_location``."""

    @property
    def type(self) -> Literal["search_result"]:
        return "search_result"

    source: str
    title: str
    content: list[TextBlock]
    citations: CitationsConfig | UnsetType = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class _ToolInput(Tagged, frozen=True, kw_only=True, dict=True):
    """Base of the blocks whose ``input`` a stream builds from ``input_json_delta`` pieces."""

    @property
    def partial_json(self) -> str | None:
        """The raw input JSON when a stream stopped inside it (``max_tokens``, ``pause_turn``,
        ``refusal``): ``input`` then holds what of it parses. ``None`` when the input is whole."""
        value = self.__dict__.get("_partial_json")
        return value if isinstance(value, str) else None


class ToolUseBlock(_ToolInput, frozen=True, kw_only=True, tag="tool_use"):
    """The model asks the caller to run tool ``name`` with ``input``."""

    @property
    def type(self) -> Literal["tool_use"]:
        return "tool_use"

    id: str
    name: str
    input: JsonObject
    caller: JsonObject | UnsetType | None = UNSET
    toolset_name: str | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class ToolResultBlock(Tagged, frozen=True, kw_only=True, tag="tool_result"):
    """The caller's answer to a ``tool_use`` block of the preceding assistant turn."""

    @property
    def type(self) -> Literal["tool_result"]:
        return "tool_result"

    tool_use_id: str
    content: (
        str
        | list[
            TextBlock
            | ImageBlock
            | SearchResultBlock
            | DocumentBlock
            | ToolReferenceBlock
            | BrowserStateBlock
            | UnknownBlock
        ]
        | UnsetType
    ) = UNSET
    is_error: bool | UnsetType = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET
    toolset_name: str | UnsetType | None = UNSET


class ThinkingBlock(Tagged, frozen=True, kw_only=True, tag="thinking"):
    """Extended thinking; pass it back unchanged (the signature is verified)."""

    @property
    def type(self) -> Literal["thinking"]:
        return "thinking"

    thinking: str
    signature: str


class RedactedThinkingBlock(Tagged, frozen=True, kw_only=True, tag="redacted_thinking"):
    """Encrypted thinking; pass it back unchanged."""

    @property
    def type(self) -> Literal["redacted_thinking"]:
        return "redacted_thinking"

    data: str


class ServerToolUseBlock(_ToolInput, frozen=True, kw_only=True, tag="server_tool_use"):
    """A call of a tool the API runs itself (web search, code execution, ...)."""

    @property
    def type(self) -> Literal["server_tool_use"]:
        return "server_tool_use"

    id: str
    name: str
    input: JsonObject
    caller: JsonObject | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


# --- what server tools return (the ``content`` of their result blocks) ---------------------


class WebSearchResult(Tagged, frozen=True, kw_only=True, tag="web_search_result"):
    """One page a server-side web search found."""

    @property
    def type(self) -> Literal["web_search_result"]:
        return "web_search_result"

    url: str
    title: str
    encrypted_content: str
    page_age: str | UnsetType | None = UNSET


class WebFetchResult(Tagged, frozen=True, kw_only=True, tag="web_fetch_result"):
    """A page a server-side web fetch retrieved, as a document."""

    @property
    def type(self) -> Literal["web_fetch_result"]:
        return "web_fetch_result"

    url: str
    content: DocumentBlock
    retrieved_at: str | UnsetType | None = UNSET


class CodeExecutionOutput(Tagged, frozen=True, kw_only=True, tag="code_execution_output"):
    """A file code execution produced."""

    @property
    def type(self) -> Literal["code_execution_output"]:
        return "code_execution_output"

    file_id: str


class CodeExecutionResult(Tagged, frozen=True, kw_only=True, tag="code_execution_result"):
    """What server-side code execution printed and returned."""

    @property
    def type(self) -> Literal["code_execution_result"]:
        return "code_execution_result"

    stdout: str
    stderr: str
    return_code: int
    content: list[CodeExecutionOutput]


class EncryptedCodeExecutionResult(
    Tagged, frozen=True, kw_only=True, tag="encrypted_code_execution_result"
):
    """Code execution whose output is encrypted; pass it back unchanged."""

    @property
    def type(self) -> Literal["encrypted_code_execution_result"]:
        return "encrypted_code_execution_result"

    encrypted_stdout: str
    stderr: str
    return_code: int
    content: list[CodeExecutionOutput]


class BashCodeExecutionOutput(Tagged, frozen=True, kw_only=True, tag="bash_code_execution_output"):
    """A file a server-side bash command produced."""

    @property
    def type(self) -> Literal["bash_code_execution_output"]:
        return "bash_code_execution_output"

    file_id: str


class BashCodeExecutionResult(Tagged, frozen=True, kw_only=True, tag="bash_code_execution_result"):
    """What a server-side bash command printed and returned."""

    @property
    def type(self) -> Literal["bash_code_execution_result"]:
        return "bash_code_execution_result"

    stdout: str
    stderr: str
    return_code: int
    content: list[BashCodeExecutionOutput]


class TextEditorCodeExecutionViewResult(
    Tagged, frozen=True, kw_only=True, tag="text_editor_code_execution_view_result"
):
    """A file (or part of one) the server-side text editor showed."""

    @property
    def type(self) -> Literal["text_editor_code_execution_view_result"]:
        return "text_editor_code_execution_view_result"

    content: str
    file_type: str
    num_lines: int | UnsetType | None = UNSET
    start_line: int | UnsetType | None = UNSET
    total_lines: int | UnsetType | None = UNSET


class TextEditorCodeExecutionCreateResult(
    Tagged, frozen=True, kw_only=True, tag="text_editor_code_execution_create_result"
):
    """A file the server-side text editor created or overwrote."""

    @property
    def type(self) -> Literal["text_editor_code_execution_create_result"]:
        return "text_editor_code_execution_create_result"

    is_file_update: bool


class TextEditorCodeExecutionStrReplaceResult(
    Tagged, frozen=True, kw_only=True, tag="text_editor_code_execution_str_replace_result"
):
    """A replacement the server-side text editor made."""

    @property
    def type(self) -> Literal["text_editor_code_execution_str_replace_result"]:
        return "text_editor_code_execution_str_replace_result"

    lines: list[str] | UnsetType | None = UNSET
    new_lines: int | UnsetType | None = UNSET
    new_start: int | UnsetType | None = UNSET
    old_lines: int | UnsetType | None = UNSET
    old_start: int | UnsetType | None = UNSET


class ToolReferenceBlock(Tagged, frozen=True, kw_only=True, tag="tool_reference"):
    """A tool (found by tool search, or named by the caller) to load into the context."""

    @property
    def type(self) -> Literal["tool_reference"]:
        return "tool_reference"

    tool_name: str
    cache_control: CacheControl | UnsetType | None = UNSET


class ToolSearchResult(Tagged, frozen=True, kw_only=True, tag="tool_search_tool_search_result"):
    """The tools a server-side tool search found."""

    @property
    def type(self) -> Literal["tool_search_tool_search_result"]:
        return "tool_search_tool_search_result"

    tool_references: list[ToolReferenceBlock]


class AdvisorResult(Tagged, frozen=True, kw_only=True, tag="advisor_result"):
    """What the advisor model answered."""

    @property
    def type(self) -> Literal["advisor_result"]:
        return "advisor_result"

    text: str
    stop_reason: str | UnsetType | None = UNSET


class AdvisorRedactedResult(Tagged, frozen=True, kw_only=True, tag="advisor_redacted_result"):
    """An encrypted advisor answer; pass it back unchanged."""

    @property
    def type(self) -> Literal["advisor_redacted_result"]:
        return "advisor_redacted_result"

    encrypted_content: str
    stop_reason: str | UnsetType | None = UNSET


class WebSearchToolResultError(
    Tagged, frozen=True, kw_only=True, tag="web_search_tool_result_error"
):
    """A web search that failed; ``error_code`` says why (``max_uses_exceeded``, ...)."""

    @property
    def type(self) -> Literal["web_search_tool_result_error"]:
        return "web_search_tool_result_error"

    error_code: str


class WebFetchToolResultError(Tagged, frozen=True, kw_only=True, tag="web_fetch_tool_result_error"):
    """A web fetch that failed; ``error_code`` says why (``url_not_allowed``, ...)."""

    @property
    def type(self) -> Literal["web_fetch_tool_result_error"]:
        return "web_fetch_tool_result_error"

    error_code: str


class CodeExecutionToolResultError(
    Tagged, frozen=True, kw_only=True, tag="code_execution_tool_result_error"
):
    """Code execution that failed; ``error_code`` says why."""

    @property
    def type(self) -> Literal["code_execution_tool_result_error"]:
        return "code_execution_tool_result_error"

    error_code: str


class BashCodeExecutionToolResultError(
    Tagged, frozen=True, kw_only=True, tag="bash_code_execution_tool_result_error"
):
    """A bash command that could not run; ``error_code`` says why."""

    @property
    def type(self) -> Literal["bash_code_execution_tool_result_error"]:
        return "bash_code_execution_tool_result_error"

    error_code: str


class TextEditorCodeExecutionToolResultError(
    Tagged, frozen=True, kw_only=True, tag="text_editor_code_execution_tool_result_error"
):
    """A text-editor command that failed; ``error_code`` and ``error_message`` say why."""

    @property
    def type(self) -> Literal["text_editor_code_execution_tool_result_error"]:
        return "text_editor_code_execution_tool_result_error"

    error_code: str
    error_message: str | UnsetType | None = UNSET


class ToolSearchToolResultError(
    Tagged, frozen=True, kw_only=True, tag="tool_search_tool_result_error"
):
    """A tool search that failed; ``error_code`` and ``error_message`` say why."""

    @property
    def type(self) -> Literal["tool_search_tool_result_error"]:
        return "tool_search_tool_result_error"

    error_code: str
    error_message: str | UnsetType | None = UNSET


class AdvisorToolResultError(Tagged, frozen=True, kw_only=True, tag="advisor_tool_result_error"):
    """An advisor call that failed; ``error_code`` says why."""

    @property
    def type(self) -> Literal["advisor_tool_result_error"]:
        return "advisor_tool_result_error"

    error_code: str


class UnknownResult(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A server-tool result (or error) type newer than this library, kept as sent."""


WebSearchContent = list[WebSearchResult | UnknownResult] | WebSearchToolResultError | UnknownResult
WebFetchContent = WebFetchResult | WebFetchToolResultError | UnknownResult
CodeExecutionContent = (
    CodeExecutionResult
    | EncryptedCodeExecutionResult
    | CodeExecutionToolResultError
    | UnknownResult
)
BashCodeExecutionContent = (
    BashCodeExecutionResult | BashCodeExecutionToolResultError | UnknownResult
)
TextEditorCodeExecutionContent = (
    TextEditorCodeExecutionViewResult
    | TextEditorCodeExecutionCreateResult
    | TextEditorCodeExecutionStrReplaceResult
    | TextEditorCodeExecutionToolResultError
    | UnknownResult
)
ToolSearchContent = ToolSearchResult | ToolSearchToolResultError | UnknownResult
AdvisorContent = AdvisorResult | AdvisorRedactedResult | AdvisorToolResultError | UnknownResult


class WebSearchToolResultBlock(Tagged, frozen=True, kw_only=True, tag="web_search_tool_result"):
    """Results (or an error object) of a server-side web search."""

    @property
    def type(self) -> Literal["web_search_tool_result"]:
        return "web_search_tool_result"

    tool_use_id: str
    content: WebSearchContent
    caller: JsonObject | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class WebFetchToolResultBlock(Tagged, frozen=True, kw_only=True, tag="web_fetch_tool_result"):
    """Result of a server-side web fetch."""

    @property
    def type(self) -> Literal["web_fetch_tool_result"]:
        return "web_fetch_tool_result"

    tool_use_id: str
    content: WebFetchContent
    caller: JsonObject | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class CodeExecutionToolResultBlock(
    Tagged, frozen=True, kw_only=True, tag="code_execution_tool_result"
):
    """Result of server-side code execution."""

    @property
    def type(self) -> Literal["code_execution_tool_result"]:
        return "code_execution_tool_result"

    tool_use_id: str
    content: CodeExecutionContent
    cache_control: CacheControl | UnsetType | None = UNSET


class BashCodeExecutionToolResultBlock(
    Tagged, frozen=True, kw_only=True, tag="bash_code_execution_tool_result"
):
    """Result of a server-side bash command."""

    @property
    def type(self) -> Literal["bash_code_execution_tool_result"]:
        return "bash_code_execution_tool_result"

    tool_use_id: str
    content: BashCodeExecutionContent
    cache_control: CacheControl | UnsetType | None = UNSET


class TextEditorCodeExecutionToolResultBlock(
    Tagged, frozen=True, kw_only=True, tag="text_editor_code_execution_tool_result"
):
    """Result of a server-side text-editor command."""

    @property
    def type(self) -> Literal["text_editor_code_execution_tool_result"]:
        return "text_editor_code_execution_tool_result"

    tool_use_id: str
    content: TextEditorCodeExecutionContent
    cache_control: CacheControl | UnsetType | None = UNSET


class ToolSearchToolResultBlock(Tagged, frozen=True, kw_only=True, tag="tool_search_tool_result"):
    """Result of a server-side tool search."""

    @property
    def type(self) -> Literal["tool_search_tool_result"]:
        return "tool_search_tool_result"

    tool_use_id: str
    content: ToolSearchContent
    cache_control: CacheControl | UnsetType | None = UNSET


class ContainerUploadBlock(Tagged, frozen=True, kw_only=True, tag="container_upload"):
    """A file made available to the code-execution container."""

    @property
    def type(self) -> Literal["container_upload"]:
        return "container_upload"

    file_id: str
    cache_control: CacheControl | UnsetType | None = UNSET


class McpToolUseBlock(_ToolInput, frozen=True, kw_only=True, tag="mcp_tool_use"):
    """A call of a tool on an MCP server the API connects to (beta ``mcp_servers``)."""

    @property
    def type(self) -> Literal["mcp_tool_use"]:
        return "mcp_tool_use"

    id: str
    name: str
    server_name: str
    input: JsonObject
    cache_control: CacheControl | UnsetType | None = UNSET


class McpToolResultBlock(Tagged, frozen=True, kw_only=True, tag="mcp_tool_result"):
    """What an MCP server's tool answered."""

    @property
    def type(self) -> Literal["mcp_tool_result"]:
        return "mcp_tool_result"

    tool_use_id: str
    content: str | list[TextBlock]
    is_error: bool | UnsetType = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class CompactionBlock(Tagged, frozen=True, kw_only=True, tag="compaction"):
    """A summary standing for the turns the API compacted (beta ``compaction``); pass it back."""

    @property
    def type(self) -> Literal["compaction"]:
        return "compaction"

    content: str | UnsetType | None = UNSET
    encrypted_content: str | UnsetType | None = UNSET
    signature: str | UnsetType | None = UNSET
    tool_changes: list[JsonObject] | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class FallbackBlock(Tagged, frozen=True, kw_only=True, tag="fallback"):
    """The request moved to a fallback model mid-reply (beta ``fallbacks``): from where, to what,
    and why. The message's ``model`` is the one of ``to``."""

    @property
    def type(self) -> Literal["fallback"]:
        return "fallback"

    from_: JsonObject = msgspec.field(name="from")
    to: JsonObject
    trigger: JsonObject


class BrowserStateBlock(Tagged, frozen=True, kw_only=True, tag="browser_state"):
    """The state of the browser a browser toolset drives: its tabs and what changed (beta)."""

    @property
    def type(self) -> Literal["browser_state"]:
        return "browser_state"

    tabs: list[JsonObject]
    state_changes: list[JsonObject] | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET


class AdvisorToolResultBlock(Tagged, frozen=True, kw_only=True, tag="advisor_tool_result"):
    """What the advisor tool (beta) answered."""

    @property
    def type(self) -> Literal["advisor_tool_result"]:
        return "advisor_tool_result"

    tool_use_id: str
    content: AdvisorContent
    cache_control: CacheControl | UnsetType | None = UNSET


class McpToolListingBlock(Tagged, frozen=True, kw_only=True, tag="mcp_tool_listing"):
    """The tools an MCP server offers (beta)."""

    @property
    def type(self) -> Literal["mcp_tool_listing"]:
        return "mcp_tool_listing"

    mcp_server_name: str
    tools: list[JsonObject]
    cache_control: CacheControl | UnsetType | None = UNSET


class ToolAdditionBlock(Tagged, frozen=True, kw_only=True, tag="tool_addition"):
    """A tool added to the conversation part way (beta)."""

    @property
    def type(self) -> Literal["tool_addition"]:
        return "tool_addition"

    tool: JsonObject
    cache_control: CacheControl | UnsetType | None = UNSET


class ToolRemovalBlock(Tagged, frozen=True, kw_only=True, tag="tool_removal"):
    """A tool removed from the conversation part way (beta)."""

    @property
    def type(self) -> Literal["tool_removal"]:
        return "tool_removal"

    tool: JsonObject
    cache_control: CacheControl | UnsetType | None = UNSET


class UnknownBlock(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A content block type newer than this library, kept as sent and passed back as it came."""


ContentBlock = (
    TextBlock
    | ImageBlock
    | DocumentBlock
    | SearchResultBlock
    | ToolUseBlock
    | ToolResultBlock
    | ThinkingBlock
    | RedactedThinkingBlock
    | ServerToolUseBlock
    | WebSearchToolResultBlock
    | WebFetchToolResultBlock
    | CodeExecutionToolResultBlock
    | BashCodeExecutionToolResultBlock
    | TextEditorCodeExecutionToolResultBlock
    | ToolSearchToolResultBlock
    | ContainerUploadBlock
    | McpToolUseBlock
    | McpToolResultBlock
    | CompactionBlock
    | FallbackBlock
    | AdvisorToolResultBlock
    | McpToolListingBlock
    | ToolAdditionBlock
    | ToolRemovalBlock
    | ToolReferenceBlock
    | BrowserStateBlock
    | UnknownBlock
)
"""Any block of a message's ``content``, in a request or a reply."""

# --- request -----------------------------------------------------------------------------


class MessageParam(Wire, frozen=True, kw_only=True):
    """One conversation turn: a role and a string or a list of blocks."""

    role: str
    content: str | list[ContentBlock]


class Tool(Wire, frozen=True, kw_only=True):
    """A tool definition: a custom tool (``name`` + ``input_schema``) or a versioned server tool.

    Server tools (``type: "web_search_20250305"`` and friends, ``TOOL_TYPES``) carry options of
    their own: the SDK 2.14 ones are declared below, any newer one is kept as an extra field by
    the lenient decoder and sent as given. Toolsets (``mcp_toolset``, ``browser_toolset_*``,
    ``computer_toolset_*``) have no ``name``.
    """

    name: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    input_schema: JsonObject | UnsetType = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET
    strict: bool | UnsetType = UNSET
    # the options of the SDK 2.14 tool types (custom, server, client-defined, toolsets)
    allowed_callers: list[str] | UnsetType = UNSET
    allowed_domains: list[str] | UnsetType | None = UNSET
    blocked_domains: list[str] | UnsetType | None = UNSET
    caching: JsonObject | UnsetType | None = UNSET
    citations: CitationsConfig | UnsetType | None = UNSET
    configs: JsonObject | UnsetType | None = UNSET
    default_config: JsonObject | UnsetType = UNSET
    defer_loading: bool | UnsetType = UNSET
    display_height_px: int | UnsetType = UNSET
    display_number: int | UnsetType | None = UNSET
    display_width_px: int | UnsetType = UNSET
    eager_input_streaming: bool | UnsetType | None = UNSET
    enable_zoom: bool | UnsetType = UNSET
    input_examples: list[JsonObject] | UnsetType = UNSET
    max_characters: int | UnsetType | None = UNSET
    max_content_tokens: int | UnsetType | None = UNSET
    max_tokens: int | UnsetType | None = UNSET
    max_uses: int | UnsetType | None = UNSET
    mcp_server_name: str | UnsetType = UNSET
    model: str | UnsetType = UNSET
    response_inclusion: str | UnsetType = UNSET
    tools: list[JsonObject] | UnsetType | None = UNSET
    url_sources: JsonObject | UnsetType | None = UNSET
    use_cache: bool | UnsetType = UNSET
    user_location: JsonObject | UnsetType | None = UNSET


class ToolChoiceAuto(Tagged, frozen=True, kw_only=True, tag="auto"):
    """The model decides whether to call a tool (the default when tools are given)."""

    @property
    def type(self) -> Literal["auto"]:
        return "auto"

    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceAny(Tagged, frozen=True, kw_only=True, tag="any"):
    """The model must call some tool."""

    @property
    def type(self) -> Literal["any"]:
        return "any"

    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceTool(Tagged, frozen=True, kw_only=True, tag="tool"):
    """The model must call the tool ``name``."""

    @property
    def type(self) -> Literal["tool"]:
        return "tool"

    name: str
    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceNone(Tagged, frozen=True, kw_only=True, tag="none"):
    """The model must not call tools."""

    @property
    def type(self) -> Literal["none"]:
        return "none"


class UnknownToolChoice(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A tool-choice mode newer than this library, sent as given."""


ToolChoice = ToolChoiceAuto | ToolChoiceAny | ToolChoiceTool | ToolChoiceNone | UnknownToolChoice


class ThinkingEnabled(Tagged, frozen=True, kw_only=True, tag="enabled"):
    """Extended thinking with a token budget (>= 1024 and below ``max_tokens``)."""

    @property
    def type(self) -> Literal["enabled"]:
        return "enabled"

    budget_tokens: int
    display: str | UnsetType | None = UNSET
    block_binding: JsonObject | UnsetType | None = UNSET


class ThinkingDisabled(Tagged, frozen=True, kw_only=True, tag="disabled"):
    """No extended thinking."""

    @property
    def type(self) -> Literal["disabled"]:
        return "disabled"


class ThinkingAdaptive(Tagged, frozen=True, kw_only=True, tag="adaptive"):
    """The model decides how much to think."""

    @property
    def type(self) -> Literal["adaptive"]:
        return "adaptive"

    display: str | UnsetType | None = UNSET
    block_binding: JsonObject | UnsetType | None = UNSET


class ThinkingBetweenTools(Tagged, frozen=True, kw_only=True, tag="between_tools"):
    """The model thinks between tool calls only."""

    @property
    def type(self) -> Literal["between_tools"]:
        return "between_tools"


class UnknownThinkingConfig(Unknown, frozen=True, kw_only=True, tag=UNKNOWN_TAG):
    """A thinking mode newer than this library, sent as given."""


ThinkingConfig = (
    ThinkingEnabled
    | ThinkingDisabled
    | ThinkingAdaptive
    | ThinkingBetweenTools
    | UnknownThinkingConfig
)


class Metadata(Wire, frozen=True, kw_only=True):
    """Request metadata: an opaque end-user id (a hash or uuid, never personal data)."""

    user_id: str | UnsetType | None = UNSET


# The request options below are typed after the SDK 2.14 params, every field optional: the
# API, not this library, decides what a value must hold. Unknown keys are kept as extras.


class OutputConfig(Wire, frozen=True, kw_only=True):
    """``output_config``: effort (``low`` .. ``max``), a JSON output format, a task budget."""

    effort: str | UnsetType | None = UNSET
    format: JsonObject | UnsetType | None = UNSET
    task_budget: JsonObject | UnsetType | None = UNSET


class McpServer(Wire, frozen=True, kw_only=True):
    """One of ``mcp_servers`` (beta): an MCP server the API connects to for this request."""

    type: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    authorization_token: str | UnsetType | None = UNSET
    tool_configuration: JsonObject | UnsetType | None = UNSET


class ContextManagement(Wire, frozen=True, kw_only=True):
    """``context_management`` (beta): the context edits the API may apply."""

    edits: list[JsonObject] | UnsetType = UNSET


class ContainerConfig(Wire, frozen=True, kw_only=True):
    """``container`` as an object: the container to reuse and the skills to load."""

    id: str | UnsetType | None = UNSET
    skills: list[JsonObject] | UnsetType | None = UNSET


class Diagnostics(Wire, frozen=True, kw_only=True):
    """``diagnostics``: ask why a cached prefix missed, against a previous message."""

    previous_message_id: str | UnsetType | None = UNSET


class CompactionConfig(Wire, frozen=True, kw_only=True):
    """``compaction`` (beta): summarize older turns, with optional instructions."""

    type: str | UnsetType = UNSET
    instructions: str | UnsetType | None = UNSET


class ThreadConfig(Wire, frozen=True, kw_only=True):
    """``thread`` (beta): ``{"type": "create"}`` or continue from ``previous_message_id``."""

    type: str | UnsetType = UNSET
    previous_message_id: str | UnsetType = UNSET


class BillingPolicy(Wire, frozen=True, kw_only=True):
    """``billing_policy`` (beta): whom the request is billed to."""

    type: str | UnsetType = UNSET
    bill_to: object = UNSET


class FallbackCreditToken(Wire, frozen=True, kw_only=True):
    """``fallback_credit_token`` as an object (beta): the token of a refusal and how to redeem it."""

    token: str | UnsetType = UNSET
    mode: str | UnsetType = UNSET


class MessageRequest(Wire, frozen=True, kw_only=True):
    """The body of ``POST /v1/messages`` (and, without ``stream``, of a batch entry's params)."""

    model: str
    max_tokens: int
    messages: list[MessageParam]
    system: str | list[TextBlock] | UnsetType = UNSET
    stop_sequences: list[str] | UnsetType = UNSET
    stream: bool | UnsetType = UNSET
    temperature: float | UnsetType = UNSET
    top_p: float | UnsetType = UNSET
    top_k: int | UnsetType = UNSET
    metadata: Metadata | UnsetType = UNSET
    tools: list[Tool] | UnsetType = UNSET
    tool_choice: ToolChoice | UnsetType = UNSET
    thinking: ThinkingConfig | UnsetType = UNSET
    service_tier: str | UnsetType = UNSET
    container: str | ContainerConfig | UnsetType | None = UNSET
    mcp_servers: list[McpServer] | UnsetType | None = UNSET
    context_management: ContextManagement | UnsetType | None = UNSET
    output_config: OutputConfig | UnsetType | None = UNSET
    cache_control: CacheControl | UnsetType | None = UNSET
    inference_geo: str | UnsetType | None = UNSET
    speed: str | UnsetType | None = UNSET
    diagnostics: Diagnostics | UnsetType | None = UNSET
    # beta (SDK 2.14 ``beta.messages.create``)
    billing_policy: BillingPolicy | UnsetType | None = UNSET
    compaction: CompactionConfig | UnsetType | None = UNSET
    fallbacks: list[JsonObject] | str | UnsetType | None = UNSET
    fallback_credit_token: str | FallbackCreditToken | UnsetType | None = UNSET
    thread: ThreadConfig | UnsetType | None = UNSET
    # header parameters: the SDK sends these as headers, and so do we (never in the body)
    user_profile_id: str | UnsetType = UNSET
    """Sent as ``anthropic-user-profile-id``."""
    workspace_id: str | UnsetType = UNSET
    """Sent as ``anthropic-workspace-id``."""
    betas: list[str] | UnsetType = UNSET
    """Joined with ``,`` into ``anthropic-beta``, after the client's own betas."""


# --- response ----------------------------------------------------------------------------


class CacheCreation(Wire, frozen=True, kw_only=True):
    """How the cache writes of a request split between the 5-minute and 1-hour TTLs."""

    ephemeral_5m_input_tokens: int | UnsetType = UNSET
    ephemeral_1h_input_tokens: int | UnsetType = UNSET


class ServerToolUsage(Wire, frozen=True, kw_only=True):
    """Counts of server-tool calls billed to a request."""

    web_search_requests: int | UnsetType = UNSET
    web_fetch_requests: int | UnsetType = UNSET


class Usage(Wire, frozen=True, kw_only=True):
    """Billed tokens; prompt size = input + cache creation + cache read tokens."""

    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int | UnsetType | None = UNSET
    cache_read_input_tokens: int | UnsetType | None = UNSET
    cache_creation: CacheCreation | UnsetType | None = UNSET
    server_tool_use: ServerToolUsage | UnsetType | None = UNSET
    service_tier: str | UnsetType | None = UNSET
    output_tokens_details: JsonObject | UnsetType | None = UNSET
    inference_geo: str | UnsetType | None = UNSET
    speed: str | UnsetType | None = UNSET
    iterations: list[JsonObject] | UnsetType | None = UNSET
    fallback_credit: JsonObject | UnsetType | None = UNSET


class Message(Wire, frozen=True, kw_only=True, dict=True):
    """A reply of the Messages API.

    Besides its wire fields it carries response metadata that is not part of the JSON:
    ``request_id`` (the ``request-id`` header) and ``rate_limits`` (the parsed
    ``anthropic-ratelimit-*`` headers), from headers the decoder attaches; never encoded.
    """

    id: str
    type: str = "message"
    role: str = "assistant"
    model: str
    content: list[ContentBlock]
    stop_reason: str | UnsetType | None = UNSET
    stop_sequence: str | UnsetType | None = UNSET
    usage: Usage
    container: JsonObject | UnsetType | None = UNSET
    stop_details: JsonObject | UnsetType | None = UNSET
    diagnostics: JsonObject | UnsetType | None = UNSET
    context_management: JsonObject | UnsetType | None = UNSET
    input_transformations: list[JsonObject] | UnsetType | None = UNSET

    @property
    def request_id(self) -> str | None:
        """The server's ``request-id`` for this reply, if it sent one."""
        value = self.__dict__.get("_request_id")
        return value if isinstance(value, str) else None

    @property
    def rate_limits(self) -> RateLimits | None:
        """The ``anthropic-ratelimit-*`` headers of this reply, parsed on each access (keep the value)."""
        headers = self.__dict__.get("_headers")
        return parse_rate_limits(headers) if headers is not None else None

    @property
    def text(self) -> str:
        """All text blocks of the reply joined: the common case in one attribute."""
        return "".join(block.text for block in self.content if isinstance(block, TextBlock))


class TokenCount(Wire, frozen=True, kw_only=True):
    """The reply of ``POST /v1/messages/count_tokens``."""

    input_tokens: int
