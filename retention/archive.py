"""The parts of a workbook's zip archive, as packed bytes and unpacked pieces.

Every step that looks into a workbook's parts itself (the size check against
zip bombs, the search for zero-padded number formats, cutting a large sheet
into parts) takes a part's packed bytes from here and unpacks them here, a
few megabytes at a time, with ISA-L (about four times as fast as zlib).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator

from isal import isal_zlib

__all__ = ["ZIP_MAGIC", "inflated_pieces", "packed_part"]

ZIP_MAGIC = b"PK\x03\x04"  # the signature of a zip archive's local header
_PACKED_STEP = 1 << 20  # packed bytes offered to the unpacker at a time


def packed_part(data: bytes, part: zipfile.ZipInfo) -> memoryview:
    """The packed bytes of one part of a zip archive."""
    view = memoryview(data)
    start = part.header_offset
    if bytes(view[start : start + 4]) != ZIP_MAGIC:
        raise zipfile.BadZipFile(part.filename)
    name_length, extra_length = struct.unpack("<HH", view[start + 26 : start + 30])
    begin = start + 30 + name_length + extra_length
    return view[begin : begin + part.compress_size]


def inflated_pieces(packed: memoryview, step: int) -> Iterator[tuple[bytes, int]]:
    """A raw deflate stream unpacked, at most ``step`` bytes a piece, each with
    the packed bytes it took (0 for output held back from earlier input).

    A megabyte of input is offered at a time. When a piece comes out full,
    the unpacker may hold more output of input it has already taken, so it
    is asked again before the next input: stopping there once lost the last
    bytes of a stream. The piece is let go before the next is unpacked when
    the caller lets go of it too: keeping two alive makes the allocator map
    fresh memory for every piece, which doubles the time.
    """
    inflater = isal_zlib.decompressobj(-isal_zlib.MAX_WBITS)
    for start in range(0, len(packed), _PACKED_STEP):
        pending = packed[start : start + _PACKED_STEP]
        while not inflater.eof:
            offered = len(pending)
            piece = inflater.decompress(pending, step)
            pending = inflater.unconsumed_tail
            full = len(piece) == step
            yield piece, offered - len(pending)
            del piece
            if not pending and not full:
                break  # all of this input unpacked: on to the next
        if inflater.eof:
            return
