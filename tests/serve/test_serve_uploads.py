"""Upload names and zip members that cannot leave their folder; the worker's count of kept errors."""

import json
import zipfile

import pytest

from classify.errors import InputError
from classify.serve.uploads import safe_name, unpack_zip, upload_kind
from classify.serve.worker import count_errors


@pytest.mark.parametrize(
    "sent, stored",
    [
        ("Tin tháng 3.jsonl", "Tin tháng 3.jsonl"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Lan\\Tài liệu\\xuất.csv", "xuất.csv"),
        (".bashrc", "bashrc"),
        ("..", "upload"),
        ("", "upload"),
        ("a<b>|c?.csv.gz", "a_b_c_.csv.gz"),
        ("Tie\u0302\u0301u đe\u0302\u0300.txt", "Tiếu đề.txt"),  # NFD from a Mac: stored NFC
    ],
)
def test_safe_name_keeps_the_last_component_in_plain_characters(sent, stored):
    assert safe_name(sent) == stored


def test_a_long_name_keeps_its_suffixes():
    name = safe_name("bài " * 100 + ".jsonl.gz")
    assert len(name) <= 120 and name.endswith(".jsonl.gz")


@pytest.mark.parametrize(
    "name, kind", [("a.jsonl", "table"), ("a.csv.gz", "table"), ("a.TSV", "table"), ("a.zip", "zip")]
)
def test_upload_kinds(name, kind):
    assert upload_kind(name) == kind


def test_members_that_map_to_the_same_name_are_all_kept(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("tin/a:b.txt", "một")
        zipped.writestr("tin/a_b.txt", "hai")
        zipped.writestr("tin/ghi chú.docx", "x")
    ignored = unpack_zip(archive, tmp_path / "out", name="a.zip", max_total_bytes=1000)
    assert sorted(p.read_text() for p in (tmp_path / "out" / "tin").iterdir()) == ["hai", "một"]
    assert ignored == {".docx": 1}
    assert not (tmp_path / "out.unpacking").exists()


def test_an_archive_over_the_size_limit_leaves_no_folder(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("lớn.txt", "a" * 5000)  # compresses to a few bytes
    with pytest.raises(InputError, match="a.zip: its articles unpack to more than"):
        unpack_zip(archive, tmp_path / "out", name="a.zip", max_total_bytes=4000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip"]


def test_count_errors_reads_only_the_checkpointed_part(tmp_path):
    records = [{"id": str(i), "error": "hỏng" if i % 2 else None} for i in range(6)]
    lines = [json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records]
    partial = tmp_path / "out.jsonl.partial"
    partial.write_bytes(b"".join(lines) + b'{"id": "6", "err')  # a torn tail after the checkpoint
    checkpoint = tmp_path / "out.jsonl.partial.ckpt"
    checkpoint.write_text(json.dumps({"records": 4, "bytes": len(b"".join(lines[:4]))}))
    assert count_errors(partial, checkpoint) == 2
    checkpoint.unlink()
    assert count_errors(partial, checkpoint) == 0  # killed before the first checkpoint: nothing is kept
