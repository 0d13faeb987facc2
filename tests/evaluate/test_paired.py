import random

import numpy as np
import pytest

from classify.evaluate.metrics import field_metrics
from classify.evaluate.paired import cell_counts, f1_from_counts, paired_bootstrap

EVENTS = ["annual_review", "anniversary", "official_visit", "other"]
TOPICS = ["post_telecom", "it_egov", "digital_transformation", "press_publishing", "broadcasting", "infosec"]


def labelled_set(n: int, seed: int) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Event types, topics and unsure topics of n test articles, drawn like a benchmark half."""
    rng = random.Random(seed)
    events = [rng.choice(EVENTS) for _ in range(n)]
    topics = [sorted(rng.sample(TOPICS, rng.choice([0, 1, 1, 2, 3]))) for _ in range(n)]
    maybe = [
        sorted(rng.sample([t for t in TOPICS if t not in row], 1)) if rng.random() < 0.15 else [] for row in topics
    ]
    return events, topics, maybe


def noisy(events: list[str], topics: list[list[str]], error: float, seed: int):
    """A system that gets each article's event type and each topic cell wrong with probability ``error``."""
    rng = random.Random(seed)
    got_events = [rng.choice([e for e in EVENTS if e != t]) if rng.random() < error else t for t in events]
    got_topics = [sorted({t for t in TOPICS if (t in row) != (rng.random() < error)}) for row in topics]
    return got_events, got_topics


def split_counts(events, topics, maybe, system_a, system_b, field):
    if field == "event":
        classes = sorted(set(events) | set(system_a[0]) | set(system_b[0]))
        return tuple(cell_counts(events, s[0], "single", classes) for s in (system_a, system_b))
    return tuple(cell_counts(topics, s[1], "multi", TOPICS, ignore=maybe) for s in (system_a, system_b))


def test_counts_give_the_figures_of_field_metrics():
    events, topics, maybe = labelled_set(100, seed=1)
    got_events, got_topics = noisy(events, topics, 0.2, seed=2)
    classes = sorted(set(events) | set(got_events))
    counts = cell_counts(events, got_events, "single", classes).sum(axis=0)
    reference = field_metrics(events, got_events, "single")
    assert f1_from_counts(counts, "macro") == pytest.approx(reference["macro"]["f1"])
    assert f1_from_counts(counts, "micro") == pytest.approx(reference["accuracy"])
    counts = cell_counts(topics, got_topics, "multi", TOPICS, ignore=maybe).sum(axis=0)
    reference = field_metrics(topics, got_topics, "multi", ignore=maybe)
    assert f1_from_counts(counts, "micro") == pytest.approx(reference["micro"]["f1"])
    unmasked = cell_counts(topics, got_topics, "multi", TOPICS).sum(axis=0)
    assert f1_from_counts(unmasked, "micro") == pytest.approx(field_metrics(topics, got_topics, "multi")["micro"]["f1"])
    assert f1_from_counts(unmasked, "micro") != pytest.approx(f1_from_counts(counts, "micro"))
    # A label nobody has or predicts scores 0 and counts in the macro average, as in scikit-learn.
    visits = [e for e in events if e != "official_visit"]
    counts = cell_counts(visits, visits, "single", EVENTS).sum(axis=0)
    assert f1_from_counts(counts, "macro") == pytest.approx(
        field_metrics(visits, visits, "single", EVENTS)["macro"]["f1"]
    )
    assert f1_from_counts(counts, "macro") == pytest.approx(0.75)


