"""The compiled n-gram index must give exactly what TfidfVectorizer gives."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from classify.features.encode import article_syllables
from classify.features.ngram_index import NgramIndex, SyllableIds, count_matrix, encode, join_codes
from classify.text import prepare, syllable_tokenize

ARTICLES = [
    "Sở Thông tin và Truyền thông tỉnh Nghệ An tổ chức hội nghị tổng kết công tác năm 2019.",
    "Bưu điện tỉnh triển khai dịch vụ bưu chính công ích, chi trả lương hưu tại nhà cho 12.000 người.",
    "Đài Phát thanh - Truyền hình tỉnh kỷ niệm 40 năm ngày phát sóng chương trình đầu tiên.",
    "Hội thảo an toàn thông tin: các cơ quan nhà nước cần diễn tập ứng cứu sự cố mã độc.",
]


def _vectorizer(**params) -> TfidfVectorizer:
    return TfidfVectorizer(tokenizer=syllable_tokenize, lowercase=False, token_pattern=None, **params)


@pytest.mark.parametrize(
    "params",
    [
        {"ngram_range": (1, 1)},
        {"ngram_range": (1, 3), "sublinear_tf": True},
        {"ngram_range": (2, 3), "min_df": 2},
        {"ngram_range": (1, 2), "binary": True, "norm": None},
        {"ngram_range": (1, 2), "use_idf": False},
    ],
)
def test_transform_equals_tfidf_vectorizer(params):
    vectorizer = _vectorizer(**params).fit(ARTICLES * 2 + ARTICLES[:2])
    index = NgramIndex(vectorizer, SyllableIds())
    # New text mixes known and unseen syllables and n-grams.
    queries = [*ARTICLES, "Tỉnh Nghệ An kỷ niệm 40 năm thành lập Sở, hội nghị tổng kết năm 2020.", "", "xyz qwe"]
    expected = vectorizer.transform(queries)
    got = index.transform([syllable_tokenize(q) for q in queries])
    assert got.shape == expected.shape
    assert (abs(got - expected)).max() < 1e-12
    assert got.nnz == expected.nnz


def test_ngrams_never_cross_rows():
    vectorizer = _vectorizer(ngram_range=(2, 2)).fit(["tổng kết năm"])
    index = NgramIndex(vectorizer, SyllableIds())
    # "tổng" ends row 0 and "kết" starts row 1: the bigram must not be counted.
    matrix = index.transform([["hội", "tổng"], ["kết", "thúc"]])
    assert matrix.nnz == 0


def test_shared_ids_grow_and_stay_consistent():
    ids = SyllableIds()
    first = NgramIndex(_vectorizer().fit(ARTICLES[:2]), ids)
    size = len(ids)
    second = NgramIndex(_vectorizer(ngram_range=(1, 2)).fit(ARTICLES), ids)
    assert len(ids) > size and first.ids is second.ids
    codes, row_of = encode([syllable_tokenize(ARTICLES[0])], ids)
    assert codes[-1] == 0 and (codes[:-1] > 0).all() and (row_of == 0).all()


def test_encode_separates_rows_and_zeroes_unknown_syllables():
    ids = SyllableIds()
    for token in "a b c".split():
        ids.add(token)
    codes, row_of = encode([["a", "b"], [], ["c", "zz"]], ids)
    assert codes.tolist() == [1, 2, 0, 0, 3, 0, 0]
    assert row_of.tolist() == [0, 0, 0, 1, 2, 2, 2]
    assert [a.tolist() for a in join_codes([])] == [[], []]


def test_prepared_text_codes_are_cached_per_table():
    doc = prepare(ARTICLES[0] + "\n" + ARTICLES[1])
    ids = SyllableIds()
    for token in article_syllables(doc).full():
        ids.add(token)
    codes = article_syllables(doc).codes(ids)
    assert codes is article_syllables(doc).codes(ids)
    assert len(codes) == sum(article_syllables(doc).part_lengths())
    assert (codes > 0).all()
    assert (article_syllables(doc).codes(SyllableIds()) == 0).all()


def test_adding_a_syllable_refreshes_the_encoder_cache():
    ids = SyllableIds()
    ids.add("tỉnh")
    assert ids.encoder.encode_parts(["Tỉnh, huyện."])[0].tolist() == [1, 0]
    ids.add("huyện")
    assert ids.encoder.encode_parts(["Tỉnh, huyện."])[0].tolist() == [1, 2]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 2**31 - 1) | st.integers(0, 9)), max_size=60))
def test_count_matrix_equals_scipy_sum_duplicates(pairs):
    rows = np.array([r for r, _ in pairs], dtype=np.intp)
    columns = np.array([c for _, c in pairs], dtype=np.int32)
    shape = (7, 2**31)
    expected = sp.csr_matrix((np.ones(len(pairs)), (rows, columns)), shape=shape)
    expected.sum_duplicates()
    got = count_matrix(rows, columns, shape)
    assert got.shape == shape and got.has_sorted_indices
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)
