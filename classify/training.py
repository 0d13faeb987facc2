"""Train a model from a labelled corpus, with grouped cross-validated metrics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from classify.corpus.reader import Corpus
from classify.evaluate.metrics import evaluate_labels
from classify.model.classifier import ArticleClassifier
from classify.model.persist import save_model
from classify.model.predictor import ArticleModel
from classify.summarizers.summarizer import TextRankSummarizer
from classify.text import PreparedText, prepare

__all__ = ["build_classifier", "cross_validate", "train", "save_trained", "prepare_corpus"]


def build_classifier(**params) -> ArticleClassifier:
    """The default classifier, with ``params`` overriding its defaults."""
    return ArticleClassifier(**params)


def prepare_corpus(corpus: Corpus) -> list[PreparedText]:
    """Clean every article of ``corpus`` once (training and CV reuse the result)."""
    return [prepare(doc.text, title=doc.title) for doc in corpus.documents]


def cross_validate(
    corpus: Corpus,
    estimator: ArticleClassifier,
    *,
    folds: int = 5,
    docs: list[PreparedText] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict, list[dict]]:
    """Grouped k-fold cross-validation of ``estimator`` on ``corpus``.

    Articles sharing a ``group`` (near-miss pairs written together) stay in the
    same fold, so the score is not inflated by near-twins across folds.

    Returns
    -------
    (dict, list of dict)
        Metrics per field (see :func:`classify.evaluate.field_metrics`) and the
        out-of-fold predicted labels per article.
    """
    docs = docs if docs is not None else prepare_corpus(corpus)
    groups = corpus.groups
    n_splits = min(folds, len(set(groups)))
    if n_splits < 2:
        raise ValueError(
            f"{corpus.source}: cross-validation needs at least 2 groups of articles, found {len(set(groups))}"
        )
    predicted: list[dict | None] = [None] * len(docs)
    labels = corpus.labels
    for k, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=n_splits).split(np.zeros(len(docs)), groups=groups)):
        model = clone(estimator).fit(
            [docs[i] for i in train_idx], [labels[i] for i in train_idx], groups=[groups[i] for i in train_idx]
        )
        for i, row in zip(test_idx, model.predict([docs[i] for i in test_idx])):
            predicted[i] = row
        if progress:
            progress(k + 1, n_splits)
    classes = {name: corpus.label_set(name) for name in corpus.label_fields}
    return evaluate_labels(labels, predicted, corpus.label_fields, classes), predicted  # type: ignore[arg-type]


def train(
    corpus: Corpus,
    estimator: ArticleClassifier | None = None,
    *,
    summary_sentences: int = 3,
    docs: list[PreparedText] | None = None,
) -> ArticleModel:
    """Fit classifier and summarizer on the whole corpus."""
    docs = docs if docs is not None else prepare_corpus(corpus)
    estimator = clone(estimator) if estimator is not None else build_classifier()
    estimator.fit(docs, corpus.labels, groups=corpus.groups)
    summarizer = TextRankSummarizer(tokenizer=estimator.tokenizer).fit(docs)
    return ArticleModel(estimator, summarizer, summary_sentences=summary_sentences)


def save_trained(model: ArticleModel, path: str | Path, corpus: Corpus, cv_metrics: dict | None) -> dict:
    """Save ``model`` with a manifest describing corpus, label set, parameters and CV metrics."""
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.classifier.get_params().items()}
    params = {k: v for k, v in params.items() if isinstance(v, (str, int, float, bool, list, type(None)))}
    extra = {
        "corpus": {"source": corpus.source, "documents": len(corpus), "sha256": corpus.fingerprint()},
        "label_fields": corpus.label_fields,
        "labels": {name: corpus.label_set(name) for name in corpus.label_fields},
        "thresholds": model.classifier.thresholds_,
        "params": params,
        "cv_metrics": _summary_metrics(cv_metrics) if cv_metrics else None,
    }
    return save_model(model, path, extra=extra)


def _summary_metrics(metrics: dict) -> dict:
    return {
        name: {
            "macro_f1": round(m["macro"]["f1"], 4),
            "micro_f1": round(m["micro"]["f1"], 4),
            "per_label_f1": {k: round(v["f1"], 4) for k, v in m["per_label"].items()},
            "n": m["n"],
        }
        for name, m in metrics.items()
    }
