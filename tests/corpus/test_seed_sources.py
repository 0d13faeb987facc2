"""Authored seed articles credit no invented news to a real outlet and quote no real official (issue #28).

The events of the authored articles are invented (seeds/README.md). Real institutions may be their
setting, but a real newspaper, agency or station is never given as the source of an article (an
agency tag such as "(TTXVN) -", a byline) nor credited with an invented work or interview, and the
people quoted are invented. These lists hold the real names found in earlier versions of the corpus.
"""

import re

import pytest
from conftest import SEEDS

ORIGINALS = {f"00{i}_" for i in range(5)}  # the five real pages are kept as they were scraped

REAL_OUTLETS = [
    "Dân trí", "Thanh Niên", "Tuổi Trẻ", "TTXVN", "TTO", "NLĐ", "VietNamNet", "VietnamNet", "VietnamPlus",
    "VnExpress", "VnE", "VnMedia", "SGGP", "Sài Gòn Giải Phóng", "HNM", "Báo Hà Nội Mới", "Tin tức",
    "Báo Tin tức", "Kinh tế Đô thị", "Bưu điện Việt Nam", "VOV", "VTV", "Nhân Dân", "ICTnews",
    "Báo Người Lao Động", "Báo Lao Động", "Báo Thời Đại", "Báo Pháp Luật", "Báo Người Làm Báo",
    "Báo Đại Đoàn Kết", "Báo Nông nghiệp", "Báo Nghệ An", "Báo Hà Tĩnh", "Báo Thanh Hóa", "Báo Quảng Ninh",
]  # fmt: skip
REAL_OFFICIALS = [
    "Lê Doãn Hợp", "Nguyễn Mạnh Hùng", "Nguyễn Thế Kỷ", "Trần Đức Lai", "Đỗ Quý Doãn", "Đỗ Trung Tá",
    "Nguyễn Minh Hồng", "Hoàng Vĩnh Bảo", "Phạm Đức Long", "Lê Nam Thắng", "Nguyễn Thiện Nhân",
    "Nguyễn Tấn Dũng", "Võ Văn Thưởng", "Trần Đại Quang", "Lê Minh Hoan", "Nguyễn Thị Kim Ngân",
    "Nguyễn Trọng Nghĩa", "Nguyễn Khắc Định", "Thuận Hữu", "Cao Đức Phát", "Bùi Bá Bổng", "Vũ Văn Hiền",
    "Lê Trí Thanh", "Trần Thanh Liêm", "Lâm Văn Bi", "Trần Mạnh Hùng", "Lê Nam Trà",
]  # fmt: skip
# "Thứ trưởng Phan Tâm" but not "Phan Tâm Đức"-like look-alikes, which are checked by the list above
NAMED_WITH_TITLE = re.compile(r"(?:Thứ trưởng|Bộ trưởng)(?: Bộ [^,.]{3,40}?)? Phan Tâm\b")

AUTHORED = sorted(p for p in SEEDS.glob("*.txt") if p.name[:4] not in ORIGINALS)


def _source_tag(outlet: str) -> re.Pattern:
    """``(Outlet) -`` as a source tag opening a lead, or ``Name - Outlet.vn`` as a byline."""
    escaped = re.escape(outlet)
    return re.compile(rf"\({escaped}\)\s?[-–—]|^\S.{{0,40}} - {escaped}\.vn$", re.IGNORECASE | re.MULTILINE)


@pytest.mark.parametrize("outlet", REAL_OUTLETS)
def test_no_authored_article_gives_a_real_outlet_as_its_source(outlet):
    pattern = _source_tag(outlet)
    found = [p.name for p in AUTHORED if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_no_authored_article_quotes_a_real_official_by_name():
    found = {
        p.name: name
        for p in AUTHORED
        for name in REAL_OFFICIALS
        if name in p.read_text(encoding="utf-8") or NAMED_WITH_TITLE.search(p.read_text(encoding="utf-8"))
    }
    assert found == {}


def test_no_authored_article_credits_a_real_provincial_paper_with_its_award_or_interview():
    credit = re.compile(
        r"(?:phóng viên|tác giả) [Bb]áo (?:Thanh Hóa|Vĩnh Long|Sóc Trăng|Thái Nguyên|Ninh Bình|Cần Thơ|Hải Phòng)"
    )
    assert [p.name for p in AUTHORED if credit.search(p.read_text(encoding="utf-8"))] == []


def test_the_checks_see_the_real_pages_that_do_name_real_outlets():
    """The five real pages are exempt, and at least the checks would find a tag where there is one."""
    assert _source_tag("TTXVN").search("(TTXVN) - Sáng 18-6, tại Hà Nội ...")
    assert _source_tag("VTV").search("Hội nghị ...\nThu Hằng - VTV.vn")
    assert len(AUTHORED) == len(list(SEEDS.glob("*.txt"))) - 5
