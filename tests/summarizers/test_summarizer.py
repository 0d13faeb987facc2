"""TextRankSummarizer: verbatim sentences in document order, budgets, redundancy, robustness."""

from __future__ import annotations

import pickle
import random
import re
from functools import cache

import numpy as np
import pytest
from conftest import PORTAL_PAGE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

import classify
from classify.summarizers.summarizer import TextRankSummarizer
from classify.text import normalize, prepare

# Short articles written for these tests; each body line holds sentences of seven words or more.
ARTICLES = [
    """Bưu điện tỉnh Nghệ An mở thêm điểm giao dịch

Bưu điện tỉnh Nghệ An vừa khai trương ba điểm giao dịch mới tại các xã miền núi. Các điểm giao dịch nhận gửi thư, bưu phẩm và chi trả lương hưu cho người dân. Trước đây người dân phải đi hơn hai mươi cây số để gửi một bưu kiện.
Giám đốc bưu điện tỉnh cho biết sẽ mở thêm năm điểm trong năm tới. Mỗi điểm có một nhân viên được đào tạo về dịch vụ tài chính bưu chính.""",
    """Đài truyền hình địa phương phát sóng kênh mới

Đài Phát thanh và Truyền hình tỉnh chính thức phát sóng kênh thời sự mới từ đầu tháng này. Kênh mới phát liên tục mười tám giờ mỗi ngày trên hạ tầng truyền hình số mặt đất. Khán giả ở vùng sâu có thể xem kênh qua đầu thu được hỗ trợ miễn phí.
Lãnh đạo đài cho biết nội dung tập trung vào tin tức nông nghiệp và thời tiết. Chương trình thời sự buổi tối được phát lại vào sáng hôm sau.""",
    """Doanh nghiệp viễn thông mở rộng mạng 5G

Một doanh nghiệp viễn thông lớn công bố phủ sóng 5G tại mười hai tỉnh thành trong quý ba. Tốc độ tải xuống trung bình đo được cao gấp năm lần mạng 4G hiện nay. Doanh nghiệp đầu tư thêm hai nghìn trạm phát sóng mới trong năm nay.
Giá cước 5G được giữ như giá 4G trong sáu tháng đầu tiên. Người dùng cần có điện thoại hỗ trợ 5G để sử dụng dịch vụ mới này.""",
    """Thư viện số phục vụ học sinh vùng cao

Sở Giáo dục tỉnh đưa vào sử dụng thư viện số cho các trường vùng cao từ tuần này. Học sinh có thể đọc hơn mười nghìn đầu sách qua máy tính của nhà trường. Giáo viên được tập huấn cách hướng dẫn học sinh tìm sách trên thư viện số.
Sở dự kiến mở rộng thư viện số cho toàn bộ các trường trong tỉnh vào năm sau. Kinh phí xây dựng thư viện lấy từ chương trình chuyển đổi số quốc gia.""",
]

DISTINCT = """Mưa lớn gây ngập nhiều tuyến đường ở trung tâm thành phố
Trận mưa lớn kéo dài hai giờ khiến nhiều tuyến đường trung tâm thành phố bị ngập sâu.
Công ty thoát nước cử hàng trăm công nhân ra hiện trường để khơi thông cống rãnh.
Nhiều học sinh phải nghỉ học buổi chiều vì trường nằm trong vùng bị ngập nặng.
Đài khí tượng dự báo mưa còn kéo dài đến hết cuối tuần này ở khu vực phía bắc.
"""


@cache
def fitted(**params) -> TextRankSummarizer:
    return TextRankSummarizer(**params).fit([prepare(a) for a in ARTICLES])


def _summary_positions(summary: list[str], sentences: list[str]) -> list[int]:
    return [sentences.index(s) for s in summary]


def test_portal_page_summary_is_verbatim_in_order_without_clutter():
    doc = prepare(PORTAL_PAGE)
    summary = fitted()(PORTAL_PAGE, 3)
    assert len(summary) == 3
    assert all(s in doc.sentences and s in normalize(PORTAL_PAGE) for s in summary)
    positions = _summary_positions(summary, doc.sentences)
    assert positions == sorted(positions)
    clutter = ["Trang nhất", "Cập nhật lúc", "Bản in", "Ảnh: Hoàng Yến", "Lượt xem", "Tin cùng chuyên mục", "Liên hệ"]
    assert not any(c in s for s in summary for c in clutter)
    assert "Huyện Mường Tè khai trương hệ thống truyền thanh thông minh tại 14 xã" not in summary


def test_default_model_on_portal_page(default_model):
    doc = prepare(PORTAL_PAGE)
    summary = default_model.summarizer(doc, 2)
    assert len(summary) == 2
    positions = _summary_positions(summary, doc.sentences)
    assert positions == sorted(positions)


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5, 10])
def test_count_is_min_of_k_and_available(k):
    assert len(prepare(DISTINCT).sentences) == 4
    assert len(fitted()(DISTINCT, k)) == min(k, 4)


def test_one_sentence_text():
    text = "Hà Nội có mưa to kéo dài suốt đêm qua ở nhiều quận."
    assert fitted()(text, 3) == [text]


