"""Read Label Studio's JSON export as a labelled corpus (Label Studio itself is not needed).

``classify suggest --format label-studio`` writes tasks whose ``data`` holds ``text``, ``title`` and
``article_id``, with the model's labels as pre-annotations. After labelling, Label Studio's
*Export → JSON* gives a list of tasks, each with its ``annotations``::

    [{"id": 7, "data": {"text": "...", "title": "...", "article_id": "bai-12"},
      "annotations": [{"was_cancelled": false, "updated_at": "2025-03-02T10:41:07Z",
                       "result": [{"from_name": "event_type", "type": "choices",
                                   "value": {"choices": ["annual_review"]}},
                                  {"from_name": "topics", "type": "choices",
                                   "value": {"choices": ["it_egov", "post_telecom"]}}]}]}, ...]

Each task with an annotation that was not cancelled becomes one record (its latest annotation
wins); tasks nobody annotated are left out. Every ``choices`` control is a label field:
``event_type`` is single-label, ``topics`` multi-label (no topic chosen: an empty list), as is
``topics_maybe`` (the topics the annotator was unsure of, see :mod:`classify.corpus.reader`), and any
other control is single-label when every annotation chose exactly one value, else multi-label.
The labelling configuration these names come from is in docs/active-learning.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from classify.errors import CorpusError

__all__ = ["labelstudio_records", "LABELSTUDIO_SUFFIX", "SINGLE_FIELDS", "MULTI_FIELDS", "read_tasks"]

LABELSTUDIO_SUFFIX = ".json"
SINGLE_FIELDS = frozenset({"event_type"})
MULTI_FIELDS = frozenset({"topics"})


def read_tasks(path: Path) -> list:
    """The list of tasks in a Label Studio JSON file (an export, or tasks written for import).

    Raises
    ------
    CorpusError
        If the file cannot be read, is not JSON, or is not a list of tasks, naming it.
    """
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorpusError(f"{path}: not a Label Studio JSON export ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(task, dict) for task in data):
        raise CorpusError(f"{path}: expected a JSON list of tasks (Label Studio: Export → JSON)")
    if data and all("data" not in task for task in data):
        raise CorpusError(
            f"{path}: looks like Label Studio's JSON-MIN or CSV-style export; export the project as JSON instead"
        )
    return data


def _latest_annotation(task: dict) -> dict | None:
    kept = [
        (str(a.get("updated_at") or a.get("created_at") or ""), i, a)
        for i, a in enumerate(task.get("annotations") or [])
        if isinstance(a, dict) and not a.get("was_cancelled")
    ]
    return max(kept, key=lambda item: item[:2])[2] if kept else None


def _choices(annotation: dict, where: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for result in annotation.get("result") or []:
        if not isinstance(result, dict) or result.get("type") != "choices":
            continue
        name = result.get("from_name")
        values = (result.get("value") or {}).get("choices")
        if not isinstance(name, str) or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CorpusError(f"{where}: a choices result without from_name or a list of choices")
        out.setdefault(name, []).extend(values)
    return out


def labelstudio_records(path: Path) -> Iterator[tuple[str, dict, str]]:
    """``(where, record, text)`` of every annotated task, as the corpus reader takes them.

    Raises
    ------
    CorpusError
        On a malformed file or task, a task without text, an annotation missing a single-label
        field, or no annotated task at all; the message names the file and task.
    """
    tasks = read_tasks(path)
    annotated = []
    for number, task in enumerate(tasks, 1):
        where = f"{path}: task {task.get('id', number)}"
        data = task.get("data")
        if not isinstance(data, dict):
            raise CorpusError(f'{where}: no "data" object')
        annotation = _latest_annotation(task)
        if annotation is None:
            continue
        text = data.get("text")
        if not isinstance(text, str):
            raise CorpusError(f'{where}: no "text" in its data')
        annotated.append((where, task, data, text, _choices(annotation, where)))
    if not annotated:
        raise CorpusError(f"{path}: no annotated task ({len(tasks)} tasks, none with an annotation that was kept)")
    names: dict[str, None] = {}
    from classify.corpus.reader import MAYBE_SUFFIX  # here: the reader imports this module

    multi = set(MULTI_FIELDS) | {name + MAYBE_SUFFIX for name in MULTI_FIELDS}  # topics_maybe: the unsure topics
    for *_, choices in annotated:
        for name, values in choices.items():
            names.setdefault(name)
            if len(values) != 1 and name not in SINGLE_FIELDS:
                multi.add(name)
    for *_, task, _, _, _ in annotated:  # a multi-label control nobody ticked still is a field
        for prediction in task.get("predictions") or []:
            for result in (prediction or {}).get("result") or []:
                if isinstance(result, dict) and result.get("from_name") in MULTI_FIELDS:
                    names.setdefault(result["from_name"])
    for where, task, data, text, choices in annotated:
        record: dict = {
            "id": str(data.get("article_id") or f"task-{task.get('id', where)}"),
            "title": data.get("title") if isinstance(data.get("title"), str) else None,
        }
        for name in names:
            values = choices.get(name, [])
            if name in multi:
                record[name] = values
            elif len(values) == 1:
                record[name] = values[0]
            else:
                raise CorpusError(f"{where}: choose one {name} (the annotation has {len(values)})")
        yield where, record, text
