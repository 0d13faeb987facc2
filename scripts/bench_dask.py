"""Dask overhead: `--jobs 2` (local worker processes) vs `--scheduler local:2` (Dask LocalCluster) on one machine.

Usage: python scripts/bench_dask.py [--data ../shared/data/vietnews_val_1000.jsonl] [--docs 10000] [--repeat 3]

Both runs label the same --docs documents (the articles repeated with new ids) in fresh processes,
cluster start-up included; prints docs/s and the ratio (identical output is checked by tests/test_distributed.py).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import bench_parser, read_records, run_label, write_input  # noqa: E402


def main() -> int:
    args = bench_parser(__doc__.splitlines()[0]).parse_args()
    records = read_records(args.data)
    if records is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        input_path = workdir / "input.jsonl"
        write_input(records, args.docs, input_path)
        # Alternating runs, medians: this VM's speed drifts by tens of percent between runs.
        joblib_runs, dask_runs = [], []
        for _ in range(args.repeat):
            joblib_runs.append(run_label(input_path, 2, workdir)[0])
            dask_runs.append(run_label(input_path, 1, workdir, scheduler="local:2")[0])
        joblib_s, dask_s = statistics.median(joblib_runs), statistics.median(dask_runs)
    print(f"{args.docs} documents, medians of {args.repeat} alternating runs")
    if args.repeat > 1:
        rates = [[round(args.docs / x) for x in runs] for runs in (joblib_runs, dask_runs)]
        print(f"runs (docs/s) --jobs 2: {rates[0]}  dask: {rates[1]}")
    print(f"--jobs 2 (forked workers on Linux, else joblib's loky): {args.docs / joblib_s:8.1f} docs/s")
    print(f"--scheduler local:2 (Dask): {args.docs / dask_s:8.1f} docs/s (cluster start-up included)")
    print(f"ratio Dask / --jobs 2: {joblib_s / dask_s:.2f}  (target >= 0.85, i.e. within 15%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
