"""Read one large .xlsx sheet on every core: its rows in parts, one per core.

The workbook library parses a sheet on one core, and that parse is most of
the time a large workbook takes to read (about 3.9 s of the 5.1 s for a
1,000,000-row sheet on the 2-core test machine). Here the sheet's XML is
unpacked once, cut between two ``<row>`` elements into a few parts per core,
and each part is packed again into a workbook of its own that holds
everything the original holds but the other rows. The parts are read, each by
the workbook library, as many at once as there are cores, the first while
the others are still being cut, and put together (the same sheet then takes
2.4 to 2.7 s).

Putting them together gives exactly what one read of the whole sheet gives,
for these reasons, each checked by ``tests/test_sheet_parts.py``:

- every part after the first starts with an *anchor*, a made-up row in
  column A just above its first row, read as that part's header: its grid
  starts where that row and column lie in the real sheet, so its columns and
  rows are known by their place in the sheet, and the anchor itself is never
  a value;
- rows that lie between two parts holding no value (the library leaves them
  out at the end of the first part) are put back as empty rows;
- a column whose cells are of one kind in every part keeps that kind (a
  part without a value in it takes the others'); dates and date-times make
  date-times, as in one read; where the parts disagree, the column is read
  again as text in every part, as one read types a column mixing kinds;
- a cell one part could not fit to its column's type marks that column for
  the caller, as one read does.

Only a sheet written with a row number on each ``<row>`` where it is cut is
read in parts; anything else (a damaged sheet, rows without numbers) is read
whole, as before, by the caller.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import fastexcel
import polars as pl
import pyarrow as pa
from isal import isal_zlib

from retention.archive import inflated_pieces, packed_part

__all__ = [
    "PARTED_SHEET_BYTES",
    "LoadedCells",
    "PartedSheet",
    "column_labels",
    "cut_in_parts",
    "library_header_row",
    "read_in_parts",
]

# A sheet whose XML unpacks to less than this is read whole: about 25,000
# rows of 8 columns, read in a tenth of a second either way.
PARTED_SHEET_BYTES = 8 << 20
# Parts of about this many bytes of XML, at most this many parts per core: a
# core that has read its part takes the next while the other cores read
# theirs, so the parts keep every core busy while the sheet is being cut.
# Measured on 2 cores: 1,000,000 rows x 8 columns (339 MB of XML) read whole
# in 3.8 to 4.2 s; in 2 parts 2.9 to 3.5 s; in 4, 3.0 s; in 8, 2.4 to 2.7 s;
# 100,000 rows (34 MB) whole in 0.44 to 0.48 s, in 4 parts 0.35 to 0.38 s.
_PART_BYTES = 8 << 20
_PARTS_PER_CORE = 4
# Unpacked a few megabytes at a time, as the size check of the upload does.
_PIECE = 1 << 22
# Bytes held back at the end of each piece, so a ``<row ...>`` start tag and
# its row number are never cut between two pieces when searched for.
_HELD = 512
_ROW_START = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')


@dataclass(frozen=True)
class LoadedCells:
    """Cells of a sheet as the workbook library gives them.

    ``cells`` has one column per sheet column of the grid, named by its
    position (``"0"``, ``"1"``...); ``labels`` their header labels (``""``
    where the header has none); ``first_column`` the sheet column (A is 0) of
    the grid's first column; ``failed`` the positions of columns holding a
    cell the library could not fit to the column's type.
    """

    cells: pl.DataFrame
    labels: list[str]
    first_column: int
    failed: frozenset[int]


def library_header_row(header_row: int | None, top_row: int) -> int | None:
    """The workbook library's ``header_row`` for a header ``header_row`` rows
    below the grid's first row, which is sheet row ``top_row`` (from 1).

    The library reads 0 as the grid's first row (it skips empty rows above),
    but any other number as a row of the sheet counted from its very top.
    """
    if not header_row:
        return header_row
    return top_row - 1 + header_row


class PartedSheet:
    """A sheet read in parts; :meth:`load` reads it as the workbook library
    reads a whole sheet, or raises :class:`PartsDisagree` when the parts do
    not fit together for that read (the caller then reads the sheet whole)."""

    def __init__(
        self, readers: list[fastexcel.ExcelReader], sheet: str, cut: _Cut, top_row: int
    ) -> None:
        self.readers = readers
        self.sheet = sheet
        self.cut = cut
        self.top_row = top_row  # the sheet row of the whole grid's first row
        # by header row: each part's first and last sheet column in that read
        self.spans: dict[int | None, list[tuple[int, int]]] = {}
        self.loaded: dict[int | None, LoadedCells] = {}

    def load(
        self,
        header_row: int | None,
        *,
        use_columns: list[int] | None = None,
        dtypes: str | None = None,
    ) -> LoadedCells:
        """The cells below ``header_row`` (counted from the grid's first row),
        of the columns ``use_columns`` (their positions in that read's grid),
        read with ``dtypes`` or with their own types."""
        whole = use_columns is None and dtypes is None
        if whole and header_row in self.loaded:
            return self.loaded[header_row]
        if use_columns is not None and header_row not in self.spans:
            self.load(header_row)  # the grid the positions are counted in
        spans = self.spans.get(header_row)
        wanted = None
        if use_columns is not None and spans is not None:
            wanted = [_grid_columns(spans)[0] + p for p in use_columns]
        sheets = self._read_parts(header_row, wanted, dtypes, spans)
        if use_columns is None:
            spans = self.spans[header_row] = [part.span for part in sheets]
        assert spans is not None
        cells = self._put_together(sheets, header_row, wanted, spans)
        if whole:
            self.loaded[header_row] = cells
        return cells

    def _read_parts(
        self,
        header_row: int | None,
        wanted: list[int] | None,
        dtypes: str | None,
        spans: list[tuple[int, int]] | None,
    ) -> list[_PartCells]:
        def read(index: int) -> _PartCells:
            first_column = spans[index][0] if spans else 0
            return _load_part(
                self.readers[index],
                self.sheet,
                library_header_row(header_row, self.top_row) if index == 0 else 0,
                _within(wanted, spans[index]) if spans else None,
                dtypes,
                first_column,
            )

        cores = min(len(self.readers), os.cpu_count() or 1)
        with ThreadPoolExecutor(cores) as pool:
            return list(pool.map(read, range(len(self.readers))))

    def _put_together(
        self,
        sheets: list[_PartCells],
        header_row: int | None,
        wanted: list[int] | None,
        spans: list[tuple[int, int]],
    ) -> LoadedCells:
        """The parts stacked; a column whose parts are of different kinds is
        read again as text, as one read of the whole sheet types it."""
        below = 0 if header_row is None else header_row + 1
        first_rows, last_rows = self.cut.first_rows, self.cut.last_rows
        starts = [self.top_row - 1 + below, *[row - 1 for row in first_rows[1:]]]
        # a part's grid holds at most the rows from its first to its last
        # <row> element: more, and a row stands out of order in the sheet
        most = [last - start for last, start in zip(last_rows, starts, strict=True)]
        if any(p.batch.num_rows > n for p, n in zip(sheets, most, strict=True)):
            raise PartsDisagree("a row out of order")
        cells, mixed = _put_together(sheets, starts, _grid_columns(spans), wanted)
        if not mixed:
            return cells
        texts = self.load(header_row, use_columns=mixed, dtypes="string").cells
        replaced = [
            texts.to_series(index).alias(str(position))
            for index, position in enumerate(mixed)
        ]
        return LoadedCells(
            cells.cells.with_columns(replaced),
            cells.labels,
            cells.first_column,
            cells.failed - set(mixed),  # as text, every cell fits
        )


def _within(wanted: list[int] | None, span: tuple[int, int]) -> list[int] | None:
    """The wanted sheet columns that lie in a part's grid."""
    if wanted is None:
        return None
    return [column for column in wanted if span[0] <= column <= span[1]]


def cut_in_parts(part: zipfile.ZipInfo) -> bool:
    """Whether the sheet whose XML is the archive member ``part`` is read in
    parts by :func:`read_in_parts` (unless its rows turn out not to allow
    it): the archive says it unpacks to ``PARTED_SHEET_BYTES`` or more, it is
    packed with deflate, and the machine has several cores."""
    return (
        (os.cpu_count() or 1) >= 2
        and part.compress_type == zipfile.ZIP_DEFLATED
        and part.file_size >= PARTED_SHEET_BYTES
    )


def read_in_parts(
    data: bytes,
    part: zipfile.ZipInfo,
    sheet: str,
    top_row: int,
    header_row: int | None,
    parts: int | None = None,
    on_part: Callable[[int, int], None] | None = None,
    watch: Callable[[bytes, int], None] | None = None,
    leave_out: AbstractSet[str] = frozenset(),
) -> PartedSheet | None:
    """Read the sheet ``sheet`` (its XML the archive member ``part``) in
    ``parts`` parts (a few per core when not given), as many at once as there
    are cores, first with ``header_row``; the parted sheet, whose
    :meth:`PartedSheet.load` gives that read at once, or ``None`` when the
    sheet cannot be cut safely (it is then read whole).

    ``top_row`` is the sheet row (from 1) of the grid's first row. Each part
    starts being read as soon as it is packed, while the next is cut;
    ``on_part`` is told, in the calling thread, each time a part has been read
    (the parts read so far and all of them). ``watch`` is given each piece of
    the sheet's XML as it is unpacked, with the packed bytes it took (see
    :func:`retention.archive.inflated_pieces`), and may stop the cut by
    raising: the caller's check against zip bombs, made on the one unpacking.
    When the parted sheet is returned, ``watch`` has seen every piece.
    The archive members ``leave_out`` (other sheets not checked yet) are left
    out of the parts' workbooks.
    """
    cores = os.cpu_count() or 1
    if cores < 2 or part.compress_type != zipfile.ZIP_DEFLATED:
        return None
    if parts is None:
        parts = min(max(part.file_size // _PART_BYTES, 2), _PARTS_PER_CORE * cores)
    with ThreadPoolExecutor(min(parts, cores)) as pool:
        opened: list[Future] = []

        def start(workbook: bytes, index: int) -> None:
            wanted = library_header_row(header_row, top_row) if index == 0 else 0
            opened.append(pool.submit(_open_and_load, workbook, sheet, wanted))

        cut = _cut_sheet(data, part, parts, start, watch, leave_out)
        for done, _ in enumerate(as_completed(opened), start=1):
            if on_part is not None and cut is not None:
                on_part(done, len(opened))
        loaded = [future.result() for future in opened]
    if cut is None:
        return None
    parted = PartedSheet([reader for reader, _ in loaded], sheet, cut, top_row)
    sheets = [sheet_cells for _, sheet_cells in loaded]
    spans = parted.spans[header_row] = [sheet_cells.span for sheet_cells in sheets]
    parted.loaded[header_row] = parted._put_together(sheets, header_row, None, spans)
    return parted


# --- cutting the sheet ------------------------------------------------------


@dataclass
class _SheetShape:
    """What the start of a sheet's XML tells: everything up to its rows, the
    tags that close it, and the namespace prefix its elements are written with."""

    opening: bytes
    closing: bytes
    prefix: bytes

    def anchor(self, row: int) -> bytes:
        """A made-up row ``row`` holding a text in column A."""
        p = self.prefix
        return (
            b'<%srow r="%d"><%sc r="A%d" t="inlineStr"><%sis><%st>.</%st></%sis>'
            b"</%sc></%srow>" % (p, row, p, row, p, p, p, p, p, p)
        )


@dataclass
class _Cut:
    """Where a sheet was cut: the sheet rows (from 1) of each part's first and
    last ``<row>`` elements (the first part's first taken as 1)."""

    first_rows: list[int]
    last_rows: list[int]


def _cut_sheet(
    data: bytes,
    part: zipfile.ZipInfo,
    parts: int,
    start: Callable[[bytes, int], None],
    watch: Callable[[bytes, int], None] | None = None,
    leave_out: AbstractSet[str] = frozenset(),
) -> _Cut | None:
    """Unpack the sheet, cut it into ``parts`` between rows and hand each part,
    packed into a workbook, to ``start`` as soon as it is whole; where it was
    cut, or ``None`` when the sheet cannot be cut safely. ``watch`` is given
    each unpacked piece first (see :func:`read_in_parts`)."""
    targets = [part.file_size * k // parts for k in range(1, parts)]
    repacker = _Repacker(data, part, leave_out)
    packer = _PartPacker()
    shape: _SheetShape | None = None
    first_rows, last_rows = [1], [0]
    held, offset = b"", 0  # offset: where ``held`` starts in the sheet
    for piece in _inflated(data, part, watch):
        text = held + piece
        if shape is None:
            shape = _sheet_shape(text)
            if shape is None:
                return None
            text = text[len(shape.opening) :]
            offset += len(shape.opening)
            packer.write(shape.opening)
        while (cut := _cut_at(text, offset, targets, len(first_rows) - 1)) is not None:
            found = _ROW_START.match(text, cut)
            last_rows[-1] = _last_row(text, cut, shape, last_rows[-1])
            if found is None or not 2 <= last_rows[-1] + 1 <= int(found[1]):
                return None
            packer.write(text[:cut])
            packer.write(shape.closing)
            start(repacker.workbook(packer.finish()), len(first_rows) - 1)
            first_rows.append(int(found[1]))
            last_rows.append(int(found[1]))
            packer = _PartPacker()
            packer.write(shape.opening + shape.anchor(int(found[1]) - 1))
            text = text[cut:]
            offset += cut
        keep = max(len(text) - _HELD, 0)
        last_rows[-1] = _last_row(text, keep, shape, last_rows[-1])
        packer.write(text[:keep])
        held, offset = text[keep:], offset + keep
    if shape is None or len(first_rows) < 2:
        return None
    last_rows[-1] = _last_row(held, len(held), shape, last_rows[-1])
    packer.write(held)
    start(repacker.workbook(packer.finish()), len(first_rows) - 1)
    return _Cut(first_rows, last_rows)


def _last_row(text: bytes, end: int, shape: _SheetShape, before: int) -> int:
    """The sheet row of the last ``<row>`` element starting before ``end`` in
    ``text`` (``before`` when none does, or it has no row number)."""
    at = text.rfind(b"<%srow" % shape.prefix, 0, end)
    found = _ROW_START.match(text, at) if at >= 0 else None
    return int(found[1]) if found else before


def _sheet_shape(text: bytes) -> _SheetShape | None:
    """The sheet's opening up to and with its ``<sheetData>`` tag, or ``None``
    when the first piece does not hold it (or the sheet has no rows)."""
    found = re.search(rb"<(\w+:)?sheetData\b[^>]*>", text)
    root = re.search(rb"<((?:\w+:)?worksheet)\b", text)
    if found is None or root is None or found[0].endswith(b"/>"):
        return None
    prefix = found[1] or b""
    closing = b"</%ssheetData></%s>" % (prefix, root[1])
    return _SheetShape(text[: found.end()], closing, prefix)


def _cut_at(text: bytes, offset: int, targets: list[int], done: int) -> int | None:
    """Where in ``text`` (which starts ``offset`` bytes into the sheet) the
    next part starts: at the first ``<row`` past the next target, not in the
    last ``_HELD`` bytes."""
    if done >= len(targets) or offset + len(text) - _HELD <= targets[done]:
        return None
    found = _ROW_START.search(text, max(targets[done] - offset, 0), len(text) - _HELD)
    return found.start() if found else None


def _inflated(
    data: bytes,
    part: zipfile.ZipInfo,
    watch: Callable[[bytes, int], None] | None = None,
) -> Iterator[bytes]:
    """The sheet's XML, a few megabytes at a time, each piece shown to
    ``watch`` (with the packed bytes it took) before it is given."""
    for piece, took in inflated_pieces(packed_part(data, part), _PIECE):
        if watch is not None:
            watch(piece, took)
        if piece:
            yield piece


class _PartPacker:
    """Packs one part's XML as it is written, keeping its checksum and size."""

    def __init__(self) -> None:
        self.packer = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -isal_zlib.MAX_WBITS)
        self.packed: list[bytes] = []
        self.crc = 0
        self.size = 0

    def write(self, xml: bytes) -> None:
        if xml:
            self.packed.append(self.packer.compress(xml))
            self.crc = isal_zlib.crc32(xml, self.crc)
            self.size += len(xml)

    def finish(self) -> tuple[bytes, int, int]:
        self.packed.append(self.packer.flush())
        return b"".join(self.packed), self.crc, self.size


class _Repacker:
    """Writes the workbook ``data`` again with its sheet part ``sheet_part``
    replaced and the members ``leave_out`` left out; the archive's directory
    and its other parts, copied as they are, are read once for all the parts
    of the sheet."""

    def __init__(
        self,
        data: bytes,
        sheet_part: zipfile.ZipInfo,
        leave_out: AbstractSet[str] = frozenset(),
    ) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.members = [
                member
                for member in archive.infolist()
                if member.filename not in leave_out
                or member.filename == sheet_part.filename
            ]
        self.sheet = sheet_part.filename
        self.others = {
            member.filename: bytes(packed_part(data, member))
            for member in self.members
            if member.filename != self.sheet
        }

    def workbook(self, packed: tuple[bytes, int, int]) -> bytes:
        """The workbook with the sheet part's packed bytes, checksum and size
        ``packed``."""
        body, directory = [], []
        offset = 0
        for member in self.members:
            name = member.filename.encode("utf-8")
            if member.filename == self.sheet:
                content, crc, size = packed
                method = zipfile.ZIP_DEFLATED
            else:
                content = self.others[member.filename]
                crc, size, method = member.CRC, member.file_size, member.compress_type
            flags = 0x800 if not member.filename.isascii() else 0
            fields = (20, flags, method, 0, 0x21, crc, len(content), size, len(name), 0)
            body += [struct.pack("<I5H3I2H", 0x04034B50, *fields), name, content]
            entry = struct.pack(
                "<I6H3I5HII", 0x02014B50, 20, *fields[:-1], 0, 0, 0, 0, 0, offset
            )
            directory += [entry, name]
            offset += 30 + len(name) + len(content)
        listing = b"".join(directory)
        count = len(self.members)
        end = struct.pack(
            "<I4H2IH", 0x06054B50, 0, 0, count, count, len(listing), offset, 0
        )
        return b"".join([*body, listing, end])


# --- reading the parts and putting them together ----------------------------


@dataclass(frozen=True)
class _PartCells:
    """One part as read: its columns by sheet column, and what failed."""

    batch: pa.RecordBatch
    columns: list[int]  # the sheet column (A is 0) of each column of ``batch``
    labels: list[str]
    failed: set[int]  # sheet columns

    @property
    def span(self) -> tuple[int, int]:
        """The part's first and last sheet columns."""
        return (min(self.columns), max(self.columns)) if self.columns else (0, 0)


def _open_and_load(
    workbook: bytes, sheet: str, header_row: int | None
) -> tuple[fastexcel.ExcelReader, _PartCells]:
    reader = fastexcel.read_excel(workbook)
    return reader, _load_part(reader, sheet, header_row, None, None)


def _load_part(
    reader: fastexcel.ExcelReader,
    sheet: str,
    header_row: int | None,
    wanted: list[int] | None,
    dtypes: str | None,
    first_column: int = 0,
) -> _PartCells:
    """One part's cells; ``wanted`` are sheet columns in the part's grid.

    A part holding none of the wanted columns gives only its number of rows.
    """
    options: dict = {"header_row": header_row, "schema_sample_rows": None}
    if dtypes is not None:
        options["dtypes"] = dtypes
    if wanted is not None:
        # by the columns' letters: the library counts positions in its grid
        letters = [_letters(column) for column in wanted or [first_column]]
        options["use_columns"] = ",".join(letters)
    loaded = reader.load_sheet(sheet, **options)
    batch, errors = loaded.to_arrow_with_errors()
    columns = [column.absolute_index for column in loaded.selected_columns]
    if wanted == []:
        columns = []  # read for its number of rows only
    labels = column_labels(loaded.selected_columns)
    # the library counts an error's column in its grid, all columns selected
    grid_first = first_column if wanted is not None else min(columns, default=0)
    errors = errors.errors if errors else []
    failed = {grid_first + error.position[1] for error in errors}
    return _PartCells(batch, columns, labels, failed)


def column_labels(columns: list[fastexcel.ColumnInfo]) -> list[str]:
    """The header labels of the columns the library read (``""`` where it
    made a name up for want of one)."""
    return [
        "" if column.column_name_from == "generated" else column.name
        for column in columns
    ]


def _letters(column: int) -> str:
    """The letters of a sheet column (0 is A, 26 is AA)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _grid_columns(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The whole sheet's first and last columns from each part's. A part after
    the first starts at column A only for its anchor: the first part's first
    column is the sheet's unless another part holds a value further left,
    which :func:`_put_together` refuses."""
    return spans[0][0], max(end for _, end in spans)


def _put_together(
    sheets: list[_PartCells],
    starts: list[int],
    grid: tuple[int, int],
    wanted: list[int] | None,
) -> tuple[LoadedCells, list[int]]:
    """The parts stacked as one read of the whole sheet gives them, and the
    positions of the columns whose parts are of different kinds (given as
    empty text) to read again as text."""
    columns = list(range(grid[0], grid[1] + 1)) if wanted is None else wanted
    gaps = [0]
    for index in range(1, len(sheets)):
        end = starts[index - 1] + sheets[index - 1].batch.num_rows
        gaps.append(starts[index] - end)
    # the grid ends at its last value: no empty rows before parts without one
    filled = [index for index, part in enumerate(sheets) if part.batch.num_rows]
    for index in range(max(filled, default=0) + 1, len(sheets)):
        gaps[index] = 0
    if any(gap < 0 for gap in gaps):
        raise PartsDisagree("the parts overlap")
    for sheet_cells in sheets[1:]:
        for index, column in enumerate(sheet_cells.columns):
            values = sheet_cells.batch.column(index)
            if column < grid[0] and values.null_count < len(values):
                raise PartsDisagree("a value left of the first part's columns")
    stacked, mixed = {}, []
    for position, column in enumerate(columns):
        pieces = [_column_of(sheet_cells, column) for sheet_cells in sheets]
        try:
            stacked[str(position)] = _stacked(pieces, sheets, gaps)
        except MixedKinds:
            mixed.append(position)
            stacked[str(position)] = pl.Series(dtype=pl.String).extend_constant(
                None, sum(s.batch.num_rows for s in sheets) + sum(gaps)
            )
    first = sheets[0]
    labels = [
        first.labels[first.columns.index(c)] if c in first.columns else ""
        for c in columns
    ]
    failed = frozenset(
        position
        for position, column in enumerate(columns)
        if any(column in sheet_cells.failed for sheet_cells in sheets)
    )
    cells = LoadedCells(pl.DataFrame(stacked), labels, columns[0], failed)
    return cells, mixed


class PartsDisagree(Exception):
    """The parts of a sheet do not fit together (the sheet is read whole)."""


class MixedKinds(Exception):
    """A column of one kind in one part and of another in the next."""


def _column_of(sheet_cells: _PartCells, column: int) -> pa.Array | None:
    if column not in sheet_cells.columns:
        return None
    return sheet_cells.batch.column(sheet_cells.columns.index(column))


def _stacked(
    pieces: list[pa.Array | None], sheets: list[_PartCells], gaps: list[int]
) -> pl.Series:
    """One column's pieces stacked, the empty rows between parts put back.

    A piece without a value has no kind of its own: the library types it as
    text (or as nothing) for want of values, so it takes the others' kind.
    """
    valued = [p for p in pieces if p is not None and p.null_count < len(p)]
    read = [p for p in pieces if p is not None]
    kind = (
        _common_kind({p.type for p in valued})
        if valued
        else _kind_of(read, sum(part.batch.num_rows for part in sheets))
    )
    stacked = []
    for piece, sheet_cells, gap in zip(pieces, sheets, gaps, strict=True):
        if gap:
            stacked.append(pa.nulls(gap, kind))
        if piece is None or piece.null_count == len(piece):
            stacked.append(pa.nulls(sheet_cells.batch.num_rows, kind))
        else:
            stacked.append(piece.cast(kind))
    return pl.Series(pa.chunked_array(stacked, type=kind))


def _common_kind(kinds: set[pa.DataType]) -> pa.DataType:
    """The type one read of the whole column gives, from its parts' types."""
    if len(kinds) == 1:
        return next(iter(kinds))
    if all(pa.types.is_timestamp(k) or pa.types.is_date(k) for k in kinds):
        return pa.timestamp("ms")
    if all(
        pa.types.is_boolean(k) or pa.types.is_integer(k) or pa.types.is_floating(k)
        for k in kinds
    ):
        return pa.float64()  # true is 1.0, as the library coerces it
    raise MixedKinds(kinds)


def _kind_of(read: list[pa.Array], rows: int) -> pa.DataType:
    """The kind the library gives a column without a value among ``rows``
    rows: text, for want of values to tell by, unless there is no row."""
    return pa.string() if rows else (read[0].type if read else pa.null())
