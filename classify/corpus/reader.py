"""Read labelled corpora: a folder of ``.txt`` files with ``labels.jsonl``, or a JSONL file.

A folder may instead hold the workbook ``classify label FOLDER -o FOLDER/labels.xlsx`` wrote,
with its labels corrected in a spreadsheet (:mod:`classify.corpus.workbook`).

Folder format (what ``seeds/`` uses)::

    seeds/000_bb1379ce06b94f8d.txt
    seeds/labels.jsonl    {"file": "000_bb1379ce06b94f8d.txt", "event_type": "annual_review",
                           "topics": ["post_telecom", "it_egov"], "group": "g1", "note": "..."}

JSONL format (one record per line, optionally gzip-compressed)::

    {"id": "a1", "title": "...", "text": "...", "event_type": "other", "topics": []}

Label Studio's JSON export (a ``.json`` file) of the tasks ``classify suggest --format label-studio``
writes: see :mod:`classify.corpus.labelstudio`.

Labels are data. A field other than the reserved ones (``file``, ``id``, ``text``,
``title``, ``note``, ``group``, ``meta``, ``source``, ``date``, ``paragraph_topics``) can be a label field: a
string value makes a single-label head, a list value a multi-label head. Which fields are
labels is explicit (``label_fields``) unless the corpus has no field outside the documented
set; by default the taxonomy's fields (``event_type``, ``topics``) are the labels when present,
so the ``url``, ``author`` or ``published`` columns of a CMS export never become heads.

Unsure labels (optional): ``"topics_maybe": [...]`` lists topics the labeller could not decide
(the convention of the real dev sets, where two annotators disagreed). Training neither teaches
nor unteaches them on that article: the article is left out of those topics' heads and thresholds.
Any multi-label field ``F`` may have its ``F_maybe``; a label in both counts as unsure.

Passage labels (optional): ``"paragraph_topics": [[...], [], ...]`` gives the topics of
each non-empty line of the text, in order (headline, date line, paragraphs, captions).
Training uses them to learn which passages carry a topic; their union must equal the
document's ``topics``. Documents without them are labelled per passage at training time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classify.corpus.labelstudio import LABELSTUDIO_SUFFIX, labelstudio_records
from classify.errors import CorpusError, InputError
from classify.model.taxonomy import DISPLAY_NAMES
from classify.text.reading import AUTO, iter_jsonl_lines, open_binary, read_text_file

__all__ = [
    "LabelledDocument",
    "Corpus",
    "load_corpus",
    "iter_jsonl",
    "RESERVED_FIELDS",
    "TAXONOMY_FIELDS",
    "check_label_values",
    "PASSAGE_FIELD",
    "passage_lines",
    "MAYBE_SUFFIX",
]

PASSAGE_FIELD = "paragraph_topics"

RESERVED_FIELDS = frozenset({"file", "id", "text", "title", "note", "group", "meta", "source", "date", PASSAGE_FIELD})
TAXONOMY_FIELDS = tuple(DISPLAY_NAMES)  # the documented label fields: event_type, topics
# A label field whose values occur once each in more than this share of the documents is an
# id, a URL or free text: a head for it would learn nothing.
UNIQUE_SHARE = 0.5
UNIQUE_MIN_DOCUMENTS = 10
LABELS_FILE = "labels.jsonl"
MAYBE_SUFFIX = "_maybe"  # ``topics_maybe``: the labels of ``topics`` the labeller was unsure of


@dataclass(frozen=True)
class LabelledDocument:
    """One training or evaluation article with its labels.

    Attributes
    ----------
    id : str
        File name or record id.
    text : str
        Raw article text.
    title : str or None
        Headline if the record gives one separately.
    labels : dict
        ``{field: str}`` for single-label fields, ``{field: list[str]}`` for multi-label ones.
    group : str
        Cross-validation group: documents sharing it are never split across folds.
    meta : dict
        The record's free-form ``meta`` object (year, place, kind ...), unused by training.
    passage_labels : list of list of str, optional
        Topics of each line of :func:`passage_lines` of ``text`` (``paragraph_topics``), when given.
    unsure : dict
        ``{field: [labels]}``: labels of a multi-label field the labeller could not decide
        (``topics_maybe``); training leaves this article out of those labels' heads.
    """

    id: str
    text: str
    title: str | None
    labels: dict
    group: str
    meta: dict = field(default_factory=dict)
    passage_labels: list[list[str]] | None = None
    unsure: dict = field(default_factory=dict)


@dataclass
class Corpus:
    """A labelled corpus.

    Attributes
    ----------
    documents : list of LabelledDocument
    label_fields : dict
        ``{field: "single" | "multi"}`` in the order first seen.
    source : str
        Where it was read from.
    """

    documents: list[LabelledDocument]
    label_fields: dict[str, str]
    source: str
    notes: dict[str, str] = field(default_factory=dict)
    ignored_fields: list[str] = field(default_factory=list)
    """Fields that could be labels but were not taken as such (not named in ``label_fields``)."""

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def texts(self) -> list[str]:
        """Raw texts in corpus order."""
        return [doc.text for doc in self.documents]

    @property
    def titles(self) -> list[str | None]:
        """Titles given by the records (None where the text carries its own)."""
        return [doc.title for doc in self.documents]

    @property
    def labels(self) -> list[dict]:
        """Label dicts in corpus order (the ``y`` of :class:`classify.model.ArticleClassifier`)."""
        return [doc.labels for doc in self.documents]

    @property
    def unsure(self) -> list[dict]:
        """Unsure labels per document (``{field: [labels]}``, mostly empty), in corpus order."""
        return [doc.unsure for doc in self.documents]

    @property
    def groups(self) -> list[str]:
        """Cross-validation groups in corpus order."""
        return [doc.group for doc in self.documents]

    def label_set(self, name: str) -> list[str]:
        """Sorted distinct labels of one field."""
        values: set[str] = set()
        for labels in self.labels:
            value = labels[name]
            values.update(value if isinstance(value, list) else [value])
        return sorted(values)

    def without(self, drop) -> Corpus:
        """A corpus of the documents for which ``drop(document)`` is false."""
        kept = [doc for doc in self.documents if not drop(doc)]
        return Corpus(documents=kept, label_fields=self.label_fields, source=self.source, notes=self.notes)

    def fingerprint(self) -> str:
        """sha256 over ids, texts and labels: identifies the training data in a manifest."""
        digest = hashlib.sha256()
        for doc in self.documents:
            fields = [doc.id, doc.title, doc.text, doc.labels] + ([doc.unsure] if doc.unsure else [])
            record = json.dumps(fields, ensure_ascii=False, sort_keys=True)
            digest.update(record.encode("utf-8"))
        return digest.hexdigest()


def iter_jsonl(path: str | Path, *, encoding: str = AUTO) -> Iterator[tuple[int, dict | InputError]]:
    """Yield ``(line_number, record)`` for each non-blank line of a JSONL file.

    A bad line (not UTF-8, or not in the named ``encoding``; not JSON, not an object)
    yields an :class:`InputError` naming the file and line instead of a record, and
    the lines after it are still read, so callers decide whether to stop or
    go on. ``.gz`` files are decompressed on the fly.
    """
    path = Path(path)
    try:
        handle = open_binary(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    with handle:
        line_no = 0
        try:
            for line_no, record in iter_jsonl_lines(handle, str(path), encoding):
                yield line_no, record
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz, a failing disk
            yield line_no + 1, InputError(f"{path}:{line_no + 1}: cannot read the rest of the file ({exc})")


def load_corpus(
    path: str | Path | Sequence[str | Path], *, label_fields: Sequence[str] | None = None, encoding: str = AUTO
) -> Corpus:
    """Read a labelled corpus from a folder (``labels.jsonl`` + ``.txt`` files) or a JSONL file.

    Parameters
    ----------
    path : str or Path, or a sequence of them
        A folder containing ``labels.jsonl``, a ``.jsonl``/``.jsonl.gz`` file, or a Label Studio
        JSON export (``.json``). Several
        corpora are combined into one (their ids must not clash; their ``group`` values
        are kept apart).
    label_fields : sequence of str, optional
        The label fields. By default: every candidate field when none is outside the
        documented ones (:data:`TAXONOMY_FIELDS`), else the documented ones present (the
        others are listed in ``Corpus.ignored_fields``); a corpus with other fields and
        none of the documented ones must name its label fields.
    encoding : str, default="auto"
        Encoding of the corpus files (``labels.jsonl``, the articles, a JSONL file):
        ``"auto"`` reads UTF-8 or UTF-16 with a BOM; a named one (``"cp1258"``) is
        decoded and put in NFC form (see :mod:`classify.text.reading`).

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusError
        On malformed lines, missing or unlisted files, missing label fields,
        inconsistent field types or clashing ids; the message names the file and line.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    records = []
    for number, corpus_path in enumerate(paths):
        if corpus_path.is_dir():
            found = list(_folder_records(corpus_path, encoding))
        elif corpus_path.exists() and corpus_path.suffix.lower() == LABELSTUDIO_SUFFIX:
            found = list(labelstudio_records(corpus_path))
        elif corpus_path.exists():
            found = list(_jsonl_records(corpus_path, encoding))
        else:
            raise CorpusError(
                f"{corpus_path}: no such corpus (expected a folder with {LABELS_FILE}, a JSONL file "
                "or a Label Studio JSON export)"
            )
        if not found:
            raise CorpusError(f"{corpus_path}: the corpus is empty")
        # Groups of different corpora are unrelated even when they share a name ("g1").
        records += [(where, record, text, number if len(paths) > 1 else None) for where, record, text in found]
    source = " + ".join(str(p) for p in paths)
    fields, ignored = _label_fields(records, label_fields, source)
    documents = []
    notes = {}
    seen: dict[str, str] = {}
    for where, record, text, number in records:
        doc_id = str(record.get("id") or record.get("file") or where)
        if doc_id in seen:
            raise CorpusError(f"{where}: duplicate id {doc_id!r} (first at {seen[doc_id]})")
        seen[doc_id] = where
        labels = {}
        for name, kind in fields.items():
            if name not in record or record[name] is None:
                raise CorpusError(f"{where}: missing label field {name!r}")
            value = record[name]
            if kind == "multi":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise CorpusError(f"{where}: field {name!r} must be a list of strings like the other records")
                labels[name] = sorted(set(value))
            else:
                if not isinstance(value, str) or not value:
                    raise CorpusError(f"{where}: field {name!r} must be a non-empty string like the other records")
                labels[name] = value
        unsure = _unsure_labels(record, fields, where)
        if record.get("note"):
            notes[doc_id] = str(record["note"])
        passages = _passage_labels(record, text, labels, where)
        group = str(record.get("group") or doc_id)
        documents.append(
            LabelledDocument(
                id=doc_id,
                text=text,
                title=record.get("title") or None,
                labels=labels,
                group=group if number is None else f"{number}:{group}",
                meta=_meta(record),
                passage_labels=passages,
                unsure=unsure,
            )
        )
    return Corpus(documents=documents, label_fields=fields, source=source, notes=notes, ignored_fields=ignored)


