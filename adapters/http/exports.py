"""Lists and statistics as CSV (UTF-8 with BOM, opens in Excel) or XLSX: `?format=csv|xlsx`
or `Accept: text/csv`. Each list route adds two lines:

    if fmt:
        return respond(rows, columns.OVERTIME, "overtime", fmt)

Phone numbers never leave in full: mobile columns are masked and any 11-digit mobile left in
a cell is masked too, whoever asks."""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, Header, Query
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from starlette.exceptions import HTTPException

from adapters.http.deps import SettingsDep
from adapters.http.export_columns import Column
from domain.values import mask_mobile

# XLSX is built in memory: beyond this many rows the caller is told to narrow the filters or
# take CSV, which streams any number of rows.
MAX_XLSX_ROWS = 100_000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A mainland mobile standing alone (not inside a 20-digit registration code).
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Text a spreadsheet would run as a formula (a unit or station named "=HYPERLINK(...)"): CSV
# cells get a leading apostrophe (OWASP), XLSX cells are stored as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    """The format asked for and the city's time zone the times are written in."""

    format: Literal["csv", "xlsx"]
    timezone: ZoneInfo


async def export_format(
        settings: SettingsDep,
        fmt: Annotated[Literal["json", "csv", "xlsx"] | None, Query(
            alias="format", description="json (default), csv (UTF-8 with BOM) or xlsx")] = None,
        accept: Annotated[str | None, Header()] = None) -> Export | None:
    """`?format=` wins; else `Accept: text/csv` or the XLSX type; else JSON (None)."""
    if fmt is None and accept:
        fmt = "csv" if "text/csv" in accept else "xlsx" if XLSX_TYPE in accept else None
    if fmt in (None, "json"):
        return None
    return Export(fmt, ZoneInfo(settings.timezone))


ExportFormat = Annotated[Export | None, Depends(export_format)]


def every_row(page: Callable[[Any], tuple[list[dict[str, Any]], Any]]) -> Iterator[dict]:
    """Every row of a paged list: `page(cursor)` answers rows and the next cursor (None: last),
    so an export ignores `limit` and `cursor` and holds everything the filters match."""
    cursor = None
    while True:
        rows, cursor = page(cursor)
        yield from rows
        if cursor is None:
            return


def _masked(text: str) -> str:
    return MOBILE.sub(lambda m: mask_mobile(m.group(0)) or "", text)


def _cell(column: Column, row: dict[str, Any], tz: ZoneInfo) -> Any:
    """The value as a spreadsheet holds it: local naive datetimes, text for the rest."""
    value = column.get(row) if column.get else row.get(column.key)
    if column.mobile and isinstance(value, str):
        value = mask_mobile(value)
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str):
        return _masked(value)
    return value


def _header(columns: tuple[Column, ...]) -> list[str]:
    return [f"{c.zh} / {c.en}" for c in columns]


def _disposition(name: str, suffix: str, tz: ZoneInfo) -> dict[str, str]:
    filename = f"{name}-{datetime.now(tz).date():%Y-%m-%d}.{suffix}"
    return {"Content-Disposition": f"attachment; filename=\"{filename}\"; "
                                   f"filename*=UTF-8''{quote(filename)}"}


def _csv_lines(rows: Iterable[dict[str, Any]], columns: tuple[Column, ...],
               tz: ZoneInfo) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(_header(columns))
    yield b"\xef\xbb\xbf" + flush()  # the BOM: Excel reads the file as UTF-8
    for row in rows:
        cells = [_cell(c, row, tz) for c in columns]
        writer.writerow([v.isoformat(sep=" ") if isinstance(v, datetime | date) else
                         f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v
                         for v in cells])
        yield flush()


def _xlsx(rows: Iterable[dict[str, Any]], columns: tuple[Column, ...], tz: ZoneInfo) -> bytes:
    taken = list(islice(rows, MAX_XLSX_ROWS + 1))
    if len(taken) > MAX_XLSX_ROWS:
        raise HTTPException(413, f"more than {MAX_XLSX_ROWS} rows match: narrow the filters "
                                 "or ask for format=csv, which has no limit")
    book = Workbook()
    sheet = book.active
    sheet.append(_header(columns))
    sheet.freeze_panes = "A2"
    for row in taken:
        sheet.append([_cell(c, row, tz) for c in columns])
    for index, column in enumerate(columns):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.zh) * 2 + len(column.en))
    for cell in (c for line in sheet.iter_rows(min_row=2) for c in line):
        if cell.data_type == "f":  # openpyxl takes any "=..." string for a formula
            cell.data_type = "s"
        if isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def respond(rows: Iterable[dict[str, Any]], columns: tuple[Column, ...], name: str,
            fmt: Export) -> Response:
    """The rows as a download named like `overtime-2026-11-23.csv`."""
    if fmt.format == "csv":
        return StreamingResponse(_csv_lines(rows, columns, fmt.timezone), media_type=CSV_TYPE,
                                 headers=_disposition(name, "csv", fmt.timezone))
    return Response(_xlsx(rows, columns, fmt.timezone), media_type=XLSX_TYPE,
                    headers=_disposition(name, "xlsx", fmt.timezone))
