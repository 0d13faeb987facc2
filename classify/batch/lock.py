"""One run per output: an exclusive lock on ``OUTPUT.lock`` for the whole run.

Two runs writing one output would interleave their records and delete each other's
partial file. Each run therefore takes an exclusive, non-blocking lock on ``OUTPUT.lock``
before it looks at the output, and a second run on the same output stops at once with one
line naming the first (process id, host, start time), which the owner writes into
the lock file.

The lock is a POSIX record lock (``fcntl.lockf``; ``msvcrt.locking`` on Windows): the
kernel releases it when its process ends in any way, ``kill -9`` included, so a lock file
left by a killed run is never stale; the next run takes it and goes on. Record locks belong
to a process, not to its children: forked workers do not hold it after their driver died,
and a set of the outputs this process holds keeps two threads of one process (a notebook)
apart. The lock file is removed when the run ends; if another run opened the old file just
before, it notices (its file is no longer the one at the path) and tries again.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

from classify.errors import OutputError

__all__ = ["OutputLock", "lock_path"]

_HELD: set[str] = set()  # outputs locked by this process
_HELD_GUARD = threading.Lock()
_WINDOWS_LOCK_OFFSET = 1 << 20  # msvcrt locks bytes; lock one past the owner text so it stays readable


def lock_path(output: str | Path) -> Path:
    """The lock file of ``output``."""
    path = Path(output)
    return path.with_name(path.name + ".lock")


class OutputLock:
    """Context manager holding the lock of one output for a run.

    Missing folders of the output are created first (the lock file needs one) and
    removed again at the end if the run left them empty.

    Raises
    ------
    OutputError
        On entry, if another run holds the lock (naming it) or the lock file cannot be made.
    """

    def __init__(self, output: str | Path) -> None:
        self.output = Path(output)
        self.path = lock_path(output)
        self._fd: int | None = None
        self._created: list[Path] = []
        self._key = os.path.abspath(self.path)

    def __enter__(self) -> OutputLock:
        with _HELD_GUARD:
            if self._key in _HELD:
                raise OutputError(f"{self.output}: another run in this process is writing it")
            _HELD.add(self._key)
        try:
            self._make_folders()
            self._acquire()
        except BaseException:
            self._remove_folders()
            with _HELD_GUARD:
                _HELD.discard(self._key)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._fd is not None:
                self.path.unlink(missing_ok=True)  # while still locked: a waiting run then sees a new file
                os.close(self._fd)  # releases the lock
                self._fd = None
            self._remove_folders()
        finally:
            with _HELD_GUARD:
                _HELD.discard(self._key)

    def _make_folders(self) -> None:
        missing = [p for p in [self.path.parent, *self.path.parent.parents] if not p.exists()]
        try:
            for folder in reversed(missing):
                folder.mkdir()
                self._created.append(folder)
        except OSError as exc:
            raise OutputError(f"{self.output}: cannot create its folder ({exc.strerror or exc})") from None

    def _remove_folders(self) -> None:
        for folder in reversed(self._created):
            try:
                folder.rmdir()  # only if the run left it empty
            except OSError:
                break
        self._created = []

    def _acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot create the lock file ({exc.strerror or exc})") from None
            if not _try_lock(fd):
                owner = _read_owner(fd)
                os.close(fd)
                raise OutputError(
                    f"{self.output}: another classify label run is writing it ({owner}); "
                    "wait for it to finish or stop it, then run again"
                )
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the owner removed this file as it finished: lock the new one
        self._fd = fd
        _write_owner(fd)


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _write_owner(fd: int) -> None:
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    data = json.dumps(owner, ensure_ascii=False).encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)


def _read_owner(fd: int) -> str:
    """Who holds the lock, as written in the lock file by its owner."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        owner = json.loads(os.read(fd, 4096).decode("utf-8"))
        return f"process {owner['pid']} on {owner['host']}, started {owner['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "it has just started"
