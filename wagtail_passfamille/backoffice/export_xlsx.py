"""The XLSX of an export: XlsxWriter writes the package around an empty sheet (workbook,
styles, theme, properties); the sheet's cells are written here, streamed into a temporary file
and escaped as XlsxWriter escapes them in its ``constant_memory`` mode.

XlsxWriter's calls per cell (argument checks, a regular expression or three per string, one
row of cells kept and written back) cost more than everything else in an export. Here a row is
one string. And every string is escaped: XlsxWriter writes a string « <r>…</r> » as raw XML
(one of its own rich strings), where a citizen's answer could close its cell and add a formula.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

SHEET = "xl/worksheets/sheet1.xml"
MAX_ROWS = 1_048_576  # beyond, XlsxWriter drops the cells: so do we
MAX_TEXT = 32_767  # UTF-16 units in a cell, as XlsxWriter truncates
# Control characters are illegal in XLSX (but tab and newline).
_CONTROL = {code: None for code in range(32) if chr(code) not in "\n\t"}
# What XlsxWriter changes in a string: « _x0041_ » would read as « A » (Excel's escape), so
# its underscore is escaped; two non-characters; then XML's three.
_SPECIAL = re.compile("[_&<>\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")


def _inline(value: str) -> str:
    """A string cell's content, as XlsxWriter writes it (``_write_string``, ``_write_cell``)."""
    if not value.isprintable():
        value = value.translate(_CONTROL)
    if len(value) > MAX_TEXT // 2:
        encoded = value.encode("utf-16-le")
        if len(encoded) > 2 * MAX_TEXT:  # never splits a character out of the BMP
            value = encoded[: 2 * MAX_TEXT].decode("utf-16-le", errors="ignore")
    if _SPECIAL.search(value):
        value = _EXCEL_ESCAPE.sub(r"_x005F\1", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _LEADING.search(value) or _TRAILING.search(value):
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _package(sheet_name: str) -> bytes:
    """XlsxWriter's package of one empty sheet (the options of every export)."""
    template = io.BytesIO()
    workbook = xlsxwriter.Workbook(template, {"constant_memory": True})
    workbook.add_worksheet(sheet_name)
    workbook.close()
    return template.getvalue()


def xlsx_file(rows: Iterable[list], sheet_name: str):
    """An XLSX of ``rows`` in an anonymous temporary file, rewound. Strings are text (never a
    formula, a link or a number), ints and floats numbers; memory stays flat."""
    cells_file = tempfile.TemporaryFile()
    columns = []  # column letters, grown as rows are wider
    first_column = last_column = first_row = last_row = None
    batch = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            break
        while len(columns) < len(row):
            columns.append(xl_col_to_name(len(columns)))
        cells, first = [], None
        for column, value in enumerate(row):
            if value.__class__ is not str:
                if value is None or value == "":
                    continue
                if isinstance(value, int | float) and not isinstance(value, bool):
                    if math.isfinite(value):
                        cells.append(f'<c r="{columns[column]}{number}"><v>{value:.16G}</v></c>')
                        first = column if first is None else first
                        last = column
                        continue
                value = str(value)
            if value:
                cells.append(f'<c r="{columns[column]}{number}" t="inlineStr">{_inline(value)}</c>')
                first = column if first is None else first
                last = column
        if cells:
            batch.append(f'<row r="{number}">{"".join(cells)}</row>')
            first_column = first if first_column is None else min(first_column, first)
            last_column = last if last_column is None else max(last_column, last)
            first_row = number if first_row is None else first_row
            last_row = number
            if len(batch) >= 500:
                cells_file.write("".join(batch).encode())
                batch.clear()
    cells_file.write("".join(batch).encode())
    cells_file.seek(0)
    if last_row is None:
        dimension = "A1"
    else:
        start = xl_rowcol_to_cell(first_row - 1, first_column)
        end = xl_rowcol_to_cell(last_row - 1, last_column)
        dimension = start if start == end else f"{start}:{end}"
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with (
        zipfile.ZipFile(io.BytesIO(_package(sheet_name))) as source,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as package,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                package.writestr(info, source.read(info))
                continue
            head, empty, tail = source.read(info).decode().partition("<sheetData/>")
            dimension_a1 = '<dimension ref="A1"/>'
            if not empty or dimension_a1 not in head:
                raise RuntimeError("XlsxWriter's empty sheet is not as expected")
            head = head.replace(dimension_a1, f'<dimension ref="{dimension}"/>')
            with package.open(info, "w", force_zip64=True) as sheet:
                sheet.write(f"{head}<sheetData>".encode())
                shutil.copyfileobj(cells_file, sheet, 1 << 20)
                sheet.write(f"</sheetData>{tail}".encode())
    cells_file.close()
    handle.seek(0)
    return handle
