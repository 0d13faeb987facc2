"""The batch progress bar: on a terminal only, and never a thread left behind."""

import io
import os
import subprocess
import sys
import threading

import pytest
from conftest import SEEDS

from classify.batch.progress import ProgressBar


def test_a_progress_bar_starts_no_monitor_thread():
    before = {thread.ident for thread in threading.enumerate()}
    bar = ProgressBar(total=3, unit="doc", file=io.StringIO())
    for _ in range(3):
        bar.update(1)
    bar.close()
    # tqdm keeps its monitor on the class that started it; a parent class's monitor (from
    # some other tqdm bar in this process) would be inherited, so look at this class only.
    assert "monitor" not in vars(ProgressBar) or ProgressBar.monitor is None
    assert {thread.ident for thread in threading.enumerate()} <= before


def _label_with_stderr(tmp_path, stderr_is_terminal: bool, *extra: str, columns: int = 100) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:6]:
        (folder / path.name).write_bytes(path.read_bytes())
    command = [sys.executable, "-m", "classify.cli", "label", str(folder), "-o", str(tmp_path / "o.jsonl"), *extra]
    if not stderr_is_terminal:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stderr
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    rows = 24 if columns else 0
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closes when the child exits (EIO on Linux)
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("columns", [100, 0], ids=["sized terminal", "terminal reporting no size"])
def test_a_terminal_gets_the_bar_and_the_final_counts(tmp_path, columns):
    stderr = _label_with_stderr(tmp_path, True, columns=columns)
    assert "\r6doc [" in stderr and "doc/s]" in stderr  # tqdm redraws its line: count, elapsed time, rate
    assert "classify: labelled 6, errors 0, skipped 0" in stderr


def test_a_pipe_gets_only_the_final_counts(tmp_path):
    stderr = _label_with_stderr(tmp_path, False)
    assert stderr.splitlines() == [stderr.strip()] and stderr.startswith("classify: labelled 6, errors 0, skipped 0")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_quiet_silences_a_terminal_too(tmp_path):
    assert _label_with_stderr(tmp_path, True, "--quiet") == ""
