"""SentenceRanker: personalised PageRank, the prior, candidate filtering and redundancy-aware selection."""

from __future__ import annotations

import numpy as np
import pytest

from classify.summarizers.ranking import RankedSentence, SentenceRanker
from classify.summarizers.summarizer import TextRankSummarizer
from classify.text import prepare

SETTINGS = {name: value for name, value in TextRankSummarizer().get_params().items() if name != "tokenizer"}

# The first sentence has four words (below the default min_words of five); the other five are news prose.
ARTICLE = """Bưu điện huyện Con Cuông mở thêm hai điểm giao dịch

Thứ năm, 14/9/2023 10:15

Đây là tin vui. Bưu điện huyện Con Cuông vừa mở thêm hai điểm giao dịch tại các xã vùng cao. Các điểm giao dịch nhận gửi thư, bưu phẩm và chi trả lương hưu cho người cao tuổi. Người dân không còn phải đi hơn hai mươi cây số để gửi một bưu kiện.
Giám đốc bưu điện tỉnh cho biết sẽ mở thêm năm điểm trong năm tới. Mỗi điểm có một nhân viên được đào tạo về dịch vụ tài chính bưu chính."""

# The fourth sentence repeats the headline; the lead is about something else.
HEADLINE_REPEATED = """Đà Nẵng thí điểm dịch vụ công trực tuyến mức độ 4 trên điện thoại

Thứ hai, 12/6/2023 08:30

Sáng 12/6, Sở Thông tin và Truyền thông thành phố tổ chức hội nghị sơ kết công tác sáu tháng đầu năm. Lãnh đạo các quận, huyện và đại diện doanh nghiệp bưu chính, viễn thông đã tham dự hội nghị. Báo cáo cho biết tỷ lệ hộ gia đình có cáp quang đạt hơn tám mươi phần trăm. Từ tháng tới, Đà Nẵng thí điểm cung cấp dịch vụ công trực tuyến mức độ 4 ngay trên điện thoại di động. Người dân sẽ nộp hồ sơ, theo dõi kết quả và thanh toán lệ phí mà không cần đến cơ quan nhà nước."""

LEAD = "Sở Thông tin và Truyền thông tỉnh Lai Châu tổng kết công tác chuyển đổi số năm 2023."
ECHO = "Sở Thông tin và Truyền thông tỉnh Lai Châu đã tổng kết công tác chuyển đổi số năm 2023."
OTHER = "Kinh phí đầu tư lấy từ chương trình mục tiêu quốc gia."
LONG = (
    "Hội nghị cũng đã nghe các đơn vị báo cáo về kết quả triển khai nền tảng địa chỉ số, "
    "hệ thống thông tin báo cáo và kho dữ liệu dùng chung của tỉnh trong năm qua."
)


@pytest.fixture(scope="module")
def ranker(seed_corpus) -> SentenceRanker:
    """The numpy ranker a saved model uses, from a summarizer fitted on the project's corpus."""
    summarizer = TextRankSummarizer().fit([prepare(d.text, title=d.title) for d in seed_corpus.documents])
    return summarizer.ranker()


def configured(ranker: SentenceRanker | None = None, **changes) -> SentenceRanker:
    """A ranker with the default settings (or ``ranker``'s) and ``changes``; no index when ``ranker`` is None."""
    settings = {name: getattr(ranker, name) for name in SETTINGS} if ranker is not None else dict(SETTINGS)
    return SentenceRanker(ranker.index_ if ranker is not None else None, **(settings | changes))


def test_pagerank_returns_the_fixed_point_and_scores_sum_to_one():
    similarity = np.array(
        [
            [0.0, 0.5, 0.1, 0.0],
            [0.5, 0.0, 0.3, 0.2],
            [0.1, 0.3, 0.0, 0.0],
            [0.0, 0.2, 0.0, 0.0],
        ]
    )
    prior = np.array([0.4, 0.3, 0.2, 0.1])
    damping = 0.6
    rank = configured(damping=damping)._pagerank(similarity, prior)
    transition = similarity / similarity.sum(axis=1, keepdims=True)
    assert np.allclose(rank, (1 - damping) * prior + damping * transition.T @ rank, atol=1e-12)
    assert rank.sum() == pytest.approx(1.0, abs=1e-12)
    assert (rank > 0).all()


