"""``classify serve`` as a user runs it: the address, warnings, one-line errors, and a crash mid-job."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from serve_helpers import POLL_LIMIT_SECONDS, write_jsonl

from classify.batch.labelling import label_files
from classify.cli import main
from classify.serve.run import listen


def _start(workdir, *args):
    process = subprocess.Popen(
        [sys.executable, "-m", "classify.cli", "serve", "--port", "0", "--workdir", str(workdir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.match(r"classify: serving (http://127\.0\.0\.1:\d+)/ ", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    url = match.group(1)
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:  # the address is printed just before uvicorn starts answering
        try:
            if httpx.get(f"{url}/api/model").status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)


def _stop(process):
    process.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _poll(url, job_id, done):
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        status = httpx.get(f"{url}/api/jobs/{job_id}").json()
        if done(status):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def test_serve_prints_its_address_answers_and_stops_on_ctrl_c(tmp_path):
    process, url = _start(tmp_path / "work")
    try:
        record = httpx.post(f"{url}/api/predict", json={"text": "Sáng 2/4, huyện khai trương hệ thống loa mới."})
        assert record.status_code == 200 and record.json()["event_type"]
        assert "Phân loại" in httpx.get(url).text
    finally:
        code, out, err = _stop(process)
    assert code == 0 and "server stopped" in out and "Traceback" not in err


def test_open_to_the_network_warns_that_there_is_no_password(tmp_path):
    process, _ = _start(tmp_path / "work", "--host", "0.0.0.0")
    code, _, err = _stop(process)
    assert "classify: warning: listening on 0.0.0.0" in err and "no password" in err and code == 0


def test_a_port_in_use_or_a_busy_workdir_is_one_line(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--workdir", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"classify: cannot listen on 127.0.0.1:{port} (") and len(err.splitlines()) == 1
    process, _ = _start(tmp_path / "b")
    try:
        assert main(["serve", "--port", "0", "--workdir", str(tmp_path / "b")]) == 2
        err = capsys.readouterr().err
        assert (
            err
            == f"classify: {tmp_path / 'b'}: used by another classify serve; stop it, or give this one another --workdir\n"
        )
    finally:
        _stop(process)


def test_a_server_killed_mid_job_leaves_a_partial_output_that_the_next_one_resumes(tmp_path, monkeypatch):
    source = write_jsonl(tmp_path / "dài.jsonl", 400)
    work = tmp_path / "work"
    process, url = _start(work)
    try:
        with open(source, "rb") as handle:
            job_id = httpx.post(f"{url}/api/jobs", files={"file": ("dài.jsonl", handle)}).json()["id"]
        status = _poll(url, job_id, lambda s: s["phase"] == "labelling" and s["done"] > 0)
        assert status["done"] < status["total"] == 400
    finally:
        process.kill()  # no shutdown at all: a crash
        process.communicate()
    [folder] = (work / "jobs").iterdir()
    worker = int(__import__("json").loads((folder / "progress.json").read_text())["pid"])
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while _alive(worker):  # its worker notices and exits by itself
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert (folder / "output.jsonl.partial").exists() and not (folder / "output.jsonl").exists()

    process, url = _start(work)
    try:
        status = _poll(url, job_id, lambda s: s["status"] in ("done", "failed"))
        assert status["status"] == "done" and status["total"] == 400
        assert status["message"] == "interrupted when the server stopped; resumed from its last checkpoint"
        output = httpx.get(f"{url}/api/jobs/{job_id}/result").content
    finally:
        _stop(process)
    monkeypatch.chdir(tmp_path)
    label_files(["dài.jsonl"], "clean.jsonl")
    assert output == (tmp_path / "clean.jsonl").read_bytes()


@pytest.mark.parametrize("args", [["--max-jobs", "0"], ["--retention", "0"], ["--max-upload", "-1"]])
def test_bad_serve_options_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", *args])
    assert exited.value.code == 2 and args[0] in capsys.readouterr().err


def test_the_listening_socket_is_tcp_so_answers_are_not_held_by_nagle():
    # asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP; with protocol 0 every
    # answer on a kept-alive connection (a browser's) waited 40 ms for a delayed ACK.
    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
