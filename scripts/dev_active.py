"""Choose suggest's ranking on the authored corpus, not on the pages #27's benchmark checks it on.

Usage:
    python scripts/dev_active.py [--seeds 3] [--k 10 20] [--json /tmp/dev_active.json]
    python scripts/dev_active.py --weak-labels

``scripts/bench_active.py`` scores suggest against random on real pages (``portal_dev`` +
``domain_dev``); choosing the ranking there would fit the check. This script runs the same loop on
the shipped corpus alone, so a ranking can be chosen first and checked once on real pages afterwards.
For each seed, the corpus's cross-validation groups are shuffled and cut into a base part (60 %), a
pool (20 %) and a test part (20 %). The pool articles lose their line labels (``paragraph_topics``),
as a user's corrections have document-level labels only. A base model is trained on the base part;
then k pool articles picked by each ranking below, or at random, are added with their labels, the
model is retrained (``train(corpus, evidence=True)``) and scored on the test part.

Rankings (all with the greedy max-min diversity of :func:`classify.active.ranking.pick_diverse`):

* ``uncertainty``: informativeness alone (the ranking #27 shipped with);
* ``density``: informativeness times information density, the mean cosine similarity of an article
  to the other candidates (Settles & Craven 2008), so an uncertain article unlike the rest of the
  pool (an outlier, a page of clutter) is not picked before uncertain articles typical of it;
* ``event``: the event-type part alone (topics weigh nothing);
* ``cluster``: the candidates are cut into k clusters (k-means on the same TF-IDF rows), and the most
  informative article of each cluster is taken, most informative first (cluster-margin sampling,
  Citovsky et al. 2021): uncertainty inside clusters that cover the pool;
* ``mixed``: the ``uncertainty`` order and a random order taken in turn, half of the batch each.

``--shift`` cuts the corpus another way, closer to what a user of the shipped model meets: the base part
is every group written as national press (``meta.form`` ``press`` or ``brief``, plus the 17 groups that
have both kinds), and the groups written as portal pages (``portal``, ``notitle``, ``opening``) are
shuffled and cut in half into pool and test. The base model then has to learn portal pages from the
added articles alone, as the shipped model has to learn a user's feed.

``--weak-labels`` measures instead how well a document's topics are put on its lines when only the
document is labelled (as in a user's corrections): by 5-fold grouped cross-validation on the corpus,
each held-out document's topics are given to its lines by
:func:`~classify.model.passages.weak_passage_labels`, from the scores of a document-level model or of
the line model of :func:`classify.training.line_labeller`, both fitted on the other folds; the
(line, topic) pairs are compared with the corpus's ``paragraph_topics``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_domain import score  # noqa: E402

from classify.active.ranking import information_density, pick_diverse, uncertainty  # noqa: E402
from classify.atomic import atomic_write  # noqa: E402
from classify.corpus.reader import Corpus, load_corpus, passage_lines  # noqa: E402
from classify.model.passages import as_passage, weak_passage_labels  # noqa: E402
from classify.text import normalize  # noqa: E402
from classify.training import build_classifier, line_labeller, prepare_corpus, train  # noqa: E402

METRICS = ("event macro-F1", "topic micro-F1")
RANKINGS = ("uncertainty", "density", "event", "cluster", "mixed")
PRESS_FORMS = frozenset({"press", "brief"})


def split(corpus: Corpus, seed: int) -> tuple[list[int], list[int], list[int]]:
    """(base, pool, test) document indices, whole groups at a time."""
    groups = sorted(set(corpus.groups))
    random.Random(seed).shuffle(groups)
    cut1, cut2 = int(0.6 * len(groups)), int(0.8 * len(groups))
    part = {g: 0 if i < cut1 else 1 if i < cut2 else 2 for i, g in enumerate(groups)}
    out: tuple[list[int], list[int], list[int]] = ([], [], [])
    for i, g in enumerate(corpus.groups):
        out[part[g]].append(i)
    return out


def split_shifted(corpus: Corpus, seed: int) -> tuple[list[int], list[int], list[int]]:
    """(base, pool, test): national-press groups as base, portal-page groups halved into pool and test."""
    press: dict[object, set[bool]] = {}
    for doc, g in zip(corpus.documents, corpus.groups):
        press.setdefault(g, set()).add((doc.meta or {}).get("form") in PRESS_FORMS)
    portal_groups = sorted((g for g, kinds in press.items() if kinds == {False}), key=str)
    random.Random(seed).shuffle(portal_groups)
    half = len(portal_groups) // 2
    part = {g: 1 if i < half else 2 for i, g in enumerate(portal_groups)}
    out: tuple[list[int], list[int], list[int]] = ([], [], [])
    for i, g in enumerate(corpus.groups):
        out[part.get(g, 0)].append(i)
    return out


def cluster_pick(features, info: list[float], n: int, seed: int) -> list[int]:
    """The most informative row of each of ``n`` k-means clusters, most informative first."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    rows = normalize(features)
    n = min(n, rows.shape[0])
    clusters = KMeans(n_clusters=n, n_init=3, random_state=seed).fit_predict(rows)
    best: dict[int, int] = {}
    for j, c in enumerate(clusters):
        if c not in best or info[j] > info[best[c]]:
            best[c] = j
    return sorted(best.values(), key=lambda j: -info[j])


