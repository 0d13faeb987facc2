import json

import pytest
from conftest import PORTAL_PAGE, SEEDS

from classify.corpus.reader import load_corpus
from classify.errors import CorpusError
from classify.evaluate.report import evaluate_model, expected_calibration_error, write_report


def _jsonl(tmp_path, records):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


def test_expected_calibration_error_by_hand():
    import numpy as np

    ece, bins = expected_calibration_error(np.array([0.95, 0.95, 0.55, 0.55]), np.array([1.0, 1.0, 1.0, 0.0]), bins=10)
    # bin (0.9,1]: conf .95 acc 1 -> .05 ; bin (0.5,0.6]: conf .55 acc .5 -> .05 ; weights 1/2 each
    assert ece == pytest.approx(0.05)
    assert sum(b[2] for b in bins) == 4


def test_evaluate_writes_metrics_report_and_valid_pngs(tmp_path, small_model, seed_corpus):
    docs = seed_corpus.documents[1:40:3]
    path = _jsonl(tmp_path, [{"id": d.id, "text": d.text, **d.labels} for d in docs])
    result = evaluate_model(small_model, load_corpus(path))
    assert result["n"] == len(docs)
    assert set(result["metrics"]) == {"event_type", "topics"}
    out = tmp_path / "report"
    written = write_report(result, out)
    names = {p.name for p in written}
    assert {
        "metrics.json",
        "report.md",
        "confusion_event_type.png",
        "reliability_event_type.png",
        "per_label_topics.png",
        "misclassified.jsonl",
    } <= names
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000

    def refuse(constant):  # NaN or Infinity: not JSON (RFC 8259); browsers and most tools reject the file
        raise ValueError(constant)

    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"), parse_constant=refuse)
    assert any(count == 0 for _, _, count in metrics["calibration"]["event_type"]["bins"])  # empty bins included
    assert metrics["metrics"]["event_type"]["n"] == len(docs)
    assert "ECE" in (out / "report.md").read_text(encoding="utf-8") or "calibration" in (out / "report.md").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("blocked", ["metrics.json", "misclassified.jsonl", "report.md", "per_label_topics.png"])
def test_a_report_file_that_cannot_be_written_is_one_error_naming_it(tmp_path, small_model, seed_corpus, blocked):
    from classify.errors import OutputError

    docs = seed_corpus.documents[1:40:3]
    path = _jsonl(tmp_path, [{"id": d.id, "text": d.text, **d.labels} for d in docs])
    result = evaluate_model(small_model, load_corpus(path))
    out = tmp_path / "report"
    write_report(result, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / blocked).unlink()
    (out / blocked).mkdir()  # a folder where the file should go: the rename into place fails
    with pytest.raises(OutputError, match=f"{blocked}: cannot write"):
        write_report(result, out)
    # No temporary file left, and every other file whole (the same result renders the same bytes).
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    assert all((out / name).read_bytes() == content for name, content in before.items() if name != blocked)


def test_a_missing_field_is_a_clear_error(tmp_path, small_model):
    path = _jsonl(tmp_path, [{"text": PORTAL_PAGE, "event_type": "other"}])
    with pytest.raises(CorpusError, match="no label field 'topics'"):
        evaluate_model(small_model, load_corpus(path))


def test_every_wrong_label_of_a_misclassified_document_comes_with_ngrams_from_its_text(tmp_path, small_model):
    from classify.text import normalize, syllable_tokenize

    predicted = small_model.predict(PORTAL_PAGE).labels
    wrong_event = next(c for c in small_model.classifier.classes_by_field["event_type"] if c != predicted["event_type"])
    missed_topic = next(t for t in small_model.classifier.classes_by_field["topics"] if t not in predicted["topics"])
    gold = {"event_type": wrong_event, "topics": [missed_topic]}  # every predicted topic is now extra
    result = evaluate_model(small_model, load_corpus(_jsonl(tmp_path, [{"id": "p1", "text": PORTAL_PAGE, **gold}])))

    (record,) = result["misclassified"]
    evidence = record["evidence"]
    assert set(evidence["event_type"]) == {predicted["event_type"], wrong_event}  # what won, and the truth
    assert set(evidence["topics"]) == {missed_topic, *predicted["topics"]}  # each extra and each missed topic
    tokens = " ".join(syllable_tokenize(normalize(PORTAL_PAGE)))
    for by_label in evidence.values():
        for ngrams in by_label.values():
            assert ngrams and all(ngram.removeprefix("lead:") in tokens for ngram, _ in ngrams)
    explained = small_model.explain(PORTAL_PAGE, k=6)["evidence"]  # the same n-grams explain shows
    assert evidence["event_type"][predicted["event_type"]] == explained["event_type"][predicted["event_type"]]
    assert all(evidence["topics"][t] == explained["topics"][t] for t in predicted["topics"])

    write_report(result, tmp_path / "r")
    report = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    first_ngram, weight = evidence["topics"][missed_topic][0]
    assert f"  - topics `{missed_topic}`: `{first_ngram}` {weight:+.3f}" in report


