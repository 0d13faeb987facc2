"""Does labelling what ``suggest`` picks beat labelling at random? The active-learning loop simulated (#27).

Usage:
    python scripts/bench_active.py [--png /tmp/bench_active.png] [--k 10 20 40] [--seeds 5]
                                   [--shared ../shared/data] [--portal ~/.cache/classify-dev/portal_dev.jsonl]
                                   [--corpus seeds] [--jobs 2] [--quick]

The pool is real labelled articles nobody here wrote: ``portal_dev`` (provincial portal page openings,
texts re-read once per machine, see ../shared/data/README.md) and ``domain_dev`` (national press).
For each of ``--seeds`` seeds, each set is shuffled and cut in two halves (stratified by set): one half is
the unlabelled pool, the other is held out as the test set. A base model is trained once on the shipped
corpus (``seeds/``); then for each k, the k pool articles chosen by ``suggest`` (with the base model and
its default ``density`` strategy: informativeness weighed by information density, with diversity,
:func:`classify.active.rank`) or k chosen at random (the same seed) are added with their gold labels
(their ``topics_maybe`` as unsure topics, as a reviewer who cannot decide marks them, see
:mod:`classify.corpus.reader`), the model is retrained (``train(corpus, evidence=True)``, as
``classify train`` does) and scored on the test half: event macro-F1 and topic micro-F1
(``topics_maybe`` ignored).

Prints a table (mean and standard deviation over seeds, and on how many seeds suggest beat random),
the base model's figures, suggest's difference to random at each k with a 95% paired bootstrap interval
over the test articles (can these test articles tell the two apart at all?), the time per retrain
(``--jobs`` retrainings at once share the cores, so each takes longer than alone), and writes a PNG
learning curve to ``--png`` (under /tmp by default; never commit it). Skips with one line when the data
is absent. Nothing of the data is written anywhere.
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

from bench_domain import CACHE, load_sets, score  # noqa: E402

from classify.active import rank  # noqa: E402
from classify.atomic import atomic_write  # noqa: E402
from classify.corpus.reader import Corpus, LabelledDocument, load_corpus  # noqa: E402
from classify.evaluate.paired import BootstrapDifference, cell_counts, paired_bootstrap  # noqa: E402
from classify.text import prepare  # noqa: E402
from classify.training import prepare_corpus, train  # noqa: E402

METRICS = ("event macro-F1", "topic micro-F1")


def split(sets: dict[str, list[dict]], seed: int) -> tuple[list[dict], list[dict]]:
    """(pool, test): each set shuffled with ``seed`` and cut in two halves."""
    rng = random.Random(seed)
    pool, test = [], []
    for rows in sets.values():
        rows = list(rows)
        rng.shuffle(rows)
        half = len(rows) // 2
        pool += rows[:half]
        test += rows[half:]
    return pool, test


def labelled(row: dict) -> LabelledDocument:
    """A pool article as its reviewer would label it: the gold labels, and unsure of the topics the two
    annotation passes disagreed on (``topics_maybe``), which training then leaves out for it."""
    labels = {"event_type": row["event_type"], "topics": sorted(set(row["topics"]))}
    maybe = sorted(set(row.get("topics_maybe") or []))
    return LabelledDocument(
        id=row["id"],
        text=row["text"],
        title=None,
        labels=labels,
        group=f"pool:{row['id']}",
        unsure={"topics": maybe} if maybe else {},
    )


class Trainer:
    """Retrains on the shipped corpus plus added articles; keeps the prepared texts and the timings."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.docs = prepare_corpus(corpus)
        self.seconds: list[float] = []

    def __call__(self, added: list[dict]):
        corpus = Corpus(
            [*self.corpus.documents, *(labelled(r) for r in added)], self.corpus.label_fields, f"+{len(added)}"
        )
        docs = [*self.docs, *(prepare(r["text"]) for r in added)]
        started = time.perf_counter()
        model = train(corpus, docs=docs, evidence=True)
        self.seconds.append(time.perf_counter() - started)
        return model


_TRAINER: Trainer | None = None


def shipped(path: Path, quick: bool = False) -> Corpus:
    """The shipped corpus, or a quarter of it for a smoke run."""
    corpus = load_corpus(path)
    return Corpus(corpus.documents[::4], corpus.label_fields, "quarter") if quick else corpus


def init_worker(corpus_path: str, quick: bool) -> None:
    """Give a retraining process its own :class:`Trainer`, on one thread (the processes share the cores)."""
    from threadpoolctl import threadpool_limits

    global _TRAINER
    threadpool_limits(1)
    _TRAINER = Trainer(shipped(Path(corpus_path), quick))


