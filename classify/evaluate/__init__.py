"""Evaluate: metrics of a model on a labelled corpus, and reports with pictures."""
