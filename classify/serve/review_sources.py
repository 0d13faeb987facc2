"""The articles of a new review queue: from a finished batch job, or from an uploaded file.

A job's articles are read again from its stored upload, as its worker read them, and the ``n``
worth reviewing first are picked by ``suggest`` (:func:`classify.active.suggest`) with the served
model. An uploaded file is the same, unless ``classify suggest`` wrote it (every record has a
``why``): then its articles are already chosen and keep their order, and each one's reason is the
served model's uncertainty with how ``suggest`` picked it (at random, or its similarity to the input).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from classify.active.ranking import SIMILARITY_REASON, uncertainty, why
from classify.active.suggest import article_text, suggest
from classify.batch.sources import iter_documents
from classify.errors import ClassifyError

__all__ = ["records_from_input", "MAX_ORDERED"]

MAX_ORDERED = 1000  # a suggested set is reviewed whole, up to this many articles
_CHUNK = 128
_SIMILARITY = re.compile(re.escape(SIMILARITY_REASON) + r" ([0-9.]+)$")


def _relative(value: str | None, base: str) -> str | None:
    """A source or id as the user's upload names it, without the server's folders."""
    return value[len(base) :] if isinstance(value, str) and value.startswith(base) else value


def records_from_input(path: Path, model, n: int, options: dict) -> list[dict]:
    """Records (``suggest``'s shape) of the articles to review in the file or folder ``path``.

    Parameters
    ----------
    path : Path
        A JSONL/CSV/TSV file (``.gz`` too) or a folder of articles.
    model : ArticleModel
        The served model.
    n : int
        How many to pick when the file is not a suggested set.
    options : dict
        ``text_column``, ``id_column``, ``title_column`` and ``max_bytes``.
    """
    columns = {key: options[key] for key in ("text_column", "id_column", "title_column") if key in options}
    max_bytes = options.get("max_bytes")
    base = str(path.parent) + os.sep
    if _is_suggested_set(path, columns, max_bytes):
        records = _in_order(iter_documents([str(path)], max_bytes=max_bytes, **columns), model)
    else:
        records = suggest([str(path)], n, model=model, max_bytes=max_bytes, **columns).records
    for record in records:
        record["source"] = _relative(record["source"], base)
        record["id"] = _relative(record["id"], base)
    return records


def _is_suggested_set(path: Path, columns: dict, max_bytes) -> bool:
    if path.is_dir():
        return False
    seen = False
    for doc in iter_documents([str(path)], max_bytes=max_bytes, **columns):
        if doc.error:
            continue
        if "why" not in doc.extra or "prediction" not in doc.extra:
            return False
        seen = True
    return seen


def _in_order(documents, model) -> list[dict]:
    thresholds = model.decision_thresholds()
    records: list[dict] = []
    batch: list[tuple] = []

    def flush() -> None:
        predictions = model.predict_prepared([prepared for _, _, _, prepared in batch])
        for (doc, text, title, _), prediction in zip(batch, predictions):
            u = uncertainty(prediction, thresholds)
            records.append(
                {
                    "rank": len(records) + 1,
                    "id": doc.id,
                    "source": doc.source,
                    "title": title,
                    "text": text,
                    "why": why(u, thresholds, doc.extra.get("picked_by"), _density(doc.extra)),
                    "informativeness": round(u.score, 4),
                    "prediction": prediction.to_dict(),
                }
            )
        batch.clear()

    for doc in documents:
        if doc.error:
            continue
        try:
            text, title = article_text(doc)
            batch.append((doc, text, title, model.prepare(text, title=title, source=doc.source)))
        except ClassifyError:
            continue  # no article text: nothing to review
        if len(batch) == _CHUNK:
            flush()
        if len(records) + len(batch) >= MAX_ORDERED:
            break
    if batch:
        flush()
    return records


def _density(record: dict) -> float | None:
    """A suggested article's similarity to the input ``suggest`` read, if it was picked by density.

    Files written before ``suggest`` had a ``density`` field name it only at the end of ``why``.
    """
    density = record.get("density")
    if isinstance(density, (int, float)) and not isinstance(density, bool):
        return float(density)
    reason = record.get("why")
    found = _SIMILARITY.search(reason) if isinstance(reason, str) else None
    return float(found.group(1)) if found else None
