"""Topics from evidence: a topic applies only where a passage of the article is about it.

TAXONOMY.md's rule is that a topic applies when a substantive part of the article (a paragraph, a
clear statement of results or tasks) is about that sector, not a passing mention. A document-level
model learns the opposite from review conferences: that "Sở TT&TT" goes with all six sectors. So
topics are scored per passage (the headline and each paragraph) by a classifier trained on
passage-level labels, and an article's score for a topic is its best passage's score (max
aggregation). The passage that wins, narrowed to its best sentence, is the topic's evidence.

Passage labels come from the corpus (``paragraph_topics``: one topic list per line) where given. A
document with document-level labels only is labelled per passage from a document-level model: each of
its topics goes to the passages that model scores highest for it (at least one), so a user's corpus
without passage labels still trains.

The per-topic decision thresholds apply to the aggregated score and are chosen by grouped
cross-validation over documents. Reported scores are rescaled piecewise-linearly so that every
topic's threshold maps to 0.5 (:func:`rescale_to_half`): ``topic_scores[t] >= 0.5`` is exactly "t is
predicted", whatever the topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from classify.text import PreparedText, split_sentences

__all__ = [
    "PassageTopics",
    "blend",
    "document_passages",
    "fit_passage_topics",
    "rescale_to_half",
    "weak_passage_labels",
]

# Thresholds tried for the aggregated (max) score of a topic.
_THRESHOLD_GRID = np.round(np.arange(0.10, 0.951, 0.025), 3)


def as_passage(text: str, sentences: list[str] | None = None) -> PreparedText:
    """One passage as an article of its own (no headline: the passage is the whole text).

    ``sentences``, when given, must be ``split_sentences(text)``: it saves splitting it again.
    """
    passage = PreparedText(title=None, date=None, byline=None, paragraphs=[text])
    if sentences is not None:
        passage.__dict__["paragraph_sentences"] = [sentences]  # PreparedText is frozen: seed its cache
    return passage


def document_passages(doc: PreparedText) -> list[str]:
    """The passages of a prepared article: its headline, each body paragraph, and each sentence of a
    paragraph that has several (real portal paragraphs often give each sector one sentence)."""
    return [passage.paragraphs[0] for passage in _passage_docs(doc)]


def _passage_docs(doc: PreparedText) -> list[PreparedText]:
    """:func:`document_passages` as prepared passages, paragraphs carrying their known sentences."""
    out = [as_passage(doc.title)] if doc.title and doc.title.strip() else []
    grouped = doc.paragraph_sentences
    out.extend(as_passage(p, sentences) for p, sentences in zip(doc.paragraphs, grouped) if p.strip())
    # split_sentences is idempotent on its own sentences (tested), so a sentence passage is one sentence.
    out.extend(as_passage(s, [s]) for sentences in grouped if len(sentences) > 1 for s in sentences)
    return out


def rescale_to_half(score: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Map ``[0, threshold]`` onto ``[0, 0.5]`` and ``[threshold, 1]`` onto ``[0.5, 1]``, per column."""
    threshold = np.clip(threshold, 1e-6, 1 - 1e-6)
    low = score / (2 * threshold)
    high = 0.5 + (score - threshold) / (2 * (1 - threshold))
    return np.clip(np.where(score < threshold, low, high), 0.0, 1.0)


