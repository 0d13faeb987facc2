"""A labelled corpus folder written one answer at a time, readable by ``classify train`` after a kill.

Layout (the folder format of :mod:`classify.corpus.reader`)::

    corrections/labels.jsonl        {"file": "articles/3f2a….txt", "id": "bai-12", "event_type": ...,
                                     "topics": [...], "meta": {...}}
    corrections/articles/3f2a….txt  the article's text, named by its sha256

Each answer is two atomic steps (:func:`classify.atomic.atomic_write`: temporary file, fsync,
rename): the text file first, then ``labels.jsonl`` replaced by its previous records plus the new
one (earlier answers are never changed by a new one). A kill before the second rename leaves the
previous ``labels.jsonl`` and at worst an unreferenced text under ``articles/`` (the reader only
requires a label line for the ``.txt`` files at the top of the folder) or a hidden temporary file,
so the folder is always a valid corpus holding every answer saved so far. The same article answered
again (same text) replaces its line: the latest answer wins, and the corpus never labels one text twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from classify.atomic import atomic_write
from classify.corpus.reader import LABELS_FILE, iter_jsonl
from classify.errors import CorpusError, InputError

__all__ = ["CorpusFolder", "ARTICLES"]

ARTICLES = "articles"


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CorpusFolder:
    """Add, replace and remove labelled articles in a corpus folder, each change atomic.

    Parameters
    ----------
    folder : str or Path
        Created on the first answer.

    Notes
    -----
    One process writes a folder at a time (``classify serve`` holds its work folder); within it,
    a lock orders the threads.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.labels_path = self.folder / LABELS_FILE
        self._lock = threading.RLock()

    @staticmethod
    def file_for(text: str) -> str:
        """The file name (relative to the folder) the text of an article is stored under."""
        return f"{ARTICLES}/{hashlib.sha256(text.encode('utf-8')).hexdigest()[:24]}.txt"

    def records(self) -> list[dict]:
        """The label records, in file order (empty when nothing was saved yet).

        Raises
        ------
        CorpusError
            If ``labels.jsonl`` has a bad line (edited by hand), naming it.
        """
        if not self.labels_path.exists():
            return []
        out = []
        for _, record in iter_jsonl(self.labels_path):
            if isinstance(record, InputError):
                raise CorpusError(str(record))
            out.append(record)
        return out

    def add(
        self, *, article_id: str, text: str, labels: dict, title: str | None = None, meta: dict | None = None
    ) -> dict:
        """Save one labelled article (replacing an earlier answer for the same text); returns its record."""
        with self._lock:
            name = self.file_for(text)
            path = self.folder / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))
                _fsync_folder(path.parent)
            records = [r for r in self.records() if r.get("file") != name]
            taken = {str(r.get("id") or r.get("file")) for r in records}
            doc_id = str(article_id) if str(article_id) not in taken else f"{article_id}~{name[-28:-20]}"
            record = {"file": name, "id": doc_id}
            if title:
                record["title"] = title
            record.update(labels)
            if meta:
                record["meta"] = meta
            self._write([*records, record])
            return record

    def remove(self, match: Callable[[dict], bool]) -> dict | None:
        """Remove the last record for which ``match(record)`` is true; returns it (None if none matched)."""
        with self._lock:
            records = self.records()
            for i in range(len(records) - 1, -1, -1):
                if match(records[i]):
                    removed = records.pop(i)
                    self._write(records)
                    name = removed.get("file")
                    if isinstance(name, str) and name.startswith(f"{ARTICLES}/"):
                        (self.folder / name).unlink(missing_ok=True)
                    return removed
            return None

    def tidy(self) -> int:
        """Remove texts no line refers to and temporary files a kill left behind; returns how many."""
        with self._lock:
            referenced = {r.get("file") for r in self.records()}
            removed = 0
            for folder in (self.folder, self.folder / ARTICLES):
                if not folder.is_dir():
                    continue
                for path in folder.iterdir():
                    stray = path.name.startswith(".") and path.name.endswith(".tmp")
                    orphan = folder.name == ARTICLES and f"{ARTICLES}/{path.name}" not in referenced
                    if path.is_file() and (stray or orphan):
                        path.unlink(missing_ok=True)
                        removed += 1
            return removed

    def _write(self, records: list[dict]) -> None:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        atomic_write(self.labels_path, lambda handle: handle.write(text.encode("utf-8")))
        _fsync_folder(self.folder)
