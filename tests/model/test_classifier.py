import unicodedata

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from classify.model.classifier import ArticleClassifier
from classify.text import prepare

# A tiny single-field corpus written for these tests ("category", like VNTC).
TELECOM = [
    "Viettel phủ sóng 4G đến 98% số xã, lắp thêm 300 trạm phát sóng mới.",
    "VNPT nâng cấp tuyến cáp quang biển, băng thông quốc tế tăng gấp đôi.",
    "MobiFone thử nghiệm mạng 5G tại khu công nghệ cao, tốc độ đạt 1 Gbps.",
    "Số thuê bao di động trên địa bàn tỉnh vượt 1,2 triệu, thuê bao Internet tăng mạnh.",
    "Nhà mạng cam kết khắc phục sự cố đứt cáp quang trong 24 giờ.",
    "Bưu điện tỉnh mở rộng dịch vụ chuyển phát nhanh đến các xã vùng sâu.",
]
PRESS = [
    "Hội Nhà báo tỉnh tổ chức lớp bồi dưỡng nghiệp vụ cho 60 phóng viên trẻ.",
    "Cục Báo chí nhắc nhở ba tạp chí in sai tôn chỉ, mục đích hoạt động.",
    "Giải báo chí tỉnh nhận 230 tác phẩm dự thi ở các loại hình báo in, báo điện tử.",
    "Ban Tuyên giáo Tỉnh ủy chủ trì giao ban báo chí, định hướng tuyên truyền tháng tới.",
    "Nhà xuất bản tỉnh phát hành bộ sách lịch sử địa phương, in 5.000 bản.",
    "Tòa soạn báo chuyển sang mô hình hội tụ, xuất bản đồng thời trên báo in và báo điện tử.",
]
TEXTS = TELECOM + PRESS
CATEGORIES = ["telecom"] * 6 + ["press"] * 6


