"""Corpus: labelled corpora (a folder of .txt with labels.jsonl, or JSONL) and overlap checks."""

from classify.corpus.reader import RESERVED_FIELDS, Corpus, LabelledDocument, iter_jsonl, load_corpus

__all__ = ["RESERVED_FIELDS", "Corpus", "LabelledDocument", "iter_jsonl", "load_corpus"]