def check_label_values(corpus: Corpus) -> None:
    """Refuse a label field whose values are nearly unique per document (a URL, an author's name, a date).

    Raises
    ------
    CorpusError
        Naming the field, its number of distinct values and of documents.
    """
    n = len(corpus)
    if n < UNIQUE_MIN_DOCUMENTS:
        return
    for name in corpus.label_fields:
        counts: dict[str, int] = {}
        for labels in corpus.labels:
            value = labels[name]
            for label in value if isinstance(value, list) else [value]:
                counts[label] = counts.get(label, 0) + 1
        once = sum(1 for c in counts.values() if c == 1)
        if once > UNIQUE_SHARE * n:
            raise CorpusError(
                f"{corpus.source}: field {name!r} has {len(counts)} different values in {n} documents, "
                f"{once} of them used once: an id, a URL or free text, not a label; "
                f"leave it out of --label-fields"
            )


def _unsure_labels(record: dict, fields: dict[str, str], where: str) -> dict[str, list[str]]:
    """``{field: [labels]}`` from the record's ``<field>_maybe`` lists (multi-label fields only)."""
    unsure = {}
    for name, kind in fields.items():
        key = name + MAYBE_SUFFIX
        value = record.get(key)
        if kind != "multi" or key in fields or value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{where}: field {key!r} must be a list of strings (the {name} you are unsure of)")
        if value:
            unsure[name] = sorted(set(value))
    return unsure


