"""Save and load models: one joblib file plus a JSON manifest beside it.

Loading a joblib file runs pickle code, so :func:`load_model` unpickles only a
file whose sha256 matches its manifest (or one the caller explicitly trusts),
and refuses models saved under another scikit-learn version with a message
saying how to rebuild them. Writes are atomic: a temporary file in the same
folder is renamed over the target, so a crash never leaves a torn model.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.util
import json
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib

from classify.atomic import atomic_write, blocking_file
from classify.errors import ModelError, ModelVersionError, OutputError

__all__ = [
    "FORMAT_VERSION",
    "save_model",
    "load_model",
    "verify_model",
    "manifest_path",
    "library_versions",
]

FORMAT_VERSION = 1
# lz4 instead of joblib's zlib: the shipped model's file is the same size (12 MB) but loads in
# 0.08 s instead of 0.30 s, which every `classify` command and every --jobs worker pays once.
COMPRESSION = ("lz4", 3)
LZ4_FRAME_MAGIC = b"\x04\x22\x4d\x18"  # first bytes of every LZ4 frame
REBUILD_HINT = "rebuild it with `python scripts/train.py` (or `classify train --data DIR --out PATH`)"


def library_versions() -> dict[str, str]:
    """Versions of the libraries a pickled model depends on."""
    import numpy
    import sklearn

    from classify import __version__

    try:
        from importlib.metadata import version

        underthesea = version("underthesea")
    except Exception:  # pragma: no cover - underthesea is a hard dependency
        underthesea = "unknown"
    return {
        "classify": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
        "underthesea": underthesea,
    }


def _installed_version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:  # pragma: no cover - a hard dependency
        return "unknown"


def manifest_path(model_path: str | Path) -> Path:
    """The manifest that belongs to a model file: ``name.joblib`` → ``name.manifest.json``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name.removesuffix(".joblib") + ".manifest.json")


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_target(path: str | Path) -> Path:
    """``path`` as a :class:`Path` if a model can be saved there; callers check before training.

    Raises
    ------
    OutputError
        If ``path`` is a folder, does not end in ``.joblib``, or lies under a file.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a model file name such as {path / 'model.joblib'}")
    if path.suffix != ".joblib":
        raise OutputError(f"{path}: model files must end in .joblib")
    blocker = blocking_file(path.parent)
    if blocker is not None:
        raise OutputError(f"{path}: cannot write ({blocker} is a file, not a folder)")
    return path


def save_model(obj: Any, path: str | Path, *, extra: dict | None = None) -> dict:
    """Write ``obj`` to ``path`` with joblib and its manifest beside it.

    Parameters
    ----------
    obj : object
        The model (normally a :class:`classify.model.predictor.ArticleModel`).
    path : str or Path
        Target ``.joblib`` file.
    extra : dict, optional
        More manifest entries (label set, metrics, corpus hash ...).

    Returns
    -------
    dict
        The manifest written.
    """
    path = check_model_target(path)
    atomic_write(path, lambda handle: joblib.dump(obj, handle, compress=COMPRESSION))
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_file": path.name,
        "sha256": sha256_file(path),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "versions": library_versions(),
        **(extra or {}),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    atomic_write(manifest_path(path), lambda handle: handle.write(text), mode="w")
    return manifest


def read_manifest(path: str | Path) -> dict:
    """Read the manifest of a model file; a clear :class:`ModelError` if absent or broken."""
    mpath = manifest_path(path)
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{mpath}: manifest missing; the model {Path(path).name} cannot be verified") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{mpath}: manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or "sha256" not in manifest:
        raise ModelError(f"{mpath}: manifest has no sha256 entry")
    return manifest


def check_compatible(manifest: dict, where: str) -> None:
    """Refuse a model whose format or scikit-learn version differs from this installation."""
    # The distribution metadata, not ``import sklearn``: importing it costs a batch
    # driver ~1.5 s of CPU for a model only its workers unpickle.
    installed = _installed_version("scikit-learn")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelVersionError(
            f"{where}: model format {manifest.get('format_version')} is not the format {FORMAT_VERSION} "
            f"this version of classify reads; {REBUILD_HINT}"
        )
    saved = str(manifest.get("versions", {}).get("scikit-learn", "unknown"))
    if saved.split(".")[:2] != installed.split(".")[:2]:
        raise ModelVersionError(
            f"{where}: model was saved with scikit-learn {saved} but scikit-learn {installed} "
            f"is installed; install scikit-learn=={saved} or {REBUILD_HINT}"
        )


def verify_model(path: str | Path, *, trust: bool = False) -> dict:
    """Run every check :func:`load_model` runs before unpickling, without unpickling.

    Batch drivers call this to fail fast while their workers do the loading.

    Returns
    -------
    dict
        The manifest (empty when ``trust`` is set).

    Raises
    ------
    ModelError, ModelVersionError
        As :func:`load_model`.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file not found; {REBUILD_HINT}")
    if trust:
        return {}
    manifest = read_manifest(path)
    actual = sha256_file(path)
    if actual != manifest["sha256"]:
        raise ModelError(
            f"{path}: sha256 {actual[:12]}… does not match its manifest ({str(manifest['sha256'])[:12]}…); "
            "the file was modified or corrupted and was not loaded"
        )
    check_compatible(manifest, str(path))
    return manifest


