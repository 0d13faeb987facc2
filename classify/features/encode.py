"""Syllable ids of prepared articles: the bridge from :mod:`classify.text` to the feature indexes.

:func:`article_syllables` gives the :class:`ArticleSyllables` of a
:class:`~classify.text.PreparedText`, built once per article and kept on it, so the
classifier and the summarizer encode an article once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from itertools import chain

import numpy as np

from classify.text import PreparedText, syllable_tokenize

__all__ = [
    "ArticleSyllables",
    "SyllableEncoder",
    "article_syllables",
    "encode_articles",
    "encode_sentences",
    "lead_lengths",
]


class SyllableEncoder:
    """Syllable ids of texts, equal to ``[ids.get(s, 0) for s in syllable_tokenize(text)]``.

    Encoding runs through a :class:`classify.features.syllable_scan.SyllableScanner`,
    built on first use (about 0.1 s for a 60,000-syllable table) and kept:
    a batch of texts is tokenised and looked up with numpy, several times
    faster than :func:`syllable_tokenize` and a dict, with identical ids.

    Parameters
    ----------
    ids : mapping of str to int
        Syllable ids; syllables not in it get id 0. Call :meth:`clear` after
        changing it.
    """

    def __init__(self, ids: Mapping[str, int]) -> None:
        self.ids = ids
        self._scanner = None

    def clear(self) -> None:
        """Forget the scanner built for the old ``ids`` (needed when ``ids`` changed)."""
        self._scanner = None

    def encode_parts(self, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the syllables of several texts, in order, and the number of syllables of each.

        Returns
        -------
        codes : ndarray of int64
            The ids of all parts, concatenated.
        lengths : ndarray of intp
            Syllables per part.
        """
        if self._scanner is None:
            from classify.features.syllable_scan import SyllableScanner

            self._scanner = SyllableScanner(self.ids)
        return self._scanner.scan(parts)


class _LookupEncoder:
    """:class:`SyllableEncoder` for a plain mapping: tokenise then look up (nothing to build)."""

    def __init__(self, ids: Mapping[str, int]) -> None:
        self.ids = ids

    def encode_parts(self, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        get = self.ids.get
        pieces = [[get(syllable, 0) for syllable in syllable_tokenize(part)] for part in parts]
        lengths = np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces))
        codes = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=int(lengths.sum()))
        return codes, lengths


# Characters scanned together at most when encoding many articles (bounds the scan's arrays).
_SCAN_CHARACTERS = 1 << 22


def encode_articles(articles: Sequence[ArticleSyllables], ids: Mapping[str, int]) -> list[np.ndarray]:
    """:meth:`ArticleSyllables.codes` of many articles, encoding the uncached ones in few scans.

    Parameters
    ----------
    articles : sequence of ArticleSyllables
    ids : mapping of str to int

    Returns
    -------
    list of ndarray of int64
        One array per article, also cached in the article.
    """
    todo = [article for article in articles if not article.has_codes(ids)]
    for article, codes, _ in _scan_in_groups(todo, ArticleSyllables.body_parts, _encoder(ids)):
        article.set_codes(ids, codes)
    return [article.codes(ids) for article in articles]


def encode_sentences(articles: Sequence[ArticleSyllables], ids: Mapping[str, int]) -> None:
    """:meth:`ArticleSyllables.encode` of many articles, the uncached ones in few scans.

    The summarizer needs each sentence's syllables; scanning a batch at once saves the per-call cost
    of the scanner on every article. The results are cached in the articles.
    """
    todo = [article for article in articles if article._lengths is None]
    for article, codes, lengths in _scan_in_groups(todo, ArticleSyllables.sentence_parts, _encoder(ids)):
        article._lengths = lengths
        if not article.has_codes(ids):
            article.set_codes(ids, codes)  # the same syllables as its paragraphs' (tested)


def _scan_in_groups(articles: Sequence[ArticleSyllables], parts_of, encoder):
    """``(article, codes, syllables per part)`` for each article, scanning about ``_SCAN_CHARACTERS`` at a time."""
    group: list[ArticleSyllables] = []
    size = 0
    for k, article in enumerate(articles):
        group.append(article)
        size += article.text_size()
        if size >= _SCAN_CHARACTERS or k == len(articles) - 1:
            parts = [parts_of(article) for article in group]
            codes, lengths = encoder.encode_parts(list(chain.from_iterable(parts)))
            # Every article has at least its headline part, so no article's slice is empty.
            bounds = np.cumsum([0, *map(len, parts)])
            offsets = np.concatenate([[0], np.cumsum(lengths)])[bounds]
            for j, article in enumerate(group):
                yield article, codes[offsets[j] : offsets[j + 1]], lengths[bounds[j] : bounds[j + 1]]
            group, size = [], 0


