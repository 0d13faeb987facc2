import codecs
import json
import unicodedata
from collections import Counter

import pytest
from conftest import windows_1258_bytes
from hypothesis import given
from hypothesis import strategies as st

from classify.batch import sources
from classify.batch.sources import _utf8_size_over, html_to_text, iter_documents

ARTICLE = "Sở TT&TT Long An tổ chức tập huấn an toàn thông tin cho 120 cán bộ chuyên trách."


def test_folder_walk_is_sorted_recursive_and_ignores_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "1.htm").write_text(f"<html><body><p>{ARTICLE}</p></body></html>", encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "note.md").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "scan.PDF").write_bytes(b"%PDF-1.4")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    ignored = Counter()
    docs = list(iter_documents([str(tmp_path)], ignored=ignored))
    assert [d.id for d in docs] == [str(tmp_path / "1.htm"), str(tmp_path / "b" / "2.txt")]
    assert docs[0].is_html and not docs[1].is_html
    assert ignored == {".jsonl": 1, ".md": 1, ".pdf": 1}  # counted for the run's last line; hidden files not


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


def test_jsonl_ids_keep_their_json_spelling_and_null_text_is_named(tmp_path):
    path = tmp_path / "in.jsonl"
    ids = [7, 2.5, True, {"kho": "A", "so": 1}, ["a", "b"], "đ-01"]
    lines = [{"id": doc_id, "text": ARTICLE} for doc_id in ids] + [{"id": "n", "text": None}, {"id": "m", "text": 5}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    docs = list(iter_documents([str(path)]))
    assert [d.id for d in docs[:6]] == ["7", "2.5", "true", '{"kho": "A", "so": 1}', '["a", "b"]', "đ-01"]
    assert all(d.error is None for d in docs[:6])
    assert docs[6].error == f"{path}:7: 'text' is null"
    assert docs[7].error == f"{path}:8: 'text' is not a string"


def test_csv_with_bom_crlf_and_embedded_newlines(tmp_path):
    path = tmp_path / "in.csv"
    rows = 'ma,noi_dung,tieu_de\r\nx1,"Dòng một của bài.\r\nDòng hai, có dấu phẩy.",Tiêu đề một\r\nx2,"Bài thứ hai ""trích dẫn"".",\r\n'
    path.write_bytes(codecs.BOM_UTF8 + rows.encode("utf-8"))
    docs = list(iter_documents([str(path)], text_column="noi_dung", id_column="ma", title_column="tieu_de"))
    assert [d.id for d in docs] == ["x1", "x2"]
    assert docs[0].text == "Dòng một của bài.\r\nDòng hai, có dấu phẩy." and docs[0].title == "Tiêu đề một"
    assert docs[1].text == 'Bài thứ hai "trích dẫn".' and docs[1].title is None


def test_semicolon_csv_from_vietnamese_excel_and_tab_separated_files_are_read(tmp_path):
    excel = tmp_path / "xuat_excel.csv"
    rows = (
        "ma;tieu_de;noi_dung;diem\r\n"
        'b1;Hội nghị tổng kết;"Sáng 12/1, Sở TT&TT tỉnh Hà Giang tổng kết năm 2023.\r\nTỷ lệ dịch vụ công '
        'trực tuyến đạt 45,6%, vượt chỉ tiêu; năm 2024 đặt mục tiêu 60%.";0,75\r\n'
        "b2;Kỷ niệm;Ngày 21/6, Hội Nhà báo tỉnh kỷ niệm 99 năm Ngày Báo chí Cách mạng Việt Nam.;1,5\r\n"
    )
    excel.write_bytes(codecs.BOM_UTF8 + rows.encode("utf-8"))
    docs = list(iter_documents([str(excel)], text_column="noi_dung", id_column="ma", title_column="tieu_de"))
    assert [d.id for d in docs] == ["b1", "b2"] and all(d.error is None for d in docs)
    assert docs[0].text.endswith("vượt chỉ tiêu; năm 2024 đặt mục tiêu 60%.") and docs[0].title == "Hội nghị tổng kết"
    assert docs[0].extra == {"diem": "0,75"}

    tsv = tmp_path / "bai_viet.tsv"
    tsv.write_text("id\ttext\nt1\tBưu điện tỉnh Cà Mau, Viettel và VNPT ký kết hợp tác.\n", encoding="utf-8")
    (doc,) = iter_documents([str(tsv)])
    assert doc.id == "t1" and doc.text == "Bưu điện tỉnh Cà Mau, Viettel và VNPT ký kết hợp tác."


def test_gzip_compressed_jsonl_csv_and_tsv_exports_are_read_on_the_fly(tmp_path):
    import gzip

    records = [
        {
            "id": "g1",
            "title": "Tổng kết năm",
            "text": "Sở TT&TT tỉnh Lạng Sơn tổng kết công tác năm 2023.",
            "nam": 2023,
        },
        {"id": "g2", "text": "Bưu điện huyện Bảo Lâm kỷ niệm 30 năm thành lập."},
    ]
    jsonl = tmp_path / "xuat.JSONL.GZ"
    jsonl.write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()))
    csv_gz = tmp_path / "xuat_excel.csv.gz"
    csv_gz.write_bytes(
        gzip.compress(codecs.BOM_UTF8 + 'ma;noi_dung\r\nc1;"Dòng một.\r\nDòng hai; vẫn một ô."\r\n'.encode())
    )
    tsv_gz = tmp_path / "bai.tsv.gz"
    tsv_gz.write_bytes(gzip.compress("id\ttext\nt1\tViettel khai trương trạm 5G.\n".encode()))
    docs = list(iter_documents([str(jsonl)]))
    assert [(d.id, d.title, d.text, d.extra) for d in docs] == [
        ("g1", "Tổng kết năm", records[0]["text"], {"nam": 2023}),
        ("g2", None, records[1]["text"], {}),
    ]
    (row,) = iter_documents([str(csv_gz)], text_column="noi_dung", id_column="ma")
    assert (row.id, row.text, row.error) == ("c1", "Dòng một.\r\nDòng hai; vẫn một ô.", None)
    (row,) = iter_documents([str(tsv_gz)])
    assert (row.id, row.text) == ("t1", "Viettel khai trương trạm 5G.")