def _meta(record: dict) -> dict:
    """The record's ``meta`` object, plus its ``ambiguous_event`` flag (real dev sets carry one)."""
    meta = dict(record["meta"]) if isinstance(record.get("meta"), dict) else {}
    if isinstance(record.get("ambiguous_event"), bool):
        meta["ambiguous_event"] = record["ambiguous_event"]
    return meta


def passage_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped: what ``paragraph_topics`` labels one by one."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _passage_labels(record: dict, text: str, labels: dict, where: str) -> list[list[str]] | None:
    value = record.get(PASSAGE_FIELD)
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(item, list) and all(isinstance(t, str) for t in item) for item in value
    ):
        raise CorpusError(f"{where}: {PASSAGE_FIELD!r} must be a list of lists of topic strings, one per line")
    lines = len(passage_lines(text))
    if len(value) != lines:
        raise CorpusError(f"{where}: {PASSAGE_FIELD!r} has {len(value)} entries for {lines} non-empty lines of text")
    union = sorted({t for item in value for t in item})
    if "topics" in labels and union != labels["topics"]:
        raise CorpusError(
            f"{where}: the topics of {PASSAGE_FIELD!r} ({', '.join(union) or 'none'}) differ from "
            f'"topics" ({", ".join(labels["topics"]) or "none"})'
        )
    return [sorted(set(item)) for item in value]


