"""Crash-safe, resumable writers for batch output (JSONL, CSV, TSV or XLSX).

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

An output named ``*.xlsx`` is a workbook (:mod:`classify.batch.workbook`): its records are
checkpointed as JSONL in ``OUTPUT.partial`` like any other, and the workbook is built from
them when the run completes. Any other name is refused (:func:`detect_format`), so a file
never holds something its name does not say.

Nothing is created until the first record is written: a run that fails before it (a bad
model, an unreadable input list) leaves no empty ``OUTPUT.partial`` behind. The checkpoint
also holds the description of the run (model sha256, options, inputs fingerprint; see
:mod:`classify.batch.previous`), so ``--resume`` refuses to go on with another model or options.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
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
    "OUTPUT_SUFFIXES",
    "detect_format",
    "csv_cell_text",
]

UTF8_BOM = "\ufeff"
FORMATS = ("jsonl", "csv", "csv-excel", "tsv", "xlsx")
# Formats written as delimited rows under a header line, and their delimiters.
CSV_FORMATS = ("csv", "csv-excel", "tsv")
_DELIMITERS = {"csv": ",", "csv-excel": ",", "tsv": "\t"}
_BOM_FORMATS = ("csv", "csv-excel")
# The output names that are accepted, and the formats each may hold (the first is the default).
OUTPUT_SUFFIXES = {".jsonl": ("jsonl",), ".csv": ("csv", "csv-excel"), ".tsv": ("tsv",), ".xlsx": ("xlsx",)}
_GZIP_SUFFIXES = (".jsonl", ".csv", ".tsv")
# Compressed names that would otherwise get plain text under a misleading suffix.
_OTHER_ARCHIVES = frozenset({".zip", ".xz", ".bz2", ".zst", ".7z", ".lz4"})
# List columns a spreadsheet user reads: topics as "a; b", the summary one sentence per line
# (a cell may hold line breaks; a sentence never does). A list whose items hold the joiner
# (a user's label with "; ") falls back to JSON, so the cell still parses back.
_CSV_JOINERS = {"topics": "; ", "summary": "\n"}
# OWASP's list of characters that make a spreadsheet cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "id",
    "source",
    "title",
    "date",
    "event_type",
    "event_confidence",
    "event_abstained",
    "topics",
    "topic_scores",
    "topic_evidence",
    "summary",
    "input",
    "error",
]


def known_names() -> str:
    """The output names :func:`detect_format` accepts, for messages."""
    names = [f"{suffix}, {suffix}.gz" if suffix in _GZIP_SUFFIXES else suffix for suffix in OUTPUT_SUFFIXES]
    return ", ".join(names)


def detect_format(output: str, fmt: str | None) -> str:
    """The format of ``output``: from its name, or ``fmt`` when given and the name allows it.

    ``.jsonl``, ``.csv``, ``.tsv`` (each also ``.gz``-compressed: ``labels.csv.gz`` is CSV) and
    ``.xlsx``; ``-`` (standard output) is JSONL unless ``fmt`` says otherwise.

    Raises
    ------
    OutputError
        For an unknown ``fmt``, an output name with another suffix (``.json``, ``.txt``,
        none), a ``.zip``-style archive, ``.xlsx.gz``, a workbook on standard output, or a
        ``fmt`` the name contradicts (``-o a.csv --format tsv``).
    """
    if fmt is not None and fmt not in FORMATS:
        raise OutputError(f"unknown --format {fmt!r}; use {', '.join(FORMATS)}")
    if output == "-":
        if fmt == "xlsx":
            raise OutputError("a workbook cannot go to standard output; name an .xlsx file with -o")
        return fmt or "jsonl"
    path = Path(output)
    suffix = content_suffix(path)
    if path.suffix.lower() in _OTHER_ARCHIVES:
        raise OutputError(f"{path}: only gzip output is compressed; name it {path.stem}.gz or compress it afterwards")
    compressed = path.suffix.lower() == ".gz"
    if suffix not in OUTPUT_SUFFIXES or (compressed and suffix not in _GZIP_SUFFIXES):
        shown = "".join(path.suffixes[-2:] if compressed else path.suffixes[-1:]).lower() or "no suffix"
        raise OutputError(f"{path}: unknown kind of output ({shown}); name it {known_names()}")
    allowed = OUTPUT_SUFFIXES[suffix]
    if fmt is not None and fmt not in allowed:
        raise OutputError(
            f"{path}: --format {fmt} does not match the name; a {suffix} file holds {' or '.join(allowed)}"
        )
    return fmt or allowed[0]


def _serialise(records: Sequence[dict], fmt: str, header: bool = False) -> str:
    if fmt in ("jsonl", "xlsx"):  # an .xlsx run checkpoints JSONL; the workbook is built at the end
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    guard = fmt == "csv-excel"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_DELIMITERS[fmt], lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([csv_cell_text(record.get(column), column, guard) for column in CSV_COLUMNS])
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


def csv_cell_text(value, column: str | None = None, guard_formulas: bool = False) -> str:
    """The text of a CSV or workbook cell: ``topics`` and ``summary`` lists joined, other lists and objects as JSON."""
    joiner = _CSV_JOINERS.get(column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if joiner is not None and isinstance(value, list) and not any(joiner in str(v) for v in value):
        text = joiner.join(str(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if guard_formulas and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class RecordWriter:
    """Append records chunk by chunk; see the module docstring for the crash-safety scheme.

    Use :func:`open_writer` to create one.

    Attributes
    ----------
    done : int
        Records in the output so far (those of an interrupted or finished run included).
    mode : {"run", "update"}
        ``"run"`` resumes by position (the first ``done`` documents are skipped);
        ``"update"`` skips the documents whose id is in ``done_ids``.
    done_ids : set of str or None
        Ids already in the output (``"update"`` only).
    written : int
        Records written by this run.
    """

    def __init__(
        self,
        path: Path | None,
        fmt: str,
        done: int = 0,
        last_id: str | None = None,
        *,
        commit_seconds: float = 1.0,
        run: dict | None = None,
        mode: str = "run",
        base: Path | None = None,
        done_ids: set[str] | None = None,
    ) -> None:
        self.path = path
        self.fmt = fmt
        self.done = done
        self.last_id = last_id
        self.commit_seconds = commit_seconds
        self.run = run
        self.mode = mode
        self.base = base
        self.done_ids = done_ids
        self.written = 0
        self._last_commit = time.monotonic()
        self._gzip = path is not None and path.suffix.lower() == ".gz"
        self._handle = None
        if path is None:
            self._handle = sys.stdout
            if fmt in CSV_FORMATS:
                self._handle.write(_serialise([], fmt, header=True))
            return
        self.partial, self.checkpoint = partial_paths(path)

    def _open(self) -> None:
        # Opened on the first record, so that a run failing before it leaves nothing behind.
        try:
            self.partial.parent.mkdir(parents=True, exist_ok=True)
            if self.base is not None and self.fmt != "xlsx" and not self.partial.exists():
                shutil.copyfile(self.base, self.partial)  # --update: the finished records, then the new ones
            if self._gzip:
                self._handle = open(self.partial, "ab")
            else:
                self._handle = open(self.partial, "a", encoding="utf-8", newline="")
        except OSError as exc:
            raise OutputError(f"{self.partial}: cannot write ({exc.strerror or exc})") from None
        if self._handle.tell() == 0 and self.fmt in CSV_FORMATS:
            # Excel reads a CSV file without a BOM in the ANSI code page, which garbles every
            # Vietnamese diacritic; its own "CSV UTF-8" files start with one too.
            bom = UTF8_BOM if self.fmt in _BOM_FORMATS else ""
            self._append(bom + _serialise([], self.fmt, header=True))

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
        if self._handle is None:
            self._open()
        self._append(chunk.text)
        self.done += chunk.count
        self.written += chunk.count
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
        state = {
            "records": self.done,
            "bytes": self._handle.tell(),
            "last_id": self.last_id,
            "format": self.fmt,
            "mode": self.mode,
            # An .xlsx --update keeps only the new records here; the finished workbook holds the rest.
            "on_output": self.base is not None and self.fmt == "xlsx",
            "run": self.run,
        }
        text = json.dumps(state, ensure_ascii=False)
        atomic_write(self.checkpoint, lambda handle: handle.write(text), mode="w")
        self._last_commit = time.monotonic()

    def finish(self) -> None:
        """Close and move the complete output to its final name."""
        if self.path is None:
            self._handle.flush()
            return
        if self._handle is None and self.base is not None and not self.partial.exists():
            return  # --update found nothing new: the finished output stays as it is
        if self._handle is None:
            self._open()  # no document at all: an empty output (CSV: the header) all the same
        self._handle.close()
        record = run_record_path(self.path)
        # Never a record naming another run's model: gone before the output changes, rewritten after.
        record.unlink(missing_ok=True)
        if self.fmt == "xlsx":
            from classify.batch.workbook import partial_records, write_workbook

            write_workbook(self.path, partial_records(self.partial), base=self.base)
            self.partial.unlink()
        else:
            os.replace(self.partial, self.path)
        if self.run is not None:
            text = json.dumps({"run": self.run, "records": self.done}, ensure_ascii=False, indent=1)
            atomic_write(record, lambda handle: handle.write(text + "\n"), mode="w")
        self.checkpoint.unlink(missing_ok=True)

    def close(self) -> None:
        """Close without finishing (the partial output stays for ``--resume``)."""
        if self.path is not None and self._handle is not None and not self._handle.closed:
            self._handle.close()


def run_record_path(output: str | Path) -> Path:
    """Where a finished run describes itself (model sha256, options: :func:`~classify.batch.previous.describe_run`),
    so that ``--update`` can refuse to add another model's records to the output."""
    path = Path(output)
    return path.with_name(path.name + ".run.json")