def order(name: str, model, pool_docs, n: int, seed: int = 0) -> list[int]:
    predictions = model.predict_prepared(pool_docs)
    thresholds = model.decision_thresholds()
    scored = [uncertainty(p, thresholds) for p in predictions]
    info = [s.event if name == "event" else s.score for s in scored]
    features = model.features(pool_docs)
    if name == "density":
        info = [a * b for a, b in zip(info, information_density(features, range(len(pool_docs))))]
    if name == "cluster":
        return cluster_pick(features, info, n, seed)
    ranked = pick_diverse(features, info, n)
    if name == "mixed":
        shuffled = random.Random(1000 + seed).sample(range(len(pool_docs)), len(pool_docs))
        out: list[int] = []
        for a, b in zip(ranked, shuffled):
            out += [j for j in (a, b) if j not in out]
        return out[:n]
    return ranked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rankings", nargs="+", default=list(RANKINGS), choices=RANKINGS)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--shift", action="store_true", help="base: national-press forms; pool and test: portal pages")
    parser.add_argument("--weak-labels", action="store_true", help="measure the line labels of unlabelled lines")
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    if args.weak_labels:
        return weak_labels(corpus)
    prepared = prepare_corpus(corpus)
    ks = sorted(args.k)
    methods = [*args.rankings, "random"]
    results = {m: {k: [] for k in ks} for m in methods}
    base_scores, seconds = [], []

    def fit_and_score(indices: list[int], stripped: set[int], test: list[int]) -> dict:
        docs = [
            replace(corpus.documents[i], passage_labels=None) if i in stripped else corpus.documents[i] for i in indices
        ]
        started = time.perf_counter()
        model = train(Corpus(docs, corpus.label_fields, "dev"), docs=[prepared[i] for i in indices], evidence=True)
        seconds.append(time.perf_counter() - started)
        rows = [corpus.documents[i] for i in test]
        predictions = model.predict_prepared([prepared[i] for i in test])
        truth = [{"event_type": d.labels["event_type"], "topics": d.labels["topics"]} for d in rows]
        return model, score(truth, [p.event_type for p in predictions], [p.topics for p in predictions])

    for seed in range(args.seeds):
        base, pool, test = (split_shifted if args.shift else split)(corpus, seed)
        base_model, figures = fit_and_score(base, set(), test)
        base_scores.append(figures)
        print(f"seed {seed}: base {len(base)}, pool {len(pool)}, test {len(test)}; base " + _fmt(figures), flush=True)
        pool_docs = [prepared[i] for i in pool]
        orders = {}
        for m in args.rankings:
            # Clusters depend on how many are picked; the other rankings' batches are prefixes of one order.
            picks = {k: order(m, base_model, pool_docs, k if m == "cluster" else max(ks), seed) for k in ks}
            orders[m] = {k: [pool[j] for j in picks[k]] for k in ks}
        shuffled = random.Random(1000 + seed).sample(pool, len(pool))
        orders["random"] = {k: shuffled for k in ks}
        for m in methods:
            for k in ks:
                _, figures = fit_and_score(base + orders[m][k][:k], set(pool), test)
                results[m][k].append(figures)
                print(f"  seed {seed} {m:<11} k={k:<3} " + _fmt(figures) + f"  ({seconds[-1]:.0f} s)", flush=True)
    print(f"\nmean over {args.seeds} seeds; in brackets: mean difference to random (wins on seeds)")
    comparison_table(results, base_scores, ks, methods)
    print(f"time per retrain: {statistics.median(seconds):.0f} s median ({len(seconds)} trainings)")
    if args.json:
        figures = json.dumps({"base": base_scores, "results": results}, indent=1)
        atomic_write(args.json, lambda out: out.write(figures), mode="w")
    return 0


