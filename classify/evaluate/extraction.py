"""How well a page's article was extracted: its body paragraphs, clutter, headline and date against a gold file.

A gold file (``NNN.gold.json`` beside ``NNN.html``) holds the ``headline``, the ``date``
(``YYYY-MM-DD``), the ``paragraphs`` a reader would keep, and optionally ``allowed``
lines (sub-headings) that are neither required nor counted as clutter. Text is compared
after :func:`comparable` (NFC, case-folded, spaces collapsed), by containment, so a
paragraph split into sentences or joined to its neighbour still counts as found.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from classify.text.prepare import PreparedText

__all__ = ["ExtractionGold", "ExtractionScore", "comparable", "load_gold", "score_extraction"]


@dataclass(frozen=True)
class ExtractionGold:
    """What should come out of one page.

    Attributes
    ----------
    headline : str
    date : str
        ``YYYY-MM-DD``.
    paragraphs : list of str
        The article's body paragraphs, lead included, without captions, bylines or outlet tags.
    allowed : list of str
        Lines that may appear without counting as clutter (sub-headings).
    """

    headline: str
    date: str
    paragraphs: list[str]
    allowed: list[str]


@dataclass(frozen=True)
class ExtractionScore:
    """One page's extraction against its gold.

    Attributes
    ----------
    found : int
        Gold paragraphs contained in the extracted body.
    expected : int
        Gold paragraphs.
    leaked : int
        Extracted body sentences found in no gold paragraph (nor allowed line).
    sentences : int
        Extracted body sentences.
    headline_ok, date_ok : bool
    missed : list of str
        The gold paragraphs not found.
    leaks : list of str
        The clutter sentences.
    """

    found: int
    expected: int
    leaked: int
    sentences: int
    headline_ok: bool
    date_ok: bool
    missed: list[str]
    leaks: list[str]

    @property
    def recall(self) -> float:
        """Share of gold paragraphs found (1.0 when the gold has none)."""
        return self.found / self.expected if self.expected else 1.0

    @property
    def leakage(self) -> float:
        """Share of extracted sentences that are clutter (0.0 when nothing was extracted)."""
        return self.leaked / self.sentences if self.sentences else 0.0


def comparable(text: str) -> str:
    """``text`` in NFC, case-folded, with runs of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def load_gold(path: str | Path) -> ExtractionGold:
    """Read a ``.gold.json`` file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return ExtractionGold(
        headline=data["headline"],
        date=data["date"],
        paragraphs=list(data["paragraphs"]),
        allowed=list(data.get("allowed", [])),
    )


def score_extraction(doc: PreparedText, gold: ExtractionGold, *, date: str | None = None) -> ExtractionScore:
    """Score a prepared page against its gold.

    Parameters
    ----------
    doc : PreparedText
        The page after extraction and :func:`classify.text.prepare`.
    gold : ExtractionGold
    date : str, optional
        The date the extractor reports, when it is not ``doc.date`` (metadata read from the markup);
        only its ``YYYY-MM-DD`` part is compared.

    Returns
    -------
    ExtractionScore
    """
    body = comparable("\n".join(doc.paragraphs))
    missed = [p for p in gold.paragraphs if comparable(p) not in body]
    kept = comparable("\n".join([*gold.paragraphs, *gold.allowed]))
    leaks = [s for s in doc.sentences if comparable(s) not in kept]
    found_date = date if date is not None else doc.date
    return ExtractionScore(
        found=len(gold.paragraphs) - len(missed),
        expected=len(gold.paragraphs),
        leaked=len(leaks),
        sentences=len(doc.sentences),
        headline_ok=doc.title is not None and comparable(doc.title) == comparable(gold.headline),
        date_ok=found_date is not None and found_date[:10] == gold.date,
        missed=missed,
        leaks=leaks,
    )