@pytest.mark.parametrize(("field", "average"), [("event", "macro"), ("topics", "micro")])
def test_a_clearly_better_system_is_decided_and_a_slightly_better_one_is_not(field, average):
    splits_clear, splits_close = [], []
    for seed in range(5):
        events, topics, maybe = labelled_set(100, seed)
        better = noisy(events, topics, 0.10, seed=100 + seed)
        worse = noisy(events, topics, 0.30, seed=200 + seed)
        splits_clear.append(split_counts(events, topics, maybe, better, worse, field))
        # Two retrained models differ on a few answers both ways: B is wrong on four that A gets right
        # and right on three that A gets wrong, one answer net (an event type, or a topic cell).
        rng = random.Random(seed)
        nearly = (list(better[0]), [set(t) for t in better[1]])
        if field == "event":
            right = [i for i, (t, p) in enumerate(zip(events, better[0])) if t == p]
            wrong = [i for i, (t, p) in enumerate(zip(events, better[0])) if t != p]
            for i in rng.sample(right, 4):
                nearly[0][i] = next(e for e in EVENTS if e != events[i])
            for i in rng.sample(wrong, 3):
                nearly[0][i] = events[i]
        else:
            cells = [(i, t) for i in range(len(topics)) for t in TOPICS if t not in maybe[i]]
            right = [(i, t) for i, t in cells if (t in topics[i]) == (t in better[1][i])]
            wrong = [(i, t) for i, t in cells if (t in topics[i]) != (t in better[1][i])]
            for i, t in rng.sample(right, 4) + rng.sample(wrong, 3):
                nearly[1][i] ^= {t}
        nearly = (nearly[0], [sorted(t) for t in nearly[1]])
        splits_close.append(split_counts(events, topics, maybe, better, nearly, field))
    clear = paired_bootstrap(splits_clear, average)
    assert clear.difference > 0.1 and clear.low > 0 and clear.decided
    assert clear.low < clear.difference < clear.high
    reversed_ = paired_bootstrap([(b, a) for a, b in splits_clear], average)
    assert reversed_.high < 0 and reversed_.decided
    close = paired_bootstrap(splits_close, average)
    assert 0 < close.difference < 0.02
    assert close.low <= 0 < close.high and not close.decided


def test_the_interval_is_paired_and_reproducible():
    events, topics, maybe = labelled_set(80, seed=7)
    a, b = noisy(events, topics, 0.1, seed=8), noisy(events, topics, 0.2, seed=9)
    ab = paired_bootstrap([split_counts(events, topics, maybe, a, b, "event")], "macro", random_state=3)
    ba = paired_bootstrap([split_counts(events, topics, maybe, b, a, "event")], "macro", random_state=3)
    assert ab == paired_bootstrap([split_counts(events, topics, maybe, a, b, "event")], "macro", random_state=3)
    assert (ba.difference, ba.low, ba.high) == pytest.approx((-ab.difference, -ab.high, -ab.low))
    same = paired_bootstrap([split_counts(events, topics, maybe, a, a, "topics")], "micro")
    assert (same.difference, same.low, same.high, same.decided) == (0.0, 0.0, 0.0, False)
    # Paired: B is A with three more articles wrong, so the difference varies far less over resamples
    # than either system's own F1 does (resampled apart, it would vary more).
    worse = (list(a[0]), a[1])
    for i in [i for i, (t, p) in enumerate(zip(events, a[0])) if t == p][:3]:
        worse[0][i] = next(e for e in EVENTS if e != events[i])
    counts_a, counts_b = split_counts(events, topics, maybe, a, worse, "event")
    paired = paired_bootstrap([(counts_a, counts_b)], "macro")
    weights = np.random.default_rng(0).multinomial(80, np.full(80, 1 / 80), size=2000)
    own = f1_from_counts(np.einsum("rn,ncx->rcx", weights, counts_a), "macro")
    assert paired.high - paired.low < 0.75 * (np.percentile(own, 97.5) - np.percentile(own, 2.5))


def test_bad_arguments():
    events, topics, maybe = labelled_set(10, seed=0)
    counts = cell_counts(events, events, "single", EVENTS)
    with pytest.raises(ValueError, match="no split"):
        paired_bootstrap([], "macro")
    with pytest.raises(ValueError, match="shapes"):
        paired_bootstrap([(counts, counts[:5])], "macro")
    with pytest.raises(ValueError, match="average must be"):
        f1_from_counts(counts.sum(axis=0), "weighted")
    with pytest.raises(ValueError, match="kind must be"):
        cell_counts(events, events, "ordinal", EVENTS)
    with pytest.raises(ValueError, match="10 true labels but 9"):
        cell_counts(events, events[:9], "single", EVENTS)
