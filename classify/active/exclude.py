"""Articles already labelled (``suggest --exclude``): their ids and their texts.

A text is matched whatever its spacing, line endings or Unicode form (:func:`text_key`), so an
article stays excluded when it comes back from another export under another id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classify.batch.sources import iter_documents
from classify.corpus.labelstudio import LABELSTUDIO_SUFFIX, read_tasks
from classify.corpus.reader import LABELS_FILE, iter_jsonl
from classify.errors import CorpusError, InputError
from classify.text import normalize
from classify.text.reading import read_text_file

__all__ = ["text_key", "Known", "known_articles"]


def text_key(text: str) -> str:
    """A fingerprint of an article's text that ignores spacing, line breaks and Unicode form."""
    return hashlib.sha256(" ".join(normalize(text).split()).encode("utf-8")).hexdigest()


@dataclass
class Known:
    """Ids and text fingerprints of labelled articles."""

    ids: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)

    def __contains__(self, article: tuple[str, str]) -> bool:
        article_id, text = article
        return article_id in self.ids or text_key(text) in self.texts

    def add(self, article_id: str | None, text: str | None) -> None:
        if article_id:
            self.ids.add(str(article_id))
        if isinstance(text, str):
            self.texts.add(text_key(text))


def known_articles(paths: Sequence[str | Path]) -> Known:
    """The articles of labelled corpora: folders with ``labels.jsonl``, JSONL files, Label Studio JSON.

    A folder without ``labels.jsonl`` counts every article file in it (as ``classify label`` reads them).

    Raises
    ------
    InputError
        If a path does not exist or cannot be read, naming it.
    """
    known = Known()
    for name in paths:
        path = Path(name)
        if path.is_dir() and (path / LABELS_FILE).exists():
            _folder(path, known)
        elif path.is_dir():
            for doc in iter_documents([str(path)]):
                known.add(doc.id, doc.text)
        elif path.is_file() and path.suffix.lower() == LABELSTUDIO_SUFFIX:
            try:
                tasks = read_tasks(path)
            except CorpusError as exc:
                raise InputError(str(exc)) from None
            for task in tasks:
                data = task.get("data") if isinstance(task.get("data"), dict) else {}
                known.add(data.get("article_id"), data.get("text"))
        elif path.is_file():
            _jsonl(path, known)
        else:
            raise InputError(f"{path}: no such file or folder (--exclude)")
    return known


def _folder(folder: Path, known: Known) -> None:
    for line_no, record in iter_jsonl(folder / LABELS_FILE):
        if isinstance(record, InputError):
            raise record
        name = record.get("file")
        known.add(record.get("id") or name, None)
        if isinstance(name, str) and name:
            try:
                known.add(None, read_text_file(folder / name))
            except InputError as exc:
                raise InputError(f"{folder / LABELS_FILE}:{line_no}: {exc}") from None


def _jsonl(path: Path, known: Known) -> None:
    for _, record in iter_jsonl(path):
        if isinstance(record, InputError):
            raise record
        known.add(record.get("id"), record.get("text"))
