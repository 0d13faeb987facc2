"""Topics from evidence (issue #29): the shipped model decides topics from supporting passages."""

import numpy as np
import pytest

from classify.model.passages import rescale_to_half, weak_passage_labels
from classify.text import prepare

PRESS_ONLY_REVIEW = """Sở TT&TT Hà Tĩnh tổng kết công tác báo chí, xuất bản năm 2023
( Cập nhật lúc: 12/01/2024 )
Sở TTTT HT - Sáng 11/1, Sở Thông tin và Truyền thông tỉnh Hà Tĩnh tổ chức hội nghị tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024.
Năm 2023, các cơ quan báo chí của tỉnh đăng phát hơn 14.000 tin, bài; Sở đã cấp 37 giấy phép xuất bản bản tin, thẩm định 120 xuất bản phẩm lưu chiểu và chấn chỉnh 4 cơ quan báo chí đưa tin sai sự thật.
Công tác quản lý báo chí được siết chặt: Sở tổ chức 3 cuộc giao ban báo chí, định hướng tuyên truyền các sự kiện lớn và xử lý nghiêm 2 trường hợp phóng viên vi phạm quy định về hoạt động báo chí.
Năm 2024, Sở tiếp tục nâng cao chất lượng thẩm định xuất bản phẩm, tăng cường quản lý hoạt động in và phát hành, hỗ trợ các tòa soạn chuyển đổi sang mô hình hội tụ.
"""

NO_SECTOR_OPENING = """Sở Thông tin và Truyền thông tổ chức hội nghị tổng kết năm 2024
Thứ Sáu, 10/01/2025 - 15:20
Chiều 9/1, Sở Thông tin và Truyền thông tỉnh Ninh Bình tổ chức hội nghị tổng kết công tác năm 2024, triển khai nhiệm vụ năm 2025. Dự hội nghị có đồng chí Phạm Thị Lan, Phó Chủ tịch UBND tỉnh, cùng lãnh đạo các phòng, đơn vị trực thuộc Sở.
"""

TRAFFIC_ACCIDENT = """Xe khách lật trên đèo, 3 người bị thương
22:13 05-01-2024 | :533
(CTTĐT) - Khoảng 5 giờ sáng 5/1, một xe khách 29 chỗ chạy tuyến Lạng Sơn - Hà Nội bị lật khi xuống dốc đèo Sài Hồ. Ba hành khách bị thương được đưa đến bệnh viện đa khoa huyện cấp cứu, sức khỏe đã ổn định. Công an huyện đang điều tra nguyên nhân vụ tai nạn.
"""

WEATHER = """Không khí lạnh tăng cường, vùng núi có nơi dưới 5 độ C
Ngày đăng: 03/12/2024
Theo Đài Khí tượng thủy văn tỉnh, từ đêm 3/12, không khí lạnh tăng cường ảnh hưởng đến tỉnh, nhiệt độ thấp nhất ở vùng núi có nơi dưới 5 độ C, có khả năng xuất hiện băng giá. Người dân cần giữ ấm cho trẻ nhỏ, người già và che chắn chuồng trại cho gia súc.
"""

PARTY_REVIEW = """Đảng bộ tỉnh sơ kết công tác 6 tháng đầu năm 2024
Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh Quảng Trị tổ chức hội nghị sơ kết công tác 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2024. Tăng trưởng kinh tế 6 tháng ước đạt 6,2%; thu ngân sách đạt 54% dự toán; công tác xây dựng Đảng, xây dựng hệ thống chính trị tiếp tục được chú trọng. Hội nghị yêu cầu tập trung đẩy nhanh giải ngân vốn đầu tư công và bảo đảm an sinh xã hội.
"""


@pytest.fixture(scope="module")
def model(default_model):
    if default_model.passage_topics is None:
        pytest.skip("the shipped model has no passage head")
    return default_model


def test_every_topic_has_an_evidence_sentence_verbatim_from_the_cleaned_article(model):
    for text in [PRESS_ONLY_REVIEW, *[p.read_text(encoding="utf-8") for p in _seed_pages()]]:
        prediction = model.predict(text)
        doc = prepare(text)
        sentences = set(doc.sentences) | {doc.title}
        assert set(prediction.topic_evidence) == set(prediction.topics)
        for topic, sentence in prediction.topic_evidence.items():
            assert sentence in sentences, (topic, sentence)
        assert all(prediction.topic_scores[t] >= 0.5 for t in prediction.topics)
        assert all(s < 0.5 for t, s in prediction.topic_scores.items() if t not in prediction.topics)


