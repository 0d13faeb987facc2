"""ROUGE on Vietnamese syllables: hand-computed scores, diacritics kept, punctuation dropped."""

from __future__ import annotations

import unicodedata

import pytest

from classify.summarizers.rouge import corpus_rouge, rouge_l, rouge_n, rouge_scores, rouge_tokenize

# With c candidate units, r reference units and o matched units:
# P = o/c, R = o/r, F1 = 2PR/(P+R) = 2o/(c+r).


def test_tokens_are_lowercased_syllables_with_diacritics():
    assert rouge_tokenize("Được Việc ở Đà Nẵng") == ["được", "việc", "ở", "đà", "nẵng"]


def test_nfd_input_is_normalised_to_nfc():
    assert rouge_tokenize(unicodedata.normalize("NFD", "Tiếng Việt")) == ["tiếng", "việt"]
    assert rouge_scores(unicodedata.normalize("NFD", "Tiếng Việt"), "tiếng việt")["rouge1"] == 1.0


def test_punctuation_tokens_dropped_and_stripped():
    text = "“Hà Nội”, ngày 2/4 – mưa ... (to) 30.000 đồng! %"
    # "–", "..." and "%" are dropped; quotes, commas and brackets are stripped
    # from the ends of a token; "2/4" and "30.000" keep their inner punctuation.
    assert rouge_tokenize(text) == ["hà", "nội", "ngày", "2/4", "mưa", "to", "30.000", "đồng"]


def test_punctuation_does_not_change_scores():
    assert rouge_scores("Hà Nội, mưa!", "hà nội mưa") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}


def test_hand_computed_example():
    candidate = "Hôm nay trời mưa rất to."
    reference = "Trời mưa to ở Hà Nội hôm nay."
    scores = rouge_scores(candidate, reference)
    # candidate: hôm nay trời mưa rất to (c = 6); reference: trời mưa to ở hà nội hôm nay (r = 8)
    # ROUGE-1: o = 5 (hôm, nay, trời, mưa, to); F1 = 2*5/(6+8) = 10/14 = 5/7
    assert scores["rouge1"] == pytest.approx(5 / 7)
    # ROUGE-2: 5 candidate bigrams, 7 reference bigrams, o = 2 ("hôm nay", "trời mưa"); F1 = 2*2/(5+7) = 1/3
    assert scores["rouge2"] == pytest.approx(1 / 3)
    # ROUGE-L: LCS = "trời mưa to" = 3; F1 = 2*3/(6+8) = 3/7
    assert scores["rougeL"] == pytest.approx(3 / 7)


def test_precision_and_recall():
    cand, ref = rouge_tokenize("Hôm nay trời mưa rất to."), rouge_tokenize("Trời mưa to ở Hà Nội hôm nay.")
    # P = 5/6, R = 5/8
    assert rouge_n(cand, ref, 1).precision == pytest.approx(5 / 6)
    assert rouge_n(cand, ref, 1).recall == pytest.approx(5 / 8)
    # P = 3/6, R = 3/8
    assert rouge_l(cand, ref).precision == pytest.approx(1 / 2)
    assert rouge_l(cand, ref).recall == pytest.approx(3 / 8)


def test_counts_are_clipped():
    scores = rouge_scores("mưa mưa mưa", "mưa to")
    # ROUGE-1: "mưa" matches min(3, 1) = 1 time; F1 = 2*1/(3+2) = 0.4
    assert scores["rouge1"] == pytest.approx(0.4)
    # ROUGE-2: "mưa mưa" x2 against "mưa to": o = 0
    assert scores["rouge2"] == 0.0
    # ROUGE-L: LCS = 1; F1 = 2*1/(3+2) = 0.4
    assert scores["rougeL"] == pytest.approx(0.4)


def test_diacritics_distinguish_syllables():
    scores = rouge_scores("ma má mà", "mà mả mạ")
    # Only "mà" matches: F1 = 2*1/(3+3) = 1/3; a tokenizer dropping accented letters would give 1.
    assert scores["rouge1"] == pytest.approx(1 / 3)
    assert scores["rouge2"] == 0.0
    assert scores["rougeL"] == pytest.approx(1 / 3)


def test_word_order_matters_for_rouge2_and_rouge_l_only():
    scores = rouge_scores("nội hà", "hà nội")
    # ROUGE-1: o = 2, F1 = 1; ROUGE-2: "nội hà" vs "hà nội", o = 0; ROUGE-L: LCS = 1, F1 = 2*1/(2+2) = 0.5
    assert scores == {"rouge1": 1.0, "rouge2": 0.0, "rougeL": 0.5}


def test_single_syllable_has_no_bigram():
    assert rouge_scores("mưa", "mưa") == {"rouge1": 1.0, "rouge2": 0.0, "rougeL": 1.0}


@pytest.mark.parametrize(("candidate", "reference"), [("", "hà nội"), ("hà nội", ""), ("", ""), ("... !", "hà nội")])
def test_empty_inputs_score_zero(candidate, reference):
    assert rouge_scores(candidate, reference) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}


def test_rouge_n_rejects_n_below_one():
    with pytest.raises(ValueError):
        rouge_n(["a"], ["a"], 0)


def test_corpus_average():
    result = corpus_rouge([("hà nội", "hà nội"), ("đà nẵng", "huế")])
    # Document 1 scores 1 everywhere, document 2 scores 0: the mean is 0.5.
    assert result == {"rouge1": 0.5, "rouge2": 0.5, "rougeL": 0.5, "n": 2}


def test_corpus_average_of_nothing():
    assert corpus_rouge([]) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0, "n": 0}
