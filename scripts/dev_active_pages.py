"""Choose suggest's ranking on real pages of one's own, not on the pages #27's benchmark checks it on.

Usage:
    python scripts/dev_active_pages.py PAGES.jsonl... [--seeds 3] [--first-seed 0] [--k 10 20 40] [--jobs 2]
                                       [--rankings uncertainty mixed density cluster] [--json /tmp/dev_pages.json]
                                       [--quick]

``scripts/dev_active.py`` chooses on the authored corpus; its portal pages are still ours. This script
runs the loop of ``scripts/bench_active.py`` on a development set of real pages that are *not* the
benchmark's: labelled JSONL records (``id``, ``text``, ``event_type``, ``topics``, and ``topics_maybe``
or ``unsure_topics``, optionally ``url``), kept outside the repository like the benchmark's texts.
A page whose ``url`` is one of ``portal_dev``'s (``--shared``) is refused, so the two sets stay apart,
and pages with the same ``url`` count once.

For each seed, the pages of each input file are shuffled and cut in half (pool and test); the base model
is trained once on the shipped corpus; each ranking's first k pool pages (``mixed`` is the product's
own :func:`classify.active.rank`; the others are :func:`dev_active.order`), or k at random, are added
with their labels, the model is retrained and scored on the test half. Retrainings run in ``--jobs``
processes. Prints, per k and ranking, the mean over seeds, the mean difference to random and on how
many seeds the ranking beat random, then that difference with a 95% paired bootstrap interval over the
test pages (whether they can tell the ranking from random at all).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_active import METRICS, Trainer, describe, evaluate, intervals, run_tasks, shipped, split  # noqa: E402
from dev_active import comparison_table, order  # noqa: E402

from classify.active import rank  # noqa: E402
from classify.atomic import atomic_write  # noqa: E402
from classify.text import prepare  # noqa: E402

RANKINGS = ("uncertainty", "mixed", "density", "cluster")


def _address(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


def load_pages(paths: list[Path], shared: Path) -> dict[str, list[dict]]:
    """``{file stem: [page]}``, without the benchmark's pages and without repeated addresses."""
    index = shared / "portal_dev_index.jsonl"
    benchmark = set()
    if index.exists():
        with index.open(encoding="utf-8") as handle:
            benchmark = {_address(json.loads(line)["url"]) for line in handle if line.strip()}
    seen: set[str] = set()
    sets: dict[str, list[dict]] = {}
    refused = 0
    for path in paths:
        rows = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                address = _address(row.get("url") or row["id"])
                if address in benchmark:
                    refused += 1
                    continue
                if address in seen:
                    continue
                seen.add(address)
                maybe = row.get("topics_maybe", row.get("unsure_topics")) or []
                rows.append(dict(row, topics=sorted(set(row["topics"])), topics_maybe=sorted(set(maybe))))
        sets[path.stem] = rows
    print(f"{sum(map(len, sets.values()))} pages from {len(paths)} files; {refused} refused as benchmark pages")
    return sets


def ranked(name: str, model, pool: list[dict], n: int, seed: int) -> list[int]:
    docs = [prepare(r["text"]) for r in pool]
    if name == "mixed":
        return [i for i, *_ in rank(model, docs, n, strategy="mixed", random_state=seed)]
    return order(name, model, docs, n, seed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, nargs="+")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first-seed .. first-seed + seeds - 1")
    parser.add_argument("--rankings", nargs="+", default=list(RANKINGS), choices=RANKINGS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="smoke run: a quarter of the corpus, k 2 4, 1 seed")
    args = parser.parse_args()
    if args.quick:
        args.k, args.seeds = [2, 4], 1
    sets = load_pages(args.pages, args.shared)
    ks = sorted(args.k)
    trainer = Trainer(shipped(args.corpus, args.quick))
    base_model = trainer([])
    print(f"base model trained in {trainer.seconds[0]:.0f} s", flush=True)
    methods = [*args.rankings, "random"]
    tasks, base, tests = [], [], []
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    for seed in seeds:
        pool, test = split(sets, seed)
        tests.append(test)
        base.append(evaluate(base_model, test))
        print(f"seed {seed}: pool {len(pool)}, test {len(test)}; base " + _fmt(base[-1]), flush=True)
        orders = {m: ranked(m, base_model, pool, max(ks), seed) for m in args.rankings if m != "cluster"}
        orders["random"] = random.Random(1000 + seed).sample(range(len(pool)), len(pool))
        for m in methods:
            for k in ks:
                # Clusters depend on how many are picked; the other rankings' batches are prefixes.
                picks = ranked(m, base_model, pool, k, seed) if m == "cluster" else orders[m]
                tasks.append((seed, m, k, [pool[i] for i in picks[:k]], test))
    results = {m: {k: [None] * args.seeds for k in ks} for m in methods}
    answers = {m: {k: [None] * args.seeds for k in ks} for m in methods}
    seconds = []
    started = time.perf_counter()
    for seed, m, k, figures, took, got in run_tasks(tasks, args.jobs, args.corpus, args.quick):
        results[m][k][seeds.index(seed)] = figures
        answers[m][k][seeds.index(seed)] = got
        seconds.append(took)
        print(f"  seed {seed} {m:<11} k={k:<3} " + _fmt(figures) + f"  ({took:.0f} s)", flush=True)
    print(f"\n{len(tasks)} retrains in {time.perf_counter() - started:.0f} s with {args.jobs} processes")
    print(f"mean over {args.seeds} seeds; in brackets: mean difference to random (wins on seeds)")
    summary = comparison_table(results, base, ks, methods)
    print("\nscore = mean over k of (event diff + topic diff) to random; ahead = ahead at every k on both")
    for m in args.rankings:
        diffs = summary[m]
        score = statistics.mean(sum(diffs[k].values()) for k in ks)
        ahead = all(d > 0 for k in ks for d in diffs[k].values())
        print(f"  {m:<12} score {score:+.4f}  ahead everywhere: {'yes' if ahead else 'no'}")
    print("\ndifference to random, mean over seeds [95% paired bootstrap interval over the test articles]:")
    for m in args.rankings:
        for k in ks:
            differences = intervals(tests, answers, k, arm=m)
            print(f"  {m:<12} k={k:<3} " + "   ".join(f"{n}: {describe(d, m)}" for n, d in differences.items()))
    print(f"time per retrain: {statistics.median(seconds):.0f} s median ({len(seconds)} retrains, {args.jobs} at once)")
    if args.json:
        figures = json.dumps({"base": base, "results": results}, indent=1)
        atomic_write(args.json, lambda out: out.write(figures), mode="w")
    return 0


def _fmt(figures: dict) -> str:
    return "  ".join(f"{m} {figures[m]:.3f}" for m in METRICS)


if __name__ == "__main__":
    sys.exit(main())
