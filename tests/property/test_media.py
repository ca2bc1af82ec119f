"""Properties of claude.pure.media: media-type sniffing and header dimensions round-trip."""

from __future__ import annotations

import base64
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude.pure import media
from claude.pure.media import IMAGE_MEDIA_TYPES, ImageInfo, decoded_size, dimensions, inspect, sniff
from tests.property.media_strategies import Image, images, jpeg, png


def test_doctests() -> None:
    """The module's examples hold."""
    assert doctest.testmod(media).failed == 0


@given(images)
def test_sniffing_and_dimensions_round_trip_for_every_allowed_type(image: Image) -> None:
    """A generated header of each type is recognised as that type, with the size it was made with."""
    media_type, width, height, data = image
    assert sniff(data) == media_type
    assert dimensions(data, media_type) == (width, height)
    assert inspect(data) == ImageInfo(
        media_type=media_type, size=len(data), width=width, height=height
    )


def test_every_allowed_type_is_generated() -> None:
    """The generator covers each media type the API takes (so the round trip above is complete)."""
    seen = {
        sniff(data)
        for data in (
            png(1, 1),
            b"GIF87a\x01\x00\x01\x00",
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
            jpeg(1, 1, []),
        )
    }
    assert seen == set(IMAGE_MEDIA_TYPES)


@given(images, st.integers(min_value=0, max_value=40))
def test_a_truncated_header_never_gives_wrong_dimensions(image: Image, cut: int) -> None:
    """Cutting a header short gives the true size or None, never another size, and never raises."""
    media_type, width, height, data = image
    found = dimensions(data[: max(len(data) - cut, 0)], media_type)
    assert found in (None, (width, height))


@given(st.binary(max_size=64), st.sampled_from(IMAGE_MEDIA_TYPES))
def test_any_bytes_are_total(data: bytes, media_type: str) -> None:
    """Arbitrary bytes give a type or None and dimensions or None; nothing raises."""
    found = sniff(data)
    assert found is None or found in IMAGE_MEDIA_TYPES
    size = dimensions(data, media_type)
    assert size is None or all(side >= 0 for side in size)


@given(st.binary(max_size=300))
def test_decoded_size_inverts_base64(data: bytes) -> None:
    """The size estimate from a base64 string is the exact decoded size."""
    encoded = base64.b64encode(data).decode()
    assert decoded_size(encoded) == len(data)
    assert media.base64_size(len(data)) == len(encoded)


def test_token_estimate_follows_the_resize_rule() -> None:
    """Tokens are width*height/750 after scaling the long edge down to 1568 px."""
    small = ImageInfo(media_type="image/png", size=1, width=1000, height=1000)
    assert small.tokens == 1334
    big = ImageInfo(media_type="image/png", size=1, width=3136, height=1568)
    assert big.tokens == 1568 * 784 // 750 + 1
    assert ImageInfo(media_type="image/png", size=1).tokens is None


@pytest.mark.parametrize("side", [1200, 1568, 2000, 7999])
def test_token_estimate_is_capped_near_1600_like_the_apis_resize(side: int) -> None:
    """A square image the API scales to about 1092x1092 px is estimated at about 1,600 tokens."""
    square = ImageInfo(media_type="image/png", size=1, width=side, height=side)
    assert square.tokens is not None
    assert 1092 * 1092 // 750 <= square.tokens <= 1640


def test_sniffing_ignores_other_formats() -> None:
    """PDF, BMP, TIFF and text are not images the API takes."""
    for data in (b"%PDF-1.4", b"BM\x00\x00", b"II*\x00", b"hello", b""):
        assert sniff(data) is None
