import pickle

import joblib
import pytest

from classify.features.compact import CompactDict, CompactFrozenSet


@pytest.mark.parametrize("keys", [[], [""], ["a", ""], ["tổng kết", "hội nghị", "năm"]])
def test_round_trip_keeps_content_and_type(keys, tmp_path):
    mapping = CompactDict({k: i for i, k in enumerate(keys)})
    members = CompactFrozenSet(keys)
    for loaded in (pickle.loads(pickle.dumps((mapping, members))), _joblib_round_trip((mapping, members), tmp_path)):
        assert loaded[0] == mapping and type(loaded[0]) is CompactDict
        assert loaded[1] == members and type(loaded[1]) is CompactFrozenSet


def test_shared_instance_stays_shared(tmp_path):
    shared = CompactDict({"a": 1})
    first, second = _joblib_round_trip([shared, shared], tmp_path)
    assert first is second


def test_content_that_cannot_be_joined_still_round_trips():
    odd = CompactDict({"a\x00b": 1, "c": 2.5})
    assert pickle.loads(pickle.dumps(odd)) == odd


def _joblib_round_trip(obj, tmp_path):
    path = tmp_path / "obj.joblib"
    joblib.dump(obj, path)
    return joblib.load(path)
