"""Tune TextRankSummarizer's parameters on the VietNews validation set (ROUGE F1 against the lead).

Usage: python scripts/tune_summarizer.py [--data ../shared/data/vietnews_val_1000.jsonl] [--limit N]
       [--sentences 2] [--rounds 3] [--fit-seeds] [--jobs 2]

Coordinate ascent over a grid: starting from the current defaults, each parameter in turn
is set to the grid value that maximises the objective (mean of ROUGE-1, ROUGE-2 and
ROUGE-L F1) with the others fixed, for ``--rounds`` rounds or until nothing improves.
Summarizers are built as ``TextRankSummarizer(**params)`` with the fitted vocabulary and
IDF of the shipped model (or, with ``--fit-seeds``, fitted on the project's seeds), so no
retraining is needed. The best settings and their scores on each half of the data (a
check against overfitting) are printed; copy them into the defaults of
:class:`classify.summarizers.summarizer.TextRankSummarizer` and retrain the model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_summarize import DEFAULT_DATA, ROOT, lead, load_records, prepare_records  # noqa: E402

sys.path.insert(0, str(ROOT))

from classify.summarizers.rouge import ROUGE_KEYS, rouge_l, rouge_n, rouge_tokenize  # noqa: E402
from classify.summarizers.summarizer import TextRankSummarizer  # noqa: E402
from classify.text import PreparedText  # noqa: E402

GRID: dict[str, list] = {
    "damping": [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.85],
    "title_weight": [0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0],
    "position_decay": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0],
    "position_weight": [0.0, 0.5, 0.75, 1.0, 1.5, 2.0],
    "redundancy": [0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0],
    "max_similarity": [0.5, 0.6, 0.7, 0.8],
    "min_words": [3, 5, 6, 8, 10],
}

# Filled in each worker process by _init (the documents are sent once, not with every task).
_STATE: dict = {}


def _init(docs: Sequence[PreparedText], references: Sequence[list[str]], vectorizer, count: int) -> None:
    _STATE.update(docs=docs, references=references, vectorizer=vectorizer, count=count, cache={})


def _doc_scores(i: int, summary: Sequence[str]) -> tuple[float, float, float]:
    key = (i, tuple(summary))
    cache = _STATE["cache"]
    if key not in cache:
        cand = rouge_tokenize(" ".join(summary))
        ref = _STATE["references"][i]
        cache[key] = (rouge_n(cand, ref, 1).f1, rouge_n(cand, ref, 2).f1, rouge_l(cand, ref).f1)
    return cache[key]


def _evaluate(params: dict) -> tuple[dict, list[tuple[float, float, float]]]:
    """Per-document ROUGE F1 of the summarizer with ``params``."""
    summarizer = TextRankSummarizer(**params)
    summarizer.vectorizer_ = _STATE["vectorizer"]
    per_doc = [_doc_scores(i, summarizer(doc, _STATE["count"])) for i, doc in enumerate(_STATE["docs"])]
    return params, per_doc


def _mean(per_doc: Sequence[tuple[float, float, float]], rows: Sequence[int] | None = None) -> dict[str, float]:
    rows = range(len(per_doc)) if rows is None else rows
    n = max(len(rows), 1)
    return {key: sum(per_doc[i][k] for i in rows) / n for k, key in enumerate(ROUGE_KEYS)}


def objective(scores: dict[str, float]) -> float:
    """What the search maximises: the mean of the three ROUGE F1."""
    return sum(scores[key] for key in ROUGE_KEYS) / len(ROUGE_KEYS)


def _fmt(scores: dict[str, float]) -> str:
    return " ".join(f"{key}={100 * scores[key]:.2f}" for key in ROUGE_KEYS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sentences", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fit-seeds", action="store_true", help="fit the IDF on seeds/ instead of the shipped model's")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None, help="tune only these parameters")
    args = parser.parse_args(argv)

    if not args.data.is_file():
        print(f"{args.data}: data file not found; nothing to tune.", file=sys.stderr)
        return 0

    records = load_records(args.data, args.limit)
    docs = prepare_records(records)
    references = [rouge_tokenize(r["summary"]) for r in records]
    if args.fit_seeds:
        from classify.corpus.reader import load_corpus
        from classify.training import prepare_corpus

        vectorizer = TextRankSummarizer().fit(prepare_corpus(load_corpus(ROOT / "seeds"))).vectorizer_
    else:
        import classify

        vectorizer = classify.load().summarizer.vectorizer_

    _init(docs, references, vectorizer, args.sentences)
    lead2 = _mean([_doc_scores(i, lead(2)(doc, 2)) for i, doc in enumerate(docs)])
    print(f"{len(docs)} articles; Lead-2: {_fmt(lead2)}")

    grid = {k: v for k, v in GRID.items() if args.only is None or k in args.only}
    valid = set(TextRankSummarizer().get_params())
    grid = {k: v for k, v in grid.items() if k in valid}
    best_params = {k: v for k, v in TextRankSummarizer().get_params().items() if k in grid}
    seen: dict[tuple, list] = {}

    with ProcessPoolExecutor(
        args.jobs, initializer=_init, initargs=(docs, references, vectorizer, args.sentences)
    ) as pool:

        def run(candidates: list[dict]) -> None:
            todo = [p for p in candidates if tuple(sorted(p.items())) not in seen]
            for params, per_doc in pool.map(_evaluate, todo):
                seen[tuple(sorted(params.items()))] = per_doc

        def value(params: dict) -> float:
            return objective(_mean(seen[tuple(sorted(params.items()))]))

        run([best_params])
        print(f"start {best_params}: {_fmt(_mean(seen[tuple(sorted(best_params.items()))]))}")
        for round_ in range(args.rounds):
            improved = False
            for name, values in grid.items():
                candidates = [{**best_params, name: v} for v in values]
                run(candidates)
                top = max(candidates, key=value)
                if value(top) > value(best_params) + 1e-9:
                    best_params, improved = top, True
                    print(f"round {round_ + 1} {name}={top[name]}: {_fmt(_mean(seen[tuple(sorted(top.items()))]))}")
            if not improved:
                break

    per_doc = seen[tuple(sorted(best_params.items()))]
    half = len(docs) // 2
    print(f"\nbest {best_params}")
    print(f"all:          {_fmt(_mean(per_doc))}")
    first, second = range(half), range(half, len(docs))
    lead_first = _mean([_doc_scores(i, lead(2)(docs[i], 2)) for i in first])
    lead_second = _mean([_doc_scores(i, lead(2)(docs[i], 2)) for i in second])
    print(f"first half:   {_fmt(_mean(per_doc, first))} (Lead-2 {_fmt(lead_first)})")
    print(f"second half:  {_fmt(_mean(per_doc, second))} (Lead-2 {_fmt(lead_second)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
