"""Workbooks with parts rewritten by hand, for tests of what their XML holds."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

FIRST_SHEET = "xl/worksheets/sheet1.xml"


def with_parts_rewritten(
    archive: bytes, rewrites: dict[str, Callable[[bytes], bytes]]
) -> bytes:
    """``archive`` (an ``.xlsx`` or ``.ods`` file's bytes) packed again with
    each part named in ``rewrites`` passed through its function, every other
    part as it was."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename in rewrites:
                part = rewrites[info.filename](part)
            packed.writestr(info.filename, part)
    return buffer.getvalue()


def with_first_sheet(workbook: bytes, xml: bytes) -> bytes:
    """``workbook`` with the XML of its first sheet replaced by ``xml``."""
    return with_parts_rewritten(workbook, {FIRST_SHEET: lambda _: xml})
