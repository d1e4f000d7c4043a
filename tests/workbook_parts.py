"""Workbooks with a part written by hand, for tests of what a sheet's XML holds."""

from __future__ import annotations

import io
import zipfile


def with_first_sheet(workbook: bytes, xml: bytes) -> bytes:
    """``workbook`` (an ``.xlsx`` file's bytes) with the XML of its first sheet
    replaced by ``xml``, every other part as it was."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = xml
            archive.writestr(info.filename, part)
    return buffer.getvalue()
