"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel reads Persian) and Excel (.xlsx), with
formulas typed by users neutralised. Used by every export of a table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse

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
    if fmt == "csv":
        return b"".join(csv_chunks(headers=headers, rows=rows))
    rows = ([safe_cell(v) for v in row] for row in rows)
    headers = [str(h) for h in headers]
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


class _Line:
    """A file-like object whose `write` returns what it is given (one CSV line at a time)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(*, headers: Sequence[str], rows: Iterable[Sequence], rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The table as CSV (with the BOM) in chunks of `rows_per_chunk` lines, read from `rows` as
    they come: the memory held and the time to the first byte do not grow with the table."""
    writer = csv.writer(_Line())
    # Excel opens UTF-8 Persian text correctly with a BOM
    lines = ["\ufeff" + writer.writerow([str(h) for h in headers])]
    for row in rows:
        lines.append(writer.writerow([safe_cell(v) for v in row]))
        if len(lines) >= rows_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def table_response(
    *,
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    private: bool = True,
    stream: bool = False,
):
    """An attachment response with the table as CSV or Excel. With `stream`, a CSV is sent while
    `rows` (an iterator, e.g. over a queryset read in chunks) is consumed; an Excel workbook is
    always built whole (a zip file is written at its end)."""
    if stream and fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(headers=headers, rows=rows), content_type=CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(table_bytes(fmt=fmt, headers=headers, rows=rows), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response