@dataclass
class PassageTopics:
    """A fitted passage-level topic head.

    Attributes
    ----------
    field : str
        The multi-label field it decides (``"topics"``).
    classifier : ArticleClassifier
        Fitted on passages; its own thresholds are unused.
    classes : ndarray of str
        Topics, in the order of ``classifier``'s columns.
    thresholds : dict
        ``{topic: threshold}`` on the aggregated (max over passages) score.
    compiled : CompiledClassifier or None
        The numpy form of ``classifier``, used for prediction when present.
    doc_weight : float
        Weight of the document-level head's probability in a topic's score; the best passage's
        score has the rest (0: passages alone).
    """

    field: str
    classifier: object
    classes: np.ndarray
    thresholds: dict[str, float]
    compiled: object | None = field(default=None, repr=False)
    doc_weight: float = 0.0

    def _proba(self, passages: Sequence[str | PreparedText]) -> np.ndarray:
        if not passages:
            return np.zeros((0, len(self.classes)))
        docs = [p if isinstance(p, PreparedText) else as_passage(p) for p in passages]
        scorer = self.compiled if self.compiled is not None else self.classifier
        return scorer.predict_proba_fields(docs)[self.field]

    def score(self, docs: Sequence[PreparedText]) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
        """Aggregated raw scores ``(n_docs, n_topics)``, each document's passages and the best one per topic."""
        prepared = [_passage_docs(doc) for doc in docs]
        passages = [[p.paragraphs[0] for p in ps] for ps in prepared]
        proba = self._proba([p for ps in prepared for p in ps])
        scores = np.zeros((len(docs), len(self.classes)))
        best = np.zeros((len(docs), len(self.classes)), dtype=np.intp)
        start = 0
        for i, ps in enumerate(passages):
            if ps:
                block = proba[start : start + len(ps)]
                scores[i], best[i] = block.max(axis=0), block.argmax(axis=0)
            start += len(ps)
        return scores, passages, best

    def best_passages(self, doc: PreparedText) -> dict[str, str]:
        """``{topic: the passage of doc that scores highest for it}`` (for explanations of errors)."""
        _, passages, best = self.score([doc])
        if not passages[0]:
            return {}
        return {str(c): passages[0][best[0, j]] for j, c in enumerate(self.classes)}

    def threshold_array(self) -> np.ndarray:
        """Thresholds in the order of :attr:`classes`."""
        return np.array([self.thresholds[str(c)] for c in self.classes])

    def predict(
        self,
        docs: Sequence[PreparedText],
        shrink: np.ndarray | None = None,
        doc_proba: np.ndarray | None = None,
        doc_classes: Sequence[str] | None = None,
    ) -> tuple[list[list[str]], np.ndarray, list[dict[str, str]]]:
        """Topics, scores rescaled so that 0.5 is every topic's threshold, and ``{topic: evidence sentence}``.

        Each evidence sentence is verbatim from the prepared article: the best-scoring sentence of the
        passage that decided the topic. ``shrink`` (one factor per document, from the document-level
        coverage check) scales the scores of text the model barely knows toward zero. ``doc_proba``
        (columns ``doc_classes``) is the document-level head's probability, blended in by ``doc_weight``.
        """
        raw, passages, best = self.score(docs)
        if self.doc_weight and doc_proba is not None:
            raw = blend(raw, _align(doc_proba, np.asarray(doc_classes, dtype=object), self.classes), self.doc_weight)
        if shrink is not None:
            raw = raw * shrink[:, None]
        cut = self.threshold_array()
        chosen = raw >= cut
        topics = [[str(c) for c in self.classes[mask]] for mask in chosen]
        # Evidence: narrow each deciding passage to its best sentence, all documents in one pass.
        wanted: list[tuple[int, str, list[str]]] = []
        for i, mask in enumerate(chosen):
            for j in np.flatnonzero(mask):
                passage = passages[i][best[i, j]]
                wanted.append((i, str(self.classes[j]), split_sentences(passage) or [passage]))
        sentences = [s for _, _, candidates in wanted for s in candidates]
        proba = self._proba(sentences)
        column = {str(c): j for j, c in enumerate(self.classes)}
        evidence: list[dict[str, str]] = [{} for _ in docs]
        start = 0
        for i, topic, candidates in wanted:
            block = proba[start : start + len(candidates), column[topic]]
            start += len(candidates)
            evidence[i][topic] = candidates[int(np.argmax(block))]
        return topics, rescale_to_half(raw, cut), evidence


def blend(passage_scores: np.ndarray, doc_scores: np.ndarray, doc_weight: float) -> np.ndarray:
    """A topic's score: the best passage's, mixed with the document-level probability."""
    return (1 - doc_weight) * passage_scores + doc_weight * doc_scores


def weak_passage_labels(passage_proba: np.ndarray, topics: Sequence[str], classes: Sequence[str]) -> list[list[str]]:
    """Passage labels of a document that has document-level topics only.

    Each of the document's topics goes to every passage a document-level model scores at least 0.5
    for it, and always to the best one; topics the document does not have go nowhere.
    """
    labels: list[list[str]] = [[] for _ in range(passage_proba.shape[0])]
    if not len(labels):
        return labels
    index = {str(c): j for j, c in enumerate(classes)}
    for topic in topics:
        if topic not in index:
            continue
        column = passage_proba[:, index[topic]]
        for k in set(np.flatnonzero(column >= 0.5)) | {int(np.argmax(column))}:
            labels[k].append(topic)
    return [sorted(item) for item in labels]


