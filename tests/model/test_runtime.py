import numpy as np

from classify.text import prepare


def test_binary_logistic_regression_heads_compile_too(small_model, seed_corpus):
    from sklearn.linear_model import LogisticRegression

    from classify.model.classifier import _compile_head

    docs = [prepare(d.text, title=d.title) for d in seed_corpus.documents[:60]]
    features = small_model.classifier.transform(docs)
    target = np.array([d.labels["event_type"] == "anniversary" for d in seed_corpus.documents[:60]], dtype=int)
    head = LogisticRegression(max_iter=500).fit(features, target)
    assert np.allclose(_compile_head(head).predict_proba(features), head.predict_proba(features), atol=1e-12)


def test_a_head_without_numpy_form_predicts_through_scikit_learn(seed_corpus):
    """A class seen once gets a multiclass LogisticRegression head: no compiled form, same API."""
    from sklearn.linear_model import LogisticRegression

    from classify.model.classifier import ArticleClassifier

    documents = seed_corpus.documents[:60]
    docs = [prepare(d.text, title=d.title) for d in documents]
    labels = [d.labels["event_type"] for d in documents]
    labels[0] = "a_class_seen_once"
    classifier = ArticleClassifier(ngram_range=(1, 1), threshold_folds=2).fit(docs, labels)
    assert isinstance(classifier.heads_["label"], LogisticRegression)
    assert classifier.compile() is None
    proba = classifier.predict_proba(docs)
    assert proba.shape == (60, len(set(labels)))
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert classifier.predict(docs[:1])[0] in set(labels)
