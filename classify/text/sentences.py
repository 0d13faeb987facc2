"""Split Vietnamese text into sentences, keeping each sentence a verbatim substring of its line."""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

_CLOSING_MARK = re.compile(r"\s*\./\.\s*$")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """tp tx tt ths ts pgs gs bs ks cn ls ncs nxb ubnd hđnd đ q p st mr mrs dr th kts
    ng tr no vs sdt đt gđ pgđ""".split()
)
# The mark that ends a sentence, then either closers and a space before the next word, or
# (glued in scraped text: "tại VN.Dự án") the next word itself. Starting with the mark lets
# the regex engine skip ahead to candidate characters.
_SPLIT_POINT = re.compile(
    r"[.!?…](?:(?P<gap>[\"”’)]*\s+)(?=[\"“(]?\w)"
    r"|(?<=\w\w[.!?])(?=\w\w))"
)
_OPENERS = '"“('  # may stand before the first letter of a sentence


def split_sentences(text: str) -> list[str]:
    """Split Vietnamese text into sentences.

    Line breaks always end a sentence, so a headline, a date line and the
    first sentence are never glued together. Inside a line, a sentence ends at
    ``. ! ? …`` followed by a capital letter or digit, except after common
    abbreviations (``TP.``, ``ThS.``, ``TS.``, ``PGS.``) and inside numbers
    (``104.033``, ``20.7.2018``). A full stop glued to the next capitalised word
    (``tại VN.Dự án``), frequent in scraped text, also ends a sentence.

    Parameters
    ----------
    text : str
        Normalised text.

    Returns
    -------
    list of str
        Sentences, stripped, in order; the closing mark ``./.`` is removed.
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        line = _without_closing_mark(line)
        if not line:
            continue
        # Spans into ``line`` so that merged pieces stay verbatim substrings.
        spans: list[list[int]] = []
        start = 0
        for match in [*_SPLIT_POINT.finditer(line), None]:
            if match is not None and not _starts_sentence(line, match):
                continue
            end = match.start() + 1 if match is not None else len(line)
            if line[start:end].strip():
                if spans and _ends_with_abbreviation(line[spans[-1][0] : spans[-1][1]]):
                    spans[-1][1] = end
                else:
                    spans.append([start, end])
            if match is not None:
                start = match.end()
        # A closing mark inside the line (lines joined upstream) ends its sentence as one at the end does.
        out.extend(_without_closing_mark(line[a:b].strip()) for a, b in spans)
    return out


def _without_closing_mark(text: str) -> str:
    """``text`` with the closing marks ``./.`` at its end replaced by one full stop."""
    while "./." in text:
        cut = _CLOSING_MARK.sub(".", text)
        if cut == text:
            break
        text = cut
    return text


def _starts_sentence(line: str, match: re.Match) -> bool:
    """A split point counts when a capital (or, after a space, a digit) follows."""
    i = match.end()
    while i < len(line) and line[i] in _OPENERS:
        i += 1
    if i >= len(line):
        return False
    if match.group("gap"):  # whitespace split
        return line[i].isupper() or line[i].isdigit()
    return line[i].isupper() and i + 1 < len(line) and line[i + 1].islower()


def _ends_with_abbreviation(piece: str) -> bool:
    if not piece.endswith("."):
        return False
    last = piece[:-1].rsplit(None, 1)[-1] if piece[:-1].strip() else ""
    last = last.lstrip('("“')
    return last.lower() in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
