"""Crash-safe, resumable writers for batch output (JSONL, CSV or TSV).

Formats: ``jsonl``; ``csv`` (UTF-8 with the BOM Excel needs, cells as they are);
``csv-excel`` (the same, but a cell a spreadsheet would run as a formula, one
starting with ``= + - @``, a tab or a carriage return, gets a leading ``'``, which
Excel and LibreOffice hide and which makes them show the cell as text); ``tsv``
(the same cells separated by tabs, quoted only when a cell holds a tab, a quote or a
line break, as pandas' ``to_csv(sep="\t")`` writes; no BOM, since TSV goes to tools
such as pandas, R or ``cut`` rather than to a spreadsheet's double click).

Records are appended to ``OUTPUT.partial``; at most once a second (after a
chunk) the file is flushed and fsynced and a checkpoint (``OUTPUT.partial.ckpt``: records and
bytes written so far, id of the last record) is replaced atomically. A run
killed at any moment leaves at most a torn tail after the checkpoint, which
``--resume`` cuts off before going on. When the run completes, the partial
file is renamed to ``OUTPUT``: the final name never holds a half-written file.

An output named ``*.gz`` (``labels.jsonl.gz``, ``labels.csv.gz``) is gzip: every
chunk is appended as a gzip member of its own (what ``gzip``, ``zcat``, pandas and
Python's :mod:`gzip` read as one stream), so a checkpoint always falls on a member
boundary and ``--resume`` cuts a compressed file exactly as a plain one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classify.atomic import atomic_write
from classify.errors import OutputError
from classify.text.reading import content_suffix

__all__ = [
    "OutputError",
    "RecordWriter",
    "RenderedChunk",
    "render_chunk",
    "open_writer",
    "partial_paths",
    "CSV_COLUMNS",
    "FORMATS",
    "detect_format",
]

UTF8_BOM = "\ufeff"
FORMATS = ("jsonl", "csv", "csv-excel", "tsv")
# Formats written as delimited rows under a header line, and their delimiters.
CSV_FORMATS = ("csv", "csv-excel", "tsv")
_DELIMITERS = {"csv": ",", "csv-excel": ",", "tsv": "\t"}
_BOM_FORMATS = ("csv", "csv-excel")
_FORMAT_SUFFIXES = {".csv": "csv", ".tsv": "tsv"}
# Compressed names that would otherwise get plain text under a misleading suffix.
_OTHER_ARCHIVES = frozenset({".zip", ".xz", ".bz2", ".zst", ".7z", ".lz4"})
# List columns a spreadsheet user reads: topics as "a; b", the summary one sentence per line
# (a cell may hold line breaks; a sentence never does). A list whose items hold the joiner
# (a user's label with "; ") falls back to JSON, so the cell still parses back.
_CSV_JOINERS = {"topics": "; ", "summary": "\n"}
# OWASP's list of characters that make a spreadsheet cell a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "id",
    "source",
    "title",
    "date",
    "event_type",
    "event_confidence",
    "topics",
    "topic_scores",
    "summary",
    "error",
]


def detect_format(output: str, fmt: str | None) -> str:
    """``fmt`` if given, else ``csv`` for a ``.csv`` output, ``tsv`` for ``.tsv`` and ``jsonl`` otherwise.

    The suffix is read through ``.gz``: ``labels.csv.gz`` is CSV.
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise OutputError(f"unknown --format {fmt!r}; use {', '.join(FORMATS)}")
        return fmt
    return _FORMAT_SUFFIXES.get(content_suffix(output), "jsonl")


def _serialise(records: Sequence[dict], fmt: str, header: bool = False) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    guard = fmt == "csv-excel"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_DELIMITERS[fmt], lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_csv_cell(record.get(column), _CSV_JOINERS.get(column), guard) for column in CSV_COLUMNS])
    return buffer.getvalue()


@dataclass(frozen=True)
class RenderedChunk:
    """A chunk of records already serialised for the output file.

    Workers render their own chunks, so what travels back to the driver is one
    string instead of many small dicts, and the driver only appends it.

    Attributes
    ----------
    text : str
        The records as JSONL lines or CSV rows (no header).
    count : int
        Number of records.
    errors : int
        Records whose ``error`` is set.
    last_id : str or None
        ``id`` of the last record (the resume checkpoint keeps it).
    """

    text: str
    count: int
    errors: int
    last_id: str | None


def render_chunk(records: Sequence[dict], fmt: str) -> RenderedChunk:
    """Serialise ``records`` as ``fmt`` (one of :data:`FORMATS`) for :meth:`RecordWriter.write_rendered`."""
    return RenderedChunk(
        text=_serialise(records, fmt),
        count=len(records),
        errors=sum(1 for record in records if record.get("error")),
        last_id=str(records[-1].get("id")) if records else None,
    )


