import codecs
import json
import unicodedata

from classify.sources import html_to_text, iter_documents

ARTICLE = "Sở TT&TT Long An tổ chức tập huấn an toàn thông tin cho 120 cán bộ chuyên trách."


def test_folder_walk_is_sorted_recursive_and_ignores_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "1.htm").write_text(f"<html><body><p>{ARTICLE}</p></body></html>", encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "note.md").write_text("x", encoding="utf-8")
    docs = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in docs] == [str(tmp_path / "1.htm"), str(tmp_path / "b" / "2.txt")]
    assert docs[0].is_html and not docs[1].is_html


def test_html_drops_scripts_styles_and_menus():
    html = """<html><head><title>Cổng TTĐT</title><style>p{color:red}</style>
    <script>var tracking = "Sở TT&TT";</script></head><body>
    <nav><a href="/">Trang chủ</a> | <a>Tin tức</a></nav>
    <h1>Khai trương Trung tâm IOC tỉnh Bình Phước</h1>
    <p>Sáng 5/9, UBND tỉnh khai trương Trung tâm Giám sát, điều hành thông minh.</p>
    <footer>Bản quyền thuộc Sở TT&amp;TT</footer></body></html>"""
    text, title = html_to_text(html)
    assert title == "Khai trương Trung tâm IOC tỉnh Bình Phước"
    assert "Sáng 5/9, UBND tỉnh khai trương" in text
    for junk in ["tracking", "color:red", "Trang chủ", "Bản quyền"]:
        assert junk not in text


def test_jsonl_passes_fields_through_and_reports_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "a1", "text": ARTICLE, "title": "T", "province": "Long An"}, ensure_ascii=False)
        + "\n{broken\n"
        + json.dumps({"id": "a3", "body": ARTICLE})
        + "\n",
        encoding="utf-8",
    )
    docs = list(iter_documents([str(path)]))
    assert docs[0].id == "a1" and docs[0].title == "T" and docs[0].extra == {"province": "Long An"}
    assert docs[1].error.startswith(f"{path}:2: malformed JSON")
    assert docs[2].error == f"{path}:3: no text field 'text'"


def test_csv_with_bom_crlf_and_embedded_newlines(tmp_path):
    path = tmp_path / "in.csv"
    rows = 'ma,noi_dung,tieu_de\r\nx1,"Dòng một của bài.\r\nDòng hai, có dấu phẩy.",Tiêu đề một\r\nx2,"Bài thứ hai ""trích dẫn"".",\r\n'
    path.write_bytes(codecs.BOM_UTF8 + rows.encode("utf-8"))
    docs = list(iter_documents([str(path)], text_column="noi_dung", id_column="ma", title_column="tieu_de"))
    assert [d.id for d in docs] == ["x1", "x2"]
    assert docs[0].text == "Dòng một của bài.\r\nDòng hai, có dấu phẩy." and docs[0].title == "Tiêu đề một"
    assert docs[1].text == 'Bài thứ hai "trích dẫn".' and docs[1].title is None


def test_csv_without_the_text_column_is_one_clear_error(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,abc\n", encoding="utf-8")
    (doc,) = iter_documents([str(path)])
    assert "no column 'text' (columns: id, body); use --text-column" in doc.error


def test_bad_files_become_errors_not_exceptions(tmp_path):
    (tmp_path / "a_png.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "b_cp1258.txt").write_bytes("Thông tin".encode("cp1258"))
    (tmp_path / "c_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"))
    (tmp_path / "d_huge.txt").write_text(ARTICLE * 100, encoding="utf-8")
    (tmp_path / "e_nfd.txt").write_text(unicodedata.normalize("NFD", ARTICLE), encoding="utf-8")
    docs = list(iter_documents([str(tmp_path)], max_bytes=2000))
    errors = {d.id.rsplit("/", 1)[-1]: d.error for d in docs}
    assert "PNG" in errors["a_png.txt"]
    assert "not valid UTF-8" in errors["b_cp1258.txt"]
    assert errors["c_utf16.txt"] is None
    assert "over --max-bytes 2000" in errors["d_huge.txt"]
    assert errors["e_nfd.txt"] is None
