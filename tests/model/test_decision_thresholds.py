"""decision_thresholds: the score at which each topic is decided, on the scale predictions report."""

from conftest import SEEDS


def _texts(n=40):
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:n]]


def _check(model):
    thresholds = model.decision_thresholds()["topics"]
    for prediction in model.predict_many(_texts()):
        decided = [t for t, score in prediction.topic_scores.items() if score >= thresholds[t]]
        assert sorted(prediction.topics) == sorted(decided)
    return thresholds


def test_topics_decided_from_evidence_are_decided_at_one_half(small_model):
    assert set(_check(small_model).values()) == {0.5}


def test_document_level_topics_are_decided_at_the_cross_validated_thresholds(small_model):
    from classify.model.predictor import ArticleModel

    document_level = ArticleModel(small_model.classifier, small_model.summarizer)  # no passage head
    thresholds = _check(document_level)
    assert thresholds == small_model.classifier.thresholds_["topics"] and len(set(thresholds.values())) > 1
