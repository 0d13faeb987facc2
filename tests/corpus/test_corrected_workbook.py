"""A folder labelled by `classify label -o FOLDER/labels.xlsx`, corrected in a spreadsheet, is a training corpus."""

import json

import pytest
from conftest import SEEDS
from openpyxl import load_workbook

from classify.cli import main
from classify.corpus.reader import load_corpus
from classify.errors import CorpusError

ARTICLES = ["003_de78d42dda2afc96.txt", "w1_011.txt", "w1_043.txt", "w2_006.txt"]


def _labelled_folder(tmp_path, monkeypatch, capsys):
    """pages/ with four articles (one as an HTML page, one in a subfolder) and the workbook label wrote, run from tmp_path."""
    monkeypatch.chdir(tmp_path)
    pages = tmp_path / "pages"
    (pages / "thang5").mkdir(parents=True)
    (pages / "a.txt").write_text((SEEDS / ARTICLES[0]).read_text(encoding="utf-8"), encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in (SEEDS / ARTICLES[1]).read_text(encoding="utf-8").splitlines()[1:])
    headline = (SEEDS / ARTICLES[1]).read_text(encoding="utf-8").splitlines()[0]
    (pages / "b.html").write_text(f"<html><body><nav>Trang chủ</nav><h1>{headline}</h1>{body}</body></html>", "utf-8")
    (pages / "thang5" / "c.txt").write_text((SEEDS / ARTICLES[2]).read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "d.txt").write_text((SEEDS / ARTICLES[3]).read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["label", "pages", "-o", "pages/labels.xlsx", "--quiet"]) == 0
    capsys.readouterr()
    return pages


