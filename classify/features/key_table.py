"""A read-only integer hash table queried with numpy (n-gram and syllable keys)."""

from __future__ import annotations

import numpy as np

__all__ = ["KeyTable"]


class KeyTable:
    """A read-only hash table from non-negative int64 keys to int32 values, queried with numpy.

    Open addressing with linear probing at load factor <= 0.5; a batch of keys
    is resolved in a few vectorised probe rounds. Several times faster than
    ``np.searchsorted`` over a large sorted key array, whose binary search
    misses the cache on every step.

    Parameters
    ----------
    keys : ndarray of int64
        Distinct keys, all >= 0.
    values : ndarray of int32
    """

    _EMPTY = -1
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 2))) + 1)
        size = 1 << self.bits
        self.keys = np.full(size, self._EMPTY, dtype=np.int64)
        self.values = np.full(size, -1, dtype=np.int32)
        slots = self._hash(keys)
        pending = np.arange(len(keys))
        while len(pending):
            wanted = slots[pending]
            free = self.keys[wanted] == self._EMPTY
            # One key per free slot this round; the others probe the next slot.
            _, first = np.unique(wanted[free], return_index=True)
            placed = pending[free][first]
            self.keys[slots[placed]] = keys[placed]
            self.values[slots[placed]] = values[placed]
            done = np.zeros(len(keys), dtype=bool)
            done[placed] = True
            pending = pending[~done[pending]]
            slots[pending] = (slots[pending] + 1) & (size - 1)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        mixed = keys.astype(np.uint64) * self._MULTIPLIER
        return (mixed >> np.uint64(64 - self.bits)).astype(np.intp)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """Value of every key, -1 where absent."""
        out = np.full(len(keys), -1, dtype=np.int32)
        slots = self._hash(keys)
        active = np.arange(len(keys))
        mask = (1 << self.bits) - 1
        while len(active):
            stored = self.keys[slots]
            hit = stored == keys
            out[active[hit]] = self.values[slots[hit]]
            # Probing continues past occupied slots holding other keys; an empty slot ends it.
            going = ~hit & (stored != self._EMPTY)
            active, keys, slots = active[going], keys[going], (slots[going] + 1) & mask
        return out
