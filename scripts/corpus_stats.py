"""Print the make-up of a labelled corpus.

Usage: python scripts/corpus_stats.py [--data seeds]

Counts per event type, per topic, per length band, per year band, the share of
articles with no / one / several topics, and the kinds of `other` articles
(from each label line's `meta.kind`).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.corpus.reader import load_corpus  # noqa: E402

LENGTH_BANDS = [(0, 700, "< 700"), (700, 1500, "700-1,499"), (1500, 3000, "1,500-2,999"), (3000, 10**9, ">= 3,000")]
YEAR_BANDS = [(2005, 2012, "2005-2012"), (2013, 2019, "2013-2019"), (2020, 2026, "2020-2026")]


def _table(title: str, counter: Counter, total: int) -> None:
    print(f"\n{title}")
    for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"  {str(key):<26}{count:>5}  {100 * count / total:5.1f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description="Print counts of a labelled corpus.")
    parser.add_argument("--data", default=str(ROOT / "seeds"))
    args = parser.parse_args()
    corpus = load_corpus(args.data)
    n = len(corpus)
    print(f"{args.data}: {n} articles; label fields {corpus.label_fields}")
    for name, kind in corpus.label_fields.items():
        values = Counter(v for labels in corpus.labels for v in (labels[name] if kind == "multi" else [labels[name]]))
        _table(f"{name} ({kind}-label)", values, n)
        if kind == "multi":
            sizes = Counter({0: "none", 1: "one"}.get(len(labels[name]), "several") for labels in corpus.labels)
            _table(f"{name}: labels per article", sizes, n)
    lengths = Counter(
        next(band for lo, hi, band in LENGTH_BANDS if lo <= len(doc.text) < hi) for doc in corpus.documents
    )
    _table("length (characters)", lengths, n)
    years = Counter(
        next((band for lo, hi, band in YEAR_BANDS if lo <= int(doc.meta.get("year", 0)) <= hi), "unknown")
        for doc in corpus.documents
    )
    _table("year", years, n)
    if "event_type" in corpus.label_fields:
        kinds = Counter(
            doc.meta.get("kind", "unknown") for doc in corpus.documents if doc.labels["event_type"] == "other"
        )
        _table("kinds of 'other' articles", kinds, sum(kinds.values()))
    forms = Counter(doc.meta.get("form", "unknown") for doc in corpus.documents)
    _table("form", forms, n)
    print(f"\nnear-miss groups: {sum(1 for g, c in Counter(corpus.groups).items() if c > 1)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
