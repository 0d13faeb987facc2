"""The batch run's progress bar: tqdm without its monitor thread.

tqdm starts a monitor thread with its first bar and leaves it running for the
life of the process. A process that runs threads is never forked
(:func:`classify.parallel.forks_workers`: a thread holding a lock at the fork
would leave it locked in the child), so with that thread alive every later
``--jobs N`` run in the same process, a notebook's second call for example,
would fall back to slower-starting loky workers. The monitor only corrects bars
that refresh too rarely; this one is updated after every chunk.
"""

from __future__ import annotations

from tqdm import tqdm

__all__ = ["ProgressBar"]


class ProgressBar(tqdm):
    """A :class:`tqdm.tqdm` that starts no thread."""

    monitor_interval = 0
