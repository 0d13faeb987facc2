from collections import Counter

import numpy as np
import pytest

from classify.corpus.reader import Corpus
from classify.model.classifier import ArticleClassifier
from classify.training import cross_validate, prepare_corpus, train


class _GroupLoggingClassifier(ArticleClassifier):
    """Records the groups of every training set cross-validation fits on (the log survives clone)."""

    fitted_groups: list = []

    def fit(self, X, y, *, groups=None):
        type(self).fitted_groups.append(list(groups))
        return super().fit(X, y, groups=groups)


@pytest.fixture(scope="module")
def paired_corpus(seed_corpus):
    """Every near-miss group of the corpus (two or three articles, one group) plus as many single articles."""
    sizes = Counter(seed_corpus.groups)
    pairs = [d for d in seed_corpus.documents if sizes[d.group] > 1]
    singles = [d for d in seed_corpus.documents if sizes[d.group] == 1][::8][: len(pairs)]
    return Corpus(pairs + singles, seed_corpus.label_fields, "paired")


def test_cross_validation_never_splits_a_group_across_folds(paired_corpus):
    _GroupLoggingClassifier.fitted_groups = []
    estimator = _GroupLoggingClassifier(ngram_range=(1, 1), threshold_folds=2)
    metrics, predicted = cross_validate(paired_corpus, estimator, folds=3)
    sizes = Counter(paired_corpus.groups)
    assert max(sizes.values()) >= 2
    assert len(_GroupLoggingClassifier.fitted_groups) == 3
    for fitted in _GroupLoggingClassifier.fitted_groups:
        # A group in a training set is there whole: none of its articles is being predicted.
        assert all(count == sizes[group] for group, count in Counter(fitted).items())
        assert len(fitted) < len(paired_corpus)
    assert all(p is not None for p in predicted)
    assert metrics["event_type"]["n"] == len(paired_corpus)


def test_cross_validated_metrics_score_the_out_of_fold_predictions(paired_corpus):
    estimator = ArticleClassifier(ngram_range=(1, 1), threshold_folds=2)
    metrics, predicted = cross_validate(paired_corpus, estimator, folds=2)
    gold = [d.labels["event_type"] for d in paired_corpus.documents]
    correct = sum(p["event_type"] == g for p, g in zip(predicted, gold))
    assert metrics["event_type"]["accuracy"] == pytest.approx(correct / len(gold))


def test_cross_validation_needs_two_groups(seed_corpus):
    one_group = Corpus(
        [d for d in seed_corpus.documents if Counter(seed_corpus.groups)[d.group] > 1][:2],
        seed_corpus.label_fields,
        "one-pair",
    )
    with pytest.raises(ValueError, match="one-pair: cross-validation needs at least 2 groups of articles, found 1"):
        cross_validate(one_group, ArticleClassifier(), folds=5)


def test_train_fits_the_summarizer_with_the_classifiers_tokenizer(paired_corpus):
    docs = prepare_corpus(paired_corpus)
    model = train(paired_corpus, ArticleClassifier(ngram_range=(1, 1), threshold_folds=2), docs=docs)
    assert model.summarizer.tokenizer == model.classifier.tokenizer
    prediction = model.predict(paired_corpus.documents[0].text)
    assert prediction.event_type in paired_corpus.label_set("event_type")


def test_opening_copies_keep_the_first_lines_their_topics_and_group_but_not_press_articles():
    from classify.corpus.reader import Corpus, LabelledDocument, passage_lines
    from classify.training import OPENING_CHARACTERS, opening_copies

    paragraph = "Năm 2023, các cơ quan báo chí của tỉnh đăng phát hơn 14.000 tin, bài trên các nền tảng. " * 4
    text = "\n".join(
        [
            "Sở TT&TT tổng kết năm 2023",
            paragraph,
            paragraph.replace("báo chí", "bưu chính"),
            "Mạng 4G phủ sóng 99% số xã, số thuê bao băng rộng di động tăng 12%.",
            "Năm 2024, Sở đẩy mạnh chuyển đổi số.",
        ]
    )
    lines = passage_lines(text)
    labels = [[], ["press_publishing"], ["post_telecom"], ["post_telecom"], ["digital_transformation"]]
    gold = {"event_type": "annual_review", "topics": ["digital_transformation", "post_telecom", "press_publishing"]}

    def doc(form):
        return LabelledDocument(id=form, text=text, title=None, labels=gold, group="g-" + form, meta={"form": form})

    corpus = Corpus([doc("portal"), doc("press")], {"event_type": "single", "topics": "multi"}, "t")
    docs, copy_labels, groups, _ = opening_copies(corpus, [lines, lines], [labels, labels])
    assert len(docs) == 1 and groups == ["g-portal"]  # the press article is read whole: no copy
    assert copy_labels == [{"event_type": "annual_review", "topics": ["post_telecom", "press_publishing"]}]
    kept = len(lines[0]) + len(lines[1]) + len(lines[2])
    assert kept - len(lines[2]) < OPENING_CHARACTERS <= kept  # lines up to the size, then stop
    assert docs[0].title == "Sở TT&TT tổng kết năm 2023" and "99%" not in " ".join(docs[0].paragraphs)


def _line_topic_f1(documents, labels) -> float:
    """F1 of the (line, topic) pairs ``labels`` give, for each document's own topics, against its
    ``paragraph_topics``."""
    right = wrong = missed = 0
    for doc, guessed in zip(documents, labels):
        for topic in doc.labels["topics"]:
            gold = {j for j, topics in enumerate(doc.passage_labels) if topic in topics}
            weak = {j for j, topics in enumerate(guessed) if topic in topics}
            right, wrong, missed = right + len(weak & gold), wrong + len(weak - gold), missed + len(gold - weak)
    return 2 * right / (2 * right + wrong + missed)


