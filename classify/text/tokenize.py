"""Tokenisers: syllables (the default features) and underthesea's words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["TOKENIZERS", "resolve_tokenizer", "syllable_tokenize", "word_tokenize"]

WORD_PATTERN = re.compile(r"\w+", re.UNICODE)
_SYLLABLE = re.compile(r"[^\W_]+")
# Non-word characters often glued to the edges of a syllable; stripping them is exact
# (they separate tokens anyway) and much cheaper than a regex per token.
_EDGE_PUNCTUATION = ".,;:!?…\"'“”‘’()[]{}«»<>-–—/\\%*_+=#&|~`^@$"
_DIGIT = re.compile(r"\d")


def syllable_tokenize(text: str) -> list[str]:
    """Split text into lowercase syllables, digits folded to ``0``.

    Vietnamese writes one syllable per space-separated token, so this needs no
    segmentation model. Folding digits makes ``năm 2014`` and ``năm 2019`` the
    same feature, which is what a topic or event model should see.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Runs of letters and digits; punctuation and underscores separate them
        and are dropped.
    """
    out: list[str] = []
    # Most syllables are plain letters: keep those as they are and send only
    # tokens with digits or punctuation through the regexes (3x faster).
    for token in text.lower().split():
        if token.isalpha():
            out.append(token)
            continue
        core = token.strip(_EDGE_PUNCTUATION)  # "đồng," "(TP" "2014." are the usual cases
        if core.isalpha():
            out.append(core)
        elif core.isdecimal():
            out.append("0" * len(core))
        elif core:
            out.extend(_SYLLABLE.findall(_DIGIT.sub("0", core)))
    return out


def _fold_digits(token: str) -> str:
    return _DIGIT.sub("0", token)


def word_tokenize(text: str) -> list[str]:
    """Split text into lowercase words with underthesea's segmenter.

    Multi-syllable words are joined with ``_`` (``truyền_thông``). Slower than
    :func:`syllable_tokenize` (a statistical segmenter runs over every token);
    see ``scripts/bench_vntc.py`` for the trade-off.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Word tokens; punctuation is dropped.
    """
    from underthesea import word_tokenize as _underthesea_word_tokenize

    words = _underthesea_word_tokenize(text)
    out = []
    for word in words:
        syllables = WORD_PATTERN.findall(word.lower())
        if syllables:
            out.append(_fold_digits("_".join(syllables)))
    return out


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "syllable": syllable_tokenize,
    "word": word_tokenize,
}


def resolve_tokenizer(tokenizer: str | Callable[[str], Iterable[str]]) -> Callable[[str], Iterable[str]]:
    """Return the tokenising callable for a name (``"syllable"``/``"word"``) or a callable.

    Raises
    ------
    ValueError
        If ``tokenizer`` is neither a known name nor callable.
    """
    if callable(tokenizer):
        return tokenizer
    try:
        return TOKENIZERS[tokenizer]
    except KeyError:
        raise ValueError(f"unknown tokenizer {tokenizer!r}; use one of {sorted(TOKENIZERS)} or a callable") from None
