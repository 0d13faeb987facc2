"""Near-duplicate and copied-passage detection between texts (word n-grams).

Used to keep a training corpus honest: no two articles may be near-duplicates
(5-gram Jaccard) and no article may share a long verbatim run of words with
another article or with held-out evaluation data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from classify.text import normalize, prepare

__all__ = ["words", "article_words", "ngrams", "shared_runs", "near_duplicates", "LINE_BREAK"]

LINE_BREAK = "\n"

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lowercased words (Vietnamese syllables) of ``text``, punctuation dropped."""
    return _WORD.findall(normalize(text).lower())


def article_words(text: str) -> list[str]:
    """Words of an article's cleaned text (title, sentences, captions), clutter removed.

    A :data:`LINE_BREAK` token separates lines so that no run spans two of them.
    """
    doc = prepare(text)
    out: list[str] = []
    for line in [doc.title or "", *doc.sentences, *doc.extra_lines]:
        out.extend(words(line))
        out.append(LINE_BREAK)
    return out


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The set of ``n``-grams of ``tokens`` (none spanning a :data:`LINE_BREAK`)."""
    return {gram for i in range(len(tokens) - n + 1) if LINE_BREAK not in (gram := tuple(tokens[i : i + n]))}


def shared_runs(
    docs: Mapping[str, list[str]], n: int = 12, others: Iterable[tuple[str, list[str]]] = ()
) -> list[tuple[str, str, str]]:
    """Pairs of documents sharing a run of ``n`` consecutive words.

    Parameters
    ----------
    docs : mapping
        ``{name: words}`` compared with each other.
    n : int, default=12
    others : iterable of (name, words), optional
        Reference texts each document is compared with (not with each other).

    Returns
    -------
    list of (str, str, str)
        ``(doc, other, run)`` once per pair, ``run`` being one shared run.
    """
    owner: dict[tuple[str, ...], str] = {}
    found: dict[tuple[str, str], str] = {}
    for name, tokens in docs.items():
        for gram in ngrams(tokens, n):
            first = owner.setdefault(gram, name)
            if first != name:
                found.setdefault((first, name), " ".join(gram))
    for ref_name, tokens in others:
        for gram in ngrams(tokens, n):
            if gram in owner:
                found.setdefault((owner[gram], ref_name), " ".join(gram))
    return [(a, b, run) for (a, b), run in found.items()]


def near_duplicates(docs: Mapping[str, list[str]], n: int = 5, threshold: float = 0.5) -> list[tuple[str, str, float]]:
    """Pairs whose ``n``-gram Jaccard similarity is at least ``threshold``.

    Only pairs sharing at least one ``n``-gram are scored (inverted index), so
    the cost stays near-linear for a corpus of distinct texts.
    """
    shingles = {name: ngrams(tokens, n) for name, tokens in docs.items()}
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name, grams in shingles.items():
        for gram in grams:
            index[gram].append(name)
    candidates = {(a, b) for names in index.values() for i, a in enumerate(names) for b in names[i + 1 :]}
    out = []
    for a, b in sorted(candidates):
        union = len(shingles[a] | shingles[b])
        score = len(shingles[a] & shingles[b]) / union if union else 0.0
        if score >= threshold:
            out.append((a, b, score))
    return out
