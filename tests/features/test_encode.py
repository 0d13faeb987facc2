import pytest
from conftest import PORTAL_PAGE
from hypothesis import given, settings
from hypothesis import strategies as st

import classify.features.encode as encode_module
from classify.features.encode import SyllableEncoder, article_syllables
from classify.features.ngram_index import SyllableIds
from classify.text import syllable_tokenize
from classify.text.prepare import (
    prepare,
)

# Vietnamese letters, digits, punctuation glued to words, and the characters normalize() removes.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÀÁẢÃẠỳýỷỹỵ0123456789 ,.;:-–/()\"'“”%_\n\t\u00a0\u200b\u00ad\x07\u3000")
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=4))
def test_syllable_encoder_equals_tokenize_then_lookup(parts):
    ids = {s: i + 1 for i, s in enumerate(["năm", "0000", "ăn", "đi", "a", "0", "xã"])}
    encoder = SyllableEncoder(ids)
    for _ in range(2):  # second round with the scanner already built
        codes, lengths = encoder.encode_parts(parts)
        expected = [[ids.get(s, 0) for s in syllable_tokenize(part)] for part in parts]
        assert lengths.tolist() == [len(e) for e in expected]
        assert codes.tolist() == [code for e in expected for code in e]


@pytest.mark.parametrize("scan_characters", [1, 200, 1 << 22])
def test_encode_articles_equals_encoding_each_article(monkeypatch, scan_characters):
    monkeypatch.setattr(encode_module, "_SCAN_CHARACTERS", scan_characters)  # several scans, or one
    docs = [
        prepare(PORTAL_PAGE),
        prepare("Bưu điện tỉnh Lào Cai chi trả lương hưu cho 12.000 người.\nÔng Nguyễn Văn An nói: hoàn thành 98%."),
        prepare(""),
        prepare("HỘI NGHỊ TỔNG KẾT NĂM 2023\nSở Thông tin và Truyền thông tỉnh Bắc Kạn tổng kết công tác năm 2023."),
    ]
    ids = SyllableIds()
    for syllable in sorted({s for d in docs for s in article_syllables(d).full()})[::2]:  # every other one known
        ids.add(syllable)
    got = encode_module.encode_articles([article_syllables(d) for d in docs], ids)
    for doc, codes in zip(docs, got):
        assert codes.tolist() == [ids.get(s, 0) for s in article_syllables(doc).full()]
        assert article_syllables(doc).codes(ids) is codes  # cached in the article
