"""Ordered, streaming map over joblib's process workers (the engine of ``--jobs N``).

Results come back in input order. joblib keeps at most ``in_flight`` items
submitted and not finished (``pre_dispatch``), one item per task, so memory
stays bounded whatever the input size. A worker that dies (killed, out of
memory) becomes one :class:`WorkerError` with a clear message instead of a
traceback from the executor.

loky keeps idle workers alive for minutes, waiting for more work, and a
worker whose driver was killed (SIGKILL, the OOM killer) would wait the same
way, holding its copy of the model. Each worker therefore watches its parent
and exits as soon as it is gone.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from classify.errors import ClassifyError

__all__ = ["WorkerError", "ordered_map"]

PARENT_CHECK_SECONDS = 0.5
_watched_parent: int | None = None  # in a worker: the driver its watchdog thread watches


class WorkerError(ClassifyError):
    """A worker process died (killed, out of memory) before finishing its work."""


def ordered_map(
    function: Callable[[Any], Any], items: Iterable, jobs: int, *, in_flight: int | None = None
) -> Iterator:
    """Yield ``function(item)`` for every item, in input order, computed by ``jobs`` loky processes.

    Parameters
    ----------
    function : callable
        Picklable (a module-level function or a ``functools.partial`` of one).
    items : iterable
        Consumed lazily: joblib takes a new item whenever one finishes.
    jobs : int
        Worker processes, at least 2.
    in_flight : int, optional
        Items submitted and not yet finished (default ``2 * jobs``).

    Raises
    ------
    WorkerError
        A worker process died; the results yielded before it stay valid.
    """
    if jobs < 2:
        raise ValueError(f"ordered_map needs at least 2 jobs, got {jobs}")
    from joblib import Parallel, delayed
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    parallel = Parallel(
        n_jobs=jobs, backend="loky", return_as="generator", pre_dispatch=str(in_flight or 2 * jobs), batch_size=1
    )
    try:
        yield from parallel(delayed(_run_in_worker)(function, item, os.getpid()) for item in items)
    except TerminatedWorkerError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise WorkerError(
            f"a worker process died ({reason}); the output written so far is kept: "
            "re-run with --resume (and fewer --jobs if memory ran out)"
        ) from exc


def _run_in_worker(function: Callable[[Any], Any], item: Any, parent: int) -> Any:
    _exit_with_parent(parent)
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
