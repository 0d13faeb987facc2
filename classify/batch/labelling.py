"""Batch labelling: many documents in, one output record per document, in input order.

Documents are streamed in chunks; with ``jobs > 1`` the chunks go to worker
processes (:mod:`classify.batch.parallel`), which are forked from the driver after it
loaded the model (Linux) or load it once each (joblib's loky otherwise). A
document that cannot be read or labelled becomes a record with ``error`` set
and never stops the run. Output writing is crash-safe and resumable (see
:mod:`classify.batch.output`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from classify.batch.records import record_keys, shaped_record
from classify.batch.sources import DEFAULT_MAX_BYTES, SourceDocument, count_documents, html_to_text, iter_documents
from classify.batch.summary import BatchSummary
from classify.errors import ClassifyError

__all__ = ["BatchSummary", "iter_labels", "label_documents", "label_files", "DEFAULT_CHUNK_SIZE"]

DEFAULT_CHUNK_SIZE = 256
_WORKER_MODELS: dict = {}


def _model_key(model_path: str, trust: bool) -> tuple:
    # The file's size and mtime are part of the key: a model retrained at the same
    # path (a notebook session) is loaded again, not served stale from the cache.
    try:
        stat = os.stat(model_path)
    except OSError:
        return (model_path, trust, None)  # classify.load reports the missing file
    return (model_path, trust, stat.st_size, stat.st_mtime_ns)


def _model(model_path: str, trust: bool):
    """The model of this process, loaded on first use and then kept (one load per worker)."""
    key = _model_key(model_path, trust)
    if key not in _WORKER_MODELS:
        import classify

        model = classify.load(model_path, trust=trust)
        for stale in [k for k in _WORKER_MODELS if k[:2] == key[:2]]:
            del _WORKER_MODELS[stale]
        _WORKER_MODELS[key] = model
    return _WORKER_MODELS[key]


def _warm_up(model_path: str, trust: bool) -> None:
    """Load the model into this process's cache (the preload of forked Dask workers)."""
    _model(model_path, trust)


def _record(keys: list[str], doc: SourceDocument, values: dict) -> dict:
    # The input's own fields go under "input": a gold "event_type" or "source" in an export
    # stays next to the prediction instead of being overwritten by it.
    return shaped_record(keys, {"id": doc.id, "source": doc.source, **values, "input": doc.extra or None})


def _label_chunk(model_path: str, trust: bool, chunk: Sequence[SourceDocument], sentences: int, fmt: str | None = None):
    """Label one chunk; every document gets exactly one record.

    Returns the records, or with ``fmt`` set a :class:`classify.batch.output.RenderedChunk`
    (serialised where the work is done, so a worker ships back one string).
    """
    records = _label_records(model_path, trust, chunk, sentences)
    if fmt is None:
        return records
    from classify.batch.output import render_chunk

    return render_chunk(records, fmt)


def _label_records(model_path: str, trust: bool, chunk: Sequence[SourceDocument], sentences: int) -> list[dict]:
    model = _model(model_path, trust)
    keys = record_keys(model.label_fields)
    records: list[dict | None] = [None] * len(chunk)
    ready = []
    for i, doc in enumerate(chunk):
        if doc.error:
            records[i] = _record(keys, doc, {"error": doc.error})
            continue
        try:
            text, title = doc.text, doc.title
            if doc.is_html:
                text, html_title = html_to_text(text)
                title = title or html_title
            ready.append((i, model.prepare(text, title=title, source=doc.source)))
        except ClassifyError as exc:
            records[i] = _record(keys, doc, {"error": str(exc)})
    try:
        predictions = model.predict_prepared([p for _, p in ready], sentences=sentences)
    except Exception:
        predictions = None  # isolate the document that breaks the vectorised pass
    for k, (i, prepared) in enumerate(ready):
        doc = chunk[i]
        try:
            prediction = (
                predictions[k]
                if predictions is not None
                else model.predict_prepared([prepared], sentences=sentences)[0]
            )
            records[i] = _record(keys, doc, {**prediction.to_dict(), "error": None})
        except Exception as exc:  # a bug must not lose the other documents
            records[i] = _record(keys, doc, {"error": f"{doc.source}: internal error ({type(exc).__name__}: {exc})"})
    return records  # type: ignore[return-value]


