"""Replace a file atomically: readers see the old content or the new, never a torn one."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any

from classify.errors import OutputError

__all__ = ["atomic_write", "blocking_file", "remove_stale_temporaries"]


def atomic_write(path: str | Path, write: Any, mode: str = "wb") -> None:
    """Call ``write(handle)`` on a temporary file next to ``path``, then rename it into place.

    The file gets the permissions a plain ``open()`` would give it (the
    process umask applied to 0o666), or keeps those of the file it replaces.

    Raises
    ------
    OutputError
        If the folder cannot be created or the file cannot be written (a parent
        that is a file, no permission, a full disk), naming ``path``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temporary(path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove the temporary files :func:`atomic_write` left next to ``path`` when killed mid-write.

    Only for a caller that knows no other process is writing ``path`` (it holds the output's lock).

    Returns
    -------
    list of Path
        The files removed.
    """
    path = Path(path)
    removed = []
    for candidate in path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"):
        middle = candidate.name[len(path.name) + 2 : -len(".tmp")]
        if len(middle) == 12 and all(c in "0123456789abcdef" for c in middle):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _glob_escape(name: str) -> str:
    """``name`` with the characters :meth:`Path.glob` treats as wildcards escaped."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _create_temporary(path: Path) -> tuple[int, Path]:
    # Not tempfile.mkstemp: it creates files as 0o600, so a model or report
    # written for colleagues on a shared server would be unreadable to them.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def blocking_file(path: str | Path) -> Path | None:
    """The nearest existing ancestor of ``path`` (or ``path`` itself) if it is a file, not a folder.

    Such a file keeps ``path`` from ever being created; callers check before
    long work rather than fail at the end of it.
    """
    for candidate in (Path(path), *Path(path).parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None
