"""The JSON API of the learning loop: review queues, retraining, and which model answers.

Review (:mod:`classify.serve.review`): make a queue from a finished job or an uploaded file, get the
item to review, answer, skip, undo. Retraining (:mod:`classify.serve.retrain`): start it, follow it.
Models (:mod:`classify.serve.models`): list them with their cross-validated figures, serve one.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile

from classify.errors import ClassifyError, InputError, ModelError
from classify.serve.jobs import JobNotReadyError, UnknownJobError
from classify.serve.models import UnknownModelError
from classify.serve.retrain import RetrainBusyError
from classify.serve.review import AnswerError, UnknownQueueError, label_choices
from classify.serve.review_sources import records_from_input
from classify.serve.schemas import (
    ModelEntry,
    QueueCreated,
    RetrainStatus,
    ReviewAnswer,
    ReviewFromJob,
    ReviewItemRef,
    ReviewStatus,
)
from classify.serve.uploads import check_upload, safe_name, upload_kind

__all__ = ["learning_router"]

_NO_QUEUE = "no such review queue: the id is wrong, or the server's work folder was changed"


def learning_router(*, registry, queues, jobs, retrainer, workdir: Path) -> APIRouter:
    """The routes of review, retraining and model switching, on the server's objects."""
    router = APIRouter()

    def create_queue(path: Path, n: int, options: dict, name: str, origin: str) -> dict:
        model = registry.model
        try:
            records = records_from_input(path, model, n, options)
            return {"id": queues.create(records, model=model, name=name, origin=origin)}
        except AnswerError as exc:
            raise HTTPException(422, str(exc)) from None
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None

    @router.post("/api/review", status_code=201, response_model=QueueCreated, tags=["review"])
    def review_job(request: ReviewFromJob) -> dict:
        """A review queue of a finished job: the `n` articles `suggest` ranks first for the served model."""
        try:
            folder, source, options = jobs.documents_source(request.job)
        except UnknownJobError:
            raise HTTPException(404, "no such job") from None
        except JobNotReadyError as exc:
            raise HTTPException(409, str(exc)) from None
        return create_queue(folder / source, request.n, options, options["display_name"], "job")

    @router.post("/api/review/upload", status_code=201, response_model=QueueCreated, tags=["review"])
    def review_upload(
        file: Annotated[UploadFile, File(description="A file `classify suggest` wrote, or any JSONL/CSV/TSV (.gz)")],
        n: Annotated[int, Form(ge=1, le=1000)] = 50,
        text_column: Annotated[str, Form()] = "text",
        id_column: Annotated[str, Form()] = "id",
        title_column: Annotated[str, Form()] = "title",
    ) -> dict:
        """A review queue of an uploaded file: a suggested set in its order, or the `n` best of other articles."""
        display = safe_name(file.filename)
        try:
            kind = upload_kind(display)
        except InputError as exc:
            raise HTTPException(415, str(exc)) from None
        if kind != "table":
            raise HTTPException(415, f"{display}: upload a zip under 'Many articles', then review the finished job")
        folder = workdir / "review-uploads" / secrets.token_hex(8)
        try:
            folder.mkdir(parents=True)
            stored = folder / display
            with open(stored, "wb") as sink:
                shutil.copyfileobj(file.file, sink, 1 << 20)
            try:
                check_upload(stored, display, kind)
            except InputError as exc:
                raise HTTPException(415, str(exc)) from None
            options = {"text_column": text_column, "id_column": id_column, "title_column": title_column}
            return create_queue(stored, n, {**options, "max_bytes": 10_000_000}, display, "upload")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _status(call, *args) -> dict:
        try:
            return call(*args)
        except UnknownQueueError:
            raise HTTPException(404, _NO_QUEUE) from None
        except AnswerError as exc:
            raise HTTPException(422, str(exc)) from None
        except ClassifyError as exc:  # the corrections corpus cannot be read or written
            raise HTTPException(500, str(exc)) from None

    @router.get("/api/review/{queue_id}", response_model=ReviewStatus, tags=["review"])
    def review_status(queue_id: str) -> dict:
        """Progress ("12 of 50 reviewed") and the item to review now, with its prediction and paragraphs."""
        return _status(queues.status, queue_id)

    @router.post("/api/review/{queue_id}/answer", response_model=ReviewStatus, tags=["review"])
    def review_answer(queue_id: str, answer: ReviewAnswer) -> dict:
        """Save the confirmed or corrected labels of one item into the corrections corpus, at once."""
        model = registry.model
        return _status(queues.answer, queue_id, answer.index, answer.labels, label_choices(model), model.label_fields)

    @router.post("/api/review/{queue_id}/skip", response_model=ReviewStatus, tags=["review"])
    def review_skip(queue_id: str, item: ReviewItemRef) -> dict:
        """Leave an item for later."""
        return _status(queues.skip, queue_id, item.index)

    @router.post("/api/review/{queue_id}/undo", response_model=ReviewStatus, tags=["review"])
    def review_undo(queue_id: str) -> dict:
        """Take back the queue's last answer (its line leaves the corrections corpus) or skip."""
        return _status(queues.undo, queue_id)

    @router.post("/api/review/{queue_id}/again", response_model=ReviewStatus, tags=["review"])
    def review_again(queue_id: str) -> dict:
        """Bring the skipped items back."""
        return _status(queues.again, queue_id)

    @router.post("/api/retrain", status_code=202, response_model=RetrainStatus, tags=["model"])
    def retrain_start() -> dict:
        """Train a new model on the shipped corpus plus the corrections, in the background.

        409 when one is running or there is no correction yet. The served model does not change
        until the new one is served (`POST /api/models/{id}/serve`).
        """
        try:
            return retrainer.start()
        except RetrainBusyError as exc:
            raise HTTPException(409, str(exc)) from None

    @router.get("/api/retrain", response_model=RetrainStatus, tags=["model"])
    def retrain_status() -> dict:
        """The last retraining: its phase and fold while it runs, the new model and its figures when done."""
        return retrainer.status()

    @router.get("/api/models", response_model=list[ModelEntry], tags=["model"])
    def models() -> list[dict]:
        """The models this server can answer with (the one it started with, and the retrained ones)."""
        return registry.listing()

    @router.post("/api/models/{model_id}/serve", response_model=list[ModelEntry], tags=["model"])
    def serve_model(model_id: str) -> list[dict]:
        """Answer with this model from now on (new jobs and queues too); the others stay on disk."""
        try:
            registry.serve(model_id)
        except UnknownModelError:
            raise HTTPException(404, f"no model {model_id!r} on this server") from None
        except ModelError as exc:
            raise HTTPException(409, str(exc)) from None
        return registry.listing()

    return router
