import json
import unicodedata

from classify.evaluate.extraction import ExtractionGold, comparable, load_gold, score_extraction
from classify.text.prepare import prepare

GOLD = ExtractionGold(
    headline="Bưu điện tỉnh Phú Yên kỷ niệm 78 năm ngày truyền thống",
    date="2023-08-14",
    paragraphs=[
        "Sáng 14/8, Bưu điện tỉnh Phú Yên tổ chức lễ kỷ niệm 78 năm Ngày truyền thống ngành Bưu điện. Dự lễ có lãnh đạo tỉnh.",
        "Hiện nay, Bưu điện tỉnh có 108 điểm phục vụ, trong đó 89 điểm bưu điện văn hóa xã.",
        "Viễn thông Phú Yên đã phủ cáp quang đến 100% xã, phường, thị trấn của tỉnh.",
    ],
    allowed=["Mạng lưới bưu chính phủ khắp tỉnh, đến từng thôn bản vùng cao."],
)


def test_paragraphs_are_found_by_containment_and_clutter_sentences_are_counted():
    text = "\n".join(
        [
            "Bưu điện tỉnh Phú Yên kỷ niệm 78 năm ngày truyền thống",
            "Thứ Năm, 14/08/2023, 16:30",
            # NFD and doubled spaces: compared after normalising.
            unicodedata.normalize(
                "NFD", "Sáng 14/8, Bưu điện tỉnh Phú Yên tổ chức lễ kỷ niệm 78 năm  Ngày truyền thống"
            ),
            "ngành Bưu điện. Dự lễ có lãnh đạo tỉnh.",
            "Hiện nay, Bưu điện tỉnh có 108 điểm phục vụ, trong đó 89 điểm bưu điện văn hóa xã.",
            "Cảnh báo lừa đảo qua cuộc gọi giả danh cơ quan công an đang diễn ra ở nhiều nơi.",
            # Glued to a breadcrumb, as some extractors join table cells: found, and its sentence is clutter.
            "Tin tức » Bưu chính " + GOLD.paragraphs[2],
        ]
    )
    doc = prepare(text)
    score = score_extraction(doc, GOLD)
    assert (score.found, score.expected) == (2, 3)  # the first paragraph was cut in two lines: not found whole
    assert score.missed == GOLD.paragraphs[:1]
    assert score.leaks == [
        "Cảnh báo lừa đảo qua cuộc gọi giả danh cơ quan công an đang diễn ra ở nhiều nơi.",
        "Tin tức » Bưu chính " + GOLD.paragraphs[2],
    ]
    assert score.leaked == 2 and score.sentences == len(doc.sentences) == 5
    assert score.headline_ok and score.date_ok
    assert score.recall == 2 / 3 and score.leakage == 2 / 5


def test_headline_and_date_must_match_and_a_reported_date_overrides_the_texts():
    # An allowed line (a sub-heading) is neither required nor clutter.
    lines = ["Cổng thông tin điện tử tỉnh Phú Yên", *GOLD.paragraphs, *GOLD.allowed]
    doc = prepare("\n".join(lines), title="Tin tức sự kiện")
    score = score_extraction(doc, GOLD, date="2023-08-15T09:00:00")
    assert (score.found, score.leaked, score.sentences) == (3, 0, 5)
    assert not score.headline_ok and not score.date_ok
    assert score_extraction(doc, GOLD, date="2023-08-14").date_ok


def test_gold_files_load_with_optional_allowed_lines(tmp_path):
    path = tmp_path / "001.gold.json"
    path.write_text(json.dumps({"headline": "H", "date": "2024-01-02", "paragraphs": ["P."]}), encoding="utf-8")
    assert load_gold(path) == ExtractionGold("H", "2024-01-02", ["P."], [])
    assert comparable(" Ð\u00a0Hội  NGHỊ ") == "ð hội nghị"
