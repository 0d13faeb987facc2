"""Run a task over a stream of chunks with ``jobs`` processes, the calling one included.

``--jobs N`` means N processes labelling: N - 1 joblib (loky) workers plus the
driver itself. The driver would otherwise sit idle between writing chunks, and
it can start labelling at once while the workers are still being spawned and
importing, which is most of the cost of a short run. Results come back in input
order, and at most a bounded number of chunks are held at any time.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

__all__ = ["start_workers", "run_ordered"]


@dataclass
class _Slot:
    """One chunk's place in the output order: a worker's future, or the driver's own result."""

    chunk: list
    future: Future | None = None
    result: Any = field(default=None)

    @property
    def ready(self) -> bool:
        return self.future is None or self.future.done()

    def take(self) -> Any:
        return self.result if self.future is None else self.future.result()


def start_workers(jobs: int, warm_up: Callable[[], Any] | None = None):
    """Start the ``jobs - 1`` worker processes now and return their (reusable loky) executor.

    Parameters
    ----------
    jobs : int
        Processes doing the work, this one included.
    warm_up : callable, optional
        Picklable function sent to each worker first (e.g. loading the model),
        so the workers get ready while this process does the same.
    """
    from joblib.externals.loky import get_reusable_executor

    workers = max(1, jobs - 1)
    executor = get_reusable_executor(max_workers=workers, timeout=300)
    if warm_up is not None:
        for _ in range(workers):
            executor.submit(warm_up)
    return executor


def run_ordered(
    task: Callable[[list], Any],
    chunks: Iterable[list],
    executor,
    jobs: int,
    *,
    per_worker_ahead: int = 2,
) -> Iterator[Any]:
    """Yield ``task(chunk)`` for every chunk, in input order, using ``jobs`` processes.

    Parameters
    ----------
    task : callable
        Picklable function of one chunk (runs in the workers and in this process).
    chunks : iterable of list
        Consumed lazily.
    executor : concurrent.futures.Executor
        The ``jobs - 1`` workers (see :func:`start_workers`).
    jobs : int
        Processes doing the work, this one included.
    per_worker_ahead : int, default=2
        Chunks queued per worker, so that a worker never waits for the driver.

    Notes
    -----
    The driver labels a chunk itself only while the oldest chunk is still with a
    worker, so it never delays the output. Once the input is exhausted it takes
    back the chunks no worker has started rather than wait for them.
    """
    workers = max(1, jobs - 1)
    remote_limit = per_worker_ahead * workers
    held_limit = remote_limit + 2 * jobs
    slots: collections.deque[_Slot] = collections.deque()
    iterator = iter(chunks)
    exhausted = False

    def next_chunk() -> list | None:
        nonlocal exhausted
        chunk = None if exhausted else next(iterator, None)
        exhausted = chunk is None
        return chunk

    while True:
        remote = sum(slot.future is not None for slot in slots)
        while remote < remote_limit and len(slots) < held_limit and (chunk := next_chunk()) is not None:
            slots.append(_Slot(chunk, executor.submit(task, chunk)))
            remote += 1
        if not slots:
            return
        if not slots[0].ready and _work_locally(task, slots, held_limit, next_chunk):
            continue
        yield slots.popleft().take()  # ready, or nothing left to do here but wait for it


def _work_locally(task: Callable[[list], Any], slots: collections.deque, held_limit: int, next_chunk) -> bool:
    """Label one chunk in this process while the oldest one is still with a worker; False if there is none."""
    if len(slots) < held_limit and (chunk := next_chunk()) is not None:
        slots.append(_Slot(chunk, result=task(chunk)))
        return True
    for slot in reversed(slots):  # input exhausted: take back a chunk no worker has started
        if slot.future is not None and slot.future.cancel():
            slot.result, slot.future = task(slot.chunk), None
            return True
    return False
