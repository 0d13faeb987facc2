"""How many labelled articles does a model need? A learning curve by grouped cross-validation.

Usage: python scripts/learning_curve.py [--data seeds] [--sizes 25 50 100 200 all] [--folds 5] [--repeats 3]

The corpus is split into ``--folds`` grouped folds (articles sharing a ``group`` stay together).
For each held-out fold and each size n, a model is trained exactly as ``classify train`` trains
it (topics from passages included) on n articles drawn at random from the other folds, and
scored on the held-out fold. Small samples vary with the draw, so every size below the whole
pool is drawn ``--repeats`` times with different seeds. Printed: event accuracy and macro-F1,
topic micro- and macro-F1, as the mean over folds and draws, with the spread (standard
deviation over the draws' fold-averages) and the time per model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.corpus.reader import Corpus, load_corpus  # noqa: E402
from classify.evaluate.metrics import evaluate_labels  # noqa: E402
from classify.training import prepare_corpus, train  # noqa: E402

FIGURES = (
    ("event acc", "event_type", "accuracy"),
    ("event macro-F1", "event_type", "macro"),
    ("topic micro-F1", "topics", "micro"),
    ("topic macro-F1", "topics", "macro"),
)


def _score(metrics: dict, field: str, what: str) -> float:
    value = metrics[field][what]
    return value if isinstance(value, float) else value["f1"]


def _subset(corpus: Corpus, index) -> Corpus:
    return Corpus(
        documents=[corpus.documents[i] for i in index], label_fields=corpus.label_fields, source=corpus.source
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "seeds"), help="labelled corpus (default: seeds)")
    parser.add_argument("--sizes", nargs="+", default=["25", "50", "100", "200", "all"], help="training sizes")
    parser.add_argument("--folds", type=int, default=5, help="grouped folds (default 5)")
    parser.add_argument("--repeats", type=int, default=3, help="random draws per size below 'all' (default 3)")
    args = parser.parse_args()

    corpus = load_corpus(args.data)
    docs = prepare_corpus(corpus)
    groups = corpus.groups
    splits = list(GroupKFold(n_splits=args.folds).split(np.zeros(len(docs)), groups=groups))
    print(f"{args.data}: {len(corpus)} articles, {len(set(groups))} groups, {args.folds} grouped folds")
    header = f"{'articles':>9}" + "".join(f"{name:>22}" for name, *_ in FIGURES) + f"{'s/model':>9}"
    print(header)
    for size in args.sizes:
        whole = size == "all"
        draws = 1 if whole else args.repeats
        per_draw: list[list[float]] = []  # one row of fold-averaged figures per draw
        trained = []
        seconds = []
        for draw in range(draws):
            fold_rows = []
            for k, (pool, test) in enumerate(splits):
                rng = np.random.default_rng(1000 * draw + k)
                chosen = pool if whole else rng.choice(pool, size=min(int(size), len(pool)), replace=False)
                trained.append(len(chosen))
                started = time.perf_counter()
                model = train(_subset(corpus, chosen), docs=[docs[i] for i in chosen])
                seconds.append(time.perf_counter() - started)
                predicted = [p.labels for p in model.predict_prepared([docs[i] for i in test], sentences=1)]
                truth = [corpus.labels[i] for i in test]
                metrics = evaluate_labels(truth, predicted, corpus.label_fields)
                fold_rows.append([_score(metrics, field, what) for _, field, what in FIGURES])
            per_draw.append([statistics.fmean(column) for column in zip(*fold_rows)])
        cells = []
        for column in zip(*per_draw):
            spread = statistics.pstdev(column) if len(column) > 1 else 0.0
            cells.append(f"{statistics.fmean(column):.3f} ± {spread:.3f}".rjust(22))
        label = f"{size}" if not whole else f"all ({round(statistics.fmean(trained))})"
        print(f"{label:>9}" + "".join(cells) + f"{statistics.fmean(seconds):>9.1f}", flush=True)
    print("\n± is the standard deviation over draws of the fold-averaged figure (0 for 'all': one draw).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
