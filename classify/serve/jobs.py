"""Batch jobs of the web server: uploads in, one worker process per running job, downloads out.

A job's id is a random token (:func:`secrets.token_urlsafe`) given only to the
user who uploaded the file: the server keeps its sha256, never the id itself,
and never builds a path from it (a job's folder has a random name of its own, see
:mod:`classify.serve.jobfiles`). Jobs run one process each
(:mod:`classify.serve.worker`), at most ``max_running`` at a time, the others
wait in order. One server owns a work folder at a time (a lock file), so a
restarted server can take over every job it finds there: a job that was running
or waiting when the last server stopped or crashed is started again and resumes
from its checkpoint; a job that finished meanwhile gets its result.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from classify.errors import ClassifyError, InputError
from classify.serve.exports import export, export_suffix
from classify.serve.jobfiles import JobFiles, read_json, write_json
from classify.serve.uploads import check_upload, safe_name, upload_kind

__all__ = ["JobManager", "JobOptions", "UnknownJobError", "JobNotReadyError", "WorkdirBusyError"]

MAX_ATTEMPTS = 2  # a worker that dies without a result (killed, out of memory) is resumed once
_POLL_SECONDS = 0.2
_FINISHED = ("done", "failed")


class UnknownJobError(KeyError):
    """No job has this id (never had one, or it was removed after its retention time)."""


class JobNotReadyError(ClassifyError):
    """The job's output cannot be downloaded yet (waiting, running) or at all (failed)."""


class WorkdirBusyError(ClassifyError):
    """Another server holds the work folder."""


@dataclass(frozen=True)
class JobOptions:
    """How to read an uploaded file (the ``classify label`` options of the same names)."""

    text_column: str = "text"
    id_column: str = "id"
    title_column: str = "title"
    sentences: int = 3
    max_bytes: int = 10_000_000


@dataclass
class _Job:
    files: JobFiles
    spec: dict
    process: subprocess.Popen | None = None
    export_lock: threading.Lock = field(default_factory=threading.Lock)


