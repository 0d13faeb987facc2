"""classify label never destroys an input, leaves no debris and writes records of one shape (issue #25).

Every test runs the command line in a subprocess, as a user would.
"""

import json
import os
import subprocess

import pytest
from conftest import PORTAL_PAGE, SEEDS, classify_cli

EMPTY_TEXT = "   "


def _run(*args, cwd=None):
    return subprocess.run(classify_cli("label", *args), capture_output=True, text=True, cwd=cwd)


def _one_line(result):
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("classify: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _export(tmp_path, name="docs.jsonl"):
    """A CMS export whose records carry gold labels and a source of their own, and one empty text."""
    rows = [
        {"id": "b1", "text": PORTAL_PAGE, "event_type": "other", "topics": ["broadcasting"], "source": "cms-01"},
        {"id": "b2", "text": (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8"), "author": "Minh An"},
        {"id": "b3", "text": EMPTY_TEXT, "event_type": "annual_review", "source": "cms-02"},
    ]
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, rows


@pytest.mark.parametrize("how", ["same name", "symlink", "hard link"])
def test_an_output_that_is_an_input_is_refused_even_with_force(tmp_path, how):
    docs, _ = _export(tmp_path)
    before = docs.read_bytes()
    output = {"same name": docs, "symlink": tmp_path / "link.jsonl", "hard link": tmp_path / "hard.jsonl"}[how]
    if how == "symlink":
        output.symlink_to(docs)
    elif how == "hard link":
        os.link(docs, output)
    listing = _files(tmp_path)
    result = _run(str(docs), "-o", str(output), "--force")
    assert result.returncode == 2
    assert f"{output}: is the input {docs}" in _one_line(result)
    assert docs.read_bytes() == before and _files(tmp_path) == listing


def test_an_output_in_an_input_folder_may_not_be_read_back_or_replace_the_corpus_labels(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    labels = corpus / "labels.jsonl"
    labels.write_text('{"file": "a.txt", "event_type": "other"}\n', encoding="utf-8")
    listing = _files(tmp_path)

    result = _run(str(corpus), "-o", str(labels), "--force")
    assert result.returncode == 2 and "would replace the corpus labels file" in _one_line(result)
    result = _run(str(corpus), "-o", str(corpus / "sub" / "nhan.txt"))
    assert result.returncode == 2 and "would be read as an article on the next run" in _one_line(result)
    assert _files(tmp_path) == listing and labels.read_text(encoding="utf-8").startswith('{"file": "a.txt"')

    # An output that is not an article may live there; neither it nor the run's own lock file is an input.
    inside = corpus / "nhan.jsonl"
    first = _run(str(corpus), "-o", str(inside))
    assert first.returncode == 0, first.stderr
    assert first.stderr.rstrip().endswith("not read: 1 file in folders that are not .txt/.html/.htm (.jsonl 1)")
    second = _run(str(corpus), "-o", str(tmp_path / "again.jsonl"))
    assert second.returncode == 0, second.stderr
    ids = [json.loads(line)["id"] for line in (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == [str(corpus / p.name) for p in sorted(SEEDS.glob("*.txt"))[:3]]


@pytest.mark.parametrize("problem", ["missing", "tampered", "no manifest"])
def test_a_bad_model_stops_the_run_before_anything_is_created(tmp_path, problem):
    from classify.model.models_path import resolve_model_path
    from classify.model.persist import manifest_path

    docs, _ = _export(tmp_path)
    model = tmp_path / "m.joblib"
    if problem != "missing":
        shipped = resolve_model_path(None)
        data = bytearray(shipped.read_bytes())
        if problem == "tampered":
            data[len(data) // 2] ^= 0xFF
            manifest_path(model).write_bytes(manifest_path(shipped).read_bytes())
        model.write_bytes(bytes(data))
    listing = _files(tmp_path)
    out = tmp_path / "ket_qua" / "nhan.jsonl"  # a folder the run would create
    result = _run(str(docs), "-o", str(out), "--model", str(model))
    assert result.returncode == 2
    assert {"missing": "model file not found", "tampered": "sha256", "no manifest": "manifest missing"}[
        problem
    ] in _one_line(result)
    assert _files(tmp_path) == listing  # no OUT.partial, no lock, no folder
    assert _run(str(docs), "-o", str(out), "--quiet").returncode == 0  # nothing blocks the next run


@pytest.mark.parametrize("name", ["nhan.json", "nhan.xlsx.gz", "nhan.txt", "nhan"])
def test_an_output_name_that_does_not_say_what_it_holds_is_refused(tmp_path, name):
    docs, _ = _export(tmp_path)
    listing = _files(tmp_path)
    result = _run(str(docs), "-o", str(tmp_path / name))
    assert result.returncode == 2
    assert "unknown kind of output" in _one_line(result)
    assert result.stderr.rstrip().endswith("name it .jsonl, .jsonl.gz, .csv, .csv.gz, .tsv, .tsv.gz, .xlsx")
    assert _files(tmp_path) == listing


def test_every_record_has_every_key_and_the_inputs_own_fields_survive(tmp_path):
    docs, rows = _export(tmp_path)
    out = tmp_path / "nhan.jsonl"
    assert _run(str(docs), "-o", str(out), "--quiet").returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    keys = list(records[0])
    assert keys[:2] == ["id", "source"] and keys[-2:] == ["input", "error"]
    assert {"event_type", "event_confidence", "event_scores", "topics", "topic_scores", "summary"} <= set(keys)
    assert all(list(r) == keys for r in records)  # the error record too
    labelled, plain, failed = records
    assert failed["error"] and all(failed[k] is None for k in keys if k not in ("id", "source", "input", "error"))
    # The gold labels and the export's own "source" are kept beside the predictions, not overwritten by them.
    assert labelled["input"] == {"event_type": "other", "topics": ["broadcasting"], "source": "cms-01"}
    assert labelled["source"] == f"{docs}:1" and labelled["event_type"] in labelled["event_scores"]
    assert plain["input"] == {"author": "Minh An"} and failed["input"]["event_type"] == rows[2]["event_type"]

    csv_out = tmp_path / "nhan.csv"
    assert _run(str(docs), "-o", str(csv_out), "--quiet").returncode == 0
    import csv

    table = list(csv.DictReader(open(csv_out, encoding="utf-8-sig", newline="")))
    assert [json.loads(row["input"]) for row in table] == [r["input"] for r in records]
