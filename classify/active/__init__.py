"""Active learning: which unlabelled articles to label first (``classify suggest``), and why.

:func:`~classify.active.suggest.suggest` ranks articles by how unsure the model is of them
(:mod:`classify.active.ranking`), keeps them diverse, and writes JSONL records or Label Studio
tasks (:mod:`classify.active.labelstudio`). The answers come back as a corpus: the review queue of
``classify serve`` writes one, and ``classify train`` reads Label Studio's export.
"""

from classify.active.suggest import DEFAULT_N, FORMATS, Suggestions, rank, suggest

__all__ = ["suggest", "rank", "Suggestions", "FORMATS", "DEFAULT_N"]
