"""TF-IDF features of prepared articles from compiled n-gram indexes (the numpy path of prediction)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from classify.features.encode import article_syllables, encode_articles, lead_lengths
from classify.features.ngram_index import join_codes
from classify.text import PreparedText

__all__ = ["transform_indexed"]


def transform_indexed(indexes: dict, docs: Sequence[PreparedText], lead_weight: float, lead_sentences: int):
    """TF-IDF features of ``docs``: the whole-article block, then the weighted headline + lead block.

    ``indexes`` holds ``ids`` and the compiled ``body`` (and ``lead``)
    :class:`classify.features.ngram_index.NgramIndex`.
    """
    syllables = [article_syllables(doc) for doc in docs]
    articles = encode_articles(syllables, indexes["ids"])
    codes, row_of = join_codes(articles)
    blocks = [indexes["body"].transform_codes(codes, row_of, len(docs))]
    if "lead" in indexes:
        # The lead is a prefix of each article's syllables: mask the rest out.
        starts = np.concatenate([[0], np.cumsum([len(a) + 1 for a in articles])[:-1]]).astype(np.intp)
        lengths = lead_lengths(syllables, lead_sentences, indexes["ids"])
        in_lead = np.arange(len(codes)) - starts[row_of] < lengths[row_of]
        lead = indexes["lead"].transform_codes(np.where(in_lead, codes, 0), row_of, len(docs))
        blocks.append(lead * lead_weight)
    return sp.hstack(blocks, format="csr")