def _csv_cell(value, joiner: str | None = None, guard_formulas: bool = False) -> str:
    if value is None:
        return ""
    if joiner is not None and isinstance(value, list) and not any(joiner in str(v) for v in value):
        text = joiner.join(str(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if guard_formulas and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


class RecordWriter:
    """Append records chunk by chunk; see the module docstring for the crash-safety scheme.

    Use :func:`open_writer` to create one.
    """

    def __init__(
        self, path: Path | None, fmt: str, done: int, last_id: str | None, *, commit_seconds: float = 1.0
    ) -> None:
        self.path = path
        self.fmt = fmt
        self.done = done
        self.last_id = last_id
        self.commit_seconds = commit_seconds
        self._last_commit = time.monotonic()
        self._gzip = path is not None and path.suffix.lower() == ".gz"
        if path is None:
            self._handle = sys.stdout
            if fmt in CSV_FORMATS:
                self._handle.write(_serialise([], fmt, header=True))
            return
        self.partial, self.checkpoint = partial_paths(path)
        self._handle = open(self.partial, "ab") if self._gzip else open(self.partial, "a", encoding="utf-8", newline="")
        if self._handle.tell() == 0 and fmt in CSV_FORMATS:
            # Excel reads a CSV file without a BOM in the ANSI code page, which garbles every
            # Vietnamese diacritic; its own "CSV UTF-8" files start with one too.
            bom = UTF8_BOM if fmt in _BOM_FORMATS else ""
            self._append(bom + _serialise([], fmt, header=True))
            self._commit()

    def _append(self, text: str) -> None:
        if self._gzip:
            # One gzip member per chunk; mtime 0 keeps the bytes the same from run to run.
            self._handle.write(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))
        else:
            self._handle.write(text)

    def write(self, records: Sequence[dict]) -> None:
        """Append ``records`` and make them durable."""
        self.write_rendered(render_chunk(records, self.fmt))

    def write_rendered(self, chunk: RenderedChunk) -> None:
        """Append a chunk rendered by :func:`render_chunk` in this writer's format."""
        if not chunk.count:
            return
        self._append(chunk.text)
        self.done += chunk.count
        self.last_id = chunk.last_id
        if self.path is None:
            self._handle.flush()
        elif time.monotonic() - self._last_commit >= self.commit_seconds:
            # Checkpoints are paced in time, not per chunk: two fsyncs per chunk
            # would dominate on slow disks. A crash loses at most this much work.
            self._commit()

    def _commit(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        state = json.dumps(
            {"records": self.done, "bytes": self._handle.tell(), "last_id": self.last_id, "format": self.fmt}
        )
        atomic_write(self.checkpoint, lambda handle: handle.write(state), mode="w")
        self._last_commit = time.monotonic()

    def finish(self) -> None:
        """Close and move the complete output to its final name."""
        if self.path is None:
            self._handle.flush()
            return
        self._handle.close()
        os.replace(self.partial, self.path)
        self.checkpoint.unlink(missing_ok=True)

    def close(self) -> None:
        """Close without finishing (the partial output stays for ``--resume``)."""
        if self.path is not None and not self._handle.closed:
            self._handle.close()


def partial_paths(output: str | Path) -> tuple[Path, Path]:
    """Where a run writes ``output`` until it is complete, and its resume checkpoint."""
    path = Path(output)
    return path.with_name(path.name + ".partial"), path.with_name(path.name + ".partial.ckpt")


def open_writer(
    output: str, fmt: str, *, resume: bool, force: bool, commit_seconds: float = 1.0
) -> RecordWriter | None:
    """Open the output for a run; None when ``resume`` finds the output already complete.

    Raises
    ------
    OutputError
        If the output exists and neither ``resume`` nor ``force`` is given, if a
        partial output from another format is found, or if it cannot be written.
    """
    if output == "-":
        return RecordWriter(None, fmt, 0, None)
    path = Path(output)
    partial, checkpoint = partial_paths(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name for the output")
    if path.suffix.lower() in _OTHER_ARCHIVES:
        raise OutputError(f"{path}: only gzip output is compressed; name it {path.stem}.gz or compress it afterwards")
    if force:
        partial.unlink(missing_ok=True)
        checkpoint.unlink(missing_ok=True)
    elif resume:
        if path.exists() and not partial.exists():
            return None
        if partial.exists():
            done, last_id = _truncate_to_checkpoint(partial, checkpoint, fmt)
            try:
                return RecordWriter(path, fmt, done, last_id, commit_seconds=commit_seconds)
            except OSError as exc:
                raise OutputError(f"{partial}: cannot write ({exc.strerror})") from None
    elif path.exists() or partial.exists():
        which = path if path.exists() else partial
        raise OutputError(f"{which}: already exists; use --resume to continue it or --force to overwrite")
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        return RecordWriter(path, fmt, 0, None, commit_seconds=commit_seconds)
    except OSError as exc:
        raise OutputError(f"{partial}: cannot write ({exc.strerror})") from None


def _truncate_to_checkpoint(partial: Path, checkpoint: Path, fmt: str) -> tuple[int, str | None]:
    try:
        state = json.loads(checkpoint.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        # Killed before the first checkpoint: nothing durable was written.
        partial.unlink()
        return 0, None
    if state.get("format") != fmt:
        raise OutputError(f"{partial}: was written as {state.get('format')}, not {fmt}; use --force to start over")
    with open(partial, "r+b") as handle:
        handle.truncate(int(state["bytes"]))
    return int(state["records"]), state.get("last_id")
