"""Why the model decided what it did: signed n-gram contributions and summary ranking.

A linear model's score for a label is a sum over features of
``feature value x weight``; the largest terms (positive: for the label,
negative: against it) are the n-grams that decided it. Lead-block features are
prefixed ``lead:`` (they come from the headline and first sentences).
"""

from __future__ import annotations

import numpy as np

from classify.model.classifier import ArticleClassifier
from classify.text import PreparedText

__all__ = ["label_weights", "top_contributions", "explain", "format_explanation"]


def label_weights(head, label) -> np.ndarray | None:
    """Weight vector of ``label`` in a fitted head (calibrated SVM, logistic regression), or None."""
    estimator = head
    if hasattr(head, "calibrated_classifiers_"):
        estimator = head.calibrated_classifiers_[0].estimator
    if not hasattr(estimator, "coef_"):
        return None  # constant head: nothing to explain
    coef = np.asarray(estimator.coef_)
    classes = list(estimator.classes_)
    if coef.shape[0] == 1:  # binary: one row, for classes_[1]
        return coef[0] if label == classes[1] else -coef[0]
    return coef[classes.index(label)]


def top_contributions(row, weights: np.ndarray, names: list[str], k: int = 8) -> list[tuple[str, float]]:
    """The ``k`` largest signed contributions of one document's features (sparse row)."""
    row = row.tocsr()
    contributions = row.data * weights[row.indices]
    order = np.argsort(-np.abs(contributions))[:k]
    return [(names[row.indices[i]], round(float(contributions[i]), 4)) for i in order]


def explain(model, doc: PreparedText, *, k: int = 8, sentences: int = 3) -> dict:
    """Probabilities, decided labels with their top n-grams, and the ranked summary candidates.

    Parameters
    ----------
    model : classify.model.predictor.ArticleModel
    doc : PreparedText
    k : int, default=8
        Contributions listed per label.
    sentences : int, default=3

    Returns
    -------
    dict
        ``{"title", "date", "labels", "scores", "thresholds", "topic_evidence",
        "evidence": {field: {label: [(ngram, weight)]}}, "summary": [{"position", "score", "selected", "text"}]}``.
        Labels and scores are those of ``model.predict``. With a passage head, ``topic_scores`` are
        rescaled so that 0.5 is each topic's threshold (``thresholds["topics"]`` holds the raw ones),
        and a topic's n-grams are those of its evidence sentence under the passage classifier.
    """
    classifier: ArticleClassifier = model.classifier
    features = classifier.transform([doc])
    proba = classifier.predict_proba_fields([doc], features=features)
    decided = classifier.decide(proba)[0]
    names = classifier.vectorizer_.feature_names()
    evidence: dict[str, dict[str, list]] = {}
    thresholds = dict(classifier.thresholds_)
    passage_head = model.passage_topics
    prediction = model.predict_prepared([doc], sentences=sentences)[0]
    if passage_head is not None:
        decided = dict(decided, **prediction.labels)
        proba = dict(proba)
        proba[passage_head.field] = np.array(
            [[prediction.scores[passage_head.field][str(c)] for c in passage_head.classes]]
        )
        thresholds[passage_head.field] = dict(passage_head.thresholds)
    for name, kind in classifier.label_fields_.items():
        labels = [decided[name]] if kind == "single" else decided[name]
        evidence[name] = {}
        if passage_head is not None and name == passage_head.field:
            evidence[name] = passage_ngrams(model, prediction.evidence.get(name, {}), k)
            continue
        for label in labels:
            head = classifier.heads_[name] if kind == "single" else classifier.heads_[name][label]
            weights = label_weights(head, label if kind == "single" else 1)
            if weights is not None:
                evidence[name][label] = top_contributions(features[0], weights, names, k)
    ranked = model.summarizer.rank(doc, sentences)
    classes = dict(classifier.classes_by_field)
    if passage_head is not None:
        classes[passage_head.field] = passage_head.classes
    return {
        "title": doc.title,
        "date": doc.date,
        "labels": decided,
        "scores": {f: {str(c): round(float(p), 4) for c, p in zip(classes[f], proba[f][0])} for f in proba},
        "thresholds": thresholds,
        "topic_evidence": prediction.topic_evidence,
        "evidence": evidence,
        "summary": [
            {"position": r.position, "score": round(r.score, 5), "selected": r.selected, "text": r.text}
            for r in sorted(ranked, key=lambda r: -r.score)
        ],
    }


def passage_ngrams(model, sentences: dict[str, str], k: int) -> dict[str, list]:
    """The n-grams behind each topic in the given sentence (its evidence), under the passage classifier."""
    from classify.model.passages import as_passage

    passage_classifier = model._load_estimators()[2]
    field = model.passage_topics.field
    out = {}
    names = passage_classifier.vectorizer_.feature_names()
    for label, sentence in sentences.items():
        features = passage_classifier.transform([as_passage(sentence)])
        weights = label_weights(passage_classifier.heads_[field][label], 1)
        if weights is not None:
            out[label] = top_contributions(features[0], weights, names, k)
    return out


def format_explanation(explanation: dict, *, width: int = 110) -> str:
    """Render an :func:`explain` result as plain text for a terminal.

    Parameters
    ----------
    explanation : dict
        As returned by :func:`explain` (a ``"file"`` key, if present, heads the text).
    width : int, default=110
        Summary sentences longer than this are cut with an ellipsis (the JSON form keeps them whole).

    Returns
    -------
    str
        Labels with their probabilities, the signed n-grams behind each, and the summary ranking.
    """
    lines = []
    if explanation.get("source"):
        lines.append(str(explanation["source"]))
    dated = f"  ({explanation['date']})" if explanation.get("date") else ""
    lines.append(f"title: {explanation.get('title') or '(none found)'}{dated}")
    lines.append("(lead: marks n-grams of the headline and first sentences; every digit is read as 0)")
    for field, scores in explanation["scores"].items():
        decided = explanation["labels"][field]
        shown = decided if isinstance(decided, str) else ", ".join(decided) or "(none)"
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        lines += ["", f"{field}: {shown}", "  probabilities: " + " · ".join(f"{label} {p:.3f}" for label, p in ranked)]
        cut = explanation.get("thresholds", {}).get(field)
        if isinstance(cut, dict) and explanation.get("topic_evidence") is not None and field == "topics":
            lines.append("  (scores rescaled: a topic is predicted at 0.5 or more; its raw threshold on the")
            lines.append(
                "   best passage + whole-article score: " + " · ".join(f"{k} {t:.3f}" for k, t in cut.items()) + ")"
            )
        elif isinstance(cut, dict):
            lines.append("  thresholds: " + " · ".join(f"{label} {t:.3f}" for label, t in cut.items()))
        elif cut:
            lines.append(f"  falls back to other when no label reaches {cut:.3f}")
        for label, sentence in (explanation.get("topic_evidence") or {}).items() if field == "topics" else []:
            lines.append(f"  evidence for {label}: {sentence}")
        for label, ngrams in explanation["evidence"].get(field, {}).items():
            lines.append(f"  n-grams behind {label} (signed contribution to its score):")
            lines += [f"    {weight:+.4f}  {ngram}" for ngram, weight in ngrams]
    lines += ["", "summary candidates, best first (* = in the summary; #n = sentence position):"]
    for candidate in explanation["summary"]:
        text = candidate["text"]
        if len(text) > width:
            text = text[: width - 1].rstrip() + "…"
        mark = "*" if candidate["selected"] else " "
        lines.append(f"  {mark} #{candidate['position']:<3} {candidate['score']:.4f}  {text}")
    return "\n".join(lines)
