"""One batch job, run in its own process: ``python -m classify.serve.worker JOB_FOLDER``.

The server starts one such process per running job (:mod:`classify.serve.jobs`),
so a job never holds up the pages and API answers of the server, and stopping
the server stops it at once. The work is :func:`classify.batch.label_files`, the
code of ``classify label``, always called with ``resume=True``: a fresh job
starts from nothing, and a job interrupted by a crash or a stop continues from
its last checkpoint. The process works in the job's ``input/`` folder, so the
records name documents as the user's upload does (``export.csv:row 12``), not
by the server's folders.

The process exits by itself when the server that started it dies (its standard
input, a pipe from the server, reaches end of file), leaving the job's partial
output for the next server to resume.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from contextlib import redirect_stderr
from pathlib import Path

from classify.batch.output import partial_paths
from classify.batch.sources import iter_documents
from classify.errors import ClassifyError
from classify.serve.jobfiles import JobFiles, exit_with_the_server, read_json, write_json
from classify.serve.uploads import unpack_zip

__all__ = ["run_job", "count_errors", "scan_output", "ERROR_SAMPLES"]

ERROR_SAMPLES = 200  # error records kept for the page; all of them are in the output
CHUNK_SIZE = 64  # smaller than the CLI's: progress moves at least every ~0.3 s
PROGRESS_SECONDS = 0.25


class _Progress:
    """Writes ``progress.json``: at most every 0.25 s, and always on a change of phase."""

    def __init__(self, files: JobFiles) -> None:
        self.path = files.progress
        self.state = {"phase": "starting", "total": None, "done": 0, "errors": 0, "pid": os.getpid()}
        self._written = 0.0

    def update(self, force: bool = False, **changes) -> None:
        self.state.update(changes)
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_SECONDS:
            write_json(self.path, self.state, durable=False)
            self._written = now


def count_errors(partial: Path, checkpoint: Path) -> int:
    """Error records in the durable part of an interrupted run's JSONL output (what a resume keeps)."""
    state = read_json(checkpoint)
    if state is None or not partial.exists():
        return 0
    with open(partial, "rb") as handle:
        durable = handle.read(int(state.get("bytes", 0)))
    return sum(1 for line in durable.splitlines() if line.strip() and json.loads(line).get("error"))


def scan_output(output: Path) -> dict:
    """Counts of a finished JSONL output and its first error records.

    Returns
    -------
    dict
        ``{"total", "labelled", "errors", "error_samples": [{"id", "source", "error"}]}``.
    """
    total = errors = 0
    samples = []
    with open(output, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            total += 1
            record = json.loads(line)
            if record.get("error"):
                errors += 1
                if len(samples) < ERROR_SAMPLES:
                    samples.append({key: record.get(key) for key in ("id", "source", "error")})
    return {"total": total, "labelled": total - errors, "errors": errors, "error_samples": samples}


def run_job(folder: Path) -> dict:
    """Run (or resume) the job in ``folder`` and return what goes into its ``result.json``.

    Returns
    -------
    dict
        ``{"status": "done", "total", "labelled", "errors", "error_samples", "seconds"}``
        or ``{"status": "failed", "message"}`` for a problem of the input (one line).
    """
    files = JobFiles(folder)
    spec = read_json(files.spec)
    if spec is None:
        return {"status": "failed", "message": "the job's description (job.json) is missing or damaged"}
    progress = _Progress(files)
    started = time.perf_counter()
    options = spec["options"]
    cwd = os.getcwd()
    try:
        source = spec["input"]
        if spec["kind"] == "zip":
            unpacked = files.unpacked(spec["input"])
            if not unpacked.is_dir():
                progress.update(force=True, phase="unpacking")
                ignored = unpack_zip(
                    files.input_dir / spec["input"],
                    unpacked,
                    name=spec["display_name"],
                    max_total_bytes=spec["max_unpacked_bytes"],
                )
                if ignored:
                    print(f"classify: not articles, not read: {dict(ignored)}", file=sys.stderr)
            source = unpacked.name
        os.chdir(files.input_dir)  # this process runs one job: record sources relative to the upload
        columns = {key: options[key] for key in ("text_column", "id_column", "title_column")}
        progress.update(force=True, phase="counting")
        total = sum(1 for _ in iter_documents([source], max_bytes=options["max_bytes"], **columns))
        partial, checkpoint = partial_paths(files.output)
        errors_before = count_errors(partial, checkpoint)
        progress.update(force=True, phase="labelling", total=total)

        def on_chunk(summary) -> None:
            progress.update(
                done=summary.skipped + summary.labelled + summary.errors, errors=errors_before + summary.errors
            )

        from classify.batch.labelling import label_files

        label_files(
            [source],
            str(files.output),
            model=spec["model"],
            resume=True,
            fmt="jsonl",
            sentences=options["sentences"],
            chunk_size=CHUNK_SIZE,
            max_bytes=options["max_bytes"],
            on_chunk=on_chunk,
            **columns,
        )
    except ClassifyError as exc:
        return {"status": "failed", "message": str(exc)}
    finally:
        os.chdir(cwd)
    result = {"status": "done", **scan_output(files.output), "seconds": round(time.perf_counter() - started, 3)}
    progress.update(force=True, phase="finished", done=result["total"], errors=result["errors"])
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process; the exit status is 0 when ``result.json`` was written."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]).resolve()
    # Ctrl-C in the server's terminal reaches this process too: the server stops it with SIGTERM instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_the_server()
    files = JobFiles(folder)
    with open(files.log, "a", encoding="utf-8") as log, redirect_stderr(log):
        try:
            result = run_job(folder)
        except Exception as exc:  # a bug: the job fails with one line, the traceback goes to the log
            traceback.print_exc(file=log)
            result = {"status": "failed", "message": f"internal error ({type(exc).__name__}: {exc})"}
    write_json(files.result, result)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by the server as a process
    sys.exit(main())
