"""ArticleModel: predict, predict_many, predict_prepared, the compiled form and pickling."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys

import numpy as np
import pytest
from conftest import PORTAL_PAGE, SEEDS

from classify.errors import EmptyDocumentError
from classify.model.predictor import ArticleModel
from classify.summarizers.summarizer import TextRankSummarizer
from classify.text import prepare


def test_predict_many_matches_single_predictions(default_model, seed_corpus):
    texts = seed_corpus.texts[:7]
    many = default_model.predict_many(texts)
    assert [m.to_dict() for m in many] == [default_model.predict(t).to_dict() for t in texts]


@pytest.mark.parametrize("text", ["", "   \n\t ", "banner\nicon\nTop\n"])
def test_empty_documents_raise_a_clear_error(default_model, text):
    with pytest.raises(EmptyDocumentError, match="no article text"):
        default_model.predict(text)


def test_predict_many_names_the_empty_index(default_model):
    with pytest.raises(EmptyDocumentError, match="text #1"):
        default_model.predict_many([PORTAL_PAGE, ""])
    with pytest.raises(EmptyDocumentError, match=r"^text #2: "):  # the first empty one
        default_model.predict_many([PORTAL_PAGE, PORTAL_PAGE, "  \n", ""])


def test_predict_many_rejects_titles_of_another_length(default_model):
    with pytest.raises(ValueError, match="2 texts but 1 titles"):
        default_model.predict_many([PORTAL_PAGE, PORTAL_PAGE], ["Mường Tè khai trương hệ thống truyền thanh"])


def test_a_text_that_is_not_a_string_raises_type_error_naming_its_source(default_model):
    with pytest.raises(TypeError, match=r"^text: expected str, got bytes$"):
        default_model.predict(PORTAL_PAGE.encode("utf-8"))
    with pytest.raises(TypeError, match=r"^text #1: expected str, got NoneType$"):
        default_model.predict_many([PORTAL_PAGE, None])


def test_predict_prepared_of_no_articles_is_an_empty_list(default_model):
    assert default_model.predict_prepared([]) == []
    assert default_model.predict_many([]) == []


def test_title_argument_overrides_detection(default_model):
    p = default_model.predict(PORTAL_PAGE, title="Tiêu đề do người dùng đặt")
    assert p.title == "Tiêu đề do người dùng đặt"


def test_sentences_sets_the_length_of_the_summary(default_model):
    assert len(prepare(PORTAL_PAGE).sentences) == 6
    assert default_model.summary_sentences == 3
    assert len(default_model.predict(PORTAL_PAGE).summary) == 3
    assert len(default_model.predict(PORTAL_PAGE, sentences=1).summary) == 1
    assert len(default_model.predict(PORTAL_PAGE, sentences=5).summary) == 5
    assert [len(p.summary) for p in default_model.predict_many([PORTAL_PAGE] * 2, sentences=2)] == [2, 2]
    assert default_model.predict(PORTAL_PAGE, sentences=0).summary == []


def test_an_unpickled_model_predicts_the_same_and_unpickles_the_estimators_only_when_asked(small_model, seed_corpus):
    texts = seed_corpus.texts[1:40:3]
    loaded = pickle.loads(pickle.dumps(small_model))
    assert loaded._estimators is None
    assert loaded.compiled
    assert [p.to_dict() for p in loaded.predict_many(texts)] == [p.to_dict() for p in small_model.predict_many(texts)]
    assert loaded._estimators is None  # predicting runs on the compiled form
    assert loaded.classifier.label_fields_ == small_model.classifier.label_fields_
    assert loaded._estimators is not None


def test_arrays_shared_by_the_compiled_form_and_the_estimators_are_pickled_once(small_model):
    size = len(pickle.dumps(small_model))
    runtime = len(pickle.dumps((small_model._runtime, small_model.passage_topics)))
    estimators = len(pickle.dumps(small_model._load_estimators()))
    assert size < 0.7 * (runtime + estimators)
    loaded = pickle.loads(pickle.dumps(small_model))
    compiled_classifier, ranker = loaded._runtime
    assert loaded.classifier.vectorizer_.indexes_ is compiled_classifier.indexes
    assert loaded.summarizer.index_ is ranker.index_


def test_a_model_without_a_compiled_summarizer_predicts_through_the_estimators(small_model, seed_corpus):
    """A word-tokenized summarizer has no numpy ranker, so the model keeps the scikit-learn form only."""
    summarizer = TextRankSummarizer(tokenizer="word").fit([prepare(t) for t in seed_corpus.texts[:20]])
    model = ArticleModel(
        small_model.classifier, summarizer, summary_sentences=2, passage_topics=small_model.passage_topics
    )
    assert not model.compiled
    docs = [prepare(t) for t in seed_corpus.texts[2:30:4]]
    expected = small_model.predict_prepared(docs)
    for prediction, reference, doc in zip(model.predict_prepared(docs), expected, docs):
        assert prediction.labels == reference.labels
        for field, scores in prediction.scores.items():
            assert scores == pytest.approx(reference.scores[field], abs=1e-12)
        assert prediction.summary == summarizer(doc, 2)
    loaded = pickle.loads(pickle.dumps(model))
    assert not loaded.compiled and loaded._estimators is not None
    assert [p.to_dict() for p in loaded.predict_prepared(docs)] == [p.to_dict() for p in model.predict_prepared(docs)]


def test_syllable_ids_are_shared_with_the_summarizer(small_model):
    assert small_model.summarizer.index_.ids is small_model.classifier.vectorizer_.indexes_["ids"]


def test_models_saved_before_the_compiled_form_still_load(default_model, seed_corpus):
    """A pickle state from before the compiled form (plain attributes) is rebuilt into both forms."""
    old = ArticleModel.__new__(ArticleModel)
    old.__setstate__(
        {
            "classifier": default_model.classifier,
            "summarizer": default_model.summarizer,
            "summary_sentences": 2,
            "manifest": {},
        }
    )
    assert old.compiled and old.summary_sentences == 2
    assert old.passage_topics is None  # such a model decides topics from the whole article
    docs = [prepare(d.text, title=d.title) for d in seed_corpus.documents[:10]]
    same = ArticleModel(default_model.classifier, default_model.summarizer, summary_sentences=2)
    assert [p.to_dict() for p in old.predict_prepared(docs)] == [p.to_dict() for p in same.predict_prepared(docs)]


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
    from classify.model.persist import save_model

    path = tmp_path / "m.joblib"
    save_model(default_model, path)
    loaded = classify.load(path)
    assert loaded.compiled
    docs = [loaded.prepare(d.text, title=d.title) for d in seed_corpus.documents[:40]]
    fast = loaded.predict_prepared(docs)
    proba = loaded.classifier.predict_proba_fields(docs, features=loaded.classifier.vectorizer_.transform(docs))
    decided = loaded.classifier.decide(proba)
    # Topics come from the passage head: its scikit-learn form must give what the compiled one gives.
    head = dataclasses.replace(loaded.passage_topics, compiled=None, classifier=loaded._load_estimators()[2])
    classes = loaded.classifier.classes_by_field["topics"]
    topics, proba["topics"], evidence = head.predict(docs, np.ones(len(docs)), proba["topics"], classes)
    for k, (prediction, doc) in enumerate(zip(fast, docs)):
        assert prediction.labels == dict(decided[k], topics=topics[k])
        assert prediction.topic_evidence == evidence[k]
        for field, scores in prediction.scores.items():
            assert list(scores.values()) == pytest.approx(list(proba[field][k]), abs=1e-12)
        assert prediction.summary == loaded.summarizer(doc, loaded.summary_sentences)
    # The estimators share the compiled form's arrays instead of storing them twice.
    assert loaded.classifier.vectorizer_.indexes_ is loaded._runtime[0].indexes
    assert loaded.summarizer.index_ is loaded._runtime[1].index_
