"""Metrics for label fields: one implementation used by training, evaluation and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

__all__ = ["field_metrics", "evaluate_labels", "format_metrics"]


def field_metrics(
    truth: Sequence,
    predicted: Sequence,
    kind: str,
    classes: Sequence[str] | None = None,
    ignore: Sequence[Sequence[str]] | None = None,
) -> dict:
    """Precision, recall, F1 and support per label, with macro and micro averages.

    Parameters
    ----------
    truth, predicted : sequence
        Strings (``kind="single"``) or lists of strings (``kind="multi"``), one per document.
    kind : {"single", "multi"}
    classes : sequence of str, optional
        Labels to report; by default every label seen in ``truth`` or ``predicted``.
    ignore : sequence of lists, optional
        Multi-label only: labels per document left out of scoring (for example
        the ``topics_maybe`` an annotator was unsure about).

    Returns
    -------
    dict
        ``{"per_label": {label: {precision, recall, f1, support}}, "macro": {...},
        "micro": {...}, "accuracy": float (single) or "exact_match" (multi), "n": int}``.
    """
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")
    if kind == "single":
        labels = sorted(set(map(str, truth)) | set(map(str, predicted))) if classes is None else list(classes)
        y_true, y_pred = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
        mask = None
    elif kind == "multi":
        labels = sorted({c for row in [*truth, *predicted] for c in row}) if classes is None else list(classes)
        y_true = np.array([[c in row for c in labels] for row in truth], dtype=int).reshape(len(truth), len(labels))
        y_pred = np.array([[c in row for c in labels] for row in predicted], dtype=int).reshape(len(truth), len(labels))
        mask = None
        if ignore is not None:
            mask = np.array([[c in row for c in labels] for row in ignore], dtype=bool).reshape(y_true.shape)
            y_pred = np.where(mask, y_true, y_pred)  # an ignored cell is neither a hit nor a miss
    else:
        raise ValueError(f"kind must be 'single' or 'multi', got {kind!r}")
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels if kind == "single" else None, zero_division=0
    )
    per_label = {
        str(label): {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    out: dict = {"per_label": per_label, "n": len(truth)}
    for average in ("macro", "micro"):
        ap, ar, af, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels if kind == "single" else None, average=average, zero_division=0
        )
        out[average] = {"precision": float(ap), "recall": float(ar), "f1": float(af)}
    if kind == "single":
        out["accuracy"] = float(np.mean(y_true == y_pred)) if len(truth) else 0.0
    else:
        out["exact_match"] = float(np.mean((y_true == y_pred).all(axis=1))) if len(truth) else 0.0
    return out


def evaluate_labels(
    truth: Sequence[dict],
    predicted: Sequence[dict],
    fields: dict[str, str],
    classes: dict[str, Sequence[str]] | None = None,
    ignore: dict[str, Sequence[Sequence[str]]] | None = None,
) -> dict:
    """:func:`field_metrics` for every label field: ``{field: metrics}``."""
    out = {}
    for name, kind in fields.items():
        out[name] = field_metrics(
            [row[name] for row in truth],
            [row[name] for row in predicted],
            kind,
            classes=(classes or {}).get(name),
            ignore=(ignore or {}).get(name),
        )
    return out


def format_metrics(metrics: dict, title: str = "") -> str:
    """A plain-text table per field: precision, recall, F1, support, then averages."""
    lines = [title] if title else []
    for name, m in metrics.items():
        lines.append(f"\n{name}  (n={m['n']})")
        lines.append(f"  {'label':<28}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label, row in m["per_label"].items():
            lines.append(
                f"  {label:<28}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9d}"
            )
        for average in ("macro", "micro"):
            row = m[average]
            lines.append(f"  {average + ' avg':<28}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}")
        if "accuracy" in m:
            lines.append(f"  {'accuracy':<28}{m['accuracy']:>30.3f}")
        else:
            lines.append(f"  {'exact match':<28}{m['exact_match']:>30.3f}")
    return "\n".join(lines)