class ArticleSyllables:
    """Syllables (:func:`~classify.text.syllable_tokenize`) of the parts of a :class:`PreparedText`.

    The parts are the headline, each body sentence and each extra line. The
    syllable strings are only tokenised when asked for; classification and
    ranking read ids (:meth:`codes`, :meth:`encode`) through the cached
    :class:`SyllableEncoder` of the id table. :meth:`codes` encodes whole
    paragraphs, so classifying an article never splits it into sentences
    (the syllables are the same either way, tested).

    Parameters
    ----------
    doc : PreparedText
    """

    def __init__(self, doc: PreparedText) -> None:
        self._doc = doc
        self._codes: dict[int, tuple] = {}
        self._lengths: np.ndarray | None = None

    @cached_property
    def title(self) -> list[str]:
        """Syllables of the headline."""
        return syllable_tokenize(self._doc.title or "")

    @cached_property
    def sentences(self) -> list[list[str]]:
        """Syllables of each body sentence."""
        return [syllable_tokenize(s) for s in self._doc.sentences]

    @cached_property
    def extra_lines(self) -> list[list[str]]:
        """Syllables of each extra line."""
        return [syllable_tokenize(s) for s in self._doc.extra_lines]

    def codes(self, ids: Mapping[str, int]) -> np.ndarray:
        """Ids of :meth:`full` under the table ``ids`` (0 = unknown), computed once per table.

        A table with an ``encoder`` attribute (such as
        :class:`classify.features.ngram_index.SyllableIds`) shares its scanner across articles.
        """
        cached = self._codes.get(id(ids))
        if cached is None or cached[0] is not ids:
            codes, _ = _encoder(ids).encode_parts(self.body_parts())
            cached = self._codes[id(ids)] = (ids, codes)
        return cached[1]

    def has_codes(self, ids: Mapping[str, int]) -> bool:
        """Whether :meth:`codes` under ``ids`` is already computed."""
        cached = self._codes.get(id(ids))
        return cached is not None and cached[0] is ids

    def set_codes(self, ids: Mapping[str, int], codes: np.ndarray) -> None:
        """Store :meth:`codes` under ``ids`` computed elsewhere (see :func:`encode_articles`)."""
        self._codes[id(ids)] = (ids, codes)

    def body_parts(self) -> list[str]:
        """The texts :meth:`codes` encodes: headline, paragraphs, extra lines."""
        doc = self._doc
        return [doc.title or "", *doc.paragraphs, *doc.extra_lines]

    def text_size(self) -> int:
        """Characters in :meth:`body_parts`."""
        doc = self._doc
        return len(doc.title or "") + sum(map(len, doc.paragraphs)) + sum(map(len, doc.extra_lines))

    def sentence_parts(self) -> list[str]:
        """The texts :meth:`encode` encodes: headline, each sentence, extra lines."""
        doc = self._doc
        return [doc.title or "", *doc.sentences, *doc.extra_lines]

    def encode(self, ids: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`codes` and :meth:`part_lengths` together, encoding the article once."""
        if self._lengths is None:
            codes, self._lengths = _encoder(ids).encode_parts(self.sentence_parts())
            if id(ids) not in self._codes:
                self._codes[id(ids)] = (ids, codes)
        return self.codes(ids), self._lengths

    def part_lengths(self) -> np.ndarray:
        """Syllables in the headline, then in each sentence, then in each extra line."""
        if self._lengths is None:
            parts = [self.title, *self.sentences, *self.extra_lines]
            self._lengths = np.fromiter(map(len, parts), dtype=np.intp, count=len(parts))
        return self._lengths

    def full(self) -> list[str]:
        """Headline, sentences and extra lines in one list (the order of ``full_text``)."""
        out = list(self.title)
        for paragraph in self._doc.paragraphs:
            out.extend(syllable_tokenize(paragraph))
        for part in self.extra_lines:
            out.extend(part)
        return out

    def lead_length(self, sentences: int, ids: Mapping[str, int] | None = None) -> int:
        """Number of leading syllables that belong to the headline and the first ``sentences`` sentences.

        With ``ids``, counted through its encoder, splitting only the paragraphs the lead needs.
        """
        if self._lengths is not None:
            return int(self._lengths[: 1 + min(sentences, len(self._doc.sentences))].sum())
        parts = [self._doc.title or "", *self._doc.lead_sentences(sentences)]
        if ids is None:
            return sum(len(syllable_tokenize(part)) for part in parts)
        return int(_encoder(ids).encode_parts(parts)[1].sum())


def lead_lengths(articles: Sequence[ArticleSyllables], sentences: int, ids: Mapping[str, int]) -> np.ndarray:
    """:meth:`ArticleSyllables.lead_length` of every article, the uncached ones encoded in one pass.

    Short texts (the passages of an article) make the per-call cost of the scanner dominate, so
    their lead parts go through the encoder together.
    """
    out = np.zeros(len(articles), dtype=np.intp)
    pending: list[int] = []
    parts: list[str] = []
    counts: list[int] = []
    for i, article in enumerate(articles):
        if article._lengths is not None:
            out[i] = article.lead_length(sentences, ids)
            continue
        if article.has_codes(ids) and _lead_is_everything(article._doc, sentences):
            out[i] = len(article.codes(ids))  # a passage shorter than a lead: no second scan
            continue
        lead = [article._doc.title or "", *article._doc.lead_sentences(sentences)]
        pending.append(i)
        parts.extend(lead)
        counts.append(len(lead))
    if pending:
        _, lengths = _encoder(ids).encode_parts(parts)
        bounds = np.cumsum([0, *counts])
        out[pending] = np.add.reduceat(lengths, bounds[:-1]) if len(lengths) else 0
    return out


def _lead_is_everything(doc: PreparedText, sentences: int) -> bool:
    """Whether the lead of ``doc`` is all of its text: no headline or extra line, one paragraph whose
    sentences (already split) are no more than ``sentences``."""
    if doc.title or doc.extra_lines or len(doc.paragraphs) != 1:
        return False
    grouped = doc.__dict__.get("paragraph_sentences")
    return grouped is not None and len(grouped[0]) <= sentences


def _encoder(ids: Mapping[str, int]) -> SyllableEncoder | _LookupEncoder:
    return getattr(ids, "encoder", None) or _LookupEncoder(ids)


def article_syllables(doc: PreparedText) -> ArticleSyllables:
    """The :class:`ArticleSyllables` of ``doc``, created on first use and kept on the article.

    ``PreparedText`` is frozen, so the cache lives in its ``__dict__`` (as ``cached_property`` does).
    """
    cached = doc.__dict__.get("_syllables")
    if cached is None:
        cached = doc.__dict__["_syllables"] = ArticleSyllables(doc)
    return cached
