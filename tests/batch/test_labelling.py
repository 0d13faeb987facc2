import codecs
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import PORTAL_PAGE, SEEDS

from classify.batch.labelling import label_files
from classify.batch.output import OutputError


def _corpus_dir(tmp_path, n=40):
    folder = tmp_path / "in"
    folder.mkdir()
    names = sorted(p.name for p in SEEDS.glob("*.txt"))[:n]
    for name in names:
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    return folder


def _bad_inputs(tmp_path):
    """Every kind of bad input, generated here (no checked-in binaries)."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "01_portal.txt").write_text(PORTAL_PAGE, encoding="utf-8")
    (folder / "02_nfd.txt").write_text(__import__("unicodedata").normalize("NFD", PORTAL_PAGE), encoding="utf-8")
    (folder / "03_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + PORTAL_PAGE.encode("utf-16-le"))
    (folder / "04_cp1258.txt").write_bytes("Sở Thông tin".replace("ở", "o").encode("cp1258") + b"\xd2")
    (folder / "05_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "06_empty.txt").write_text("", encoding="utf-8")
    (folder / "07_huge.txt").write_text(PORTAL_PAGE * 400, encoding="utf-8")
    (folder / "08_page.html").write_text(
        "<html><head><script>alert('x')</script><style>.a{}</style></head><body><nav>Trang chủ | Tin tức</nav>"
        f"<h1>Khai trương truyền thanh thông minh</h1>{''.join(f'<p>{line}</p>' for line in PORTAL_PAGE.splitlines())}"
        "</body></html>",
        encoding="utf-8",
    )
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text(
        json.dumps({"id": "r1", "text": PORTAL_PAGE, "batch": 7}, ensure_ascii=False)
        + "\n{not json}\n"
        + json.dumps({"id": "r1", "text": PORTAL_PAGE}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    csv = tmp_path / "rows.csv"
    csv.write_text(
        'id,text\nc1,"Dòng đầu.\nSáng 2/4, UBND huyện khai trương hệ thống truyền thanh mới ở 14 xã."\n',
        encoding="utf-8",
    )
    return [str(folder), str(jsonl), str(csv)]


def _records(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_bad_inputs_each_become_one_clear_record(tmp_path):
    out = tmp_path / "out.jsonl"
    summary = label_files(_bad_inputs(tmp_path), str(out), max_bytes=200_000)
    records = _records(out)
    assert len(records) == 12 and summary.labelled + summary.errors == 12
    by_name = {r["id"].rsplit("/", 1)[-1]: r for r in records}
    assert by_name["01_portal.txt"]["error"] is None and by_name["01_portal.txt"]["event_type"]
    assert {k: v for k, v in by_name["02_nfd.txt"].items() if k not in ("id", "source")} == {
        k: v for k, v in by_name["01_portal.txt"].items() if k not in ("id", "source")
    }
    assert by_name["03_utf16.txt"]["error"] is None
    assert "not valid UTF-8" in by_name["04_cp1258.txt"]["error"]
    assert "PNG" in by_name["05_image.txt"]["error"]
    assert "no article text" in by_name["06_empty.txt"]["error"]
    assert "max-bytes" in by_name["07_huge.txt"]["error"]
    html = by_name["08_page.html"]
    assert html["error"] is None and html["title"] == "Khai trương truyền thanh thông minh"
    assert not any("alert" in s or "Trang chủ" in s for s in html["summary"])
    assert records[8]["id"] == "r1" and records[8]["input"] == {"batch": 7} and records[8]["error"] is None
    assert "records.jsonl:2: malformed JSON" in records[9]["error"]
    assert "duplicate id 'r1'" in records[10]["error"]
    assert summary.duplicates == 1
    assert records[11]["id"] == "c1" and records[11]["error"] is None
    text = out.read_text(encoding="utf-8")
    assert "Mường Tè" in text and "\\u" not in text


def test_stdin_lines_that_are_not_text_are_errors_and_the_rest_is_labelled(tmp_path):
    good = json.dumps({"id": "g1", "text": PORTAL_PAGE}, ensure_ascii=False).encode("utf-8")
    cp1258 = json.dumps({"id": "w1", "text": "Thông tin"}, ensure_ascii=False).encode("cp1258")
    surrogate = b'{"id": "s1", "text": "Tin \\ud800 m\\u1edbi"}'
    stdin = b"\n".join([good, cp1258, surrogate, good.replace(b'"g1"', b'"g2"')]) + b"\n"
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "classify.cli", "label", "-", "-o", str(out), "--quiet"],
        input=stdin,
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    records = _records(out)
    assert [r["id"] for r in records] == ["g1", "<stdin>:2", "<stdin>:3", "g2"]
    assert records[0]["error"] is None and records[3]["error"] is None
    assert records[1]["error"].startswith("<stdin>:2: not valid UTF-8")
    assert records[2]["error"].startswith("<stdin>:3: a \\uD800-\\uDFFF escape")


@pytest.mark.parametrize(
    ("name", "start", "delimiter"),
    [("o.csv", b"\xef\xbb\xbfid,source,", ","), ("o.tsv", b"id\tsource\t", "\t")],  # the BOM Excel needs; none in TSV
)
def test_csv_and_tsv_outputs_agree_with_jsonl(tmp_path, name, start, delimiter):
    folder = _corpus_dir(tmp_path, 12)
    label_files([str(folder)], str(tmp_path / "o.jsonl"))
    label_files([str(folder)], str(tmp_path / name))
    import csv

    assert (tmp_path / name).read_bytes().startswith(start)
    rows = list(csv.DictReader(open(tmp_path / name, encoding="utf-8-sig", newline=""), delimiter=delimiter))
    records = _records(tmp_path / "o.jsonl")
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records):
        assert row["event_type"] == record["event_type"]
        assert json.loads(row["topic_scores"]) == record["topic_scores"]
        assert row["topics"] == "; ".join(record["topics"])
        assert row["summary"].split("\n") == record["summary"]


def test_cli_csv_excel_output_shows_a_formula_like_title_as_text(tmp_path):
    from classify.cli import main

    source = tmp_path / "scraped.jsonl"
    lines = [
        {"id": "p1", "title": '=HYPERLINK("http://x.example","Bấm vào đây")', "text": PORTAL_PAGE},
        {"id": "p2", "title": "Khai trương truyền thanh thông minh", "text": PORTAL_PAGE},
    ]
    source.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["label", str(source), "-o", str(out), "--format", "csv-excel", "--quiet"]) == 0
    import csv

    rows = list(csv.DictReader(open(out, encoding="utf-8-sig", newline="")))
    assert [row["title"] for row in rows] == ["'" + lines[0]["title"], lines[1]["title"]]
    assert rows[0]["event_type"] == rows[1]["event_type"] and rows[0]["error"] == ""


def test_jobs_2_gives_identical_output(tmp_path):
    folder = _corpus_dir(tmp_path, 30)
    label_files([str(folder)], str(tmp_path / "one.jsonl"), jobs=1, chunk_size=4)
    label_files([str(folder)], str(tmp_path / "two.jsonl"), jobs=2, chunk_size=4)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_every_label_files_run_in_a_process_forks_its_workers(tmp_path):
    """A notebook's second run must fork too: no progress bar may leave a thread behind."""
    # In a fresh process: this one may run threads left by other tests' loky workers.
    code = (
        "import sys, threading, classify.batch.parallel as parallel\n"
        "engines = []\n"
        "real = parallel.ordered_map\n"
        "def spy(*args, fork=None, **kwargs):\n"
        "    engines.append(fork)\n"
        "    return real(*args, fork=fork, **kwargs)\n"
        "parallel.ordered_map = spy\n"
        "from classify.batch.labelling import label_files\n"
        "for n, progress in enumerate([True, False, True]):\n"
        "    label_files([sys.argv[1]], f'{sys.argv[2]}{n}.jsonl', jobs=2, chunk_size=4, progress=progress)\n"
        "print(engines, threading.active_count())\n"
    )
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", code, str(_corpus_dir(tmp_path, n=12)), str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[True, True, True] 1"
    assert all(len(_records(f"{out}{n}.jsonl")) == 12 for n in range(3))


