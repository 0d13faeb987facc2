"""Density and mixed batches: typical articles first or half drawn at random, never two copies of one story."""

import collections

import numpy as np
import pytest

from classify.active.ranking import (
    AT_RANDOM,
    BY_UNCERTAINTY,
    RandomSample,
    information_density,
    pick_dense,
    pick_diverse,
    pick_mixed,
)

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


# Rows 0-3 are one kind of article (cosines 0.8-0.97 between them); row 4 is unlike every other.
FEED = np.array(
    [
        [1.0, 0.2, 0.0, 0.0],
        [1.0, 0.0, 0.3, 0.0],
        [1.0, 0.4, 0.2, 0.0],
        [0.9, 0.0, 0.0, 0.5],
        [0.0, 0.0, 0.1, 1.0],
    ]
)


def test_density_is_the_mean_similarity_to_the_other_sampled_rows():
    unit = FEED / np.linalg.norm(FEED, axis=1, keepdims=True)
    cosines = unit @ unit.T
    density = information_density(FEED, [0, 1, 2, 3, 4])
    assert density[4] < 0.5 * density[:4].min()  # the odd one out
    # A row is not like itself: its own similarity of 1 is left out of its mean.
    assert density[0] == pytest.approx((cosines[0].sum() - 1.0) / 4)
    # A row outside the sample is compared with every sampled row.
    assert information_density(FEED, [1, 2])[0] == pytest.approx(cosines[0, [1, 2]].mean())
    assert information_density(FEED, [2])[2] == 0.0 and not information_density(FEED, []).any()


def test_an_uncertain_row_unlike_the_sample_comes_after_a_typical_one():
    scores = [0.2, 0.3, 0.1, 0.1, 0.5]  # the odd row is the most uncertain
    assert pick_diverse(FEED, scores, 2)[0] == 4
    picked = pick_dense(FEED, scores, 2, [0, 1, 2, 3, 4], near_copy=1.0)
    assert [row for row, _ in picked] == [1, 4]  # then the odd row: unlike the first pick
    assert picked[0] == (1, pytest.approx(information_density(FEED, range(5))[1]))


def test_a_dense_batch_skips_near_copies_and_may_be_shorter():
    rows = [row for row, _ in pick_dense(ROWS, SCORES, 5, [0, 1, 2, 3, 4])]
    assert len(rows) == 4 and len({0, 1} & set(rows)) == 1  # one of the twins, then the rest
    assert pick_diverse(ROWS, SCORES, 5, near_copy=0.8) == [0, 2, 3, 4]
    assert pick_diverse(ROWS, SCORES, 5) == [0, 2, 3, 4, 1]
