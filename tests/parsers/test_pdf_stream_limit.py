"""The PDF stream check refuses a stream inflating beyond its limit wherever it stands, including one
in the file's last bytes, which the check may skip only when they are too few to get there."""

from __future__ import annotations

import struct
import zlib

import pytest

from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import _DEFLATE_RATIO, MAX_PDF_STREAM_BYTES, check_pdf_streams


def _tightest_zlib(megabytes: int) -> bytes:
    """`megabytes` MB of spaces deflated as tightly as zlib can (run-length matches of 258 bytes);
    after a full flush deflate starts afresh, so one compressed megabyte is repeated."""
    spaces = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    block = packer.compress(spaces) + packer.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(spaces, checksum)
    return b"\x78\xda" + block * megabytes + packer.flush() + struct.pack(">I", checksum)


def test_no_stream_inflates_more_than_the_ratio_the_check_relies_on() -> None:
    packed = _tightest_zlib(8)
    assert len(zlib.decompress(packed)) < _DEFLATE_RATIO * len(packed)


def test_the_smallest_bomb_is_refused_at_the_end_of_the_file() -> None:
    packed = _tightest_zlib((MAX_PDF_STREAM_BYTES >> 20) + 1)
    data = b"%%PDF-1.4\n4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
    assert (len(data) - data.index(b"stream\n") - 7) * _DEFLATE_RATIO > MAX_PDF_STREAM_BYTES  # not skipped
    with pytest.raises(ParseError, match="inflates beyond"):
        check_pdf_streams(data, "bomb.pdf")


def test_a_bomb_with_a_wrong_checksum_is_refused_all_the_same() -> None:
    packed = _tightest_zlib((MAX_PDF_STREAM_BYTES >> 20) + 1)[:-4] + b"\0\0\0\0"
    data = b"%%PDF-1.4\n4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
    with pytest.raises(ParseError, match="inflates beyond"):
        check_pdf_streams(data, "bomb.pdf")


def _pdf_with_stream(packed: bytes, filters: str = "/FlateDecode") -> bytes:
    head = b"%%PDF-1.4\n4 0 obj\n<< /Length %d /Filter %s >>\nstream\n" % (len(packed), filters.encode())
    return head + packed + b"\nendstream\nendobj\n%%EOF\n"


def test_a_bomb_deflated_twice_is_refused_though_the_file_is_small() -> None:
    """/Filter [/FlateDecode /FlateDecode]: the second stage multiplies by up to 1032 again, so a file of
    a few KB, short enough to pass any one-stage bound, stands for over 128 MB."""
    inner = _tightest_zlib((MAX_PDF_STREAM_BYTES >> 20) + 1)
    data = _pdf_with_stream(zlib.compress(inner, 9), "[/FlateDecode /FlateDecode]")
    assert len(data) * _DEFLATE_RATIO < MAX_PDF_STREAM_BYTES  # a one-stage bound would let it through
    with pytest.raises(ParseError, match="inflates beyond"):
        check_pdf_streams(data, "bomb.pdf")


def test_a_stream_deflated_twice_within_the_limit_passes() -> None:
    inner = _tightest_zlib(4)
    check_pdf_streams(_pdf_with_stream(zlib.compress(inner, 9), "[/FlateDecode /FlateDecode]"), "twice.pdf")


def test_inflated_bytes_that_only_look_like_zlib_are_no_second_stage() -> None:
    """A content stream may start with the two bytes of a zlib header by chance: the second stage fails,
    and the first is still counted, so a bomb behind such bytes is refused all the same."""
    looks_like_zlib = b"\x78\x9c" + b"q 1 0 0 1 0 0 cm BT /F1 12 Tf (report) Tj ET Q\n" * 50
    check_pdf_streams(_pdf_with_stream(zlib.compress(looks_like_zlib, 9)), "content.pdf")
    bomb = b"\x78\x9c" + b" " * (MAX_PDF_STREAM_BYTES + 1)
    with pytest.raises(ParseError, match="inflates beyond"):
        check_pdf_streams(_pdf_with_stream(zlib.compress(bomb, 9)), "bomb.pdf")
