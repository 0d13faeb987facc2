"""Forked vs loky workers for `--jobs N`: start-up time and memory of the whole process tree.

Usage:
    python scripts/bench_workers.py [--data ../shared/data/vietnews_val_1000.jsonl] [--docs 10000]
                                    [--repeat 3] [--jobs 2 4] [--small 300]

On Linux `classify label --jobs N` forks its workers from the driver once the model is loaded;
elsewhere it uses joblib's loky workers, which start a fresh interpreter and load the model each.
This script runs both engines in fresh processes, alternating --repeat times, and prints medians:
  * seconds of a run over --small documents (mostly start-up: imports, model, workers);
  * peak total PSS (proportional set size: pages shared between processes are split among them, so
    the sum is the memory the run really takes) of the driver and all its workers while
    labelling --docs documents, sampled every 0.1 s from /proc, for each --jobs value.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import FORCE_LOKY, ROOT, bench_parser, read_records, write_input  # noqa: E402


def _command(input_path: Path, output: Path, jobs: int, loky: bool) -> list[str]:
    code = (FORCE_LOKY if loky else "") + (
        "import time; t = time.perf_counter(); from classify.batch.labelling import label_files; "
        f"label_files([{str(input_path)!r}], {str(output)!r}, jobs={jobs}, force=True); "
        "print(time.perf_counter() - t)"
    )
    return [sys.executable, "-c", code]


def _session_members(session: int) -> list[int]:
    """Processes of a session: a run started in a new session, with all its workers."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # state, ppid, pgrp, session, ...
        except (OSError, IndexError):
            continue
        if fields[3] == str(session):
            members.append(int(stat.parent.name))
    return members


def _pss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass  # the process ended between listing and reading
    return 0.0


def peak_tree_pss(command: list[str]) -> tuple[float, float]:
    """(seconds, peak total PSS in MiB of the process and its workers) of one run."""
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True)
    peak = 0.0
    while run.poll() is None:
        peak = max(peak, sum(_pss_mib(pid) for pid in _session_members(run.pid)))
        time.sleep(0.1)
    if run.returncode:
        raise RuntimeError(f"a labelling run failed (exit {run.returncode})")
    return float(run.stdout.read()), peak


def main() -> int:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--small", type=int, default=300, help="documents of the start-up run")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        print("needs Linux's /proc/PID/smaps_rollup (and fork); nothing to compare here")
        return 0
    records = read_records(args.data)
    if records is None:
        return 0
    engines = {"forked": False, "loky": True}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        small, large, output = workdir / "small.jsonl", workdir / "large.jsonl", workdir / "out.jsonl"
        write_input(records, args.small, small)
        write_input(records, args.docs, large)
        starts: dict[str, list[float]] = {name: [] for name in engines}
        memory: dict[tuple[str, int], list[float]] = {(name, jobs): [] for name in engines for jobs in args.jobs}
        for _ in range(args.repeat):
            for name, loky in engines.items():
                command = _command(small, output, args.jobs[0], loky)
                starts[name].append(float(subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout))
                for jobs in args.jobs:
                    memory[(name, jobs)].append(peak_tree_pss(_command(large, output, jobs, loky))[1])
    print(f"medians of {args.repeat} alternating runs")
    forked, loky = statistics.median(starts["forked"]), statistics.median(starts["loky"])
    print(
        f"--jobs {args.jobs[0]} over {args.small} documents (start-up included): "
        f"forked {forked:.2f} s, loky {loky:.2f} s; loky / forked {loky / forked:.2f}x"
    )
    for jobs in args.jobs:
        forked, loky = statistics.median(memory[("forked", jobs)]), statistics.median(memory[("loky", jobs)])
        print(
            f"--jobs {jobs} over {args.docs} documents, peak PSS of all processes: "
            f"forked {forked:.0f} MiB, loky {loky:.0f} MiB; loky / forked {loky / forked:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