def _check_counts(**counts: int) -> None:
    for name, value in counts.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _mark_duplicates(docs: Iterable[SourceDocument], summary: BatchSummary) -> Iterator[SourceDocument]:
    first_seen: dict[str, str] = {}
    for doc in docs:
        if doc.id in first_seen and not doc.error:
            summary.duplicates += 1
            doc.error = f"{doc.source}: duplicate id {doc.id!r} (first at {first_seen[doc.id]}); not labelled twice"
            print(f"classify: warning: {doc.error}", file=sys.stderr)
        else:
            first_seen.setdefault(doc.id, doc.source)
        yield doc


def label_documents(
    docs: Iterable[SourceDocument],
    *,
    model_path: str | Path | None = None,
    trust: bool = False,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    sentences: int = 3,
    client=None,
    dask_stats=None,
    max_in_flight: int | None = None,
    fmt: str | None = None,
) -> Iterator:
    """Yield output records chunk by chunk, in input order.

    Parameters
    ----------
    docs : iterable of SourceDocument
    model_path : str or Path, optional
        Model file (default: the shipped model). It is checked here once, then
        loaded once per worker process.
    trust : bool, default=False
    jobs : int, default=1
        Worker processes (forked from this process on Linux when it runs no other
        thread, else joblib/loky; see :mod:`classify.batch.parallel`); 1 runs in this process.
    chunk_size : int, default=256
    sentences : int, default=3
        Summary length.
    client : dask.distributed.Client, optional
        Run the chunks on this Dask cluster instead (see :mod:`classify.batch.distributed`).
    dask_stats : classify.batch.distributed.DaskStats, optional
    max_in_flight : int, optional
        Dask only: chunks submitted ahead of the one being written.
    fmt : {"jsonl", "csv", "csv-excel"}, optional
        Yield each chunk rendered in this output format
        (:class:`classify.batch.output.RenderedChunk`) instead of a list of records.
    """
    from classify.batch.parallel import forks_workers
    from classify.model.models_path import resolve_model_path

    _check_counts(jobs=jobs, chunk_size=chunk_size, sentences=sentences)
    path = str(resolve_model_path(model_path))
    forked = client is None and jobs > 1 and forks_workers()  # decided once: the preload depends on it
    if client is None and (jobs == 1 or forked):
        # Fail fast (missing or tampered model) before any work. Forked workers
        # (see classify.batch.parallel) start with this copy instead of loading their own.
        _model(path, trust)
    elif _model_key(path, trust) not in _WORKER_MODELS:  # loaded here already (local Dask preload): checked then
        # The workers load it; here only the checks, so the driver does not spend
        # a core unpickling a model it never uses while the workers start.
        from classify.model.persist import verify_model

        verify_model(path, trust=trust)
    chunks = _chunks(docs, chunk_size)
    if jobs == 1 and client is None:
        for chunk in chunks:
            yield _label_chunk(path, trust, chunk, sentences, fmt)
        return
    task = functools.partial(_label_chunk, path, trust, sentences=sentences, fmt=fmt)
    if client is not None:
        from classify.batch.distributed import dask_label_chunks

        yield from dask_label_chunks(client, chunks, task, max_in_flight=max_in_flight, stats=dask_stats)
        return
    from classify.batch.parallel import ordered_map

    yield from ordered_map(task, chunks, jobs, fork=forked)


def iter_labels(
    inputs: Sequence[str], *, model: str | Path | None = None, jobs: int = 1, sentences: int = 3, **source_options
) -> Iterator[dict]:
    """Label the documents of ``inputs`` and yield one record per document (notebooks, pipelines).

    ``source_options`` are passed to :func:`classify.batch.sources.iter_documents`
    (``text_column``, ``id_column``, ``title_column``, ``max_bytes``).
    """
    summary = BatchSummary()
    docs = _mark_duplicates(iter_documents(inputs, **source_options), summary)
    for chunk in label_documents(docs, model_path=model, jobs=jobs, sentences=sentences):
        yield from chunk


