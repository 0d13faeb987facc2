"""classify serve and the learning loop as a user runs it: the retrained model chosen on the page, --seeds."""

import json
import shutil

import httpx
from test_serve_cli import _start, _stop

import classify
from classify.cli import main
from classify.model.persist import manifest_path


def _retrained(workdir, name="retrained-20250302-104107-a1b2c3"):
    """A model in the work folder as a retraining leaves it (here: a copy of the shipped one), chosen on the page."""
    shipped = classify.default_model_path()
    models = workdir / "models"
    models.mkdir(parents=True)
    shutil.copy(shipped, models / f"{name}.joblib")
    shutil.copy(manifest_path(shipped), manifest_path(models / f"{name}.joblib"))
    (models / "served.json").write_text(json.dumps({"model": name, "file": f"{name}.joblib"}), encoding="utf-8")
    return models / f"{name}.joblib"


def test_the_next_server_serves_the_model_chosen_on_the_page_unless_told_otherwise(tmp_path):
    workdir = tmp_path / "work"
    chosen = _retrained(workdir)
    process, url = _start(workdir)
    try:
        line = process.stdout.readline()
        assert line.startswith(f"classify: model {chosen.name} (retrained, chosen on the page")
        assert httpx.get(f"{url}/api/model").json()["name"] == chosen.name
        served = [m for m in httpx.get(f"{url}/api/models").json() if m["served"]]
        assert [m["id"] for m in served] == [chosen.stem]
    finally:
        assert _stop(process)[0] == 0
    process, url = _start(workdir, "--model", str(classify.default_model_path()))
    try:
        assert httpx.get(f"{url}/api/model").json()["name"] == "classify-default-v1.joblib"
    finally:
        _stop(process)
    # A remembered model that fails its checks is not served: one warning, and the original model.
    with open(chosen, "ab") as handle:
        handle.write(b"tampered")
    process, url = _start(workdir)
    try:
        assert httpx.get(f"{url}/api/model").json()["name"] == "classify-default-v1.joblib"
    finally:
        _, _, err = _stop(process)
    assert "classify: warning:" in err and "does not match its manifest" in err and "Traceback" not in err


def test_seeds_that_are_not_a_corpus_are_one_line(tmp_path, capsys):
    assert main(["serve", "--port", "0", "--workdir", str(tmp_path / "w"), "--seeds", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"classify: {tmp_path}: --seeds takes a corpus (a folder with labels.jsonl, or a JSONL file)\n"