def _edit(path, changes: dict[str, dict]):
    """Set cells of the rows whose source ends with a key: {"a.txt": {"event_type": None, ...}}."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        source = row[header.index("source")].value
        for suffix, cells in changes.items():
            if source.endswith(suffix):
                for column, value in cells.items():
                    row[header.index(column)].value = value
    book.save(path)


def test_corrections_typed_in_either_column_become_the_labels(tmp_path, monkeypatch, capsys):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    _edit(
        pages / "labels.xlsx",
        {
            "a.txt": {"event_type": None, "event_type_vi": "Tổng kết/sơ kết"},  # corrected in Vietnamese
            "b.html": {"topics": "press_publishing, broadcasting", "topics_vi": None},  # corrected as ids
            "c.txt": {"topics": None, "topics_vi": "An toàn thông tin; Bưu chính - Viễn thông"},  # hyphen, not dash
            "d.txt": {"event_type": None, "event_type_vi": None},  # dropped from training
        },
    )
    corpus = load_corpus(pages)
    by_id = {doc.id: doc for doc in corpus.documents}
    assert sorted(by_id) == ["a.txt", "b.html", "thang5/c.txt"]
    assert by_id["a.txt"].labels["event_type"] == "annual_review"
    assert by_id["b.html"].labels["topics"] == ["broadcasting", "press_publishing"]
    assert by_id["thang5/c.txt"].labels["topics"] == ["info_security", "post_telecom"]
    assert by_id["b.html"].title == (SEEDS / ARTICLES[1]).read_text(encoding="utf-8").splitlines()[0]
    assert "Trang chủ" not in by_id["b.html"].text  # the page read as label reads it
    assert by_id["a.txt"].text == (SEEDS / ARTICLES[0]).read_text(encoding="utf-8")


def test_the_topics_maybe_column_label_leaves_empty_gives_the_unsure_topics(tmp_path, monkeypatch, capsys):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    _edit(pages / "labels.xlsx", {"c.txt": {"topics_maybe": "Phát thanh – Truyền hình"}})
    by_id = {doc.id: doc for doc in load_corpus(pages).documents}
    assert by_id["thang5/c.txt"].unsure == {"topics": ["broadcasting"]}
    assert by_id["a.txt"].unsure == {} and by_id["b.html"].unsure == {}


def test_a_topics_maybe_column_added_to_an_older_workbook_gives_the_unsure_topics(tmp_path, monkeypatch, capsys):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    book = load_workbook(pages / "labels.xlsx")
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_cols(header.index("topics_maybe") + 1)  # as written before label left the column
    sheet.cell(row=1, column=sheet.max_column + 1, value="topics_maybe")
    book.save(pages / "labels.xlsx")
    _edit(pages / "labels.xlsx", {"a.txt": {"topics_maybe": "Chuyển đổi số; info_security"}})
    by_id = {doc.id: doc for doc in load_corpus(pages).documents}
    assert by_id["a.txt"].unsure == {"topics": ["digital_transformation", "info_security"]}
    assert by_id["thang5/c.txt"].unsure == {}  # an empty cell: sure of every topic
    _edit(pages / "labels.xlsx", {"a.txt": {"topics_maybe": "Chuyen doi so"}})  # a typo is never a label
    with pytest.raises(CorpusError, match=r"labels\.xlsx: row \d+: 'Chuyen doi so' is not one of the topics labels"):
        load_corpus(pages)


def test_the_workbook_is_found_wherever_label_ran(tmp_path, monkeypatch, capsys):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    _edit(pages / "labels.xlsx", {"c.txt": {"source": str(tmp_path / "pages" / "thang5" / "c.txt")}})
    monkeypatch.chdir(pages / "thang5")
    assert len(load_corpus(pages)) == 4


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"a.txt": {"event_type": "anniversary", "event_type_vi": "Khác"}},
            r"event_type says 'anniversary' but event_type_vi says 'other'; correct one column and empty the other",
        ),
        (
            {"a.txt": {"event_type": None, "event_type_vi": "Hội thảo"}},
            r"'Hội thảo' is not one of the event_type labels: annual_review",
        ),
        ({"a.txt": {"topics": "it_egv"}}, r"'it_egv' is not one of the topics labels: post_telecom"),
        ({"a.txt": {"event_type": "other; anniversary", "event_type_vi": None}}, "one event type per article"),
        ({"a.txt": {"source": "pages/khong_co.txt"}}, r"no article 'pages/khong_co.txt' in \S*pages$"),
    ],
)
def test_a_row_that_cannot_be_trusted_is_one_error_naming_it(tmp_path, monkeypatch, capsys, changes, message):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    _edit(pages / "labels.xlsx", changes)
    with pytest.raises(CorpusError, match=r"pages/labels\.xlsx: row 2: " + message):
        load_corpus(pages)


def test_train_on_the_seeds_plus_a_corrected_folder(tmp_path, monkeypatch, capsys):
    pages = _labelled_folder(tmp_path, monkeypatch, capsys)
    _edit(pages / "labels.xlsx", {"d.txt": {"event_type": "anniversary", "event_type_vi": None}})
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    lines = (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()[::17]
    for line in lines:
        name = json.loads(line)["file"]
        (seeds / name).write_bytes((SEEDS / name).read_bytes())
    (seeds / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "mine.joblib"
    assert main(["train", "--data", "seeds", "--data", "pages/", "--folds", "0", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"corpus: seeds + pages: {len(lines) + 4} articles" in err
    manifest = json.loads(out.with_suffix(".manifest.json").read_text(encoding="utf-8"))
    assert manifest["corpus"]["documents"] == len(lines) + 4


def test_two_articles_with_the_same_file_name_in_different_subfolders_keep_their_own_rows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for month, name in (("thang5", ARTICLES[1]), ("thang6", ARTICLES[2])):
        (tmp_path / "pages" / month).mkdir(parents=True)
        (tmp_path / "pages" / month / "bai.txt").write_text((SEEDS / name).read_text(encoding="utf-8"), "utf-8")
    assert main(["label", "pages", "-o", "pages/labels.xlsx", "--quiet"]) == 0
    _edit(tmp_path / "pages" / "labels.xlsx", {"thang6/bai.txt": {"event_type": "anniversary", "event_type_vi": None}})
    by_id = {doc.id: doc for doc in load_corpus(tmp_path / "pages").documents}
    assert by_id["thang5/bai.txt"].text == (SEEDS / ARTICLES[1]).read_text(encoding="utf-8")
    assert by_id["thang6/bai.txt"].text == (SEEDS / ARTICLES[2]).read_text(encoding="utf-8")
    assert by_id["thang6/bai.txt"].labels["event_type"] == "anniversary"