def test_a_cut_gzip_export_keeps_the_rows_before_the_cut_and_ends_with_one_error(tmp_path):
    import gzip

    lines = [
        f'r{i},"Hội nghị tổng kết công tác thông tin và truyền thông năm {1900 + i} của tỉnh."' for i in range(3000)
    ]
    data = gzip.compress(("id,text\n" + "\n".join(lines) + "\n").encode())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    docs = list(iter_documents([str(cut)]))
    *rows, last = docs
    assert len(rows) > 100 and all(d.error is None for d in rows)
    assert [d.id for d in rows] == [f"r{i}" for i in range(len(rows))]
    assert last.error.startswith(f"{cut}:line {len(rows) + 2}: cannot read the rest of the file (")
    cut_jsonl = tmp_path / "cut.jsonl.gz"
    data = gzip.compress("".join(json.dumps({"id": i, "text": line}) + "\n" for i, line in enumerate(lines)).encode())
    cut_jsonl.write_bytes(data[: len(data) // 2])
    *rows, last = iter_documents([str(cut_jsonl)])
    assert len(rows) > 100 and "cannot read the rest of the file" in last.error


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("id,text", ","), ("id;text", ";"), ("id\ttext", "\t"), ("id|text", "|"), ("text", ","), ("a;b,c", ",")],
)
def test_the_delimiter_is_the_one_that_splits_the_header_most(header, delimiter):
    assert sources._header_delimiter(header + "\r\n") == delimiter


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


def _jsonl_line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def test_a_jsonl_line_in_another_encoding_loses_only_that_line(tmp_path):
    path = tmp_path / "in.jsonl"
    cp1258 = json.dumps({"id": "b", "text": "Thông tin"}, ensure_ascii=False).encode("cp1258")
    path.write_bytes(
        _jsonl_line({"id": "a", "text": ARTICLE}) + cp1258 + b"\n" + _jsonl_line({"id": "c", "text": ARTICLE})
    )
    docs = list(iter_documents([str(path)]))
    assert [d.id for d in docs] == ["a", f"{path}:2", "c"]
    assert docs[0].text == ARTICLE and docs[2].text == ARTICLE
    assert docs[1].error.startswith(f"{path}:2: not valid UTF-8 (byte 0x")


def test_a_lone_surrogate_escape_is_an_error_but_a_surrogate_pair_is_text(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Tin \\ud800 t\\u1ee9c"}\n'
        b'{"id": "b", "text": "Tin t\\u1ee9c \\ud83d\\udcf0", "province": "C\\u00e0 Mau"}\n'
        b'{"id": "c", "text": "ok", "note": ["\\udfff"]}\n'
    )
    docs = list(iter_documents([str(path)]))
    assert docs[0].error.startswith(f"{path}:1: a \\uD800-\\uDFFF escape that is not half of a surrogate pair")
    assert docs[1].error is None and docs[1].text == "Tin tức 📰" and docs[1].extra == {"province": "Cà Mau"}
    assert docs[2].error.startswith(
        f"{path}:3: a \\uD800"
    )  # in a passed-through field too: the output could not hold it


