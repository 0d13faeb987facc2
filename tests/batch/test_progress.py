"""The batch progress bar: on a terminal only, and never a thread left behind."""

import io
import json
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
    # tqdm redraws its line: a folder's documents are counted first, so percentage, done/total, elapsed<left, rate
    assert "100%|" in stderr and "| 6/6 [" in stderr and "<00:00" in stderr and "doc/s]" in stderr
    assert "classify: labelled 6, errors 0, skipped 0" in stderr


def test_a_pipe_gets_only_the_final_counts(tmp_path):
    stderr = _label_with_stderr(tmp_path, False)
    assert stderr.splitlines() == [stderr.strip()] and stderr.startswith("classify: labelled 6, errors 0, skipped 0")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_quiet_silences_a_terminal_too(tmp_path):
    assert _label_with_stderr(tmp_path, True, "--quiet") == ""


def _bar_output(tmp_path, capsys, inputs) -> str:
    from classify.batch.labelling import label_files

    label_files([str(i) for i in inputs], str(tmp_path / "o.jsonl"), progress=True)
    return capsys.readouterr().err


def test_the_bar_shows_total_percentage_and_time_left_for_a_folder_and_a_jsonl_file(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:3]]
    for number, text in enumerate(texts):
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    (folder / "bien_ban.pdf").write_bytes(b"%PDF-1.7\n")  # not an article: not in the total
    export = tmp_path / "xuat.jsonl"
    export.write_text("".join(json.dumps({"id": n, "text": t}) + "\n\n" for n, t in enumerate(texts)), encoding="utf-8")
    stderr = _bar_output(tmp_path, capsys, [folder, export])
    assert "100%|" in stderr and "| 6/6 [" in stderr and "<00:00" in stderr


def test_the_bar_counts_when_the_total_is_not_cheap_to_know(tmp_path, capsys):
    import csv

    export = tmp_path / "xuat.csv"
    with open(export, "w", encoding="utf-8", newline="") as handle:  # a CSV cell spans lines: rows are not lines
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([n, p.read_text(encoding="utf-8")] for n, p in enumerate(sorted(SEEDS.glob("*.txt"))[:3]))
    stderr = _bar_output(tmp_path, capsys, [export])
    assert "3doc [" in stderr and "%|" not in stderr


def test_count_documents(tmp_path):
    from classify.batch.sources import count_documents

    folder = tmp_path / "trang"
    (folder / "con").mkdir(parents=True)
    for name in ("a.txt", "b.html", "con/c.htm", "d.pdf", ".DS_Store"):
        (folder / name).write_text("x", encoding="utf-8")
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"text": "a"}\n\n  \n{"text": "b"}\n{"text": "c"}', encoding="utf-8")
    utf16 = tmp_path / "b.jsonl"
    utf16.write_bytes('{"text": "a"}\n'.encode("utf-16"))
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(b"")
    csv_file = tmp_path / "d.csv"
    csv_file.write_text("id,text\n1,a\n", encoding="utf-8")
    single = tmp_path / "e.txt"
    single.write_text("x", encoding="utf-8")
    assert count_documents([str(folder)]) == 3
    assert count_documents([str(folder), str(jsonl), str(single)]) == 7
    for unknown in (utf16, gz, csv_file):
        assert count_documents([str(folder), str(unknown)]) is None
    assert count_documents(["-"]) is None
    assert count_documents([str(jsonl)], encoding="utf-16") is None
