"""Ordered, streaming map over worker processes (the engine of ``--jobs N``).

Results come back in input order, and at most ``in_flight`` items are
submitted and not finished, one item per task, so memory stays bounded
whatever the input size. A worker that dies (killed, out of memory) becomes
one :class:`WorkerError` with a clear message instead of a traceback from the
executor.

Two engines, one behaviour:

* On Linux, when the driver runs no other thread, the workers are forked from
  it (the standard library's ``ProcessPoolExecutor`` with the ``fork`` start
  method; a thread that holds a lock at the fork would leave it locked forever
  in the child, so a threaded host, such as a notebook kernel, gets the other
  engine). They start at once with every module and whatever the driver loaded
  before the map (the model) in place, and share those pages with it
  copy-on-write, instead of each starting an interpreter, importing numpy and
  loading its own copy of the model: 0.3-0.6 s less start-up, and 247 instead
  of 343 MiB for a whole ``--jobs 2`` run (``scripts/bench_workers.py``). The
  steady-state speed is the same (``scripts/bench_batch.py --compare-loky``).
  joblib's own fork-based backend cannot stream results in order
  (``return_as="generator"``), and loky warns that forking does not respect
  POSIX there (it would fork while its own threads run), hence the executor.
* Otherwise (also on macOS, whose system libraries are not fork-safe, and on
  Windows, which has no fork) joblib's loky workers are used; each loads the
  model on its first chunk.

An idle worker whose driver was killed (SIGKILL, the OOM killer) would wait
for work forever (loky keeps idle workers for minutes; a forked worker holds
its task queue open itself), holding its copy of the model. Each worker
therefore watches its parent and exits as soon as it is gone.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from classify.errors import ClassifyError

__all__ = ["WorkerError", "can_fork", "forks_workers", "ordered_map"]

PARENT_CHECK_SECONDS = 0.5
_watched_parent: int | None = None  # in a worker: the driver its watchdog thread watches


class WorkerError(ClassifyError):
    """A worker process died (killed, out of memory) before finishing its work."""


def can_fork() -> bool:
    """Whether worker processes are forked here (Linux) rather than started afresh.

    macOS's system libraries are not fork-safe, and Windows has no fork.
    """
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def forks_workers() -> bool:
    """Whether :func:`ordered_map` forks its workers from this process now.

    On Linux, and only while this process runs no other Python thread.
    """
    return can_fork() and threading.active_count() == 1


def ordered_map(
    function: Callable[[Any], Any],
    items: Iterable,
    jobs: int,
    *,
    in_flight: int | None = None,
    fork: bool | None = None,
) -> Iterator:
    """Yield ``function(item)`` for every item, in input order, computed by ``jobs`` processes.

    Parameters
    ----------
    function : callable
        Picklable (a module-level function or a ``functools.partial`` of one).
    items : iterable
        Consumed lazily: a new item is taken whenever the oldest result is yielded.
    jobs : int
        Worker processes, at least 2.
    in_flight : int, optional
        Items submitted and not yet yielded (default ``2 * jobs``).
    fork : bool, optional
        Fork the workers from this process, or else use joblib's loky workers
        (default: :func:`forks_workers`).

    Raises
    ------
    WorkerError
        A worker process died; the results yielded before it stay valid.
    """
    if jobs < 2:
        raise ValueError(f"ordered_map needs at least 2 jobs, got {jobs}")
    in_flight = in_flight or 2 * jobs
    if fork is None:
        fork = forks_workers()
    if fork:
        yield from _forked_map(function, items, jobs, in_flight)
    else:
        yield from _loky_map(function, items, jobs, in_flight)


def _died(reason: str) -> WorkerError:
    return WorkerError(
        f"a worker process died ({reason}); the output written so far is kept: "
        "re-run with --resume (and fewer --jobs if memory ran out)"
    )


def _forked_map(function: Callable[[Any], Any], items: Iterable, jobs: int, in_flight: int) -> Iterator:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(os.getpid(),)
    )
    try:
        iterator = iter(items)
        pending = collections.deque(executor.submit(function, item) for item in itertools.islice(iterator, in_flight))
        while pending:
            try:
                result = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise _died(str(exc).strip().splitlines()[0].rstrip(".")) from exc
            try:
                pending.extend(executor.submit(function, item) for item in itertools.islice(iterator, 1))
            except BrokenProcessPool as exc:  # a worker died between this result and the next submit
                pending.append(_failed(exc))
            yield result
    finally:
        # On an early stop (an error downstream, Ctrl-C) do not wait for queued chunks.
        executor.shutdown(wait=True, cancel_futures=True)


def _failed(exc: BaseException):
    """A finished future that raises ``exc``: the error comes after the results before it, in order."""
    from concurrent.futures import Future

    future: Future = Future()
    future.set_exception(exc)
    return future


def _start_worker(parent: int) -> None:
    """Set up a worker, once: it leaves Ctrl-C to the driver and exits when the driver is gone."""
    if _watched_parent == parent:
        return
    # Ctrl-C reaches the whole process group; the driver alone handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _loky_map(function: Callable[[Any], Any], items: Iterable, jobs: int, in_flight: int) -> Iterator:
    from joblib import Parallel, delayed
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    parallel = Parallel(n_jobs=jobs, backend="loky", return_as="generator", pre_dispatch=str(in_flight), batch_size=1)
    try:
        yield from parallel(delayed(_run_in_worker)(function, item, os.getpid()) for item in items)
    except TerminatedWorkerError as exc:
        raise _died(str(exc).strip().splitlines()[0]) from exc


def _run_in_worker(function: Callable[[Any], Any], item: Any, parent: int) -> Any:
    _start_worker(parent)  # loky workers are set up on their first task
    return function(item)


def _exit_with_parent(parent: int) -> None:
    """Start, once per worker, a thread that ends the process when ``parent`` is gone.

    An orphan is re-parented (to init or a subreaper), so its parent pid changes.
    """
    global _watched_parent
    if _watched_parent == parent or os.getppid() != parent:
        return  # watching already, or not a direct child of the driver (nothing safe to watch)
    _watched_parent = parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="classify-exit-with-parent", daemon=True).start()
