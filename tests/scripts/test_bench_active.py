"""scripts/bench_active.py says whether its test articles can tell suggest from random at all."""

import random

import pytest
from script_loader import load_script

EVENTS = ["annual_review", "anniversary", "official_visit", "other"]
TOPICS = ["post_telecom", "it_egov", "digital_transformation", "press_publishing", "broadcasting", "infosec"]


def _test_half(seed: int, n: int = 100) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        topics = sorted(rng.sample(TOPICS, rng.choice([0, 1, 1, 2])))
        maybe = [rng.choice([t for t in TOPICS if t not in topics])] if rng.random() < 0.1 else []
        rows.append({"id": f"p{seed}-{i}", "event_type": rng.choice(EVENTS), "topics": topics, "topics_maybe": maybe})
    return rows


def _answers(rows: list[dict], wrong_events: set[int], wrong_topics: set[int], maybe: bool = False):
    """A retrained model's answers: right except on the given articles; with ``maybe``, it also gives the
    topics the annotators disagreed on, which scoring ignores."""
    events, topics = [], []
    for i, row in enumerate(rows):
        events.append(EVENTS[(EVENTS.index(row["event_type"]) + 1) % 4] if i in wrong_events else row["event_type"])
        if i in wrong_topics:
            topics.append(sorted(set(TOPICS) - set(row["topics"]) - set(row["topics_maybe"]))[:1])
        else:
            topics.append(sorted(set(row["topics"]) | set(row["topics_maybe"] if maybe else [])))
    return events, topics


def test_intervals_pair_suggest_with_random_on_each_seed():
    bench = load_script("bench_active")
    tests = [_test_half(seed) for seed in range(3)]
    answers = {"suggest": {40: []}, "random": {40: []}}
    for rows in tests:
        # Suggest's model misses the event types of 10 articles and the topics of 30; random's the event
        # types of 25 others and the topics of 5.
        answers["suggest"][40].append(_answers(rows, set(range(10)), set(range(30)), maybe=True))
        answers["random"][40].append(_answers(rows, set(range(10, 35)), set(range(50, 55))))
    differences = bench.intervals(tests, answers, 40)
    events, topics = differences["event macro-F1"], differences["topic micro-F1"]
    assert events.low > 0 and bench.describe(events).endswith(": suggest ahead")
    truth = [bench.score(rows, *answers["suggest"][40][s])["topic micro-F1"] for s, rows in enumerate(tests)]
    other = [bench.score(rows, *answers["random"][40][s])["topic micro-F1"] for s, rows in enumerate(tests)]
    assert topics.difference == pytest.approx(sum(truth) / 3 - sum(other) / 3)
    assert topics.high < 0 and bench.describe(topics).endswith(": random ahead")
    answers["suggest"][40], answers["random"][40] = answers["random"][40], answers["suggest"][40]
    assert bench.describe(bench.intervals(tests, answers, 40)["topic micro-F1"]).endswith(": suggest ahead")
    # scripts/dev_active_pages.py names each ranking against random the same way.
    density = bench.intervals(tests, {"density": answers["suggest"], "random": answers["random"]}, 40, arm="density")
    assert density == bench.intervals(tests, answers, 40)
    assert bench.describe(density["event macro-F1"], "density").endswith(": random ahead")
    assert bench.describe(density["topic micro-F1"], "density").endswith(": density ahead")
    # One article apart on each seed, each model missing its own articles: the test articles cannot tell.
    for s, rows in enumerate(tests):
        answers["suggest"][40][s] = _answers(rows, set(range(10)), set(range(7)))
        answers["random"][40][s] = _answers(rows, set(range(10)), set(range(50, 56)))
    same_events, close = bench.intervals(tests, answers, 40).values()
    assert bench.describe(same_events) == "+0.0000 [+0.0000, +0.0000]: cannot tell"
    assert close.low < close.difference < 0 < close.high and bench.describe(close).endswith(": cannot tell")
