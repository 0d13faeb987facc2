"""VNTC benchmark: syllable vs word (underthesea) features, through the public train/evaluate path.

Usage:
    python scripts/bench_vntc.py [--data ../shared/data/vntc] [--limit-train N] [--limit-test N]
                                 [--tokenizers syllable word] [--ngram 1 2] [--C 0.5] [--min-df 2]

Trains on train.jsonl.gz (field `label` -> one single-label head) with the same code as
`classify train`, scores test.jsonl.gz with the project's metrics, and prints accuracy,
macro-F1, training time and prediction throughput (docs/s, one process) for each tokenizer,
then the throughput ratio syllable/word measured in this run. Public anchors on the full test
set: underthesea's TF-IDF classifier 92.49% accuracy, the VNTC paper 93.4% (SVM).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.corpus import Corpus, load_corpus  # noqa: E402
from classify.evaluate import field_metrics  # noqa: E402
from classify.model import ArticleClassifier  # noqa: E402
from classify.text import prepare  # noqa: E402


def _subset(corpus: Corpus, limit: int | None) -> Corpus:
    if not limit or limit >= len(corpus):
        return corpus
    step = len(corpus) / limit  # evenly spread, deterministic
    return Corpus([corpus.documents[int(i * step)] for i in range(limit)], corpus.label_fields, corpus.source)


def run(train: Corpus, test: Corpus, tokenizer: str, args: argparse.Namespace) -> dict:
    estimator = ArticleClassifier(
        tokenizer=tokenizer,
        ngram_range=tuple(args.ngram),
        min_df=args.min_df,
        C=args.C,
        lead_weight=args.lead_weight,
        abstain_label=None,
    )
    started = time.perf_counter()
    train_docs = [prepare(d.text, title=d.title) for d in train.documents]
    estimator.fit(train_docs, train.labels)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = estimator.predict([prepare(d.text, title=d.title) for d in test.documents])
    predict_seconds = time.perf_counter() - started
    metrics = field_metrics([d.labels["label"] for d in test.documents], [p["label"] for p in predicted], "single")
    return {
        "tokenizer": tokenizer,
        "accuracy": metrics["accuracy"],
        "macro_f1": metrics["macro"]["f1"],
        "train_s": train_seconds,
        "docs_per_s": len(test) / predict_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "vntc")
    parser.add_argument("--limit-train", type=int, default=None)
    parser.add_argument("--limit-test", type=int, default=None)
    parser.add_argument("--tokenizers", nargs="+", default=["syllable", "word"], choices=["syllable", "word"])
    parser.add_argument("--ngram", type=int, nargs=2, default=[1, 2])
    parser.add_argument("--C", type=float, default=0.5)
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--lead-weight", type=float, default=0.0)
    args = parser.parse_args()
    if not (args.data / "train.jsonl.gz").exists():
        print(f"no VNTC data at {args.data} (expected train.jsonl.gz, test.jsonl.gz); nothing to do")
        return 0
    train = _subset(load_corpus(args.data / "train.jsonl.gz", label_fields=["label"]), args.limit_train)
    test = _subset(load_corpus(args.data / "test.jsonl.gz", label_fields=["label"]), args.limit_test)
    print(
        f"VNTC: train {len(train)} docs, test {len(test)} docs, {len(train.label_set('label'))} labels; "
        f"ngram {tuple(args.ngram)}, C={args.C}, min_df={args.min_df}, lead_weight={args.lead_weight}"
    )
    results = []
    for tokenizer in args.tokenizers:
        result = run(train, test, tokenizer, args)
        results.append(result)
        print(
            f"  {tokenizer:<9} accuracy {100 * result['accuracy']:.2f}%  macro-F1 {100 * result['macro_f1']:.2f}%  "
            f"train {result['train_s']:.0f}s  predict {result['docs_per_s']:.0f} docs/s",
            flush=True,
        )
    if len(results) == 2:
        print(
            f"throughput ratio {results[0]['tokenizer']}/{results[1]['tokenizer']}: "
            f"{results[0]['docs_per_s'] / results[1]['docs_per_s']:.1f}x; accuracy difference "
            f"{100 * (results[0]['accuracy'] - results[1]['accuracy']):+.2f} points"
        )
    print("anchors (full test set): underthesea TF-IDF 92.49%, VNTC paper SVM 93.4%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
