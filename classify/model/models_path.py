"""Where models live: the default model shipped with the package, or a user's path."""

from __future__ import annotations

import os
from pathlib import Path

from classify.errors import ModelError

__all__ = ["DEFAULT_MODEL_NAME", "default_model_path", "resolve_model_path"]

DEFAULT_MODEL_NAME = "classify-default-v1.joblib"
ENV_VAR = "CLASSIFY_MODEL"


def _candidates() -> list[Path]:
    package = Path(__file__).resolve().parent.parent
    # Installed wheel: models/ is copied into the package; source checkout: repo-level models/.
    return [package / "models" / DEFAULT_MODEL_NAME, package.parent / "models" / DEFAULT_MODEL_NAME]


def default_model_path() -> Path:
    """The default model: ``$CLASSIFY_MODEL`` if set, else the one shipped with the package.

    Raises
    ------
    ModelError
        If no default model can be found.
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    for candidate in _candidates():
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in _candidates())
    raise ModelError(f"no default model found (looked in {looked}); build one with `python scripts/train.py`")


def resolve_model_path(path: str | os.PathLike | None) -> Path:
    """Turn ``None``, a model file or a folder holding one model into a model file path."""
    if path is None:
        return default_model_path()
    path = Path(path)
    if path.is_dir():
        models = sorted(path.glob("*.joblib"))
        if (path / DEFAULT_MODEL_NAME).is_file():
            return path / DEFAULT_MODEL_NAME
        if len(models) != 1:
            raise ModelError(f"{path}: expected one .joblib model in the folder, found {len(models)}")
        return models[0]
    return path
