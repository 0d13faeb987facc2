"""TextRank-style extractive summarizer for Vietnamese news.

Sentences come from :func:`classify.text.prepare`, so headlines, date lines,
captions, bylines and portal clutter are never candidates. Each candidate is a
TF-IDF vector whose IDF weights were learned from a corpus at fit time (and are
saved with the model). Sentences are ranked by personalised PageRank over the
cosine-similarity graph; the personalisation vector favours sentences close to
the headline and near the top of the article, as news is written lead first.
Selection is greedy with maximal marginal relevance, so two near-identical
sentences are never both chosen. The output is verbatim and in document order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from classify.features.ngram_index import NgramIndex, SyllableIds
from classify.summarizers.ranking import RankedSentence, SentenceRanker, Summarizer
from classify.text import PreparedText, prepare, resolve_tokenizer

__all__ = ["Summarizer", "TextRankSummarizer", "RankedSentence"]


class TextRankSummarizer(SentenceRanker, BaseEstimator):
    """Personalised-PageRank sentence ranker with redundancy control.

    The defaults were tuned on 1,000 VietNews validation articles against the
    newspapers' own leads (``scripts/tune_summarizer.py``).

    Parameters
    ----------
    tokenizer : {"syllable", "word"} or callable, default="syllable"
    damping : float, default=0.3
        PageRank damping; ``1 - damping`` of the rank mass follows the prior.
    title_weight : float, default=4.0
        Weight of similarity-to-headline in the prior.
    position_decay : float, default=5.0
        The position prior is ``exp(-i / position_decay)`` for the ``i``-th sentence.
    position_weight : float, default=1.0
        Weight of the position prior.
    redundancy : float, default=1.0
        MMR trade-off: penalty on similarity to sentences already chosen.
    max_similarity : float, default=0.7
        A candidate this similar (cosine) to a chosen sentence is skipped.
    max_candidates : int, default=200
        Only the first ``max_candidates`` sentences are ranked, which bounds the
        cost on very long inputs (news puts what matters first).
    min_words : int, default=5
        Shorter sentences are not candidates unless nothing else is left.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
        Vocabulary and IDF learned by :meth:`fit`.
    """

    def __init__(
        self,
        tokenizer: str | Callable[[str], Iterable[str]] = "syllable",
        damping: float = 0.3,
        title_weight: float = 4.0,
        position_decay: float = 5.0,
        position_weight: float = 1.0,
        redundancy: float = 1.0,
        max_similarity: float = 0.7,
        max_candidates: int = 200,
        min_words: int = 5,
    ) -> None:
        self.tokenizer = tokenizer
        self.damping = damping
        self.title_weight = title_weight
        self.position_decay = position_decay
        self.position_weight = position_weight
        self.redundancy = redundancy
        self.max_similarity = max_similarity
        self.max_candidates = max_candidates
        self.min_words = min_words

    def fit(self, X: Sequence[PreparedText | str], y: object = None) -> TextRankSummarizer:
        """Learn vocabulary and IDF weights from articles (each article is one IDF document).

        Parameters
        ----------
        X : sequence of str or PreparedText
        y : ignored

        Returns
        -------
        self
        """
        if not 0 < self.damping < 1:
            raise ValueError(f"damping must be in (0, 1), got {self.damping}")
        docs = [d if isinstance(d, PreparedText) else prepare(d) for d in X]
        if not docs:
            raise ValueError("cannot fit a summarizer on an empty list of articles")
        self.vectorizer_ = TfidfVectorizer(
            tokenizer=resolve_tokenizer(self.tokenizer),
            lowercase=False,
            token_pattern=None,
            sublinear_tf=True,
            dtype=np.float64,
        )
        self.vectorizer_.fit(["\n".join([d.title or "", *d.sentences]) for d in docs])
        self.index_ = NgramIndex(self.vectorizer_, SyllableIds()) if self.tokenizer == "syllable" else None
        return self

    def share_syllable_ids(self, ids: SyllableIds) -> None:
        """Recompile the index over ``ids`` (e.g. the classifier's), so an article is encoded once for both."""
        check_is_fitted(self, "vectorizer_")
        if getattr(self, "index_", None) is not None and self.index_.ids is not ids:
            self.index_ = NgramIndex(self.vectorizer_, ids)

    def ranker(self) -> SentenceRanker | None:
        """This summarizer without scikit-learn (for saved models), or None without a compiled index."""
        check_is_fitted(self, "vectorizer_")
        if getattr(self, "index_", None) is None:
            return None
        settings = {name: value for name, value in self.get_params().items() if name != "tokenizer"}
        return SentenceRanker(self.index_, **settings)

    def _choose(self, doc: PreparedText, count: int, max_chars: int | None) -> tuple[list[int], np.ndarray, list[int]]:
        check_is_fitted(self, "vectorizer_")
        return super()._choose(doc, count, max_chars)

    def _sentence_vectors(self, doc: PreparedText, positions: list[int]) -> np.ndarray:
        if getattr(self, "index_", None) is not None:
            return super()._sentence_vectors(doc, positions)
        texts = [doc.sentences[i] for i in positions] + [doc.title or ""]
        return self.vectorizer_.transform(texts).toarray()
