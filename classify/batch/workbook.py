"""XLSX output: one worksheet, one row per document, built when the run completes.

A workbook is a zip archive: it cannot be appended to chunk by chunk, and a torn one
cannot be cut back to a checkpoint. So an ``.xlsx`` run keeps its records as JSONL in
``OUTPUT.partial``, with the checkpoints and ``--resume`` of every other format, and only
when the last record is in does it build the workbook from them, under a temporary name
renamed into place (:func:`classify.atomic.atomic_write`): a crash at any moment leaves a
resumable partial file, never a half-written workbook. ``--update`` builds the new workbook
from the rows of the finished one followed by the new records.

Columns: the CSV columns (:data:`classify.batch.output.CSV_COLUMNS`), with the Vietnamese
display names of the labels (:mod:`classify.model.taxonomy`) after ``event_type`` and
``topics``, then an empty ``topics_maybe`` column where the analyst lists the topics they could
not decide (read back by :mod:`classify.corpus.workbook`), and one ``input.<field>`` column per
field of the input records in place of CSV's single JSON ``input`` column. Every text cell is
stored as text, so a scraped title ``=HYPERLINK(...)`` is shown, never run as a formula; the
header row is frozen and the summary cells wrap, one sentence per line.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from classify.atomic import atomic_write
from classify.corpus.workbook import UNSURE_COLUMN  # left empty for the analyst's unsure topics
from classify.errors import OutputError
from classify.model.taxonomy import display_name
from classify.spreadsheet import first_sheet

__all__ = ["write_workbook", "workbook_ids", "workbook_columns", "SHEET_TITLE", "MAX_CELL_CHARS"]

SHEET_TITLE = "labels"
MAX_CELL_CHARS = 32_767  # Excel's limit: a longer cell is cut there (and says so)
DISPLAY_COLUMNS = {"event_type": "event_type_vi", "topics": "topics_vi"}
_WIDTHS = {"id": 28, "source": 32, "title": 48, "summary": 90, "error": 40}
_WIDTHS |= {"topics": 28, "topics_vi": 36, UNSURE_COLUMN: 28}
_WRAPPED = frozenset({"summary", "title", "topics_vi", UNSURE_COLUMN})


def workbook_columns(input_fields: Iterable[str]) -> list[str]:
    """The header of a workbook whose input records had ``input_fields``."""
    from classify.batch.output import CSV_COLUMNS

    columns = []
    for column in CSV_COLUMNS:
        if column == "input":
            columns += [f"input.{name}" for name in input_fields]
            continue
        columns.append(column)
        if column in DISPLAY_COLUMNS:
            columns.append(DISPLAY_COLUMNS[column])
        if column == "topics":
            columns.append(UNSURE_COLUMN)
    return columns


def _row(record: dict) -> dict:
    """The cells of one record, by column name."""
    from classify.batch.output import CSV_COLUMNS, csv_cell_text

    row = {}
    for column in CSV_COLUMNS:
        value = record.get(column)
        if column == "input":
            for name, field_value in (value or {}).items():
                row[f"input.{name}"] = field_value if _is_number(field_value) else csv_cell_text(field_value)
            continue
        row[column] = value if _is_number(value) else csv_cell_text(value, column)
    event_type = record.get("event_type")
    row["event_type_vi"] = display_name("event_type", event_type) if isinstance(event_type, str) else ""
    topics = record.get("topics")
    row["topics_vi"] = "; ".join(display_name("topics", t) for t in topics) if isinstance(topics, list) else ""
    return row


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(sheet, value, wrapped: bool):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment

    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters make the file unreadable to Excel
        if len(text) > MAX_CELL_CHARS:
            text = text[: MAX_CELL_CHARS - 40] + " … [cut at Excel's cell size limit]"
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if wrapped:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _base_rows(base: Path | None) -> tuple[list[str], list[dict]]:
    """Header and rows (as dicts) of the finished workbook an ``--update`` adds to."""
    if base is None:
        return [], []
    with first_sheet(base, OutputError) as (cells, rows):
        header = [str(c) for c in cells if c is not None]
        return header, [dict(zip(header, row)) for row in rows]


def write_workbook(path: str | Path, records: Callable[[], Iterable[dict]], *, base: Path | None = None) -> int:
    """Write the records as a workbook at ``path``, atomically; return the number of data rows.

    Parameters
    ----------
    path : str or Path
    records : callable
        Returns a fresh iterable of the records each time it is called (they are read
        twice: once for the ``input.<field>`` columns, once for the rows), so a large
        output is streamed from disk rather than held in memory.
    base : Path, optional
        A finished workbook whose rows come first (``--update``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    base_header, base_rows = _base_rows(base)
    input_fields: dict[str, None] = {c.removeprefix("input."): None for c in base_header if c.startswith("input.")}
    for record in records():
        input_fields.update(dict.fromkeys(record.get("input") or {}))
    columns = workbook_columns(input_fields)
    columns += [c for c in base_header if c not in columns]  # a column of an older version is kept
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = _WIDTHS.get(column, 16)
    header = []
    for column in columns:
        cell = _cell(sheet, column, wrapped=False)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in itertools.chain(base_rows, (_row(r) for r in records())):
        sheet.append([_cell(sheet, row.get(column), column in _WRAPPED) for column in columns])
        count += 1
    atomic_write(path, book.save)
    return count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def workbook_ids(path: str | Path) -> list[str]:
    """The ``id`` column of a workbook written by :func:`write_workbook`, in row order."""
    header, rows = _base_rows(Path(path))
    if "id" not in header:
        raise OutputError(f"{path}: no id column; it was not written by classify label")
    return ["" if row.get("id") is None else str(row["id"]) for row in rows]


def partial_records(partial: Path) -> Callable[[], Iterable[dict]]:
    """The records of an ``.xlsx`` run's partial JSONL file, re-readable (see :func:`write_workbook`)."""

    def read() -> Iterable[dict]:
        with open(partial, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    return read
