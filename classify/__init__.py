"""classify: label and summarize Vietnamese news articles, offline.

>>> import classify
>>> p = classify.predict(text)          # doctest: +SKIP
>>> p.event_type, p.topics, p.summary   # doctest: +SKIP

The default model ships with the package and is loaded lazily, once per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from classify.model.prediction import Prediction
    from classify.model.predictor import ArticleModel

__all__ = [
    "__version__",
    "predict",
    "predict_many",
    "summarize",
    "load",
    "default_model_path",
    "label_files",
    "suggest",
]

_default_model: ArticleModel | None = None


def default_model_path():
    """Path of the shipped default model (see :mod:`classify.model.models_path`)."""
    from classify.model.models_path import default_model_path as _path

    return _path()


def load(path: Any = None, *, trust: bool = False) -> ArticleModel:
    """Load a model; the shipped default when ``path`` is None.

    Parameters
    ----------
    path : str or Path, optional
        A ``.joblib`` model file, or a folder holding exactly one.
    trust : bool, default=False
        Skip sha256/version checks (only for files you made yourself).

    Returns
    -------
    ArticleModel
        Object with ``predict``, ``predict_many`` and ``summarizer``.
    """
    from classify.errors import ModelError
    from classify.model.models_path import resolve_model_path
    from classify.model.persist import load_model
    from classify.model.predictor import ArticleModel

    resolved = resolve_model_path(path)
    model, manifest = load_model(resolved, trust=trust)
    if not isinstance(model, ArticleModel):
        raise ModelError(f"{resolved}: not a classify model (found {type(model).__name__})")
    model.manifest = manifest
    return model


def _default() -> ArticleModel:
    global _default_model
    if _default_model is None:
        _default_model = load()
    return _default_model


def predict(text: str, *, title: str | None = None, sentences: int | None = None) -> Prediction:
    """Label and summarize one article with the default model.

    Parameters
    ----------
    text : str
        Raw article text (portal clutter, date lines and bylines are handled).
    title : str, optional
        Headline if known; otherwise detected from the text.
    sentences : int, optional
        Length of the abstract (default 3).

    Returns
    -------
    Prediction
        ``event_type``, ``event_scores``, ``topics``, ``topic_scores``, ``title``,
        ``date``, ``summary``.

    Raises
    ------
    classify.errors.EmptyDocumentError
        If the text is empty, whitespace or only portal clutter.
    """
    return _default().predict(text, title=title, sentences=sentences)


def predict_many(texts, titles=None, *, sentences: int | None = None) -> list[Prediction]:
    """Label many articles with the default model in one vectorised pass."""
    return _default().predict_many(texts, titles, sentences=sentences)


def summarize(text: str, *, title: str | None = None, sentences: int = 3, max_chars: int | None = None) -> list[str]:
    """Extractive abstract of one article with the default model's summarizer.

    Parameters
    ----------
    text : str
        Raw article text.
    title : str, optional
        Headline; detected from the text when not given.
    sentences : int, default=3
        Maximum number of sentences.
    max_chars : int, optional
        Character budget of the abstract.

    Returns
    -------
    list of str
        Verbatim sentences of the cleaned text, in document order; empty when
        the text has no sentences.
    """
    from classify.text import prepare

    return _default().summarize(prepare(text, title=title), sentences, max_chars=max_chars)


def label_files(*args: Any, **kwargs: Any):
    """Label files in batch; see :func:`classify.batch.label_files`."""
    from classify.batch.labelling import label_files as _label_files

    return _label_files(*args, **kwargs)


def suggest(*args: Any, **kwargs: Any):
    """The unlabelled articles worth labelling first; see :func:`classify.active.suggest.suggest`.

    >>> picked = classify.suggest(["new_articles/"], n=50, output="to_label.jsonl")  # doctest: +SKIP
    >>> picked[0]["why"]                                                               # doctest: +SKIP
    'event: annual_review 0.41 vs official_visit 0.38; topic it_egov 0.47 near its threshold 0.50'
    """
    from classify.active.suggest import suggest as _suggest

    return _suggest(*args, **kwargs)
