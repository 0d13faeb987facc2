"""A trained model: classifier + summarizer behind one ``predict``."""

from __future__ import annotations

from collections.abc import Sequence

from classify.errors import EmptyDocumentError
from classify.model import ArticleClassifier
from classify.prediction import Prediction
from classify.summarizer import Summarizer
from classify.text import PreparedText, prepare

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
    """

    def __init__(
        self,
        classifier: ArticleClassifier,
        summarizer: Summarizer,
        summary_sentences: int = 3,
        manifest: dict | None = None,
    ) -> None:
        self.classifier = classifier
        self.summarizer = summarizer
        self.summary_sentences = summary_sentences
        self.manifest = manifest or {}
        indexes = getattr(classifier.vectorizer_, "indexes_", None) if hasattr(classifier, "vectorizer_") else None
        if indexes and hasattr(summarizer, "share_syllable_ids"):
            summarizer.share_syllable_ids(indexes["ids"])

    @property
    def label_fields(self) -> dict[str, str]:
        """``{field: "single" | "multi"}`` learned from the training corpus."""
        return dict(self.classifier.label_fields_)

    def prepare(self, text: str, *, title: str | None = None, source: str = "text") -> PreparedText:
        """Clean one article; :class:`EmptyDocumentError` if nothing is left."""
        if not isinstance(text, str):
            raise TypeError(f"{source}: expected str, got {type(text).__name__}")
        doc = prepare(text, title=title)
        if doc.is_empty:
            raise EmptyDocumentError(f"{source}: no article text (empty, whitespace or only portal clutter)")
        return doc

    def predict(self, text: str, *, title: str | None = None, sentences: int | None = None) -> Prediction:
        """Label and summarize one article.

        Parameters
        ----------
        text : str
            Raw article text.
        title : str, optional
            Headline, if known; otherwise detected from the text.
        sentences : int, optional
            Length of the abstract (default: ``summary_sentences``).

        Returns
        -------
        Prediction

        Raises
        ------
        EmptyDocumentError
            If the text is empty, whitespace or only portal clutter.
        """
        return self.predict_prepared([self.prepare(text, title=title)], sentences=sentences)[0]

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

    def explain(self, text: str, *, title: str | None = None, k: int = 8, sentences: int | None = None) -> dict:
        """Probabilities, the top signed n-grams behind each decided label, and the summary ranking.

        See :func:`classify.explain.explain` for the returned structure.
        """
        from classify.explain import explain

        count = self.summary_sentences if sentences is None else sentences
        return explain(self, self.prepare(text, title=title), k=k, sentences=count)

    def predict_prepared(self, docs: Sequence[PreparedText], *, sentences: int | None = None) -> list[Prediction]:
        """Label already prepared articles (the fast path used by batch labelling)."""
        if not docs:
            return []
        count = self.summary_sentences if sentences is None else sentences
        with _one_blas_thread():
            return self._predict_prepared(docs, count)

    def _predict_prepared(self, docs: Sequence[PreparedText], count: int) -> list[Prediction]:
        proba = self.classifier.predict_proba_fields(docs)
        decided = self.classifier.decide(proba)
        classes = self.classifier.classes_by_field
        out = []
        for i, doc in enumerate(docs):
            scores = {name: {str(c): float(p) for c, p in zip(classes[name], proba[name][i])} for name in proba}
            out.append(
                Prediction(
                    labels=decided[i],
                    scores=scores,
                    title=doc.title,
                    date=doc.date,
                    byline=doc.byline,
                    summary=self.summarizer(doc, count),
                )
            )
        return out
