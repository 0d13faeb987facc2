"""Review queues: the analyst confirms or corrects the model's labels, one article at a time.

A queue is made from a finished batch job or an uploaded file (:mod:`classify.serve.review_routes`):
the articles ``suggest`` ranks first (:func:`classify.active.suggest`), or, for a file ``classify
suggest`` wrote, its articles in its order. It lives in ``WORKDIR/review/<random folder>/``::

    queue.json   the items (article, the served model's prediction, cleaned paragraphs, why), written once
    state.json   skipped items and the action counter (atomic)

Answers go straight into the corrections corpus (:class:`classify.corpus.writer.CorpusFolder`,
``WORKDIR/corrections/`` by default), which ``classify train --data corrections/`` reads: an item is
reviewed when the corpus holds its text. Each answer's ``meta`` records the queue, the item, a
sequence number, when, and what the model had predicted, so undo finds the last action (an answer or
a skip) and a later look can count how often the model was corrected.

A queue's id is a random token returned once; the server keeps its sha256 (as for jobs), and the
folder's name is random and unrelated to it.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from classify.corpus.reader import MAYBE_SUFFIX
from classify.corpus.writer import CorpusFolder
from classify.errors import ClassifyError
from classify.serve.jobfiles import read_json, write_json

__all__ = ["ReviewQueues", "UnknownQueueError", "AnswerError", "MAX_ITEMS", "label_choices"]

MAX_ITEMS = 1000


class UnknownQueueError(KeyError):
    """No review queue has this id."""


class AnswerError(ClassifyError):
    """An answer the queue cannot take (an unknown label, an item that does not exist)."""


def _key(queue_id: str) -> str:
    return hashlib.sha256(queue_id.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def label_choices(model) -> dict[str, list[str]]:
    """``{field: [label, ...]}`` the model knows (the manifest's label set, else its classes)."""
    labels = (getattr(model, "manifest", None) or {}).get("labels") or {}
    classes = model.label_classes
    return {name: list(labels.get(name) or classes[name]) for name in model.label_fields}


@dataclass
class _Queue:
    folder: Path
    spec: dict
    state: dict

    @property
    def name(self) -> str:
        return self.folder.name


class ReviewQueues:
    """Create review queues, take answers, skips and undos, and report progress.

    Parameters
    ----------
    workdir : Path
        The server's work folder: queues go to ``workdir/review/``.
    corrections : Path, optional
        The corrections corpus (default ``workdir/corrections``).
    """

    def __init__(self, workdir: Path, corrections: Path | None = None) -> None:
        self.root = Path(workdir) / "review"
        self.corrections = CorpusFolder(corrections or Path(workdir) / "corrections")
        self._queues: dict[str, _Queue] = {}
        self._lock = threading.RLock()

    def load(self) -> None:
        """Find the queues left in the work folder and tidy the corrections corpus after a crash."""
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
                spec = read_json(folder / "queue.json")
                if spec is None or "id_sha256" not in spec:
                    shutil.rmtree(folder, ignore_errors=True)  # cut off before the queue was written
                    continue
                state = read_json(folder / "state.json") or {"skipped": {}, "seq": 0}
                self._queues[spec["id_sha256"]] = _Queue(folder, spec, state)
            self.corrections.tidy()
            shutil.rmtree(self.root.parent / "review-uploads", ignore_errors=True)  # uploads a crash cut off

    # ---- creating ------------------------------------------------------------------------------

    def create(self, records: list[dict], *, model, name: str, origin: str) -> str:
        """A new queue of ``records`` (``suggest``'s shape); returns its id.

        Parameters
        ----------
        records : list of dict
            ``id``, ``source``, ``title``, ``text``, ``why``, ``prediction`` each.
        model : ArticleModel
            The served model (cleans each article once, for the highlighted paragraphs).
        name : str
            What the page calls the queue (the upload's or job's file name).
        origin : str
            ``"job"`` or ``"upload"``.

        Raises
        ------
        AnswerError
            If there is no article to review.
        """
        if not records:
            raise AnswerError(f"{name}: no article to review (none could be read, or all are labelled already)")
        items = []
        for record in records[:MAX_ITEMS]:
            doc = model.prepare(record["text"], title=record.get("title"), source=record.get("source") or "text")
            items.append(
                {
                    "id": str(record["id"]),
                    "source": record.get("source"),
                    "title": record.get("title"),
                    "text": record["text"],
                    "why": record.get("why", ""),
                    "prediction": record["prediction"],
                    "paragraphs": list(doc.paragraphs),
                }
            )
        queue_id = secrets.token_urlsafe(18)
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            folder = self.root / secrets.token_hex(8)
            folder.mkdir()
            spec = {
                "format": 1,
                "id_sha256": _key(queue_id),
                "name": name,
                "origin": origin,
                "created": _now(),
                "model": (getattr(model, "manifest", None) or {}).get("model_file"),
                "items": items,
            }
            state = {"skipped": {}, "seq": 0}
            write_json(folder / "state.json", state)
            write_json(folder / "queue.json", spec)  # last: a queue without it is removed on load
            self._queues[spec["id_sha256"]] = _Queue(folder, spec, state)
        return queue_id

    # ---- reading -------------------------------------------------------------------------------

    def _get(self, queue_id: str) -> _Queue:
        queue = self._queues.get(_key(queue_id))
        if queue is None:
            raise UnknownQueueError(queue_id)
        return queue

    def _answers(self, queue: _Queue) -> tuple[dict[str, dict], list[dict]]:
        """Corrections by file name (any queue's), and this queue's answers."""
        records = self.corrections.records()
        by_file = {r.get("file"): r for r in records}
        mine = [r for r in records if (r.get("meta") or {}).get("queue") == queue.name]
        return by_file, mine

    def status(self, queue_id: str, focus: int | None = None) -> dict:
        """Progress and the item to show: ``focus`` if it still waits, else the first waiting item.

        Raises
        ------
        UnknownQueueError
        """
        with self._lock:
            queue = self._get(queue_id)
            by_file, mine = self._answers(queue)
            items = queue.spec["items"]
            reviewed = [CorpusFolder.file_for(item["text"]) in by_file for item in items]
            skipped = {int(i) for i in queue.state["skipped"]}
            waiting = [i for i in range(len(items)) if not reviewed[i] and i not in skipped]
            index = focus if focus in waiting else (waiting[0] if waiting else None)
            item = None
            if index is not None:
                item = {"index": index, **{k: v for k, v in items[index].items() if k != "text"}}
            return {
                "id": queue_id,
                "name": queue.spec["name"],
                "created": queue.spec["created"],
                "total": len(items),
                "reviewed": sum(reviewed),
                "skipped": len(skipped - {i for i, r in enumerate(reviewed) if r}),
                "done": not waiting,
                "can_undo": bool(mine or skipped),
                "corrections": len(by_file),
                "item": item,
            }

    # ---- answering -----------------------------------------------------------------------------

    def _item(self, queue: _Queue, index: int) -> dict:
        items = queue.spec["items"]
        if not 0 <= index < len(items):
            raise AnswerError(f"no item {index} in this queue of {len(items)}")
        return items[index]

    def _next_seq(self, queue: _Queue, mine: list[dict]) -> int:
        seen = [queue.state.get("seq", 0), *queue.state["skipped"].values()]
        seen += [int((r.get("meta") or {}).get("seq", 0)) for r in mine]
        return max(seen) + 1

    def _save_state(self, queue: _Queue) -> None:
        write_json(queue.folder / "state.json", queue.state)

    def answer(self, queue_id: str, index: int, labels: dict, choices: dict[str, list[str]], kinds: dict) -> dict:
        """Save the labels of item ``index`` into the corrections corpus (at once, crash-safe).

        Parameters
        ----------
        labels : dict
            ``{field: label}`` for single-label fields, ``{field: [labels]}`` for multi-label ones,
            and optionally ``{field + "_maybe": [labels]}``: the labels of a multi-label field the
            analyst is unsure of (saved as ``topics_maybe``; training leaves them out for this article).
        choices : dict
            The labels allowed per field (:func:`label_choices`).
        kinds : dict
            ``{field: "single" | "multi"}`` of the served model.

        Raises
        ------
        UnknownQueueError, AnswerError
        """
        clean = _checked(labels, choices, kinds)
        with self._lock:
            queue = self._get(queue_id)
            item = self._item(queue, index)
            _, mine = self._answers(queue)
            seq = self._next_seq(queue, mine)
            predicted = {name: item["prediction"].get(name) for name in kinds}
            meta = {
                "queue": queue.name,
                "item": index,
                "seq": seq,
                "reviewed": _now(),
                "source": item.get("source"),
                "predicted": predicted,
                "model": queue.spec.get("model"),
            }
            self.corrections.add(
                article_id=item["id"], text=item["text"], labels=clean, title=item.get("title"), meta=meta
            )
            queue.state["skipped"].pop(str(index), None)
            queue.state["seq"] = seq
            self._save_state(queue)
        return self.status(queue_id)

    def skip(self, queue_id: str, index: int) -> dict:
        """Leave item ``index`` for later (it comes back with :meth:`again`)."""
        with self._lock:
            queue = self._get(queue_id)
            self._item(queue, index)
            _, mine = self._answers(queue)
            seq = self._next_seq(queue, mine)
            queue.state["skipped"][str(index)] = seq
            queue.state["seq"] = seq
            self._save_state(queue)
        return self.status(queue_id)

    def undo(self, queue_id: str) -> dict:
        """Take back this queue's last action: remove its last answer from the corpus, or unskip."""
        with self._lock:
            queue = self._get(queue_id)
            _, mine = self._answers(queue)
            last_answer = max(mine, key=lambda r: int(r["meta"].get("seq", 0)), default=None)
            last_skip = max(queue.state["skipped"].items(), key=lambda kv: kv[1], default=None)
            answer_seq = int(last_answer["meta"].get("seq", 0)) if last_answer else -1
            if last_skip is not None and last_skip[1] > answer_seq:
                del queue.state["skipped"][last_skip[0]]
                self._save_state(queue)
                return self.status(queue_id, focus=int(last_skip[0]))
            if last_answer is None:
                return self.status(queue_id)
            self.corrections.remove(
                lambda r: r.get("file") == last_answer["file"] and (r.get("meta") or {}).get("queue") == queue.name
            )
            return self.status(queue_id, focus=int(last_answer["meta"]["item"]))

    def again(self, queue_id: str) -> dict:
        """Bring the skipped items back into the queue."""
        with self._lock:
            queue = self._get(queue_id)
            queue.state["skipped"] = {}
            self._save_state(queue)
        return self.status(queue_id)


def _checked(labels: dict, choices: dict[str, list[str]], kinds: dict) -> dict:
    if not isinstance(labels, dict):
        raise AnswerError("labels must be an object: {field: label or [labels]}")
    clean = {}
    for name, kind in kinds.items():
        value = labels.get(name)
        allowed = set(choices.get(name, []))
        if kind == "single":
            if not isinstance(value, str) or value not in allowed:
                raise AnswerError(f"{name}: choose one of {', '.join(sorted(allowed))} (got {value!r})")
            clean[name] = value
        else:
            value = [] if value is None else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise AnswerError(f"{name}: a list of labels")
            unknown = sorted(set(value) - allowed)
            if unknown:
                raise AnswerError(f"{name}: unknown label {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
            clean[name] = sorted(set(value))
            unsure = labels.get(name + MAYBE_SUFFIX) or []
            if not isinstance(unsure, list) or not all(isinstance(v, str) for v in unsure):
                raise AnswerError(f"{name}{MAYBE_SUFFIX}: a list of labels")
            unknown = sorted(set(unsure) - allowed)
            if unknown:
                raise AnswerError(
                    f"{name}{MAYBE_SUFFIX}: unknown label {unknown[0]!r} (known: {', '.join(sorted(allowed))})"
                )
            both = sorted(set(unsure) & set(value))
            if both:
                raise AnswerError(f"{name}: {both[0]!r} cannot be both chosen and unsure")
            if unsure:
                clean[name + MAYBE_SUFFIX] = sorted(set(unsure))
    unsure_fields = {name + MAYBE_SUFFIX for name, kind in kinds.items() if kind == "multi"}
    unknown_fields = sorted(set(labels) - set(kinds) - unsure_fields)
    if unknown_fields:
        raise AnswerError(f"unknown label field {unknown_fields[0]!r} (the model has {', '.join(kinds)})")
    return clean
