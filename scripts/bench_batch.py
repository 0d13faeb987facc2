"""Batch labelling benchmark: full pipeline throughput vs underthesea.word_tokenize alone.

Usage:
    python scripts/bench_batch.py [--data ../shared/data/vietnews_val_1000.jsonl] [--docs 10000]
                                  [--rss-docs 100000] [--tokenize-sample 300] [--repeat 3] [--compare-loky]

Builds a JSONL input of --docs documents (the articles repeated with new ids), then in one run:
  * docs/s of `classify label` (clean + classify + summarize + write) with --jobs 1 and --jobs 2,
    each in a fresh process (start-up and model loading included), alternating --repeat times
    (default 3) and reporting the medians;
  * docs/s of underthesea.word_tokenize alone over the same article texts (one core), timed in each
    round right after the --jobs 1 run;
  * a reference for what two processes gain on this machine at the moment: two independent
    --jobs 1 runs started together, each on half of the documents (no coordination, but each
    pays its own start-up), in docs/s;
  * the ratios full-pipeline(jobs 1)/word_tokenize, jobs 2/jobs 1 and that reference/jobs 1;
    jobs 2/jobs 1 both as the ratio of the two medians and as the median of each round's own ratio
    (a round's two runs are adjacent in time, so drift between rounds cancels out);
  * peak RSS of a --jobs 1 run streaming --rss-docs documents (0 to skip);
  * with --compare-loky, also --jobs 2 with joblib's loky workers (what classify uses where it cannot
    fork) in each round, and the ratio forked / loky.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_input(records: list[dict], n: int, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            record = records[i % len(records)]
            handle.write(
                json.dumps({"id": f"{i:07d}", "title": record["title"], "text": record["text"]}, ensure_ascii=False)
                + "\n"
            )


# Makes --jobs use joblib's loky workers even where classify would fork them (--compare-loky).
FORCE_LOKY = "import classify.batch.parallel; classify.batch.parallel.forks_workers = lambda: False; "


def _label_command(
    input_path: Path, jobs: int, output: Path, scheduler: str | None, *, loky: bool = False
) -> list[str]:
    code = (FORCE_LOKY if loky else "") + (
        "import resource, sys, time; from classify.batch.labelling import label_files; t = time.perf_counter(); "
        f"label_files([{str(input_path)!r}], {str(output)!r}, jobs={jobs}, force=True, scheduler={scheduler!r}); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    return [sys.executable, "-c", code]


def run_label(
    input_path: Path, jobs: int, workdir: Path, scheduler: str | None = None, *, loky: bool = False
) -> tuple[float, float]:
    """(seconds, peak RSS MiB of the driver process) of one `classify label` run in a fresh process."""
    output = workdir / f"out-{jobs}-{scheduler and scheduler.replace(':', '')}-{input_path.stem}.jsonl"
    command = _label_command(input_path, jobs, output, scheduler, loky=loky)
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, rss = map(float, result.stdout.split())
    output.unlink()
    return seconds, rss


def run_two_independent(halves: list[Path], workdir: Path) -> float:
    """Seconds until both of two independent `--jobs 1` runs, started together, have finished."""
    runs = [
        subprocess.Popen(
            _label_command(half, 1, workdir / f"out-{half.stem}.jsonl", None),
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for half in halves
    ]
    seconds = max(float(run.communicate()[0].split()[0]) for run in runs)
    if any(run.returncode for run in runs):
        raise RuntimeError("an independent --jobs 1 run failed")
    return seconds


def bench_parser(description: str) -> argparse.ArgumentParser:
    """The options both batch benchmarks share: --data, --docs, --repeat."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "vietnews_val_1000.jsonl")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each setting; medians are reported")
    return parser