def retrain(task: tuple) -> tuple:
    """``(seed, method, k, figures, seconds, answers)`` of one ``(seed, method, k, added, test)`` task, in a
    worker; ``answers`` are the retrained model's ``(event types, topics)`` on the test articles."""
    return _retrain_here(_TRAINER, task)


def run_tasks(tasks: list[tuple], jobs: int, corpus_path: Path, quick: bool):
    """Yield :func:`retrain`'s results in the order of ``tasks``, ``jobs`` processes at once."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, initializer=init_worker, initargs=(str(corpus_path), quick)) as workers:
        yield from workers.map(retrain, tasks)


def answer(model, test: list[dict]) -> tuple[list[str], list[list[str]]]:
    """The model's event types and topics of the test articles."""
    predictions = model.predict_many([r["text"] for r in test])
    return [p.event_type for p in predictions], [list(p.topics) for p in predictions]


def evaluate(model, test: list[dict]) -> dict[str, float]:
    return score(test, *answer(model, test))


def intervals(
    tests: list[list[dict]], answers: dict, k: int, arm: str = "suggest", against: str = "random"
) -> dict[str, BootstrapDifference]:
    """``arm``'s F1 minus ``against``'s at ``k``, averaged over seeds, with a 95% paired bootstrap interval
    over the test articles (:func:`classify.evaluate.paired.paired_bootstrap`).

    ``answers[method][k][i]`` are the ``(event types, topics)`` the model retrained for that method gave
    on ``tests[i]``.
    """
    events, topics = [], []
    for seed, test in enumerate(tests):
        (events_a, topics_a), (events_b, topics_b) = answers[arm][k][seed], answers[against][k][seed]
        truth = [r["event_type"] for r in test]
        classes = sorted(set(truth) | set(events_a) | set(events_b))
        events.append(tuple(cell_counts(truth, e, "single", classes) for e in (events_a, events_b)))
        truth, maybe = [r["topics"] for r in test], [r.get("topics_maybe") or [] for r in test]
        labels = sorted({t for row in [*truth, *topics_a, *topics_b] for t in row})
        topics.append(tuple(cell_counts(truth, t, "multi", labels, ignore=maybe) for t in (topics_a, topics_b)))
    return {METRICS[0]: paired_bootstrap(events, "macro"), METRICS[1]: paired_bootstrap(topics, "micro")}


def describe(difference: BootstrapDifference, arm: str = "suggest", against: str = "random") -> str:
    """``+0.0040 [-0.0120, +0.0190]: cannot tell``."""
    if not difference.decided:
        verdict = "cannot tell"
    else:
        verdict = f"{arm} ahead" if difference.low > 0 else f"{against} ahead"
    return f"{difference.difference:+.4f} [{difference.low:+.4f}, {difference.high:+.4f}]: {verdict}"


def plot(results: dict, base: list[dict], ks: list[int], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric in zip(axes, METRICS):
        base_mean = statistics.mean(b[metric] for b in base)
        for method, style in (("suggest", "o-"), ("random", "s--")):
            means = [base_mean] + [statistics.mean(r[metric] for r in results[method][k]) for k in ks]
            sds = [0.0] + [_sd([r[metric] for r in results[method][k]]) for k in ks]
            xs = [0, *ks]
            ax.errorbar(xs, means, yerr=sds, fmt=style, capsize=3, label=method)
        ax.set_xlabel("articles added to the shipped corpus (k)")
        ax.set_ylabel(metric)
        ax.set_title(f"{metric} on the held-out half")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda handle: fig.savefig(handle, format="png", dpi=110))


def _retrain_here(trainer: Trainer, task: tuple) -> tuple:
    """:func:`retrain` in this process, with ``trainer``."""
    seed, method, k, added, test = task
    answers = answer(trainer(added), test)
    return seed, method, k, score(test, *answers), trainer.seconds[-1], answers