def fit_passage_topics(
    make_classifier,
    field_name: str,
    passages: Sequence[Sequence[str]],
    passage_labels: Sequence[Sequence[Sequence[str]]],
    docs: Sequence[PreparedText],
    doc_topics: Sequence[Sequence[str]],
    groups: Sequence,
    folds: int = 5,
    doc_oof: np.ndarray | None = None,
    doc_weight: float = 0.0,
    unsure: Sequence[Sequence[str]] | None = None,
) -> PassageTopics:
    """Fit the passage head and choose its document-level thresholds by grouped cross-validation.

    Parameters
    ----------
    make_classifier : callable
        Returns a new, unfitted passage classifier (an ``ArticleClassifier``).
    field_name : str
        The multi-label field (``"topics"``).
    passages, passage_labels : sequences, one per document
        Training passages of each document and their topic lists.
    docs : sequence of PreparedText
        The same documents prepared, scored as at prediction time for the thresholds.
    doc_topics : sequence of list of str
        Gold topics of each document.
    groups : sequence
        Cross-validation group of each document.
    folds : int, default=5
    doc_oof : ndarray, optional
        Out-of-fold document-level probabilities (columns: the sorted topics of ``doc_topics``), computed
        on the same grouped folds, so the thresholds are chosen for the blended score.
    doc_weight : float, default=0.0
        See :class:`PassageTopics`.
    unsure : sequence of list of str, optional
        Per document, topics its labeller could not decide (``topics_maybe``): its passages teach
        nothing about them, and it does not count in their thresholds.
    """
    from sklearn.model_selection import GroupKFold

    classes = np.array(sorted({t for ts in doc_topics for t in ts}), dtype=object)

    unsure = unsure if unsure is not None else [[] for _ in docs]

    def fit(indices) -> object:
        texts = [p for i in indices for p in passages[i]]
        labels = [{field_name: list(lab)} for i in indices for lab in passage_labels[i]]
        line_unsure = [{field_name: list(unsure[i])} for i in indices for _ in passage_labels[i]]
        return make_classifier().fit([as_passage(t) for t in texts], labels, unsure=line_unsure)

    truth = np.array([[c in set(ts) for c in classes] for ts in doc_topics], dtype=bool)
    taught = np.array([[c not in set(ts) for c in classes] for ts in unsure], dtype=bool).reshape(truth.shape)
    oof = np.zeros(truth.shape)
    n_splits = min(folds, len(set(groups)))
    if n_splits >= 2:
        for train_idx, test_idx in GroupKFold(n_splits=n_splits).split(np.zeros(len(docs)), groups=groups):
            model = PassageTopics(field_name, fit(train_idx), classes, {str(c): 0.5 for c in classes})
            model.classes = _fitted_classes(model.classifier, field_name, classes)
            raw, _, _ = model.score([docs[i] for i in test_idx])
            oof[test_idx] = _align(raw, model.classes, classes)
    if doc_weight and doc_oof is not None:
        oof = blend(oof, doc_oof, doc_weight)
    thresholds = {}
    for j, label in enumerate(classes):
        keep = taught[:, j]
        if n_splits < 2 or not truth[keep, j].any():
            thresholds[str(label)] = 0.5
            continue
        f1 = [_f1(truth[keep, j], oof[keep, j] >= t) for t in _THRESHOLD_GRID]
        best = max(range(len(f1)), key=lambda k: (round(f1[k], 9), -abs(_THRESHOLD_GRID[k] - 0.5)))
        thresholds[str(label)] = float(_THRESHOLD_GRID[best])
    final = fit(range(len(docs)))
    fitted = _fitted_classes(final, field_name, classes)
    compiled = final.compile() if hasattr(final, "compile") else None
    return PassageTopics(
        field_name,
        final,
        fitted,
        {str(c): thresholds[str(c)] for c in fitted},
        compiled,
        doc_weight if doc_oof is not None else 0.0,
    )


def _fitted_classes(classifier, field_name: str, fallback: np.ndarray) -> np.ndarray:
    return np.asarray(classifier.classes_by_field.get(field_name, fallback), dtype=object)


def _align(raw: np.ndarray, have: np.ndarray, want: np.ndarray) -> np.ndarray:
    out = np.zeros((raw.shape[0], len(want)))
    index = {str(c): j for j, c in enumerate(have)}
    for j, c in enumerate(want):
        if str(c) in index:
            out[:, j] = raw[:, index[str(c)]]
    return out


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = np.count_nonzero(truth & predicted)
    denominator = np.count_nonzero(truth) + np.count_nonzero(predicted)
    return 2 * tp / denominator if denominator else 0.0
