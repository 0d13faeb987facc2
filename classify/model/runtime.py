"""Prediction with numpy alone: the fitted classifier compiled for fast loading.

Importing scikit-learn costs more than a second (it pulls in ``scipy.stats``),
which every ``classify predict`` and every batch worker would pay before its
first article. A fitted :class:`classify.model.ArticleClassifier` is therefore
compiled into a :class:`CompiledClassifier`: the n-gram indexes, the
coefficients and sigmoid parameters of each calibrated linear SVM, the
thresholds and the coverage table, all numpy. Nothing here imports
scikit-learn, so a saved model loads and predicts without it.

The estimator uses the same functions (:func:`transform_indexed`,
:func:`aligned_proba`, :func:`decide_labels`, :func:`coverage`), so the
arithmetic exists once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classify.features.encode import article_syllables, encode_articles
from classify.features.transform import transform_indexed
from classify.text import PreparedText

__all__ = [
    "CompiledClassifier",
    "ConstantHead",
    "LinearHead",
    "aligned_proba",
    "coverage",
    "decide_labels",
    "transform_indexed",
]

COVERAGE_SYLLABLES = 400
UNKNOWN, KNOWN, NUMBER = 0, 1, 2


class ConstantHead:
    """Head for a label column that has a single value in the training data."""

    def __init__(self, value) -> None:
        self.value = value
        self.classes_ = np.array([value], dtype=object)

    def predict_proba(self, features) -> np.ndarray:
        """Probability 1 for the only class."""
        return np.ones((features.shape[0], 1))


class LinearHead:
    """A sigmoid-calibrated linear SVM reduced to its arrays.

    Computes what ``CalibratedClassifierCV(LinearSVC(), method="sigmoid",
    ensemble=False).predict_proba`` computes (tested to 1e-12), without
    scikit-learn's per-call checks.

    Parameters
    ----------
    classes : ndarray
        ``classes_`` of the calibrated classifier (sorted).
    coef : ndarray of shape (n_columns, n_features)
        SVM coefficients; one row for a binary SVM.
    intercept : ndarray of shape (n_columns,)
    a, b : ndarray of shape (n_columns,)
        Sigmoid parameters: probability ``1 / (1 + exp(a * decision + b))``.
    columns : ndarray of int
        Column of ``classes`` each SVM row scores (multiclass only).
    """

    def __init__(
        self,
        classes: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
        columns: np.ndarray,
    ) -> None:
        self.classes_ = classes
        self.coef = coef
        self.intercept = intercept
        self.a = a
        self.b = b
        self.columns = columns

    def predict_proba(self, features) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order."""
        decision = np.asarray(features @ self.coef.T) + self.intercept
        sigmoid = _expit(-(self.a * decision + self.b))
        n_classes = len(self.classes_)
        proba = np.zeros((features.shape[0], n_classes))
        if n_classes == 2:
            proba[:, 1] = sigmoid[:, 0]
            proba[:, 0] = 1.0 - proba[:, 1]
        else:
            proba[:, self.columns] = sigmoid
            denominator = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / n_classes), where=denominator != 0)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


def _expit(x: np.ndarray) -> np.ndarray:
    # Same values as scipy.special.expit without importing scipy.special.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def aligned_proba(head, features, classes: np.ndarray) -> np.ndarray:
    """``head.predict_proba`` with columns reordered (and zero-filled) to ``classes``."""
    raw = head.predict_proba(features)
    out = np.zeros((features.shape[0], len(classes)))
    index = {c: j for j, c in enumerate(classes)}
    for k, c in enumerate(head.classes_):
        if c in index:
            out[:, index[c]] = raw[:, k]
    return out


def argmax_with_abstain(proba: np.ndarray, classes: np.ndarray, threshold: float, abstain: str | None) -> np.ndarray:
    """Most probable class, or ``abstain`` (when it is a class) below ``threshold``."""
    labels = classes[np.argmax(proba, axis=1)] if len(classes) else np.array([], dtype=object)
    if abstain is not None and abstain in set(classes) and threshold > 0:
        labels = np.where(proba.max(axis=1) < threshold, abstain, labels)
    return labels


