"""Content blocks from files, claude.shell.content_files: bytes read, Failures naming the path."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from returns.pipeline import is_successful
from returns.result import Failure, Result

from claude.pure.content import Block
from claude.pure.errors import ClaudeError
from claude.shell.content_files import image_file, pdf_file, text_file
from tests.property.media_strategies import gif, jpeg, png, webp_lossless

IMAGES = {
    "a.png": (png(3, 2), "image/png"),
    "b.gif": (gif(5, 5), "image/gif"),
    "c.jpg": (jpeg(8, 9, [(0xE0, b"JFIF\x00")]), "image/jpeg"),
    "d.webp": (webp_lossless(7, 7), "image/webp"),
}


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_an_image_file_becomes_an_image_block(tmp_path: Path, name: str) -> None:
    """Each allowed image type read from a file gives a base64 block of its bytes and sniffed type."""
    data, media_type = IMAGES[name]
    path = tmp_path / name
    path.write_bytes(data)
    block = image_file(path, cache="5m").unwrap()
    source = block["source"]
    assert isinstance(source, dict)
    assert source["media_type"] == media_type
    assert base64.b64decode(source["data"]) == data
    assert block["cache_control"] == {"type": "ephemeral", "ttl": "5m"}


def test_the_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    """A PNG named .jpg is a PNG; declaring image/jpeg for it fails naming the file."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(png(1, 1))
    block = image_file(path).unwrap()
    assert block["source"]["media_type"] == "image/png"  # type: ignore[index]
    declared = image_file(path, media_type="image/jpeg")
    assert isinstance(declared, Failure)
    assert str(declared.failure()).startswith(str(path))


def test_pdf_and_text_files_become_documents(tmp_path: Path) -> None:
    """A PDF file and a UTF-8 text file give document blocks with the options asked for."""
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    block = pdf_file(pdf, title="B", citations=True).unwrap()
    assert block["title"] == "B"
    assert block["citations"] == {"enabled": True}
    assert block["source"]["media_type"] == "application/pdf"  # type: ignore[index]
    notes = tmp_path / "notes.txt"
    notes.write_text("héllo", encoding="utf-8")
    assert text_file(notes).unwrap()["source"]["data"] == "héllo"  # type: ignore[index]


@pytest.mark.parametrize("reader", [image_file, pdf_file, text_file])
def test_a_missing_file_or_a_directory_is_a_failure_naming_the_path(
    tmp_path: Path, reader: Callable[[Path], Result[Block, ClaudeError]]
) -> None:
    """Reading a path that is absent or a directory fails with the path in the message."""
    for path in (tmp_path / "absent.bin", tmp_path):
        result = reader(path)
        assert isinstance(result, Failure)
        assert str(result.failure()).startswith(str(path))
        assert "cannot be read" in str(result.failure())


def test_wrong_contents_are_a_failure_naming_the_path(tmp_path: Path) -> None:
    """A text file read as an image or a PDF, or Latin-1 read as text, fails naming the file."""
    path = tmp_path / "x.txt"
    path.write_bytes(b"caf\xe9")
    for result in (image_file(path), pdf_file(path), text_file(path)):
        assert isinstance(result, Failure)
        assert str(result.failure()).startswith(str(path))
    assert not is_successful(image_file(str(path)))


@pytest.mark.parametrize("reader", [image_file, pdf_file, text_file])
def test_a_path_with_a_nul_byte_or_of_the_wrong_type_is_a_failure(
    tmp_path: Path, reader: Callable[[object], Result[Block, ClaudeError]]
) -> None:
    """A path holding a NUL byte, or a value that is no path at all, fails instead of raising."""
    nul = reader(str(tmp_path / "a\x00b.png"))
    assert isinstance(nul, Failure)
    assert "cannot be read" in str(nul.failure())
    assert isinstance(reader(42), Failure)
