"""classify suggest: uncertain articles first, near-copies not both, the reason for each, safe output."""

import json
import subprocess

import pytest
from conftest import SEEDS, classify_cli
from learning_articles import (
    BORDERLINE_VISIT,
    BORDERLINE_VISIT_COPY,
    CLEAR_GREETING,
    CLEAR_REVIEW,
    ODD_DOUBLE_EVENT,
    write_articles,
)

import classify
from classify.active.ranking import pick_diverse, uncertainty, why
from classify.corpus.writer import CorpusFolder
from classify.errors import ClassifyError, OutputError
from classify.model.prediction import Prediction


@pytest.fixture
def pool(tmp_path):
    # The borderline article comes last in the file: the order of the output is the ranking's.
    return write_articles(
        tmp_path / "moi.jsonl",
        {"chuc-mung": CLEAR_GREETING, "tong-ket": CLEAR_REVIEW, "tham-lam-viec": BORDERLINE_VISIT},
        kenh="cổng tỉnh",
    )


def test_a_borderline_article_is_suggested_before_clear_ones(pool, default_model):
    picked = classify.suggest([str(pool)], n=3, model=default_model, strategy="uncertainty")
    assert [r["id"] for r in picked] == ["tham-lam-viec", "tong-ket", "chuc-mung"]
    first = picked[0]
    assert first["rank"] == 1 and first["text"] == BORDERLINE_VISIT and first["source"] == f"{pool}:3"
    assert [r["picked_by"] for r in picked] == ["uncertainty"] * 3
    # The reason names the two event types the model hesitates between, and a topic near its threshold.
    assert first["why"].startswith("event: ") and "official_visit 0." in first["why"]
    assert "annual_review 0." in first["why"] and "near its threshold" in first["why"]
    assert first["informativeness"] > picked[1]["informativeness"] > picked[2]["informativeness"]
    assert first["prediction"] == default_model.predict(BORDERLINE_VISIT).to_dict()
    assert first["input"] == {"kenh": "cổng tỉnh"}
    assert picked.candidates == 3 and picked.excluded == 0 and picked.errors == []


def test_a_near_copy_of_a_suggested_article_is_not_suggested_too(tmp_path, default_model):
    source = write_articles(
        tmp_path / "moi.jsonl",
        {
            "ban-goc": BORDERLINE_VISIT,
            "ban-sao": BORDERLINE_VISIT_COPY,
            "tong-ket": CLEAR_REVIEW,
            "chuc-mung": CLEAR_GREETING,
        },
    )
    picked = classify.suggest([str(source)], n=4, model=default_model, strategy="uncertainty")
    every = {r["id"]: r["informativeness"] for r in picked}
    # Without diversity both near-twins would be the top two: each is more informative than the review.
    assert min(every["ban-goc"], every["ban-sao"]) > every["tong-ket"]
    top = [r["id"] for r in classify.suggest([str(source)], n=2, model=default_model, strategy="uncertainty")]
    assert len({"ban-goc", "ban-sao"} & set(top)) == 1 and "tong-ket" in top
    # The default and mixed batches never take the twin, whatever the random sample holds.
    for strategy in ("density", "mixed"):
        for seed in range(8):
            batch = classify.suggest([str(source)], n=4, model=default_model, strategy=strategy, random_state=seed)
            ids = [r["id"] for r in batch]
            assert len({"ban-goc", "ban-sao"} & set(ids)) == 1 and len(ids) == 3, strategy


