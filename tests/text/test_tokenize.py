from hypothesis import strategies as st

from classify.text import syllable_tokenize, word_tokenize

# Vietnamese letters, digits, punctuation glued to words, and the characters normalize() removes.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÀÁẢÃẠỳýỷỹỵ0123456789 ,.;:-–/()\"'“”%_\n\t\u00a0\u200b\u00ad\x07\u3000")
    ),
    max_size=80,
)


def test_syllable_tokenize_folds_digits_and_drops_punctuation():
    assert syllable_tokenize("Năm 2014, Sở TT&TT đạt 98,5%!") == ["năm", "0000", "sở", "tt", "tt", "đạt", "00", "0"]


def test_word_tokenize_joins_multi_syllable_words():
    tokens = word_tokenize("Sở Thông tin và Truyền thông tổ chức hội nghị")
    assert "thông_tin" in tokens and "truyền_thông" in tokens and "tổ_chức" in tokens
