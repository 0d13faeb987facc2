import json
import pickle
from pathlib import Path

import joblib
import pytest
from conftest import SEEDS

import classify
from classify.errors import ModelError, ModelVersionError
from classify.model.persist import load_model, manifest_path, save_model, sha256_file


class _Boom:
    """Unpickling this object writes a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_round_trip_writes_manifest_with_versions(tmp_path):
    path = tmp_path / "m.joblib"
    manifest = save_model({"weights": [1, 2, 3]}, path, extra={"labels": {"x": ["a"]}})
    assert manifest["sha256"] == sha256_file(path)
    on_disk = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    assert set(on_disk["versions"]) >= {"python", "scikit-learn", "numpy", "underthesea"}
    obj, loaded_manifest = load_model(path)
    assert obj == {"weights": [1, 2, 3]} and loaded_manifest["labels"] == {"x": ["a"]}
    assert not list(tmp_path.glob("*.tmp"))


def test_models_are_written_with_the_fast_codec_and_older_zlib_files_still_load(tmp_path):
    path = tmp_path / "m.joblib"
    save_model({"weights": list(range(1000))}, path)
    assert path.read_bytes()[:4] == b"\x04\x22\x4d\x18"  # an LZ4 frame (joblib's zlib files start 0x78)
    old = tmp_path / "old.joblib"
    joblib.dump({"weights": [1]}, old, compress=3)  # what save_model wrote before
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest_path(old).write_text(json.dumps({**manifest, "sha256": sha256_file(old)}), encoding="utf-8")
    assert load_model(old)[0] == {"weights": [1]}


def test_a_missing_lz4_package_is_named_instead_of_a_rebuild_hint(tmp_path, monkeypatch):
    from joblib import compressor

    path = tmp_path / "m.joblib"
    save_model({"weights": [1]}, path)
    monkeypatch.setattr(compressor, "lz4", None)  # what joblib sees when lz4 is not installed
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert str(path) in message and "pip install lz4" in message and "rebuild" not in message


def test_tampered_model_is_refused_before_unpickling(tmp_path):
    path = tmp_path / "m.joblib"
    save_model({"ok": True}, path)
    marker = tmp_path / "pwned"
    joblib.dump(_Boom(str(marker)), path)  # replaced after the manifest was written
    with pytest.raises(ModelError, match="does not match its manifest"):
        load_model(path)
    assert not marker.exists()


def test_corrupted_bytes_are_refused(tmp_path):
    path = tmp_path / "m.joblib"
    save_model({"ok": True}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="modified or corrupted"):
        load_model(path)


def test_missing_model_and_missing_manifest(tmp_path):
    with pytest.raises(ModelError, match="model file not found.*scripts/train.py"):
        load_model(tmp_path / "none.joblib")
    path = tmp_path / "m.joblib"
    path.write_bytes(pickle.dumps(1))
    with pytest.raises(ModelError, match="manifest missing"):
        load_model(path)
    assert load_model(path, trust=True)[0] == 1


def test_model_from_another_scikit_learn_version(tmp_path):
    path = tmp_path / "m.joblib"
    save_model({"ok": True}, path)
    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    manifest["versions"]["scikit-learn"] = "1.2.2"
    mpath.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelVersionError, match=r"saved with scikit-learn 1.2.2 .* `python scripts/train.py`"):
        load_model(path)


def test_classify_load_rejects_foreign_objects(tmp_path):
    path = tmp_path / "m.joblib"
    save_model({"not": "a model"}, path)
    with pytest.raises(ModelError, match="not a classify model"):
        classify.load(path)


def test_shipped_manifest_matches_shipped_model():
    path = classify.default_model_path()
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    assert manifest["sha256"] == sha256_file(path)
    assert manifest["label_fields"] == {"event_type": "single", "topics": "multi"}


def test_a_model_saved_by_classify_0_1_before_the_subpackages_still_loads_and_predicts():
    # tests/fixtures/model-0.1.0.joblib was trained and saved by the flat-package code (commit 291ab49):
    # its pickles name classify.predictor, classify.runtime, classify.model.ArticleClassifier ...
    import sys

    import classify

    fixture = Path(__file__).parent.parent / "fixtures" / "model-0.1.0.joblib"
    model = classify.load(fixture)
    text = (SEEDS / "003_de78d42dda2afc96.txt").read_text(encoding="utf-8")
    prediction = model.predict(text)
    assert prediction.event_type == "anniversary"
    assert prediction.summary
    assert model.explain(text)["evidence"][
        "event_type"
    ]  # the nested estimators (classify.model.ArticleClassifier) load too
    assert "classify.predictor" not in sys.modules  # the aliases are gone after loading
