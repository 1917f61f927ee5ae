"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel reads Persian) and Excel (.xlsx), with
formulas typed by users neutralised. Used by every export of a table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def safe_cell(value):
    """Neutralise spreadsheet formulas in text typed by users (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_bytes(*, fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet: str = "data") -> bytes:
    rows = ([safe_cell(v) for v in row] for row in rows)
    headers = [str(h) for h in headers]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Persian text correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(sheet[:31])
        worksheet.append(headers)
        for row in rows:
            worksheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def table_response(*, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence], private: bool = True):
    """An attachment response with the table as CSV or Excel."""
    response = HttpResponse(table_bytes(fmt=fmt, headers=headers, rows=rows), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response
