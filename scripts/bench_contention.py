"""How much slower one process runs when a second one runs beside it: labelling vs a pure-Python loop.

Usage:
    python scripts/bench_contention.py [--data ../shared/data/vietnews_val_1000.jsonl] [--docs 1024] [--repeat 8]

Each round times, in fresh processes started on a shared clock, the same work alone and then as two
copies at once (the slower copy counts), for two tasks:
  * label: clean + classify + summarize --docs articles with the shipped model (model loading excluded);
  * spin: a pure-Python arithmetic loop that touches almost no memory.
It prints each round's together/alone ratio and their medians. If the spin loop slows down as much
as labelling, the loss comes from the machine (shared cores), not from this code's memory traffic,
and it caps what `--jobs 2` can gain over `--jobs 1` (see scripts/bench_batch.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from bench_batch import ROOT, bench_parser

START_DELAY = 4.0  # seconds for the copies to import and load before the shared start


def _child(start: float, task: str, data: str, docs: int) -> None:
    if task == "label":
        import itertools

        from classify.batch.labelling import label_documents
        from classify.batch.sources import iter_documents

        articles = list(itertools.islice(iter_documents([data]), docs))
        list(label_documents(articles[:1]))  # loads the model outside the timing

        def work() -> None:
            for _ in label_documents(articles, fmt="jsonl"):
                pass

    else:

        def work() -> None:
            total = 0
            for i in range(6_000_000):
                total += i * i

    while time.time() < start:
        time.sleep(0.001)
    started = time.perf_counter()
    work()
    print(time.perf_counter() - started)


def _run(task: str, copies: int, args: argparse.Namespace) -> float:
    start = time.time() + START_DELAY
    child = ["--child", str(start), task, "--data", str(args.data), "--docs", str(args.docs)]
    command = [sys.executable, __file__, *child]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(copies)]
    outputs = [proc.communicate()[0] for proc in procs]
    if any(proc.returncode for proc in procs):
        raise RuntimeError(f"a {task} process failed")
    return max(float(out) for out in outputs)


def main() -> int:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.set_defaults(docs=1024, repeat=8)
    parser.add_argument("--child", nargs=2, metavar=("START", "TASK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(float(args.child[0]), args.child[1], str(args.data), args.docs)
        return 0
    if not args.data.exists():
        print(f"no data at {args.data}; nothing to do")
        return 0
    ratios: dict[str, list[float]] = {"label": [], "spin": []}
    for round_no in range(args.repeat):
        for task, found in ratios.items():
            alone, together = _run(task, 1, args), _run(task, 2, args)
            ratio = together / alone
            found.append(ratio)
            print(f"round {round_no}: {task:<5} alone {alone:.2f} s, two at once {together:.2f} s: {ratio:.2f}x")
    for task, found in ratios.items():
        print(f"{task:<5} median slowdown with a second process: {statistics.median(found):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
