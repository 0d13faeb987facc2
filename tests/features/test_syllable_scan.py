"""The numpy syllable scanner must give exactly the ids of tokenising then looking up."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from classify.features.syllable_scan import SyllableScanner
from classify.text import syllable_tokenize

# Letters in both cases, digits of several scripts, separators, and the characters
# str.lower() treats specially (İ grows, Σ depends on context), astral letters and emoji.
_PIECES = [
    *"aăâbdđeêhiklmnoôơtuưyàáạảãằắẵặầấậèéẹềếệìíịòóọồốộờớợùúụừứựỳýAĂÂĐÊÔƠƯÀÁẠẰẮỀẾỜỚỲÝ",
    *"0123456789٣²_ ,.;:-–/()\"'“”%\n\t",
    "İ",
    "Σ",
    "σ",
    "ς",
    "\u0301",
    "\U0001d400",  # MATHEMATICAL BOLD CAPITAL A: a letter above U+FFFF
    "\U00010400",  # DESERET CAPITAL LONG I, lowercase U+10428
    "\U0001f600",  # an emoji: separates syllables
    "\uffff",
    "\ud800",  # a lone surrogate (JSON can carry one)
    "nghiêng",
    "NGHIÊNG",
    "thường",
]
_IDS = {
    s: i + 1
    for i, s in enumerate(
        [
            "năm",
            "0000",
            "0",
            "00000000",
            "a",
            "hà",
            "i\u0307",
            "σ",
            "ς",
            "\U00010428",
            "\U0001d400",
            "nghiêng",
            "nghiêngnghiêng",
            "thường",
            "ăn",
            "y",
            "²",
            "0²",
            "đ",
        ]
    )
}
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _expected(ids, parts):
    return [[ids.get(s, 0) for s in syllable_tokenize(part)] for part in parts]


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXTS, max_size=5))
def test_scan_equals_tokenize_then_lookup(parts):
    codes, lengths = SyllableScanner(_IDS).scan(parts)
    expected = _expected(_IDS, parts)
    assert lengths.tolist() == [len(e) for e in expected]
    assert codes.tolist() == [code for e in expected for code in e]


def test_scan_on_news_text_with_long_runs_numbers_and_an_unknown_script():
    text = (
        "Ngày 12/3/2024, Sở Thông tin và Truyền thông tỉnh Hà Giang tổ chức hội nghị trực tuyến "
        "(hotline 0912345678, website: https://stttt.hagiang.gov.vn) với 1.250 đại biểu; "
        "Chủ tịch UBND nói: «Chuyển đổi số» – ТЕСТ 中文 nghiêng NGHIÊNG."
    )
    ids = {s: i + 1 for i, s in enumerate(sorted(set(syllable_tokenize(text))))}
    ids.pop("tỉnh")  # one known word left unknown
    parts = [text, "", text.upper(), "İstanbul ΣΟΦΙΑΣ"]
    codes, lengths = SyllableScanner(ids).scan(parts)
    expected = _expected(ids, parts)
    assert lengths.tolist() == [len(e) for e in expected]
    assert codes.tolist() == [code for e in expected for code in e]
    assert ids["nghiêng"] in codes.tolist() and 0 in codes.tolist()  # "tỉnh" is unknown


def test_empty_table_and_empty_input():
    codes, lengths = SyllableScanner({}).scan(["Hà Nội 2024", ""])
    assert codes.tolist() == [0, 0, 0] and lengths.tolist() == [3, 0]
    codes, lengths = SyllableScanner(_IDS).scan([])
    assert codes.tolist() == [] and lengths.tolist() == []


def test_more_letters_than_codes_fall_back_to_string_lookup():
    # 400 distinct letters: the alphabet keeps 253, the rest are looked up as strings.
    letters = [chr(0x4E00 + k) for k in range(400)]
    ids = {letter: k + 1 for k, letter in enumerate(letters)}
    text = " ".join(letters + ["".join(letters[:3]), "".join(letters[-3:])])
    codes, _ = SyllableScanner(ids).scan([text])
    assert codes.tolist() == [ids.get(s, 0) for s in syllable_tokenize(text)]
    assert np.count_nonzero(codes) == 400
