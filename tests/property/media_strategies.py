"""Generators of image headers for every media type the API takes, with known pixel sizes."""

from __future__ import annotations

import struct
import zlib

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

Image = tuple[str, int, int, bytes]
"""(media type, width, height, bytes)."""


def png(width: int, height: int, tail: bytes = b"") -> bytes:
    """A PNG signature and IHDR chunk for ``width`` x ``height``."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + crc + tail


def gif(width: int, height: int, version: bytes = b"89a", tail: bytes = b"") -> bytes:
    """A GIF header and logical screen descriptor."""
    return b"GIF" + version + struct.pack("<HH", width, height) + b"\x00\x00\x00" + tail


def _riff(chunk: bytes, payload: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_lossy(width: int, height: int) -> bytes:
    """A WebP with a VP8 (lossy) chunk: frame tag, start code, 14-bit sizes."""
    payload = b"\x10\x02\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 4
    return _riff(b"VP8 ", payload)


def webp_lossless(width: int, height: int) -> bytes:
    """A WebP with a VP8L (lossless) chunk: signature byte, then 14-bit sizes minus one."""
    bits = (width - 1) | ((height - 1) << 14)
    return _riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00" * 4)


def webp_extended(width: int, height: int) -> bytes:
    """A WebP with a VP8X (extended) chunk: 24-bit canvas sizes minus one."""
    flags = b"\x00" * 4
    return _riff(
        b"VP8X", flags + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    )


def jpeg(width: int, height: int, segments: list[tuple[int, bytes]], sof: int = 0xC0) -> bytes:
    """SOI, the given APPn/COM segments, then a start-of-frame with the size, then SOS."""
    out = b"\xff\xd8"
    for marker, body in segments:
        out += bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    frame = b"\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x01\x22\x00" * 3
    out += bytes([0xFF, sof]) + struct.pack(">H", len(frame) + 2) + frame
    return out + b"\xff\xda\x00\x02" + b"\x00" * 8


sides16 = st.integers(min_value=1, max_value=0xFFFF)
sides14 = st.integers(min_value=1, max_value=0x3FFF)
sides24 = st.integers(min_value=1, max_value=0xFFFFFF)
segment = st.tuples(
    st.sampled_from([0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xFE, 0xDB, 0xC4]),
    st.binary(max_size=64),
)

images: SearchStrategy[Image] = st.one_of(
    st.builds(
        lambda w, h, tail: ("image/png", w, h, png(w, h, tail)),
        st.integers(min_value=1, max_value=2**31 - 1),
        st.integers(min_value=1, max_value=2**31 - 1),
        st.binary(max_size=32),
    ),
    st.builds(
        lambda w, h, v: ("image/gif", w, h, gif(w, h, v)),
        sides16,
        sides16,
        st.sampled_from([b"87a", b"89a"]),
    ),
    st.builds(lambda w, h: ("image/webp", w, h, webp_lossy(w, h)), sides14, sides14),
    st.builds(lambda w, h: ("image/webp", w, h, webp_lossless(w, h)), sides14, sides14),
    st.builds(lambda w, h: ("image/webp", w, h, webp_extended(w, h)), sides24, sides24),
    st.builds(
        lambda w, h, segs, sof: ("image/jpeg", w, h, jpeg(w, h, segs, sof)),
        sides16,
        sides16,
        st.lists(segment, max_size=4),
        st.sampled_from([0xC0, 0xC1, 0xC2, 0xC3, 0xC9]),
    ),
)
"""Headers of every allowed type (and every WebP flavour) with their true sizes."""
