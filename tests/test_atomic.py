import pytest

from classify.atomic import atomic_write
from classify.errors import OutputError


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "state.json"
    target.write_text('{"records": 10}', encoding="utf-8")

    def half_then_fail(handle):
        handle.write('{"recor')
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match=r"state\.json: cannot write \(No space left on device\)"):
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


def test_a_path_under_a_file_is_an_output_error_naming_it(tmp_path):
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    target = tmp_path / "notes" / "model.joblib"
    with pytest.raises(OutputError, match=r"model\.joblib: cannot write \("):
        atomic_write(target, lambda handle: handle.write(b"data"))


def test_blocking_file_is_the_file_that_keeps_a_path_from_being_created(tmp_path):
    from classify.atomic import blocking_file

    (tmp_path / "notes").write_text("x", encoding="utf-8")
    assert blocking_file(tmp_path / "notes" / "a" / "b.joblib") == tmp_path / "notes"
    assert blocking_file(tmp_path / "notes") == tmp_path / "notes"
    assert blocking_file(tmp_path / "new" / "deeper" / "m.joblib") is None  # folders can be created
    assert blocking_file(tmp_path) is None


def test_a_new_file_gets_the_permissions_of_the_umask_and_a_replaced_file_keeps_its_own(tmp_path):
    import os
    import stat

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    previous = os.umask(0o022)
    try:
        shared = tmp_path / "model.joblib"
        atomic_write(shared, lambda handle: handle.write(b"model"))
        assert mode(shared) == 0o644  # readable by colleagues, as open() would make it
        os.umask(0o077)
        private = tmp_path / "private.json"
        atomic_write(private, lambda handle: handle.write("{}"), mode="w")
        assert mode(private) == 0o600
        os.chmod(shared, 0o640)
        atomic_write(shared, lambda handle: handle.write(b"retrained"))
        assert mode(shared) == 0o640 and shared.read_bytes() == b"retrained"
    finally:
        os.umask(previous)


def test_remove_stale_temporaries_removes_only_what_atomic_write_leaves_for_that_file(tmp_path):
    from classify.atomic import remove_stale_temporaries

    target = tmp_path / "nhãn [1].jsonl"
    left = tmp_path / ".nhãn [1].jsonl.a1b2c3d4e5f6.tmp"
    kept = [
        tmp_path / ".nhãn [1].jsonl.notes.tmp",  # not 12 hex digits
        tmp_path / ".other.jsonl.a1b2c3d4e5f6.tmp",  # another file's
        tmp_path / "nhãn [1].jsonl",
    ]
    for path in (left, *kept):
        path.write_text("x", encoding="utf-8")
    assert remove_stale_temporaries(target) == [left]
    assert sorted(tmp_path.iterdir()) == sorted(kept)
