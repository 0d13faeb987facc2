"""Label Studio: suggest writes tasks with pre-annotations; train reads the JSON export of those tasks."""

import json
import subprocess

import pytest
from conftest import SEEDS, classify_cli
from learning_articles import BORDERLINE_VISIT, CLEAR_GREETING, CLEAR_REVIEW, write_articles

import classify
from classify.active.labelstudio import labelling_config, labelstudio_tasks
from classify.corpus.reader import load_corpus
from classify.errors import CorpusError
from classify.model.taxonomy import display_name


@pytest.fixture
def tasks(tmp_path, default_model):
    source = write_articles(tmp_path / "moi.jsonl", {"a": CLEAR_GREETING, "b": CLEAR_REVIEW, "c": BORDERLINE_VISIT})
    out = tmp_path / "tasks.json"
    done = subprocess.run(
        classify_cli(
            "suggest", str(source), "-n", "3", "-o", str(out), "--format", "label-studio", "--strategy", "uncertainty"
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_a_task_says_whether_its_article_was_drawn_at_random(default_model):
    articles = [str(SEEDS / "w1_011.txt"), str(SEEDS / "w1_043.txt")]
    picked = classify.suggest(articles, n=2, model=default_model, strategy="mixed")
    tasks = labelstudio_tasks(picked.records, default_model.label_fields, "v")
    assert [t["data"]["picked_by"] for t in tasks] == ["uncertainty", "random"]
    assert tasks[1]["data"]["why"].startswith("drawn at random")


def _choices(result, name):
    return next((r["value"]["choices"] for r in result if r["from_name"] == name), [])


def test_tasks_carry_the_article_and_the_models_labels_as_pre_annotations(tasks, default_model):
    assert [t["data"]["article_id"] for t in tasks] == ["c", "b", "a"]  # most useful first
    first = tasks[0]
    assert first["data"]["text"] == BORDERLINE_VISIT and "official_visit" in first["data"]["why"]
    assert [t["data"]["picked_by"] for t in tasks] == ["uncertainty"] * 3
    prediction = default_model.predict(BORDERLINE_VISIT)
    [pre] = first["predictions"]
    assert pre["model_version"].startswith("classify-default-v1.joblib ")
    assert _choices(pre["result"], "event_type") == [prediction.event_type]
    assert _choices(pre["result"], "topics") == prediction.topics
    assert all(r["to_name"] == "text" and r["type"] == "choices" for r in pre["result"])
    assert 0 <= pre["score"] < tasks[-1]["predictions"][0]["score"] <= 1  # lowest score: most useful


def _export(tasks):
    """What Label Studio's Export → JSON gives after an annotator worked on the tasks."""
    exported = []
    for number, task in enumerate(tasks, 1):
        exported.append(
            {"id": 100 + number, "data": task["data"], "predictions": task["predictions"], "annotations": []}
        )
    c, b, a = exported
    c["annotations"] = [
        {"id": 1, "was_cancelled": False, "updated_at": "2025-03-02T10:00:00Z", "result": [
            {"from_name": "event_type", "to_name": "text", "type": "choices", "value": {"choices": ["annual_review"]}}]},
        {"id": 2, "was_cancelled": False, "updated_at": "2025-03-02T11:00:00Z", "result": [
            {"from_name": "event_type", "to_name": "text", "type": "choices", "value": {"choices": ["official_visit"]}},
            {"from_name": "topics", "to_name": "text", "type": "choices", "value": {"choices": ["it_egov", "digital_transformation"]}},
            {"from_name": "topics_maybe", "to_name": "text", "type": "choices", "value": {"choices": ["post_telecom"]}}]},
    ]  # fmt: skip
    b["annotations"] = [
        {"id": 3, "was_cancelled": True, "updated_at": "2025-03-03T08:00:00Z", "result": [
            {"from_name": "event_type", "to_name": "text", "type": "choices", "value": {"choices": ["other"]}}]},
        {"id": 4, "was_cancelled": False, "updated_at": "2025-03-02T09:00:00Z", "result": [
            {"from_name": "event_type", "to_name": "text", "type": "choices", "value": {"choices": ["annual_review"]}}]},
    ]  # fmt: skip
    return exported  # a: nobody annotated it


def test_train_reads_the_label_studio_export(tasks, tmp_path):
    export = tmp_path / "project-1-at-2025-03-02.json"
    export.write_text(json.dumps(_export(tasks), ensure_ascii=False), encoding="utf-8")
    corpus = load_corpus(export)
    by_id = {doc.id: doc for doc in corpus.documents}
    assert sorted(by_id) == ["b", "c"]  # the task nobody annotated is left out
    assert by_id["c"].labels == {"event_type": "official_visit", "topics": ["digital_transformation", "it_egov"]}
    assert by_id["c"].text == BORDERLINE_VISIT  # the latest annotation wins; cancelled ones never count
    assert by_id["b"].labels == {"event_type": "annual_review", "topics": []}  # no topic ticked
    # One topic ticked as unsure is still a list: the unsure topics of the article, no label field.
    assert (by_id["c"].unsure, by_id["b"].unsure) == ({"topics": ["post_telecom"]}, {})
    # The command trains on it together with other corpora.
    small = tmp_path / "small"
    small.mkdir()
    lines = (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()[::20]
    for line in lines:
        name = json.loads(line)["file"]
        (small / name).write_bytes((SEEDS / name).read_bytes())
    (small / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    model_path = tmp_path / "m.joblib"
    done = subprocess.run(
        classify_cli(
            "train",
            "--data",
            str(small),
            "--data",
            str(export),
            "--out",
            str(model_path),
            "--folds",
            "0",
            "--no-evidence",
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(lines) + 2} articles" in done.stderr
    assert "unsure labels (topics_maybe) in 1 article(s)" in done.stderr
    assert classify.load(model_path).manifest["corpus"]["documents"] == len(lines) + 2


def test_a_bad_export_is_one_line_naming_the_file_and_task(tasks, tmp_path):
    export = tmp_path / "export.json"
    broken = _export(tasks)
    broken[0]["annotations"][1]["result"] = broken[0]["annotations"][1]["result"][1:]  # topics only
    export.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"export.json: task 101: choose one event_type \(the annotation has 0\)"):
        load_corpus(export)
    export.write_text(json.dumps([{"id": 1, "text": "…", "event_type": "other"}]), encoding="utf-8")
    with pytest.raises(CorpusError, match="JSON-MIN"):
        load_corpus(export)
    export.write_text(json.dumps([{"id": 1, "data": {"text": "…"}}]), encoding="utf-8")
    with pytest.raises(CorpusError, match="no annotated task"):
        load_corpus(export)
    export.write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="export.json: not a Label Studio JSON export"):
        load_corpus(export)


def test_the_documented_labelling_config_matches_the_tasks(default_model):
    from pathlib import Path

    labels = default_model.manifest["labels"]
    config = labelling_config(labels, default_model.label_fields, names=display_name)
    documented = (Path(__file__).resolve().parents[2] / "docs" / "active-learning.md").read_text(encoding="utf-8")
    assert config.strip() in documented  # docs/active-learning.md shows exactly this configuration
    assert '<Choices name="event_type" toName="text" choice="single" required="true"' in config
    assert '<Choices name="topics" toName="text" choice="multiple"' in config
    assert '<Choices name="topics_maybe" toName="text" choice="multiple"' in config
