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
