"""The web application: the analyst's page and the JSON API it uses (documented at ``/docs``).

Everything the page shows comes from the same functions as the command line:
``/api/predict`` is ``classify predict``'s record, ``/api/explain`` adds the n-grams of
``classify explain``, and a job is ``classify label`` (:func:`classify.batch.label_files`)
run in a process of its own (:mod:`classify.serve.jobs`).
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

import anyio
from fastapi import FastAPI, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from classify.batch.sources import DEFAULT_MAX_BYTES, HTML_SUFFIXES, html_to_text
from classify.errors import EmptyDocumentError, InputError
from classify.model.taxonomy import display_name
from classify.serve.exports import EXPORT_FORMATS
from classify.serve.jobs import JobManager, JobNotReadyError, JobOptions, UnknownJobError
from classify.serve.learning_routes import learning_router
from classify.serve.limits import BodyLimit
from classify.serve.models import ModelRegistry
from classify.serve.retrain import Retrainer
from classify.serve.review import ReviewQueues
from classify.serve.schemas import Article, Explanation, JobCreated, JobStatus, LabelRecord, ModelInfo, ReadArticle
from classify.serve.uploads import TABLE_SUFFIXES, safe_name, upload_kind
from classify.text.reading import content_suffix, declared_html_charset, decode_bytes

__all__ = ["create_app", "STATIC"]

STATIC = Path(__file__).resolve().parent / "static"
JSON_BODY_LIMIT = 4 * DEFAULT_MAX_BYTES  # a 10 MB article, escaped as JSON by any client
# The page loads nothing from elsewhere: a stricter policy than the browser's default stops
# any script an article's text could smuggle in.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "csv-excel": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ExportFormat = Literal[EXPORT_FORMATS]  # type: ignore[valid-type]


def _model_info(model, model_path: Path) -> dict:
    manifest = dict(getattr(model, "manifest", None) or {})
    fields = dict(manifest.get("label_fields") or model.label_fields)
    labels = manifest.get("labels") or {}
    return {
        "name": model_path.name,
        "sha256": str(manifest.get("sha256", ""))[:12],
        "created": manifest.get("created"),
        "classify_version": (manifest.get("versions") or {}).get("classify"),
        "corpus": manifest.get("corpus"),
        "label_fields": fields,
        "labels": {
            name: [{"label": label, "name": display_name(name, label)} for label in labels.get(name, [])]
            for name in fields
        },
        "thresholds": _thresholds(model, manifest),
        "abstain_label": (manifest.get("params") or {}).get("abstain_label"),
        "cv_metrics": manifest.get("cv_metrics"),
    }


def _thresholds(model, manifest: dict) -> dict | None:
    """The thresholds on the scale of the scores the page shows (0.5 for topics decided from evidence)."""
    thresholds = dict(manifest.get("thresholds") or {})
    try:
        thresholds.update(model.decision_thresholds())
    except (AttributeError, KeyError):  # a model without the method (a test double) or the field
        pass
    return thresholds or None


def create_app(
    *,
    model=None,
    model_path: str | Path | None = None,
    workdir: str | Path,
    max_upload: int = 200_000_000,
    retention_hours: float = 24.0,
    max_running: int = 2,
    jobs: JobManager | None = None,
    seeds: str | Path | None = None,
    served_path: str | Path | None = None,
    retrain_folds: int = 5,
) -> FastAPI:
    """The ``classify serve`` application.

    Parameters
    ----------
    model : ArticleModel, optional
        The model answering ``/api/predict``; loaded from ``model_path`` when not given.
    model_path : str or Path, optional
        Model file or folder (default: the shipped model); batch jobs load it in their processes.
    workdir : str or Path
        Folder for the jobs' uploads and outputs.
    max_upload : int, default=200_000_000
        Largest upload of a job, in bytes (413 above).
    retention_hours : float, default=24
        Finished jobs are removed this long after they end.
    max_running : int, default=2
        Jobs labelling at the same time.
    jobs : JobManager, optional
        A manager already started by the caller (the command line starts it first, so a
        busy work folder is one line, not a traceback); built from the parameters above otherwise.
    seeds : str or Path, optional
        The shipped corpus a retraining adds the corrections to (None: the corrections alone).
    served_path : str or Path, optional
        The file ``model`` was loaded from when it is a retrained model the work folder remembers
        (:func:`classify.serve.models.remembered_model`), not ``model_path``.
    retrain_folds : int, default=5
        Cross-validation folds of a retraining.

    Returns
    -------
    fastapi.FastAPI
    """
    import classify
    from classify.model.models_path import resolve_model_path

    resolved = Path(resolve_model_path(model_path)).resolve()
    served = Path(served_path).resolve() if served_path else resolved
    model = classify.load(served) if model is None else model
    retention_seconds = retention_hours * 3600.0
    if jobs is None:
        jobs = JobManager(
            Path(workdir),
            served,
            max_running=max_running,
            retention_seconds=retention_seconds,
            max_unpacked_bytes=max(10 * max_upload, 1_000_000_000),
        )
    estimators_lock = threading.Lock()
    registry = ModelRegistry(Path(workdir), resolved, model, served)
    infos = {served: _model_info(model, served)}

    def switched(new_model, path: Path) -> None:
        infos[path] = _model_info(new_model, path)
        jobs.model_path = path  # new jobs label with it; running ones keep theirs

    registry.listeners.append(switched)
    queues = ReviewQueues(Path(workdir))
    retrainer = Retrainer(Path(workdir), registry, queues.corrections.folder, seeds, folds=retrain_folds)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await anyio.to_thread.run_sync(jobs.start)
        await anyio.to_thread.run_sync(queues.load)
        await anyio.to_thread.run_sync(retrainer.load)
        sweeper = asyncio.create_task(_sweep_every(jobs, min(jobs.retention_seconds / 4, 600.0)))
        try:
            yield
        finally:
            sweeper.cancel()
            await anyio.to_thread.run_sync(retrainer.stop)
            await anyio.to_thread.run_sync(jobs.stop)

    app = FastAPIOffline(
        title="classify",
        version=classify.__version__,
        description="Label (event type, topics) and summarize Vietnamese news articles, offline. "
        "The page at / uses this API; scripts can too.",
        lifespan=lifespan,
        static_url="/docs-static",
        redoc_url=None,
    )
    app.state.jobs = jobs
    app.state.models = registry
    app.state.review = queues
    app.state.retrain = retrainer

    def limit_for(path: str) -> tuple[int, str]:
        if path in ("/api/jobs", "/api/review/upload"):
            return max_upload, "an upload"
        if path == "/api/read":
            return DEFAULT_MAX_BYTES, "an article file"
        return JSON_BODY_LIMIT, "a request"

    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_POLICY})

    @app.post("/api/predict", response_model=LabelRecord, response_model_exclude_unset=True, tags=["articles"])
    def predict(article: Article) -> dict:
        """Label and summarize one article: the record ``classify label`` writes for it.

        Empty text, or text that is only portal clutter, gets 422 with the message the command line prints.
        """
        model = registry.model
        try:
            prediction = model.predict(article.text, title=article.title or None, sentences=article.sentences)
        except EmptyDocumentError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        return prediction.to_dict()

    @app.post("/api/explain", response_model=Explanation, response_model_exclude_unset=True, tags=["articles"])
    def explain(article: Article) -> dict:
        """The prediction, the cleaned paragraphs, and the n-grams and sentence ranking behind it."""
        from classify.model.explain import explain as explain_prepared

        model = registry.model
        try:
            doc = model.prepare(article.text, title=article.title or None)
        except EmptyDocumentError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        prediction = model.predict_prepared([doc], sentences=article.sentences)[0]
        with estimators_lock:  # the scikit-learn estimators are unpickled on first use, once
            model.classifier, model.summarizer  # noqa: B018
        why = explain_prepared(model, doc, k=8, sentences=article.sentences)
        return {
            "prediction": prediction.to_dict(),
            "paragraphs": list(doc.paragraphs),
            "ngrams": why["evidence"],
            "ranking": why["summary"],
        }

    @app.post("/api/read", response_model=ReadArticle, tags=["articles"])
    def read(file: Annotated[UploadFile, File(description="A .txt or .html article")]) -> dict:
        """The text (and, for HTML, the headline) of an article file, read as ``classify predict`` reads files."""
        name = safe_name(file.filename, default="article")
        if content_suffix(name) in TABLE_SUFFIXES or name.lower().endswith(".zip"):
            raise HTTPException(415, f"{name}: holds many articles; upload it under 'Many articles' instead")
        data = file.file.read()
        is_html = content_suffix(name) in HTML_SUFFIXES
        try:
            text = decode_bytes(data, name, fallback=declared_html_charset(data) if is_html else None)
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        title = None
        if is_html:
            text, title = html_to_text(text)
        return {"filename": name, "text": text, "title": title}

    @app.get("/api/model", response_model=ModelInfo, tags=["model"])
    def model_info() -> dict:
        """Which model answers: its name, sha256, training date, thresholds and cross-validated figures."""
        path = registry.path
        if path not in infos:
            infos[path] = _model_info(registry.model, path)
        return infos[path]

    @app.post("/api/jobs", status_code=202, response_model=JobCreated, tags=["jobs"])
    def create_job(
        file: Annotated[UploadFile, File(description="JSONL, CSV or TSV (also .gz), or a .zip of .txt/.html articles")],
        text_column: Annotated[str, Form(description="CSV column / JSONL field with the text")] = "text",
        id_column: Annotated[str, Form()] = "id",
        title_column: Annotated[str, Form()] = "title",
        sentences: Annotated[int, Form(ge=1, le=50)] = 3,
    ) -> dict:
        """Start labelling an uploaded file in the background; returns the job's id.

        The upload is limited by ``--max-upload`` (413 above it).
        """
        try:
            upload_kind(safe_name(file.filename))
        except InputError as exc:
            raise HTTPException(415, str(exc)) from None
        options = JobOptions(text_column, id_column, title_column, sentences, DEFAULT_MAX_BYTES)
        try:
            job_id = jobs.create(file.file, file.filename, options)
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"id": job_id}

    not_found = (
        f"no such job: the id is wrong, or the job finished more than {retention_hours:g} hours ago and was removed"
    )

    @app.get("/api/jobs/{job_id}", response_model=JobStatus, tags=["jobs"])
    def job_status(job_id: str) -> dict:
        """Status and progress of a job; when done, its counts and first error records."""
        try:
            return jobs.status(job_id)
        except UnknownJobError:
            raise HTTPException(404, not_found) from None

    @app.get(
        "/api/jobs/{job_id}/result",
        tags=["jobs"],
        response_class=FileResponse,
        responses={200: {"content": {media: {} for media in _MEDIA_TYPES.values()}}},
    )
    def job_result(job_id: str, fmt: Annotated[ExportFormat, Query(alias="format")] = "jsonl") -> FileResponse:
        """The labelled records of a finished job as JSONL, CSV (csv-excel: formula-like cells as text), TSV or XLSX.

        409 while the job is queued or running, or when it failed.
        """
        try:
            path, download = jobs.result_file(job_id, fmt)
        except UnknownJobError:
            raise HTTPException(404, not_found) from None
        except JobNotReadyError as exc:
            raise HTTPException(409, str(exc)) from None
        return FileResponse(path, media_type=_MEDIA_TYPES[fmt], filename=download)

    app.include_router(
        learning_router(registry=registry, queues=queues, jobs=jobs, retrainer=retrainer, workdir=Path(workdir))
    )
    return app


async def _sweep_every(jobs: JobManager, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        await anyio.to_thread.run_sync(jobs.sweep)