def test_existing_output_is_not_overwritten(tmp_path):
    folder = _corpus_dir(tmp_path, 2)
    out = tmp_path / "o.jsonl"
    out.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(OutputError, match="already exists; use --resume .* or --force"):
        label_files([str(folder)], str(out))
    assert out.read_text(encoding="utf-8") == "keep me\n"
    label_files([str(folder)], str(out), force=True)
    assert len(_records(out)) == 2


def test_cli_usage_errors_exit_2_without_creating_output(tmp_path):
    out = tmp_path / "o.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "classify.cli", "label", str(tmp_path / "missing"), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "missing: no such file or folder" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("o.jsonl*"))


def test_strict_turns_document_errors_into_exit_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(PORTAL_PAGE, encoding="utf-8")
    (folder / "b.txt").write_text("   ", encoding="utf-8")
    base = [sys.executable, "-m", "classify.cli", "label", str(folder), "--quiet"]
    assert subprocess.run([*base, "-o", str(tmp_path / "x.jsonl")]).returncode == 0
    assert subprocess.run([*base, "-o", str(tmp_path / "y.jsonl"), "--strict"]).returncode == 1
    assert len(_records(tmp_path / "y.jsonl")) == 2


def test_kill_and_resume_gives_the_clean_output(tmp_path):
    folder = _corpus_dir(tmp_path, 120)
    clean = tmp_path / "clean.jsonl"
    label_files([str(folder)], str(clean), chunk_size=3)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "classify.cli", "label", str(folder), "-o", str(out), "--chunk-size", "3", "--quiet"]
    proc = subprocess.Popen([*cmd, "--checkpoint-every", "0"])
    partial = tmp_path / "out.jsonl.partial"
    checkpoint = tmp_path / "out.jsonl.partial.ckpt"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if checkpoint.exists() and partial.exists() and partial.stat().st_size > 20_000:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed; use more documents"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    with open(partial, "a", encoding="utf-8") as handle:
        handle.write('{"id": "torn')  # whatever the kill left, a torn tail must not survive
    assert subprocess.run([*cmd, "--resume"]).returncode == 0
    assert out.read_bytes() == clean.read_bytes()
    ids = [r["id"] for r in _records(out)]
    assert len(ids) == len(set(ids)) == 120
    assert not partial.exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_tampered_model_stops_the_run_before_any_output(tmp_path, jobs):
    from classify.errors import ModelError
    from classify.model.models_path import resolve_model_path
    from classify.model.persist import manifest_path

    shipped = resolve_model_path(None)
    model = tmp_path / "m.joblib"
    data = bytearray(shipped.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    manifest_path(model).write_bytes(manifest_path(shipped).read_bytes())
    out = tmp_path / "out.jsonl"
    # With jobs > 1 the driver only verifies the file (workers load it); the check must still run first.
    with pytest.raises(ModelError, match="m.joblib: sha256"):
        label_files([str(_corpus_dir(tmp_path, 3))], str(out), model=str(model), jobs=jobs)
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_rendered_chunks_match_the_records(tmp_path, fmt):
    """Workers ship chunks already serialised; they must equal serialising the records in the driver."""
    from classify.batch.labelling import label_documents
    from classify.batch.output import render_chunk
    from classify.batch.sources import iter_documents

    inputs = _bad_inputs(tmp_path)
    records = [r for chunk in label_documents(iter_documents(inputs), chunk_size=3) for r in chunk]
    rendered = list(label_documents(iter_documents(inputs), chunk_size=3, fmt=fmt))
    assert "".join(c.text for c in rendered) == render_chunk(records, fmt).text
    assert sum(c.count for c in rendered) == len(records)
    assert sum(c.errors for c in rendered) == sum(1 for r in records if r["error"]) > 0
    assert rendered[-1].last_id == str(records[-1]["id"])
    assert render_chunk([], fmt).count == 0


def test_a_model_retrained_at_the_same_path_is_not_served_from_the_cache(tmp_path, default_model, small_model):
    from classify.model.persist import save_model

    inputs = [str(_corpus_dir(tmp_path, 6))]
    reference = tmp_path / "small.joblib"
    save_model(small_model, reference)
    label_files(inputs, str(tmp_path / "reference.jsonl"), model=str(reference))

    in_place = tmp_path / "m.joblib"
    save_model(default_model, in_place)
    label_files(inputs, str(tmp_path / "before.jsonl"), model=str(in_place))
    save_model(small_model, in_place)  # a notebook retrains and saves over the same file
    label_files(inputs, str(tmp_path / "after.jsonl"), model=str(in_place))

    after = (tmp_path / "after.jsonl").read_bytes()
    assert after == (tmp_path / "reference.jsonl").read_bytes()
    assert after != (tmp_path / "before.jsonl").read_bytes()


def test_label_files_refuses_zero_jobs_before_creating_output(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Tin tức"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="jobs must be a whole number of at least 1, got 0"):
        label_files([str(source)], str(tmp_path / "o.jsonl"), jobs=0)
    assert not list(tmp_path.glob("o.jsonl*"))


def test_files_in_folders_that_are_not_articles_are_named_in_the_last_line(tmp_path):
    folder = _corpus_dir(tmp_path, 2)
    (folder / "bao_cao.pdf").write_bytes(b"%PDF-1.4 ...")
    (folder / "sub").mkdir()
    (folder / "sub" / "ke_hoach.docx").write_bytes(b"PK\x03\x04")
    (folder / "sub" / "bien_ban.pdf").write_bytes(b"%PDF-1.7 ...")
    summary = label_files([str(folder)], str(tmp_path / "o.jsonl"))
    assert summary.labelled == 2 and summary.errors == 0
    assert summary.line().endswith("; not read: 3 files in folders that are not .txt/.html/.htm (.docx 1, .pdf 2)")
    clean = tmp_path / "clean"
    clean.mkdir()
    assert "not read" not in label_files([str(_corpus_dir(clean, 1))], str(tmp_path / "p.jsonl")).line()


def test_on_chunk_reports_the_running_counts_after_every_chunk_and_on_resume(tmp_path):
    inputs = _bad_inputs(tmp_path)
    out = tmp_path / "out.jsonl"
    seen = []
    summary = label_files(
        inputs, str(out), chunk_size=3, on_chunk=lambda s: seen.append((s.skipped, s.labelled, s.errors))
    )
    records = _records(out)
    assert len(seen) == -(-len(records) // 3)  # one call per chunk of 3
    assert [labelled + errors for _, labelled, errors in seen] == [
        min(3 * k, len(records)) for k in range(1, len(seen) + 1)
    ]
    assert seen[-1] == (0, summary.labelled, summary.errors) and summary.errors == sum(1 for r in records if r["error"])
    # A resumed run reports what it skipped with its first chunk.
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text("".join(lines[:6]), encoding="utf-8")
    (tmp_path / "out.jsonl.partial.ckpt").write_text(
        json.dumps(
            {"records": 6, "bytes": len("".join(lines[:6]).encode()), "last_id": records[5]["id"], "format": "jsonl"}
        )
    )
    out.unlink()
    resumed = []
    label_files(
        inputs,
        str(out),
        chunk_size=3,
        resume=True,
        on_chunk=lambda s: resumed.append(s.skipped + s.labelled + s.errors),
    )
    assert resumed[0] == 9 and resumed[-1] == len(records)
    assert _records(out) == records