def test_charts_show_how_many_documents_each_point_and_bar_rests_on(tmp_path, small_model, seed_corpus, monkeypatch):
    import matplotlib.pyplot

    import classify.evaluate.report as report

    captured = {}

    def keep_texts(fig, path):
        ax = fig.axes[0]
        captured[path.name] = [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
        matplotlib.pyplot.close(fig)
        return path

    monkeypatch.setattr(report, "_save", keep_texts)
    docs = seed_corpus.documents[2:60:4]
    result = evaluate_model(
        small_model, load_corpus(_jsonl(tmp_path, [{"id": d.id, "text": d.text, **d.labels} for d in docs]))
    )
    write_report(result, tmp_path / "r")

    counts = [int(t.removeprefix("n=")) for t in captured["reliability_event_type.png"] if t.startswith("n=")]
    assert sum(counts) == len(docs)  # every document sits in exactly one annotated bin
    support = result["metrics"]["topics"]["per_label"]
    ticks = captured["per_label_topics.png"]
    assert all(f"{label} (n={support[label]['support']})" in ticks for label in support)


def test_evaluate_can_ignore_maybe_topics_and_skip_ambiguous_events(tmp_path, capsys):
    # Two records the shipped model labels with certainty, in a corpus written for this test.
    from classify.cli import main

    records = [
        {
            "id": "a",
            "text": "Sở TT&TT tổng kết công tác báo chí năm 2023\nNăm 2023, các cơ quan báo chí của tỉnh đăng phát 14.000 tin, bài; "
            "Sở cấp 37 giấy phép xuất bản bản tin và thẩm định 120 xuất bản phẩm lưu chiểu.",
            "event_type": "annual_review",
            "topics": ["press_publishing", "broadcasting"],
            "topics_maybe": ["broadcasting"],
            "ambiguous_event": False,
        },
        {
            "id": "b",
            "text": "Xe khách lật trên đèo, 3 người bị thương\nSáng 5/1, một xe khách bị lật khi xuống đèo, ba hành khách bị thương.",
            "event_type": "official_visit",
            "topics": [],
            "topics_maybe": [],
            "ambiguous_event": True,
        },
    ]
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    def figures(*options):
        assert main(["evaluate", "--data", str(data), *options]) == 0
        out = capsys.readouterr().out
        topics = out.split("topics  (n=")[1]
        micro = float(topics.split("micro avg")[1].split()[2])
        return out.split(": ")[1].split(" documents")[0], micro

    n, counted = figures()
    assert n == "2" and counted < 1.0  # broadcasting is missed
    assert figures("--ignore-maybe")[1] == 1.0
    assert figures("--without-ambiguous")[0] == "1"


@pytest.mark.parametrize("has_matplotlib", [True, False], ids=["with matplotlib", "without matplotlib"])
def test_evaluate_out_says_in_one_line_when_the_pictures_are_skipped(tmp_path, capsys, monkeypatch, has_matplotlib):
    import sys

    from classify.cli import main

    pytest.importorskip("matplotlib")
    if not has_matplotlib:
        monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    records = [
        {"id": name, "text": (SEEDS / name).read_text(encoding="utf-8"), "event_type": event, "topics": topics}
        for name, event, topics in [
            ("003_de78d42dda2afc96.txt", "anniversary", ["post_telecom", "it_egov"]),
            ("002_bb3effc9b2b7e83d.txt", "official_visit", ["post_telecom", "it_egov", "press_publishing"]),
        ]
    ]
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert main(["evaluate", "--data", str(data), "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    pictures = sorted(p.name for p in (tmp_path / "r").glob("*.png"))
    report_md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    if has_matplotlib:
        assert pictures and "pictures skipped" not in err and "Pictures skipped" not in report_md
    else:
        assert pictures == [] and "Pictures skipped: matplotlib is not installed" in report_md
        assert err.splitlines() == [
            "classify: pictures skipped: matplotlib is not installed (pip install matplotlib, then run evaluate "
            "again); metrics.json, report.md and misclassified.jsonl are written"
        ]