def test_by_default_an_uncertain_article_like_the_input_comes_before_an_odd_one(tmp_path, default_model):
    articles = {"tham": BORDERLINE_VISIT, "hoi-nong-dan": ODD_DOUBLE_EVENT, "tong-ket": CLEAR_REVIEW}
    # Year-end reviews of press, broadcasting and post bodies: what this user's feed is mostly made of.
    articles |= {
        name: (SEEDS / name).read_text(encoding="utf-8")
        for name in ("w1_002.txt", "w1_007.txt", "w1_010.txt", "w1_013.txt", "w1_046.txt")
    }
    source = write_articles(tmp_path / "moi.jsonl", articles)
    by_uncertainty = classify.suggest([str(source)], n=3, model=default_model, strategy="uncertainty")
    assert [r["id"] for r in by_uncertainty] == ["tham", "hoi-nong-dan", "tong-ket"]
    picked = classify.suggest([str(source)], n=3, model=default_model)
    # The farmers' union story is the more uncertain, but unlike the rest: the sector's review comes first.
    assert [r["id"] for r in picked] == ["tham", "tong-ket", "hoi-nong-dan"]
    assert [r["picked_by"] for r in picked] == ["density"] * 3
    similarity = [float(r["why"].rsplit(" ", 1)[1]) for r in picked]
    assert all(
        r["why"].startswith("event: ") and "; mean similarity to the articles read 0." in r["why"] for r in picked
    )
    assert similarity[1] > 2 * similarity[2] > 0  # the review is like the feed, the union's story is not
    assert picked[2]["informativeness"] > picked[1]["informativeness"]


def test_a_mixed_batch_draws_every_other_suggestion_at_random_from_all_articles(tmp_path, default_model, monkeypatch):
    import importlib

    suggest_module = importlib.import_module("classify.active.suggest")  # the package's name is the function

    articles = {"tham": BORDERLINE_VISIT, "tong-ket": CLEAR_REVIEW, "chuc-mung": CLEAR_GREETING}
    articles |= {
        name: (SEEDS / name).read_text(encoding="utf-8") for name in ("w1_011.txt", "w1_043.txt", "w2_006.txt")
    }
    source = write_articles(tmp_path / "moi.jsonl", articles)
    picked = classify.suggest([str(source)], n=4, model=default_model, strategy="mixed")
    assert picked[0]["id"] == "tham"  # the most informative opens the batch
    assert [r["picked_by"] for r in picked] == ["uncertainty", "random", "uncertainty", "random"]
    assert all(r["why"].startswith("drawn at random (half of each batch); event: ") for r in picked[1::2])
    again = classify.suggest([str(source)], n=4, model=default_model, strategy="mixed")
    assert [r["id"] for r in again] == [r["id"] for r in picked]
    # The random half comes from every article read, not only from the most informative ones kept.
    monkeypatch.setattr(suggest_module, "KEEP_FACTOR", 1)
    monkeypatch.setattr(suggest_module, "KEEP_MIN", 1)
    informative = {r["id"] for r in classify.suggest([str(source)], n=2, model=default_model, strategy="uncertainty")}
    drawn = set()
    for seed in range(12):
        batch = classify.suggest([str(source)], n=2, model=default_model, strategy="mixed", random_state=seed)
        drawn |= {r["id"] for r in batch if r["picked_by"] == "random"}
    assert drawn - informative
    with pytest.raises(ClassifyError, match="unknown strategy 'margin'; use one of density, mixed, uncertainty"):
        classify.suggest([str(source)], model=default_model, strategy="margin")


