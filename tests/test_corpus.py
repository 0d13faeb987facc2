import gzip
import json

import pytest

from classify.corpus import load_corpus
from classify.errors import CorpusError

ARTICLE_A = "Sở TT&TT tỉnh Gia Lai tổng kết công tác năm 2019 và triển khai nhiệm vụ năm 2020."
ARTICLE_B = "Bưu điện tỉnh Kon Tum gặp mặt kỷ niệm 74 năm Ngày truyền thống ngành Bưu điện."


def _folder(tmp_path, records, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return tmp_path


def test_folder_corpus_reads_labels_groups_and_notes(tmp_path):
    path = _folder(
        tmp_path,
        [
            {"file": "a.txt", "event_type": "annual_review", "topics": ["it_egov"], "group": "g1", "note": "rule 1"},
            {"file": "b.txt", "event_type": "anniversary", "topics": [], "meta": {"year": 2019}},
        ],
        {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
    )
    corpus = load_corpus(path)
    assert corpus.label_fields == {"event_type": "single", "topics": "multi"}
    assert corpus.labels == [{"event_type": "annual_review", "topics": ["it_egov"]}, {"event_type": "anniversary", "topics": []}]
    assert corpus.groups == ["g1", "b.txt"]
    assert corpus.notes == {"a.txt": "rule 1"}
    assert corpus.label_set("event_type") == ["anniversary", "annual_review"]


def test_project_corpus_loads(seed_corpus):
    assert len(seed_corpus) >= 5
    assert set(seed_corpus.label_fields) == {"event_type", "topics"}


def test_jsonl_corpus_with_any_label_field(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": ARTICLE_A, "category": "cntt"}, ensure_ascii=False) + "\n\n")
        handle.write(json.dumps({"text": ARTICLE_B, "category": "buu_chinh"}, ensure_ascii=False) + "\n")
    corpus = load_corpus(path)
    assert corpus.label_fields == {"category": "single"}
    assert [d.id for d in corpus.documents] == [f"{path}:1", f"{path}:3"]


@pytest.mark.parametrize(
    ("records", "files", "message"),
    [
        ([{"file": "a.txt", "event_type": "other"}], {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B}, "no label line for 1 file"),
        ([{"file": "zz.txt", "event_type": "other"}], {}, r"labels.jsonl:1: .*zz.txt: no such file"),
        ([{"file": "a.txt", "event_type": "other"}, {"file": "a.txt", "event_type": "other"}], {"a.txt": ARTICLE_A}, "labelled twice"),
        (
            [{"file": "a.txt", "event_type": "other", "topics": []}, {"file": "b.txt", "event_type": "other"}],
            {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
            r"labels.jsonl:2: missing label field 'topics'",
        ),
        (
            [{"file": "a.txt", "event_type": "other"}, {"file": "b.txt", "event_type": ["other"]}],
            {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
            r"labels.jsonl:2: field 'event_type' is a multi label here",
        ),
    ],
)
def test_folder_corpus_errors_name_the_line(tmp_path, records, files, message):
    with pytest.raises(CorpusError, match=message):
        load_corpus(_folder(tmp_path, records, files))


def test_malformed_jsonl_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": ARTICLE_A, "event_type": "other"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl:2: malformed JSON"):
        load_corpus(path)


def test_restricting_label_fields(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"text": ARTICLE_A, "event_type": "other", "topics": ["it_egov"]}) + "\n", encoding="utf-8")
    assert load_corpus(path, label_fields=["topics"]).label_fields == {"topics": "multi"}
    with pytest.raises(CorpusError, match="no label field 'cinema'"):
        load_corpus(path, label_fields=["cinema"])
