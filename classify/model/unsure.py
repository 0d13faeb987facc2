"""Unsure labels: which articles each head of a multi-label field learns from.

A labeller unsure of a label (``topics_maybe``, see :mod:`classify.corpus.reader`) says neither
"this label" nor "not this label". Reading it as "no" would teach the model to miss that label on
exactly the borderline wording it is least sure of, so the article is left out of that label's head
and of the cross-validation that picks its threshold, and only there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["taught_mask", "taught_rows"]


def taught_mask(unsure: Sequence[dict] | None, field: str, classes: np.ndarray, n: int) -> np.ndarray:
    """Which (article, label) pairs a head learns from.

    Parameters
    ----------
    unsure : sequence of dict or None
        One ``{field: [labels]}`` per article (empty or None: sure of every label).
    field : str
        The multi-label field.
    classes : ndarray
        The field's labels, in head order.
    n : int
        Number of articles.

    Returns
    -------
    ndarray of bool, shape (n, len(classes))
        False where the article's label is unsure.
    """
    taught = np.ones((n, len(classes)), dtype=bool)
    if unsure:
        column = {str(c): j for j, c in enumerate(classes)}
        for i, row in enumerate(unsure):
            for label in (row or {}).get(field, ()):
                if label in column:
                    taught[i, column[label]] = False
    return taught


def taught_rows(features, target: np.ndarray, keep: np.ndarray):
    """``features`` and ``target`` restricted to the rows ``keep`` (no copy when all are kept)."""
    if keep.all():
        return features, target
    rows = np.flatnonzero(keep)
    return features[rows], target[rows]