def test_a_review_that_only_discusses_press_gets_press_publishing_alone(model):
    prediction = model.predict(PRESS_ONLY_REVIEW)
    assert prediction.event_type == "annual_review"
    assert prediction.topics == ["press_publishing"]
    assert "Sở TTTT HT" not in prediction.topic_evidence["press_publishing"]


def test_an_opening_with_no_sector_content_gets_no_topic(model):
    prediction = model.predict(NO_SECTOR_OPENING)
    assert prediction.event_type == "annual_review"
    assert prediction.topics == []
    assert prediction.topic_evidence == {}


@pytest.mark.parametrize(
    ("text", "event"), [(TRAFFIC_ACCIDENT, "other"), (WEATHER, "other"), (PARTY_REVIEW, "annual_review")]
)
def test_news_outside_the_sector_gets_no_topic_and_its_event_by_form(model, text, event):
    prediction = model.predict(text)
    assert prediction.topics == []
    assert prediction.event_type == event


def test_event_abstained_is_set_exactly_when_the_threshold_fallback_happens():
    import classify

    model = classify.load()  # a copy of its own: the threshold is raised below
    texts = [p.read_text(encoding="utf-8") for p in _seed_pages(80)] + [TRAFFIC_ACCIDENT, WEATHER, PARTY_REVIEW]
    texts += [t[: len(t) // 6] for t in texts[:40]]  # openings: less sure
    model._runtime[0].thresholds["event_type"] = 0.0
    confidence = sorted(max(p.event_scores.values()) for p in model.predict_many(texts) if p.event_type != "other")
    threshold = model._runtime[0].thresholds["event_type"] = confidence[len(confidence) // 2]
    seen = set()
    for prediction in model.predict_many(texts):
        best = max(prediction.event_scores, key=prediction.event_scores.get)
        fallback = prediction.event_scores[best] < threshold and best != "other"
        assert prediction.event_abstained is fallback
        record = prediction.to_dict()
        assert record["event_abstained"] is fallback and record["event_best_label"] == best
        assert prediction.event_type == ("other" if fallback else best)
        seen.add(fallback)
    assert seen == {True, False}, "the texts should include both cases"


def test_scores_are_rescaled_so_that_every_threshold_is_one_half():
    scores = np.array([[0.0, 0.2, 0.4, 0.9, 1.0]]).T * np.ones((1, 2))
    out = rescale_to_half(scores, np.array([0.4, 0.9]))
    assert out[:, 0].tolist() == pytest.approx([0.0, 0.25, 0.5, 0.5 + 0.5 / 0.6 * 0.5, 1.0])
    assert out[3, 1] == pytest.approx(0.5) and out[2, 1] < 0.5


def test_weak_passage_labels_give_each_document_topic_to_its_best_passage_only():
    proba = np.array([[0.9, 0.1, 0.7], [0.2, 0.3, 0.1], [0.6, 0.05, 0.2]])
    labels = weak_passage_labels(proba, ["a", "b"], ["a", "b", "c"])
    # a: passages scoring >= 0.5 (0 and 2); b: its best passage only (1); c is not a document topic.
    assert labels == [["a"], ["b"], ["a"]]


def _seed_pages(n: int = 5):
    from conftest import SEEDS

    return sorted(SEEDS.glob("*.txt"))[:n]


class _KeywordScorer:
    """A passage scorer by hand: a passage's probability for a topic is 0.9 if it holds the topic's word."""

    words = {"press_publishing": "báo", "post_telecom": "sóng"}

    def predict_proba_fields(self, docs):
        rows = [[0.9 if word in doc.paragraphs[0] else 0.05 for word in self.words.values()] for doc in docs]
        return {"topics": np.array(rows)}


def test_a_topic_needs_a_supporting_passage_however_sure_the_whole_article_model_is():
    from classify.model.passages import PassageTopics

    head = PassageTopics(
        "topics",
        None,
        np.array(list(_KeywordScorer.words), dtype=object),
        {"press_publishing": 0.6, "post_telecom": 0.6},
        compiled=_KeywordScorer(),
        doc_weight=0.5,
    )
    doc = prepare(
        "Hội nghị tổng kết năm 2023\n"
        "Hội nghị diễn ra sáng 11/1 tại hội trường Sở. Năm qua các tờ báo của tỉnh đăng 9.000 tin, bài. "
        "Đại biểu thảo luận sôi nổi.\n"
        "Các đơn vị cam kết hoàn thành nhiệm vụ năm 2024."
    )
    # The whole-article model is sure of both topics; only press has a passage behind it.
    doc_proba = np.array([[0.95, 0.95]])
    topics, scores, evidence = head.predict([doc], None, doc_proba, ["press_publishing", "post_telecom"])
    assert topics == [["press_publishing"]]
    assert evidence == [{"press_publishing": "Năm qua các tờ báo của tỉnh đăng 9.000 tin, bài."}]  # its sentence
    assert scores[0, 0] >= 0.5 > scores[0, 1]


def test_passages_are_the_headline_the_paragraphs_and_the_sentences_of_longer_paragraphs():
    from classify.model.passages import _passage_docs, document_passages
    from classify.text import split_sentences

    doc = prepare(
        PRESS_ONLY_REVIEW
        + "Mạng 4G phủ 98% số xã. Tỷ lệ hồ sơ trực tuyến đạt 61%. Hệ thống họp trực tuyến được nâng cấp.\n"
    )
    expected = [doc.title, *doc.paragraphs]
    expected += [s for p in doc.paragraphs if len(split_sentences(p)) > 1 for s in split_sentences(p)]
    assert document_passages(doc) == expected and len(expected) > 1 + len(doc.paragraphs)
    for passage in _passage_docs(doc):  # the sentences each passage carries are its own
        assert passage.sentences == split_sentences(passage.paragraphs[0])


def test_what_an_unsure_topic_says_changes_nothing_about_that_topics_passage_head(seed_corpus, monkeypatch):
    """Unsure of broadcasting, an article's lines and its place in the threshold folds are left out for that
    topic: whether its labels say broadcasting or not must change neither the line head nor the threshold."""
    from sklearn.base import clone

    from classify.corpus.reader import passage_lines
    from classify.model.classifier import ArticleClassifier
    from classify.model.passages import fit_passage_topics
    from classify.text import normalize

    documents = seed_corpus.documents[::10]
    about = [i for i, doc in enumerate(documents) if "broadcasting" in doc.labels["topics"]]
    not_about = [i for i, doc in enumerate(documents) if "broadcasting" not in doc.labels["topics"]]
    # Half of the broadcasting articles (the other half teach it), and articles about something else.
    disputed = set(about[::2]) | set(not_about[:8])
    lines = [[normalize(line) for line in passage_lines(doc.text)] for doc in documents]
    docs = [prepare(doc.text, title=doc.title) for doc in documents]
    unsure = [["broadcasting"] if i in disputed else [] for i in range(len(documents))]

    def fit(say_yes: bool):
        def said(topics, i):
            if i not in disputed:
                return sorted(topics)
            return sorted(set(topics) | {"broadcasting"}) if say_yes else sorted(set(topics) - {"broadcasting"})

        line_labels = [[said(t, i) for t in doc.passage_labels] for i, doc in enumerate(documents)]
        doc_topics = [said(doc.labels["topics"], i) for i, doc in enumerate(documents)]
        make = lambda: clone(ArticleClassifier(min_coverage=0.0, threshold_folds=1))  # noqa: E731
        groups = [doc.group for doc in documents]
        return fit_passage_topics(make, "topics", lines, line_labels, docs, doc_topics, groups, folds=3, unsure=unsure)

    import classify.model.passages as passages

    scored = []  # how many documents each threshold's F1 is computed over
    f1 = passages._f1
    monkeypatch.setattr(passages, "_f1", lambda truth, predicted: scored.append(len(truth)) or f1(truth, predicted))
    said_yes, said_no = fit(True), fit(False)
    assert set(scored) == {len(documents), len(documents) - len(disputed)}  # broadcasting's: the sure ones
    assert len(disputed) >= 4 and "broadcasting" in set(said_no.classes)  # the sure articles still teach it
    np.testing.assert_allclose(said_yes.score(docs[:20])[0][:, list(said_yes.classes).index("broadcasting")],
                               said_no.score(docs[:20])[0][:, list(said_no.classes).index("broadcasting")])  # fmt: skip
    assert said_yes.thresholds["broadcasting"] == said_no.thresholds["broadcasting"]