def test_plain_labels_fit_predict_and_follow_the_estimator_contract():
    est = ArticleClassifier(C=1.0)
    assert est.fit(TEXTS, CATEGORIES) is est
    assert list(est.classes_) == ["press", "telecom"]
    assert est.predict(["Nhà mạng lắp trạm phát sóng 5G mới tại huyện."])[0] == "telecom"
    assert est.predict(["Phóng viên báo tỉnh dự lớp nghiệp vụ báo chí."])[0] == "press"
    proba = est.predict_proba(TEXTS)
    assert proba.shape == (12, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    fresh = clone(est)
    assert not hasattr(fresh, "heads_")
    assert fresh.get_params() == est.get_params()


def test_grid_search_works_on_the_estimator():
    search = GridSearchCV(ArticleClassifier(), {"C": [0.5, 2.0]}, cv=KFold(3, shuffle=True, random_state=0))
    search.fit(TEXTS, CATEGORIES)
    assert search.best_params_["C"] in (0.5, 2.0)
    assert 0.0 <= search.best_score_ <= 1.0


def test_invalid_parameters_are_rejected_at_fit():
    with pytest.raises(ValueError, match="C must be > 0"):
        ArticleClassifier(C=0).fit(TEXTS, CATEGORIES)
    with pytest.raises(ValueError, match="unknown tokenizer"):
        ArticleClassifier(tokenizer="bpe").fit(TEXTS, CATEGORIES)
    with pytest.raises(ValueError, match="12 articles but y has 2"):
        ArticleClassifier().fit(TEXTS, ["a", "b"])


def test_multi_head_fields_come_from_the_data(small_model):
    clf = small_model.classifier
    assert clf.label_fields_ == {"event_type": "single", "topics": "multi"}
    assert set(clf.thresholds_["topics"]) == set(clf.classes_["topics"])
    assert all(0.0 < t < 1.0 for t in clf.thresholds_["topics"].values())


def test_custom_label_set_trains_without_code_change():
    y = [{"event": "training" if i % 2 else "cinema_week", "tags": ["cinema"] if i < 6 else []} for i in range(12)]
    est = ArticleClassifier().fit(TEXTS, y)
    assert set(est.classes_["event"]) == {"training", "cinema_week"}
    assert list(est.classes_["tags"]) == ["cinema"]
    row = est.predict(TEXTS[:1])[0]
    assert set(row) == {"event", "tags"}


def test_abstain_path_falls_back_to_other(small_model):
    clf = small_model.classifier
    docs = [prepare("Hội nghị tổng kết công tác năm của Sở Thông tin và Truyền thông tỉnh.")]
    proba = clf.predict_proba_fields(docs)
    saved = clf.thresholds_["event_type"]
    try:
        clf.thresholds_["event_type"] = 1.01  # nothing is that confident
        assert clf.decide(proba)[0]["event_type"] == "other"
        clf.thresholds_["event_type"] = 0.0
        best = clf.classes_["event_type"][np.argmax(proba["event_type"][0])]
        assert clf.decide(proba)[0]["event_type"] == best
    finally:
        clf.thresholds_["event_type"] = saved


def test_a_refit_predicts_with_the_new_fit_not_the_first(seed_corpus):
    # The numpy form is built on the first prediction; a second fit must not keep predicting with it.
    first, second = seed_corpus.texts[0:200:4], seed_corpus.texts[1:200:4]
    first_labels, second_labels = seed_corpus.labels[0:200:4], seed_corpus.labels[1:200:4]
    probe = seed_corpus.texts[2:200:8]
    refitted = ArticleClassifier(threshold_folds=1).fit(first, first_labels)
    assert refitted.compile() is not None
    refitted.predict_proba_fields(probe)
    refitted.fit(second, second_labels)
    fresh = ArticleClassifier(threshold_folds=1).fit(second, second_labels)
    for name, proba in fresh.predict_proba_fields(probe).items():
        np.testing.assert_allclose(refitted.predict_proba_fields(probe)[name], proba)


def test_training_is_deterministic(seed_corpus):
    docs = seed_corpus.texts[::6]
    labels = seed_corpus.labels[::6]
    first = ArticleClassifier().fit(docs, labels).predict_proba_fields(docs)
    second = ArticleClassifier().fit(docs, labels).predict_proba_fields(docs)
    for name in first:
        assert first[name].tobytes() == second[name].tobytes()


def test_nfd_input_gives_the_same_prediction(default_model, seed_corpus):
    text = seed_corpus.texts[0]
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    a, b = default_model.predict(text), default_model.predict(nfd)
    assert a.labels == b.labels and a.scores == b.scores and a.summary == b.summary


def test_foreign_language_text_is_low_confidence_not_a_crash(default_model):
    english = "The quarterly earnings call covered revenue growth in the cloud segment and new hiring plans."
    prediction = default_model.predict(english)
    assert prediction.event_type in default_model.classifier.classes_["event_type"]
    assert prediction.event_confidence < 0.5
    assert prediction.topics == []


def test_compiled_paths_equal_scikit_learn(small_model, seed_corpus):
    """The direct calibrated-SVM probabilities change speed, not results.

    The indexed transform is compared with scikit-learn's in tests/test_features.py.
    """
    from classify.model.classifier import _compile_head
    from classify.model.runtime import LinearHead

    classifier = small_model.classifier
    vectorizer = classifier.vectorizer_
    assert vectorizer.indexes_ is not None
    docs = [prepare(d.text, title=d.title) for d in seed_corpus.documents[1::9]]
    fast = vectorizer.transform(docs)
    heads = [classifier.heads_["event_type"], *classifier.heads_["topics"].values()]
    for head in heads:
        compiled = _compile_head(head)
        assert isinstance(compiled, LinearHead)
        assert np.allclose(compiled.predict_proba(fast), head.predict_proba(fast), atol=1e-12)


def test_fast_coverage_equals_the_set_based_count(small_model, seed_corpus):
    classifier = small_model.classifier
    assert classifier.coverage_table_ is not None
    texts = [
        seed_corpus.documents[3].text,
        "The committee met on Monday to review the annual budget report.",
        "12 34 56",
    ]
    docs = [prepare(t) for t in texts]
    fast = classifier.coverage(docs)
    classifier_slow = clone(classifier)
    classifier_slow.__dict__.update(classifier.__dict__)
    classifier_slow.coverage_table_ = None
    slow = classifier_slow.coverage(docs)
    assert np.allclose(fast, slow)
    assert fast[0] > 0.9 and fast[1] < 0.5 and fast[2] == 1.0


# Articles about the network that a labeller could not decide were "telecom" (they are also about the press).
DISPUTED = [
    "Báo tỉnh mở chuyên mục về hạ tầng số: nhà mạng lắp thêm trạm phát sóng 4G ở các xã biên giới.",
    "Phóng viên báo điện tử theo chân kỹ sư Viettel sửa tuyến cáp quang bị đứt sau lũ.",
    "Tạp chí Thông tin và Truyền thông ra số đặc biệt về phủ sóng di động 5G và thuê bao Internet.",
    "Đài tỉnh và báo tỉnh đưa tin VNPT khắc phục sự cố mạng, thuê bao di động liên lạc trở lại.",
]


def test_unsure_labels_teach_neither_yes_nor_no_and_leave_the_other_labels_alone():
    texts = TEXTS + DISPUTED
    y = [{"topics": ["telecom"]}] * 6 + [{"topics": ["press"]}] * 6 + [{"topics": ["press"]}] * 4
    unsure = [{}] * 12 + [{"topics": ["telecom"]}] * 4
    queries = [
        "Nhà mạng lắp trạm phát sóng 4G, sửa cáp quang và tăng thuê bao di động.",
        "Báo tỉnh đưa tin: thuê bao Internet cáp quang của VNPT tăng 20% trong năm.",
    ]

    def proba(model, column):
        index = list(model.classes_["topics"]).index(column)
        return model.predict_proba_fields(queries)["topics"][:, index]

    said_no = ArticleClassifier(threshold_folds=3).fit(texts, y)
    unsure_of = ArticleClassifier(threshold_folds=3).fit(texts, y, unsure=unsure)
    # Labelled "not telecom", the disputed articles pull telecom down; unsure, they do not.
    assert (proba(unsure_of, "telecom") > proba(said_no, "telecom") + 0.05).all()
    # The press head still learns from them, exactly as before.
    np.testing.assert_array_equal(proba(unsure_of, "press"), proba(said_no, "press"))
    assert unsure_of.thresholds_["topics"]["press"] == said_no.thresholds_["topics"]["press"]
    with pytest.raises(ValueError, match="16 articles but unsure has 3"):
        ArticleClassifier().fit(texts, y, unsure=unsure[:3])


def test_what_an_unsure_label_says_changes_nothing_about_that_label():
    # Unsure of telecom, the disputed articles are left out of telecom's head and threshold: whether their
    # labels say telecom or not must not matter (a label in both lists counts as unsure).
    texts = TEXTS + DISPUTED + [t.replace("tỉnh", "thành phố") for t in DISPUTED]
    n_disputed = 2 * len(DISPUTED)
    unsure = [{}] * 12 + [{"topics": ["telecom"]}] * n_disputed
    sure = [{"topics": ["telecom"]}] * 6 + [{"topics": ["press"]}] * 6
    said_no = ArticleClassifier(threshold_folds=3).fit(
        texts, sure + [{"topics": ["press"]}] * n_disputed, unsure=unsure
    )
    said_yes = ArticleClassifier(threshold_folds=3).fit(
        texts, sure + [{"topics": ["press", "telecom"]}] * n_disputed, unsure=unsure
    )
    queries = ["Nhà mạng lắp trạm phát sóng 4G, sửa cáp quang và tăng thuê bao di động.", *DISPUTED]
    telecom = [list(m.classes_["topics"]).index("telecom") for m in (said_no, said_yes)]
    np.testing.assert_allclose(
        said_no.predict_proba_fields(queries)["topics"][:, telecom[0]],
        said_yes.predict_proba_fields(queries)["topics"][:, telecom[1]],
    )
    assert said_no.thresholds_["topics"]["telecom"] == said_yes.thresholds_["topics"]["telecom"]
