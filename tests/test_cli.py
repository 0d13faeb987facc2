import json
import subprocess
import sys

import joblib
import pytest
from conftest import PORTAL_PAGE, SEEDS, default_sigint

from classify.cli import main
from classify.features.vectorizer import DEFAULT_MAX_FEATURES


def test_predict_prints_one_utf8_json_object_per_file(tmp_path, capsys):
    good = tmp_path / "bai.txt"
    good.write_text(PORTAL_PAGE, encoding="utf-8")
    png = tmp_path / "anh.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    status = main(["predict", str(good), str(png)])
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert status == 1 and len(lines) == 2
    first, second = map(json.loads, lines)
    assert first["error"] is None and first["event_type"] and "Mường Tè" in lines[0]  # no \\u escapes
    assert "anh.png" in second["error"] and "PNG" in second["error"]
    assert "anh.png" in out.err


def test_predict_and_label_write_the_same_record(tmp_path, capsys):
    folder = tmp_path / "trang"
    folder.mkdir()
    (folder / "bai.txt").write_text(PORTAL_PAGE, encoding="utf-8")
    (folder / "trang.html").write_text(
        "<html><head><title>Cổng TTĐT</title></head><body><h1>Lai Châu khai trương truyền thanh thông minh</h1>"
        + "".join(f"<p>{line}</p>" for line in PORTAL_PAGE.splitlines() if line.strip())
        + "</body></html>",
        encoding="utf-8",
    )
    (folder / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    files = sorted(str(p) for p in folder.iterdir())
    main(["predict", *files])
    predicted = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["label", *files, "-o", str(tmp_path / "nhan.jsonl"), "--quiet"]) == 0
    labelled = [json.loads(line) for line in (tmp_path / "nhan.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [list(r) for r in predicted] == [list(r) for r in labelled]  # same keys, same order
    assert predicted == labelled and labelled[0]["error"] and not labelled[1]["error"]
    assert predicted[1]["id"] == predicted[1]["source"] == files[1] and "file" not in predicted[1]


def test_summarize_command(tmp_path, capsys):
    path = tmp_path / "bai.txt"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    assert main(["summarize", str(path), "--sentences", "1"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["summary"]) == 1 and record["summary"][0] in PORTAL_PAGE


def test_train_command_writes_model_and_manifest(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    labels = (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()[::9][:40]
    for line in labels:
        name = json.loads(line)["file"]
        (corpus / name).write_bytes((SEEDS / name).read_bytes())
    (corpus / "labels.jsonl").write_text("\n".join(labels), encoding="utf-8")
    out = tmp_path / "m.joblib"
    assert main(["train", "--data", str(corpus), "--out", str(out), "--folds", "2"]) == 0
    printed = capsys.readouterr().out
    assert "event_type" in printed and "macro avg" in printed
    manifest = json.loads((tmp_path / "m.manifest.json").read_text(encoding="utf-8"))
    assert manifest["corpus"]["documents"] == 40 and manifest["cv_metrics"]["event_type"]["n"] == 40
    assert main(["predict", "--model", str(out), str(corpus / json.loads(labels[0])["file"])]) == 0
    assert manifest["params"]["max_features"] == DEFAULT_MAX_FEATURES and manifest["params"]["min_df"] == 1
    assert manifest["topic_evidence"] is True and set(manifest["thresholds"]["topics"]) <= set(
        manifest["labels"]["topics"]
    )

    capped = tmp_path / "capped.joblib"
    assert (
        main(
            ["train", "--data", str(corpus), "--out", str(capped), "--folds", "0", "--min-df", "2"]
            + ["--max-features", "300", "--no-evidence", "--no-opening-copies"]
        )
        == 0
    )
    vectorizer = joblib.load(capped).classifier.vectorizer_
    assert vectorizer.min_df == 2 and len(vectorizer.body_vectorizer_.vocabulary_) == 300
    assert len(vectorizer.lead_vectorizer_.vocabulary_) == 300  # the cap holds for the lead block too
    no_cap = ["--max-features", "0", "--no-evidence", "--no-opening-copies"]
    earlier = capped.read_bytes()
    assert main(["train", "--data", str(corpus), "--out", str(capped), "--folds", "0", *no_cap]) == 2
    assert "a model is already there" in capsys.readouterr().err and capped.read_bytes() == earlier
    assert main(["train", "--data", str(corpus), "--out", str(capped), "--folds", "0", "--force", *no_cap]) == 0
    assert joblib.load(capped).classifier.vectorizer_.max_features is None  # 0: no cap, the earlier model replaced
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert f"(default: {DEFAULT_MAX_FEATURES:,})" in " ".join(capsys.readouterr().out.split())


def test_usage_errors_exit_non_zero(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "classify.cli",
            "predict",
            "--model",
            str(tmp_path / "x.joblib"),
            str(SEEDS / "000_bb1379ce06b94f8d.txt"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "x.joblib: model file not found" in result.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["label", "in.jsonl", "-o", "o.jsonl", "--jobs", "0"], "argument --jobs: must be at least 1, got 0"),
        (["label", "in.jsonl", "-o", "o.jsonl", "--jobs", "two"], "argument --jobs: 'two' is not an integer"),
        (["label", "in.jsonl", "-o", "o.jsonl", "--max-bytes", "-5"], "argument --max-bytes: must be at least 1"),
        (["label", "in.jsonl", "-o", "o.jsonl", "--sentences", "0"], "argument --sentences: must be at least 1"),
        (["label", "in.jsonl", "-o", "o.jsonl", "--checkpoint-every", "-1"], "--checkpoint-every: must be at least 0"),
        (["train", "--folds", "1"], "argument --folds: use 0 (no cross-validation) or at least 2 folds"),
        (["train", "--C", "0"], "argument --C: must be greater than 0"),
        (["explain", "a.txt", "--top", "0"], "argument --top: must be at least 1"),
    ],
)
def test_out_of_range_options_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_predict_summarize_and_explain_read_an_html_page_as_label_does(tmp_path, capsys):
    page = tmp_path / "trang.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in PORTAL_PAGE.splitlines() if line.strip())
    page.write_text(
        "<html><head><title>Cổng TTĐT huyện</title><style>p{}</style></head><body><nav>Trang chủ | Liên hệ</nav>"
        f"<h1>Khai trương hệ thống truyền thanh thông minh</h1>{paragraphs}</body></html>",
        encoding="utf-8",
    )
    for command in ("predict", "summarize", "explain"):
        assert main([command, str(page)]) == 0
        record = json.loads(capsys.readouterr().out)
        assert record["title"] == "Khai trương hệ thống truyền thanh thông minh", command
        summary = record["summary"] if command != "explain" else [s["text"] for s in record["summary"] if s["selected"]]
        assert summary and not any("<" in sentence or "Trang chủ" in sentence for sentence in summary), command


def test_a_bad_out_fails_before_any_training_or_evaluation(tmp_path, monkeypatch, capsys):
    import classify.evaluate.report
    import classify.training

    def never(*args, **kwargs):
        raise AssertionError("the --out check must come first")

    monkeypatch.setattr(classify.training, "cross_validate", never)
    monkeypatch.setattr(classify.training, "train", never)
    monkeypatch.setattr(classify.evaluate.report, "evaluate_model", never)
    (tmp_path / "report").write_text("x", encoding="utf-8")
    assert main(["train", "--data", str(SEEDS), "--out", str(tmp_path)]) == 2
    assert main(["evaluate", "--data", str(SEEDS), "--out", str(tmp_path / "report" / "sub")]) == 2
    assert not (tmp_path / "report" / "sub").exists()
    assert capsys.readouterr().err.count("classify: ") == 2


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_label_is_one_line_and_the_run_resumes(tmp_path, jobs):
    import os
    import signal
    import time

    from classify.batch.labelling import label_files

    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:120]:
        (folder / path.name).write_bytes(path.read_bytes())
    clean = tmp_path / "clean.jsonl"
    label_files([str(folder)], str(clean), chunk_size=3)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    cmd = [sys.executable, "-m", "classify.cli", "label", str(folder), "-o", str(out), "--chunk-size", "3"]
    cmd += ["--jobs", jobs]
    proc = subprocess.Popen(
        [*cmd, "--checkpoint-every", "0"], stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (tmp_path / "out.jsonl.partial.ckpt").exists() and partial.stat().st_size > 20_000:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be interrupted; use more documents"
    os.kill(proc.pid, signal.SIGINT)
    stderr = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130
    assert stderr.splitlines() == [
        f"classify: interrupted; the records checkpointed so far are kept in {partial}: run the same command with --resume"
    ]
    assert not out.exists()
    assert subprocess.run([*cmd, "--resume", "--quiet"]).returncode == 0
    assert out.read_bytes() == clean.read_bytes()
    assert not partial.exists()


def test_ctrl_c_during_train_is_one_line_and_writes_no_model(tmp_path):
    import os
    import signal

    model = tmp_path / "m.joblib"
    cmd = [sys.executable, "-m", "classify.cli", "train", "--data", str(SEEDS), "--out", str(model), "--folds", "5"]
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, preexec_fn=default_sigint
    )
    seen = []
    for line in proc.stderr:  # interrupt in the middle of cross-validation
        seen.append(line)
        if "fold 2/5" in line:
            os.kill(proc.pid, signal.SIGINT)
            break
    seen.extend(proc.stderr)
    proc.wait(timeout=60)
    assert proc.returncode == 130
    assert seen[-1] == "classify: interrupted\n" and not any("Traceback" in line for line in seen)
    assert not list(tmp_path.iterdir())


def test_explain_prints_readable_text_on_a_terminal_and_json_when_piped(tmp_path, capsys, monkeypatch):
    article = tmp_path / "bai.txt"
    article.write_text(PORTAL_PAGE, encoding="utf-8")

    assert main(["explain", str(article), "--top", "3", "--sentences", "2"]) == 0  # captured: not a terminal
    record = json.loads(capsys.readouterr().out)

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["explain", str(article), "--top", "3", "--sentences", "2"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{article}\ntitle: {record['title']}")
    for field, decided in record["labels"].items():
        shown = decided if isinstance(decided, str) else ", ".join(decided)
        assert f"\n{field}: {shown}\n" in text
        for label, ngrams in record["evidence"][field].items():
            block = text.split(f"  n-grams behind {label} (signed contribution to its score):\n")[1]
            assert block.splitlines()[:3] == [f"    {weight:+.4f}  {ngram}" for ngram, weight in ngrams]
    candidates = text.split("sentence position):\n")[1].splitlines()
    assert len(candidates) == len(record["summary"]) and sum(line.startswith("  *") for line in candidates) == 2

    assert main(["explain", "--format", "json", str(article)]) == 0  # a terminal, but JSON asked for
    assert json.loads(capsys.readouterr().out)["labels"] == record["labels"]


def _cms_export(path, docs, **extra_fields):
    with open(path, "w", encoding="utf-8") as handle:
        for i, doc in enumerate(docs):
            fields = {name: value(i) for name, value in extra_fields.items()}
            handle.write(
                json.dumps({"id": doc.id, "text": doc.text, **doc.labels, **fields}, ensure_ascii=False) + "\n"
            )
    return path


def test_train_on_cms_exports_takes_the_taxonomy_fields_and_combines_every_data(tmp_path, seed_corpus):
    docs = seed_corpus.documents[::25]
    first = _cms_export(
        tmp_path / "a.jsonl",
        docs[:10],
        url=lambda i: f"https://stttt.gov.vn/tin/{i}",
        author=lambda i: ["An", "Bình"][i % 2],
        published=lambda i: f"2024-03-{i + 1:02d}",
    )
    second = _cms_export(tmp_path / "b.jsonl", docs[10:], url=lambda i: f"https://stttt.gov.vn/b/{i}")
    model = tmp_path / "m.joblib"
    cmd = ["train", "--data", str(first), "--data", str(second), "--folds", "0", "--out", str(model)]
    result = subprocess.run([sys.executable, "-m", "classify.cli", *cmd], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "not label fields: url, author, published (name them with --label-fields to train them)" in result.stderr
    manifest = json.loads((tmp_path / "m.manifest.json").read_text(encoding="utf-8"))
    assert manifest["label_fields"] == {"event_type": "single", "topics": "multi"}
    assert manifest["corpus"]["documents"] == len(docs) and manifest["corpus"]["source"] == f"{first} + {second}"

    def refused(*extra):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "classify.cli",
                "train",
                "--folds",
                "0",
                "--out",
                str(tmp_path / "x.joblib"),
                *extra,
            ],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 2 and len(run.stderr.splitlines()) == 1 and not (tmp_path / "x.joblib").exists()
        return run.stderr

    assert f"field 'url' has {len(docs)} different values in {len(docs)} documents" in refused(
        "--data", str(first), "--data", str(second), "--label-fields", "event_type,url"
    )
    assert f"duplicate id '{docs[0].id}' (first at {first}:1)" in refused("--data", str(first), "--data", str(first))
    only_category = tmp_path / "c.jsonl"
    only_category.write_text(json.dumps({"text": PORTAL_PAGE, "category": "cntt"}) + "\n", encoding="utf-8")
    assert "name them with --label-fields" in refused("--data", str(only_category))


def test_evaluate_scores_the_rest_when_a_label_is_unknown_to_the_model(tmp_path, seed_corpus):
    docs = seed_corpus.documents[::40]
    rows = [{"id": d.id, "text": d.text, **d.labels} for d in docs]
    rows[0]["event_type"] = "press_conference"  # a kind of event the shipped model never learned
    rows[1]["topics"] = [*rows[1]["topics"], "tourism"]
    data = tmp_path / "gold.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "classify.cli", "evaluate", "--data", str(data), "--out", str(report)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("classify: warning: ")]
    assert warnings == [
        f"classify: warning: {data}: label 'press_conference' of field 'event_type' (1 document) is unknown to the "
        "model; those documents are not scored on 'event_type'",
        f"classify: warning: {data}: label 'tourism' of field 'topics' (1 document) is unknown to the model; "
        "it is left out of their 'topics' and the rest is scored",
    ]
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["metrics"]["event_type"]["n"] == len(rows) - 1 and metrics["metrics"]["topics"]["n"] == len(rows)
    assert metrics["unknown_labels"] == {"event_type": {"press_conference": 1}, "topics": {"tourism": 1}}
    assert "tourism" not in metrics["metrics"]["topics"]["per_label"]
    assert "'press_conference' of field 'event_type'" in (report / "report.md").read_text(encoding="utf-8")
