"""Exact, vectorised TF-IDF transform over syllable n-grams.

``TfidfVectorizer.transform`` builds every n-gram of every article as a Python
string and looks it up in a dict; on news articles that is most of the
classification time. :class:`NgramIndex` compiles the vocabulary of a fitted
vectorizer into integers instead: every syllable gets an id and an n-gram is
its ids packed into one int64, so the n-grams of a whole batch are formed and
looked up with a few numpy operations. The result equals
``TfidfVectorizer.transform`` on the same syllables (tested); fitting stays
with scikit-learn.

Id ``0`` marks an unknown syllable or a boundary between articles: an n-gram
containing it cannot be in the vocabulary, so n-grams never cross articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from classify.features.compact import CompactDict
from classify.features.encode import SyllableEncoder
from classify.features.key_table import KeyTable

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["KeyTable", "NgramIndex", "SyllableIds", "count_matrix", "encode", "join_codes"]

BITS = 21  # syllable ids below 2**21: three of them fit one int64 key
MAX_ORDER = 3
_SEPARATOR = np.zeros(1, dtype=np.int64)


class SyllableIds(CompactDict):
    """``{syllable: id}`` with ids from 1; :meth:`add` assigns the next id.

    Attributes
    ----------
    encoder : SyllableEncoder
        Encodes texts to these ids with a numpy scanner built once per process (not pickled).
    """

    def add(self, syllable: str) -> int:
        """Id of ``syllable``, assigned on first sight."""
        found = self.get(syllable)
        if found is None:
            found = self[syllable] = len(self) + 1
            encoder = self.__dict__.get("_encoder")
            if encoder is not None:
                encoder.clear()  # it may have cached the syllable as unknown
        return found

    @property
    def encoder(self) -> SyllableEncoder:
        encoder = self.__dict__.get("_encoder")
        if encoder is None:
            encoder = self.__dict__["_encoder"] = SyllableEncoder(self)
        return encoder


def join_codes(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate encoded rows with a 0 after each.

    Returns
    -------
    codes : ndarray of int64
        ``len(arrays) + total ids`` ids: each row followed by a 0, so no n-gram crosses rows.
    row_of : ndarray of intp
        Row index of every position in ``codes`` (the separator belongs to the row before).
    """
    separated: list[np.ndarray] = []
    for array in arrays:
        separated.append(array)
        separated.append(_SEPARATOR)
    lengths = np.fromiter((len(a) + 1 for a in arrays), dtype=np.intp, count=len(arrays))
    codes = np.concatenate(separated) if separated else np.zeros(0, dtype=np.int64)
    return codes, np.repeat(np.arange(len(arrays)), lengths)


