"""An input that yields no article is a failed start (one line, exit 2, nothing created), unless --allow-empty."""

import pytest

from classify.cli import main


def _listing(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("kind", ["folder of PDFs", "empty folder", "empty export"])
def test_no_articles_is_one_line_and_exit_2_and_nothing_is_created(tmp_path, capsys, kind):
    source = tmp_path / "vao"
    if kind == "empty export":
        source = tmp_path / "xuat.jsonl"
        source.write_text("\n\n", encoding="utf-8")
    else:
        source.mkdir()
        if kind == "folder of PDFs":
            (source / "bao_cao.pdf").write_bytes(b"%PDF-1.7\n")
            (source / "to_trinh.pdf").write_bytes(b"%PDF-1.7\n")
    before = _listing(tmp_path)
    assert main(["label", str(source), "-o", str(tmp_path / "ra" / "nhan.xlsx")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"classify: {source}: no articles to label")
    assert "--allow-empty" in err
    if kind == "folder of PDFs":
        assert "not read: 2 files in folders that are not .txt/.html/.htm (.pdf 2)" in err
    assert _listing(tmp_path) == before


def test_allow_empty_writes_an_empty_output(tmp_path, capsys):
    source = tmp_path / "vao"
    source.mkdir()
    out = tmp_path / "nhan.jsonl"
    assert main(["label", str(source), "-o", str(out), "--allow-empty"]) == 0
    assert out.exists() and out.read_text(encoding="utf-8") == ""


def test_one_unreadable_article_is_not_an_empty_input(tmp_path, capsys):
    source = tmp_path / "vao"
    source.mkdir()
    (source / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    out = tmp_path / "nhan.jsonl"
    assert main(["label", str(source), "-o", str(out), "--quiet"]) == 0
    assert "this is a PNG image" in out.read_text(encoding="utf-8")
