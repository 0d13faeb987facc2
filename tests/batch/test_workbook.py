"""-o OUT.xlsx writes a real workbook, crash-safely (issue #25)."""

import json
import subprocess

from conftest import PORTAL_PAGE, SEEDS, classify_cli
from openpyxl import load_workbook

from classify.batch.output import CSV_COLUMNS, open_writer
from classify.model.taxonomy import DISPLAY_NAMES


def _rows(path):
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return sheet, rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def test_label_to_xlsx_writes_a_workbook_with_the_csv_columns_and_vietnamese_label_names(tmp_path):
    records = [
        {"id": "x1", "title": '=HYPERLINK("http://x.example","Bấm vào đây")', "text": PORTAL_PAGE, "author": "An"},
        {"id": "x2", "text": (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8"), "url": "https://a.vn/2"},
        {"id": "x3", "text": "  "},
    ]
    source = tmp_path / "export.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out, reference = tmp_path / "nhan.xlsx", tmp_path / "nhan.jsonl"
    for target in (out, reference):
        result = subprocess.run(classify_cli("label", str(source), "-o", str(target), "--quiet"), capture_output=True)
        assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK"  # a zip archive, as every .xlsx
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "export.jsonl",
        "nhan.jsonl",
        "nhan.jsonl.run.json",
        "nhan.xlsx",
        "nhan.xlsx.run.json",
    ]

    sheet, header, rows = _rows(out)
    assert sheet.freeze_panes == "A2"
    columns = [c for c in CSV_COLUMNS if c != "input"]
    assert [c for c in header if c in columns] == columns
    assert (
        header[header.index("event_type") + 1] == "event_type_vi" and header[header.index("topics") + 1] == "topics_vi"
    )
    assert header[header.index("topics_vi") + 1] == "topics_maybe"  # left for the analyst's unsure topics
    assert all(row["topics_maybe"] is None for row in rows)
    assert header[header.index("summary") + 1 : header.index("error")] == ["input.author", "input.url"]
    expected = [json.loads(line) for line in reference.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["x1", "x2", "x3"]
    for row, record in zip(rows, expected):
        assert row["event_type"] == record["event_type"] and row["event_confidence"] == record["event_confidence"]
        if record["event_type"]:
            assert row["event_type_vi"] == DISPLAY_NAMES["event_type"][record["event_type"]]
            assert row["topics_vi"] == "; ".join(DISPLAY_NAMES["topics"][t] for t in record["topics"]) or None
            assert row["summary"] == "\n".join(record["summary"])
    assert rows[0]["title"] == records[0]["title"] and rows[0]["input.author"] == "An"
    title_cell = sheet.cell(2, header.index("title") + 1)
    assert title_cell.data_type == "s"  # text, not a formula a spreadsheet would run
    assert sheet.cell(2, header.index("summary") + 1).alignment.wrap_text
    assert rows[2]["error"] and rows[2]["event_type"] is None


def test_an_interrupted_xlsx_run_checkpoints_jsonl_and_builds_the_workbook_when_complete(tmp_path):
    out = tmp_path / "nhan.xlsx"
    writer = open_writer(str(out), "xlsx", resume=False, force=False, commit_seconds=0)
    writer.write([{"id": "a", "title": "Hội nghị tổng kết", "topics": ["it_egov"]}])
    writer.write([{"id": "b", "title": "Kỷ niệm 80 năm", "input": {"nguon": "cms"}}])
    writer.close()  # interrupted: no workbook yet, the records are in the partial file as JSONL
    partial = tmp_path / "nhan.xlsx.partial"
    assert not out.exists() and [json.loads(line)["id"] for line in partial.open(encoding="utf-8")] == ["a", "b"]
    with open(partial, "a", encoding="utf-8") as handle:
        handle.write('{"id": "torn')
    writer = open_writer(str(out), "xlsx", resume=True, force=False, commit_seconds=0)
    assert writer.done == 2
    writer.write([{"id": "c", "title": "Thăm và làm việc"}])
    writer.finish()
    _, header, rows = _rows(out)
    assert [row["id"] for row in rows] == ["a", "b", "c"] and rows[1]["input.nguon"] == "cms"
    assert rows[0]["topics_vi"] == DISPLAY_NAMES["topics"]["it_egov"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nhan.xlsx"]

    writer = open_writer(str(out), "xlsx", resume=False, force=False, update=True, commit_seconds=0)
    assert writer.done_ids == {"a", "b", "c"}
    writer.write([{"id": "d", "title": "Tin mới", "input": {"tac_gia": "Bình"}}])
    writer.finish()
    _, header, rows = _rows(out)
    assert [row["id"] for row in rows] == ["a", "b", "c", "d"]
    assert rows[1]["input.nguon"] == "cms" and rows[3]["input.tac_gia"] == "Bình" and header[-1] == "error"
