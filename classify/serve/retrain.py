"""Retrain from the page: the shipped corpus plus the corrections, in a process of its own.

``POST /api/retrain`` starts ``python -m classify.serve.retrain RUN_FOLDER`` (one run at a time), which
does what ``classify train --data SEEDS --data WORKDIR/corrections`` does: grouped cross-validation
(its figures go into the manifest, and the page shows them beside the served model's), then the
model with topics from evidence, saved under ``WORKDIR/models/`` (:mod:`classify.serve.models`).
The served model does not change until the user accepts the new one. A run lives in
``WORKDIR/retrain/<UTC time>-<random>/``::

    spec.json      the corpora, the model file to write, the folds (written by the server)
    progress.json  phase and fold (written by the process)
    result.json    the new model's id and figures, or one line saying why it failed
    train.log      warnings and, after a bug, the traceback

An article both in the shipped corpus and in the corrections (same text) is trained with the
correction's labels only; a correction whose id is taken by the shipped corpus gets `` (correction)``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import redirect_stderr
from pathlib import Path

from classify.errors import ClassifyError
from classify.serve.jobfiles import exit_with_the_server, read_json, write_json

__all__ = ["Retrainer", "RetrainBusyError", "combined_corpus", "run_retrain", "DEFAULT_FOLDS"]

DEFAULT_FOLDS = 5


class RetrainBusyError(ClassifyError):
    """A retraining is already running, or there is nothing to retrain on."""


def combined_corpus(seeds: str | None, corrections: str):
    """The corpus a retrain learns from, and how many corrections it holds.

    Raises
    ------
    CorpusError
        If a corpus is malformed, or the two disagree on their label fields.
    """
    from classify.active.exclude import text_key
    from classify.corpus.reader import Corpus, load_corpus
    from classify.errors import CorpusError

    fixed = load_corpus(corrections)
    if seeds is None:
        return fixed, len(fixed)
    base = load_corpus(seeds)
    if base.label_fields != fixed.label_fields:
        raise CorpusError(
            f"{corrections}: label fields {dict(fixed.label_fields)} differ from those of {seeds} "
            f"{dict(base.label_fields)}"
        )
    corrected = {text_key(doc.text) for doc in fixed.documents}
    kept = [doc for doc in base.documents if text_key(doc.text) not in corrected]
    taken = {doc.id for doc in kept}
    documents = [dataclasses.replace(doc, group=f"seeds:{doc.group}") for doc in kept]
    for doc in fixed.documents:
        doc_id = doc.id if doc.id not in taken else f"{doc.id} (correction)"
        documents.append(dataclasses.replace(doc, id=doc_id, group=f"corrections:{doc.group}"))
    return Corpus(documents, dict(base.label_fields), f"{seeds} + {corrections}"), len(fixed)


class _Progress:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.state = {"phase": "starting", "fold": 0, "folds": 0, "pid": os.getpid()}

    def update(self, **changes) -> None:
        self.state.update(changes)
        write_json(self.path, self.state, durable=False)


def run_retrain(folder: Path) -> dict:
    """Run the retraining described in ``folder/spec.json``; returns what goes into ``result.json``."""
    from classify.corpus.reader import check_label_values
    from classify.training import build_classifier, cross_validate, prepare_corpus, save_trained, train

    spec = read_json(folder / "spec.json")
    if spec is None:
        return {"status": "failed", "message": "the run's description (spec.json) is missing or damaged"}
    progress = _Progress(folder / "progress.json")
    started = time.perf_counter()
    try:
        progress.update(phase="reading")
        corpus, corrections = combined_corpus(spec["seeds"], spec["corrections"])
        check_label_values(corpus)
        docs = prepare_corpus(corpus)
        progress.update(phase="cross-validation", folds=min(spec["folds"], len(set(corpus.groups))))
        try:
            metrics, _ = cross_validate(
                corpus,
                build_classifier(),
                folds=spec["folds"],
                docs=docs,
                progress=lambda k, n: progress.update(fold=k, folds=n),
            )
        except ValueError as exc:  # too few articles or labels to cross-validate
            raise ClassifyError(str(exc)) from None
        progress.update(phase="training")
        model = train(corpus, docs=docs, evidence=True)
        progress.update(phase="saving")
        manifest = save_trained(model, spec["out"], corpus, metrics)
    except ClassifyError as exc:
        return {"status": "failed", "message": str(exc)}
    return {
        "status": "done",
        "model": Path(spec["out"]).stem,
        "cv_metrics": manifest.get("cv_metrics"),
        "documents": len(corpus),
        "corrections": corrections,
        "seconds": round(time.perf_counter() - started, 1),
    }


class Retrainer:
    """Start one retraining at a time and report it.

    Parameters
    ----------
    workdir : Path
    registry : ModelRegistry
        Names the new model's file (:meth:`~classify.serve.models.ModelRegistry.new_path`).
    corrections : Path
        The corrections corpus folder.
    seeds : Path, optional
        The shipped corpus; None trains on the corrections alone.
    folds : int, default=5
    """

    def __init__(self, workdir: Path, registry, corrections: Path, seeds: Path | None, folds: int = DEFAULT_FOLDS):
        self.root = Path(workdir) / "retrain"
        self.registry = registry
        self.corrections = Path(corrections)
        self.seeds = Path(seeds) if seeds else None
        self.folds = folds
        self._process: subprocess.Popen | None = None
        self._folder: Path | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Find the last run; one the previous server left running is marked as interrupted."""
        runs = sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []
        for folder in runs:
            if read_json(folder / "result.json") is None:
                message = "interrupted when the server stopped; start it again"
                write_json(folder / "result.json", {"status": "failed", "message": message})
        self._folder = runs[-1] if runs else None

    def start(self) -> dict:
        """Start a retraining.

        Raises
        ------
        RetrainBusyError
            If one is running, or there is no correction yet.
        """
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                raise RetrainBusyError("a retraining is already running; wait for it to finish")
            if not self._corrections_count():
                raise RetrainBusyError("no corrections yet: review some articles first")
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
            folder = self.root / f"{stamp}-{secrets.token_hex(3)}"
            folder.mkdir(parents=True)
            spec = {
                "seeds": str(self.seeds) if self.seeds else None,
                "corrections": str(self.corrections),
                "out": str(self.registry.new_path()),
                "folds": self.folds,
                "served": self.registry.model_id(self.registry.path),
                "created": time.time(),
            }
            write_json(folder / "spec.json", spec)
            with open(folder / "train.log", "a", encoding="utf-8") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "classify.serve.retrain", str(folder)],
                    stdin=subprocess.PIPE,  # closed when this server dies: the process then exits
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    cwd=folder,
                )
            self._folder = folder
        return self.status()

    def status(self) -> dict:
        """The last run: ``{"status": "none" | "running" | "done" | "failed", ...}``, and ``available``:
        the corrections a new run would add."""
        return {**self._run_status(), "available": self._corrections_count()}

    def _corrections_count(self) -> int:
        try:
            with open(self.corrections / "labels.jsonl", "rb") as handle:
                return sum(1 for line in handle if line.strip())
        except FileNotFoundError:
            return 0

    def _run_status(self) -> dict:
        with self._lock:
            folder, process = self._folder, self._process
        if folder is None:
            return {"status": "none", "seeds": str(self.seeds) if self.seeds else None}
        spec = read_json(folder / "spec.json") or {}
        out = {"status": "running", "seeds": spec.get("seeds"), "served_at_start": spec.get("served")}
        if process is not None and process.poll() is None:
            progress = read_json(folder / "progress.json") or {}
            out.update({key: progress.get(key) for key in ("phase", "fold", "folds")})
            return out
        result = read_json(folder / "result.json")
        if result is None:
            code = process.poll() if process is not None else None
            result = {
                "status": "failed",
                "message": f"the training process stopped (exit status {code}); see train.log",
            }
        out.update(result)
        return out

    def stop(self) -> None:
        """Stop a running retraining (its model is not saved)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                process.kill()
                process.wait()
        if process is not None:
            process.stdin.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the retraining process."""
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]).resolve()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops it with SIGTERM
    exit_with_the_server()
    with open(folder / "train.log", "a", encoding="utf-8") as log, redirect_stderr(log):
        try:
            result = run_retrain(folder)
        except Exception as exc:  # a bug: one line for the page, the traceback in the log
            traceback.print_exc(file=log)
            result = {"status": "failed", "message": f"internal error ({type(exc).__name__}: {exc})"}
    write_json(folder / "result.json", result)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by the server as a process
    sys.exit(main())
