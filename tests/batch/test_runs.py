"""Runs on one output: the lock, --resume that never mixes models or options, --update (issue #25).

Real processes, started as a user would start them.
"""

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, classify_cli

DOCUMENTS = 90


def _folder(tmp_path, n):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:n]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def _ids(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def _export(n=DOCUMENTS) -> list[bytes]:
    lines = []
    for seed in sorted(SEEDS.glob("*.txt"))[:n]:
        record = {"id": seed.stem, "text": seed.read_text(encoding="utf-8")}
        lines.append(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return lines


def _start_waiting_run(out, lines):
    """A run reading JSONL on stdin, fed 8 records and left waiting for the rest (no timing involved)."""
    command = classify_cli("label", "-", "-o", str(out), "--chunk-size", "2", "--quiet")
    proc = subprocess.Popen([*command, "--checkpoint-every", "0"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b"".join(lines[:8]))
    proc.stdin.flush()
    checkpoint = out.with_name(out.name + ".partial.ckpt")
    while proc.poll() is None:
        if checkpoint.exists() and json.loads(checkpoint.read_text() or "{}").get("records", 0) >= 6:
            break
        time.sleep(0.01)
    assert proc.poll() is None, proc.stderr.read()
    return command, proc


def test_a_second_run_on_the_same_output_exits_at_once_naming_the_first(tmp_path):
    lines = _export()
    out = tmp_path / "mix.jsonl"
    command, first = _start_waiting_run(out, lines)
    second = subprocess.run([*command, "--force"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert second.returncode == 2
    (line,) = second.stderr.splitlines()
    assert line.startswith(
        f"classify: {out}: another classify label run is writing it (process {first.pid} on {socket.gethostname()}, "
        "started "
    )
    assert line.endswith("); wait for it to finish or stop it, then run again")
    first.stdin.write(b"".join(lines[8:]))
    first.stdin.close()
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert _ids(out) == [json.loads(line)["id"] for line in lines]  # the first run's records, all, once, in order
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mix.jsonl",
        "mix.jsonl.run.json",
    ]  # no partial, checkpoint or lock


def test_a_killed_runs_lock_is_not_stale_and_resume_refuses_other_settings(tmp_path):
    lines = _export()
    out = tmp_path / "mix.jsonl"
    command, first = _start_waiting_run(out, lines)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    lock = tmp_path / "mix.jsonl.lock"
    assert json.loads(lock.read_text())["pid"] == first.pid  # left behind by the kill, yet holding no one back
    partial = tmp_path / "mix.jsonl.partial"
    kept = partial.read_bytes()
    everything = b"".join(lines)

    other = subprocess.run([*command, "--resume", "--sentences", "1"], capture_output=True, text=True, input="")
    assert other.returncode == 2
    assert other.stderr.splitlines() == [
        f"classify: {partial}: was written with other settings: --sentences (3 then, 1 now); "
        "run the same command as before, or use --force to start over"
    ]
    model = str(FIXTURES / "model-0.1.0.joblib")
    other = subprocess.run([*command, "--resume", "--model", model, "--max-bytes", "50000"], capture_output=True)
    assert other.returncode == 2 and b"classify-default-v1.joblib, sha256 " in other.stderr
    assert b"; --max-bytes (10000000 then, 50000 now); " in other.stderr
    assert partial.read_bytes() == kept  # refusals change nothing

    # What a kill in the middle of writing a checkpoint leaves (atomic_write's temporary file).
    (tmp_path / ".mix.jsonl.partial.ckpt.0123456789ab.tmp").write_text('{"records": 8', encoding="utf-8")
    (tmp_path / ".mix.jsonl.notes.tmp").write_text("not ours", encoding="utf-8")
    resumed = subprocess.run([*command, "--resume"], capture_output=True, input=everything)
    assert resumed.returncode == 0, resumed.stderr
    assert _ids(out) == [json.loads(line)["id"] for line in lines]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".mix.jsonl.notes.tmp", "mix.jsonl", "mix.jsonl.run.json"]


def test_resume_of_a_complete_output_says_when_it_does_not_match_the_inputs(tmp_path):
    folder = _folder(tmp_path, 4)
    out = tmp_path / "nhan.jsonl"
    command = classify_cli("label", str(folder), "-o", str(out))
    assert subprocess.run(command, capture_output=True).returncode == 0
    same = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert same.returncode == 0 and same.stderr == f"classify: {out} is already complete; nothing to resume\n"

    (folder / "moi.txt").write_text((SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8"), encoding="utf-8")
    grown = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert grown.returncode == 2
    assert grown.stderr == (
        f"classify: {out}: is complete but does not match the inputs: 1 document(s) of the inputs are not in it "
        f"(first: '{folder / 'moi.txt'}'); use --update to label the new documents, or --force to start over\n"
    )


@pytest.mark.parametrize("suffix", ["jsonl", "csv.gz"])
def test_update_labels_only_the_new_documents_and_appends_them(tmp_path, suffix):
    seeds = sorted(SEEDS.glob("*.txt"))
    rows = [{"id": f"s{i}", "text": p.read_text(encoding="utf-8")} for i, p in enumerate(seeds[:4])]
    rows.append({"id": "s1", "text": rows[0]["text"]})  # a duplicate id, reported on every run
    source = tmp_path / "export.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / f"nhan.{suffix}"
    command = classify_cli("label", str(source), "-o", str(out))
    assert subprocess.run(command, capture_output=True).returncode == 0
    before = out.read_bytes()

    nothing_new = subprocess.run([*command, "--update"], capture_output=True, text=True)
    assert nothing_new.returncode == 0 and "labelled 0 new" in nothing_new.stderr
    assert out.read_bytes() == before

    # New articles anywhere in the export, not only at its end.
    new = [{"id": f"s{i}", "text": seed.read_text(encoding="utf-8")} for i, seed in enumerate(seeds[4:6], start=4)]
    rows = [new[0], *rows, new[1]]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    update = subprocess.run([*command, "--update"], capture_output=True, text=True)
    assert update.returncode == 0, update.stderr
    assert "duplicate id 's1'" in update.stderr
    assert update.stderr.splitlines()[-1].startswith(
        "classify: labelled 2 new, errors 0, skipped 5 (already in the output), duplicate ids 1;"
    )
    assert out.read_bytes().startswith(before)  # the finished records untouched, the new ones after them
    from classify.batch.previous import output_ids

    assert output_ids(out, "csv" if suffix.startswith("csv") else "jsonl") == ["s0", "s1", "s2", "s3", "s1", "s4", "s5"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonl", out.name, f"{out.name}.run.json"]


def test_update_refuses_to_add_another_models_records_to_a_finished_output(tmp_path):
    folder = _folder(tmp_path, 3)
    out = tmp_path / "nhan.jsonl"
    command = classify_cli("label", str(folder), "-o", str(out))
    assert subprocess.run(command, capture_output=True).returncode == 0
    record = tmp_path / "nhan.jsonl.run.json"
    written = json.loads(record.read_text(encoding="utf-8"))
    assert written["records"] == 3 and len(written["run"]["model_sha256"]) == 64
    (folder / "moi.txt").write_text((SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8"), encoding="utf-8")
    before = out.read_bytes()

    model = str(FIXTURES / "model-0.1.0.joblib")
    other = subprocess.run([*command, "--update", "--model", model, "--sentences", "2"], capture_output=True, text=True)
    assert other.returncode == 2
    (line,) = other.stderr.splitlines()
    shipped = Path(written["run"]["model"])
    assert shipped.name == "classify-default-v1.joblib"  # named, so the user can give it as --model
    assert line.startswith(f"classify: {out}: was written with other settings: the model ({shipped}, sha256 ")
    assert line.endswith(
        "; --sentences (3 then, 2 now); add to it with the model and options it was written with, "
        "or write another output, or use --force to start over"
    )
    assert out.read_bytes() == before and json.loads(record.read_text(encoding="utf-8")) == written

    same = subprocess.run([*command, "--update"], capture_output=True, text=True)
    assert same.returncode == 0, same.stderr
    assert len(_ids(out)) == 4 and json.loads(record.read_text(encoding="utf-8"))["records"] == 4

    # An output written before runs recorded themselves, or whose record is damaged: added to, with a note.
    record.write_text('{"run": {"model_sha', encoding="utf-8")
    (folder / "moi2.txt").write_text((SEEDS / "001_386e69e4c1171e84.txt").read_text(encoding="utf-8"), encoding="utf-8")
    old = subprocess.run([*command, "--update"], capture_output=True, text=True)
    assert old.returncode == 0, old.stderr
    assert (
        f"classify: {out}: no readable nhan.jsonl.run.json says which model wrote it; the new records are this model's"
        in (old.stderr.splitlines())
    )
    assert len(_ids(out)) == 5 and record.exists()
