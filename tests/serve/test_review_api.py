"""The review queue and retraining through the API: answers land in a corpus that `classify train` reads."""

import json
import subprocess
import time

import pytest
from conftest import SEEDS, classify_cli
from fastapi.testclient import TestClient
from learning_articles import BORDERLINE_VISIT, CLEAR_GREETING, CLEAR_REVIEW, write_articles
from serve_helpers import POLL_LIMIT_SECONDS, wait_for_job

import classify
from classify.corpus.reader import load_corpus
from classify.serve.app import create_app
from classify.serve.models import remembered_model
from classify.training import save_trained, train

ARTICLES = {"chuc-mung": CLEAR_GREETING, "tong-ket": CLEAR_REVIEW, "tham-lam-viec": BORDERLINE_VISIT}


@pytest.fixture(scope="module")
def small_seeds(tmp_path_factory):
    """Every twelfth of the first 683 seed articles (57): a shipped corpus small enough to train on in
    seconds (fixed, so that articles added to seeds/ later do not change what the base model gets wrong)."""
    folder = tmp_path_factory.mktemp("seeds")
    lines = (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()[:683:12]
    for line in lines:
        name = json.loads(line)["file"]
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    (folder / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_model(small_seeds, tmp_path_factory):
    """The served model: trained on the small corpus (it hesitates on BORDERLINE_VISIT, choosing annual_review)."""
    corpus = load_corpus(small_seeds)
    path = tmp_path_factory.mktemp("models") / "base.joblib"
    save_trained(train(corpus, evidence=False), path, corpus, None)
    model = classify.load(path)
    assert model.predict(BORDERLINE_VISIT).event_type == "annual_review"
    return path, model


@pytest.fixture
def client(base_model, small_seeds, tmp_path):
    path, model = base_model
    app = create_app(model=model, model_path=path, workdir=tmp_path / "work", seeds=small_seeds, retrain_folds=2)
    with TestClient(app) as test_client:
        yield test_client


def _queue(client, path, n=3):
    response = client.post("/api/review/upload", files={"file": (path.name, path.read_bytes())}, data={"n": n})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _answer(client, queue, index, event_type, topics):
    labels = {"event_type": event_type, "topics": topics}
    return client.post(f"/api/review/{queue}/answer", json={"index": index, "labels": labels})


def _labels(tmp_path):
    path = tmp_path / "work" / "corrections" / "labels.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_a_queue_shows_the_most_useful_article_first_with_what_the_page_needs(client, tmp_path, base_model):
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES), n=2)
    status = client.get(f"/api/review/{queue}").json()
    assert (status["total"], status["reviewed"], status["skipped"], status["done"]) == (2, 0, 0, False)
    item = status["item"]
    assert item["index"] == 0 and item["id"] == "tham-lam-viec" and item["source"] == "moi.jsonl:3"
    assert item["prediction"] == base_model[1].predict(BORDERLINE_VISIT).to_dict()
    assert item["why"].startswith("event: annual_review") and "official_visit" in item["why"]
    assert item["paragraphs"][0].startswith("Chiều 20/7, Thứ trưởng")
    assert client.get("/api/review/not-a-queue").status_code == 404


def test_answers_skips_and_undo_keep_the_corrections_corpus_and_the_progress_right(client, tmp_path):
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES))
    status = _answer(client, queue, 0, "official_visit", ["it_egov"]).json()
    assert (status["reviewed"], status["item"]["index"], status["can_undo"]) == (1, 1, True)
    [line] = _labels(tmp_path)
    assert (line["id"], line["event_type"], line["topics"]) == ("tham-lam-viec", "official_visit", ["it_egov"])
    assert line["meta"]["predicted"]["event_type"] == "annual_review" and line["meta"]["item"] == 0
    status = client.post(f"/api/review/{queue}/skip", json={"index": 1}).json()
    assert (status["reviewed"], status["skipped"], status["item"]["index"]) == (1, 1, 2)
    # A label the model does not know is refused, and nothing is written.
    refused = _answer(client, queue, 2, "hội_nghị", [])
    assert refused.status_code == 422 and "event_type: choose one of" in refused.json()["detail"]
    assert _answer(client, queue, 2, "other", ["no_such_topic"]).status_code == 422
    assert len(_labels(tmp_path)) == 1
    # Undo takes back the last action first (the skip), then the answer, whose line leaves the corpus.
    status = client.post(f"/api/review/{queue}/undo").json()
    assert (status["skipped"], status["item"]["index"]) == (0, 1)
    status = client.post(f"/api/review/{queue}/undo").json()
    assert (status["reviewed"], status["item"]["index"], status["can_undo"]) == (0, 0, False)
    assert _labels(tmp_path) == []
    for index, event_type in [(0, "official_visit"), (1, "annual_review")]:
        _answer(client, queue, index, event_type, [])
    status = client.post(f"/api/review/{queue}/skip", json={"index": 2}).json()
    assert status["done"] and status["item"] is None and status["skipped"] == 1
    status = client.post(f"/api/review/{queue}/again").json()
    assert not status["done"] and status["item"]["index"] == 2
    assert load_corpus(tmp_path / "work" / "corrections").labels == [
        {"event_type": "official_visit", "topics": []},
        {"event_type": "annual_review", "topics": []},
    ]


