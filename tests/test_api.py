import json
import subprocess
import sys
from importlib import metadata

import pytest
from conftest import PORTAL_PAGE, ROOT, SEEDS

import classify
from classify.errors import EmptyDocumentError
from classify.text import normalize


def test_predict_on_a_seed_article():
    text = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")
    p = classify.predict(text)
    assert p.event_type == "annual_review"
    assert set(p.event_scores) == {"annual_review", "anniversary", "official_visit", "other"}
    assert abs(sum(p.event_scores.values()) - 1.0) < 1e-6
    assert set(p.topics) <= set(p.topic_scores) and "post_telecom" in p.topics
    assert p.title == "Sở TT&TT Quảng Ngãi triển khai nhiệm vụ năm 2015"
    assert p.date == "2015-01-28 09:18"
    assert 1 <= len(p.summary) <= 3 and all(s in normalize(text) for s in p.summary)
    assert all("Xem chi tiết" not in s for s in p.summary)


def test_predict_many_matches_single_predictions(default_model, seed_corpus):
    texts = seed_corpus.texts[:7]
    many = default_model.predict_many(texts)
    assert [m.to_dict() for m in many] == [default_model.predict(t).to_dict() for t in texts]


def test_to_dict_is_json_ready_with_documented_names(default_model):
    d = default_model.predict(PORTAL_PAGE).to_dict()
    assert {
        "title",
        "date",
        "event_type",
        "event_confidence",
        "event_scores",
        "topics",
        "topic_scores",
        "summary",
    } <= set(d)
    json.dumps(d, ensure_ascii=False)


@pytest.mark.parametrize("text", ["", "   \n\t ", "banner\nicon\nTop\n"])
def test_empty_documents_raise_a_clear_error(default_model, text):
    with pytest.raises(EmptyDocumentError, match="no article text"):
        default_model.predict(text)


def test_predict_many_names_the_empty_index(default_model):
    with pytest.raises(EmptyDocumentError, match="text #1"):
        default_model.predict_many([PORTAL_PAGE, ""])


def test_title_argument_overrides_detection(default_model):
    p = default_model.predict(PORTAL_PAGE, title="Tiêu đề do người dùng đặt")
    assert p.title == "Tiêu đề do người dùng đặt"


def test_installed_package_works_outside_the_repo(tmp_path):
    try:
        metadata.distribution("classify")
    except metadata.PackageNotFoundError:
        pytest.skip("classify is not pip-installed in this environment")
    code = (
        "import classify, pathlib, sys; p = classify.predict(sys.stdin.read()); "
        "print(pathlib.Path(classify.__file__).parent); print(p.event_type)"
    )
    seed = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=seed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    package_dir, event = out.stdout.split()
    if package_dir.startswith(str(ROOT)):
        pytest.skip("editable install: the package is the checkout itself")
    assert event == "annual_review"


def test_saved_model_predicts_without_importing_scikit_learn(tmp_path):
    """Loading and predicting uses the compiled numpy form; scikit-learn is only imported on demand."""
    code = (
        "import sys, classify\n"
        "model = classify.load()\n"
        "assert model.compiled\n"
        "p = model.predict(sys.argv[1])\n"
        "summary = classify.summarize(sys.argv[1], sentences=1)\n"
        "assert p.event_type and summary\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
        "model.classifier.get_params()\n"
        "print('sklearn' in sys.modules)\n"
    )
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


def test_compiled_form_predicts_exactly_what_the_estimators_predict(default_model, seed_corpus, tmp_path):
    """Save, load, and compare the compiled path with the scikit-learn path on seed articles."""
    import classify
    from classify.persist import save_model

    path = tmp_path / "m.joblib"
    save_model(default_model, path)
    loaded = classify.load(path)
    assert loaded.compiled
    docs = [loaded.prepare(d.text, title=d.title) for d in seed_corpus.documents[:40]]
    fast = loaded.predict_prepared(docs)
    proba = loaded.classifier.predict_proba_fields(docs, features=loaded.classifier.vectorizer_.transform(docs))
    decided = loaded.classifier.decide(proba)
    for k, (prediction, doc) in enumerate(zip(fast, docs)):
        assert prediction.labels == decided[k]
        for field, scores in prediction.scores.items():
            assert list(scores.values()) == pytest.approx(list(proba[field][k]), abs=1e-12)
        assert prediction.summary == loaded.summarizer(doc, loaded.summary_sentences)
    # The estimators share the compiled form's arrays instead of storing them twice.
    assert loaded.classifier.vectorizer_.indexes_ is loaded._runtime[0].indexes
    assert loaded.summarizer.index_ is loaded._runtime[1].index_
