"""String-keyed containers that pickle as one string plus one array.

joblib unpickles with a pure-Python unpickler, which reads a dict of 200,000
n-grams item by item (seconds per model load, in every worker). These
subclasses behave exactly like ``dict`` / ``frozenset`` but pickle their keys
as a single joined string, so loading them costs one ``str.split``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CompactDict", "CompactFrozenSet"]

_SEPARATOR = "\x00"


def _joinable(keys: list) -> bool:
    return all(isinstance(k, str) and _SEPARATOR not in k for k in keys)


def _join(keys: list[str]) -> str:
    # A leading separator tells [""] apart from [].
    return _SEPARATOR + _SEPARATOR.join(keys) if keys else ""


def _split(joined: str) -> list[str]:
    return joined[1:].split(_SEPARATOR) if joined else []


class CompactDict(dict):
    """A ``dict`` from ``str`` to ``int`` that pickles compactly (any other content pickles as usual)."""

    def __reduce__(self):
        keys = list(self.keys())
        values = list(self.values())
        if _joinable(keys) and all(type(v) is int for v in values):
            return _rebuild_dict, (type(self), _join(keys), np.asarray(values, dtype=np.int64))
        return type(self), (dict(self),)


class CompactFrozenSet(frozenset):
    """A ``frozenset`` of ``str`` that pickles compactly."""

    def __reduce__(self):
        keys = list(self)
        if _joinable(keys):
            return _rebuild_set, (type(self), _join(keys))
        return type(self), (frozenset(self),)


def _rebuild_dict(cls: type, joined: str, values: np.ndarray) -> CompactDict:
    return cls(zip(_split(joined), values.tolist()))


def _rebuild_set(cls: type, joined: str) -> CompactFrozenSet:
    return cls(_split(joined))
