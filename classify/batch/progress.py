"""The batch run's progress bar: tqdm without its monitor thread.

tqdm starts a monitor thread with its first bar and leaves it running for the
life of the process. A process that runs threads is never forked
(:func:`classify.batch.parallel.forks_workers`: a thread holding a lock at the fork
would leave it locked in the child), so with that thread alive every later
``--jobs N`` run in the same process, a notebook's second call for example,
would fall back to slower-starting loky workers. The monitor only corrects bars
that refresh too rarely; this one is updated after every chunk.
"""

from __future__ import annotations

import os
import sys

from tqdm import tqdm

__all__ = ["ProgressBar"]

# Size used on a terminal that reports none.
FALLBACK_COLUMNS, FALLBACK_ROWS = 80, 24


class ProgressBar(tqdm):
    """A :class:`tqdm.tqdm` that starts no thread, and shows on a terminal that reports no width.

    A terminal reporting a 0 x 0 size (a pseudo-terminal nobody sized, as some
    container and CI runners allocate) would make tqdm draw an empty line; the
    bar is then drawn for an 80 x 24 terminal instead.
    """

    monitor_interval = 0

    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get("ncols") is None and _terminal_columns(kwargs.get("file") or sys.stderr) == 0:
            kwargs.update(ncols=FALLBACK_COLUMNS, nrows=FALLBACK_ROWS, dynamic_ncols=False)
        super().__init__(*args, **kwargs)


def _terminal_columns(stream) -> int | None:
    """Columns of the terminal behind ``stream``; None when it is not a terminal."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):  # no fileno (StringIO), not a terminal, closed
        return None
