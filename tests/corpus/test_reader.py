import gzip
import json

import pytest

from classify.corpus.reader import iter_jsonl, load_corpus
from classify.errors import CorpusError

ARTICLE_A = "Sở TT&TT tỉnh Gia Lai tổng kết công tác năm 2019 và triển khai nhiệm vụ năm 2020."
ARTICLE_B = "Bưu điện tỉnh Kon Tum gặp mặt kỷ niệm 74 năm Ngày truyền thống ngành Bưu điện."


def _folder(tmp_path, records, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
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
    assert corpus.labels == [
        {"event_type": "annual_review", "topics": ["it_egov"]},
        {"event_type": "anniversary", "topics": []},
    ]
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
    with pytest.raises(CorpusError, match=r"which fields are labels\? found category; name them with --label-fields"):
        load_corpus(path)  # no documented field: the labels must be named
    corpus = load_corpus(path, label_fields=["category"])
    assert corpus.label_fields == {"category": "single"}
    assert [d.id for d in corpus.documents] == [f"{path}:1", f"{path}:3"]


def test_a_cms_export_trains_the_taxonomy_fields_only(tmp_path):
    path = tmp_path / "cms.jsonl"
    rows = [
        {
            "id": f"a{i}",
            "text": ARTICLE_A,
            "event_type": "other",
            "topics": ["it_egov"],
            "url": f"https://so.gov.vn/{i}",
            "author": "Minh An",
            "published": f"2024-03-{i + 1:02d}",
        }
        for i in range(3)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.label_fields == {"event_type": "single", "topics": "multi"}
    assert corpus.ignored_fields == ["url", "author", "published"]
    assert load_corpus(path, label_fields=["event_type", "author"]).label_fields == {
        "event_type": "single",
        "author": "single",
    }


def test_several_corpora_combine_and_their_ids_must_not_clash(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "x1", "text": ARTICLE_A, "event_type": "other", "group": "g1"}) + "\n")
    second.write_text(json.dumps({"id": "y1", "text": ARTICLE_B, "event_type": "other", "group": "g1"}) + "\n")
    corpus = load_corpus([first, second])
    assert [d.id for d in corpus.documents] == ["x1", "y1"] and corpus.source == f"{first} + {second}"
    assert len(set(corpus.groups)) == 2  # the same group name in two corpora: unrelated articles
    second.write_text(json.dumps({"id": "x1", "text": ARTICLE_B, "event_type": "other"}) + "\n")
    with pytest.raises(CorpusError, match=rf"{second}:1: duplicate id 'x1' \(first at {first}:1\)"):
        load_corpus([first, second])


