"""ArticleVectorizer: a whole-article TF-IDF block stacked with a weighted headline + lead block."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import PORTAL_PAGE
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from classify.features.vectorizer import ArticleVectorizer, full_text, lead_text
from classify.text import prepare

# A second report from the same district: its headline and lead name the Hà Nhì and the
# "bấm nút" button, which PORTAL_PAGE mentions only in its fourth sentence and a caption.
HA_NHI_BROADCAST = """Đồng bào Hà Nhì ở Mường Tè nghe tin tức bằng tiếng mẹ đẻ

Từ tháng 4, Đài Truyền thanh huyện Mường Tè phát chương trình bằng tiếng Hà Nhì vào 19 giờ mỗi tối. Người nghe chỉ cần bấm nút trên loa để nghe lại bản tin đã phát.
"""


@pytest.fixture(scope="module")
def articles(seed_corpus):
    """Raw texts to fit on: every eighth seed article and the two Mường Tè reports (last)."""
    return [d.text for d in seed_corpus.documents[::8]] + [PORTAL_PAGE, HA_NHI_BROADCAST]


@pytest.fixture(scope="module")
def unseen(seed_corpus):
    """Seed articles not fitted on, an empty text and English: unknown syllables and n-grams."""
    return [d.text for d in seed_corpus.documents[1::8]] + ["", "The district opened a new radio system."]


def _blocks(vectorizer, matrix):
    n_body = len(vectorizer.body_vectorizer_.vocabulary_)
    return matrix[:, :n_body], matrix[:, n_body:]


def _column(vectorizer, name):
    return vectorizer.feature_names().index(name)


def test_lead_weight_zero_gives_only_the_whole_article_block(articles):
    vectorizer = ArticleVectorizer(lead_weight=0).fit(articles)
    matrix = vectorizer.transform(articles)
    assert vectorizer.lead_vectorizer_ is None
    assert vectorizer.n_features_out_ == len(vectorizer.body_vectorizer_.vocabulary_) == matrix.shape[1]
    assert not any(name.startswith("lead:") for name in vectorizer.feature_names())
    assert set(vectorizer.indexes_) == {"ids", "body"}
    expected = vectorizer.body_vectorizer_.transform([full_text(prepare(t)) for t in articles])
    assert abs(matrix - expected).max() < 1e-12


def test_lead_columns_are_the_weighted_tfidf_of_the_headline_and_first_sentences(articles):
    vectorizer = ArticleVectorizer(lead_weight=2.5, lead_sentences=3).fit(articles)
    matrix = vectorizer.transform(articles)
    body, lead = _blocks(vectorizer, matrix)
    expected = 2.5 * vectorizer.lead_vectorizer_.transform([lead_text(prepare(t), 3) for t in articles])
    assert lead.shape == expected.shape and abs(lead - expected).max() < 1e-12

    # By hand on PORTAL_PAGE: each block is l2-normalised, so the lead block's row has norm 2.5.
    row = matrix[len(articles) - 2].toarray().ravel()
    assert np.linalg.norm(lead[len(articles) - 2].toarray()) == pytest.approx(2.5)
    assert row[_column(vectorizer, "lead:minh")] > 0  # "thông minh": headline only
    assert row[_column(vectorizer, "lead:páo")] > 0  # third sentence
    # "Hà Nhì" comes in the fourth sentence and "bấm nút" in a caption: body features only.
    for term in ["nhì", "hà nhì", "nút", "bấm nút"]:
        assert row[_column(vectorizer, term)] > 0
        assert row[_column(vectorizer, f"lead:{term}")] == 0


def test_lead_sentences_sets_where_the_lead_ends(articles):
    # "Páo" appears only in the third sentence of PORTAL_PAGE.
    assert "lead:páo" in ArticleVectorizer(lead_sentences=3).fit(articles).feature_names()
    assert "lead:páo" not in ArticleVectorizer(lead_sentences=2).fit(articles).feature_names()


def test_feature_names_label_every_column_and_prefix_the_lead_block(articles):
    vectorizer = ArticleVectorizer(lead_weight=1.5).fit(articles)
    names = vectorizer.feature_names()
    n_body = len(vectorizer.body_vectorizer_.vocabulary_)
    assert len(names) == vectorizer.n_features_out_ == vectorizer.transform(articles[:1]).shape[1]
    assert names[:n_body] == list(vectorizer.body_vectorizer_.get_feature_names_out())
    assert all(name.startswith("lead:") for name in names[n_body:])
    assert [name[len("lead:") :] for name in names[n_body:]] == list(
        vectorizer.lead_vectorizer_.get_feature_names_out()
    )
    assert len(names[n_body:]) == len(vectorizer.lead_vectorizer_.vocabulary_) > 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lead_weight": 2.5, "lead_sentences": 1},
        {"ngram_range": (2, 3), "min_df": 2, "max_df": 0.5},
        {"lead_weight": 0},
        {"ngram_range": (1, 1), "sublinear_tf": False, "max_features": 2000},
    ],
    ids=["defaults", "heavy-one-sentence-lead", "bigrams-trigrams-pruned", "no-lead", "capped-unigrams"],
)
def test_compiled_syllable_index_gives_the_scikit_learn_matrix(articles, unseen, params):
    vectorizer = ArticleVectorizer(**params)
    fitted = vectorizer.fit_transform(articles)  # through the scikit-learn vectorizers
    assert vectorizer.indexes_ is not None
    plain = copy.copy(vectorizer)
    plain.indexes_ = None
    for texts in (articles, unseen):
        fast, reference = vectorizer.transform(texts), plain.transform(texts)
        assert fast.shape == reference.shape == (len(texts), vectorizer.n_features_out_)
        assert fast.nnz == reference.nnz > 0
        assert abs(fast - reference).max() < 1e-12
    assert abs(vectorizer.transform(articles) - fitted).max() < 1e-12


def _lowercase_split(text):
    return text.lower().split()


@pytest.mark.parametrize("tokenizer", ["word", _lowercase_split], ids=["word", "callable"])
def test_other_tokenizers_are_not_compiled_and_use_the_scikit_learn_transform(tokenizer):
    texts = [PORTAL_PAGE, HA_NHI_BROADCAST]
    vectorizer = ArticleVectorizer(tokenizer=tokenizer)
    fitted = vectorizer.fit_transform(texts)
    assert vectorizer.indexes_ is None
    assert abs(vectorizer.transform(texts) - fitted).max() < 1e-12
    names = vectorizer.feature_names()
    # Tokens only that tokenizer makes: a segmented word, or a word with its punctuation.
    assert ("truyền_thanh" if tokenizer == "word" else "4g.") in names


def test_negative_lead_weight_and_no_articles_are_clear_errors(articles):
    with pytest.raises(ValueError, match=r"lead_weight must be >= 0, got -0\.5"):
        ArticleVectorizer(lead_weight=-0.5).fit(articles)
    with pytest.raises(ValueError, match="cannot fit on an empty list of articles"):
        ArticleVectorizer().fit([])
    with pytest.raises(ValueError, match="cannot fit on an empty list of articles"):
        ArticleVectorizer().fit_transform([])


def test_vectorizer_follows_the_scikit_learn_estimator_contract(articles):
    params = {"ngram_range": [1, 2], "min_df": 2, "lead_weight": 0.5, "lead_sentences": 2}
    vectorizer = ArticleVectorizer(**params)
    with pytest.raises(NotFittedError):
        vectorizer.transform(articles[:1])
    with pytest.raises(NotFittedError):
        vectorizer.feature_names()
    vectorizer.fit(articles)
    fresh = clone(vectorizer)
    assert not hasattr(fresh, "body_vectorizer_")
    assert fresh.get_params() == vectorizer.get_params()
    assert {k: fresh.get_params()[k] for k in params} == params
    assert fresh.set_params(lead_weight=0) is fresh and fresh.lead_weight == 0
    fresh.fit(articles)
    assert fresh.lead_vectorizer_ is None and vectorizer.lead_vectorizer_ is not None
    # A list ngram_range (as JSON gives it) is kept as given and still works.
    assert fresh.ngram_range == [1, 2] and max(len(n.split()) for n in fresh.feature_names()) == 2


def test_prepared_texts_give_the_same_matrix_as_raw_strings(articles, unseen):
    raw = ArticleVectorizer().fit(articles)
    prepared = ArticleVectorizer().fit([prepare(t) for t in articles])
    assert raw.feature_names() == prepared.feature_names()
    texts = unseen + articles[-2:]
    expected = raw.transform(texts)
    docs = [prepare(t) for t in texts]
    mixed = [doc if k % 2 else text for k, (text, doc) in enumerate(zip(texts, docs))]
    for matrix in (raw.transform(docs), raw.transform(docs), raw.transform(mixed), prepared.transform(texts)):
        assert isinstance(matrix, sp.csr_matrix)
        assert matrix.shape == expected.shape and (matrix != expected).nnz == 0
