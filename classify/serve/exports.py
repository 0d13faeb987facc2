"""A finished job's JSONL output converted for download: CSV, TSV or XLSX.

CSV and TSV go through :mod:`classify.batch.output`'s writer, so a downloaded file
is byte for byte what ``classify label -o labels.csv`` writes for the same records.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from classify.atomic import atomic_write
from classify.batch.output import CSV_COLUMNS, FORMATS, open_writer, render_chunk

__all__ = ["EXPORT_FORMATS", "export", "export_suffix"]

EXPORT_FORMATS = ("jsonl", *(fmt for fmt in FORMATS if fmt != "jsonl"), "xlsx")
_SUFFIXES = {"jsonl": ".jsonl", "csv": ".csv", "csv-excel": ".csv", "tsv": ".tsv", "xlsx": ".xlsx"}
_CHUNK = 512
_XLSX_NUMBER_COLUMNS = frozenset({"event_confidence"})
_XLSX_CELL_LIMIT = 32_767  # characters Excel keeps in one cell


def export_suffix(fmt: str) -> str:
    """The file suffix of a download in ``fmt`` (``.csv`` for both CSV flavours)."""
    return _SUFFIXES[fmt]


def _records(jsonl: Path) -> Iterator[list[dict]]:
    with open(jsonl, encoding="utf-8") as handle:
        lines = (json.loads(line) for line in handle if line.strip())
        while chunk := list(itertools.islice(lines, _CHUNK)):
            yield chunk


def export(jsonl: Path, target: Path, fmt: str) -> None:
    """Write the records of ``jsonl`` to ``target`` in ``fmt`` (one of :data:`EXPORT_FORMATS` but jsonl).

    The file appears at ``target`` complete or not at all.
    """
    if fmt == "xlsx":
        _export_xlsx(jsonl, target)
        return
    writer = open_writer(str(target), fmt, resume=False, force=True)
    try:
        for chunk in _records(jsonl):
            writer.write(chunk)
        writer.finish()
    finally:
        writer.close()


# XLSX: written here until classify.batch writes .xlsx outputs itself; then this function
# should become `export(jsonl, target, "xlsx")` through the batch writer like CSV above.
def _export_xlsx(jsonl: Path, target: Path) -> None:
    """One sheet with the CSV export's columns and cells (topics joined by "; ", one summary sentence per line).

    Every cell is stored as text except the confidence, so a title or summary that
    starts with ``=`` is shown, never run as a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("labels")

    def cell(column: str, text: str):
        if column in _XLSX_NUMBER_COLUMNS and text:
            return WriteOnlyCell(sheet, value=float(text))
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if len(text) > _XLSX_CELL_LIMIT:
            text = text[: _XLSX_CELL_LIMIT - 1] + "…"
        value = WriteOnlyCell(sheet, value=text)
        value.data_type = "s"  # openpyxl would take "=..." for a formula
        return value

    sheet.append([cell("", name) for name in CSV_COLUMNS])
    for chunk in _records(jsonl):
        rows = csv.reader(io.StringIO(render_chunk(chunk, "csv").text))
        for row in rows:
            sheet.append([cell(column, text) for column, text in zip(CSV_COLUMNS, row)])
    atomic_write(target, book.save)
