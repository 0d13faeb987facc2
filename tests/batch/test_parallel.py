"""Ordered streaming map over worker processes (forked, or joblib's loky): order, bounded look-ahead,
worker death, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, default_sigint

from classify.batch import parallel
from classify.batch.parallel import WorkerError, can_fork, ordered_map

ENGINES = [
    pytest.param(True, id="fork", marks=pytest.mark.skipif(not can_fork(), reason="this platform does not fork")),
    pytest.param(False, id="loky"),
]
_loaded_in_driver: dict = {}


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _slow_square(x: int) -> int:
    time.sleep(0.1)
    return x * x


def _die_on_three(x: int) -> int:
    if x == 3:
        os._exit(7)  # what the OOM killer does to a worker
    time.sleep(0.05)
    return x


@pytest.mark.parametrize("fork", ENGINES)
def test_results_come_in_input_order_from_other_processes(fork):
    results = list(ordered_map(_square_and_pid, range(40), 2, fork=fork))
    assert [r for r, _ in results] == [x * x for x in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


@pytest.mark.parametrize("fork", ENGINES)
def test_items_are_taken_lazily(fork):
    taken = []

    def items():
        for x in range(30):
            taken.append(x)
            yield x

    ahead = []
    for k, _ in enumerate(ordered_map(_slow_square, items(), 2, in_flight=4, fork=fork)):
        ahead.append(len(taken) - k)
    assert len(taken) == 30
    # Both engines start with in_flight items and take one more whenever one finishes (joblib
    # polls for results every 10 ms), so the first result comes long before the input is read.
    assert ahead[0] <= 12


@pytest.mark.parametrize("fork", ENGINES)
def test_a_dead_worker_is_one_clear_error_after_the_results_before_it(fork):
    got = []
    with pytest.raises(WorkerError, match="worker process died.*--resume") as caught:
        for value in ordered_map(_die_on_three, range(8), 2, in_flight=2, fork=fork):
            got.append(value)
    assert got == [0, 1, 2][: len(got)]
    assert "\n" not in str(caught.value)


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_a_pool_that_breaks_between_a_result_and_the_next_submit_is_the_same_clear_error(monkeypatch):
    # The race seen under load: a worker dies after a result was taken, so submit() itself raises.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    submit = ProcessPoolExecutor.submit
    calls = []

    def breaking_submit(self, fn, /, *args, **kwargs):
        calls.append(args)
        if len(calls) == 4:
            raise BrokenProcessPool("A child process terminated abruptly")
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", breaking_submit)
    got = []
    with pytest.raises(WorkerError, match="worker process died.*--resume"):
        for value in ordered_map(_square_and_pid, range(8), 2, in_flight=2, fork=True):
            got.append(value[0])
    assert got == [0, 1, 4]  # the results before the failure, in order


def _driver_state(_: int) -> tuple[int, str | None]:
    return os.getppid(), _loaded_in_driver.get("model")


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_forked_workers_start_with_what_the_driver_loaded():
    _loaded_in_driver["model"] = "loaded once, in the driver"
    try:
        states = set(ordered_map(_driver_state, range(6), 2, fork=True))
    finally:
        _loaded_in_driver.clear()
    assert states == {(os.getpid(), "loaded once, in the driver")}


def test_a_driver_running_other_threads_is_not_forked():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    _loaded_in_driver["model"] = "loaded once, in the driver"
    try:
        assert not parallel.forks_workers()
        states = set(ordered_map(_driver_state, range(4), 2))  # the default engine: loky here
    finally:
        stop.set()
        thread.join()
        _loaded_in_driver.clear()
    assert states == {(os.getpid(), None)}


@pytest.mark.skipif(not can_fork(), reason="this platform does not fork")
def test_a_single_threaded_driver_on_linux_forks_its_workers():
    code = "from classify.batch.parallel import forks_workers; print(forks_workers())"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "True"


def test_fewer_than_two_jobs_is_refused():
    with pytest.raises(ValueError, match="at least 2 jobs"):
        list(ordered_map(_square_and_pid, range(3), 1))


def _descendants(pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _assert_exit_soon(workers: set[int]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_killing_the_driver_leaves_no_worker_behind(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:200]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "classify.cli", "label", str(folder), "-o", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen([*cmd, "--chunk-size", "2", "--checkpoint-every", "0"])
    partial = tmp_path / "out.jsonl.partial"
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _descendants(proc.pid)
        if len(workers) >= 2 and partial.exists() and partial.stat().st_size > 5_000:
            break
        time.sleep(0.01)
    assert proc.poll() is None and len(workers) >= 2, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _assert_exit_soon(workers)
    assert subprocess.run([*cmd, "--resume"]).returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 200


_DRIVER = """
import os, sys, time
from classify.batch.parallel import ordered_map

def slow_pid(x):
    time.sleep(0.05)
    return os.getpid()

for pid in ordered_map(slow_pid, range(100_000), 2, fork=sys.argv[1] == "fork"):
    print(pid, flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("fork", ENGINES)
def test_workers_of_either_engine_exit_when_their_driver_is_killed(fork):
    driver = subprocess.Popen(
        [sys.executable, "-c", _DRIVER, "fork" if fork else "loky"], stdout=subprocess.PIPE, text=True
    )
    busy: set[int] = set()
    while len(busy) < 2:  # both workers have run a task (loky's watch starts with the first)
        busy.add(int(driver.stdout.readline()))
    workers = _descendants(driver.pid)
    assert busy <= workers
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    _assert_exit_soon(workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("fork", ENGINES)
def test_ctrl_c_stops_the_driver_and_its_workers(fork):
    driver = subprocess.Popen(
        [sys.executable, "-c", _DRIVER, "fork" if fork else "loky"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_sigint,
    )
    busy: set[int] = set()
    while len(busy) < 2:
        busy.add(int(driver.stdout.readline()))
    workers = _descendants(driver.pid)
    os.killpg(driver.pid, signal.SIGINT)  # Ctrl-C reaches the driver and its workers alike
    _, stderr = driver.communicate(timeout=60)
    assert driver.returncode != 0
    # One traceback, the driver's: the workers leave the interrupt to it and exit quietly.
    assert stderr.count("Traceback") == 1 and stderr.strip().endswith("KeyboardInterrupt")
    _assert_exit_soon(workers)


def test_a_process_watches_only_its_own_parent():
    import threading

    # This process is not a child of itself: watching would end it at once.
    parallel._exit_with_parent(os.getpid())
    time.sleep(2 * parallel.PARENT_CHECK_SECONDS)
    assert parallel._watched_parent is None
    assert "classify-exit-with-parent" not in {t.name for t in threading.enumerate()}
