"""HTML extraction on portal-like pages: the project's rules against trafilatura, in one run (issue #29).

Usage:
    python scripts/bench_html.py [--pages tests/fixtures/html] [--repeat 5] [--show]

Each ``NNN.html`` page is read as ``classify`` reads a page (declared charset honoured), then turned
into a prepared article by:

* ``rules``: the current path, :func:`classify.batch.sources.html_to_text` then
  :func:`classify.text.prepare` (as ``label``, ``predict``, ``summarize`` and ``explain`` do);
* ``trafilatura``: ``trafilatura.extract(include_comments=False)`` for the text and
  ``bare_extraction(with_metadata=True)`` for the title and date, then the same ``prepare``
  (date: trafilatura's, else the one ``prepare`` finds in the text);
* ``trafilatura-precision``: the same with ``favor_precision=True``.

Scores against ``NNN.gold.json`` (see :mod:`classify.evaluate.extraction`): body-paragraph recall,
clutter leakage (share of body sentences in no gold paragraph), headline and date correct; then totals
and the median time per page of each extractor, as a ratio to the rules measured in the same run.
``--show`` lists every missed paragraph and leaked sentence.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.batch.sources import html_to_text  # noqa: E402
from classify.evaluate.extraction import ExtractionScore, load_gold, score_extraction  # noqa: E402
from classify.text.prepare import PreparedText, prepare  # noqa: E402
from classify.text.reading import read_text_file  # noqa: E402

Extractor = Callable[[str], tuple[PreparedText, str | None]]


def rules(html: str) -> tuple[PreparedText, str | None]:
    """The project's path: BeautifulSoup rules, then prepare; the date is prepare's."""
    text, title = html_to_text(html)
    doc = prepare(text, title=title)
    return doc, doc.date


def trafilatura_extractor(favor_precision: bool) -> Extractor:
    import trafilatura

    def run(html: str) -> tuple[PreparedText, str | None]:
        text = trafilatura.extract(html, include_comments=False, favor_precision=favor_precision) or ""
        meta = trafilatura.bare_extraction(
            html, include_comments=False, favor_precision=favor_precision, with_metadata=True
        )
        title = getattr(meta, "title", None) if meta is not None else None
        doc = prepare(text, title=title)
        date = getattr(meta, "date", None) if meta is not None else None
        return doc, date or doc.date

    return run


def _median_seconds(extract: Extractor, html: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract(html)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=ROOT / "tests" / "fixtures" / "html")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs per page and extractor (median)")
    parser.add_argument("--show", action="store_true", help="list missed paragraphs and leaked sentences")
    args = parser.parse_args(argv)

    pages = sorted(args.pages.glob("*.html"))
    if not pages:
        print(f"no .html pages in {args.pages}")
        return 1
    extractors: dict[str, Extractor] = {"rules": rules}
    try:
        extractors["trafilatura"] = trafilatura_extractor(False)
        extractors["trafilatura-precision"] = trafilatura_extractor(True)
    except ImportError:
        print("trafilatura not installed (pip install trafilatura): rules only")

    htmls = {page: read_text_file(page, html=True) for page in pages}
    for extract in extractors.values():  # warm-up: imports, lazy caches, underthesea
        extract(htmls[pages[0]])

    scores: dict[str, list[ExtractionScore]] = {name: [] for name in extractors}
    seconds: dict[str, list[float]] = {name: [] for name in extractors}
    for page in pages:
        gold = load_gold(page.with_suffix(".gold.json"))
        for name, extract in extractors.items():
            doc, date = extract(htmls[page])
            scores[name].append(score_extraction(doc, gold, date=date))
            seconds[name].append(_median_seconds(extract, htmls[page], args.repeat))

    names = list(extractors)
    header = f"{'page':<6}" + "".join(f" | {name[:22]:<22}" for name in names)
    print(header + "\n" + " " * 6 + " | recall  leak  head date" * len(names) + "\n" + "-" * len(header))
    for k, page in enumerate(pages):
        cells = []
        for name in names:
            s = scores[name][k]
            cells.append(
                f" | {s.found:>2}/{s.expected:<2} {s.leaked:>2}/{s.sentences:<3} {'ok' if s.headline_ok else '--':>3}"
                f"  {'ok' if s.date_ok else '--'}"
            )
        print(f"{page.stem:<6}" + "".join(cells))

    print("\ntotals")
    base = statistics.mean(seconds["rules"])
    for name in names:
        ss = scores[name]
        found, expected = sum(s.found for s in ss), sum(s.expected for s in ss)
        leaked, sentences = sum(s.leaked for s in ss), sum(s.sentences for s in ss)
        per_page = statistics.mean(seconds[name])
        print(
            f"  {name:<22} recall {found}/{expected} = {found / expected:.3f}"
            f"  leakage {leaked}/{sentences} = {leaked / max(sentences, 1):.3f}"
            f"  headline {sum(s.headline_ok for s in ss)}/{len(ss)}  date {sum(s.date_ok for s in ss)}/{len(ss)}"
            f"  {per_page * 1000:.1f} ms/page ({per_page / base:.1f}x rules)"
        )

    if args.show:
        for name in names:
            print(f"\n== {name}")
            for page, s in zip(pages, scores[name]):
                for paragraph in s.missed:
                    print(f"  {page.stem} MISSED {paragraph[:100]}")
                for sentence in s.leaks:
                    print(f"  {page.stem} LEAKED {sentence[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