def _key(job_id: str) -> str:
    return hashlib.sha256(job_id.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


class JobManager:
    """Create, run, report, export and expire batch jobs under ``workdir``.

    Parameters
    ----------
    workdir : Path
        Folder for the jobs (``workdir/jobs/``) and the server's lock file.
    model_path : Path
        The model every new job uses (a resumed job keeps the one it started with).
    max_running : int, default=2
        Jobs labelling at the same time; more wait in order.
    retention_seconds : float, default=86400
        A finished job (its upload, output and exports) is removed this long after it ended.
    max_unpacked_bytes : int
        Largest total size of the articles of one zip upload.
    """

    def __init__(
        self,
        workdir: Path,
        model_path: Path,
        *,
        max_running: int = 2,
        retention_seconds: float = 86_400.0,
        max_unpacked_bytes: int = 2_000_000_000,
    ) -> None:
        self.workdir = Path(workdir)
        self.root = self.workdir / "jobs"
        self.model_path = Path(model_path).resolve()
        self.max_running = max_running
        self.retention_seconds = retention_seconds
        self.max_unpacked_bytes = max_unpacked_bytes
        self._jobs: dict[str, _Job] = {}
        self._queue: deque[str] = deque()
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._workdir_lock = None

    # ---- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Take the work folder, adopt the jobs a previous server left, start the dispatcher.

        Raises
        ------
        WorkdirBusyError
            If another server uses the same work folder.
        """
        from filelock import FileLock, Timeout

        if self._thread is not None:
            return  # started by the caller before the server (see classify.serve.run)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkdirBusyError(f"{self.workdir}: cannot create the work folder ({exc.strerror or exc})") from None
        lock = FileLock(str(self.workdir / "serve.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise WorkdirBusyError(
                f"{self.workdir}: used by another classify serve; stop it, or give this one another --workdir"
            ) from None
        self._workdir_lock = lock
        self._adopt()
        self.sweep()
        self._stopping = False
        self._thread = threading.Thread(target=self._dispatch, name="classify-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker processes (their jobs stay resumable) and release the work folder."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            running = [job for job in self._jobs.values() if job.process is not None]
        for job in running:
            job.process.terminate()
        for job in running:
            try:
                job.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGTERM is not caught by the worker
                job.process.kill()
                job.process.wait()
            job.process.stdin.close()
            job.process = None
        if self._workdir_lock is not None:
            self._workdir_lock.release()
            self._workdir_lock = None

    def _adopt(self) -> None:
        """Load the jobs found in the work folder; queue again those that were waiting or running."""
        restarted = []
        for folder in sorted(self.root.iterdir()):
            files = JobFiles(folder)
            spec = read_json(files.spec)
            if spec is None or "id_sha256" not in spec:
                shutil.rmtree(folder, ignore_errors=True)  # an upload cut off before its job was created
                continue
            job = _Job(files, spec)
            self._jobs[spec["id_sha256"]] = job
            if spec["status"] not in _FINISHED:
                restarted.append(job)
        for job in sorted(restarted, key=lambda j: j.spec["created"]):
            if job.files.result.exists():
                self._finish(job, returncode=0)  # it ended after the last server stopped watching it
                continue
            if job.spec["status"] == "running":
                job.spec["message"] = "interrupted when the server stopped; resumed from its last checkpoint"
            job.spec["status"] = "queued"
            self._save(job)
            self._queue.append(job.spec["id_sha256"])

    # ---- creating and running ---------------------------------------------------------------

    def create(self, upload: BinaryIO, filename: str | None, options: JobOptions) -> str:
        """Store an upload as a new job, queue it and return its id.

        Raises
        ------
        InputError
            If the file is not a JSONL/CSV/TSV (``.gz``) file or a zip of articles,
            or its content does not match its name; nothing is kept.
        """
        display = safe_name(filename)
        kind = upload_kind(display)
        job_id = secrets.token_urlsafe(24)
        while True:
            folder = self.root / secrets.token_hex(12)
            try:
                folder.mkdir()
                break
            except FileExistsError:  # pragma: no cover - 96 random bits
                continue
        files = JobFiles(folder)
        try:
            files.input_dir.mkdir()
            stored = files.input_dir / display
            with open(stored, "wb") as sink:
                shutil.copyfileobj(upload, sink, 1 << 20)
            check_upload(stored, display, kind)
            spec = {
                "format": 1,
                "id_sha256": _key(job_id),
                "display_name": display,
                "input": display,
                "kind": kind,
                "model": str(self.model_path),
                "options": vars(options),
                "max_unpacked_bytes": self.max_unpacked_bytes,
                "status": "queued",
                "message": None,
                "created": time.time(),
                "started": None,
                "finished": None,
                "attempts": 0,
            }
            job = _Job(files, spec)
            self._save(job)
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(exc, OSError):
                raise InputError(f"{display}: cannot store the upload ({exc.strerror or exc})") from None
            raise
        with self._lock:
            self._jobs[spec["id_sha256"]] = job
            self._queue.append(spec["id_sha256"])
        self._wake.set()
        return job_id

    def _save(self, job: _Job) -> None:
        write_json(job.files.spec, job.spec)

    def _dispatch(self) -> None:
        while not self._stopping:
            with self._lock:
                for job in [j for j in self._jobs.values() if j.process is not None]:
                    code = job.process.poll()
                    if code is not None:
                        job.process.stdin.close()
                        job.process = None
                        self._finish(job, code)
                while self._queue and self._running() < self.max_running and not self._stopping:
                    job = self._jobs.get(self._queue.popleft())
                    if job is not None:
                        self._launch(job)
            self._wake.wait(_POLL_SECONDS)
            self._wake.clear()

    def _running(self) -> int:
        return sum(1 for job in self._jobs.values() if job.process is not None)

    def _launch(self, job: _Job) -> None:
        job.files.result.unlink(missing_ok=True)
        job.spec.update(status="running", started=time.time(), attempts=job.spec["attempts"] + 1)
        self._save(job)
        with open(job.files.log, "a", encoding="utf-8") as log:
            job.process = subprocess.Popen(
                [sys.executable, "-m", "classify.serve.worker", str(job.files.folder)],
                stdin=subprocess.PIPE,  # closed when this server dies: the worker then exits
                stdout=subprocess.DEVNULL,
                stderr=log,
                cwd=job.files.folder,
            )

    def _finish(self, job: _Job, returncode: int) -> None:
        result = read_json(job.files.result)
        if result is None:
            if job.spec["attempts"] < MAX_ATTEMPTS:
                job.spec.update(
                    status="queued",
                    message=f"the labelling process stopped (exit status {returncode}); resumed from its checkpoint",
                )
                self._save(job)
                self._queue.appendleft(job.spec["id_sha256"])
                return
            result = {
                "status": "failed",
                "message": f"the labelling process stopped twice (exit status {returncode}; out of memory?); "
                "see worker.log in the job's folder",
            }
        job.spec.update(status=result["status"], finished=time.time())
        if result["status"] == "failed":
            job.spec["message"] = result["message"]
        self._save(job)

    # ---- reading ---------------------------------------------------------------------------

    def _get(self, job_id: str) -> _Job:
        with self._lock:
            job = self._jobs.get(_key(job_id))
        if job is None:
            raise UnknownJobError(job_id)
        return job

    def status(self, job_id: str) -> dict:
        """What the page shows of a job: status, progress counts, error records, when it expires.

        Raises
        ------
        UnknownJobError
        """
        job = self._get(job_id)
        spec = dict(job.spec)
        out = {
            "id": job_id,
            "status": spec["status"],
            "filename": spec["display_name"],
            "phase": None,
            "done": 0,
            "total": None,
            "errors": 0,
            "labelled": None,
            "message": spec.get("message"),
            "created": _iso(spec["created"]),
            "finished": _iso(spec["finished"]),
            "expires": _iso(spec["finished"] + self.retention_seconds) if spec["finished"] else None,
            "error_samples": [],
        }
        if spec["status"] == "done":
            result = read_json(job.files.result) or {}
            out.update(
                phase="finished",
                done=result.get("total", 0),
                total=result.get("total", 0),
                errors=result.get("errors", 0),
                labelled=result.get("labelled", 0),
                error_samples=result.get("error_samples", []),
            )
        elif spec["status"] == "running":
            progress = read_json(job.files.progress) or {}
            out.update({key: progress[key] for key in ("phase", "done", "total", "errors") if key in progress})
        return out

    def result_file(self, job_id: str, fmt: str) -> tuple[Path, str]:
        """The output of a finished job in ``fmt`` and the file name to download it as.

        Raises
        ------
        UnknownJobError
        JobNotReadyError
            If the job has not finished, or failed.
        """
        job = self._get(job_id)
        status = job.spec["status"]
        if status != "done":
            why = job.spec.get("message") if status == "failed" else f"the job is {status}"
            raise JobNotReadyError(f"{job.spec['display_name']}: no result to download ({why})")
        stem = job.spec["display_name"].split(".")[0] or "labels"
        download = f"{stem}.labels{export_suffix(fmt)}"
        if fmt == "jsonl":
            return job.files.output, download
        target = job.files.exports / f"labels.{fmt}{export_suffix(fmt)}"
        with job.export_lock:  # two downloads at once must not write the same file
            if not target.exists():
                export(job.files.output, target, fmt)
        return target, download

    def documents_source(self, job_id: str) -> tuple[Path, str, dict]:
        """Where a finished job's articles are: its input folder, the input's name in it, and the reading options.

        Raises
        ------
        UnknownJobError
        JobNotReadyError
            If the job has not finished, or failed.
        """
        job = self._get(job_id)
        if job.spec["status"] != "done":
            raise JobNotReadyError(f"{job.spec['display_name']}: the job is {job.spec['status']}; review it once done")
        source = job.spec["input"]
        if job.spec["kind"] == "zip":
            source = job.files.unpacked(job.spec["input"]).name
        return job.files.input_dir, source, dict(job.spec["options"], display_name=job.spec["display_name"])

    def sweep(self, now: float | None = None) -> int:
        """Remove the jobs that finished more than the retention time before ``now``; returns how many."""
        now = time.time() if now is None else now
        with self._lock:
            expired = [
                key
                for key, job in self._jobs.items()
                if job.spec["status"] in _FINISHED and job.spec["finished"] + self.retention_seconds <= now
            ]
            removed = [self._jobs.pop(key) for key in expired]
        for job in removed:
            shutil.rmtree(job.files.folder, ignore_errors=True)
        return len(removed)

    def running_pids(self) -> list[int]:
        """Process ids of the running workers (tests, diagnostics)."""
        with self._lock:
            return [job.process.pid for job in self._jobs.values() if job.process is not None]


def default_workdir() -> Path:
    """Where ``classify serve`` keeps jobs unless told: the user's cache folder."""
    base = (
        os.environ.get("XDG_CACHE_HOME")
        or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
        or Path.home() / ".cache"
    )
    return Path(base) / "classify" / "serve"
