"""The multipart encoder: its output parses back with the stdlib ``email`` parser to the same part,
its length is known up front, and the media type is sniffed from the bytes."""

from __future__ import annotations

import email.parser
import email.policy
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from claude.pure import multipart

names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='<>:"|?*\\/'),
    min_size=1,
    max_size=40,
).filter(lambda n: n.strip() == n and n)
media_types = st.sampled_from(["application/pdf", "text/plain", "image/png", "application/json"])
boundaries = st.text("0123456789abcdef", min_size=32, max_size=32)


@given(names, media_types, st.binary(max_size=2000), boundaries, st.integers(1, 300))
def test_the_encoded_form_parses_back_to_the_same_part(
    filename: str, media_type: str, content: bytes, boundary: str, size: int
) -> None:
    """Whatever the chunking of the file, ``email`` reads back one part with its name, type and bytes."""
    part = multipart.file_part(filename, media_type=media_type, head=content[:512]).unwrap()
    chunks = [content[i : i + size] for i in range(0, len(content), size)]
    data = b"".join(multipart.encode_parts(part, chunks, boundary=boundary))
    head = f"Content-Type: {multipart.content_type(boundary)}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    parts = list(message.iter_parts())
    assert len(parts) == 1
    got = parts[0]
    assert got.get_content_type() == media_type
    assert got.get_param("name", header="content-disposition") == "file"
    assert got.get_filename() == filename
    assert got.get_payload(decode=True) == content
    assert len(data) == multipart.encoded_length(part, size=len(content), boundary=boundary)


@given(st.binary(max_size=64))
def test_chunks_pass_through_untouched_and_in_order(content: bytes) -> None:
    """The encoder yields the file's own chunks between the head and the end: nothing copied."""
    part = multipart.FilePart(filename="a", media_type="text/plain")
    pieces = list(multipart.encode_parts(part, [content, content], boundary="b"))
    assert pieces[1:-1] == ([content, content] if content else [])


@given(st.binary(max_size=64))
def test_the_sniffed_type_follows_the_magic_bytes(tail: bytes) -> None:
    """PDF and PNG heads are recognised; other bytes are text or octet-stream."""
    assert multipart.sniff_media_type(b"%PDF-" + tail) == "application/pdf"
    assert multipart.sniff_media_type(b"\x89PNG\r\n\x1a\n" + tail) == "image/png"
    plain = b"x" + tail  # no image magic at the start; a PDF head may follow a little junk
    expected = {"application/pdf"} if b"%PDF-" in plain else {"text/plain", "application/octet-stream"}
    assert multipart.sniff_media_type(plain) in expected


@given(st.text(max_size=300))
def test_a_file_name_is_checked_and_named_in_the_failure(filename: str) -> None:
    """A name the API refuses (empty, too long, forbidden characters) is a Failure on filename."""
    result = multipart.file_part(filename, media_type=None, head=b"")
    bad = not 1 <= len(filename) <= 255 or any(
        c in '<>:"|?*\\/' or ord(c) < 32 or ord(c) == 127 for c in filename
    )
    assert (result.failure().path == "filename") if bad else result.unwrap().filename == filename


@given(st.text(max_size=30))
def test_a_given_media_type_must_be_type_slash_subtype(media_type: str) -> None:
    """A media type that is not ``type/subtype`` is refused, naming ``media_type``."""
    result = multipart.file_part("a.bin", media_type=media_type, head=b"")
    if "/" not in media_type:
        assert result.failure().path == "media_type"
