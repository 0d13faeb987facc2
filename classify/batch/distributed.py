"""Batch labelling on a Dask cluster (``--scheduler tcp://HOST:8786`` or ``local:N``).

The driver streams: it keeps at most ``max_in_flight`` chunks submitted, yields
finished chunks strictly in input order, and only then submits more, so memory
stays bounded whatever the input size. Tasks carry documents and the model
*path*; each worker process loads the model once (sha256-checked) and keeps
it, as ``--jobs`` workers do, so the model is never pickled per chunk and the
output bytes equal a local run's. The workers of a ``local:N`` cluster are
forked from the driver after it loaded the model, so they start with it. A
chunk whose worker dies is re-run by Dask on another worker; since results are
collected per chunk in order, no document is lost or duplicated.
"""

from __future__ import annotations

import collections
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from classify.batch.parallel import can_fork
from classify.errors import ClassifyError

__all__ = ["SchedulerError", "DaskStats", "dask_label_chunks", "connect"]

INSTALL_HINT = (
    'Dask is not installed: pip install "dask[distributed]" (from a checkout of classify: pip install ".[dask]")'
)


class SchedulerError(ClassifyError):
    """The Dask scheduler cannot be reached or started, or Dask is missing."""


@dataclass
class DaskStats:
    """Instrumentation of a Dask run (used by tests and benchmarks)."""

    submitted: int = 0
    max_in_flight_seen: int = 0


def connect(scheduler: str, *, timeout: float | None = None, preload: Callable[[], Any] | None = None):
    """A ``dask.distributed.Client`` for ``tcp://HOST:PORT`` or a new ``local:N`` cluster.

    Parameters
    ----------
    scheduler : str
        ``tcp://HOST:PORT`` (or ``tls://``) of a running scheduler, or ``local:N``.
    timeout : float, optional
        Connection timeout in seconds, by default ``$CLASSIFY_DASK_TIMEOUT`` or 10.
    preload : callable, optional
        ``local:N`` only: run in this process before the cluster starts. Where
        the platform can fork (Linux), the local workers are forked from this
        process and inherit what ``preload`` loaded (the model) and every
        imported module, instead of each importing Dask and loading the model
        again; elsewhere they are spawned and load it on their first chunk.

    Raises
    ------
    SchedulerError
        If Dask is not installed, the address is malformed, or the scheduler does not answer.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SchedulerError(INSTALL_HINT) from None
    if scheduler.startswith("local:"):
        try:
            workers = int(scheduler.split(":", 1)[1])
        except ValueError:
            raise SchedulerError(f"--scheduler {scheduler!r}: expected local:N with N a number of workers") from None
        import dask

        # Tuned for CPU-bound Python tasks: the statistical profiler interrupts the
        # task thread every 10 ms, and an aggressive malloc trim makes numpy's
        # small allocations slow. Both measurably cost throughput here.
        settings = {
            "distributed.worker.profile.enabled": False,
            "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        }
        if can_fork():
            if preload is not None:
                preload()
            settings["distributed.worker.multiprocessing-method"] = "fork"
        with dask.config.set(settings):
            # dashboard_address=":0": a free port, so two local runs at once do not collide on 8787.
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
            )
        return Client(cluster)
    if not scheduler.startswith(("tcp://", "tls://")):
        raise SchedulerError(f"--scheduler {scheduler!r}: expected tcp://HOST:PORT or local:N")
    if timeout is None:
        timeout = float(os.environ.get("CLASSIFY_DASK_TIMEOUT", "10"))
    try:
        return Client(scheduler, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc})") from None


def dask_label_chunks(
    client,
    chunks: Iterable[list],
    task,
    *,
    max_in_flight: int | None = None,
    stats: DaskStats | None = None,
    retries: int = 3,
) -> Iterator[list]:
    """Run ``task(chunk)`` for every chunk on the cluster and yield the results in input order.

    Parameters
    ----------
    client : dask.distributed.Client
    chunks : iterable of list
        Work units, consumed lazily.
    task : callable
        Picklable function of one chunk (a ``functools.partial`` carrying the model path).
    max_in_flight : int, optional
        Chunks submitted but not yet yielded; default twice the number of worker threads.
    stats : DaskStats, optional
        Filled with counters as the run goes.
    retries : int, default=3
        Re-runs of a chunk whose task failed (a worker dying is retried by the scheduler anyway).
    """
    if max_in_flight is None:
        max_in_flight = max(2, 2 * sum(client.nthreads().values()))
    stats = stats if stats is not None else DaskStats()
    pending: collections.deque = collections.deque()
    iterator = iter(chunks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < max_in_flight:
            chunk = next(iterator, None)
            if chunk is None:
                exhausted = True
                break
            payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
            pending.append(client.submit(_run_packed, task, payload, pure=False, retries=retries))
            stats.submitted += 1
            stats.max_in_flight_seen = max(stats.max_in_flight_seen, len(pending))
        if not pending:
            return
        future = pending.popleft()
        result = future.result()
        future.release()
        yield pickle.loads(result)


def _run_packed(task, payload: bytes) -> bytes:
    """Run ``task`` on a pickled chunk and pickle its result.

    Chunks and results travel as opaque bytes: Dask's event loops (client,
    scheduler, worker) then only copy them, and the (de)serialisation runs in
    the task thread and the driver's main thread instead, off the loops that
    keep the cluster responsive.
    """
    return pickle.dumps(task(pickle.loads(payload)), protocol=pickle.HIGHEST_PROTOCOL)
