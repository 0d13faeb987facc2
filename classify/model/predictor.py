"""A trained model: classifier + summarizer behind one ``predict``."""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from classify.errors import EmptyDocumentError
from classify.model.passages import PassageTopics
from classify.model.persist import legacy_find_class
from classify.model.prediction import Prediction
from classify.model.runtime import CompiledClassifier, coverage
from classify.summarizers.ranking import SentenceRanker, Summarizer
from classify.text import PreparedText, prepare

if TYPE_CHECKING:
    from classify.model.classifier import ArticleClassifier

__all__ = ["ArticleModel"]

_THREADPOOLS = None


def _one_blas_thread():
    """Context limiting BLAS to one thread.

    The summarizer multiplies many tiny matrices; a multi-threaded BLAS spends
    ~10x longer waking threads than computing them.
    """
    global _THREADPOOLS
    if _THREADPOOLS is None:
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS = ThreadpoolController()
    return _THREADPOOLS.limit(limits=1, user_api="blas")


class ArticleModel:
    """Everything needed to label and summarize articles, saved as one joblib file.

    A saved model holds two forms of the same fitted model: the compiled
    numpy form (:mod:`classify.model.runtime`, :class:`classify.summarizers.ranking.SentenceRanker`),
    which loads and predicts without importing scikit-learn, and the
    scikit-learn estimators, unpickled only when asked for (:attr:`classifier`,
    :attr:`summarizer`: explanations, evaluation, refitting). Arrays both forms
    share are stored once.

    Parameters
    ----------
    classifier : ArticleClassifier
        Fitted classifier.
    summarizer : Summarizer
        Fitted summarizer.
    summary_sentences : int, default=3
        Default length of the abstract.
    manifest : dict, optional
        Set by :func:`classify.load`: versions, metrics, label set.
    passage_topics : PassageTopics, optional
        The passage-level head that decides the topics field from evidence
        (:mod:`classify.model.passages`); without it topics come from the document-level head.
    """

    def __init__(
        self,
        classifier: ArticleClassifier,
        summarizer: Summarizer,
        summary_sentences: int = 3,
        manifest: dict | None = None,
        passage_topics: PassageTopics | None = None,
    ) -> None:
        self.summary_sentences = summary_sentences
        self.manifest = manifest or {}
        self.passage_topics = _runtime_part(passage_topics)
        indexes = getattr(classifier.vectorizer_, "indexes_", None) if hasattr(classifier, "vectorizer_") else None
        if indexes and hasattr(summarizer, "share_syllable_ids"):
            summarizer.share_syllable_ids(indexes["ids"])
        passage_classifier = passage_topics.classifier if passage_topics is not None else None
        self._estimators: tuple | None = (classifier, summarizer, passage_classifier)
        self._estimator_bytes: bytes | None = None
        self._runtime = _compile(classifier, summarizer)

    @property
    def classifier(self) -> ArticleClassifier:
        """The fitted :class:`classify.model.ArticleClassifier` (imports scikit-learn)."""
        return self._load_estimators()[0]

    @property
    def summarizer(self) -> Summarizer:
        """The fitted summarizer estimator (imports scikit-learn)."""
        return self._load_estimators()[1]

    @property
    def compiled(self) -> bool:
        """Whether prediction runs on the compiled numpy form (no scikit-learn import)."""
        return self._runtime is not None

    def _load_estimators(self) -> tuple:
        if self._estimators is None:
            unpickler = _SharedUnpickler(
                io.BytesIO(self._estimator_bytes), _shared_objects(self._runtime, self.passage_topics)
            )
            self._estimators = unpickler.load()
            self._estimator_bytes = None
        return self._estimators

    def __getstate__(self) -> dict:
        buffer = io.BytesIO()
        _SharedPickler(buffer, _shared_objects(self._runtime, self.passage_topics)).dump(self._load_estimators())
        return {
            "format": 2,
            "runtime": self._runtime,
            "estimators": buffer.getvalue(),
            "summary_sentences": self.summary_sentences,
            "manifest": self.manifest,
            "passage_topics": self.passage_topics,
        }

    def __setstate__(self, state: dict) -> None:
        if "format" not in state:  # saved before the compiled form existed
            self.__init__(state["classifier"], state["summarizer"], state["summary_sentences"], state["manifest"])
            return
        self.summary_sentences = state["summary_sentences"]
        self.manifest = state["manifest"]
        self._runtime = state["runtime"]
        self._estimator_bytes = state["estimators"]
        self._estimators = None
        self.passage_topics = state.get("passage_topics")  # absent in models saved before topics from evidence
        if self._runtime is None:
            self._load_estimators()
        if self.passage_topics is not None and self.passage_topics.compiled is None:
            self.passage_topics.classifier = self._load_estimators()[2]

    @property
    def label_fields(self) -> dict[str, str]:
        """``{field: "single" | "multi"}`` learned from the training corpus."""
        if self._runtime is not None:
            return dict(self._runtime[0].label_fields)
        return dict(self.classifier.label_fields_)

    @property
    def label_classes(self) -> dict[str, list[str]]:
        """``{field: [label, ...]}``: every label the model can give, per field (topics: those of the head
        that decides them)."""
        classifier = self._runtime[0] if self._runtime is not None else self.classifier
        out = {name: [str(c) for c in classes] for name, classes in classifier.classes_by_field.items()}
        if self.passage_topics is not None:
            out[self.passage_topics.field] = [str(c) for c in self.passage_topics.classes]
        return out

    def decision_thresholds(self) -> dict[str, dict[str, float]]:
        """``{field: {label: threshold}}`` of each multi-label field, on the scale of the reported scores.

        A label is decided exactly when its score in ``Prediction.scores`` reaches its threshold: 0.5 for
        every label of the field the passage head decides (its scores are rescaled so), the classifier's
        cross-validated thresholds for the others.
        """
        classifier = self._runtime[0] if self._runtime is not None else self.classifier
        thresholds = getattr(classifier, "thresholds", None)
        if thresholds is None:
            thresholds = classifier.thresholds_
        out = {}
        for name, kind in self.label_fields.items():
            if kind != "multi":
                continue
            if self.passage_topics is not None and self.passage_topics.field == name:
                out[name] = {str(c): 0.5 for c in self.passage_topics.classes}
            else:
                out[name] = {str(label): float(t) for label, t in thresholds[name].items()}
        return out

    def features(self, docs: Sequence[PreparedText]):
        """The TF-IDF rows the classifier reads for ``docs`` (sparse, one row per article)."""
        classifier = self._runtime[0] if self._runtime is not None else self.classifier
        return classifier.transform(docs)

    def summarize(self, doc: PreparedText, sentences: int, *, max_chars: int | None = None) -> list[str]:
        """Summary sentences of a prepared article (see :class:`classify.summarizers.summarizer.TextRankSummarizer`)."""
        summarizer = self._runtime[1] if self._runtime is not None else self.summarizer
        return summarizer(doc, sentences, max_chars=max_chars)

    def prepare(self, text: str, *, title: str | None = None, source: str = "text") -> PreparedText:
        """Clean one article; :class:`EmptyDocumentError` if nothing is left."""
        if not isinstance(text, str):
            raise TypeError(f"{source}: expected str, got {type(text).__name__}")
        doc = prepare(text, title=title)
        if doc.is_empty:
            raise EmptyDocumentError(f"{source}: no article text (empty, whitespace or only portal clutter)")
        return doc

    def predict(
        self, text: str, *, title: str | None = None, sentences: int | None = None, source: str = "text"
    ) -> Prediction:
        """Label and summarize one article.

        Parameters
        ----------
        text : str
            Raw article text.
        title : str, optional
            Headline, if known; otherwise detected from the text.
        sentences : int, optional
            Length of the abstract (default: ``summary_sentences``).
        source : str, default="text"
            Where the text came from (a file name), named by the error messages.

        Returns
        -------
        Prediction

        Raises
        ------
        EmptyDocumentError
            If the text is empty, whitespace or only portal clutter.
        """
        return self.predict_prepared([self.prepare(text, title=title, source=source)], sentences=sentences)[0]

    def predict_many(
        self,
        texts: Sequence[str],
        titles: Sequence[str | None] | None = None,
        *,
        sentences: int | None = None,
    ) -> list[Prediction]:
        """Label many articles with one vectorised pass through the classifier.

        Raises
        ------
        EmptyDocumentError
            Naming the index of the first empty article.
        """
        titles = list(titles) if titles is not None else [None] * len(texts)
        if len(titles) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(titles)} titles")
        docs = [self.prepare(t, title=h, source=f"text #{i}") for i, (t, h) in enumerate(zip(texts, titles))]
        return self.predict_prepared(docs, sentences=sentences)

    def explain(
        self, text: str, *, title: str | None = None, k: int = 8, sentences: int | None = None, source: str = "text"
    ) -> dict:
        """Probabilities, the top signed n-grams behind each decided label, and the summary ranking.

        See :func:`classify.model.explain.explain` for the returned structure; ``source``
        names the text in error messages, as in :meth:`predict`.
        """
        from classify.model.explain import explain

        count = self.summary_sentences if sentences is None else sentences
        return explain(self, self.prepare(text, title=title, source=source), k=k, sentences=count)

    def predict_prepared(self, docs: Sequence[PreparedText], *, sentences: int | None = None) -> list[Prediction]:
        """Label already prepared articles (the fast path used by batch labelling)."""
        if not docs:
            return []
        count = self.summary_sentences if sentences is None else sentences
        with _one_blas_thread():
            return self._predict_prepared(docs, count)

    def _predict_prepared(self, docs: Sequence[PreparedText], count: int) -> list[Prediction]:
        classifier, summarizer = self._runtime if self._runtime is not None else (self.classifier, self.summarizer)
        proba = classifier.predict_proba_fields(docs)
        decided = classifier.decide(proba)
        classes = dict(classifier.classes_by_field)
        evidence: list[dict] = [{} for _ in docs]
        if self.passage_topics is not None and self.passage_topics.field in proba:
            name = self.passage_topics.field
            shrink = _coverage_shrink(classifier, docs)
            topics, proba[name], found = self.passage_topics.predict(docs, shrink, proba[name], classes[name])
            classes[name] = self.passage_topics.classes
            for row, chosen, sentences, item in zip(decided, topics, found, evidence):
                row[name] = chosen
                item[name] = sentences
        single = [name for name, kind in self.label_fields.items() if kind == "single"]
        if count > 0 and hasattr(summarizer, "encode"):
            summarizer.encode(docs)
        out = []
        for i, doc in enumerate(docs):
            scores = {name: {str(c): float(p) for c, p in zip(classes[name], proba[name][i])} for name in proba}
            best = {name: str(classes[name][int(np.argmax(proba[name][i]))]) for name in single if len(classes[name])}
            out.append(
                Prediction(
                    labels=decided[i],
                    scores=scores,
                    title=doc.title,
                    date=doc.date,
                    byline=doc.byline,
                    summary=summarizer(doc, count),
                    evidence=evidence[i],
                    best_labels=best,
                )
            )
        return out


