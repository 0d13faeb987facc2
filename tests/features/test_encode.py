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


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"aăbđêhoơtưAĐNT09 .!?…:,”(", "./.", "TP.", "ThS.", "VN.Dự", "12.Anh"]), max_size=40).map(
        "".join
    )
)
def test_lead_length_of_a_passage_with_known_sentences_equals_scanning_its_lead(line):
    from classify.model.passages import as_passage
    from classify.text import split_sentences

    ids = SyllableIds()
    for syllable in ["a", "ăb", "TP", "Dự", "09", "Anh"]:
        ids.add(syllable)
    for count in (1, 2, 3):
        known = as_passage(line, split_sentences(line))  # sentences known and codes encoded: no second scan
        encode_module.encode_articles([article_syllables(known)], ids)
        fresh = as_passage(line)  # nothing cached: the lead is split and scanned
        got = encode_module.lead_lengths([article_syllables(known)], count, ids)
        assert got.tolist() == encode_module.lead_lengths([article_syllables(fresh)], count, ids).tolist()


@pytest.mark.parametrize("scan_characters", [1, 200, 1 << 22])
def test_encode_sentences_equals_encoding_each_article(monkeypatch, scan_characters):
    monkeypatch.setattr(encode_module, "_SCAN_CHARACTERS", scan_characters)  # several scans, or one
    texts = [
        PORTAL_PAGE,
        "Bưu điện tỉnh Lào Cai chi trả lương hưu cho 12.000 người. Ông Nguyễn Văn An nói: hoàn thành 98%.",
        "",
        "HỘI NGHỊ TỔNG KẾT NĂM 2023\nSở Thông tin và Truyền thông tỉnh Bắc Kạn tổng kết. Năm 2024 sẽ số hóa 100% hồ sơ.",
    ]
    ids = SyllableIds()
    for syllable in sorted({s for t in texts for s in article_syllables(prepare(t)).full()})[::2]:
        ids.add(syllable)
    batch = [article_syllables(prepare(t)) for t in texts]
    encode_module.encode_sentences(batch, ids)
    for text, article in zip(texts, batch):
        codes, lengths = article_syllables(prepare(text)).encode(ids)  # one article on its own
        assert article.encode(ids)[0].tolist() == codes.tolist() and article.part_lengths().tolist() == lengths.tolist()
