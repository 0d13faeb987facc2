import numpy as np
import pytest
from conftest import PORTAL_PAGE

from classify.model.explain import label_weights, top_contributions


def test_explain_features_appear_in_the_text(default_model):
    from classify.text import normalize, syllable_tokenize

    explanation = default_model.explain(PORTAL_PAGE, k=6)
    tokens = " ".join(syllable_tokenize(normalize(PORTAL_PAGE)))
    assert explanation["labels"]["event_type"] in explanation["evidence"]["event_type"]
    for field in explanation["evidence"].values():
        for ngrams in field.values():
            assert ngrams
            for ngram, weight in ngrams:
                assert ngram.removeprefix("lead:") in tokens and isinstance(weight, float)
    ranked = explanation["summary"]
    assert sum(r["selected"] for r in ranked) == 3
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)


def _base_estimator(head):
    return head.calibrated_classifiers_[0].estimator if hasattr(head, "calibrated_classifiers_") else head


def test_all_contributions_add_up_to_the_heads_decision(default_model):
    """Every signed weight explain reports is a real term of the score that decided the label."""
    classifier = default_model.classifier
    doc = default_model.prepare(PORTAL_PAGE)
    features = classifier.transform([doc])
    names = classifier.vectorizer_.feature_names()
    every = features[0].nnz
    checked = 0
    for name, kind in classifier.label_fields_.items():
        heads = [classifier.heads_[name]] if kind == "single" else list(classifier.heads_[name].values())
        for head in heads:
            base = _base_estimator(head)
            if not hasattr(base, "coef_"):
                continue
            decision = np.atleast_2d(base.decision_function(features))[0]
            classes = list(base.classes_) if kind == "single" else [1]
            for column, label in enumerate(classes):
                terms = top_contributions(features[0], label_weights(head, label), names, k=every)
                intercept = np.atleast_1d(base.intercept_)[column]
                assert sum(w for _, w in terms) + intercept == pytest.approx(
                    decision[column], abs=5e-5 * every + 1e-9
                )  # terms are rounded to 4 places
                checked += 1
    assert checked >= 4 + 6  # the event head's four labels and the six topic heads


def test_the_negative_class_of_a_binary_head_gets_the_opposite_weights():
    from sklearn.linear_model import LogisticRegression

    head = LogisticRegression().fit(np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0]]), ["a", "b", "a", "b"])
    assert np.array_equal(label_weights(head, "b"), head.coef_[0])
    assert np.array_equal(label_weights(head, "a"), -head.coef_[0])


def test_a_constant_head_has_nothing_to_explain():
    from sklearn.dummy import DummyClassifier

    assert label_weights(DummyClassifier().fit([[0], [1]], [1, 1]), 1) is None


def test_top_contributions_are_the_largest_in_absolute_value():
    from scipy.sparse import csr_matrix

    row = csr_matrix(np.array([[0.5, 0.0, 1.0, 2.0]]))
    weights = np.array([-4.0, 9.0, 1.0, 0.25])
    assert top_contributions(row, weights, ["a", "b", "c", "d"], k=2) == [("a", -2.0), ("c", 1.0)]


def test_format_explanation_cuts_long_sentences_only_in_the_text_form():
    from classify.model.explain import format_explanation

    long_sentence = "Sở Thông tin và Truyền thông tỉnh Bắc Kạn " * 6
    explanation = {
        "title": "Hội nghị tổng kết",
        "date": None,
        "labels": {"event_type": "annual_review", "topics": []},
        "scores": {"event_type": {"annual_review": 0.9, "other": 0.1}, "topics": {"it_egov": 0.2}},
        "evidence": {"event_type": {"annual_review": [("lead:tổng kết", 0.05)]}, "topics": {}},
        "summary": [{"position": 4, "score": 0.31, "selected": True, "text": long_sentence}],
    }
    text = format_explanation(explanation, width=60)
    assert "topics: (none)" in text and "annual_review 0.900 · other 0.100" in text
    assert "    +0.0500  lead:tổng kết" in text
    (line,) = [line for line in text.splitlines() if line.startswith("  * #4")]
    assert line.endswith("…") and len(line.split("0.3100  ")[1]) == 60
