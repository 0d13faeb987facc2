"""HTML pages to article text: chrome removed by markup, the article kept (issue #29, item 4)."""

from pathlib import Path

import pytest

from classify.evaluate.extraction import load_gold, score_extraction
from classify.text.html import html_to_text
from classify.text.prepare import prepare
from classify.text.reading import read_text_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"

LEAD = "Sáng 12/6, Sở Thông tin và Truyền thông tỉnh Yên Bái tổ chức hội thảo về chữ ký số cho người dân."
BODY = "Tại hội thảo, đại diện các nhà mạng giới thiệu cách đăng ký chữ ký số từ xa trên điện thoại di động."


def _lines(html: str) -> list[str]:
    return html_to_text(html)[0].splitlines()


def test_a_page_wrapped_in_one_aspnet_form_keeps_its_article_and_drops_small_forms():
    # WebForms and SharePoint portals put the whole page inside <form id="aspnetForm">.
    html = f"""<html><body><form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="x">
    <div class="search-box"><form action="/tim-kiem"><label>Nhập từ khóa để tìm kiếm tin bài trên cổng.</label>
    <input type="text"><button>Tìm</button></form></div>
    <span class="detail-title">Hội thảo chữ ký số cho người dân tỉnh Yên Bái</span>
    <p>{LEAD}</p><p>{BODY}</p></form></body></html>"""
    lines = _lines(html)
    assert LEAD in lines and BODY in lines
    assert not any("từ khóa" in line or "Tìm" == line for line in lines)


def test_an_articles_own_header_keeps_the_headline_and_date_and_the_site_header_goes():
    html = f"""<html><body><header class="site-header"><h1 class="logo">Báo Yên Bái điện tử</h1>
    <div>Thứ Tư, 14/06/2023</div></header>
    <article><header><h1>Hội thảo chữ ký số cho người dân</h1><time>12/06/2023 16:05</time></header>
    <p>{LEAD}</p><p>{BODY}</p><footer><span class="author">Thu Trang</span></footer></article>
    <footer class="site-footer"><p>Bản quyền thuộc Báo Yên Bái. Ghi rõ nguồn khi phát hành lại thông tin.</p></footer>
    </body></html>"""
    text, title = html_to_text(html)
    assert title == "Hội thảo chữ ký số cho người dân"
    assert text.splitlines()[:2] == ["Hội thảo chữ ký số cho người dân", "12/06/2023 16:05"]
    assert "14/06/2023" not in text and "Bản quyền" not in text and "Thu Trang" in text
    assert prepare(text, title=title).date == "2023-06-12 16:05"


def test_a_page_level_header_that_holds_the_only_h1_is_the_articles_and_is_kept():
    html = f"""<html><body><div class="logo">Cổng thông tin điện tử tỉnh Yên Bái</div>
    <header class="detail-header"><h1>Hội thảo chữ ký số cho người dân</h1><div>Cập nhật: 12/06/2023</div></header>
    <div class="detail-content"><p>{LEAD}</p></div></body></html>"""
    text, title = html_to_text(html)
    assert title == "Hội thảo chữ ký số cho người dân"
    assert prepare(text, title=title).date == "2023-06-12"


@pytest.mark.parametrize(
    "box",
    [
        '<div class="tin-lien-quan"><h3>Tin liên quan</h3><p>{teaser}</p></div>',
        '<div class="box-tinlienquan"><p>{teaser}</p></div>',
        '<div id="comments"><div class="comment-item">Bạn đọc: {teaser}</div></div>',
        '<section class="binh-luan"><p>{teaser}</p></section>',
        '<div class="tincungchuyenmuc"><div class="tin-tomtat">{teaser}</div></div>',
        '<div class="other-news"><p>{teaser}</p></div>',
        '<div class="box-read-more"><article class="item"><p>{teaser}</p></article></div>',
        '<div class="col-sidebar"><p>{teaser}</p></div>',
        '<div id="footer"><p>{teaser}</p></div>',
        '<div class="thamdo poll"><p>{teaser}</p></div>',
        '<div role="complementary"><p>{teaser}</p></div>',
    ],
)
def test_boxes_named_like_related_news_comments_polls_sidebars_or_footers_are_dropped(box):
    teaser = "Người dân có thể đặt lịch khám tại 3 bệnh viện tuyến tỉnh qua điện thoại thông minh."
    html = f"<html><body><h1>Hội thảo chữ ký số</h1><p>{LEAD}</p><p>{BODY}</p>{box.format(teaser=teaser)}</body></html>"
    lines = _lines(html)
    assert lines == ["Hội thảo chữ ký số", LEAD, BODY]