def load_model(path: str | Path, *, trust: bool = False) -> tuple[Any, dict]:
    """Load a model saved by :func:`save_model` after checking it.

    Parameters
    ----------
    path : str or Path
        The ``.joblib`` file.
    trust : bool, default=False
        Skip the manifest checks (sha256, versions). Only for files you made:
        unpickling runs arbitrary code.

    Returns
    -------
    (object, dict)
        The model and its manifest (empty dict when trusted without one).

    Raises
    ------
    ModelError
        Missing file, missing or broken manifest, sha256 mismatch (tampered or
        corrupted file: nothing is unpickled), or an unreadable pickle.
    ModelVersionError
        Saved by another model format or scikit-learn version.
    """
    path = Path(path)
    manifest = verify_model(path, trust=trust)
    try:
        with _legacy_module_aliases():
            obj = joblib.load(path)
    except Exception as exc:
        if not _lz4_available() and _is_lz4_frame(path):
            # The file is fine; rebuilding it would not help.
            raise ModelError(
                f"{path}: this model is LZ4-compressed and the lz4 package is not installed; "
                "install it with `pip install lz4` (it is one of classify's dependencies)"
            ) from None
        raise ModelError(f"{path}: cannot load the model ({type(exc).__name__}: {exc}); {REBUILD_HINT}") from None
    return obj, manifest


# Modules of classify 0.1 (one flat package) whose classes a saved model pickles, and where they live now.
LEGACY_MODULES = {
    "classify.compact": "classify.features.compact",
    "classify.features": "classify.features.vectorizer",
    "classify.key_table": "classify.features.key_table",
    "classify.ngram_index": "classify.features.ngram_index",
    "classify.syllable_scan": "classify.features.syllable_scan",
    "classify.model": "classify.model.classifier",
    "classify.predictor": "classify.model.predictor",
    "classify.runtime": "classify.model.runtime",
    "classify.prediction": "classify.model.prediction",
    "classify.ranking": "classify.summarizers.ranking",
    "classify.summarizer": "classify.summarizers.summarizer",
    "classify.text": "classify.text.prepare",
}
# Old names that are packages now cannot be swapped in sys.modules; legacy_find_class covers them.
_PACKAGES_NOW = frozenset({"classify.features", "classify.model", "classify.text"})
_ALIAS_LOCK = threading.Lock()


def legacy_find_class(find_class: Callable[[str, str], Any], module: str, name: str) -> Any:
    """``find_class(module, name)``, looking up a class of a 0.1 model at its new module path if needed."""
    try:
        return find_class(module, name)
    except (AttributeError, ModuleNotFoundError):
        if module not in LEGACY_MODULES:
            raise
        return find_class(LEGACY_MODULES[module], name)


class _LegacyModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old flat module name as its new module, only when a pickle asks for it."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname in LEGACY_MODULES and fullname not in _PACKAGES_NOW:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec: Any) -> Any:
        return importlib.import_module(LEGACY_MODULES[spec.name])

    def exec_module(self, module: Any) -> None:
        pass  # the new module is already executed


@contextmanager
def _legacy_module_aliases() -> Iterator[None]:
    """Let joblib's unpickler find the classes of a model saved by classify 0.1 under their old module paths."""
    finder = _LegacyModuleFinder()
    with _ALIAS_LOCK:
        sys.meta_path.append(finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)
            for old in LEGACY_MODULES:
                if old not in _PACKAGES_NOW:
                    sys.modules.pop(old, None)


def _is_lz4_frame(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == LZ4_FRAME_MAGIC
    except OSError:
        return False  # unreadable: the general message below says so


def _lz4_available() -> bool:
    from joblib import compressor

    return compressor.lz4 is not None
