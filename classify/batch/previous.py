"""What an earlier run left behind, and whether this run may continue it.

A run is described by the sha256 of its model, the options that change its records
(``--sentences``, ``--format``, the three column options, ``--max-bytes``, ``--encoding``) and a fingerprint
of its inputs (every file read: path, size and modification time). The description goes
into the checkpoint of ``OUTPUT.partial``; ``--resume`` compares it with its own and refuses,
in one line saying what differs, to append records made otherwise: an output never ends
with two models' records. ``--update`` adds new documents by id (:func:`output_ids`), so only
the model and options must match there, not the inputs. A finished run leaves its description in
``OUTPUT.run.json`` (:func:`classify.batch.output.run_record_path`), so ``--update`` checks a finished
output too; an output without one (written before runs recorded themselves) is added to with a note.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from classify.batch.sources import folder_articles
from classify.errors import OutputError

__all__ = ["describe_run", "check_same_run", "input_fingerprint", "output_ids"]

# The options that change records, by the name of their command-line flag.
RECORD_OPTIONS = {
    "sentences": "--sentences",
    "format": "--format",
    "text_column": "--text-column",
    "id_column": "--id-column",
    "title_column": "--title-column",
    "max_bytes": "--max-bytes",
    "encoding": "--encoding",
}
# What a checkpoint written before an option existed meant by its absence.
_OPTION_DEFAULTS = {"encoding": "auto"}


def input_fingerprint(inputs: Sequence[str]) -> str:
    """sha256 over the path, size and modification time of every file the inputs read.

    A folder contributes each article file it holds (as :func:`classify.batch.sources.iter_documents`
    walks it); standard input (``-``) only its name, as it cannot be looked at twice.
    """
    digest = hashlib.sha256()
    for name in inputs:
        if name == "-":
            digest.update(b"-\n")
            continue
        path = Path(name)
        files = folder_articles(path) if path.is_dir() else [path]
        digest.update(f"{os.path.abspath(path)}\n".encode("utf-8", "surrogateescape"))
        for file in files:
            stat = file.stat()
            entry = f"{os.path.abspath(file)}\t{stat.st_size}\t{stat.st_mtime_ns}\n"
            digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def describe_run(model_sha256: str, inputs: Sequence[str], *, model_path: str | None = None, **options) -> dict:
    """The description of a run kept in its checkpoint.

    Parameters
    ----------
    model_sha256 : str
    inputs : sequence of str
    model_path : str, optional
        The model file, named in a refusal so the user can give it again (not compared).
    **options
        The values of :data:`RECORD_OPTIONS`.
    """
    unknown = set(options) - set(RECORD_OPTIONS)
    if unknown:
        raise ValueError(f"not options that change records: {', '.join(sorted(unknown))}")
    run = {"model_sha256": model_sha256, "options": options, "inputs": input_fingerprint(inputs)}
    if model_path is not None:
        run["model"] = os.path.abspath(model_path)
    return run


def check_same_run(partial: Path, saved: dict | None, current: dict | None, *, inputs: bool = True) -> None:
    """Refuse to continue ``partial`` when it was written by a run unlike ``current``.

    Parameters
    ----------
    partial : Path
        The partial output, for the message.
    saved, current : dict or None
        Descriptions from :func:`describe_run`; nothing is compared when either is None
        (a checkpoint written before runs were described, or a caller that gave none).
    inputs : bool
        Compare the inputs' fingerprints too (``--resume``; not ``--update``, which also checks a
        finished output against the description its run left in ``OUTPUT.run.json``).

    Raises
    ------
    OutputError
        Naming every difference.
    """
    if not saved or not current:
        return
    differences = []
    if saved.get("model_sha256") != current.get("model_sha256"):
        before, now = str(saved.get("model_sha256"))[:12], str(current.get("model_sha256"))[:12]
        which = f"{saved['model']}, " if saved.get("model") else ""
        differences.append(f"the model ({which}sha256 {before}… then, {now}… now)")
    old, new = saved.get("options", {}), current.get("options", {})
    for key, flag in RECORD_OPTIONS.items():
        before, now = old.get(key, _OPTION_DEFAULTS.get(key)), new.get(key, _OPTION_DEFAULTS.get(key))
        if before != now:
            differences.append(f"{flag} ({_shown(before)} then, {_shown(now)} now)")
    if inputs and saved.get("inputs") != current.get("inputs"):
        differences.append("the inputs (files added, removed or changed since)")
    if differences:
        # Only the inputs changed (articles added to a folder): continuing by id is safe.
        if len(differences) == 1 and inputs and saved.get("inputs") != current.get("inputs"):
            advice = "use --update to go on with the documents not yet labelled"
        elif inputs:
            advice = "run the same command as before"
        else:  # a finished output --update would add to
            advice = "add to it with the model and options it was written with, or write another output"
        raise OutputError(
            f"{partial}: was written with other settings: {'; '.join(differences)}; "
            f"{advice}, or use --force to start over"
        )


def _shown(value) -> str:
    return "none" if value is None else str(value)


def output_ids(path: str | Path, fmt: str) -> list[str]:
    """The ``id`` of every record of an output written by ``classify label``, in order.

    Raises
    ------
    OutputError
        If the file cannot be read as such an output.
    """
    path = Path(path)
    if fmt == "xlsx":
        from classify.batch.workbook import workbook_ids

        return workbook_ids(path)
    try:
        if fmt == "jsonl":
            return _jsonl_ids(path)
        return _csv_ids(path, fmt)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise OutputError(f"{path}: cannot read the ids of its records ({exc})") from None


def _open_text(path: Path):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _jsonl_ids(path: Path) -> list[str]:
    ids = []
    with _open_text(path) as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise OutputError(f"{path}:{line_no}: not a record of classify label (malformed JSON)") from None
            if not isinstance(record, dict) or "id" not in record:
                raise OutputError(f"{path}:{line_no}: not a record of classify label (no id)")
            ids.append(str(record["id"]))
    return ids


def _csv_ids(path: Path, fmt: str) -> list[str]:
    from classify.batch.output import FORMULA_STARTS

    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t" if fmt == "tsv" else ",")
        if "id" not in (reader.fieldnames or []):
            raise OutputError(f"{path}: no id column; it was not written by classify label")
        ids = [row["id"] for row in reader]
    if fmt == "csv-excel":  # the ' that kept a spreadsheet from running the cell is not part of the id
        ids = [i[1:] if i.startswith("'") and i[1:].startswith(FORMULA_STARTS) else i for i in ids]
    return ids