def partial_paths(output: str | Path) -> tuple[Path, Path]:
    """Where a run writes ``output`` until it is complete, and its resume checkpoint."""
    path = Path(output)
    return path.with_name(path.name + ".partial"), path.with_name(path.name + ".partial.ckpt")


def open_writer(
    output: str,
    fmt: str,
    *,
    resume: bool,
    force: bool,
    commit_seconds: float = 1.0,
    update: bool = False,
    run: dict | None = None,
) -> RecordWriter | None:
    """Open the output for a run; None when ``resume`` finds the output already complete.

    Parameters
    ----------
    resume : bool
        Continue the partial output of an interrupted run, which must have been
        started with the same ``run`` description (model, options, inputs).
    force : bool
        Start over: an interrupted run's partial output is dropped, and the output
        is replaced when this run completes.
    update : bool
        Add to a finished output (or continue an interrupted update): the returned
        writer's ``done_ids`` are the ids already written, to be skipped.
    run : dict, optional
        The description of this run (:func:`classify.batch.previous.describe_run`), kept in
        the checkpoint.

    Raises
    ------
    OutputError
        If the output exists and none of ``resume``, ``update`` or ``force`` is given, if
        a partial output was written with another format, model, options or inputs, or if
        it cannot be written.
    """
    from classify.batch.previous import check_same_run, output_ids

    if output == "-":
        return RecordWriter(None, fmt)
    path = Path(output)
    partial, checkpoint = partial_paths(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name for the output")
    if path.suffix.lower() in _OTHER_ARCHIVES:
        raise OutputError(f"{path}: only gzip output is compressed; name it {path.stem}.gz or compress it afterwards")
    options = {"commit_seconds": commit_seconds, "run": run}
    if force:
        partial.unlink(missing_ok=True)
        checkpoint.unlink(missing_ok=True)
        return RecordWriter(path, fmt, **options)
    if (resume or update) and partial.exists():
        state = _read_checkpoint(partial, checkpoint, fmt)
        if state is not None:
            mode = "update" if update or state.get("mode") == "update" else "run"
            check_same_run(partial, state.get("run"), run, inputs=mode == "run")
            with open(partial, "r+b") as handle:  # only now: a refused resume changes nothing
                handle.truncate(int(state["bytes"]))
            base = path if state.get("on_output") else None
            if base is not None and not path.exists():
                raise OutputError(f"{partial}: adds to {path}, which is gone; use --force to start over")
            ids = None
            if mode == "update":
                ids = set(output_ids(partial, "jsonl" if fmt == "xlsx" else fmt))
                ids.update(output_ids(path, fmt) if base is not None else ())
            done, last_id = int(state["records"]), state.get("last_id")
            return RecordWriter(path, fmt, done, last_id, mode=mode, base=base, done_ids=ids, **options)
    if update:
        if not path.exists():
            return RecordWriter(path, fmt, mode="update", done_ids=set(), **options)
        check_same_run(path, finished_run(path), run, inputs=False)
        ids = output_ids(path, fmt)
        last_id = ids[-1] if ids else None
        return RecordWriter(path, fmt, len(ids), last_id, mode="update", base=path, done_ids=set(ids), **options)
    if resume:
        if path.exists():
            return None
    elif path.exists() or partial.exists():
        which = path if path.exists() else partial
        raise OutputError(
            f"{which}: already exists; use --resume to continue it, --update to add new documents "
            "or --force to overwrite"
        )
    return RecordWriter(path, fmt, **options)


def finished_run(path: str | Path) -> dict | None:
    """The description a finished ``path`` was written with, or None when it has no readable record."""
    try:
        return json.loads(run_record_path(path).read_text(encoding="utf-8")).get("run")
    except (OSError, ValueError, AttributeError):
        return None


def _read_checkpoint(partial: Path, checkpoint: Path, fmt: str) -> dict | None:
    """The last checkpoint of ``partial`` (None, and ``partial`` removed, when nothing was made durable)."""
    try:
        state = json.loads(checkpoint.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        # Killed before the first checkpoint: nothing durable was written.
        partial.unlink()
        return None
    if state.get("format") != fmt:
        raise OutputError(f"{partial}: was written as {state.get('format')}, not {fmt}; use --force to start over")
    return state