def test_topics_the_analyst_is_unsure_of_are_saved_as_topics_maybe_and_read_as_unsure(client, tmp_path):
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES))

    def answer(labels):
        return client.post(f"/api/review/{queue}/answer", json={"index": 0, "labels": labels})

    # Refused, and nothing written: an unknown topic, a topic both chosen and unsure, a field that is not a list.
    for labels, message in [
        ({"topics_maybe": ["no_such_topic"]}, "topics_maybe: unknown label 'no_such_topic'"),
        ({"topics_maybe": ["it_egov"]}, "topics: 'it_egov' cannot be both chosen and unsure"),
        ({"topics_maybe": "broadcasting"}, "topics_maybe: a list of labels"),
    ]:
        refused = answer({"event_type": "official_visit", "topics": ["it_egov"], **labels})
        assert refused.status_code == 422 and message in refused.json()["detail"], refused.text
    assert _labels(tmp_path) == []
    status = answer({"event_type": "official_visit", "topics": ["it_egov"], "topics_maybe": ["digital_transformation"]})
    assert status.status_code == 200, status.text
    [line] = _labels(tmp_path)
    assert (line["topics"], line["topics_maybe"]) == (["it_egov"], ["digital_transformation"])
    _answer(client, queue, 1, "annual_review", [])  # no unsure topic: no topics_maybe field
    assert "topics_maybe" not in _labels(tmp_path)[1]
    corpus = load_corpus(tmp_path / "work" / "corrections")
    assert corpus.unsure == [{"topics": ["digital_transformation"]}, {}]


def test_undo_takes_back_the_latest_action_and_shows_that_article_again(client, tmp_path):
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES))
    client.post(f"/api/review/{queue}/skip", json={"index": 0})
    assert _answer(client, queue, 1, "annual_review", []).json()["item"]["index"] == 2
    status = client.post(f"/api/review/{queue}/undo").json()  # the answer, given after the skip
    assert (status["reviewed"], status["skipped"], status["item"]["index"]) == (0, 1, 1)
    _answer(client, queue, 1, "annual_review", [])
    client.post(f"/api/review/{queue}/again")  # item 0 waits again, before item 1
    status = client.post(f"/api/review/{queue}/undo").json()
    assert (status["reviewed"], status["item"]["index"]) == (0, 1)  # the article just taken back, not item 0


