"""TF-IDF features for articles, with the headline and lead counted apart.

The event type of a news article is mostly decided by its headline and first
sentences ("... tổ chức hội nghị tổng kết ...", "... làm việc với ..."), while
topics spread over the whole body. :class:`ArticleVectorizer` therefore
concatenates two TF-IDF blocks: one over the whole article and one over the
headline plus the first ``lead_sentences`` sentences, scaled by ``lead_weight``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from classify.features.ngram_index import NgramIndex, SyllableIds
from classify.features.transform import transform_indexed
from classify.text import PreparedText, prepare, resolve_tokenizer

__all__ = ["ArticleVectorizer", "as_prepared"]

ArticleLike = str | PreparedText


def as_prepared(documents: Iterable[ArticleLike]) -> list[PreparedText]:
    """Prepare raw texts; pass already prepared ones through unchanged."""
    return [doc if isinstance(doc, PreparedText) else prepare(doc) for doc in documents]


def full_text(doc: PreparedText) -> str:
    """Headline, body paragraphs and body lines (captions, sub-headings) as one string."""
    return "\n".join(part for part in [doc.title or "", *doc.paragraphs, *doc.extra_lines] if part)


def lead_text(doc: PreparedText, sentences: int) -> str:
    """Headline and the first ``sentences`` body sentences."""
    return "\n".join(part for part in [doc.title or "", *doc.lead_sentences(sentences)] if part)


DEFAULT_MAX_FEATURES = 500_000


class ArticleVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF of the whole article stacked with a weighted TF-IDF of headline + lead.

    Parameters
    ----------
    tokenizer : {"syllable", "word"} or callable, default="syllable"
        ``"syllable"`` splits on spaces (no model, fast); ``"word"`` uses
        underthesea's word segmenter; a callable maps a string to tokens.
    ngram_range : tuple of int, default=(1, 3)
        Token n-gram range of both blocks.
    min_df : int or float, default=1
    max_df : float, default=1.0
    max_features : int or None, default=500_000
        Vocabulary cap of each block (whole article, headline+lead): the most
        frequent n-grams are kept. It bounds the model on large corpora (on
        11,253 VNTC articles: 4.8M n-grams and a 301 MB model uncapped) and
        does not bind on small ones (``seeds/``: 209k n-grams in all). None:
        no cap.
    sublinear_tf : bool, default=True
    lead_weight : float, default=1.0
        Scale of the headline+lead block; 0 disables it.
    lead_sentences : int, default=3
        Body sentences counted as the lead.

    Attributes
    ----------
    body_vectorizer_ : TfidfVectorizer
    lead_vectorizer_ : TfidfVectorizer or None
    n_features_out_ : int
    indexes_ : dict or None
        With the syllable tokenizer: the vocabularies compiled to integer keys
        (:class:`~classify.features.ngram_index.NgramIndex`), used by :meth:`transform`
        instead of the vectorizers' own (slower, equal) transform.
    """

    def __init__(
        self,
        tokenizer: str | Callable[[str], Iterable[str]] = "syllable",
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int | float = 1,
        max_df: float = 1.0,
        max_features: int | None = DEFAULT_MAX_FEATURES,
        sublinear_tf: bool = True,
        lead_weight: float = 1.0,
        lead_sentences: int = 3,
    ) -> None:
        self.tokenizer = tokenizer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.lead_weight = lead_weight
        self.lead_sentences = lead_sentences

    def _vectorizer(self, max_features: int | None) -> TfidfVectorizer:
        return TfidfVectorizer(
            tokenizer=resolve_tokenizer(self.tokenizer),
            lowercase=False,
            token_pattern=None,
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=max_features,
            sublinear_tf=self.sublinear_tf,
            dtype=np.float64,
        )

    def fit(self, X: Sequence[ArticleLike], y: object = None) -> ArticleVectorizer:
        """Learn both vocabularies and IDF weights from articles ``X``."""
        self._fit_transform(as_prepared(X))
        return self

    def fit_transform(self, X: Sequence[ArticleLike], y: object = None) -> sp.csr_matrix:
        """Fit and return the feature matrix of ``X``."""
        return self._fit_transform(as_prepared(X))

    def _fit_transform(self, docs: list[PreparedText]) -> sp.csr_matrix:
        if self.lead_weight < 0:
            raise ValueError(f"lead_weight must be >= 0, got {self.lead_weight}")
        if not docs:
            raise ValueError("cannot fit on an empty list of articles")
        self.body_vectorizer_ = self._vectorizer(self.max_features)
        blocks = [self.body_vectorizer_.fit_transform([full_text(d) for d in docs])]
        self.lead_vectorizer_ = None
        if self.lead_weight > 0:
            self.lead_vectorizer_ = self._vectorizer(self.max_features)
            lead = self.lead_vectorizer_.fit_transform([lead_text(d, self.lead_sentences) for d in docs])
            blocks.append(lead * self.lead_weight)
        matrix = sp.hstack(blocks, format="csr")
        self.n_features_out_ = matrix.shape[1]
        self.indexes_ = self._compile() if self.tokenizer == "syllable" else None
        return matrix

    def _compile(self) -> dict:
        ids = SyllableIds()
        indexes = {"ids": ids, "body": NgramIndex(self.body_vectorizer_, ids)}
        if self.lead_vectorizer_ is not None:
            indexes["lead"] = NgramIndex(self.lead_vectorizer_, ids)
        for vectorizer in (self.body_vectorizer_, self.lead_vectorizer_):
            if vectorizer is not None and hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_  # terms cut by min_df/max_df: only for introspection, can be huge
        return indexes

    def transform(self, X: Sequence[ArticleLike]) -> sp.csr_matrix:
        """Feature matrix of articles ``X`` (raw texts or :class:`PreparedText`)."""
        check_is_fitted(self, "body_vectorizer_")
        docs = as_prepared(X)
        if getattr(self, "indexes_", None):
            return self._transform_indexed(docs)
        blocks = [self.body_vectorizer_.transform([full_text(d) for d in docs])]
        if self.lead_vectorizer_ is not None:
            blocks.append(
                self.lead_vectorizer_.transform([lead_text(d, self.lead_sentences) for d in docs]) * self.lead_weight
            )
        return sp.hstack(blocks, format="csr")

    def _transform_indexed(self, docs: list[PreparedText]) -> sp.csr_matrix:
        return transform_indexed(self.indexes_, docs, self.lead_weight, self.lead_sentences)

    def feature_names(self) -> list[str]:
        """Names of the output columns; lead features are prefixed ``lead:``."""
        check_is_fitted(self, "body_vectorizer_")
        names = list(self.body_vectorizer_.get_feature_names_out())
        if self.lead_vectorizer_ is not None:
            names += [f"lead:{n}" for n in self.lead_vectorizer_.get_feature_names_out()]
        return names
