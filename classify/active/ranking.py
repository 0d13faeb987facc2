"""Which unlabelled articles would teach the model most: uncertainty, then diversity.

Informativeness of one article, in [0, 1]:

* **event type**: one minus the margin between the two most probable event types (margin sampling);
  0.41 vs 0.38 is a margin of 0.03, an uncertainty of 0.97;
* **topics**: how close the score of the most borderline topic is to its decision threshold, with
  scores first mapped so that every threshold is 0.5 (:func:`~classify.model.passages.rescale_to_half`):
  ``1 - 2 |s - 0.5|``, 1 at the threshold, 0 at a score of 0 or 1;

and the article's informativeness is the mean of the two.

Diversity: the articles are picked one at a time (greedy max-min). Each pick maximises
``informativeness × (1 - highest cosine similarity to an article already picked)``, on the
TF-IDF rows the model itself reads (:meth:`ArticleModel.features`), so a near-copy of a picked
article (cosine close to 1) scores close to 0 and falls to the end, while articles on other
subjects (cosine 0.0-0.2 between different news articles) keep nearly all their informativeness.

Density (:func:`pick_dense`, the default of ``classify suggest``): each article's informativeness is
multiplied by its information density, its mean cosine similarity to a random sample of the articles
read (Settles & Craven 2008), before the diversity step; an uncertain article like many others of the
user's feed comes before an equally uncertain one unlike anything else (a page of clutter, an odd
story), and a near-copy of a pick is never taken. It was chosen, by a rule fixed beforehand, on a
development set of real pages that are not the benchmark's (``scripts/dev_active_pages.py``,
docs/active-learning.md).

Mixed batches (:func:`pick_mixed`): picks alternate between the informativeness order and a random
sample of the input (:class:`RandomSample`), so half of a batch shows the model typical articles of
the user's feed, and half what it is unsure of.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classify.model.passages import rescale_to_half
from classify.model.prediction import Prediction

__all__ = [
    "Uncertainty",
    "uncertainty",
    "why",
    "pick_diverse",
    "pick_mixed",
    "pick_dense",
    "information_density",
    "RandomSample",
    "NEAR_THRESHOLD",
    "NEAR_COPY",
    "STRATEGIES",
    "BY_UNCERTAINTY",
    "AT_RANDOM",
    "BY_DENSITY",
    "SIMILARITY_REASON",
]

# A topic whose (rescaled) score is within this distance of 0.5 is named in "why" as near its threshold.
NEAR_THRESHOLD = 0.2
# Two articles this similar (cosine of their TF-IDF rows) are one story: a mixed batch never takes both.
# Another portal's copy of a story is about 0.95; different news articles, 0.0-0.2.
NEAR_COPY = 0.8
STRATEGIES = ("density", "mixed", "uncertainty")
BY_UNCERTAINTY, AT_RANDOM, BY_DENSITY = "uncertainty", "random", "density"
SIMILARITY_REASON = "mean similarity to the articles read"
EVENT_FIELD = "event_type"
TOPICS_FIELD = "topics"


@dataclass(frozen=True)
class Uncertainty:
    """How unsure the model is about one article, and where.

    Attributes
    ----------
    score : float
        Informativeness in [0, 1] (see the module docstring).
    event : float
        One minus the margin of the two best event types (0 without an event head).
    topic : float
        Closeness of the most borderline topic to its threshold (0 without a topic head).
    event_top : list of (str, float)
        The two best event types and their probabilities.
    near_topics : list of (str, float)
        Topics within :data:`NEAR_THRESHOLD` of their threshold: ``(topic, reported score)``,
        most borderline first.
    """

    score: float
    event: float
    topic: float
    event_top: tuple[tuple[str, float], ...]
    near_topics: tuple[tuple[str, float], ...]


def uncertainty(prediction: Prediction, thresholds: dict[str, dict[str, float]]) -> Uncertainty:
    """The informativeness of labelling ``prediction``'s article.

    Parameters
    ----------
    prediction : Prediction
    thresholds : dict
        ``{field: {label: threshold}}`` on the scale of the reported scores
        (:meth:`classify.model.predictor.ArticleModel.decision_thresholds`).
    """
    parts = []
    event_u, top = 0.0, ()
    events = sorted(prediction.scores.get(EVENT_FIELD, {}).items(), key=lambda item: -item[1])
    if events:
        second = events[1][1] if len(events) > 1 else 0.0
        event_u = 1.0 - (events[0][1] - second)
        top = tuple(events[:2])
        parts.append(event_u)
    topic_u, near = 0.0, ()
    topic_scores = prediction.scores.get(TOPICS_FIELD, {})
    cuts = thresholds.get(TOPICS_FIELD, {})
    if topic_scores:
        labels = list(topic_scores)
        raw = np.array([topic_scores[t] for t in labels])
        cut = np.array([cuts.get(t, 0.5) for t in labels])
        distance = np.abs(rescale_to_half(raw, cut) - 0.5)
        closeness = 1.0 - 2.0 * distance
        topic_u = float(closeness.max())
        order = np.argsort(distance, kind="stable")
        near = tuple((labels[j], float(raw[j])) for j in order if distance[j] <= NEAR_THRESHOLD)
        parts.append(topic_u)
    score = float(np.mean(parts)) if parts else 0.0
    return Uncertainty(score=score, event=event_u, topic=topic_u, event_top=top, near_topics=near)


def why(
    u: Uncertainty,
    thresholds: dict[str, dict[str, float]],
    picked_by: str | None = None,
    density: float | None = None,
) -> str:
    """One line saying why an article is worth labelling.

    Parameters
    ----------
    u : Uncertainty
    thresholds : dict
        As for :func:`uncertainty`.
    picked_by : str, optional
        :data:`AT_RANDOM` starts the line with "drawn at random (half of each batch)".
    density : float, optional
        The article's information density (:func:`information_density`), named at the end.

    >>> why(Uncertainty(0.9, 0.97, 0.94, (("annual_review", 0.41), ("official_visit", 0.38)),
    ...                 (("it_egov", 0.47),)), {"topics": {"it_egov": 0.5}})
    'event: annual_review 0.41 vs official_visit 0.38; topic it_egov 0.47 near its threshold 0.50'
    """
    parts = []
    if len(u.event_top) == 2:
        (first, p1), (second, p2) = u.event_top
        parts.append(f"event: {first} {p1:.2f} vs {second} {p2:.2f}")
    elif u.event_top:
        parts.append(f"event: {u.event_top[0][0]} {u.event_top[0][1]:.2f}")
    cuts = thresholds.get(TOPICS_FIELD, {})
    for topic, score in u.near_topics[:3]:
        parts.append(f"topic {topic} {score:.2f} near its threshold {cuts.get(topic, 0.5):.2f}")
    if not u.near_topics and u.topic:
        parts.append("no topic near its threshold")
    if picked_by == AT_RANDOM:
        parts.insert(0, "drawn at random (half of each batch)")
    if density is not None:
        parts.append(f"{SIMILARITY_REASON} {density:.2f}")
    return "; ".join(parts)


def _unit_rows(features):
    """``features`` as a CSR matrix of L2-normalised rows (products of rows are then cosines)."""
    import scipy.sparse as sp

    rows = sp.csr_matrix(features, dtype=np.float64)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    return sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ rows


def pick_diverse(features, scores: Sequence[float], n: int, *, near_copy: float | None = None) -> list[int]:
    """Greedy max-min selection of ``n`` rows, weighted by informativeness.

    Parameters
    ----------
    features : sparse matrix or ndarray, shape (m, d)
        One row per candidate (TF-IDF); rows are L2-normalised here, so products are cosines.
    scores : sequence of float
        Informativeness of each candidate.
    n : int
        How many to pick.
    near_copy : float, optional
        A row whose cosine to a row already picked reaches this is never picked (the list may then
        be shorter than ``n``); by default every row can be, its near-copies last.

    Returns
    -------
    list of int
        Row indices in the order picked: the most informative first, then at each step the row
        maximising ``score × (1 - max cosine to the rows picked so far)``; ties go to the earlier row.
    """
    m = len(scores)
    n = min(n, m)
    if n <= 0:
        return []
    rows = _unit_rows(features)
    info = np.asarray(scores, dtype=np.float64)
    closest = np.zeros(m)
    taken = np.zeros(m, dtype=bool)
    picked: list[int] = []
    for _ in range(n):
        gain = info * (1.0 - closest)
        gain[taken] = -np.inf
        if near_copy is not None:
            gain[closest >= near_copy] = -np.inf
        if not np.isfinite(gain).any():
            break
        best = int(np.argmax(gain))
        picked.append(best)
        taken[best] = True
        similarity = np.asarray((rows @ rows[best].T).todense()).ravel()
        closest = np.maximum(closest, similarity)
    return picked


class RandomSample:
    """A uniform random sample of the first ``n`` items of a stream of any length, reproducibly.

    Each item offered draws a random key (from ``random.Random(seed)``, in the order offered) and
    the ``n`` items with the smallest keys are kept (bottom-k sampling), so memory stays at ``n``
    items, and the sample of a smaller ``n`` is the beginning of the sample of a larger one.

    Parameters
    ----------
    n : int
        How many items to keep.
    seed : int, default=0
    """

    def __init__(self, n: int, seed: int = 0) -> None:
        self.n = n
        self._rng = random.Random(seed)
        self._heap: list[tuple[float, int, object]] = []  # (-key, offer number, item): the largest key on top
        self._offered = 0

    def offer(self, item: object) -> None:
        """Consider ``item`` for the sample."""
        if not self.n:
            return
        key = self._rng.random()
        self._offered += 1
        entry = (-key, self._offered, item)
        if len(self._heap) < self.n:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    def items(self) -> list:
        """The sample, in random order (smallest key first)."""
        return [item for _, _, item in sorted(self._heap, reverse=True)]


def pick_mixed(
    features, scores: Sequence[float], n: int, random_order: Sequence[int], *, near_copy: float = NEAR_COPY
) -> list[tuple[int, str]]:
    """Half of ``n`` rows by informativeness with diversity, half in a random order, alternately.

    Parameters
    ----------
    features : sparse matrix or ndarray, shape (m, d)
        One row per candidate (TF-IDF).
    scores : sequence of float
        Informativeness of each candidate.
    n : int
        How many to pick.
    random_order : sequence of int
        Rows in a random order (a random sample of the input, :class:`RandomSample`).
    near_copy : float, default=NEAR_COPY
        A row whose cosine to a row already picked reaches this is skipped, from either order.

    Returns
    -------
    list of (int, str)
        ``(row, how)`` in the order picked, ``how`` being :data:`BY_UNCERTAINTY` (the picks of
        :func:`pick_diverse`: the first, third, ...) or :data:`AT_RANDOM` (the second, fourth, ...).
        When one order has no row left, the other fills the batch.
    """
    rows = _unit_rows(features)
    orders = {BY_UNCERTAINTY: iter(pick_diverse(rows, scores, n)), AT_RANDOM: iter(random_order)}
    closest = np.zeros(rows.shape[0])
    taken = np.zeros(rows.shape[0], dtype=bool)
    picked: list[tuple[int, str]] = []
    turn = [BY_UNCERTAINTY, AT_RANDOM]
    while len(picked) < n and turn:
        how = turn[len(picked) % len(turn)]
        row = next((r for r in orders[how] if not taken[r] and closest[r] < near_copy), None)
        if row is None:
            turn.remove(how)
            continue
        picked.append((row, how))
        taken[row] = True
        closest = np.maximum(closest, np.asarray((rows @ rows[row].T).todense()).ravel())
    return picked


def information_density(features, reference: Sequence[int]) -> np.ndarray:
    """Mean cosine similarity of each row to the ``reference`` rows other than itself, in [0, 1].

    Parameters
    ----------
    features : sparse matrix or ndarray, shape (m, d)
        One row per candidate (TF-IDF).
    reference : sequence of int
        Rows standing for the whole input (a uniform random sample of it): a row's density is how
        much it is like the articles the user has, not like the ones the model is unsure of.

    Returns
    -------
    ndarray, shape (m,)
        0 for a row unlike every reference row, or when no other reference row exists.
    """
    rows = _unit_rows(features)
    reference = sorted(set(reference))
    if not reference:
        return np.zeros(rows.shape[0])
    total = np.asarray(rows @ np.asarray(rows[reference].sum(axis=0)).ravel()).ravel()
    own = np.zeros(rows.shape[0])
    own[reference] = 1.0
    self_similarity = own * (rows.getnnz(axis=1) > 0)  # a row in the reference is not like itself
    others = len(reference) - own  # 0 only for the one row of a one-row reference
    return np.clip((total - self_similarity) / np.maximum(others, 1), 0.0, 1.0)


def pick_dense(
    features, scores: Sequence[float], n: int, reference: Sequence[int], *, near_copy: float = NEAR_COPY
) -> list[tuple[int, float]]:
    """``n`` rows by informativeness × information density, with diversity.

    Parameters
    ----------
    features, scores, n
        As for :func:`pick_diverse`.
    reference : sequence of int
        Rows of a random sample of the input (:func:`information_density`).
    near_copy : float, default=NEAR_COPY
        A row whose cosine to a row already picked reaches this is skipped.

    Returns
    -------
    list of (int, float)
        ``(row, density)`` in the order :func:`pick_diverse` picks them on the weighted scores.
    """
    density = information_density(features, reference)
    weighted = np.asarray(scores, dtype=np.float64) * density
    return [(j, float(density[j])) for j in pick_diverse(features, weighted, n, near_copy=near_copy)]
