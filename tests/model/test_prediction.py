"""Prediction: the properties and the JSON-ready dict of one labelled article."""

from __future__ import annotations

import json

import pytest
from conftest import PORTAL_PAGE

from classify.model.prediction import Prediction, _stem

SUMMARY = [
    "Sáng 15/8, Bưu điện Việt Nam tổ chức lễ kỷ niệm 78 năm Ngày truyền thống ngành Bưu điện.",
    "Tổng giám đốc trao bằng khen cho 24 tập thể và 56 cá nhân có thành tích xuất sắc.",
]


# The keys README and the batch output document, in the order to_dict writes them.
DOCUMENTED_KEYS = [
    "title",
    "date",
    "event_type",
    "event_confidence",
    "event_abstained",
    "event_best_label",
    "event_scores",
    "topics",
    "topic_scores",
    "topic_evidence",
    "summary",
]


def anniversary() -> Prediction:
    """A prediction as the default model would give for an anniversary article, built by hand."""
    return Prediction(
        labels={"event_type": "anniversary", "topics": ["post_telecom", "digital_transformation"]},
        scores={
            "event_type": {
                "anniversary": 0.912345,
                "annual_review": 0.05432,
                "official_visit": 0.0332,
                "other": 0.00003,
            },
            "topics": {"post_telecom": 0.87654321, "digital_transformation": 0.61, "broadcasting": 0.12347},
        },
        title="Bưu điện Việt Nam kỷ niệm 78 năm Ngày truyền thống",
        date="2023-08-15 09:00",
        byline="Minh Anh",
        summary=list(SUMMARY),
    )


def test_properties_read_the_event_type_and_topic_fields():
    p = anniversary()
    assert p.event_type == "anniversary"
    assert p.event_confidence == 0.912345  # unrounded
    assert p.event_scores == p.scores["event_type"]
    assert p.topics == ["post_telecom", "digital_transformation"]
    assert p.topic_scores == p.scores["topics"]
    assert (p.title, p.date, p.byline, p.summary) == (
        "Bưu điện Việt Nam kỷ niệm 78 năm Ngày truyền thống",
        "2023-08-15 09:00",
        "Minh Anh",
        SUMMARY,
    )


def test_topics_is_a_copy_that_callers_may_change():
    p = anniversary()
    p.topics.append("press_publishing")
    assert p.labels["topics"] == ["post_telecom", "digital_transformation"]


def test_to_dict_uses_the_documented_names_and_rounds_scores_to_four_places():
    p = anniversary()
    d = p.to_dict()
    assert list(d) == DOCUMENTED_KEYS
    assert d == {
        "title": "Bưu điện Việt Nam kỷ niệm 78 năm Ngày truyền thống",
        "date": "2023-08-15 09:00",
        "event_type": "anniversary",
        "event_confidence": 0.9123,
        "event_abstained": False,
        "event_best_label": "anniversary",
        "event_scores": {"anniversary": 0.9123, "annual_review": 0.0543, "official_visit": 0.0332, "other": 0.0},
        "topics": ["post_telecom", "digital_transformation"],
        "topic_scores": {"post_telecom": 0.8765, "digital_transformation": 0.61, "broadcasting": 0.1235},
        "topic_evidence": {},
        "summary": SUMMARY,
    }
    assert d["summary"] is not p.summary


def test_custom_fields_are_named_by_their_stem():
    """A single-label field gets ``<stem>_confidence``, ``_abstained`` and ``_best_label``; every field
    gets ``<stem>_scores``; a multi-label field gets ``<stem>_evidence``."""
    p = Prediction(
        labels={"sentiment": "positive", "tags": ["5g", "nong_thon"]},
        scores={
            "sentiment": {"positive": 0.81234, "neutral": 0.15, "negative": 0.03766},
            "tags": {"5g": 0.7, "nong_thon": 0.55557, "the_thao": 0.02},
        },
        title="Phủ sóng 5G đến các xã nông thôn mới",
    )
    assert p.to_dict() == {
        "title": "Phủ sóng 5G đến các xã nông thôn mới",
        "date": None,
        "sentiment": "positive",
        "sentiment_confidence": 0.8123,
        "sentiment_abstained": False,
        "sentiment_best_label": "positive",
        "sentiment_scores": {"positive": 0.8123, "neutral": 0.15, "negative": 0.0377},
        "tags": ["5g", "nong_thon"],
        "tag_scores": {"5g": 0.7, "nong_thon": 0.5556, "the_thao": 0.02},
        "tag_evidence": {},
        "summary": [],
    }


@pytest.mark.parametrize(
    ("name", "stem"),
    [("event_type", "event"), ("topics", "topic"), ("tags", "tag"), ("sentiment", "sentiment"), ("s", "s")],
)
def test_stem_drops_a_type_suffix_or_a_plural_s(name, stem):
    assert _stem(name) == stem


def test_without_an_event_type_field_the_event_properties_are_empty():
    p = Prediction(labels={"sentiment": "neutral"}, scores={"sentiment": {"neutral": 0.6, "positive": 0.4}})
    assert p.event_type is None
    assert p.event_confidence is None
    assert p.event_scores == {}
    assert p.topics == [] and p.topic_scores == {}
    assert "event_confidence" not in p.to_dict()


def test_to_dict_is_json_ready_with_documented_names(default_model):
    d = default_model.predict(PORTAL_PAGE).to_dict()
    assert set(DOCUMENTED_KEYS) <= set(d)
    json.dumps(d, ensure_ascii=False)
