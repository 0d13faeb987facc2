"""Features: syllable ids of prepared articles, the n-gram index and the TF-IDF vectorizer."""