def encode(token_lists: Sequence[Sequence[str]], ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Syllable ids of several token lists (unknown syllables: 0), joined by :func:`join_codes`.

    Parameters
    ----------
    token_lists : sequence of sequence of str
        One token list per row (article, or sentence).
    ids : dict
        Syllable ids.

    Returns
    -------
    codes, row_of : ndarray
        As :func:`join_codes` returns them.
    """
    get = ids.get
    return join_codes([np.array([get(token, 0) for token in tokens], dtype=np.int64) for tokens in token_lists])


def count_matrix(rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """CSR matrix counting each ``(row, column)`` occurrence, column indices sorted in each row.

    Equal to ``csr_matrix((ones, (rows, columns)))`` followed by ``sum_duplicates()``,
    about four times faster: one numpy sort of packed ``row << 32 | column``
    keys replaces scipy's per-row sort of index/value pairs.

    Parameters
    ----------
    rows, columns : ndarray of int
        One entry per occurrence, ``0 <= column < 2**31``.
    shape : tuple of int
        ``(n_rows, n_columns)``.

    Returns
    -------
    scipy.sparse.csr_matrix of float64
    """
    keys = np.sort((rows.astype(np.int64) << 32) | columns.astype(np.int64))
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.intp)
    counts = np.diff(starts, append=len(keys)).astype(np.float64)
    distinct = keys[starts]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(distinct >> 32, minlength=shape[0]), out=indptr[1:])
    indices = (distinct & 0xFFFFFFFF).astype(np.int32)
    matrix = sp.csr_matrix((counts, indices, indptr), shape=shape)
    matrix.has_sorted_indices = True
    return matrix


class NgramIndex:
    """The vocabulary and IDF of a fitted syllable ``TfidfVectorizer``, compiled to integer keys.

    Parameters
    ----------
    vectorizer : TfidfVectorizer
        Fitted, word analyzer over space-free tokens, ``ngram_range`` up to 3.
    ids : SyllableIds
        Syllable ids shared by several indexes; new syllables of this
        vocabulary are added to it.

    Attributes
    ----------
    table : KeyTable
        Packed n-gram key -> feature column.
    ids : SyllableIds
        The syllable ids the keys were packed from.
    idf : ndarray or None
    n_features : int
    """

    def __init__(self, vectorizer: TfidfVectorizer, ids: SyllableIds) -> None:
        low, high = vectorizer.ngram_range
        if vectorizer.analyzer != "word" or high > MAX_ORDER or low < 1:
            raise ValueError("NgramIndex supports word analyzers with n-grams of order 1 to 3")
        if vectorizer.norm not in ("l2", None):
            raise ValueError(f"NgramIndex supports norm 'l2' or None, not {vectorizer.norm!r}")
        self.ngram_range = (int(low), int(high))
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.binary = bool(vectorizer.binary)
        self.norm = vectorizer.norm
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None
        if not isinstance(vectorizer.vocabulary_, CompactDict):
            vectorizer.vocabulary_ = CompactDict(vectorizer.vocabulary_)  # fast to unpickle
        self.n_features = len(vectorizer.vocabulary_)
        keys = np.empty(self.n_features, dtype=np.int64)
        columns = np.empty(self.n_features, dtype=np.int32)
        for k, (term, column) in enumerate(vectorizer.vocabulary_.items()):
            key = 0
            for syllable in term.split(" "):
                key = (key << BITS) | ids.add(syllable)
            keys[k], columns[k] = key, column
        if len(ids) >= 1 << BITS:
            raise ValueError(f"vocabulary has {len(ids)} syllables; NgramIndex supports fewer than {1 << BITS}")
        self.table = KeyTable(keys, columns)
        self.ids = ids

    def unigram_columns(self, codes: np.ndarray) -> np.ndarray:
        """Column of each syllable id as a unigram, -1 where it is not one (a direct array lookup)."""
        table = self.__dict__.get("_unigram_table")
        if table is None or len(table) <= len(self.ids):
            table = np.full(len(self.ids) + 2, -1, dtype=np.int32)  # the last slot answers ids added later
            single = (self.table.keys > 0) & (self.table.keys < (1 << BITS))
            table[self.table.keys[single]] = self.table.values[single]
            self._unigram_table = table
        return table[np.minimum(codes, len(table) - 1)]

    def lookup(self, codes: np.ndarray, row_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every n-gram occurrence found in the vocabulary.

        Parameters
        ----------
        codes, row_of : ndarray
            As returned by :func:`encode`.

        Returns
        -------
        rows, columns : ndarray
            One entry per occurrence (repeated occurrences repeat).
        """
        low, high = self.ngram_range
        rows, columns = [], []
        for order in range(low, high + 1):
            count = len(codes) - order + 1
            if count <= 0:
                break
            key = codes[:count].copy()
            known = key > 0
            for shift in range(1, order):
                following = codes[shift : shift + count]
                key = (key << BITS) | following
                known &= following > 0
            found = self.table.get(key[known])
            hit = found >= 0
            rows.append(row_of[:count][known][hit])
            columns.append(found[hit])
        if not rows:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int32)
        return np.concatenate(rows), np.concatenate(columns)

    def weight(self, counts: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """TF-IDF weights (before normalisation) of raw ``counts`` in ``columns``."""
        weights = np.ones_like(counts, dtype=np.float64) if self.binary else counts.astype(np.float64)
        if self.sublinear_tf:
            weights = np.log(weights) + 1.0
        if self.idf is not None:
            weights *= self.idf[columns]
        return weights

    def transform(self, token_lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF matrix of ``token_lists`` (one row each), equal to the vectorizer's ``transform``."""
        codes, row_of = encode(token_lists, self.ids)
        return self.transform_codes(codes, row_of, len(token_lists))

    def transform_codes(self, codes: np.ndarray, row_of: np.ndarray, n_rows: int) -> sp.csr_matrix:
        """TF-IDF matrix of already encoded rows (see :func:`encode`)."""
        rows, columns = self.lookup(codes, row_of)
        matrix = count_matrix(rows, columns, (n_rows, self.n_features))
        matrix.data = self.weight(matrix.data, matrix.indices)
        if self.norm == "l2" and matrix.nnz:
            row_of_entry = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
            norms = np.sqrt(np.bincount(row_of_entry, weights=matrix.data**2, minlength=n_rows))
            norms[norms == 0] = 1.0
            matrix.data /= norms[row_of_entry]
        return matrix
