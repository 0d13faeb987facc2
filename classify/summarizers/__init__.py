"""Summarizers: sentence ranking (TextRank), the extractive summarizer and ROUGE."""