def label_files(
    inputs: Sequence[str],
    output: str,
    *,
    model: str | Path | None = None,
    jobs: int = 1,
    resume: bool = False,
    force: bool = False,
    update: bool = False,
    fmt: str | None = None,
    sentences: int = 3,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    checkpoint_seconds: float = 1.0,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    progress: bool = False,
    trust: bool = False,
    scheduler: str | None = None,
    dask_stats=None,
    max_in_flight: int | None = None,
    on_chunk: Callable[[BatchSummary], None] | None = None,
    encoding: str = "auto",
    allow_empty: bool = False,
) -> BatchSummary:
    """Label every document of ``inputs`` into ``output`` (JSONL, CSV, TSV or XLSX, ``-`` for stdout).

    Parameters
    ----------
    inputs : sequence of str
        Folders, ``.txt``/``.html`` files, JSONL, CSV or TSV files, or ``-`` (JSONL on stdin).
    output : str
        Output file: ``.jsonl``, ``.csv``, ``.tsv`` (each also ``.gz``) or ``.xlsx``. It may not
        be an input, nor lie in an input folder where it would be read as an article.
    resume : bool
        Continue an interrupted run (skips the documents already written); refused if
        the model, the options that change records or the inputs differ.
    force : bool
        Overwrite an existing output.
    update : bool
        Label only the documents whose ids are not in the finished output, and add them to it.
    checkpoint_seconds : float, default=1.0
        Least time between two checkpoints (fsync of the output and of the
        resume state); a crash loses at most this much work.
    progress : bool
        Show a progress bar on stderr: with the total, percentage and time left when the
        number of documents is cheap to know (:func:`classify.batch.sources.count_documents`),
        else a running count.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a Dask scheduler, or ``local:N`` for a local
        cluster of N worker processes; replaces ``jobs``.
    on_chunk : callable, optional
        Called with the running :class:`BatchSummary` after each chunk is written
        (``skipped`` is already set on a resumed run): progress for callers that
        are not a terminal, such as the web server's jobs.
    encoding : str, default="auto"
        Encoding of the inputs: ``"auto"`` (UTF-8, or UTF-16 with a BOM) or a named one such
        as ``"cp1258"`` (text put in NFC form); see :mod:`classify.text.reading`.
    allow_empty : bool, default=False
        Write an empty output when the inputs hold no document, instead of raising (a run
        with ``resume`` or ``update`` never raises for it: it continues an output).

    Returns
    -------
    BatchSummary

    Raises
    ------
    classify.batch.output.OutputError, classify.errors.InputError, classify.errors.ModelError
        Usage errors (another run writing the output among them; inputs that hold no
        document, unless ``allow_empty``), raised before any document is processed and
        before anything is created.
    ValueError
        ``jobs``, ``chunk_size`` or ``sentences`` under 1.
    """
    from classify.atomic import remove_stale_temporaries
    from classify.batch.guard import check_output_target, own_files
    from classify.batch.lock import OutputLock
    from classify.batch.output import OutputError, detect_format, finished_run, open_writer, run_record_path
    from classify.batch.previous import describe_run
    from classify.batch.progress import ProgressBar
    from classify.errors import InputError
    from classify.model.models_path import resolve_model_path
    from classify.text.reading import check_encoding

    _check_counts(jobs=jobs, chunk_size=chunk_size, sentences=sentences)
    check_encoding(encoding)
    if resume + force + update > 1:
        raise OutputError("use only one of --resume, --update and --force")
    started = time.perf_counter()
    summary = BatchSummary(update=update)
    for name in inputs:
        if name != "-" and not Path(name).exists():
            raise InputError(f"{name}: no such file or folder")
    check_output_target(output, inputs)
    fmt = detect_format(output, fmt)
    model_path = str(resolve_model_path(model))
    source_options = {"text_column": text_column, "id_column": id_column, "title_column": title_column}
    source_options.update(max_bytes=max_bytes, encoding=encoding)
    # Everything is checked before anything is created: a bad model leaves no empty partial file.
    preload = scheduler is None and (jobs == 1 or _forks(jobs))
    model_sha256 = _model_sha256(model_path, trust, preload)
    run = describe_run(model_sha256, inputs, model_path=model_path, sentences=sentences, format=fmt, **source_options)
    client = _connect(scheduler, functools.partial(_warm_up, model_path, trust))
    try:
        with OutputLock(output) if output != "-" else contextlib.nullcontext():
            for own in own_files(output):  # a killed run's half-written checkpoint or record: only ours
                remove_stale_temporaries(own)
            if update and output != "-" and Path(output).exists() and finished_run(output) is None:
                print(
                    f"classify: {output}: no readable {run_record_path(output).name} says which model wrote it; "
                    "the new records are this model's",
                    file=sys.stderr,
                )
            docs = iter_documents(inputs, **source_options, ignored=summary.ignored, exclude=own_files(output))
            if not (resume or update):  # a fresh run: its first document is read before anything is written
                docs = _refuse_empty(docs, inputs, summary, allow_empty)
            writer = open_writer(
                output, fmt, resume=resume, force=force, update=update, commit_seconds=checkpoint_seconds, run=run
            )
            if writer is None:
                _check_complete(output, fmt, inputs, source_options)
                summary.complete = True
                return summary
            docs = _mark_duplicates(docs, summary)
            if writer.mode == "update":
                docs = _skip_ids(docs, writer.done_ids, summary)
            elif writer.done:
                docs = _skip_done(docs, writer.done, writer.last_id, output)
                summary.skipped = writer.done
            batches = label_documents(
                docs,
                model_path=model_path,
                trust=trust,
                jobs=jobs,
                chunk_size=chunk_size,
                sentences=sentences,
                client=client,
                dask_stats=dask_stats,
                max_in_flight=max_in_flight,
                fmt=fmt,
            )
            total = count_documents(inputs, encoding=encoding) if progress else None
            bar = ProgressBar(disable=not progress, total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
            try:
                for rendered in batches:
                    writer.write_rendered(rendered)
                    summary.errors += rendered.errors
                    summary.labelled += rendered.count - rendered.errors
                    bar.update(summary.labelled + summary.errors + summary.skipped - bar.n)
                    if on_chunk is not None:
                        on_chunk(summary)
                writer.finish()
            finally:
                writer.close()
                bar.close()
    finally:
        _disconnect(client, scheduler)
    summary.seconds = time.perf_counter() - started
    return summary


def _refuse_empty(
    docs: Iterator[SourceDocument], inputs: Sequence[str], summary: BatchSummary, allow_empty: bool
) -> Iterator[SourceDocument]:
    """``docs`` unchanged, or :class:`InputError` when it holds none (unless ``allow_empty``).

    The first document is read here, before any output is written, so a folder of PDFs or an
    empty export fails the start cleanly; standard input is read once, so the same iterator goes on.
    """
    from classify.errors import InputError

    first = next(docs, None)
    if first is None and not allow_empty:
        raise InputError(
            f"{', '.join(inputs)}: no articles to label (folders are searched for .txt, .html and .htm files"
            f"{summary.ignored_note()}); use --allow-empty to write an empty output anyway"
        )
    return docs if first is None else itertools.chain([first], docs)


def _forks(jobs: int) -> bool:
    from classify.batch.parallel import forks_workers

    return jobs > 1 and forks_workers()


def _model_sha256(path: str, trust: bool, preload: bool) -> str:
    """Check the model (loading it when this process uses it) and return its sha256."""
    if preload:
        manifest = getattr(_model(path, trust), "manifest", None) or {}
    else:
        from classify.model.persist import verify_model

        manifest = verify_model(path, trust=trust)
    if manifest.get("sha256"):
        return str(manifest["sha256"])
    from classify.model.persist import sha256_file

    return sha256_file(path)  # a trusted model without a manifest


def _check_complete(output: str, fmt: str, inputs: Sequence[str], source_options: dict) -> None:
    """Say that ``--resume`` has nothing to do, or raise if the finished output does not match the inputs."""
    from classify.batch.output import OutputError
    from classify.batch.previous import output_ids

    written = set(output_ids(output, fmt))
    wanted = dict.fromkeys(doc.id for doc in iter_documents(inputs, **source_options))
    new = [i for i in wanted if i not in written]
    foreign = [i for i in written if i not in wanted]
    if not new and not foreign:
        print(f"classify: {output} is already complete; nothing to resume", file=sys.stderr)
        return
    parts = [f"{len(new)} document(s) of the inputs are not in it (first: {new[0]!r})"] if new else []
    if foreign:
        parts.append(f"{len(foreign)} of its records are not from these inputs (first: {sorted(foreign)[0]!r})")
    advice = "use --update to label the new documents, or --force to start over" if new else "use --force to start over"
    raise OutputError(f"{output}: is complete but does not match the inputs: {'; '.join(parts)}; {advice}")


def _skip_ids(docs: Iterator[SourceDocument], done: set[str], summary: BatchSummary) -> Iterator[SourceDocument]:
    for doc in docs:
        if doc.id in done:
            summary.skipped += 1
        else:
            yield doc


def _connect(scheduler: str | None, preload):
    if not scheduler:
        return None
    from classify.batch.distributed import connect

    return connect(scheduler, preload=preload)


def _disconnect(client, scheduler: str | None) -> None:
    if client is None:
        return
    cluster = client.cluster
    client.close()
    if cluster is not None and scheduler.startswith("local:"):
        cluster.close()


def _skip_done(docs: Iterator[SourceDocument], done: int, last_id: str | None, output: str) -> Iterator[SourceDocument]:
    from classify.batch.output import OutputError

    last = None
    for _ in range(done):
        last = next(docs, None)
        if last is None:
            break
    if last is None or last.id != last_id:
        raise OutputError(
            f"{output}: the inputs changed since the interrupted run (record {done} was {last_id!r}); "
            "use --force to start over"
        )
    yield from docs