def _runtime_part(passage_topics: PassageTopics | None) -> PassageTopics | None:
    """The passage head as prediction needs it: without its scikit-learn classifier when compiled."""
    if passage_topics is None or passage_topics.compiled is None:
        return passage_topics
    return dataclasses.replace(passage_topics, classifier=None)


def _coverage_shrink(classifier, docs: Sequence[PreparedText]) -> np.ndarray:
    """Per document, the factor the document-level head shrinks multi-label scores by (1.0 when well covered)."""
    share = (
        coverage(docs, classifier.coverage_table)
        if hasattr(classifier, "coverage_table")
        else classifier.coverage(docs)
    )
    return np.where(share < classifier.min_coverage, share, 1.0)


def _compile(classifier, summarizer) -> tuple[CompiledClassifier, SentenceRanker] | None:
    compiled = classifier.compile() if hasattr(classifier, "compile") else None
    ranker = summarizer.ranker() if hasattr(summarizer, "ranker") else None
    if compiled is None or ranker is None:
        return None
    return compiled, ranker


def _shared_objects(runtime, passage_topics: PassageTopics | None = None) -> dict[str, object]:
    """The big objects the compiled forms share with the estimators, by a stable name."""
    if runtime is None:
        return {}
    classifier, ranker = runtime
    shared = {"ranker-index": ranker.index_}
    compiled = [("", classifier)]
    if passage_topics is not None and passage_topics.compiled is not None:
        compiled.append(("passages:", passage_topics.compiled))
    for prefix, form in compiled:
        shared[f"{prefix}indexes"] = form.indexes
        shared[f"{prefix}coverage"] = form.coverage_table
        for name, head in form.heads.items():
            for label, single in head.items() if isinstance(head, dict) else [("", head)]:
                for attribute in ("coef", "intercept"):
                    if hasattr(single, attribute):
                        shared[f"{prefix}{attribute}:{name}:{label}"] = getattr(single, attribute)
    return shared


class _SharedPickler(pickle.Pickler):
    """Pickles the estimators with references to the objects the compiled form already stores."""

    def __init__(self, file, shared: dict[str, object]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = {id(obj): name for name, obj in shared.items()}
        self._shared = shared  # keeps the objects alive, so their ids stay theirs

    def persistent_id(self, obj):
        return self._names.get(id(obj))


class _SharedUnpickler(pickle.Unpickler):
    def __init__(self, file, shared: dict[str, object]) -> None:
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, name):
        return self._shared[name]

    def find_class(self, module: str, name: str):
        return legacy_find_class(super().find_class, module, name)
