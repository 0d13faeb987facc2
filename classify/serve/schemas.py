"""Request and response bodies of the JSON API, as OpenAPI documents them at ``/docs``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Article",
    "LabelRecord",
    "Explanation",
    "ReadArticle",
    "JobCreated",
    "JobStatus",
    "ModelInfo",
    "ReviewFromJob",
    "ReviewAnswer",
    "ReviewItemRef",
    "ReviewStatus",
    "QueueCreated",
    "RetrainStatus",
    "ModelEntry",
]


class Article(BaseModel):
    """One article to label."""

    text: str = Field(description="Raw article text; portal clutter, date lines and bylines are handled.")
    title: str | None = Field(None, description="Headline, if known; otherwise found in the text.")
    sentences: int = Field(3, ge=1, le=50, description="Sentences in the summary.")


class LabelRecord(BaseModel):
    """The record ``classify label`` writes for one article (without ``id``, ``source``, ``error``).

    Fields of other label sets (a model trained on your own fields) are passed
    through as ``<field>`` and ``<field>_scores``; ``event_abstained`` and
    ``topic_evidence`` appear with models that provide them.
    """

    model_config = ConfigDict(extra="allow")

    title: str | None = None
    date: str | None = Field(None, description="ISO date (and time) found in the text.")
    event_type: str | None = None
    event_confidence: float | None = None
    event_scores: dict[str, float] | None = Field(None, description="Probability of every event type.")
    event_abstained: bool | None = Field(
        None, description="True when no event type cleared its threshold and the fallback label was given."
    )
    topics: list[str] | None = None
    topic_scores: dict[str, float] | None = Field(None, description="Probability of every topic.")
    topic_evidence: dict[str, str] | None = Field(
        None, description="For each decided topic, the sentence of the article that supports it (verbatim)."
    )
    summary: list[str] = Field(default_factory=list, description="Extractive summary: verbatim sentences.")


class Ranked(BaseModel):
    position: int
    score: float
    selected: bool
    text: str


class Explanation(BaseModel):
    """A prediction with what the page needs to show why."""

    prediction: LabelRecord
    paragraphs: list[str] = Field(description="The cleaned article's paragraphs (what the model read).")
    ngrams: dict[str, dict[str, list[tuple[str, float]]]] = Field(
        description="Per field and decided label, the n-grams with the largest signed contributions "
        "(``lead:`` marks the headline and first sentences; digits read as 0)."
    )
    ranking: list[Ranked] = Field(description="Summary candidates, best first.")


class ReadArticle(BaseModel):
    """The text of an uploaded article file, read as ``classify predict FILE`` reads it."""

    filename: str
    text: str
    title: str | None = None


class JobCreated(BaseModel):
    id: str = Field(description="The job's id: random, the only way to reach the job; keep it.")


class ErrorRecord(BaseModel):
    id: str | None = None
    source: str | None = None
    error: str


class JobStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    filename: str
    phase: Literal["starting", "unpacking", "counting", "labelling", "finished"] | None = Field(
        None, description="What a running job is doing."
    )
    done: int = Field(description="Documents with a record so far.")
    total: int | None = Field(None, description="Documents in the upload, once counted.")
    errors: int = Field(description="Records with an error so far.")
    labelled: int | None = None
    message: str | None = Field(None, description="Why the job failed, or that it was resumed after a restart.")
    created: str
    finished: str | None = None
    expires: str | None = Field(None, description="When the finished job and its files are removed.")
    error_samples: list[ErrorRecord] = Field(
        default_factory=list, description="The first error records (all are in the downloaded output)."
    )


class ModelInfo(BaseModel):
    name: str
    sha256: str = Field(description="First 12 hex digits of the model file's sha256.")
    created: str | None = None
    classify_version: str | None = None
    corpus: dict | None = None
    label_fields: dict[str, str]
    labels: dict[str, list[dict[str, str]]] = Field(description="Per field, each label and its Vietnamese name.")
    thresholds: dict | None = Field(None, description="Decision thresholds from training (per topic for topics).")
    abstain_label: str | None = None
    cv_metrics: dict | None = Field(None, description="Cross-validated figures from the manifest.")


class ReviewFromJob(BaseModel):
    """A review queue of a finished batch job's articles."""

    job: str = Field(description="The job's id.")
    n: int = Field(50, ge=1, le=1000, description="How many articles to review: those `suggest` ranks first.")


class ReviewAnswer(BaseModel):
    index: int = Field(ge=0, description="The item answered (the queue's `item.index`).")
    labels: dict[str, str | list[str]] = Field(
        description='The confirmed or corrected labels: {"event_type": "...", "topics": ["...", ...]}, and '
        'optionally "topics_maybe": the topics the analyst is unsure of (training leaves them out for this article).'
    )


class ReviewItemRef(BaseModel):
    index: int = Field(ge=0)


class ReviewItem(BaseModel):
    index: int
    id: str
    source: str | None = None
    title: str | None = None
    why: str = Field(description="Why `suggest` put it in the queue.")
    prediction: LabelRecord = Field(description="The served model's record for it when the queue was made.")
    paragraphs: list[str] = Field(description="The cleaned article's paragraphs.")


class ReviewStatus(BaseModel):
    id: str
    name: str
    created: str
    total: int
    reviewed: int = Field(description="Items whose labels are in the corrections corpus.")
    skipped: int
    done: bool = Field(description="No item waits (some may be skipped).")
    can_undo: bool
    corrections: int = Field(description="Articles in the corrections corpus, from every queue.")
    item: ReviewItem | None = Field(None, description="The item to review now.")


class QueueCreated(BaseModel):
    id: str = Field(description="The queue's id: random, the only way to reach it; keep it.")


class RetrainStatus(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: Literal["none", "running", "done", "failed"]
    phase: Literal["starting", "reading", "cross-validation", "training", "saving"] | None = None
    fold: int | None = None
    folds: int | None = None
    message: str | None = Field(None, description="Why the retraining failed.")
    model: str | None = Field(None, description="The new model's id (see /api/models), when done.")
    cv_metrics: dict | None = None
    documents: int | None = Field(None, description="Articles trained on: shipped corpus + corrections.")
    corrections: int | None = None
    seeds: str | None = Field(
        None, description="The shipped corpus added to the corrections (none: corrections alone)."
    )
    seconds: float | None = None
    available: int = Field(0, description="Articles in the corrections corpus now (what a new retraining adds).")


class ModelEntry(BaseModel):
    id: str
    name: str
    created: str | None = None
    sha256: str
    corpus: dict | None = None
    cv_metrics: dict | None = None
    served: bool
