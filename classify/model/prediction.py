"""The result of labelling one article."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Prediction"]


@dataclass(frozen=True)
class Prediction:
    """Labels, scores, metadata and abstract of one article.

    Attributes
    ----------
    labels : dict
        Decided labels per field: a string for single-label fields
        (``event_type``), a list for multi-label ones (``topics``).
    scores : dict
        Probability of every label per field: ``{field: {label: p}}``.
    title, date, byline : str or None
        Metadata found by text preparation (or the title given by the caller).
    summary : list of str
        Extractive abstract: verbatim sentences in document order.
    evidence : dict
        ``{field: {label: sentence}}`` for multi-label fields decided from passages: the verbatim
        sentence of the cleaned article that supports each decided label.
    best_labels : dict
        ``{field: label}``: the highest-scoring label of each single-label field. It differs from
        the decided label exactly when no label cleared the abstain threshold and the field fell
        back to its abstain label (``other``).
    """

    labels: dict
    scores: dict
    title: str | None = None
    date: str | None = None
    byline: str | None = None
    summary: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    best_labels: dict = field(default_factory=dict)

    @property
    def event_type(self) -> str | None:
        """Decided event type (default taxonomy), or None if the model has no such field."""
        return self.labels.get("event_type")

    @property
    def event_scores(self) -> dict[str, float]:
        """Probability of every event type."""
        return self.scores.get("event_type", {})

    @property
    def event_confidence(self) -> float | None:
        """Probability of the decided event type."""
        if self.event_type is None:
            return None
        return self.event_scores.get(self.event_type)

    @property
    def event_abstained(self) -> bool:
        """True when no event type cleared the abstain threshold and the model fell back to ``other``."""
        return self.abstained("event_type")

    def abstained(self, name: str) -> bool:
        """Whether the single-label field ``name`` fell back to its abstain label."""
        best = self.best_labels.get(name)
        return best is not None and best != self.labels.get(name)

    @property
    def topic_evidence(self) -> dict[str, str]:
        """``{topic: sentence}``: the verbatim sentence behind each decided topic."""
        return dict(self.evidence.get("topics", {}))

    @property
    def topics(self) -> list[str]:
        """Decided topics (default taxonomy); empty when none passes its threshold."""
        return list(self.labels.get("topics", []))

    @property
    def topic_scores(self) -> dict[str, float]:
        """Probability of every topic."""
        return self.scores.get("topics", {})

    def to_dict(self) -> dict:
        """A JSON-ready dict: metadata, every label field, its scores and the summary."""
        out: dict = {"title": self.title, "date": self.date}
        for name, value in self.labels.items():
            out[name] = value
            scores = self.scores.get(name, {})
            if isinstance(value, str):
                out[f"{_stem(name)}_confidence"] = round(scores.get(value, 0.0), 4)
                out[f"{_stem(name)}_abstained"] = self.abstained(name)
                out[f"{_stem(name)}_best_label"] = self.best_labels.get(name, value)
            out[f"{_stem(name)}_scores"] = {k: round(v, 4) for k, v in scores.items()}
            if isinstance(value, list):
                out[f"{_stem(name)}_evidence"] = dict(self.evidence.get(name, {}))
        out["summary"] = list(self.summary)
        return out


def _stem(name: str) -> str:
    """``event_type`` → ``event``, ``topics`` → ``topic``: the names the API documents."""
    if name.endswith("_type"):
        return name[: -len("_type")]
    if name.endswith("s") and len(name) > 1:
        return name[:-1]
    return name
