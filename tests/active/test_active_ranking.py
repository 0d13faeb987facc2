"""Mixed batches: half by uncertainty, half drawn at random, never two copies of one story."""

import collections

import numpy as np
import pytest

from classify.active.ranking import AT_RANDOM, BY_UNCERTAINTY, RandomSample, pick_mixed

# Rows 0 and 1 are near copies (cosine 0.99); 2, 3 and 4 are unlike anything else.
ROWS = np.array(
    [
        [1.0, 0.0, 0.0, 0.0],
        [0.99, 0.14, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ]
)
SCORES = [0.9, 0.89, 0.3, 0.2, 0.1]


def test_picks_alternate_between_the_informative_order_and_the_random_one():
    assert pick_mixed(ROWS, SCORES, 4, [4, 3, 2, 1, 0]) == [
        (0, BY_UNCERTAINTY),
        (4, AT_RANDOM),
        (2, BY_UNCERTAINTY),
        (3, AT_RANDOM),
    ]


def test_a_near_copy_of_a_pick_is_skipped_from_either_order():
    # The random order offers row 1, the twin of the first pick: the next random row comes instead.
    assert pick_mixed(ROWS, SCORES, 2, [1, 3]) == [(0, BY_UNCERTAINTY), (3, AT_RANDOM)]
    # Every row wanted: the twin is never taken, so one story gives one article.
    picked = pick_mixed(ROWS, SCORES, 5, [1, 0, 2, 3, 4])
    assert sorted(row for row, _ in picked) == [0, 2, 3, 4]


def test_when_one_order_runs_out_the_other_fills_the_batch():
    assert pick_mixed(ROWS, SCORES, 3, [0]) == [(0, BY_UNCERTAINTY), (2, BY_UNCERTAINTY), (3, BY_UNCERTAINTY)]


def test_a_random_sample_is_reproducible_and_a_smaller_one_is_its_beginning():
    def sample(n, seed):
        drawn = RandomSample(n, seed)
        for item in range(40):
            drawn.offer(item)
        return drawn.items()

    assert sample(10, 3) == sample(10, 3) and sample(10, 3) != sample(10, 4)
    assert sample(4, 3) == sample(10, 3)[:4] and len(set(sample(10, 3))) == 10
    assert sorted(sample(40, 3)) == list(range(40)) and sample(0, 3) == []


def test_a_random_sample_is_uniform_over_the_stream():
    counts = collections.Counter()
    for seed in range(3000):
        drawn = RandomSample(3, seed)
        for item in range(10):
            drawn.offer(item)
        counts.update(drawn.items())
    assert all(counts[item] / 3000 == pytest.approx(0.3, abs=0.04) for item in range(10))