def read_records(data: Path) -> list[dict] | None:
    """The articles of ``data`` (JSONL), or None (with a message) when the file is absent."""
    if not data.exists():
        print(f"no data at {data}; nothing to do")
        return None
    with open(data, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def main() -> int:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--rss-docs", type=int, default=100_000)
    parser.add_argument("--tokenize-sample", type=int, default=300, help="articles timed with word_tokenize per run")
    parser.add_argument(
        "--compare-loky", action="store_true", help="also time --jobs 2 with joblib's loky workers, not forked ones"
    )
    args = parser.parse_args()
    records = read_records(args.data)
    if records is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        input_path = workdir / "input.jsonl"
        write_input(records, args.docs, input_path)
        halves = [workdir / "half-a.jsonl", workdir / "half-b.jsonl"]
        lines = input_path.read_text(encoding="utf-8").splitlines(keepends=True)
        halves[0].write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
        halves[1].write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
        print(f"{args.docs} documents ({len(records)} distinct articles repeated), {os.cpu_count()} cores")

        from underthesea import word_tokenize

        sample = [r["text"] for r in records[: args.tokenize_sample]]
        word_tokenize(sample[0])  # load the model outside the timing

        def tokenize_rate() -> float:
            started = time.perf_counter()
            for text in sample:
                word_tokenize(text)
            return len(sample) / (time.perf_counter() - started)

        # The settings alternate, --repeat times each, so every ratio compares runs made under the
        # same conditions; medians damp this VM's noisy neighbours (its speed drifts by tens of percent).
        ones, twos, pairs, tokenizes, lokys, one_rss = [], [], [], [], [], 0.0
        for _ in range(args.repeat):
            seconds, one_rss = run_label(input_path, 1, workdir)
            ones.append(seconds)
            tokenizes.append(tokenize_rate())
            twos.append(run_label(input_path, 2, workdir)[0])
            pairs.append(run_two_independent(halves, workdir))
            if args.compare_loky:
                lokys.append(run_label(input_path, 2, workdir, loky=True)[0])
        full_1, full_2 = args.docs / statistics.median(ones), args.docs / statistics.median(twos)
        pair = args.docs / statistics.median(pairs)
        tokenize = statistics.median(tokenizes)
        # Each round's runs are adjacent in time, so its own ratio is the least disturbed by drift.
        round_ratios = [one / two for one, two in zip(ones, twos)]
        if args.repeat > 1:
            rates = [[round(args.docs / x) for x in runs] for runs in (ones, twos, pairs)]
            print(f"runs (docs/s) --jobs 1: {rates[0]}  --jobs 2: {rates[1]}  two independent halves: {rates[2]}")
            print(f"runs (docs/s) word_tokenize: {[round(x) for x in tokenizes]}")
            print(f"jobs 2 / jobs 1 in each round: {[round(r, 2) for r in round_ratios]}")

        print(f"full pipeline --jobs 1: {full_1:8.1f} docs/s  (driver peak RSS {one_rss:.0f} MiB)")
        print(f"full pipeline --jobs 2: {full_2:8.1f} docs/s")
        print(f"two independent --jobs 1 runs on halves, together: {pair:8.1f} docs/s")
        print(f"underthesea.word_tokenize alone: {tokenize:8.1f} docs/s ({len(sample)} articles per run)")
        print(f"ratio full(jobs 1) / word_tokenize: {full_1 / tokenize:.1f}x   (target >= 10x)")
        print(
            f"ratio jobs 2 / jobs 1: {full_2 / full_1:.2f}x of the medians, "
            f"{statistics.median(round_ratios):.2f}x median of the rounds   (target >= 1.7x)"
        )
        print(
            f"ratio two independent halves / jobs 1: {pair / full_1:.2f}x (what two processes gain here now); "
            f"jobs 2 / two independent halves: {full_2 / pair:.2f}"
        )
        if lokys:
            loky_ratios = [loky / two for loky, two in zip(lokys, twos)]
            print(f"runs (docs/s) --jobs 2 with loky workers: {[round(args.docs / x) for x in lokys]}")
            print(
                f"--jobs 2 forked / with loky workers: {statistics.median(lokys) / statistics.median(twos):.2f}x "
                f"of the medians, {statistics.median(loky_ratios):.2f}x median of the rounds; "
                f"loky --jobs 2 / jobs 1: {statistics.median(ones) / statistics.median(lokys):.2f}x"
            )
        if args.rss_docs:
            big = workdir / "big.jsonl"
            write_input(records, args.rss_docs, big)
            input_path.unlink()
            seconds, rss = run_label(big, 1, workdir)
            print(
                f"{args.rss_docs} documents streamed with --jobs 1: peak RSS {rss:.0f} MiB "
                f"(target < 1024), {args.rss_docs / seconds:.1f} docs/s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