def _sd(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--portal", type=Path, default=CACHE)
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds", help="the shipped corpus (default seeds/)")
    parser.add_argument("--k", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--png", type=Path, default=Path("/tmp/bench_active.png"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures there (e.g. under /tmp)")
    parser.add_argument("--quick", action="store_true", help="smoke run: a quarter of the corpus, k 2 4, 1 seed")
    parser.add_argument(
        "--jobs", type=int, default=1, help="retrain in this many processes at once (each on one thread)"
    )
    args = parser.parse_args()
    sets = load_sets(args.shared, args.portal)
    if not sets:
        print("no data: nothing to measure")
        return 0
    corpus = shipped(args.corpus, args.quick)
    ks, seeds = sorted(args.k), args.seeds
    if args.quick:
        ks, seeds = [2, 4], 1
    print(f"shipped corpus: {len(corpus)} articles; pool+test: {sum(len(r) for r in sets.values())} real articles")
    trainer = Trainer(corpus)
    base_model = trainer([])
    print(f"base model trained in {trainer.seconds[0]:.0f} s")
    results: dict = {"suggest": {k: [None] * seeds for k in ks}, "random": {k: [None] * seeds for k in ks}}
    answers: dict = {method: {k: [None] * seeds for k in ks} for method in results}
    base: list[dict] = []
    tasks, retrains, tests = [], [], []
    for seed in range(seeds):
        pool, test = split(sets, seed)
        tests.append(test)
        base.append(evaluate(base_model, test))
        # Each seed draws its random sample afresh: with one seed for all, the same pool positions
        # would be drawn on every split (the pool lists portal pages first).
        ranked = [i for i, *_ in rank(base_model, [prepare(r["text"]) for r in pool], max(ks), random_state=seed)]
        shuffled = random.Random(1000 + seed).sample(range(len(pool)), len(pool))
        for method, order in (("suggest", ranked), ("random", shuffled)):
            tasks += [(seed, method, k, [pool[i] for i in order[:k]], test) for k in ks]
    if args.jobs > 1:
        done = run_tasks(tasks, args.jobs, args.corpus, args.quick)
    else:
        done = map(lambda task: _retrain_here(trainer, task), tasks)
    for seed, method, k, figures, seconds, got in done:
        retrains.append(seconds)
        results[method][k][seed] = figures
        answers[method][k][seed] = got
        print(
            f"  seed {seed} {method:<7} k={k:<3} "
            + "  ".join(f"{m} {figures[m]:.3f}" for m in METRICS)
            + f"  ({seconds:.0f} s)",
            flush=True,
        )
    print(f"\n{len(pool)} pool / {len(test)} test articles per seed; {seeds} seeds; mean (sd) over seeds")
    print(
        f"{'k':>4} {'method':<8}"
        + "".join(f"{m:>24}" for m in METRICS)
        + "   suggest > random on; suggest - random, paired mean (sd)"
    )
    for metric_row in [("base", None)]:
        print(
            f"{0:>4} {metric_row[0]:<8}"
            + "".join(
                f"{statistics.mean(b[m] for b in base):>15.3f} ({_sd([b[m] for b in base]):.3f})" for m in METRICS
            )
        )
    verdict = True
    for k in ks:
        for method in ("suggest", "random"):
            rows = results[method][k]
            line = f"{k:>4} {method:<8}" + "".join(
                f"{statistics.mean(r[m] for r in rows):>15.3f} ({_sd([r[m] for r in rows]):.3f})" for m in METRICS
            )
            if method == "random":
                wins = [sum(s[m] > r[m] for s, r in zip(results["suggest"][k], rows)) for m in METRICS]
                line += "   " + ", ".join(f"{w}/{len(rows)} seeds" for w in wins)
                diffs = [[s[m] - r[m] for s, r in zip(results["suggest"][k], rows)] for m in METRICS]
                line += "; " + ", ".join(f"{statistics.mean(d):+.4f} ({_sd(d):.4f})" for d in diffs)
                for m in METRICS:
                    ahead = statistics.mean(s[m] for s in results["suggest"][k]) > statistics.mean(r[m] for r in rows)
                    verdict = verdict and ahead
            print(line)
    print(
        f"\ntime per retrain: {statistics.median(retrains):.0f} s median, {statistics.mean(retrains):.0f} s mean, "
        f"{max(retrains):.0f} s max "
        f"({len(retrains)} retrains, {args.jobs} at once; base {trainer.seconds[0]:.0f} s alone)"
    )
    print(
        "target (suggest ahead of random at every k, on both metrics, mean over seeds): "
        + ("met" if verdict else "MISSED")
    )
    print(
        "\nsuggest - random, mean over seeds [95% paired bootstrap interval over the test articles, "
        "for these retrained models]:"
    )
    differences = {k: intervals(tests, answers, k) for k in ks}
    for k in ks:
        print(f"{k:>4}  " + "   ".join(f"{m}: {describe(differences[k][m])}" for m in METRICS))
    decided = sum(d.decided for k in ks for d in differences[k].values())
    print(f"the test articles decide {decided} of the {len(ks) * len(METRICS)} differences")
    plot(results, base, ks, args.png)
    print(f"learning curve: {args.png}")
    if args.json:
        figures = {
            "base": base,
            "results": results,
            "seconds": {"base": trainer.seconds[0], "retrains": retrains},
            "intervals": {k: {m: vars(d) for m, d in differences[k].items()} for k in ks},
        }
        atomic_write(args.json, lambda out: out.write(json.dumps(figures, indent=1)), mode="w")
    return 0


if __name__ == "__main__":
    sys.exit(main())
