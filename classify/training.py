"""Train a model from a labelled corpus, with grouped cross-validated metrics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from classify.corpus.reader import Corpus, passage_lines
from classify.evaluate.metrics import evaluate_labels
from classify.model.classifier import ArticleClassifier
from classify.model.passages import as_passage, fit_passage_topics, weak_passage_labels
from classify.model.persist import save_model
from classify.model.predictor import ArticleModel
from classify.summarizers.summarizer import TextRankSummarizer
from classify.text import PreparedText, normalize, prepare

__all__ = ["build_classifier", "cross_validate", "train", "save_trained", "prepare_corpus"]

TOPICS_FIELD = "topics"  # the multi-label field decided from passages
OPENING_CHARACTERS = 700  # opening-only copies keep about this much text
WHOLE_FORMS = frozenset({"press"})  # meta.form of articles read whole: no opening copy
# Weight of the document-level probability in a topic's score (the best passage's has the rest).
DOC_WEIGHT = 0.5
# Documents with line labels needed before a line model labels the lines of the others.
MIN_LINE_LABELLED_DOCUMENTS = 50


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
    labels, unsure = corpus.labels, corpus.unsure
    for k, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=n_splits).split(np.zeros(len(docs)), groups=groups)):
        model = clone(estimator).fit(
            [docs[i] for i in train_idx],
            [labels[i] for i in train_idx],
            groups=[groups[i] for i in train_idx],
            # only when some label is unsure: any estimator with fit(X, y, groups=) cross-validates
            **({"unsure": [unsure[i] for i in train_idx]} if any(unsure) else {}),
        )
        for i, row in zip(test_idx, model.predict([docs[i] for i in test_idx])):
            predicted[i] = row
        if progress:
            progress(k + 1, n_splits)
    classes = {name: corpus.label_set(name) for name in corpus.label_fields}
    multi = [name for name, kind in corpus.label_fields.items() if kind == "multi"]
    ignore = {name: [row.get(name, []) for row in unsure] for name in multi} if any(unsure) else None
    metrics = evaluate_labels(labels, predicted, corpus.label_fields, classes, ignore=ignore)  # type: ignore[arg-type]
    return metrics, predicted  # type: ignore[return-value]


def train(
    corpus: Corpus,
    estimator: ArticleClassifier | None = None,
    *,
    summary_sentences: int = 3,
    docs: list[PreparedText] | None = None,
    evidence: bool = True,
    openings: bool = True,
) -> ArticleModel:
    """Fit classifier, passage topic head and summarizer on the whole corpus.

    Parameters
    ----------
    corpus : Corpus
    estimator : ArticleClassifier, optional
        Unfitted document-level classifier (default: :func:`build_classifier`).
    summary_sentences : int, default=3
    docs : list of PreparedText, optional
        ``corpus`` already prepared.
    evidence : bool, default=True
        Decide the ``topics`` field from passages (:mod:`classify.model.passages`); False gives the
        document-level model alone.
    openings : bool, default=True
        Also train on opening-only copies of the longer articles (:func:`opening_copies`), the form
        most portal pages take. Measured on real pages (docs/benchmarks.md): better event types and
        topics on portal openings, worse event types on full national-press articles.
    """
    docs = docs if docs is not None else prepare_corpus(corpus)
    estimator = clone(estimator) if estimator is not None else build_classifier()
    use_passages = evidence and corpus.label_fields.get(TOPICS_FIELD) == "multi"
    if not use_passages:
        estimator.fit(docs, corpus.labels, groups=corpus.groups, unsure=corpus.unsure)
        summarizer = TextRankSummarizer(tokenizer=estimator.tokenizer).fit(docs)
        return ArticleModel(estimator, summarizer, summary_sentences=summary_sentences)
    base = clone(estimator).fit(docs, corpus.labels, groups=corpus.groups, unsure=corpus.unsure)
    lines, line_labels = passage_examples(corpus, base)
    copies = opening_copies(corpus, lines, line_labels) if openings else ([], [], [], [])
    openings, opening_labels, opening_groups, opening_unsure = copies
    all_docs = [*docs, *openings]
    all_groups = [*corpus.groups, *opening_groups]
    all_labels = [*corpus.labels, *opening_labels]
    all_unsure = [*corpus.unsure, *opening_unsure]
    estimator.fit(all_docs, all_labels, groups=all_groups, unsure=all_unsure)
    # Opening copies train no passage of their own; they make the thresholds hold for openings too.
    passage_head = fit_passage_topics(
        lambda: clone(estimator).set_params(min_coverage=0.0, threshold_folds=1),
        TOPICS_FIELD,
        [*lines, *([] for _ in openings)],
        [*line_labels, *([] for _ in openings)],
        all_docs,
        [labels[TOPICS_FIELD] for labels in all_labels],
        all_groups,
        doc_oof=_out_of_fold_topics(estimator, all_docs, all_labels, all_groups, all_unsure) if DOC_WEIGHT else None,
        doc_weight=DOC_WEIGHT,
        unsure=[row.get(TOPICS_FIELD, []) for row in all_unsure],
    )
    summarizer = TextRankSummarizer(tokenizer=estimator.tokenizer).fit(docs)
    return ArticleModel(estimator, summarizer, summary_sentences=summary_sentences, passage_topics=passage_head)


def _out_of_fold_topics(estimator: ArticleClassifier, docs, labels, groups, unsure, folds: int = 5) -> np.ndarray:
    """Out-of-fold document-level topic probabilities, on the grouped folds the passage head uses."""
    classes = sorted({t for row in labels for t in row[TOPICS_FIELD]})
    out = np.zeros((len(docs), len(classes)))
    n_splits = min(folds, len(set(groups)))
    if n_splits < 2:
        return out
    for train_idx, test_idx in GroupKFold(n_splits=n_splits).split(np.zeros(len(docs)), groups=groups):
        fold = (
            clone(estimator)
            .set_params(threshold_folds=1)
            .fit([docs[i] for i in train_idx], [labels[i] for i in train_idx], unsure=[unsure[i] for i in train_idx])
        )
        have = [str(c) for c in fold.classes_by_field[TOPICS_FIELD]]
        proba = fold.predict_proba_fields([docs[i] for i in test_idx])[TOPICS_FIELD]
        for j, c in enumerate(classes):
            if c in have:
                out[test_idx, j] = proba[:, have.index(c)]
    return out


def passage_examples(corpus: Corpus, base: ArticleClassifier) -> tuple[list[list[str]], list[list[list[str]]]]:
    """Each document's lines (:func:`~classify.corpus.reader.passage_lines`) and their topic lists.

    Lines labelled in the corpus (``paragraph_topics``) keep their labels; the others are labelled by
    :func:`~classify.model.passages.weak_passage_labels` from the scores of a line model
    (:func:`line_labeller`) when enough documents label their lines, else from ``base``, a
    document-level model.
    """
    lines = [[normalize(line) for line in passage_lines(doc.text)] for doc in corpus.documents]
    unlabelled = [i for i, doc in enumerate(corpus.documents) if doc.passage_labels is None]
    flat = [line for i in unlabelled for line in lines[i]]
    classes = [str(c) for c in base.classes_by_field[TOPICS_FIELD]]
    proba = _line_scores(corpus, lines, base, classes, flat) if flat else None
    labels: list[list[list[str]]] = []
    start = 0
    for doc, doc_lines in zip(corpus.documents, lines):
        if doc.passage_labels is not None:
            labels.append(doc.passage_labels)
            continue
        block = proba[start : start + len(doc_lines)]
        start += len(doc_lines)
        sure = [t for t in doc.labels[TOPICS_FIELD] if t not in doc.unsure.get(TOPICS_FIELD, ())]
        labels.append(weak_passage_labels(block, sure, classes))
    return lines, labels


def line_labeller(corpus: Corpus, lines: list[list[str]], estimator: ArticleClassifier) -> ArticleClassifier | None:
    """A line-level topic model fitted on the lines the corpus labels, or None when too few documents do.

    Measured on the shipped corpus (docs/active-learning.md, ``scripts/dev_active.py --weak-labels``): it
    places a document's topics on the right lines far more often than a document-level model scoring
    lines, which learns that an office's name goes with every sector its reviews list.
    """
    labelled = [i for i, doc in enumerate(corpus.documents) if doc.passage_labels is not None]
    if len(labelled) < MIN_LINE_LABELLED_DOCUMENTS:
        return None
    texts = [as_passage(line) for i in labelled for line in lines[i]]
    targets = [{TOPICS_FIELD: list(topics)} for i in labelled for topics in corpus.documents[i].passage_labels]
    if len({t for row in targets for t in row[TOPICS_FIELD]}) < 2:
        return None
    unsure = [corpus.documents[i].unsure for i in labelled for _ in corpus.documents[i].passage_labels]
    return clone(estimator).set_params(min_coverage=0.0, threshold_folds=1).fit(texts, targets, unsure=unsure)


def _line_scores(corpus: Corpus, lines, base: ArticleClassifier, classes: list[str], flat: list[str]) -> np.ndarray:
    """Topic scores of the unlabelled lines ``flat`` (columns ``classes``): the line model's where it
    knows the topic, the document-level model's for topics only unlabelled documents have."""
    passages = [as_passage(line) for line in flat]
    proba = base.predict_proba_fields(passages)[TOPICS_FIELD]
    labeller = line_labeller(corpus, lines, base)
    if labeller is not None:
        known = [str(c) for c in labeller.classes_by_field[TOPICS_FIELD]]
        line_proba = labeller.predict_proba_fields(passages)[TOPICS_FIELD]
        for j, topic in enumerate(classes):
            if topic in known:
                proba[:, j] = line_proba[:, known.index(topic)]
    return proba