def test_jsonl_in_utf16_is_read_and_a_binary_jsonl_is_one_error(tmp_path):
    utf16 = tmp_path / "u16.jsonl"
    lines = "".join(json.dumps({"id": i, "text": ARTICLE}, ensure_ascii=False) + "\r\n" for i in ("x", "y"))
    utf16.write_bytes(codecs.BOM_UTF16_LE + lines.encode("utf-16-le"))
    png = tmp_path / "image.jsonl"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    docs = list(iter_documents([str(utf16), str(png)]))
    assert [(d.id, d.text) for d in docs[:2]] == [("x", ARTICLE), ("y", ARTICLE)]
    assert len(docs) == 3 and docs[2].error == f"{png}: this is a PNG image, not a JSONL file"


def test_a_csv_row_in_another_encoding_loses_only_that_row(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(
        b"id,text\r\n"
        + 'r1,"Dòng một.\r\nDòng hai."\r\n'.encode()
        + 'r2,"Thông tin\r\nvà thông"\r\n'.encode("cp1258")
        + f"r3,{ARTICLE}\r\n".encode()
    )
    docs = list(iter_documents([str(path)]))
    assert [d.id for d in docs] == ["r1", f"{path}:row 2", "r3"]
    assert docs[0].text == "Dòng một.\r\nDòng hai." and docs[2].text == ARTICLE
    assert docs[1].error.startswith(f"{path}:row 2: not valid UTF-8 (byte 0x") and "on line 4" in docs[1].error


def test_a_malformed_csv_row_does_not_end_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "DEFAULT_MAX_BYTES", 60)  # fields over 2 x 60 characters are malformed
    path = tmp_path / "in.csv"
    path.write_bytes(f"id,text\nr1,{ARTICLE}\nr2,{ARTICLE * 2}\nr3,{ARTICLE}\n".encode())
    docs = list(iter_documents([str(path)], max_bytes=60))
    assert [d.id for d in docs] == ["r1", f"{path}:row 2", "r3"]
    assert "malformed CSV" in docs[1].error


def test_csv_in_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(codecs.BOM_UTF16_BE + f'id,text\r\nk1,"{ARTICLE}\r\nhai dòng"\r\n'.encode("utf-16-be"))
    (doc,) = iter_documents([str(path)])
    assert (doc.id, doc.text, doc.error) == ("k1", f"{ARTICLE}\r\nhai dòng", None)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), st.integers(min_value=0, max_value=120))
def test_the_max_bytes_check_counts_utf8_bytes(text, limit):
    assert _utf8_size_over(text, limit) == (len(text.encode("utf-8")) > limit)


def test_html_inline_tags_stay_inside_their_sentence():
    html = """<html><body><h1>Khai trương <b>Trung tâm IOC</b></h1>
    <p>Sáng 5/9, <a href="/ubnd">UBND tỉnh Bình Phước</a> khai trương
       <strong>Trung tâm Giám sát, điều hành thông minh</strong> tại thành phố Đồng Xoài.</p>
    <div>Đoạn hai.<br>Dòng mới sau thẻ br.</div><ul><li>Mục một</li><li>Mục hai</li></ul></body></html>"""
    text, title = html_to_text(html)
    assert title == "Khai trương Trung tâm IOC"
    assert text.splitlines() == [
        "Khai trương Trung tâm IOC",
        "Sáng 5/9, UBND tỉnh Bình Phước khai trương Trung tâm Giám sát, điều hành thông minh tại thành phố Đồng Xoài.",
        "Đoạn hai.",
        "Dòng mới sau thẻ br.",
        "Mục một",
        "Mục hai",
    ]