def test_text_without_punctuation():
    long_line = " ".join(["người dân trong xã đã được nghe loa truyền thanh mỗi sáng"] * 6)
    assert fitted()(long_line, 2) == [long_line]
    assert fitted()("một dòng ngắn không có dấu câu nào", 2) == []


def test_only_clutter_gives_nothing():
    clutter = "Trang chủ | Tin tức | Thể thao | Liên hệ\nĐăng nhập   Đăng ký   Quên mật khẩu\nLượt xem: 1.204\n"
    assert fitted()(clutter, 3) == []
    assert fitted()("", 3) == []
    assert fitted()("   \n\n ", 3) == []


def test_ten_thousand_sentences_respect_budget():
    rng = random.Random(0)
    # Words of three letters or more: no abbreviation ("ts.", "q.") that would merge two sentences.
    vocabulary = [w for w in re.findall(r"\w+", " ".join(ARTICLES).lower()) if len(w) > 2]
    lines = []
    for _ in range(2000):
        sentences = (" ".join(rng.choices(vocabulary, k=rng.randint(8, 16))) for _ in range(5))
        lines.append(" ".join(f"Tin {s.lower()}." for s in sentences))
    text = "\n".join(lines)
    doc = prepare(text)
    assert len(doc.sentences) == 10_000
    summary = fitted()(doc, 3)
    assert len(summary) == 3
    assert all(s in doc.sentences for s in summary)
    short = fitted()(doc, 5, max_chars=150)
    assert len(" ".join(short)) <= 150


@pytest.mark.parametrize("budget", [0, 10, 60, 100, 150, 250, 1000])
def test_max_chars_respected(budget):
    summary = fitted()(ARTICLES[0], 5, max_chars=budget)
    assert len(" ".join(summary)) <= budget
    assert all(s in prepare(ARTICLES[0]).sentences for s in summary)


def test_deterministic_and_picklable():
    summarizer = fitted()
    first = summarizer(PORTAL_PAGE, 3)
    assert summarizer(PORTAL_PAGE, 3) == first
    assert pickle.loads(pickle.dumps(summarizer))(PORTAL_PAGE, 3) == first


def test_unfitted_and_empty_fit_raise():
    with pytest.raises(NotFittedError):
        TextRankSummarizer()(DISTINCT, 2)
    with pytest.raises(ValueError):
        TextRankSummarizer().fit([])
    with pytest.raises(ValueError):
        TextRankSummarizer(damping=1.0).fit(ARTICLES)


SYLLABLES = ["người", "dân", "bưu", "điện", "tỉnh", "mới", "được", "khai", "trương", "hà", "nội", "xã", "loa", "số"]
SYLLABLES += ["truyền", "hình", "phát", "sóng", "năm", "2023", "Việt", "Nam", "ĐÀ", "Nẵng", "ủy", "ban", "thư", "ở"]


@st.composite
def vietnamese_like_text(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        sentences = []
        for _ in range(draw(st.integers(1, 4))):
            words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=25))
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + draw(st.sampled_from([".", "!", "?", "…", "", ":", "./."])))
        lines.append(draw(st.sampled_from(["", "  ", "\t"])) + " ".join(sentences))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "Ảnh: Hoàng Yến", "Trang chủ | Tin tức | Liên hệ", "03/4/2023"])))
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=vietnamese_like_text(),
    count=st.integers(0, 5),
    max_chars=st.one_of(st.none(), st.integers(0, 400)),
    title=st.one_of(st.none(), st.sampled_from(["Bưu điện tỉnh mở điểm mới", "", "Hà Nội"])),
)
def test_property_never_raises_and_respects_budget(text, count, max_chars, title):
    doc = prepare(text, title=title)
    summary = fitted()(doc, count, max_chars=max_chars)
    assert len(summary) <= count
    if max_chars is not None:
        assert len(" ".join(summary)) <= max_chars
    positions = [doc.sentences.index(s) for s in summary]
    assert positions == sorted(positions)
    assert len(set(summary)) == len(summary)
    if max_chars is None and doc.sentences and count > 0:
        assert summary


def test_public_api_summarize():
    doc = prepare(PORTAL_PAGE)
    summary = classify.summarize(PORTAL_PAGE, sentences=2)
    assert 1 <= len(summary) <= 2
    assert all(s in doc.sentences for s in summary)
    titled = classify.summarize(PORTAL_PAGE, title="Mường Tè khai trương hệ thống truyền thanh", sentences=1)
    assert len(titled) == 1
    budgeted = classify.summarize(PORTAL_PAGE, sentences=3, max_chars=250)
    assert len(" ".join(budgeted)) <= 250
    assert classify.summarize("", sentences=2) == []


def test_compiled_index_gives_the_same_ranking_as_the_vectorizer():
    fast = fitted()
    slow = pickle.loads(pickle.dumps(fast))
    slow.index_ = None  # the scikit-learn transform path
    for text in [*ARTICLES, PORTAL_PAGE, DISTINCT]:
        doc = prepare(text)
        a, b = fast.rank(doc, 3), slow.rank(doc, 3)
        assert [r.selected for r in a] == [r.selected for r in b]
        assert np.allclose([r.score for r in a], [r.score for r in b], atol=1e-12)