def opening_copies(
    corpus: Corpus, lines: list[list[str]], line_labels: list[list[list[str]]]
) -> tuple[list[PreparedText], list[dict], list[str], list[dict]]:
    """Opening-only copies of the longer articles, the form most portal pages take.

    A copy keeps the lines up to about :data:`OPENING_CHARACTERS` characters (at least two); its topics
    are those of the lines it keeps, exactly when the corpus labels lines. It stays in its original's
    cross-validation group and is unsure of what its original is unsure of (returned last, as
    :attr:`Corpus.unsure` is). Articles written as national press (``"meta": {"form": "press"}``) get no
    copy: such pages are read whole, and their copies cost event-type accuracy on full articles
    (docs/topics-from-evidence.md).
    """
    docs, labels, groups, unsure = [], [], [], []
    for doc, doc_lines, doc_line_labels in zip(corpus.documents, lines, line_labels):
        if doc.meta.get("form") in WHOLE_FORMS:
            continue
        kept, size = 0, 0
        while kept < len(doc_lines) and (kept < 2 or size < OPENING_CHARACTERS):
            size += len(doc_lines[kept])
            kept += 1
        if kept >= len(doc_lines):
            continue
        copy_labels = dict(doc.labels)
        copy_labels[TOPICS_FIELD] = sorted({t for item in doc_line_labels[:kept] for t in item})
        docs.append(prepare("\n".join(doc_lines[:kept]), title=doc.title))
        labels.append(copy_labels)
        groups.append(doc.group)
        unsure.append(doc.unsure)
    return docs, labels, groups, unsure


def save_trained(model: ArticleModel, path: str | Path, corpus: Corpus, cv_metrics: dict | None) -> dict:
    """Save ``model`` with a manifest describing corpus, label set, parameters and CV metrics."""
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.classifier.get_params().items()}
    params = {k: v for k, v in params.items() if isinstance(v, (str, int, float, bool, list, type(None)))}
    extra = {
        "corpus": {"source": corpus.source, "documents": len(corpus), "sha256": corpus.fingerprint()},
        "label_fields": corpus.label_fields,
        "labels": {name: corpus.label_set(name) for name in corpus.label_fields},
        "thresholds": _thresholds(model),
        "topic_evidence": model.passage_topics is not None,
        "params": params,
        "cv_metrics": _summary_metrics(cv_metrics) if cv_metrics else None,
    }
    return save_model(model, path, extra=extra)


def _thresholds(model: ArticleModel) -> dict:
    """Decision thresholds per field: the passage head's for the field it decides (on the raw max score;
    reported scores are rescaled so that each is 0.5), the classifier's for the others."""
    thresholds = dict(model.classifier.thresholds_)
    if model.passage_topics is not None:
        thresholds[model.passage_topics.field] = dict(model.passage_topics.thresholds)
    return thresholds


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