def test_a_suggested_set_keeps_its_order_and_a_queue_survives_a_restart(base_model, small_seeds, tmp_path):
    path, model = base_model
    suggested = tmp_path / "to_label.jsonl"
    picked = classify.suggest([str(write_articles(tmp_path / "moi.jsonl", ARTICLES))], n=3, model=model)
    with open(suggested, "w", encoding="utf-8") as handle:
        for record in reversed(picked.records):  # an order suggest did not choose: kept all the same
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    order = [r["id"] for r in reversed(picked.records)]
    with TestClient(create_app(model=model, model_path=path, workdir=tmp_path / "work")) as client:
        queue = _queue(client, suggested, n=1)  # n does not cut a suggested set
        status = client.get(f"/api/review/{queue}").json()
        assert status["total"] == 3 and status["item"]["id"] == order[0] != picked[0]["id"]
        status = _answer(client, queue, 0, "anniversary", ["press_publishing"]).json()
        assert status["item"]["id"] == order[1]
    with TestClient(create_app(model=model, model_path=path, workdir=tmp_path / "work")) as client:
        status = client.get(f"/api/review/{queue}").json()
        assert (status["reviewed"], status["item"]["index"], status["corrections"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("strategy", "rewrite"), [("density", None), ("density", "older file"), ("density", "short why"), ("mixed", None)]
)
def test_a_suggested_set_keeps_how_each_article_was_picked_in_its_reason(
    client, base_model, tmp_path, strategy, rewrite
):
    _, model = base_model
    suggested = tmp_path / "to_label.jsonl"
    source = write_articles(tmp_path / "moi.jsonl", ARTICLES)
    picked = classify.suggest([str(source)], n=3, model=model, strategy=strategy, output=str(suggested))
    if rewrite:
        lines = [json.loads(line) for line in suggested.read_text(encoding="utf-8").splitlines()]
        for line in lines:
            if rewrite == "older file":  # written before suggest had a density field
                assert line.pop("density") is not None
            else:  # the reason cut short (by hand, or by a tool): the field still gives the similarity
                line["why"] = line["why"].split("; mean similarity")[0]
        suggested.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    queue = _queue(client, suggested)
    reasons = []
    for index in range(len(picked)):
        status = client.get(f"/api/review/{queue}").json()
        reasons.append(status["item"]["why"])
        client.post(f"/api/review/{queue}/skip", json={"index": index})
    # The served model suggested them: its reasons are the file's, with how each was picked.
    assert reasons == [r["why"] for r in picked]
    marker = "; mean similarity to the articles read 0." if strategy == "density" else "drawn at random"
    assert any(marker in reason for reason in reasons)


def test_a_queue_of_a_finished_job_names_articles_as_the_upload_does(client, tmp_path):
    source = write_articles(tmp_path / "tin.jsonl", ARTICLES)
    job = client.post("/api/jobs", files={"file": ("tin.jsonl", source.read_bytes())}).json()["id"]
    assert client.post("/api/review", json={"job": "nope", "n": 2}).status_code == 404
    assert wait_for_job(client, job)["status"] == "done"
    created = client.post("/api/review", json={"job": job, "n": 2})
    assert created.status_code == 201
    item = client.get(f"/api/review/{created.json()['id']}").json()["item"]
    assert (item["id"], item["source"]) == ("tham-lam-viec", "tin.jsonl:3")


def test_corrections_from_the_review_endpoint_are_read_by_classify_train_and_change_the_prediction(
    client, tmp_path, small_seeds, base_model
):
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES), n=1)
    item = client.get(f"/api/review/{queue}").json()["item"]
    assert item["id"] == "tham-lam-viec" and item["prediction"]["event_type"] == "annual_review"
    assert _answer(client, queue, 0, "official_visit", ["it_egov"]).json()["reviewed"] == 1
    retrained = tmp_path / "m1.joblib"
    corrections = tmp_path / "work" / "corrections"
    done = subprocess.run(
        classify_cli(
            "train",
            "--data",
            str(small_seeds),
            "--data",
            str(corrections),
            "--out",
            str(retrained),
            "--folds",
            "0",
            "--no-evidence",
        ),  # fmt: skip
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(load_corpus(small_seeds)) + 1} articles" in done.stderr
    before = base_model[1].predict(BORDERLINE_VISIT)
    after = classify.load(retrained).predict(BORDERLINE_VISIT)
    assert (before.event_type, after.event_type) == ("annual_review", "official_visit")
    assert before.topics != ["it_egov"] and after.topics == ["it_egov"]


def _wait_retrain(client) -> dict:
    deadline = time.monotonic() + 4 * POLL_LIMIT_SECONDS
    while True:
        status = client.get("/api/retrain").json()
        if status["status"] != "running":
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.2)


def test_retrain_in_the_background_then_serve_the_new_model_only_when_accepted(client, tmp_path, small_seeds):
    refused = client.post("/api/retrain")
    assert refused.status_code == 409 and "no corrections yet" in refused.json()["detail"]
    queue = _queue(client, write_articles(tmp_path / "moi.jsonl", ARTICLES), n=1)
    _answer(client, queue, 0, "official_visit", ["it_egov"])
    started = client.post("/api/retrain")
    assert started.status_code == 202 and started.json()["status"] == "running"
    assert started.json()["available"] == 1 and started.json()["seeds"] == str(small_seeds)
    assert client.post("/api/retrain").status_code == 409  # one at a time
    assert client.post("/api/predict", json={"text": BORDERLINE_VISIT}).status_code == 200  # the page stays usable
    status = _wait_retrain(client)
    assert status["status"] == "done", status
    assert status["documents"] == len(load_corpus(small_seeds)) + 1 and status["corrections"] == 1
    assert set(status["cv_metrics"]) == {"event_type", "topics"}
    models = client.get("/api/models").json()
    assert [(m["id"], m["served"]) for m in models] == [("original", True), (status["model"], False)]
    assert models[1]["cv_metrics"] == status["cv_metrics"] and models[0]["name"] == "base.joblib"
    # Nothing changes until the new model is accepted.
    assert client.post("/api/predict", json={"text": BORDERLINE_VISIT}).json()["event_type"] == "annual_review"
    served = client.post(f"/api/models/{status['model']}/serve")
    assert [m["served"] for m in served.json()] == [False, True]
    info = client.get("/api/model").json()
    assert info["name"] == f"{status['model']}.joblib"
    # Its topics are decided from evidence: the page draws every topic's threshold at 0.5, where its scores cut.
    assert set(info["thresholds"]["topics"].values()) == {0.5}
    assert client.post("/api/predict", json={"text": BORDERLINE_VISIT}).json()["event_type"] == "official_visit"
    assert remembered_model(tmp_path / "work").stem == status["model"]  # the next `classify serve` too
    # The previous model stays on disk and comes back with one request.
    client.post("/api/models/original/serve")
    assert client.get("/api/model").json()["name"] == "base.joblib"
    assert client.post("/api/predict", json={"text": BORDERLINE_VISIT}).json()["event_type"] == "annual_review"
    assert remembered_model(tmp_path / "work") is None
    assert client.post("/api/models/../serve").status_code == 404