def test_html_in_a_jsonl_text_field_is_converted_but_a_less_than_sign_is_not_html(tmp_path):
    path = tmp_path / "cms.jsonl"
    html = "<p>Sáng 5/9, <b>UBND tỉnh</b> khai trương Trung tâm IOC.</p><script>track()</script>"
    plain = "Giá cước giảm, gói dưới 5 GB có giá < 50.000 đồng và gói <10 GB> mới."
    path.write_text(
        json.dumps({"id": "h", "text": html}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "t", "text": plain}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    docs = list(iter_documents([str(path)]))
    assert docs[0].is_html and not docs[1].is_html
    assert html_to_text(docs[0].text)[0] == "Sáng 5/9, UBND tỉnh khai trương Trung tâm IOC."


def test_an_html_page_in_the_charset_it_declares_is_read(tmp_path):
    page = tmp_path / "old_portal.htm"
    page.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
        b"<body><p>" + windows_1258_bytes(ARTICLE) + b"</p></body></html>"
    )
    (doc,) = iter_documents([str(tmp_path)])
    assert doc.error is None and doc.is_html
    assert unicodedata.normalize("NFC", html_to_text(doc.text)[0]) == ARTICLE


def test_a_bad_line_in_utf16_jsonl_or_csv_is_one_error_and_a_cut_file_says_so(tmp_path):
    unpaired = "\ud800x".encode("utf-16-le", "surrogatepass")  # a high surrogate not followed by a low one
    line = json.dumps({"id": "x", "text": ARTICLE}, ensure_ascii=False) + "\r\n"
    jsonl = tmp_path / "u16.jsonl"
    jsonl.write_bytes(
        codecs.BOM_UTF16_LE
        + line.encode("utf-16-le")
        + b'{"id": "'.decode().encode("utf-16-le")
        + unpaired
        + '"}\r\n'.encode("utf-16-le")
        + line.replace('"x"', '"y"').encode("utf-16-le")
        + b"\x41"  # cut in the middle of a code unit
    )
    table = tmp_path / "u16.csv"
    table.write_bytes(
        codecs.BOM_UTF16_LE
        + f"id,text\r\nk1,{ARTICLE}\r\nk2,".encode("utf-16-le")
        + unpaired
        + f"\r\nk3,{ARTICLE}\r\n".encode("utf-16-le")
    )
    docs = list(iter_documents([str(jsonl), str(table)]))
    assert [d.id for d in docs] == ["x", f"{jsonl}:2", "y", f"{jsonl}:4", "k1", f"{table}:row 2", "k3"]
    assert docs[1].error == f"{jsonl}:2: not valid UTF-16 (an unpaired surrogate on line 2)"
    assert docs[3].error.startswith(f"{jsonl}:4: not valid UTF-16 (") and docs[3].error.endswith(
        "at the end of the file)"
    )
    assert docs[5].error == f"{table}:row 2: not valid UTF-16 (an unpaired surrogate on line 3)"
    assert docs[0].text == docs[2].text == docs[4].text == docs[6].text == ARTICLE


def test_one_article_file_is_read_as_batch_labelling_reads_it(tmp_path):
    from classify.batch.sources import read_article_file
    from classify.errors import InputError

    page = tmp_path / "old_portal.HTM"
    page.write_bytes(
        b'<html><head><meta charset="windows-1258"><title>Portal</title><script>var a = "<p>";</script>'
        b"</head><body><nav>"
        + windows_1258_bytes("Trang chủ | Tin tức")
        + b"</nav><h1>"
        + windows_1258_bytes("Khai trương Trung tâm IOC")
        + b"</h1><p>"
        + windows_1258_bytes(ARTICLE)
        + b"</p></body></html>"
    )
    text, title = read_article_file(page)
    assert unicodedata.normalize("NFC", title) == "Khai trương Trung tâm IOC"
    assert unicodedata.normalize("NFC", text).endswith(ARTICLE) and "<" not in text and "Trang chủ" not in text
    plain = tmp_path / "bai.txt"
    plain.write_text("<b>Không phải HTML</b>\n" + ARTICLE, encoding="utf-8")
    assert read_article_file(plain) == ("<b>Không phải HTML</b>\n" + ARTICLE, None)  # only pages are converted
    with pytest.raises(InputError, match="over the limit of 10 bytes"):
        read_article_file(plain, max_bytes=10)


def test_a_numeric_jsonl_title_is_kept_as_text_and_a_structured_one_is_ignored(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(
        _jsonl_line({"id": "a", "title": 2024, "text": ARTICLE})
        + _jsonl_line({"id": "b", "title": 7.5, "text": ARTICLE})
        + _jsonl_line({"id": "c", "title": ["x"], "text": ARTICLE})
        + _jsonl_line({"id": "d", "title": True, "text": ARTICLE})
    )
    assert [(d.title, d.error) for d in iter_documents([str(path)])] == [
        ("2024", None),
        ("7.5", None),
        (None, None),
        (None, None),
    ]
