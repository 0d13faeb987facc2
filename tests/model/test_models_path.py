import pytest

from classify.errors import ModelError
from classify.model import models_path
from classify.model.models_path import DEFAULT_MODEL_NAME, default_model_path, resolve_model_path


def test_the_environment_variable_chooses_the_default_model(tmp_path, monkeypatch):
    chosen = tmp_path / "province.joblib"
    monkeypatch.setenv("CLASSIFY_MODEL", str(chosen))
    assert default_model_path() == chosen
    assert resolve_model_path(None) == chosen


def test_without_the_variable_the_shipped_model_is_found(monkeypatch):
    monkeypatch.delenv("CLASSIFY_MODEL", raising=False)
    path = default_model_path()
    assert path.name == DEFAULT_MODEL_NAME and path.is_file()


def test_a_missing_default_model_says_where_it_looked_and_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.delenv("CLASSIFY_MODEL", raising=False)
    monkeypatch.setattr(models_path, "_candidates", lambda: [tmp_path / "a" / DEFAULT_MODEL_NAME])
    with pytest.raises(
        ModelError, match=r"no default model found \(looked in .*/a/classify-default-v1.joblib\); build"
    ):
        default_model_path()


def test_a_folder_resolves_to_its_one_model_or_to_the_default_name(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "tinh-ha-giang.joblib").write_bytes(b"x")
    assert resolve_model_path(folder) == folder / "tinh-ha-giang.joblib"
    (folder / "tinh-lao-cai.joblib").write_bytes(b"x")
    with pytest.raises(ModelError, match=f"{folder}: expected one .joblib model in the folder, found 2"):
        resolve_model_path(str(folder))
    (folder / DEFAULT_MODEL_NAME).write_bytes(b"x")
    assert resolve_model_path(folder) == folder / DEFAULT_MODEL_NAME


def test_an_empty_folder_is_a_clear_error_and_a_file_is_taken_as_given(tmp_path):
    with pytest.raises(ModelError, match="found 0"):
        resolve_model_path(tmp_path)
    assert resolve_model_path(tmp_path / "m.joblib") == tmp_path / "m.joblib"
