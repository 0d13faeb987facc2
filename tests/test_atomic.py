import pytest

from classify.atomic import atomic_write


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "state.json"
    target.write_text('{"records": 10}', encoding="utf-8")

    def half_then_fail(handle):
        handle.write('{"recor')
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, half_then_fail, mode="w")
    assert target.read_text(encoding="utf-8") == '{"records": 10}'
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_write_replaces_the_file_and_creates_missing_folders(tmp_path):
    target = tmp_path / "new" / "deeper" / "m.bin"
    atomic_write(target, lambda handle: handle.write(b"\x00\x01model"))
    assert target.read_bytes() == b"\x00\x01model"
    atomic_write(target, lambda handle: handle.write("bản mới"), mode="w")
    assert target.read_text(encoding="utf-8") == "bản mới"
    assert [p.name for p in target.parent.iterdir()] == ["m.bin"]
