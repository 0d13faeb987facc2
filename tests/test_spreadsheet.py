import pytest
from openpyxl import Workbook

from classify.errors import CorpusError
from classify.spreadsheet import first_sheet


def test_first_sheet_gives_the_header_as_read_and_the_other_rows(tmp_path):
    book = Workbook()
    book.active.append(["source", None, "event_type_vi"])
    book.active.append(["bai-1.html", "x", "Tổng kết / sơ kết"])
    book.create_sheet("other").append(["not read"])
    path = tmp_path / "labels.xlsx"
    book.save(path)
    with first_sheet(path, CorpusError) as (header, rows):
        assert header == ["source", None, "event_type_vi"]
        assert list(rows) == [("bai-1.html", "x", "Tổng kết / sơ kết")]


def test_a_file_that_is_not_a_workbook_is_one_line_naming_it(tmp_path):
    path = tmp_path / "labels.xlsx"
    path.write_text("source,event_type\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"^{path}: cannot read the workbook \(") as caught:
        with first_sheet(path, CorpusError):
            pass
    assert "\n" not in str(caught.value)