def test_a_sentence_sharing_no_word_with_any_other_gets_its_mass_from_the_prior():
    similarity = np.array(
        [
            [0.0, 0.6, 0.2, 0.0],
            [0.6, 0.0, 0.4, 0.0],
            [0.2, 0.4, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    prior = np.array([0.1, 0.2, 0.3, 0.4])
    damping = 0.5
    rank = configured(damping=damping)._pagerank(similarity, prior)
    # No other sentence links to the isolated one: it only receives the prior, part of it back from itself.
    assert rank[3] == pytest.approx((1 - damping) * prior[3] / (1 - damping * prior[3]), abs=1e-12)
    # Its own mass is sent along the prior instead of being lost.
    assert rank.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(("similarity", "expected"), [(0.7, [0, 2]), (0.95, [0, 2]), (0.69, [0, 1])])
def test_a_near_duplicate_of_the_chosen_sentence_is_never_chosen_second(similarity, expected):
    """Redundancy is off, so only max_similarity (0.7, inclusive) keeps the near-duplicate out."""
    matrix = np.array([[0.0, similarity, 0.1], [similarity, 0.0, 0.1], [0.1, 0.1, 0.0]])
    chosen = configured(redundancy=0.0)._select(np.array([1.0, 0.9, 0.5]), matrix, [LEAD, ECHO, OTHER], 2, None)
    assert chosen == expected


def test_an_identical_sentence_with_no_known_word_is_chosen_once():
    """Sentences whose vectors are empty have similarity 0 even when they are the same text."""
    chosen = configured(redundancy=0.0)._select(
        np.array([1.0, 0.9, 0.5]), np.zeros((3, 3)), [LEAD, LEAD, OTHER], 3, None
    )
    assert chosen == [0, 2]


@pytest.mark.parametrize(
    ("max_chars", "expected"),
    [
        (len(LEAD) + 1 + len(OTHER), [0, 2]),  # the long sentence overflows, the shorter one after it fits
        (len(LEAD) + len(OTHER), [0]),  # the joining space counts
        (len(LEAD) + 1 + len(LONG) + 1 + len(OTHER), [0, 1, 2]),
        (len(OTHER), [2]),  # even the best sentence is skipped when it does not fit
        (0, []),
    ],
)
def test_selection_skips_sentences_that_overflow_the_character_budget(max_chars, expected):
    chosen = configured()._select(np.array([1.0, 0.9, 0.8]), np.zeros((3, 3)), [LEAD, LONG, OTHER], 3, max_chars)
    assert chosen == expected
    assert len(" ".join([LEAD, LONG, OTHER][k] for k in chosen)) <= max_chars


def test_equal_scores_go_to_the_earlier_sentence():
    scores = np.array([0.4, 0.9, 0.9, 0.9])
    candidates = [OTHER, LEAD, LONG, "Người dân nay nghe được tin tức bằng tiếng dân tộc mỗi buổi sáng."]
    assert configured()._select(scores, np.zeros((4, 4)), candidates, 1, None) == [1]
    assert configured()._select(scores, np.zeros((4, 4)), candidates, 2, None) == [1, 2]


@pytest.mark.parametrize(("count", "max_chars"), [(2, None), (3, None), (3, 150), (10, None)])
def test_rank_lists_the_first_max_candidates_sentences_and_marks_what_the_summary_returns(ranker, count, max_chars):
    doc = prepare(ARTICLE)
    assert len(doc.sentences) == 6
    limited = configured(ranker, max_candidates=4)
    ranked = limited.rank(doc, count, max_chars=max_chars)
    assert all(isinstance(r, RankedSentence) for r in ranked)
    assert [r.position for r in ranked] == [0, 1, 2, 3]
    assert [r.text for r in ranked] == doc.sentences[:4]
    summary = limited(doc, count, max_chars=max_chars)
    assert [r.text for r in ranked if r.selected] == summary
    assert set(summary) <= set(doc.sentences[1:4])
    assert len(summary) == (min(count, 3) if max_chars is None else 2)
    assert ranked[0].score == 0.0 and not ranked[0].selected  # too short to be a candidate


def test_sentences_shorter_than_min_words_are_not_candidates(ranker):
    doc = prepare(ARTICLE)
    short = doc.sentences[0]
    assert short == "Đây là tin vui." and len(short.split()) == 4
    assert ranker.min_words == 5
    summary = ranker(doc, 6)
    assert short not in summary and len(summary) == 5
    # At the threshold the sentence is a candidate again.
    assert short in configured(ranker, min_words=4)(doc, 6)
    assert configured(ranker, min_words=4).rank(doc, 6)[0].score > 0


def test_when_every_sentence_is_short_they_all_stay_candidates(ranker):
    doc = prepare("Mưa lớn suốt đêm. Phố ngập sâu. Trường cho nghỉ học.")
    assert doc.sentences == ["Mưa lớn suốt đêm.", "Phố ngập sâu.", "Trường cho nghỉ học."]
    assert ranker(doc, 3) == doc.sentences
    assert all(r.score > 0 for r in ranker.rank(doc, 3))


def test_title_weight_favours_the_sentence_that_repeats_the_headline(ranker):
    doc = prepare(HEADLINE_REPEATED)
    echo = doc.sentences[3]
    assert echo.startswith("Từ tháng tới, Đà Nẵng thí điểm")
    unweighted = configured(ranker, title_weight=0.0)
    weighted = configured(ranker, title_weight=30.0)
    assert weighted.rank(doc, 1)[3].score > unweighted.rank(doc, 1)[3].score
    assert unweighted(doc, 1) != [echo]  # the position prior alone prefers the lead
    assert weighted(doc, 1) == [echo]


@pytest.mark.parametrize("params", [{}, {"redundancy": 0.0}, {"redundancy": 0.0, "title_weight": 8.0}])
def test_near_duplicates_never_both_chosen(ranker, params):
    text = """Tỉnh khai trương hệ thống loa truyền thanh thông minh

Tỉnh vừa khai trương hệ thống loa truyền thanh thông minh tại mười bốn xã biên giới.
Tỉnh vừa khai trương hệ thống loa truyền thanh thông minh tại mười bốn xã vùng biên giới.
Kinh phí đầu tư lấy từ chương trình mục tiêu quốc gia về phát triển vùng dân tộc.
Người dân nay nghe được tin tức bằng tiếng dân tộc mỗi buổi sáng và buổi tối."""
    summary = configured(ranker, **params)(text, 3)
    first, second = prepare(text).sentences[:2]
    assert not (first in summary and second in summary)
    assert len(summary) == 3


def test_identical_sentences_never_both_chosen(ranker):
    sentence = "Bưu điện xã mở cửa cả ngày thứ bảy và chủ nhật để phục vụ người dân."
    text = f"{sentence}\n{sentence}\nTrạm phát sóng mới giúp cả huyện xem được truyền hình số mặt đất."
    summary = configured(ranker, redundancy=0.0)(text, 3)
    assert summary.count(sentence) == 1