def test_a_content_column_named_like_chrome_is_kept_when_it_holds_the_article():
    # Themes name their columns freely: "left-col side" here holds the whole article.
    html = f"""<html><body><div class="left-col side"><div class="news-detail"><p>{LEAD}</p><p>{BODY}</p>
    <p>{BODY.replace("điện thoại di động", "máy tính bảng")}</p></div></div>
    <div class="menu-right"><p>Lịch tiếp công dân của lãnh đạo tỉnh.</p></div></body></html>"""
    lines = _lines(html)
    assert lines[:2] == [LEAD, BODY] and len(lines) == 3


def test_a_box_inside_a_removed_box_is_not_touched_again(monkeypatch):
    # bs4 leaves a decomposed element's behaviour undefined: nested chrome is removed once, from the top.
    from bs4.element import Tag

    decompose = Tag.decompose

    def decompose_once(tag):
        assert not tag.__dict__.get("_decomposed"), "decomposed twice"
        decompose(tag)

    monkeypatch.setattr(Tag, "decompose", decompose_once)
    inner = '<div class="comment"><p>Ý kiến bạn đọc rất hay.</p></div>'
    html = f"""<html><body><h1>Hội thảo chữ ký số</h1><p>{LEAD}</p><p>{BODY}</p>
    <div class="sidebar"><div class="tin-lien-quan">{inner}</div><footer>{inner}</footer></div></body></html>"""
    assert _lines(html) == ["Hội thảo chữ ký số", LEAD, BODY]


def test_the_headline_is_the_part_of_the_title_that_is_a_line_of_the_page():
    page = """<html><head><title>{title}</title></head><body><div class="tieude">{headline}</div>
    <p>{lead}</p></body></html>"""
    headline = "Hội thảo chữ ký số cho người dân tỉnh Yên Bái"
    for title in (
        f"{headline} - Cổng thông tin điện tử tỉnh Yên Bái",
        f"{headline} | Sở TT&TT",
        f"Sở TT&TT Yên Bái :: {headline}",
        headline,
    ):
        assert html_to_text(page.format(title=title, headline=headline, lead=LEAD))[1] == headline
    # A title that is only the site's name (or a section) is no headline: text preparation finds it.
    for title in ("Sở Thông tin và Truyền thông tỉnh Yên Bái", "Tin tức sự kiện", ""):
        text, found = html_to_text(page.format(title=title, headline=headline, lead=LEAD))
        assert found is None
        assert prepare(text, title=found).title == headline


def test_the_measured_bounds_on_the_authored_portal_pages_hold():
    """The figures of docs/html-extraction.md: a change that loses paragraphs or lets clutter in fails here."""
    pages = sorted(FIXTURES.glob("*.html"))
    assert len(pages) == 10
    scores = []
    for page in pages:
        text, title = html_to_text(read_text_file(page, html=True))
        scores.append(score_extraction(prepare(text, title=title), load_gold(page.with_suffix(".gold.json"))))
    assert sum(s.found for s in scores) == sum(s.expected for s in scores) == 50  # recall 1.0
    assert sum(s.leaked for s in scores) <= 2  # leakage 2/78: a video fallback line and a poll question
    assert sum(s.sentences for s in scores) >= 76
    assert all(s.headline_ok for s in scores) and all(s.date_ok for s in scores)


def test_the_measured_bounds_on_the_held_out_pages_hold():
    """Pages written after the rules were fixed, never tuned on: recall 15/15, leakage 6/30 (known gaps)."""
    pages = sorted((FIXTURES / "holdout").glob("*.html"))
    assert len(pages) == 4
    scores = []
    for page in pages:
        text, title = html_to_text(read_text_file(page, html=True))
        scores.append(score_extraction(prepare(text, title=title), load_gold(page.with_suffix(".gold.json"))))
    assert sum(s.found for s in scores) == sum(s.expected for s in scores) == 15
    assert sum(s.leaked for s in scores) <= 6
    assert sum(s.headline_ok for s in scores) >= 3 and all(s.date_ok for s in scores)
