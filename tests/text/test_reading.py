import codecs
import unicodedata

import pytest
from conftest import windows_1258_bytes

from classify.errors import InputError
from classify.text.reading import (
    check_encoding,
    declared_html_charset,
    decode_bytes,
    iter_text_lines,
    read_text_file,
)

TEXT = "Sở Thông tin và Truyền thông tỉnh Bến Tre tổ chức hội nghị."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
)
def test_accepted_encodings(tmp_path, data):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert read_text_file(path) == TEXT


def test_windows_1258_bytes_name_the_file_and_line(tmp_path):
    path = tmp_path / "cp1258.txt"
    path.write_bytes(b"Dong mot\n" + "Thông tin và Đài".encode("cp1258"))
    with pytest.raises(InputError, match=r"cp1258\.txt: not valid UTF-8 .* line 2.*--encoding cp1258"):
        read_text_file(path)


def test_a_named_encoding_reads_windows_1258_into_nfc(tmp_path):
    path = tmp_path / "xuat.txt"
    data = windows_1258_bytes(TEXT + "\nKỷ niệm ngày Báo chí, Điện Biên.")
    assert unicodedata.normalize("NFC", data.decode("cp1258")) != data.decode("cp1258")  # tones really decomposed
    path.write_bytes(data)
    text = read_text_file(path, encoding="cp1258")
    assert text == TEXT + "\nKỷ niệm ngày Báo chí, Điện Biên." and unicodedata.is_normalized("NFC", text)


def test_a_named_encoding_reads_lines_into_nfc_and_names_a_bad_line():
    import io

    good = windows_1258_bytes("Hội nghị tổng kết\n")
    stream = io.BufferedReader(io.BytesIO(good + b"\x81\x8d bad\n" + good))  # 0x81: undefined in cp1258
    lines = list(iter_text_lines(stream, "cp1258"))
    assert [(n, text, problem is None) for n, text, problem in lines] == [
        (1, "Hội nghị tổng kết\n", True),
        (2, lines[1][1], False),
        (3, "Hội nghị tokens\n".replace("tokens", "tổng kết"), True),
    ]
    assert "not valid cp1258 (byte 0x81 on line 2)" in lines[1][2]


def test_a_named_utf16_encoding_without_a_byte_order_mark():
    import io

    data = unicodedata.normalize("NFD", "Dòng một\nDòng hai\n").encode("utf-16-le")  # decomposed, as macOS writes
    assert [line for _, line, _ in iter_text_lines(io.BufferedReader(io.BytesIO(data)), "utf-16-le")] == [
        "Dòng một\n",
        "Dòng hai\n",
    ]
    assert decode_bytes(data, "x", encoding="utf-16-le") == "Dòng một\nDòng hai\n"


def test_an_unknown_encoding_is_one_clear_error():
    assert check_encoding("auto") == "auto" and check_encoding("cp1258") == "cp1258"
    with pytest.raises(InputError, match="unknown encoding 'vni'"):
        check_encoding("vni")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"abc\x00def\x00", "NUL"),
    ],
)
def test_binary_files_are_refused(tmp_path, data, kind):
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"blob\.txt: .*{kind}"):
        read_text_file(path)


def test_missing_and_oversized_files(tmp_path):
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_text_file(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    big.write_text("a" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="over the limit of 10 bytes"):
        read_text_file(big, max_bytes=10)


def test_decode_bytes_names_its_source():
    with pytest.raises(InputError, match=r"^record 7:"):
        decode_bytes(b"\xff\xfe\xfa" + b"x" * 3 + b"\xc3", "record 7")


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">', "windows-1258"),
        (b"<META CHARSET='UTF-8'>", "utf-8"),
        (b"<meta name=description content=x>", None),
    ],
)
def test_declared_html_charset(head, charset):
    assert declared_html_charset(b"<html><head>" + head + b"</head><body>x</body></html>") == charset


def test_a_page_in_its_declared_charset_is_decoded_and_an_undeclared_one_is_refused():
    data = (
        b'<html><head><meta charset="windows-1258"></head><body><p>' + windows_1258_bytes(TEXT) + b"</p></body></html>"
    )
    decoded = decode_bytes(data, "page.html", fallback=declared_html_charset(data))
    assert TEXT in unicodedata.normalize("NFC", decoded)
    with pytest.raises(InputError, match=r"page\.html: not valid UTF-8"):
        decode_bytes(data, "page.html")
    with pytest.raises(InputError, match=r"page\.html: not valid UTF-8, and the charset it declares \(x-tcvn3\)"):
        decode_bytes(data, "page.html", fallback="x-tcvn3")


def test_any_other_os_error_is_an_input_error_naming_the_file(tmp_path):
    too_long = tmp_path / ("b" * 300 + ".txt")  # over the file system's 255-byte name limit
    with pytest.raises(InputError, match=r"bbbb\.txt: cannot read \(File name too long\)"):
        read_text_file(too_long)


def test_content_suffix_looks_through_gz():
    from pathlib import Path

    from classify.text.reading import content_suffix

    assert content_suffix(Path("a.jsonl.gz")) == ".jsonl"
    assert content_suffix("A.CSV.GZ") == ".csv"
    assert content_suffix("kết quả/a.tsv") == ".tsv"
    assert content_suffix("bai.txt.gz") == ".txt"  # read as an article, then refused as a gzip archive
    assert content_suffix("archive.gz") == ".gz"


def test_open_binary_decompresses_a_gz_name_only(tmp_path):
    import gzip

    from classify.text.reading import open_binary

    (tmp_path / "a.jsonl.GZ").write_bytes(gzip.compress(b'{"id": 1}\n'))
    (tmp_path / "b.jsonl").write_bytes(gzip.compress(b'{"id": 1}\n'))
    with open_binary(tmp_path / "a.jsonl.GZ") as handle:
        assert handle.read() == b'{"id": 1}\n'
    with open_binary(tmp_path / "b.jsonl") as handle:  # compressed bytes under a plain name stay as they are
        assert handle.read()[:2] == b"\x1f\x8b"
