"""The models a server can answer with: the one it started with, and those retrained in its work folder.

Retrained models are saved as ``WORKDIR/models/retrained-<UTC time>-<random>.joblib`` with their
manifest; none is ever overwritten or removed by the server, so any earlier model can be served
again. ``WORKDIR/models/served.json`` remembers which one the user chose, so the next ``classify
serve`` on the same work folder (without ``--model``) answers with it.
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

from classify.errors import ModelError
from classify.model.persist import manifest_path, read_manifest
from classify.serve.jobfiles import read_json, write_json

__all__ = ["ModelRegistry", "UnknownModelError", "remembered_model", "ORIGINAL"]

ORIGINAL = "original"
PREFIX = "retrained-"


class UnknownModelError(KeyError):
    """No model of this server has this id."""


def remembered_model(workdir: Path) -> Path | None:
    """The retrained model the user last chose to serve from ``workdir``, if it is still there."""
    chosen = read_json(Path(workdir) / "models" / "served.json") or {}
    name = chosen.get("model")
    if not isinstance(name, str) or not name.startswith(PREFIX) or "/" in name or "\\" in name:
        return None
    path = Path(workdir) / "models" / f"{name}.joblib"
    return path if path.is_file() and manifest_path(path).is_file() else None


class ModelRegistry:
    """Which model answers, the models it can switch to, and the switch itself.

    Parameters
    ----------
    workdir : Path
        The server's work folder (retrained models in ``workdir/models/``).
    original : Path
        The model file the server was started with (``--model`` or the shipped one).
    model : ArticleModel
        The model loaded from ``served`` (default ``original``).
    served : Path, optional
        The file ``model`` was loaded from, when not ``original`` (a remembered retrained model).
    """

    def __init__(self, workdir: Path, original: Path, model, served: Path | None = None) -> None:
        self.folder = Path(workdir) / "models"
        self.original = Path(original).resolve()
        self.model = model
        self.path = Path(served).resolve() if served else self.original
        self._lock = threading.Lock()
        self.listeners: list = []  # called with (model, path) after a switch

    def model_id(self, path: Path) -> str:
        return ORIGINAL if Path(path).resolve() == self.original else Path(path).stem

    def new_path(self) -> Path:
        """A fresh file name for a retrained model."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        return self.folder / f"{PREFIX}{stamp}-{secrets.token_hex(3)}.joblib"

    def _files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob(f"{PREFIX}*.joblib") if manifest_path(p).is_file())

    def listing(self) -> list[dict]:
        """Every model the server can answer with, the original first, then retrained ones, oldest first."""
        out = []
        for path in [self.original, *self._files()]:
            try:
                manifest = read_manifest(path)
            except ModelError:
                manifest = {}
            out.append(
                {
                    "id": self.model_id(path),
                    "name": path.name,
                    "created": manifest.get("created"),
                    "sha256": str(manifest.get("sha256", ""))[:12],
                    "corpus": manifest.get("corpus"),
                    "cv_metrics": manifest.get("cv_metrics"),
                    "served": path.resolve() == self.path,
                }
            )
        return out

    def path_of(self, model_id: str) -> Path:
        """The file of a listed model.

        Raises
        ------
        UnknownModelError
        """
        if model_id == ORIGINAL:
            return self.original
        for path in self._files():
            if path.stem == model_id:
                return path
        raise UnknownModelError(model_id)

    def serve(self, model_id: str):
        """Load a listed model (sha256-checked) and answer with it from now on; remembered for the next start.

        Raises
        ------
        UnknownModelError
        ModelError
            If the file fails its checks; the served model does not change.
        """
        import classify

        path = self.path_of(model_id)
        model = classify.load(path)  # before the switch: a broken file changes nothing
        with self._lock:
            self.model, self.path = model, path.resolve()
            write_json(self.folder / "served.json", {"model": self.model_id(path), "file": path.name})
            for listener in self.listeners:
                listener(model, self.path)
        return model
