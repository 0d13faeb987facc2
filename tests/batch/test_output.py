import csv
import gzip
import io
import json

import pytest

from classify.batch.output import CSV_COLUMNS, OutputError, detect_format, open_writer, render_chunk


def _records(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_checkpoints_are_paced_in_time(tmp_path):
    out = tmp_path / "paced.jsonl"
    writer = open_writer(str(out), "jsonl", resume=False, force=False, commit_seconds=3600)
    writer.write([{"id": "a"}])
    writer.write([{"id": "b"}])
    checkpoint = tmp_path / "paced.jsonl.partial.ckpt"
    assert not checkpoint.exists()  # nothing durable yet: a crash now would redo both records
    writer.commit_seconds = 0
    writer.write([{"id": "c"}])
    assert json.loads(checkpoint.read_text())["records"] == 3
    writer.finish()
    assert [r["id"] for r in _records(out)] == ["a", "b", "c"] and not checkpoint.exists()


def test_a_resumed_csv_output_has_one_bom_and_one_header(tmp_path):
    out = tmp_path / "o.csv"
    writer = open_writer(str(out), "csv", resume=False, force=False, commit_seconds=0)
    writer.write([{"id": "a", "title": "Hội nghị tổng kết"}])
    writer.close()  # interrupted: the partial output stays
    writer = open_writer(str(out), "csv", resume=True, force=False, commit_seconds=0)
    writer.write([{"id": "b", "title": "Kỷ niệm 80 năm"}])
    writer.finish()
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,") and data.count(b"\xef\xbb\xbf") == 1
    assert data.decode("utf-8-sig").splitlines()[1:] == [
        "a,,Hội nghị tổng kết,,,,,,,,,,",
        "b,,Kỷ niệm 80 năm,,,,,,,,,,",
    ]


def _spreadsheet_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


RISKY = {
    "id": "=1+2",
    "title": "-5 độ C, Sa Pa đón băng giá",
    "date": "2024-01-12",
    "summary": ["@SUM(A1:A9) và +84 912 345 678 là số tổng đài.", "=Câu thứ hai không mở ô."],
    "error": "\tlệnh lạ",
    "topics": ['=HYPERLINK("http://x")'],
    "event_confidence": 0.5,
}


def test_csv_excel_keeps_spreadsheets_from_running_cells_as_formulas():
    rows = _spreadsheet_rows(render_chunk([RISKY], "csv-excel").text)
    cells = dict(zip(CSV_COLUMNS, rows[0]))
    assert cells["id"] == "'=1+2"
    assert cells["title"] == "'-5 độ C, Sa Pa đón băng giá"
    # Only the start of a cell can make it a formula.
    assert cells["summary"] == "'@SUM(A1:A9) và +84 912 345 678 là số tổng đài.\n=Câu thứ hai không mở ô."
    assert cells["error"] == "'\tlệnh lạ"
    assert cells["topics"] == '\'=HYPERLINK("http://x")'
    # Cells that cannot start a formula are written as in plain CSV.
    assert cells["date"] == "2024-01-12" and cells["event_confidence"] == "0.5" and cells["source"] == ""


def test_plain_csv_keeps_every_cell_as_it_is():
    cells = _spreadsheet_rows(render_chunk([RISKY], "csv").text)[0]
    assert cells[0] == "=1+2" and cells[2] == RISKY["title"] and cells[CSV_COLUMNS.index("error")] == "\tlệnh lạ"


def test_csv_excel_output_has_the_bom_and_header_of_csv(tmp_path):
    out = tmp_path / "o.csv"
    writer = open_writer(str(out), "csv-excel", resume=False, force=False, commit_seconds=0)
    writer.write([RISKY])
    writer.finish()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffid,source,title,")
    assert _spreadsheet_rows(text.lstrip("\ufeff"))[1][0] == "'=1+2"


def test_resuming_with_another_csv_flavour_is_refused(tmp_path):
    out = tmp_path / "o.csv"
    writer = open_writer(str(out), "csv-excel", resume=False, force=False, commit_seconds=0)
    writer.write([RISKY])
    writer.close()  # interrupted
    with pytest.raises(OutputError, match="was written as csv-excel, not csv"):
        open_writer(str(out), "csv", resume=True, force=False)


@pytest.mark.parametrize(
    ("output", "fmt", "expected"),
    [
        ("o.csv", None, "csv"),
        ("O.CSV", None, "csv"),
        ("o.jsonl", None, "jsonl"),
        ("-", None, "jsonl"),
        ("o.csv", "csv-excel", "csv-excel"),
        ("o.tsv", None, "tsv"),
        ("kết quả/O.TSV", None, "tsv"),
        ("o.csv.jsonl", None, "jsonl"),
        ("o.xlsx", None, "xlsx"),
        ("-", "csv", "csv"),
        ("o.csv.gz", None, "csv"),
        ("O.TSV.GZ", None, "tsv"),
        ("o.jsonl.gz", None, "jsonl"),
    ],
)
def test_the_format_comes_from_the_option_or_the_output_name(output, fmt, expected):
    assert detect_format(output, fmt) == expected


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(OutputError, match="unknown --format 'xls'; use jsonl, csv, csv-excel, tsv, xlsx"):
        detect_format("o.xlsx", "xls")


@pytest.mark.parametrize(
    ("output", "fmt", "message"),
    [
        (
            "o.json",
            None,
            r"o.json: unknown kind of output \(.json\); name it .jsonl, .jsonl.gz, .csv, .csv.gz, "
            r".tsv, .tsv.gz, .xlsx",
        ),
        ("o.txt", "csv", r"o.txt: unknown kind of output \(.txt\)"),
        ("labels", None, r"labels: unknown kind of output \(no suffix\)"),
        ("o.xlsx.gz", None, r"unknown kind of output \(.xlsx.gz\)"),
        ("o.csv", "tsv", r"o.csv: --format tsv does not match the name; a .csv file holds csv or csv-excel"),
        ("-", "xlsx", "a workbook cannot go to standard output"),
    ],
)
def test_an_output_name_that_would_mislead_is_refused(output, fmt, message):
    with pytest.raises(OutputError, match=message):
        detect_format(output, fmt)


def test_csv_summary_is_one_sentence_per_line_and_topics_are_joined(tmp_path):
    summary = ["Sáng 3/4, Sở TT&TT khai mạc hội nghị; 120 đại biểu dự.", "Hội nghị kết thúc lúc 11 giờ."]
    records = [
        {"id": "a", "topics": ["press", "broadcasting"], "summary": summary},
        {"id": "b", "topics": [], "summary": []},
        {"id": "c", "topics": ["nhãn; lạ", "x"], "summary": None},
    ]
    out = tmp_path / "o.csv"
    writer = open_writer(str(out), "csv", resume=False, force=False, commit_seconds=0)
    writer.write(records)
    writer.finish()
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig", newline="")))
    assert rows[0]["summary"].split("\n") == summary and rows[0]["topics"] == "press; broadcasting"
    assert rows[1]["summary"] == "" and rows[1]["topics"] == ""
    assert json.loads(rows[2]["topics"]) == ["nhãn; lạ", "x"]  # a label holding "; " falls back to JSON


def test_tsv_output_reads_back_through_the_tsv_input_reader(tmp_path):
    from classify.batch.sources import iter_documents

    records = [
        {"id": "t1", "title": 'Tiêu đề có\tdấu tab, dấu phẩy và "ngoặc kép"', "summary": ["Câu một.", "Câu hai."]},
        {"id": "t2", "title": "Hội nghị tổng kết năm 2024", "topics": ["press", "security"]},
    ]
    out = tmp_path / "o.tsv"
    writer = open_writer(str(out), "tsv", resume=False, force=False, commit_seconds=0)
    writer.write(records[:1])
    writer.close()  # interrupted: resuming must not write a second header
    writer = open_writer(str(out), "tsv", resume=True, force=False, commit_seconds=0)
    writer.write(records[1:])
    writer.finish()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("id\tsource\ttitle\t") and text.count("id\tsource") == 1
    # A cell is quoted only when it must be: a tab, a quote or a line break.
    assert text.splitlines()[-1] == "t2\t\tHội nghị tổng kết năm 2024\t\t\t\t\tpress; security\t\t\t\t\t"
    documents = list(iter_documents([str(out)], text_column="title"))
    assert [(d.id, d.text) for d in documents] == [(r["id"], r["title"]) for r in records]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_gz_output_is_gzip_and_resumes_after_a_torn_member(tmp_path, fmt):
    records = [{"id": f"r{i}", "title": f"Hội nghị tổng kết năm {2000 + i}", "topics": ["it_egov"]} for i in range(9)]
    plain = tmp_path / f"plain.{fmt}"
    writer = open_writer(str(plain), fmt, resume=False, force=False, commit_seconds=0)
    for i in range(0, 9, 3):
        writer.write(records[i : i + 3])
    writer.finish()

    out = tmp_path / f"o.{fmt}.gz"
    writer = open_writer(str(out), fmt, resume=False, force=False, commit_seconds=0)
    writer.write(records[:3])
    writer.write(records[3:5])
    writer.close()
    partial = tmp_path / f"o.{fmt}.gz.partial"
    with open(partial, "ab") as handle:  # killed while appending a member: half of it reached the disk
        member = gzip.compress(b"torn record that must not survive\n")
        handle.write(member[: len(member) // 2])
    writer = open_writer(str(out), fmt, resume=True, force=False, commit_seconds=0)
    assert writer.done == 5 and writer.last_id == "r4"
    writer.write(records[5:])
    writer.finish()
    assert out.read_bytes()[:2] == b"\x1f\x8b" and not partial.exists()
    assert gzip.decompress(out.read_bytes()) == plain.read_bytes()


def test_an_archive_name_other_than_gz_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "nhan.jsonl.zip"
    with pytest.raises(OutputError, match=r"nhan.jsonl.zip: only gzip output is compressed; name it nhan.jsonl.gz"):
        open_writer(str(out), "jsonl", resume=False, force=False)
    assert not list(tmp_path.iterdir())
