"""Shared helpers of the classify serve tests: apps on a temporary work folder, job polling, inputs."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conftest import SEEDS

from classify.model.prediction import Prediction

POLL_LIMIT_SECONDS = 120  # a bound so a broken job fails the test instead of hanging it (not a timing check)


def seed_texts(n: int) -> list[tuple[str, str]]:
    """``(name, text)`` of the first ``n`` seed articles."""
    paths = sorted(SEEDS.glob("*.txt"))[:n]
    return [(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def write_jsonl(path: Path, n: int, *, extra: list[dict] | None = None) -> Path:
    """A JSONL export of ``n`` seed articles (ids ``bài-0``...), then ``extra`` records."""
    with open(path, "w", encoding="utf-8") as handle:
        for i, (_, text) in enumerate(seed_texts(n)):
            handle.write(json.dumps({"id": f"bài-{i}", "text": text, "kênh": "cổng tỉnh"}, ensure_ascii=False) + "\n")
        for record in extra or []:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def wait_for_job(client, job_id: str, until=("done", "failed")) -> dict:
    """Poll a job's status until it is in ``until``; returns the status."""
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] in until:
            return status
        assert time.monotonic() < deadline, f"job still {status} after {POLL_LIMIT_SECONDS} s"
        time.sleep(0.1)


class FieldsModel:
    """The real model, with the prediction fields other work adds (``event_abstained``, ``topic_evidence``).

    Every prediction says the event abstained and gives each decided topic the
    summary's first sentence as its evidence, so the page and API can be checked
    with those fields present.
    """

    def __init__(self, model) -> None:
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)

    def predict(self, text, *, title=None, sentences=None, source="text"):
        return self.predict_prepared([self.prepare(text, title=title, source=source)], sentences=sentences)[0]

    def predict_prepared(self, docs, *, sentences=None):
        return [_WithFields(p) for p in self._model.predict_prepared(docs, sentences=sentences)]


class _WithFields:
    def __init__(self, prediction: Prediction) -> None:
        self.prediction = prediction

    def __getattr__(self, name):
        return getattr(self.prediction, name)

    def to_dict(self) -> dict:
        record = self.prediction.to_dict()
        record["event_abstained"] = True
        record["topic_evidence"] = {topic: record["summary"][0] for topic in record["topics"]}
        return record
