"""Sentence ranking for the extractive summarizer, with numpy alone.

:class:`SentenceRanker` holds the fitted syllable index and the ranking
settings and does all the work of :class:`classify.summarizers.summarizer.TextRankSummarizer`
(which adds fitting and scikit-learn's parameter handling on top), so a saved
model summarizes without importing scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classify.features.encode import article_syllables, encode_sentences
from classify.features.ngram_index import NgramIndex
from classify.text import PreparedText, prepare

__all__ = ["RankedSentence", "SentenceRanker", "Summarizer"]


@dataclass(frozen=True)
class RankedSentence:
    """A candidate sentence with its position and ranking score."""

    position: int
    text: str
    score: float
    selected: bool


class Summarizer:
    """Interface: ``summarizer(document, count) -> list[str]`` in document order."""

    def __call__(self, document: PreparedText | str, count: int = 3, *, max_chars: int | None = None) -> list[str]:
        raise NotImplementedError


class SentenceRanker(Summarizer):
    """Personalised-PageRank sentence ranker with redundancy control.

    See :class:`classify.summarizers.summarizer.TextRankSummarizer` for the parameters;
    ``index_`` is its compiled vocabulary and IDF.
    """

    def __init__(
        self,
        index_: NgramIndex,
        *,
        damping: float,
        title_weight: float,
        position_decay: float,
        position_weight: float,
        redundancy: float,
        max_similarity: float,
        max_candidates: int,
        min_words: int,
    ) -> None:
        self.index_ = index_
        self.damping = damping
        self.title_weight = title_weight
        self.position_decay = position_decay
        self.position_weight = position_weight
        self.redundancy = redundancy
        self.max_similarity = max_similarity
        self.max_candidates = max_candidates
        self.min_words = min_words

    def encode(self, docs: Sequence[PreparedText]) -> None:
        """Encode the sentences of many articles in few scans before summarizing them one by one."""
        if getattr(self, "index_", None) is not None:  # a word-tokenized summarizer has no syllable index
            encode_sentences([article_syllables(doc) for doc in docs], self.index_.ids)

    def _sentence_vectors(self, doc: PreparedText, positions: list[int]) -> np.ndarray:
        """L2-normalised TF-IDF rows of the sentences at ``positions``, then of the headline (dense)."""
        index = self.index_
        # lengths: the headline, each sentence, each extra line
        codes, lengths = article_syllables(doc).encode(index.ids)
        # Row of every part in the output: candidates first, the headline last, the rest dropped.
        row_of_part = np.full(len(lengths), -1, dtype=np.intp)
        row_of_part[np.asarray(positions, dtype=np.intp) + 1] = np.arange(len(positions))
        row_of_part[0] = len(positions)
        rows = np.repeat(row_of_part, lengths)
        columns = index.unigram_columns(codes)
        keep = (rows >= 0) & (columns >= 0)
        rows, columns = rows[keep], columns[keep]
        # A dense block over the few columns this article uses: cheaper than scipy.sparse at this size.
        used, local = np.unique(columns, return_inverse=True)
        counts = np.bincount(rows * len(used) + local, minlength=(len(positions) + 1) * len(used))
        counts = counts.reshape(len(positions) + 1, len(used))
        vectors = np.where(counts > 0, index.weight(np.maximum(counts, 1), used[None, :]), 0.0)
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))[:, None]
        return vectors / np.where(norms > 0, norms, 1.0)

    def rank(
        self, document: PreparedText | str, count: int = 3, *, max_chars: int | None = None
    ) -> list[RankedSentence]:
        """Score every candidate sentence and mark the ones chosen.

        Parameters
        ----------
        document : PreparedText or str
            A prepared article or raw text.
        count : int, default=3
            Sentences to choose (at most ``min(count, candidates)``).
        max_chars : int, optional
            Character budget of the chosen sentences (joined by spaces); a
            sentence that would overflow it is skipped.

        Returns
        -------
        list of RankedSentence
            The first ``max_candidates`` sentences in document order.
        """
        doc = document if isinstance(document, PreparedText) else prepare(document)
        sentences = doc.sentences[: self.max_candidates]
        positions, scores, chosen = self._choose(doc, count, max_chars)
        score_by_position = dict(zip(positions, scores.tolist()))
        selected = {positions[k] for k in chosen}
        return [RankedSentence(i, s, score_by_position.get(i, 0.0), i in selected) for i, s in enumerate(sentences)]

    def _choose(self, doc: PreparedText, count: int, max_chars: int | None) -> tuple[list[int], np.ndarray, list[int]]:
        """Candidate positions, their scores, and the indexes (into the candidates) of the chosen ones."""
        sentences = doc.sentences[: self.max_candidates]
        if not sentences or count <= 0:
            return [], np.zeros(0), []
        word_counts = [len(s.split()) for s in sentences]
        positions = [i for i, n in enumerate(word_counts) if n >= self.min_words] or list(range(len(sentences)))
        candidates = [sentences[i] for i in positions]

        vectors = self._sentence_vectors(doc, positions)
        vectors, title_vector = vectors[:-1], vectors[-1]
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, 0.0)
        title_similarity = vectors @ title_vector if doc.title else None
        prior = self._prior(title_similarity, np.asarray(positions, dtype=float))
        scores = self._pagerank(similarity, prior)
        return positions, scores, self._select(scores, similarity, candidates, count, max_chars)

    def __call__(self, document: PreparedText | str, count: int = 3, *, max_chars: int | None = None) -> list[str]:
        """The chosen sentences, verbatim, in document order.

        Parameters
        ----------
        document : PreparedText or str
            A prepared article or raw text.
        count : int, default=3
            Maximum number of sentences.
        max_chars : int, optional
            Character budget of the summary (sentences joined by spaces).

        Returns
        -------
        list of str
            ``min(count, candidates)`` sentences, fewer only when ``max_chars``
            is reached or the rest are near-duplicates of chosen sentences;
            empty when the document has no sentence.
        """
        doc = document if isinstance(document, PreparedText) else prepare(document)
        positions, _, chosen = self._choose(doc, count, max_chars)
        return [doc.sentences[positions[k]] for k in sorted(chosen)]

    def _prior(self, title_similarity: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
        prior = self.position_weight * np.exp(-positions / max(self.position_decay, 1e-9))
        if title_similarity is not None and self.title_weight:
            prior = prior + self.title_weight * title_similarity
        prior = prior + 1e-3  # keep every sentence reachable
        return prior / prior.sum()

    def _pagerank(self, similarity: np.ndarray, prior: np.ndarray) -> np.ndarray:
        row_sums = similarity.sum(axis=1, keepdims=True)
        # Sentences sharing no word with any other send their mass along the prior.
        transition = np.where(row_sums > 0, similarity / np.where(row_sums > 0, row_sums, 1.0), prior[None, :])
        # The fixed point of rank = (1 - d) prior + d T'rank, solved directly (n <= max_candidates).
        system = np.eye(len(prior)) - self.damping * transition.T
        return np.linalg.solve(system, (1 - self.damping) * prior)

    def _select(
        self,
        scores: np.ndarray,
        similarity: np.ndarray,
        candidates: Sequence[str],
        count: int,
        max_chars: int | None,
    ) -> list[int]:
        relevance = scores / scores.max() if scores.max() > 0 else scores
        chosen: list[int] = []
        texts: set[str] = set()  # identical sentences whose vectors are empty have similarity 0
        used_chars = 0
        # Largest similarity to any chosen sentence, updated as sentences are chosen.
        overlap = np.zeros(len(candidates))
        available = np.ones(len(candidates), dtype=bool)
        while available.any() and len(chosen) < count:
            gain = np.where(available, relevance - self.redundancy * overlap, -np.inf)
            best = int(np.argmax(gain))  # ties go to the earlier sentence
            available[best] = False
            if chosen and (overlap[best] >= self.max_similarity or candidates[best] in texts):
                continue
            length = len(candidates[best]) + (1 if chosen else 0)
            if max_chars is not None and used_chars + length > max_chars:
                continue
            chosen.append(best)
            texts.add(candidates[best])
            used_chars += length
            overlap = np.maximum(overlap, similarity[best])
        return chosen
