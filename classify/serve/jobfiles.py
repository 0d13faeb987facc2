"""The files of one batch job in the server's work folder, shared by the server and its worker process.

A job lives in ``WORKDIR/jobs/<folder>/``, where ``<folder>`` is random and unrelated
to the job's id (the id is never part of a path)::

    job.json         what to do and the job's state (written by the server)
    input/           the upload, stored under a safe name; a zip is unpacked beside it
    output.jsonl     the records, written by classify.batch.label_files
                     (output.jsonl.partial + .ckpt while running: resumable)
    progress.json    phase and counts (written by the worker after each chunk)
    result.json      final counts and the first error records, or why it failed (worker)
    worker.log       the worker's warnings and, after a bug, its traceback
    exports/         the output converted to CSV, TSV or XLSX on first download
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from classify.atomic import atomic_write

__all__ = ["JobFiles", "read_json", "write_json"]


@dataclass(frozen=True)
class JobFiles:
    """Paths of one job's files (see the module docstring)."""

    folder: Path

    @property
    def spec(self) -> Path:
        return self.folder / "job.json"

    @property
    def input_dir(self) -> Path:
        return self.folder / "input"

    @property
    def output(self) -> Path:
        return self.folder / "output.jsonl"

    @property
    def progress(self) -> Path:
        return self.folder / "progress.json"

    @property
    def result(self) -> Path:
        return self.folder / "result.json"

    @property
    def log(self) -> Path:
        return self.folder / "worker.log"

    @property
    def exports(self) -> Path:
        return self.folder / "exports"

    def unpacked(self, input_name: str) -> Path:
        """The folder a zip upload is unpacked into: its name without ``.zip``."""
        stem = Path(input_name).stem or "articles"
        return self.input_dir / (stem if stem != input_name else stem + "_files")


def read_json(path: Path) -> dict | None:
    """The JSON object in ``path``, or None when it is missing or torn."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_json(path: Path, value: dict, *, durable: bool = True) -> None:
    """Replace ``path`` with ``value`` atomically; fsynced unless ``durable`` is False (progress counts)."""
    text = json.dumps(value, ensure_ascii=False)
    if durable:
        atomic_write(path, lambda handle: handle.write(text), mode="w")
        return
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def exit_with_the_server() -> None:
    """End this process when the server that started it is gone (its pipe on our stdin closes)."""

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        os._exit(3)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()