def test_pick_diverse_is_greedy_max_min_weighted_by_informativeness():
    import numpy as np

    rows = np.array([[1.0, 0.0, 0.0], [0.99, 0.14, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert pick_diverse(rows, [0.9, 0.89, 0.3, 0.2], 3) == [0, 2, 3]
    assert pick_diverse(rows, [0.9, 0.89, 0.3, 0.2], 10) == [0, 2, 3, 1]
    assert pick_diverse(rows, [0.0, 0.0, 0.0, 0.0], 2) == [0, 1]  # nothing to learn anywhere: input order


def test_a_topic_is_near_its_own_threshold_not_near_one_half():
    thresholds = {"topics": {"it_egov": 0.3, "press_publishing": 0.7, "broadcasting": 0.5}}
    scores = {
        "event_type": {"other": 0.9, "anniversary": 0.1},
        "topics": {"it_egov": 0.3, "press_publishing": 0.5, "broadcasting": 0.98},
    }
    u = uncertainty(Prediction(labels={"event_type": "other", "topics": ["it_egov"]}, scores=scores), thresholds)
    assert [topic for topic, _ in u.near_topics] == ["it_egov", "press_publishing"]  # 0.5 is 0.2 under 0.7
    assert u.topic == 1.0 and u.event == pytest.approx(0.2) and u.score == pytest.approx(0.6)
    assert why(u, thresholds) == (
        "event: other 0.90 vs anniversary 0.10; topic it_egov 0.30 near its threshold 0.30; "
        "topic press_publishing 0.50 near its threshold 0.70"
    )


def test_the_command_writes_jsonl_atomically_and_never_over_an_input(pool, tmp_path):
    out = tmp_path / "to_label.jsonl"
    command = classify_cli("suggest", str(pool), "-n", "2", "-o", str(out), "--strategy", "uncertainty")
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["tham-lam-viec", "tong-ket"]
    assert set(records[0]) == {
        *("rank", "id", "source", "title", "text", "picked_by", "why", "informativeness", "density"),
        *("prediction", "input"),
    }
    assert [(r["picked_by"], r["density"]) for r in records] == [("uncertainty", None), ("uncertainty", None)]
    assert "suggested 2 of 3 articles" in done.stderr
    for strategy, picked_by in ((None, ["density", "density"]), ("mixed", ["uncertainty", "random"])):
        other = tmp_path / "other.jsonl"
        command = classify_cli("suggest", str(pool), "-n", "2", "-o", str(other), "--seed", "7")
        done = subprocess.run(command + (["--strategy", strategy] if strategy else []), text=True)
        assert done.returncode == 0
        written = [json.loads(line) for line in other.read_text(encoding="utf-8").splitlines()]
        assert [r["picked_by"] for r in written] == picked_by
        for r in written:  # a density pick's similarity is a field, and the one its reason names
            named = f"mean similarity to the articles read {r['density']:.2f}" if r["density"] is not None else None
            assert (r["picked_by"] == "density") == (named is not None) and (named is None or r["why"].endswith(named))
        other.unlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    # An existing output (another run's) is kept unless --force; the input itself, never.
    before = out.read_bytes()
    again = subprocess.run(classify_cli("suggest", str(pool), "-o", str(out)), capture_output=True, text=True)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "exists" in again.stderr
    assert out.read_bytes() == before
    original = pool.read_bytes()
    over = subprocess.run(
        classify_cli("suggest", str(pool), "-o", str(pool), "--force"), capture_output=True, text=True
    )
    assert over.returncode == 2 and "is the input" in over.stderr and over.stderr.count("\n") == 1
    assert pool.read_bytes() == original
    wrong = subprocess.run(
        classify_cli("suggest", str(pool), "-o", str(tmp_path / "x.csv")), capture_output=True, text=True
    )
    assert wrong.returncode == 2 and "x.csv: name it .jsonl" in wrong.stderr


def test_articles_already_labelled_are_excluded_by_id_or_by_text(pool, tmp_path, default_model):
    labelled = CorpusFolder(tmp_path / "corrections")
    # Same text under another id (another export of it), with other spacing.
    labelled.add(
        article_id="bai-cu",
        text=BORDERLINE_VISIT.replace("\n\n", "\n"),
        labels={"event_type": "official_visit", "topics": []},
    )
    picked = classify.suggest([str(pool)], n=3, model=default_model, exclude=[str(tmp_path / "corrections")])
    assert [r["id"] for r in picked] == ["tong-ket", "chuc-mung"] and picked.excluded == 1
    by_id = write_articles(tmp_path / "da-gan.jsonl", {"chuc-mung": "một văn bản khác"})
    picked = classify.suggest([str(pool)], n=3, model=default_model, exclude=[str(by_id)])
    assert [r["id"] for r in picked] == ["tham-lam-viec", "tong-ket"]
    with pytest.raises(OutputError, match="is the input"):
        classify.suggest([str(pool)], model=default_model, exclude=[str(by_id)], output=str(by_id), force=True)


def test_unreadable_and_empty_documents_are_counted_not_fatal(tmp_path, default_model):
    source = write_articles(tmp_path / "moi.jsonl", {"rong": "   ", "tham": BORDERLINE_VISIT})
    with open(source, "a", encoding="utf-8") as handle:
        handle.write("{không phải JSON}\n")
    picked = classify.suggest([str(source)], n=5, model=default_model)
    assert [r["id"] for r in picked] == ["tham"]
    assert len(picked.errors) == 2 and any("moi.jsonl:3" in e for e in picked.errors)
