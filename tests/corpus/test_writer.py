"""The corrections corpus: every answer saved at once, and a valid corpus after a kill at any moment."""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from learning_articles import BORDERLINE_VISIT, CLEAR_GREETING, CLEAR_REVIEW

from classify.corpus.reader import load_corpus
from classify.corpus.writer import CorpusFolder

VISIT = {"event_type": "official_visit", "topics": ["it_egov"]}
REVIEW = {"event_type": "annual_review", "topics": []}


def test_answers_are_read_back_as_a_corpus_the_latest_answer_winning(tmp_path):
    folder = CorpusFolder(tmp_path / "corrections")
    folder.add(article_id="bai-1", text=BORDERLINE_VISIT, labels=REVIEW, title="Tiêu đề", meta={"item": 0})
    folder.add(article_id="bai-2", text=CLEAR_REVIEW, labels=REVIEW)
    folder.add(article_id="bai-1", text=BORDERLINE_VISIT, labels=VISIT)  # the same article answered again
    folder.add(article_id="bai-2", text=CLEAR_GREETING, labels={"event_type": "anniversary", "topics": []})
    corpus = load_corpus(tmp_path / "corrections")
    by_id = {doc.id: doc for doc in corpus.documents}
    assert sorted(by_id) == ["bai-1", "bai-2", "bai-2~" + CorpusFolder.file_for(CLEAR_GREETING)[-28:-20]]
    assert by_id["bai-1"].labels == VISIT and by_id["bai-1"].text == BORDERLINE_VISIT
    assert by_id["bai-1"].title is None  # the second answer gave no title
    assert by_id["bai-2"].labels == REVIEW
    assert [r["id"] for r in folder.records()][-1].startswith("bai-2~")  # a new answer goes last
    removed = folder.remove(lambda r: r["id"] == "bai-1")
    assert removed["event_type"] == "official_visit"
    assert not (tmp_path / "corrections" / removed["file"]).exists()
    assert [doc.id for doc in load_corpus(tmp_path / "corrections").documents] == sorted(by_id)[1:]


def test_a_folder_with_no_answer_yet_has_no_records(tmp_path):
    assert CorpusFolder(tmp_path / "nothing").records() == []
    assert CorpusFolder(tmp_path / "nothing").remove(lambda r: True) is None


_DIE_AT = textwrap.dedent(
    """
    import io, os, sys
    from classify.corpus import writer

    folder, point = sys.argv[1], sys.argv[2]
    corrections = writer.CorpusFolder(folder)
    corrections.add(article_id="first", text=sys.argv[3], labels={"event_type": "other", "topics": []})
    real = writer.atomic_write

    def dying(path, write, mode="wb"):
        if path.name != "labels.jsonl":
            return real(path, write, mode)
        if point == "after-text":  # the article's text is on disk, its label line is not
            os._exit(9)
        def half(handle):  # killed half-way through writing the new labels file
            buffer = io.BytesIO()
            write(buffer)
            data = buffer.getvalue()
            handle.write(data[: len(data) // 2])
            handle.flush()
            os._exit(9)
        return real(path, half, mode)

    writer.atomic_write = dying
    corrections.add(article_id="second", text=sys.argv[4], labels={"event_type": "anniversary", "topics": []})
    """
)


@pytest.mark.parametrize(("point", "left"), [("after-text", 1), ("mid-labels", 2)])
def test_a_kill_while_saving_leaves_a_valid_corpus_with_every_earlier_answer(tmp_path, point, left):
    folder = tmp_path / "corrections"
    done = subprocess.run([sys.executable, "-c", _DIE_AT, str(folder), point, CLEAR_REVIEW, CLEAR_GREETING])
    assert done.returncode == 9
    corpus = load_corpus(folder)  # what `classify train --data corrections/` reads
    assert [(doc.id, doc.labels["event_type"]) for doc in corpus.documents] == [("first", "other")]
    # The next server tidies what the kill left; the answer can then be given again.
    corrections = CorpusFolder(folder)
    assert corrections.tidy() == left  # the unreferenced text, and the torn temporary labels file
    corrections.add(article_id="second", text=CLEAR_GREETING, labels={"event_type": "anniversary", "topics": []})
    assert [doc.id for doc in load_corpus(folder).documents] == ["first", "second"]
    assert sorted(p.name for p in (folder / "articles").iterdir()) == sorted(
        CorpusFolder.file_for(t).split("/")[1] for t in (CLEAR_REVIEW, CLEAR_GREETING)
    )


_SAVE_FOREVER = textwrap.dedent(
    """
    import sys
    from classify.corpus.writer import CorpusFolder

    corrections = CorpusFolder(sys.argv[1])
    number = len(corrections.records())
    body = sys.argv[2] * 40  # about 40 kB a text
    if number == 0:  # a first answer with a long meta: every save rewrites 2 MB of labels, a long window
        corrections.add(article_id="bai-0", text=body, labels={"event_type": "other", "topics": []},
                        meta={"note": "x" * 2_000_000})  # fmt: skip
        number = 1
    while True:
        corrections.add(article_id=f"bai-{number}", text=f"{number}\\n{body}", labels={"event_type": "other", "topics": []})
        number += 1
        print(number, flush=True)
    """
)


def test_killed_at_random_moments_the_corpus_stays_valid(tmp_path):
    folder = tmp_path / "corrections"
    for _ in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", _SAVE_FOREVER, str(folder), BORDERLINE_VISIT], stdout=subprocess.PIPE, text=True
        )
        saved = int(child.stdout.readline())
        for _ in range(3):
            saved = int(child.stdout.readline())
        time.sleep(random.uniform(0.0, 0.03))  # not a timing check: the kill lands anywhere in a save
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        corpus = load_corpus(folder)
        assert len(corpus) >= saved  # every acknowledged answer (and those saved since)
        assert [doc.id for doc in corpus.documents] == [f"bai-{i}" for i in range(len(corpus))]
        lines = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        assert all(json.loads(line)["event_type"] == "other" for line in lines)