@pytest.mark.parametrize(
    ("records", "files", "message"),
    [
        (
            [{"file": "a.txt", "event_type": "other"}],
            {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
            "no label line for 1 file",
        ),
        ([{"file": "zz.txt", "event_type": "other"}], {}, r"labels.jsonl:1: .*zz.txt: no such file"),
        (
            [{"file": "a.txt", "event_type": "other"}, {"file": "a.txt", "event_type": "other"}],
            {"a.txt": ARTICLE_A},
            "labelled twice",
        ),
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
    path.write_text(
        json.dumps({"text": ARTICLE_A, "event_type": "other", "topics": ["it_egov"]}) + "\n", encoding="utf-8"
    )
    assert load_corpus(path, label_fields=["topics"]).label_fields == {"topics": "multi"}
    with pytest.raises(CorpusError, match="no label field 'cinema'"):
        load_corpus(path, label_fields=["cinema"])


# --- the project's own corpus (seeds/) -------------------------------------------------------


def test_every_article_has_one_label_line_and_labels_come_from_the_taxonomy(seed_corpus):
    from conftest import SEEDS

    from classify.model.taxonomy import DISPLAY_NAMES

    files = {p.name for p in SEEDS.glob("*.txt")}
    lines = [json.loads(line)["file"] for line in (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(lines) == sorted(files) and len(lines) == len(set(lines))
    for labels in seed_corpus.labels:
        assert labels["event_type"] in DISPLAY_NAMES["event_type"]
        assert set(labels["topics"]) <= set(DISPLAY_NAMES["topics"])


def test_corpus_size_and_balance(seed_corpus):
    from collections import Counter

    events = Counter(labels["event_type"] for labels in seed_corpus.labels)
    topics = Counter(t for labels in seed_corpus.labels for t in labels["topics"])
    n = len(seed_corpus)
    assert n >= 330
    assert (
        min(events["annual_review"], events["anniversary"], events["official_visit"]) >= 70 and events["other"] >= 120
    )
    assert len(topics) == 6 and min(topics.values()) >= 50
    assert sum(len(labels["topics"]) == 1 for labels in seed_corpus.labels) >= 0.4 * n
    assert sum(not labels["topics"] for labels in seed_corpus.labels) >= 40
    kinds = Counter(doc.meta.get("kind") for doc in seed_corpus.documents if doc.labels["event_type"] == "other")
    assert len(kinds) >= 10 and max(kinds.values()) <= 0.2 * events["other"]


def _check_corpus_module():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("check_corpus", ROOT / "scripts" / "check_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_near_duplicates_and_no_copied_runs_between_articles():
    from conftest import SEEDS

    assert _check_corpus_module().find_problems(SEEDS, None) == []


def test_no_article_copies_a_run_from_the_real_dev_set(shared_data):
    from conftest import SEEDS

    assert _check_corpus_module().find_problems(SEEDS, shared_data / "domain_dev.jsonl") == []


def test_a_truncated_gzip_corpus_is_one_clear_error(tmp_path):
    lines = "".join(json.dumps({"id": str(i), "text": "Tin tức số " * 200, "label": "x"}) + "\n" for i in range(50))
    data = gzip.compress(lines.encode("utf-8"))
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = list(iter_jsonl(path))
    assert all(isinstance(record, dict) for _, record in records[:-1]) and len(records) > 1
    line_no, error = records[-1]
    assert (
        str(error)
        == f"{path}:{line_no}: cannot read the rest of the file (Compressed file ended before the end-of-stream marker was reached)"
    )
    with pytest.raises(CorpusError, match="cannot read the rest of the file"):
        load_corpus(path)


def _one_article_folder(tmp_path, text, record):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text(json.dumps({"file": "a.txt", **record}, ensure_ascii=False) + "\n")
    return tmp_path


ARTICLE = "Sở TT&TT tổng kết năm 2023\n\nNăm 2023, báo chí tỉnh đăng 9.000 tin, bài.\n\nMạng 4G phủ 99% số xã.\n"


def test_paragraph_topics_label_each_non_empty_line_and_are_not_a_label_field(tmp_path):
    corpus = load_corpus(
        _one_article_folder(
            tmp_path,
            ARTICLE,
            {
                "event_type": "annual_review",
                "topics": ["post_telecom", "press_publishing"],
                "paragraph_topics": [[], ["press_publishing"], ["post_telecom"]],
            },
        )
    )
    assert set(corpus.label_fields) == {"event_type", "topics"}
    assert corpus.documents[0].passage_labels == [[], ["press_publishing"], ["post_telecom"]]


@pytest.mark.parametrize(
    ("paragraph_topics", "message"),
    [
        ([[], ["press_publishing"]], "has 2 entries for 3 non-empty lines"),
        ([[], ["press_publishing"], []], r"differ from \"topics\""),
        ("press_publishing", "must be a list of lists"),
    ],
)
def test_paragraph_topics_that_do_not_fit_the_text_or_the_topics_are_one_clear_error(
    tmp_path, paragraph_topics, message
):
    folder = _one_article_folder(
        tmp_path,
        ARTICLE,
        {
            "event_type": "annual_review",
            "topics": ["post_telecom", "press_publishing"],
            "paragraph_topics": paragraph_topics,
        },
    )
    with pytest.raises(CorpusError, match=message) as error:
        load_corpus(folder)
    assert "labels.jsonl:1" in str(error.value)


def _cp1258_corpus_twins(tmp_path, names):
    """The same folder corpus in UTF-8 and in Windows-1258 with decomposed tone marks."""
    from conftest import SEEDS, windows_1258_bytes

    lines = {
        json.loads(line)["file"]: line for line in (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    }
    utf8, legacy = tmp_path / "utf8", tmp_path / "cp1258"
    for folder in (utf8, legacy):
        folder.mkdir()
    for name in names:
        text = (SEEDS / name).read_text(encoding="utf-8")
        (utf8 / name).write_text(text, encoding="utf-8")
        (legacy / name).write_bytes(windows_1258_bytes(text))
    labels = "\n".join(lines[name] for name in names) + "\n"
    (utf8 / "labels.jsonl").write_text(labels, encoding="utf-8")
    (legacy / "labels.jsonl").write_bytes(windows_1258_bytes(labels))
    return utf8, legacy


CP1258_NAMES = ["w1_011.txt", "w1_043.txt", "w2_006.txt", "w1_017.txt", "w1_022.txt", "w1_027.txt"]


def test_a_cp1258_corpus_read_with_its_encoding_equals_its_utf8_twin(tmp_path):
    utf8, legacy = _cp1258_corpus_twins(tmp_path, CP1258_NAMES)
    assert load_corpus(legacy, encoding="cp1258").fingerprint() == load_corpus(utf8).fingerprint()
    with pytest.raises(CorpusError, match=r"labels\.jsonl:1: .*w1_011\.txt: not valid UTF-8 .*--encoding cp1258"):
        load_corpus(legacy)


def test_evaluate_and_train_take_the_encoding(tmp_path, capsys):
    from classify.cli import main

    utf8, legacy = _cp1258_corpus_twins(tmp_path, CP1258_NAMES)
    assert main(["evaluate", "--data", str(utf8)]) == 0
    expected = capsys.readouterr().out.replace(str(utf8), "DATA")
    assert main(["evaluate", "--data", str(legacy), "--encoding", "cp1258"]) == 0
    assert capsys.readouterr().out.replace(str(legacy), "DATA") == expected
    assert main(["train", "--data", str(legacy), "--folds", "0", "--out", str(tmp_path / "m.joblib")]) == 2
    assert "--encoding cp1258" in capsys.readouterr().err
    assert main(["train", "--data", str(legacy), "--encoding", "cp1258", "--folds", "0", "--no-evidence",
                 "--out", str(tmp_path / "m.joblib")]) == 0  # fmt: skip
    assert f"corpus: {legacy}: 6 articles" in capsys.readouterr().err


def test_topics_maybe_are_the_unsure_topics_of_a_record_not_a_label_field(tmp_path):
    path = _folder(
        tmp_path,
        [
            {
                "file": "a.txt",
                "event_type": "annual_review",
                "topics": ["it_egov"],
                "topics_maybe": ["digital_transformation"],
            },
            {"file": "b.txt", "event_type": "anniversary", "topics": ["post_telecom"], "topics_maybe": []},
        ],
        {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
    )
    corpus = load_corpus(path)
    assert corpus.label_fields == {"event_type": "single", "topics": "multi"}
    assert corpus.ignored_fields == []
    assert corpus.unsure == [{"topics": ["digital_transformation"]}, {}]
    assert corpus.labels[0]["topics"] == ["it_egov"]
    # Being unsure is part of the training data: the manifest's fingerprint sees it.
    (tmp_path / "sure").mkdir()
    sure = _folder(
        tmp_path / "sure",
        [
            {"file": "a.txt", "event_type": "annual_review", "topics": ["it_egov"]},
            {"file": "b.txt", "event_type": "anniversary", "topics": ["post_telecom"]},
        ],
        {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
    )
    assert load_corpus(sure).fingerprint() != corpus.fingerprint()


def test_topics_maybe_that_is_not_a_list_of_strings_is_one_clear_error(tmp_path):
    path = _folder(
        tmp_path,
        [
            {"file": "a.txt", "event_type": "annual_review", "topics": ["it_egov"]},
            {"file": "b.txt", "event_type": "anniversary", "topics": [], "topics_maybe": "post_telecom"},
        ],
        {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B},
    )
    with pytest.raises(CorpusError, match=r"labels\.jsonl:2: field 'topics_maybe' must be a list of strings"):
        load_corpus(path)
