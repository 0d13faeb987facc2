"""KeyTable: an open-addressing int64 -> int32 hash table queried with numpy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classify.features.key_table import KeyTable


def _table(keys) -> tuple[KeyTable, np.ndarray, np.ndarray]:
    """A table of ``keys`` with values unlike the key positions (7, 10, 13, ...)."""
    keys = np.array(keys, dtype=np.int64)
    values = (np.arange(len(keys)) * 3 + 7).astype(np.int32)
    return KeyTable(keys, values), keys, values


def _keys_in_slot(slot: int, count: int, bits: int, start: int = 1) -> list[int]:
    """The first ``count`` keys from ``start`` that a table of ``2**bits`` slots hashes to ``slot``."""
    template = KeyTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32))
    template.bits = bits  # _hash reads only the table size
    candidates = np.arange(start, start + count * (1 << bits) * 4, dtype=np.int64)
    found = candidates[template._hash(candidates) == slot][:count]
    assert len(found) == count
    return found.tolist()


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.integers(min_value=0, max_value=2**62), unique=True, max_size=300),
    queries=st.lists(st.integers(min_value=0, max_value=2**62), max_size=100),
)
def test_key_table_is_a_dict(keys, queries):
    values = np.arange(len(keys), dtype=np.int32)
    table = KeyTable(np.array(keys, dtype=np.int64), values)
    reference = dict(zip(keys, values.tolist()))
    probe = np.array(queries + keys, dtype=np.int64)
    assert table.get(probe).tolist() == [reference.get(k, -1) for k in queries + keys]


def test_keys_sharing_a_slot_and_its_neighbours_are_all_found_across_the_table_end():
    # 40 keys make a table of 2**8 slots. A pile-up of 24 keys on slot 252, with 8 more
    # on slot 253 and 8 on slot 0, forms one probe chain of 40 slots that wraps to the start.
    bits, size = 8, 256
    chain = _keys_in_slot(252, 24, bits) + _keys_in_slot(253, 8, bits) + _keys_in_slot(0, 8, bits)
    order = np.random.default_rng(0).permutation(len(chain))
    table, keys, values = _table(np.array(chain)[order])
    assert table.bits == bits and len(table.keys) == size
    occupied = np.flatnonzero(table.keys >= 0)
    assert occupied.tolist() == [*range(0, 36), *range(252, 256)]  # one run, wrapped past the end
    assert table.get(keys).tolist() == values.tolist()
    # Absent keys of the same slots walk the whole chain before they meet an empty slot.
    absent = _keys_in_slot(252, 3, bits, start=max(chain) + 1) + _keys_in_slot(0, 3, bits, start=max(chain) + 1)
    assert table.get(np.array(absent, dtype=np.int64)).tolist() == [-1] * 6


def test_a_table_without_keys_answers_minus_one_to_everything():
    table, _, _ = _table([])
    queries = np.array([0, 1, 2, 12345, 2**62, 2**63 - 1], dtype=np.int64)
    assert table.get(queries).tolist() == [-1] * len(queries)
    assert table.get(np.zeros(0, dtype=np.int64)).tolist() == []


def test_key_zero_and_the_largest_keys_are_stored_like_any_other():
    # Key 0 hashes to slot 0; give it company there so it must not be mistaken for an empty slot.
    bits = KeyTable(np.zeros(12, dtype=np.int64), np.zeros(12, dtype=np.int32)).bits
    companions = _keys_in_slot(0, 4, bits, start=2**62 - 2**20)
    large = [2**62 - 1, 2**62, 2**62 + 1, 2**63 - 2, 2**63 - 1]
    table, keys, values = _table([0, *companions, 3, *large])
    assert table.bits == bits
    assert table.get(keys).tolist() == values.tolist()
    missing = np.array([1, 2, 2**62 + 2, 2**63 - 3, large[0] - 2**32], dtype=np.int64)
    assert table.get(missing).tolist() == [-1] * len(missing)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 100, 1023, 1024, 1025, 5000])
def test_load_factor_stays_at_most_one_half(n):
    keys = np.random.default_rng(n).choice(2**40, size=n, replace=False)
    table, keys, values = _table(keys)
    assert len(table.keys) == len(table.values) == 1 << table.bits
    assert len(table.keys) >= 2 * n
    assert np.count_nonzero(table.keys >= 0) == n
    assert table.get(keys).tolist() == values.tolist()
