from hypothesis import given, settings
from hypothesis import strategies as st

from classify.text import split_sentences, syllable_tokenize

# Vietnamese letters, digits, punctuation glued to words, and the characters normalize() removes.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÀÁẢÃẠỳýỷỹỵ0123456789 ,.;:-–/()\"'“”%_\n\t\u00a0\u200b\u00ad\x07\u3000")
    ),
    max_size=80,
)


_LINE_PIECES = [
    *'aăbcđeêhnoôơtuưAĂBĐÊHNOTƯ0129 .!?…:;,"”’)»](“(-/',
    "./.",
    "TP.",
    "ThS.",
    "VN.Dự",
    "H2O.Nước",
    "12.Anh",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=40).map("".join))
def test_sentence_split_keeps_every_syllable_of_the_line(line):
    # Classification encodes whole paragraphs; summaries split them. Both must see the same syllables.
    assert syllable_tokenize(line) == [s for sentence in split_sentences(line) for s in syllable_tokenize(sentence)]


def test_split_sentences_abbreviations_decimals_dates():
    text = (
        "Tổng thuê bao Internet đạt 104.033 thuê bao, tăng 12,5% so với năm 2009. "
        "Đoàn làm việc tại TP. Hồ Chí Minh ngày 20.7.2018 cùng ThS. Lê Văn Nam và PGS. TS. Trần Hòa. "
        "Dự án do Hoa Kỳ tài trợ tại VN.Dự án có nhiệm vụ chính là hỗ trợ chính sách! Ai sẽ làm? Các sở, ngành v.v. Cùng tham gia."
    )
    assert split_sentences(text) == [
        "Tổng thuê bao Internet đạt 104.033 thuê bao, tăng 12,5% so với năm 2009.",
        "Đoàn làm việc tại TP. Hồ Chí Minh ngày 20.7.2018 cùng ThS. Lê Văn Nam và PGS. TS. Trần Hòa.",
        "Dự án do Hoa Kỳ tài trợ tại VN.",
        "Dự án có nhiệm vụ chính là hỗ trợ chính sách!",
        "Ai sẽ làm?",
        "Các sở, ngành v.v.",
        "Cùng tham gia.",
    ]


def test_split_sentences_never_glues_lines():
    assert split_sentences("Tiêu đề bài báo\nThứ tư, 28/01/2015 09:18\nCâu đầu tiên.") == [
        "Tiêu đề bài báo",
        "Thứ tư, 28/01/2015 09:18",
        "Câu đầu tiên.",
    ]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=40).map("".join))
def test_a_sentence_of_split_sentences_splits_into_itself(line):
    # The passage head relies on it: a sentence passage is not split again.
    for sentence in split_sentences(line):
        assert split_sentences(sentence) == [sentence]


def test_a_closing_mark_inside_a_line_ends_its_sentence_like_one_at_the_end():
    assert split_sentences("Hội nghị kết thúc./. Tin liên quan") == ["Hội nghị kết thúc.", "Tin liên quan"]
    assert split_sentences("./. A") == [".", "A"]
