"""Text: bytes to clean Vietnamese text (reading, normalising, portal clutter, headline and date,
sentences, tokenisers). This layer knows nothing of features or models."""

from classify.text.prepare import PreparedText, extract_date, normalize, prepare
from classify.text.sentences import split_sentences
from classify.text.tokenize import TOKENIZERS, resolve_tokenizer, syllable_tokenize, word_tokenize

__all__ = [
    "PreparedText",
    "TOKENIZERS",
    "extract_date",
    "normalize",
    "prepare",
    "resolve_tokenizer",
    "split_sentences",
    "syllable_tokenize",
    "word_tokenize",
]
