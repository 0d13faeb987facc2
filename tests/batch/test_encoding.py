"""Exports in Windows-1258 (Excel's plain CSV on Vietnamese Windows): --encoding reads them as their UTF-8 twins."""

import csv
import io
import json
import unicodedata

from conftest import SEEDS, windows_1258_bytes

from classify.cli import main

ARTICLES = ["w1_011.txt", "w1_043.txt", "w2_006.txt", "003_de78d42dda2afc96.txt"]


def _export_text() -> str:
    """A CSV as Excel writes it under Vietnamese regional settings: ';' between cells, CRLF, a Vietnamese column."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["id", "tieu_de", "text", "chuyên_mục"])
    for number, name in enumerate(ARTICLES, 1):
        text = (SEEDS / name).read_text(encoding="utf-8")
        writer.writerow([f"bài-{number}", "", text, "Thông tin – Truyền thông"])
    return out.getvalue()


def _twins(tmp_path):
    text = _export_text()
    utf8, legacy = tmp_path / "xuat_utf8.csv", tmp_path / "xuat_excel.csv"
    utf8.write_text(text, encoding="utf-8", newline="")
    data = windows_1258_bytes(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) != data.decode("cp1258")  # decomposed tone marks
    legacy.write_bytes(data)
    return utf8, legacy


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_cp1258_csv_with_decomposed_tones_is_labelled_as_its_utf8_twin(tmp_path, capsys):
    utf8, legacy = _twins(tmp_path)
    assert main(["label", str(utf8), "-o", str(tmp_path / "a.jsonl"), "--quiet"]) == 0
    assert main(["label", str(legacy), "-o", str(tmp_path / "b.jsonl"), "--quiet", "--encoding", "cp1258"]) == 0
    twin, legacy_records = _records(tmp_path / "a.jsonl"), _records(tmp_path / "b.jsonl")
    assert len(twin) == len(ARTICLES) and all(r["error"] is None for r in twin)
    for a, b in zip(twin, legacy_records):
        assert b["source"] == a["source"].replace("xuat_utf8", "xuat_excel")
        assert {k: v for k, v in b.items() if k != "source"} == {k: v for k, v in a.items() if k != "source"}
    assert legacy_records[0]["input"]["chuyên_mục"] == "Thông tin – Truyền thông"  # NFC, like the UTF-8 file


def test_without_the_encoding_each_row_is_an_error_with_the_hint(tmp_path):
    _, legacy = _twins(tmp_path)
    assert main(["label", str(legacy), "-o", str(tmp_path / "b.jsonl"), "--quiet"]) == 0
    records = _records(tmp_path / "b.jsonl")
    assert records and all("--encoding cp1258" in r["error"] for r in records)


def test_an_unknown_encoding_is_refused_before_anything_is_created(tmp_path, capsys):
    utf8, _ = _twins(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["label", str(utf8), "-o", str(tmp_path / "a.jsonl"), "--encoding", "tcvn3"]) == 2
    assert (
        capsys.readouterr().err.strip() == "classify: unknown encoding 'tcvn3' (try cp1258, utf-8 or utf-16, or auto)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_resume_compares_the_encoding_and_an_older_checkpoint_meant_auto(tmp_path):
    import pytest

    from classify.batch.output import OutputError
    from classify.batch.previous import check_same_run, describe_run

    utf8, _ = _twins(tmp_path)
    options = {"sentences": 3, "format": "jsonl", "text_column": "text", "id_column": "id", "title_column": "title"}
    auto = describe_run("abc", [str(utf8)], **options, max_bytes=10, encoding="auto")
    legacy = describe_run("abc", [str(utf8)], **options, max_bytes=10, encoding="cp1258")
    older = describe_run("abc", [str(utf8)], **options, max_bytes=10)  # written before --encoding existed
    check_same_run(tmp_path / "o.partial", older, auto)
    with pytest.raises(OutputError, match=r"--encoding \(auto then, cp1258 now\)"):
        check_same_run(tmp_path / "o.partial", auto, legacy)
