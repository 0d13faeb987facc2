"""A finished job's JSONL output converted for download: CSV, TSV or XLSX.

CSV and TSV go through :mod:`classify.batch.output`'s writer and XLSX through
:mod:`classify.batch.workbook`, so a downloaded file is what ``classify label -o labels.csv``
(or ``.xlsx``) writes for the same records.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from classify.batch.output import FORMATS, open_writer
from classify.batch.workbook import write_workbook

__all__ = ["EXPORT_FORMATS", "export", "export_suffix"]

EXPORT_FORMATS = ("jsonl", *(fmt for fmt in FORMATS if fmt not in ("jsonl", "xlsx")), "xlsx")
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


def _export_xlsx(jsonl: Path, target: Path) -> None:
    """The workbook ``classify label -o labels.xlsx`` writes for the same records."""

    def records() -> Iterator[dict]:
        for chunk in _records(jsonl):
            yield from chunk

    write_workbook(target, records)
