"""ROUGE-1, ROUGE-2 and ROUGE-L for Vietnamese, on lowercased syllables.

Vietnamese writes one syllable per space-separated token, so tokens are the
whitespace-separated pieces of the NFC-normalised, lowercased text. Punctuation
at either end of a token is stripped (``"Dương,"`` counts as ``"dương"``) and
tokens made only of punctuation or symbols are dropped. Letters with diacritics
are kept as they are: ``rouge_score``'s default tokenizer drops them, which
inflates scores on Vietnamese text.

Scores are F1 (harmonic mean of precision and recall). An empty candidate or
reference, after tokenising, scores 0.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["Score", "ROUGE_KEYS", "rouge_tokenize", "rouge_n", "rouge_l", "rouge_scores", "corpus_rouge"]

ROUGE_KEYS: tuple[str, ...] = ("rouge1", "rouge2", "rougeL")


class Score(NamedTuple):
    """Precision, recall and F1 of one candidate against one reference."""

    precision: float
    recall: float
    f1: float


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] == "P"


def _is_symbol_or_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def rouge_tokenize(text: str) -> list[str]:
    """Split text into the lowercased syllables that ROUGE compares.

    Parameters
    ----------
    text : str
        Any text, in NFC or NFD form.

    Returns
    -------
    list of str
        Whitespace-separated tokens of ``unicodedata.normalize("NFC", text).lower()``
        with leading and trailing punctuation stripped; tokens made only of
        punctuation or symbols (``"-"``, ``"..."``, ``"%"``) are dropped.
        Inner punctuation is kept (``"30.000"``, ``"19-3"``).
    """
    tokens = []
    for raw in unicodedata.normalize("NFC", text).lower().split():
        start, end = 0, len(raw)
        while start < end and _is_punctuation(raw[start]):
            start += 1
        while end > start and _is_punctuation(raw[end - 1]):
            end -= 1
        token = raw[start:end]
        if token and not all(_is_symbol_or_punctuation(c) for c in token):
            tokens.append(token)
    return tokens


def _f1(overlap: float, candidate_total: int, reference_total: int) -> Score:
    if overlap <= 0 or candidate_total == 0 or reference_total == 0:
        return Score(0.0, 0.0, 0.0)
    precision = overlap / candidate_total
    recall = overlap / reference_total
    return Score(precision, recall, 2 * precision * recall / (precision + recall))


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> Score:
    """ROUGE-N of two token sequences: clipped n-gram overlap.

    Parameters
    ----------
    candidate, reference : sequence of str
        Tokens, e.g. from :func:`rouge_tokenize`.
    n : int
        N-gram length (1 for ROUGE-1, 2 for ROUGE-2).

    Returns
    -------
    Score
        ``overlap / #candidate n-grams``, ``overlap / #reference n-grams`` and
        their F1, where an n-gram counts at most as often as it occurs in both.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    cand, ref = _ngrams(candidate, n), _ngrams(reference, n)
    overlap = sum((cand & ref).values())
    return _f1(overlap, sum(cand.values()), sum(ref.values()))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> Score:
    """ROUGE-L of two token sequences: longest common subsequence.

    Parameters
    ----------
    candidate, reference : sequence of str
        Tokens, e.g. from :func:`rouge_tokenize`. The texts are compared as one
        sequence each (no sentence-level union LCS).

    Returns
    -------
    Score
        ``LCS / len(candidate)``, ``LCS / len(reference)`` and their F1.
        Costs ``O(len(candidate) * len(reference))``.
    """
    return _f1(_lcs_length(candidate, reference), len(candidate), len(reference))


def rouge_scores(candidate: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of a candidate summary against a reference.

    Parameters
    ----------
    candidate : str
        System summary (sentences joined by spaces or newlines).
    reference : str
        Reference summary.

    Returns
    -------
    dict
        ``{"rouge1": f1, "rouge2": f1, "rougeL": f1}``, each in ``[0, 1]``; all 0
        when either text has no token.

    Examples
    --------
    >>> rouge_scores("Hà Nội mưa to.", "Hà Nội mưa nhỏ")
    {'rouge1': 0.75, 'rouge2': 0.6666666666666666, 'rougeL': 0.75}
    """
    cand, ref = rouge_tokenize(candidate), rouge_tokenize(reference)
    return {
        "rouge1": rouge_n(cand, ref, 1).f1,
        "rouge2": rouge_n(cand, ref, 2).f1,
        "rougeL": rouge_l(cand, ref).f1,
    }


def corpus_rouge(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Average ROUGE F1 over ``(candidate, reference)`` pairs (macro average).

    Parameters
    ----------
    pairs : iterable of (str, str)
        One candidate summary and its reference per document.

    Returns
    -------
    dict
        ``{"rouge1", "rouge2", "rougeL"}`` mean F1 over the documents, and
        ``"n"``, the number of documents (scores are 0 when there is none).
    """
    totals = dict.fromkeys(ROUGE_KEYS, 0.0)
    count = 0
    for candidate, reference in pairs:
        for key, value in rouge_scores(candidate, reference).items():
            totals[key] += value
        count += 1
    averages: dict[str, float] = {key: (total / count if count else 0.0) for key, total in totals.items()}
    averages["n"] = count
    return averages
