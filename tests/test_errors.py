"""User-caused errors: the documented classes, and one line on the command line naming the file."""

import gzip
import json
import shutil

import pytest
from conftest import ROOT, SEEDS

from classify.cli import main
from classify.errors import (
    ClassifyError,
    CorpusError,
    EmptyDocumentError,
    InputError,
    ModelError,
    ModelVersionError,
    OutputError,
)

ARTICLE = str(sorted(SEEDS.glob("*.txt"))[0])


def test_input_and_corpus_errors_are_value_errors_and_all_are_classify_errors():
    # Callers that catch ValueError for bad input keep working; ClassifyError catches everything ours.
    assert issubclass(InputError, ValueError) and issubclass(CorpusError, ValueError)
    assert issubclass(EmptyDocumentError, InputError) and issubclass(ModelVersionError, ModelError)
    for error in (InputError, EmptyDocumentError, CorpusError, ModelError, ModelVersionError, OutputError):
        assert issubclass(error, ClassifyError)


def _model_from_another_scikit_learn(tmp_path):
    for path in (ROOT / "models").glob("classify-default-v1.*"):
        shutil.copy(path, tmp_path / path.name)
    manifest_path = tmp_path / "classify-default-v1.manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["versions"]["scikit-learn"] = "0.24.2"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path / "classify-default-v1.joblib"


def _tampered_model(tmp_path):
    model = tmp_path / "m.joblib"
    model.write_bytes((ROOT / "models" / "classify-default-v1.joblib").read_bytes()[:-10] + b"0123456789")
    shutil.copy(ROOT / "models" / "classify-default-v1.manifest.json", tmp_path / "m.manifest.json")
    return model


# (command builder, file the message must name, exit status); each builder gets tmp_path.
CASES = {
    "missing article": (lambda t: ["predict", str(t / "missing.txt")], "missing.txt: no such file", 1),
    "empty article": (lambda t: ["predict", str(_write(t / "empty.txt", b""))], "empty.txt: no article text", 1),
    "only clutter, explain": (
        lambda t: ["explain", str(_write(t / "menu.txt", "Trang chủ\nTin tức\nLiên hệ\n".encode()))],
        "menu.txt: no article text",
        1,
    ),
    "empty article, summarize": (
        lambda t: ["summarize", str(_write(t / "blank.txt", b"  \n\n"))],
        "blank.txt: no article text",
        1,
    ),
    "image": (
        lambda t: ["predict", str(_write(t / "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(64)))],
        "photo.txt: this is a PNG image",
        1,
    ),
    "tampered model": (lambda t: ["predict", "--model", str(_tampered_model(t)), ARTICLE], "m.joblib", 2),
    "model from another scikit-learn": (
        lambda t: ["predict", "--model", str(_model_from_another_scikit_learn(t)), ARTICLE],
        "classify-default-v1.joblib: model was saved with scikit-learn 0.24.2",
        2,
    ),
    "corpus without labels": (
        lambda t: ["evaluate", "--data", str(_write(t / "corpus" / "a.txt", b"x").parent)],
        "corpus: no labels.jsonl",
        2,
    ),
    "missing batch input": (
        lambda t: ["label", str(t / "absent"), "-o", str(t / "o.jsonl")],
        "absent: no such file or folder",
        2,
    ),
    "model saved as a folder": (
        lambda t: ["train", "--data", str(SEEDS), "--out", str(_folder(t / "models")), "--folds", "0"],
        "models: is a folder; give a model file name such as",
        2,
    ),
    "model saved under a file": (
        lambda t: ["train", "--data", str(SEEDS), "--out", str(_write(t / "notes", b"x") / "m.joblib")],
        "m.joblib: cannot write (",
        2,
    ),
    "model file from an earlier run": (
        lambda t: ["train", "--data", str(SEEDS), "--out", str(_write(t / "m.joblib", b"earlier")), "--folds", "0"],
        "m.joblib: a model is already there; give another --out, or --force to replace it",
        2,
    ),
    "model name without .joblib": (
        lambda t: ["train", "--data", str(SEEDS), "--out", str(t / "m.pkl")],
        "m.pkl: model files must end in .joblib",
        2,
    ),
    "report folder that is a file": (
        lambda t: ["evaluate", "--data", str(SEEDS), "--out", str(_write(t / "report", b"x"))],
        "report: is a file; --out takes a folder",
        2,
    ),
    "report folder under a file": (
        lambda t: ["evaluate", "--data", str(SEEDS), "--out", str(_write(t / "notes", b"x") / "report")],
        "report: lies under",
        2,
    ),
    "a file of many articles given to predict": (
        lambda t: ["predict", str(_write(t / "xuat.jsonl", '{"id": 1, "text": "Hội nghị tổng kết."}\n'.encode()))],
        "xuat.jsonl: holds many articles, one per record; label them with: classify label",
        1,
    ),
    "a compressed CSV export given to summarize": (
        lambda t: ["summarize", str(_write(t / "xuat.csv.gz", gzip.compress(b"id,text\n1,abc\n")))],
        "xuat.csv.gz: holds many articles",
        1,
    ),
    "gzip output under another archive name": (
        lambda t: ["label", ARTICLE, "-o", str(t / "nhan.jsonl.zip")],
        "nhan.jsonl.zip: only gzip output is compressed",
        2,
    ),
    "existing batch output": (
        lambda t: ["label", ARTICLE, "-o", str(_write(t / "done.jsonl", b"{}\n"))],
        "done.jsonl: already exists; use --resume",
        2,
    ),
}


def _folder(path):
    path.mkdir()
    return path


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_a_user_caused_error_is_one_line_naming_the_file(case, tmp_path, capsys):
    build, message, status = CASES[case]
    assert main(build(tmp_path)) == status
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("classify: "), err
    assert message in err and "Traceback" not in err
