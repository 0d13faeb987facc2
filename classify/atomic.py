"""Replace a file atomically: readers see the old content or the new, never a torn one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from classify.errors import OutputError

__all__ = ["atomic_write", "blocking_file"]


def atomic_write(path: str | Path, write: Any, mode: str = "wb") -> None:
    """Call ``write(handle)`` on a temporary file next to ``path``, then rename it into place.

    Raises
    ------
    OutputError
        If the folder cannot be created or the file cannot be written (a parent
        that is a file, no permission, a full disk), naming ``path``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def blocking_file(path: str | Path) -> Path | None:
    """The nearest existing ancestor of ``path`` (or ``path`` itself) if it is a file, not a folder.

    Such a file keeps ``path`` from ever being created; callers check before
    long work rather than fail at the end of it.
    """
    for candidate in (Path(path), *Path(path).parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None