def decide_labels(
    proba: dict[str, np.ndarray],
    label_fields: dict[str, str],
    classes_by_field: dict[str, np.ndarray],
    thresholds: dict,
    abstain_label: str | None,
) -> list[dict]:
    """Labels per article from probabilities per field and the fitted thresholds."""
    n = next(iter(proba.values())).shape[0] if proba else 0
    decided: list[dict] = [{} for _ in range(n)]
    for name, kind in label_fields.items():
        classes = classes_by_field[name]
        if kind == "single":
            labels = argmax_with_abstain(proba[name], classes, thresholds[name], abstain_label)
            for row, label in zip(decided, labels):
                row[name] = str(label)
        else:
            cut = np.array([thresholds[name][str(c)] for c in classes])
            chosen = proba[name] >= cut
            for row, mask in zip(decided, chosen):
                row[name] = [str(c) for c in classes[mask]]
    return decided


def coverage(docs: Sequence[PreparedText], table: tuple) -> np.ndarray:
    """Share of known syllables over each article's first 400 (numbers seen in training not counted).

    ``table`` is ``(syllable ids, status per id)`` with status ``UNKNOWN``,
    ``KNOWN`` or ``NUMBER``; 1.0 for an article with nothing to count.
    """
    ids, status = table
    out = np.ones(len(docs))
    if not docs:
        return out
    heads = [codes[:COVERAGE_SYLLABLES] for codes in encode_articles([article_syllables(d) for d in docs], ids)]
    sizes = np.fromiter(map(len, heads), dtype=np.intp, count=len(heads))
    kinds = status[np.minimum(np.concatenate(heads), len(status) - 1)]  # ids added later: the unknown last slot
    # All articles at once: per-article sums over their slice of the concatenated codes.
    row = np.repeat(np.arange(len(docs)), sizes)
    counted = np.bincount(row, weights=kinds != NUMBER, minlength=len(docs))
    known = np.bincount(row, weights=kinds == KNOWN, minlength=len(docs))
    has = counted > 0
    out[has] = known[has] / counted[has]
    return out


@dataclass
class CompiledClassifier:
    """Everything :class:`classify.model.ArticleClassifier` needs to predict, as numpy.

    Built by ``ArticleClassifier.compile()``; see the module docstring.
    """

    indexes: dict
    lead_weight: float
    lead_sentences: int
    label_fields: dict[str, str]
    classes_by_field: dict[str, np.ndarray]
    heads: dict
    thresholds: dict
    abstain_label: str | None
    min_coverage: float
    coverage_table: tuple

    def transform(self, docs: Sequence[PreparedText]):
        """TF-IDF feature matrix of prepared articles."""
        return transform_indexed(self.indexes, docs, self.lead_weight, self.lead_sentences)

    def predict_proba_fields(self, docs: Sequence[PreparedText], features=None) -> dict[str, np.ndarray]:
        """Probabilities per field, as ``ArticleClassifier.predict_proba_fields``."""
        if features is None:
            features = self.transform(docs)
        return probabilities_by_field(
            self.heads,
            features,
            self.label_fields,
            self.classes_by_field,
            coverage(docs, self.coverage_table),
            self.min_coverage,
        )

    def decide(self, proba: dict[str, np.ndarray]) -> list[dict]:
        """Labels per article, as ``ArticleClassifier.decide``."""
        return decide_labels(proba, self.label_fields, self.classes_by_field, self.thresholds, self.abstain_label)


def probabilities_by_field(
    heads: dict,
    features,
    label_fields: dict[str, str],
    classes_by_field: dict[str, np.ndarray],
    coverage_share: np.ndarray,
    min_coverage: float,
) -> dict[str, np.ndarray]:
    """Probabilities per field, shrunk toward uniform (or zero) for poorly covered articles."""
    shrink = np.where(coverage_share < min_coverage, coverage_share, 1.0)[:, None]
    out = {}
    for name, kind in label_fields.items():
        classes = classes_by_field[name]
        if kind == "single":
            proba = aligned_proba(heads[name], features, classes)
            out[name] = shrink * proba + (1 - shrink) / len(classes)
        else:
            columns = [aligned_proba(heads[name][c], features, np.array([0, 1]))[:, 1] for c in classes]
            out[name] = shrink * (np.column_stack(columns) if columns else np.zeros((features.shape[0], 0)))
    return out