def comparison_table(results: dict, base_scores: list[dict], ks: list[int], methods: list[str]) -> dict:
    """Print each ranking's mean figures per k, with the mean difference to random and its wins on seeds.

    Returns ``{method: {k: {metric: mean difference to random}}}``.
    """
    print(f"{'k':>4} {'ranking':<12}" + "".join(f"{m:>32}" for m in METRICS))
    print(f"{0:>4} {'base':<12}" + "".join(f"{statistics.mean(b[m] for b in base_scores):>32.3f}" for m in METRICS))
    differences: dict = {}
    for k in ks:
        for m in methods:
            cells = []
            for metric in METRICS:
                mine = [r[metric] for r in results[m][k]]
                rand = [r[metric] for r in results["random"][k]]
                diff = statistics.mean(a - b for a, b in zip(mine, rand))
                differences.setdefault(m, {}).setdefault(k, {})[metric] = diff
                wins = sum(a > b for a, b in zip(mine, rand))
                cells.append(f"{statistics.mean(mine):.3f} ({diff:+.4f}, {wins}/{len(mine)})")
            print(f"{k:>4} {m:<12}" + "".join(f"{c:>32}" for c in cells))
    return differences


def weak_labels(corpus: Corpus, folds: int = 5) -> int:
    """Print precision, recall and F1 of the (line, topic) pairs each scorer's weak labels give."""
    from sklearn.model_selection import GroupKFold

    docs = prepare_corpus(corpus)
    lines = [[normalize(line) for line in passage_lines(d.text)] for d in corpus.documents]
    counts = {"document model": [0, 0, 0], "line model": [0, 0, 0]}  # true pos., false pos., false neg.
    estimator = build_classifier(threshold_folds=1)
    for train_idx, test_idx in GroupKFold(folds).split(np.zeros(len(docs)), groups=corpus.groups):
        part = Corpus([corpus.documents[i] for i in train_idx], corpus.label_fields, "fold")
        scorers = {
            "document model": estimator.fit([docs[i] for i in train_idx], [corpus.labels[i] for i in train_idx]),
            "line model": line_labeller(part, [lines[i] for i in train_idx], estimator),
        }
        for name, scorer in scorers.items():
            classes = [str(c) for c in scorer.classes_by_field["topics"]]
            for i in test_idx:
                doc = corpus.documents[i]
                proba = scorer.predict_proba_fields([as_passage(line) for line in lines[i]])["topics"]
                guessed = weak_passage_labels(proba, doc.labels["topics"], classes)
                for topic in doc.labels["topics"]:
                    gold = {j for j, topics in enumerate(doc.passage_labels) if topic in topics}
                    weak = {j for j, topics in enumerate(guessed) if topic in topics}
                    tally = counts[name]
                    tally[0] += len(weak & gold)
                    tally[1] += len(weak - gold)
                    tally[2] += len(gold - weak)
    print(f"{len(corpus)} articles, {folds} grouped folds: (line, topic) pairs of the documents' own topics")
    for name, (tp, fp, fn) in counts.items():
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        print(f"  {name:<15} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}", end="")
        print(f"  ({tp} right, {fp} wrong, {fn} missed)")
    return 0


def _fmt(figures: dict) -> str:
    return "  ".join(f"{m} {figures[m]:.3f}" for m in METRICS)


if __name__ == "__main__":
    sys.exit(main())
