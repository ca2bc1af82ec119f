"""What an image's bytes say about it: media type from the magic bytes, pixel size from the header.

The API takes JPEG, PNG, GIF and WebP. The media type is read from the first bytes (never from a
file name), and the width and height from the format's header, parsed here in a few lines per
format (no imaging library): PNG's IHDR, GIF's logical screen, WebP's VP8/VP8L/VP8X chunk and
JPEG's first start-of-frame segment. A header that cannot be read gives ``None`` dimensions, not
a failure: the API, not this module, is the authority on what it can decode.

The API's limits (reference §13.3): 5 MB per image, at most 8000 px on a side, at most 2000 px on
a side when a request holds more than 20 images, at most 100 images per request. The API scales
an image down, keeping its aspect ratio, until its long edge is at most 1568 px and it costs at
most about 1,600 tokens; it then costs about ``width * height / 750`` tokens.
"""

from __future__ import annotations

import math
from typing import Final

import msgspec

__all__ = [
    "IMAGE_MEDIA_TYPES",
    "MANY_IMAGES",
    "MAX_IMAGES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_SIDE",
    "MAX_IMAGE_SIDE_MANY",
    "ImageInfo",
    "base64_size",
    "decoded_size",
    "dimensions",
    "inspect",
    "is_pdf",
    "sniff",
]

IMAGE_MEDIA_TYPES: Final = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
MAX_IMAGE_SIDE: Final = 8000
MAX_IMAGE_SIDE_MANY: Final = 2000
MANY_IMAGES: Final = 20
"""Above this many images in one request, each side must be at most ``MAX_IMAGE_SIDE_MANY``."""
MAX_IMAGES: Final = 100
_RESIZE_EDGE: Final = 1568
_PIXELS_PER_TOKEN: Final = 750
_MAX_TOKENS: Final = 1640
"""About 1,600: the largest size the docs list as not resized, 784x1568 px, is 1,639 tokens."""

_PNG: Final = b"\x89PNG\r\n\x1a\n"
_SOF: Final = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
_NO_LENGTH: Final = frozenset({0x01, *range(0xD0, 0xD9)})


class ImageInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An image's media type, byte size and, when its header could be read, its pixel size."""

    media_type: str
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def base64_size(self) -> int:
        """Bytes of its base64 encoding (what travels in the request body)."""
        return base64_size(self.size)

    @property
    def tokens(self) -> int | None:
        """About how many input tokens it costs once the API has scaled it, if its size is known."""
        if self.width is None or self.height is None:
            return None
        w, h = self.width, self.height
        # Both limits hold after the API's resize: the long edge, and about 1,600 tokens.
        area_scale = math.sqrt(_MAX_TOKENS * _PIXELS_PER_TOKEN / max(w * h, 1))
        scale = min(1.0, _RESIZE_EDGE / max(w, h, 1), area_scale)
        return min(math.ceil((w * scale) * (h * scale) / _PIXELS_PER_TOKEN), _MAX_TOKENS)


def base64_size(size: int) -> int:
    """Length of the base64 encoding of ``size`` bytes.

    >>> base64_size(3), base64_size(4)
    (4, 8)
    """
    return 4 * math.ceil(size / 3)


def decoded_size(data: str) -> int:
    """About how many bytes a base64 string decodes to (its length x 3/4, less padding).

    >>> decoded_size("aGVsbG8=")
    5
    """
    stripped = "".join(data.split())
    return len(stripped) * 3 // 4 - len(stripped) + len(stripped.rstrip("="))


def sniff(data: bytes) -> str | None:
    """The image media type the magic bytes announce, or ``None`` if none the API takes.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"GIF89a"), sniff(b"%PDF-1.7")
    ('image/png', 'image/gif', None)
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_pdf(data: bytes) -> bool:
    """Whether the bytes start like a PDF (``%PDF-``, possibly after a few bytes of junk).

    >>> is_pdf(b"%PDF-1.7\\n"), is_pdf(b"hello")
    (True, False)
    """
    return b"%PDF-" in data[:1024]


def _be(data: bytes, at: int, n: int) -> int:
    return int.from_bytes(data[at : at + n], "big")


def _le(data: bytes, at: int, n: int) -> int:
    return int.from_bytes(data[at : at + n], "little")


def dimensions(data: bytes, media_type: str) -> tuple[int, int] | None:
    """(width, height) from the header of an image of ``media_type``, or ``None`` if unreadable."""
    if media_type == "image/png":
        if len(data) >= 24 and data[12:16] == b"IHDR":
            return _be(data, 16, 4), _be(data, 20, 4)
        return None
    if media_type == "image/gif":
        return (_le(data, 6, 2), _le(data, 8, 2)) if len(data) >= 10 else None
    if media_type == "image/webp":
        return _webp(data)
    if media_type == "image/jpeg":
        return _jpeg(data)
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return _le(data, 26, 2) & 0x3FFF, _le(data, 28, 2) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = _le(data, 21, 4)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return _le(data, 24, 3) + 1, _le(data, 27, 3) + 1
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _NO_LENGTH:
            at += 2
            continue
        if marker in _SOF:
            if at + 9 > len(data):
                return None
            return _be(data, at + 7, 2), _be(data, at + 5, 2)
        if marker == 0xDA:  # start of scan: no frame header before the image data
            return None
        at += 2 + _be(data, at + 2, 2)
    return None


def inspect(data: bytes) -> ImageInfo | None:
    """The media type, size and dimensions of image bytes, or ``None`` if not an image the API takes.

    >>> inspect(b"GIF89a\\x02\\x00\\x03\\x00")
    ImageInfo(media_type='image/gif', size=10, width=2, height=3)
    """
    media_type = sniff(data)
    if media_type is None:
        return None
    size = dimensions(data, media_type)
    return ImageInfo(
        media_type=media_type,
        size=len(data),
        width=size[0] if size else None,
        height=size[1] if size else None,
    )
