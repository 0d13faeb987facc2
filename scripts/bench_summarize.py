"""Benchmark extractive summarizers on VietNews: ROUGE F1 and speed against Lead-k and sumy.

Usage: python scripts/bench_summarize.py [--data ../shared/data/vietnews_val_1000.jsonl] [--limit N] [--sentences 2]

Each record has ``id``, ``title``, ``text`` (one sentence per line) and ``summary`` (the
newspaper's own lead, the reference). Every system sees the same sentence list, the
sentences of ``prepare(text, title=title)``: Lead-k takes the first k of them, sumy's
TextRank and LexRank get a document built from them, ours gets the prepared text.
ROUGE is computed by :mod:`classify.summarizers.rouge` (lowercased syllables, punctuation dropped).
Times are wall-clock milliseconds per document of the summarizing call only
(``prepare`` is shared by all systems and not counted; for sumy, building its
document model is counted, as it is where sumy tokenises).

sumy is a benchmark-only extra: ``pip install sumy`` (or ``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.summarizers.rouge import ROUGE_KEYS, corpus_rouge  # noqa: E402
from classify.text import PreparedText, prepare, split_sentences, syllable_tokenize  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "vietnews_val_1000.jsonl"

SummarizeFn = Callable[[PreparedText, int], list[str]]


class VietnameseTokenizer:
    """sumy tokenizer adapter: sentences and syllables of :mod:`classify.text`, no NLTK data needed."""

    language = "vietnamese"

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph)

    def to_words(self, sentence: str) -> list[str]:
        return syllable_tokenize(sentence)


def load_records(path: Path, limit: int | None = None) -> list[dict]:
    """Read the JSONL benchmark file (first ``limit`` records)."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
                if limit is not None and len(records) >= limit:
                    break
    return records


def prepare_records(records: Sequence[dict]) -> list[PreparedText]:
    """The prepared article of each record, with the record's title as title."""
    return [prepare(r["text"], title=r.get("title")) for r in records]


def lead(k: int) -> SummarizeFn:
    """Lead-k: the first ``k`` sentences of the prepared text (``count`` is ignored)."""

    def summarize(doc: PreparedText, count: int) -> list[str]:
        return doc.sentences[:k]

    return summarize


def sumy_summarizer(name: str) -> SummarizeFn:
    """sumy's ``TextRankSummarizer`` or ``LexRankSummarizer`` over the prepared sentences."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    summarizer = {"textrank": TextRankSummarizer, "lexrank": LexRankSummarizer}[name]()
    tokenizer = VietnameseTokenizer()

    def summarize(doc: PreparedText, count: int) -> list[str]:
        if not doc.sentences:
            return []
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in doc.sentences])])
        return [str(s) for s in summarizer(document, count)]

    return summarize


def run_system(fn: SummarizeFn, docs: Sequence[PreparedText], count: int) -> tuple[list[list[str]], float]:
    """Summaries of every document and the mean milliseconds per document."""
    if docs:
        fn(docs[0], count)  # warm caches (imports, first-call allocations) outside the clock
    summaries = []
    start = time.perf_counter()
    for doc in docs:
        summaries.append(fn(doc, count))
    elapsed = time.perf_counter() - start
    return summaries, 1000.0 * elapsed / max(len(docs), 1)


def score(summaries: Sequence[list[str]], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE F1 of the summaries against the references."""
    return corpus_rouge((" ".join(s), ref) for s, ref in zip(summaries, references))


def evaluate(
    systems: dict[str, SummarizeFn], docs: Sequence[PreparedText], references: Sequence[str], count: int
) -> dict[str, dict[str, float]]:
    """ROUGE F1 and ``ms`` per document of each system on the same documents."""
    results = {}
    for name, fn in systems.items():
        summaries, ms = run_system(fn, docs, count)
        results[name] = {**score(summaries, references), "ms": ms}
    return results


def format_table(results: dict[str, dict[str, float]]) -> str:
    """A plain-text table of ROUGE F1 (in %) and ms per document."""
    width = max(len(name) for name in results)
    lines = [f"{'system':<{width}}  {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'ms/doc':>8}"]
    for name, r in results.items():
        rouge = " ".join(f"{100 * r[key]:8.2f}" for key in ROUGE_KEYS)
        lines.append(f"{name:<{width}}  {rouge} {r['ms']:8.3f}")
    return "\n".join(lines)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "n/a"


def format_ratios(results: dict[str, dict[str, float]]) -> str:
    """Ours against Lead-2 (every ROUGE), against sumy (ROUGE-2), and speed against sumy TextRank."""
    ours = results["ours"]
    lines = [f"ours/Lead-2 {key}: {_ratio(ours[key], results['Lead-2'][key])}" for key in ROUGE_KEYS]
    for name in ("sumy-TextRank", "sumy-LexRank"):
        if name in results:
            lines.append(f"ours/{name} rouge2: {_ratio(ours['rouge2'], results[name]['rouge2'])}")
    if "sumy-TextRank" in results:
        lines.append(f"ours/sumy-TextRank ms/doc: {_ratio(ours['ms'], results['sumy-TextRank']['ms'])}")
    return "\n".join(lines)


def _with_class_defaults(summarizer):
    """A TextRankSummarizer with the class defaults and ``summarizer``'s fitted IDF, or None if they are the same."""
    from classify.summarizers.summarizer import TextRankSummarizer

    if not isinstance(summarizer, TextRankSummarizer):
        return None
    defaults = TextRankSummarizer(tokenizer=summarizer.tokenizer)
    if defaults.get_params() == summarizer.get_params():
        return None
    defaults.vectorizer_ = summarizer.vectorizer_
    return defaults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="VietNews JSONL file")
    parser.add_argument("--limit", type=int, default=None, help="use the first N records")
    parser.add_argument("--sentences", type=int, default=2, help="summary length of every system")
    parser.add_argument("--model", default=None, help="model file (default: the shipped model)")
    args = parser.parse_args(argv)

    if not args.data.is_file():
        print(f"{args.data}: data file not found; nothing to benchmark.", file=sys.stderr)
        return 0

    import classify

    records = load_records(args.data, args.limit)
    docs = prepare_records(records)
    references = [r["summary"] for r in records]
    summarizer = classify.load(args.model).summarizer

    systems: dict[str, SummarizeFn] = {"Lead-1": lead(1), "Lead-2": lead(2), "Lead-3": lead(3)}
    try:
        systems["sumy-TextRank"] = sumy_summarizer("textrank")
        systems["sumy-LexRank"] = sumy_summarizer("lexrank")
    except ImportError:
        print("sumy is not installed (pip install sumy): comparing with Lead-k only.", file=sys.stderr)
    systems["ours"] = lambda doc, count: summarizer(doc, count)
    defaults = _with_class_defaults(summarizer)
    if defaults is not None:
        print("the model's summarizer is not TextRankSummarizer's defaults: retrain to ship them", file=sys.stderr)
        systems["ours-defaults"] = lambda doc, count: defaults(doc, count)

    results = evaluate(systems, docs, references, args.sentences)
    print(f"{len(docs)} articles from {args.data}, {args.sentences} sentences per summary (Lead-k: k sentences)")
    print(format_table(results))
    print()
    print(format_ratios(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