def test_lines_of_documents_labelled_whole_are_labelled_by_a_line_model(seed_corpus):
    from dataclasses import replace

    from classify.training import passage_examples

    labelled, whole = seed_corpus.documents[:240], seed_corpus.documents[600:660]
    stripped = [replace(doc, passage_labels=None) for doc in whole]  # as a user's corrections come
    corpus = Corpus([*labelled, *stripped], seed_corpus.label_fields, "mixed")
    base = ArticleClassifier(threshold_folds=1).fit(prepare_corpus(corpus), corpus.labels)
    _, labels = passage_examples(corpus, base)
    assert labels[:240] == [doc.passage_labels for doc in labelled]  # given line labels are kept
    with_line_model = _line_topic_f1(whole, labels[240:])

    # Under 50 line-labelled documents there is no line model: the document-level model scores the lines.
    few = Corpus([*labelled[:49], *stripped], seed_corpus.label_fields, "few")
    _, fallback = passage_examples(few, base)
    with_document_model = _line_topic_f1(whole, fallback[49:])
    assert with_line_model > 0.8
    assert with_line_model > with_document_model + 0.05, (with_line_model, with_document_model)


def test_a_topic_no_line_label_has_is_placed_by_the_document_model(seed_corpus):
    from dataclasses import replace

    import numpy as np

    from classify.model.passages import as_passage
    from classify.training import passage_examples

    labelled = seed_corpus.documents[:60]
    # A topic the user added: only their articles labelled whole have it.
    added = [
        replace(doc, passage_labels=None, labels={**doc.labels, "topics": ["local_news"]})
        for doc in seed_corpus.documents[700:710]
    ]
    corpus = Corpus([*labelled, *added], seed_corpus.label_fields, "mixed")
    base = ArticleClassifier(threshold_folds=1).fit(prepare_corpus(corpus), corpus.labels)
    lines, labels = passage_examples(corpus, base)
    column = list(base.classes_by_field["topics"]).index("local_news")
    for doc_lines, doc_labels in zip(lines[60:], labels[60:]):
        scores = base.predict_proba_fields([as_passage(line) for line in doc_lines])["topics"][:, column]
        placed = {j for j, topics in enumerate(doc_labels) if "local_news" in topics}
        assert placed == set(np.flatnonzero(scores >= 0.5)) | {int(np.argmax(scores))}


def test_a_topic_marked_unsure_is_not_trained_as_absent(seed_corpus):
    """Articles about broadcasting that their labeller could not decide on: labelled "not broadcasting",
    they teach the model to miss broadcasting; marked unsure (``topics_maybe``), they do not."""
    from dataclasses import replace

    subset = seed_corpus.documents[::6]
    held_out = [doc for doc in seed_corpus.documents[3::6] if "broadcasting" in doc.labels["topics"]]
    disputed = [i for i, doc in enumerate(subset) if "broadcasting" in doc.labels["topics"]][::2]

    def without_broadcasting(doc, unsure):
        lines = [[t for t in topics if t != "broadcasting"] for topics in doc.passage_labels]
        topics = [t for t in doc.labels["topics"] if t != "broadcasting"]
        return replace(doc, labels={**doc.labels, "topics": topics}, passage_labels=lines, unsure=unsure)

    def broadcasting_scores(unsure):
        docs = [without_broadcasting(d, unsure) if i in disputed else d for i, d in enumerate(subset)]
        model = train(Corpus(docs, seed_corpus.label_fields, "disputed"))
        heads = model.passage_topics
        best_line, _, _ = heads.score([model.prepare(d.text) for d in held_out])
        best_line = best_line[:, list(heads.classes).index("broadcasting")]
        return np.array(
            [p.scores["topics"]["broadcasting"] for p in model.predict_many([d.text for d in held_out])]
        ), best_line

    said_no, said_no_lines = broadcasting_scores({})
    unsure, unsure_lines = broadcasting_scores({"topics": ["broadcasting"]})
    assert len(disputed) >= 8 and len(held_out) >= 15
    # Deterministic training; measured 26 of 27 held-out broadcasting articles found against 23.
    assert (unsure >= 0.5).sum() >= (said_no >= 0.5).sum() + 2
    assert unsure.mean() > said_no.mean() + 0.015, (unsure.mean(), said_no.mean())
    # The line head too (its best line's score, before thresholds; measured 0.999 against 0.935).
    assert unsure_lines.mean() > said_no_lines.mean() + 0.03, (unsure_lines.mean(), said_no_lines.mean())


def test_cross_validated_figures_do_not_score_unsure_topics(seed_corpus):
    from dataclasses import replace

    from classify.evaluate.metrics import evaluate_labels

    topics = seed_corpus.label_set("topics")
    docs = [
        replace(doc, unsure={"topics": [t for t in topics if t not in doc.labels["topics"]]}) if i % 3 == 0 else doc
        for i, doc in enumerate(seed_corpus.documents[::8])
    ]
    corpus = Corpus(docs, seed_corpus.label_fields, "some unsure")
    metrics, predicted = cross_validate(corpus, ArticleClassifier(threshold_folds=2), folds=3)
    fields, classes = corpus.label_fields, {name: corpus.label_set(name) for name in corpus.label_fields}
    ignore = {"topics": [row.get("topics", []) for row in corpus.unsure]}
    assert metrics == evaluate_labels(corpus.labels, predicted, fields, classes, ignore=ignore)
    counted = evaluate_labels(corpus.labels, predicted, fields, classes)
    assert metrics["topics"]["micro"]["precision"] > counted["topics"]["micro"]["precision"]
