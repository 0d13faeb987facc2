"""How sure is a difference between two systems scored on the same articles? A paired bootstrap.

Benchmarks compare two systems on a test set of about a hundred articles, where one article more or
less right moves macro-F1 by about 0.01. :func:`paired_bootstrap` resamples the test articles (the same
resample for both systems, so what they share cancels out) and gives an interval for the difference
of their F1, averaged over several splits as the benchmarks average over seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BootstrapDifference", "cell_counts", "f1_from_counts", "paired_bootstrap"]


def cell_counts(
    truth: Sequence,
    predicted: Sequence,
    kind: str,
    classes: Sequence[str],
    ignore: Sequence[Sequence[str]] | None = None,
) -> np.ndarray:
    """True positives, false positives and false negatives of each article and label.

    Counted as :func:`classify.evaluate.metrics.field_metrics` counts them, so that summing the
    rows gives its figures.

    Parameters
    ----------
    truth, predicted : sequence
        Strings (``kind="single"``) or lists of strings (``kind="multi"``), one per article.
    kind : {"single", "multi"}
    classes : sequence of str
        The labels, in the order of the second axis.
    ignore : sequence of lists, optional
        Multi-label only: labels per article left out of scoring (``topics_maybe``).

    Returns
    -------
    numpy.ndarray
        Integer array of shape ``(n_articles, n_classes, 3)``: tp, fp, fn.
    """
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")
    if kind == "single":
        truth, predicted = [[t] for t in truth], [[p] for p in predicted]
    elif kind != "multi":
        raise ValueError(f"kind must be 'single' or 'multi', got {kind!r}")
    shape = (len(truth), len(classes))
    y_true = np.array([[c in row for c in classes] for row in truth], dtype=bool).reshape(shape)
    y_pred = np.array([[c in row for c in classes] for row in predicted], dtype=bool).reshape(shape)
    if ignore is not None:
        mask = np.array([[c in row for c in classes] for row in ignore], dtype=bool).reshape(shape)
        y_pred = np.where(mask, y_true, y_pred)
    return np.stack([y_true & y_pred, ~y_true & y_pred, y_true & ~y_pred], axis=-1).astype(np.int64)


def f1_from_counts(counts: np.ndarray, average: str) -> np.ndarray:
    """F1 from tp, fp, fn summed over articles (last two axes: label, count).

    Parameters
    ----------
    counts : numpy.ndarray
        Shape ``(..., n_classes, 3)``.
    average : {"macro", "micro"}
        Macro: the mean of each label's F1 (0 for a label with no hit, miss or false alarm, as
        scikit-learn's ``zero_division=0``); micro: F1 of the counts summed over labels.

    Returns
    -------
    numpy.ndarray
        Shape ``counts.shape[:-2]``.
    """
    if average == "micro":
        counts = counts.sum(axis=-2)
    elif average != "macro":
        raise ValueError(f"average must be 'macro' or 'micro', got {average!r}")
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)
    return f1.mean(axis=-1) if average == "macro" else f1


@dataclass(frozen=True)
class BootstrapDifference:
    """F1 of system A minus system B, averaged over splits, with its bootstrap interval."""

    difference: float
    low: float
    high: float
    confidence: float

    @property
    def decided(self) -> bool:
        """Whether the interval leaves out 0: the test articles tell the systems apart."""
        return self.low > 0 or self.high < 0


def paired_bootstrap(
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    average: str,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> BootstrapDifference:
    """Interval for the difference of two systems' F1 on the same test articles.

    Each resample draws, in every split, as many test articles as it has, with replacement; both
    systems are scored on that draw, and the differences are averaged over splits. The interval is
    the percentile interval of those averages. It measures how much the test articles decide, for
    the given models; it does not cover what another training draw would change.

    Parameters
    ----------
    splits : sequence of (counts_a, counts_b)
        Per split, :func:`cell_counts` of system A and of system B on the same articles, in the same
        order and with the same labels.
    average : {"macro", "micro"}
    n_resamples : int, default 2000
    confidence : float, default 0.95
    random_state : int, default 0

    Returns
    -------
    BootstrapDifference
    """
    if not splits:
        raise ValueError("no split to compare on")
    rng = np.random.default_rng(random_state)
    point, resampled = [], np.zeros(n_resamples)
    for counts_a, counts_b in splits:
        if counts_a.shape != counts_b.shape:
            raise ValueError(f"the two systems have counts of shapes {counts_a.shape} and {counts_b.shape}")
        n = len(counts_a)
        whole_a, whole_b = counts_a.sum(axis=0), counts_b.sum(axis=0)
        point.append(float(f1_from_counts(whole_a, average) - f1_from_counts(whole_b, average)))
        weights = rng.multinomial(n, np.full(n, 1 / n), size=n_resamples)
        summed_a = np.einsum("rn,ncx->rcx", weights, counts_a)
        summed_b = np.einsum("rn,ncx->rcx", weights, counts_b)
        resampled += f1_from_counts(summed_a, average) - f1_from_counts(summed_b, average)
    resampled /= len(splits)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return BootstrapDifference(float(np.mean(point)), float(low), float(high), confidence)