def _folder_records(folder: Path, encoding: str) -> Iterator[tuple[str, dict, str]]:
    from classify.corpus.workbook import WORKBOOK_FILE, workbook_records

    labels_path = folder / LABELS_FILE
    if not labels_path.exists() and (folder / WORKBOOK_FILE).exists():
        yield from workbook_records(folder, encoding=encoding)  # the workbook of `classify label`, corrected
        return
    if not labels_path.exists():
        raise CorpusError(
            f'{folder}: no {LABELS_FILE} (one line per article: {{"file": ..., labels...}}) '
            f"and no {WORKBOOK_FILE} (from classify label {folder} -o {folder / WORKBOOK_FILE})"
        )
    listed: set[str] = set()
    for line_no, record in iter_jsonl(labels_path, encoding=encoding):
        where = f"{labels_path}:{line_no}"
        if isinstance(record, InputError):
            raise CorpusError(str(record))
        name = record.get("file")
        if not isinstance(name, str) or not name:
            raise CorpusError(f'{where}: missing "file"')
        if name in listed:
            raise CorpusError(f"{where}: {name} is labelled twice")
        listed.add(name)
        try:
            text = read_text_file(folder / name, encoding=encoding)
        except InputError as exc:
            raise CorpusError(f"{where}: {exc}") from None
        yield where, record, text
    unlabelled = sorted(p.name for p in folder.glob("*.txt") if p.name not in listed)
    if unlabelled:
        raise CorpusError(f"{labels_path}: no label line for {len(unlabelled)} file(s): {', '.join(unlabelled[:5])}")


def _jsonl_records(path: Path, encoding: str) -> Iterator[tuple[str, dict, str]]:
    for line_no, record in iter_jsonl(path, encoding=encoding):
        where = f"{path}:{line_no}"
        if isinstance(record, InputError):
            raise CorpusError(str(record))
        text = record.get("text")
        if not isinstance(text, str):
            raise CorpusError(f'{where}: missing "text"')
        yield where, record, text


def _label_fields(records: list, wanted: Sequence[str] | None, source: str) -> tuple[dict[str, str], list[str]]:
    """The label fields and their kinds, and the candidate fields left out."""
    kinds: dict[str, str] = {}
    conflicts: dict[str, str] = {}  # raised only if the field is a label
    for where, record, *_ in records:
        for name, value in record.items():
            if name in RESERVED_FIELDS or name.startswith("_"):
                continue
            if isinstance(value, str):
                kind = "single"
            elif isinstance(value, list):
                kind = "multi"
            else:
                continue
            if kinds.setdefault(name, kind) != kind:
                conflicts.setdefault(name, f"{where}: field {name!r} is a {kind} label here but not in earlier records")
    if wanted is None:
        # ``topics_maybe`` belongs to ``topics`` (see :func:`_unsure_labels`), it is no label of its own.
        kinds = {
            name: kind
            for name, kind in kinds.items()
            if not (name.endswith(MAYBE_SUFFIX) and kinds.get(name[: -len(MAYBE_SUFFIX)]) == "multi")
        }
        documented = [name for name in kinds if name in TAXONOMY_FIELDS]
        others = [name for name in kinds if name not in TAXONOMY_FIELDS]
        if others and not documented:
            raise CorpusError(
                f"{source}: which fields are labels? found {', '.join(others)}; name them with "
                f"--label-fields (e.g. --label-fields {others[0]})"
            )
        wanted = documented
    else:
        missing = [name for name in wanted if name not in kinds]
        if missing:
            raise CorpusError(f"{source}: no label field {missing[0]!r} in the corpus")
    if not wanted:
        raise CorpusError(f'{source}: no label field found (add e.g. "event_type" or "topics")')
    for name in wanted:
        if name in conflicts:
            raise CorpusError(conflicts[name])
    return {name: kinds[name] for name in wanted}, [name for name in kinds if name not in wanted]
