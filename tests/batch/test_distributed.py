import functools
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("dask.distributed")

from conftest import SEEDS  # noqa: E402
from dask.distributed import Client  # noqa: E402

from classify.batch import labelling as batch  # noqa: E402
from classify.batch.distributed import DaskStats, connect  # noqa: E402
from classify.batch.labelling import _warm_up, label_files  # noqa: E402
from classify.model.models_path import resolve_model_path  # noqa: E402

MODEL_KEY = (str(resolve_model_path(None)), False)


@pytest.fixture(scope="module")
def cluster():
    # Built the way `--scheduler local:2` builds it (forked workers with the model preloaded),
    # so the kill test below also covers the nanny re-forking a worker.
    batch._WORKER_MODELS.clear()  # what the forked workers hold must come from the preload alone
    client = connect("local:2", preload=functools.partial(_warm_up, *MODEL_KEY))
    yield client.cluster
    client.close()
    client.cluster.close()


def _models_loaded() -> list:
    return list(batch._WORKER_MODELS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="local workers are forked on Linux only")
def test_local_cluster_workers_start_with_the_model_loaded(cluster):
    with Client(cluster.scheduler_address) as client:
        loaded = client.run(_models_loaded)
    assert len(loaded) == 2
    assert all([key[:2] for key in keys] == [MODEL_KEY] for keys in loaded.values())


def test_local_scheduler_option_output_equals_jobs_1(tmp_path):
    inputs = _inputs(tmp_path, 12)
    label_files(inputs, str(tmp_path / "local.jsonl"), chunk_size=4)
    label_files(inputs, str(tmp_path / "dask.jsonl"), chunk_size=4, scheduler="local:2")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def _inputs(tmp_path, n):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:n]:
        (folder / path.name).write_bytes(path.read_bytes())
    return [str(folder)]


def test_local_cluster_output_equals_jobs_1(tmp_path, cluster):
    inputs = _inputs(tmp_path, 40)
    label_files(inputs, str(tmp_path / "local.jsonl"), chunk_size=4)
    stats = DaskStats()
    label_files(
        inputs,
        str(tmp_path / "dask.jsonl"),
        chunk_size=4,
        scheduler=cluster.scheduler_address,
        dask_stats=stats,
        max_in_flight=3,
    )
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert stats.submitted == 10
    assert 1 <= stats.max_in_flight_seen <= 3


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path, cluster):
    inputs = _inputs(tmp_path, 120)
    label_files(inputs, str(tmp_path / "clean.jsonl"), chunk_size=2)
    with Client(cluster.scheduler_address) as client:
        victim = next(iter(client.run(os.getpid).values()))
    stats = DaskStats()

    def kill_when_running():
        deadline = time.monotonic() + 60
        while stats.submitted < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_running)
    killer.start()
    label_files(
        inputs, str(tmp_path / "dask.jsonl"), chunk_size=2, scheduler=cluster.scheduler_address, dask_stats=stats
    )
    killer.join()
    assert stats.submitted == 60
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "clean.jsonl").read_bytes()


def test_unreachable_scheduler_is_a_clear_error_and_creates_nothing(tmp_path):
    out = tmp_path / "o.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "classify.cli",
            "label",
            str(SEEDS / "000_bb1379ce06b94f8d.txt"),
            "-o",
            str(out),
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CLASSIFY_DASK_TIMEOUT": "2"},
    )
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not list(tmp_path.glob("o.jsonl*"))


def test_malformed_scheduler_argument(tmp_path):
    from classify.batch.distributed import SchedulerError, connect

    with pytest.raises(SchedulerError, match="expected tcp://HOST:PORT or local:N"):
        connect("127.0.0.1:8786")
    with pytest.raises(SchedulerError, match="expected local:N"):
        connect("local:two")


def test_without_dask_the_scheduler_option_says_how_to_install_it(tmp_path, monkeypatch):
    from classify.batch.distributed import SchedulerError, connect

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # `import dask.distributed` now fails
    with pytest.raises(SchedulerError) as error:
        connect("local:2")
    # "classify" on the public package index is another project: the hint names the real package
    assert str(error.value).endswith(
        'Dask is not installed: pip install "dask[distributed]" (from a checkout of classify: pip install ".[dask]")'
    )
    out = tmp_path / "o.jsonl"
    with pytest.raises(SchedulerError, match="Dask is not installed"):
        label_files([str(SEEDS / "000_bb1379ce06b94f8d.txt")], str(out), scheduler="tcp://127.0.0.1:8786")
    assert not list(tmp_path.glob("o.jsonl*"))  # nothing created
