"""The article classifier: one scikit-learn estimator, one head per label field.

A head is single-label (one string per article, e.g. ``event_type``) or
multi-label (a list per article, e.g. ``topics``). Which heads exist is read
from ``y`` at fit time, so a corpus labelled only by ``category`` trains the
same way as the default taxonomy.

* single-label heads: linear SVM with sigmoid-calibrated probabilities and an
  abstain path (best probability below ``event_threshold_`` → ``abstain_label``
  when that label exists), the threshold chosen by cross-validation;
* multi-label heads: one calibrated linear SVM per label, each with its own
  decision threshold chosen by cross-validation at fit time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from classify.features.compact import CompactFrozenSet
from classify.features.encode import article_syllables
from classify.features.vectorizer import DEFAULT_MAX_FEATURES, ArticleLike, ArticleVectorizer, as_prepared
from classify.model.runtime import (
    COVERAGE_SYLLABLES,
    KNOWN,
    NUMBER,
    UNKNOWN,
    CompiledClassifier,
    ConstantHead,
    LinearHead,
    aligned_proba,
    argmax_with_abstain,
    coverage,
    decide_labels,
    probabilities_by_field,
)
from classify.model.unsure import taught_mask, taught_rows
from classify.text import PreparedText

__all__ = ["ArticleClassifier", "DEFAULT_FIELD"]

DEFAULT_FIELD = "label"
_THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)
_Constant = ConstantHead  # the name models saved by earlier versions refer to


def _syllables(doc: PreparedText) -> Iterator[str]:
    """The article's syllables in reading order (headline, sentences, extra lines)."""
    return iter(article_syllables(doc).full())


class ArticleClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF + calibrated linear SVM classifier for Vietnamese articles.

    Parameters
    ----------
    tokenizer : {"syllable", "word"} or callable, default="syllable"
    ngram_range : tuple of int, default=(1, 3)
    min_df : int or float, default=1
    max_df : float or int, default=1.0
        N-grams in more than this share (or number) of training articles are dropped.
    max_features : int or None, default=500_000
        Vocabulary cap of each TF-IDF block (see :class:`ArticleVectorizer`).
    sublinear_tf : bool, default=True
    lead_weight : float, default=1.0
        Weight of the headline + lead TF-IDF block (see :class:`ArticleVectorizer`).
    lead_sentences : int, default=3
    C : float, default=0.5
        Inverse regularisation of the linear SVMs.
    class_weight : {"balanced"} or None, default="balanced"
    abstain_label : str or None, default="other"
        Label a single-label head falls back to when unsure (only if it is one
        of that head's classes).
    threshold_folds : int, default=5
        Folds of the fit-time cross-validation that picks thresholds.
    min_coverage : float, default=0.5
        When fewer than this share of an article's syllables were seen in
        training (text in another language, garbage), its probabilities are
        shrunk toward uniform (single-label) or zero (multi-label) in
        proportion, so such text gets a low-confidence result.
    random_state : int, default=0

    Attributes
    ----------
    vectorizer_ : ArticleVectorizer
    label_fields_ : dict
        ``{field: "single" | "multi"}``.
    classes_ : dict or ndarray
        Classes per field; an array when ``y`` was a plain sequence of strings.
    heads_ : dict
        Fitted estimator(s) per field.
    thresholds_ : dict
        ``{field: {label: threshold}}`` for multi-label heads and
        ``{field: threshold}`` (abstain) for single-label heads.
    known_syllables_ : frozenset
        Syllables seen in training, for the coverage check.
    """

    def __init__(
        self,
        tokenizer: str | Callable[[str], Iterable[str]] = "syllable",
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int | float = 1,
        max_df: float | int = 1.0,
        max_features: int | None = DEFAULT_MAX_FEATURES,
        sublinear_tf: bool = True,
        lead_weight: float = 1.0,
        lead_sentences: int = 3,
        C: float = 0.5,
        class_weight: str | None = "balanced",
        abstain_label: str | None = "other",
        threshold_folds: int = 5,
        min_coverage: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.tokenizer = tokenizer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.lead_weight = lead_weight
        self.lead_sentences = lead_sentences
        self.C = C
        self.class_weight = class_weight
        self.abstain_label = abstain_label
        self.threshold_folds = threshold_folds
        self.min_coverage = min_coverage
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        X: Sequence[ArticleLike],
        y: Sequence,
        *,
        groups: Sequence | None = None,
        unsure: Sequence[dict] | None = None,
    ) -> ArticleClassifier:
        """Fit the vectorizer and one head per label field.

        Parameters
        ----------
        X : sequence of str or PreparedText
            Articles.
        y : sequence of dict or sequence of str
            One label dict per article (``{"event_type": "other", "topics": [...]}``),
            or plain strings for a single unnamed single-label head.
        groups : sequence, optional
            Group per article; articles of one group stay in one fold of the
            threshold cross-validation (near-duplicate pairs, one source...).
        unsure : sequence of dict, optional
            One ``{field: [labels]}`` per article: labels of a multi-label field the labeller could
            not decide (``topics_maybe``). The article is left out of those labels' heads and
            threshold choice, so it teaches neither "this label" nor "not this label".

        Returns
        -------
        self
        """
        docs = as_prepared(X)
        labels, self._plain_y = _normalise_y(y, len(docs))
        if unsure is not None and len(unsure) != len(docs):
            raise ValueError(f"X has {len(docs)} articles but unsure has {len(unsure)} entries")
        self.__dict__.pop("_compiled", None)  # a refit must not predict with the previous fit's arrays
        if self.C <= 0:
            raise ValueError(f"C must be > 0, got {self.C}")
        self.label_fields_ = _infer_fields(labels)
        self.vectorizer_ = ArticleVectorizer(
            tokenizer=self.tokenizer,
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            sublinear_tf=self.sublinear_tf,
            lead_weight=self.lead_weight,
            lead_sentences=self.lead_sentences,
        )
        features = self.vectorizer_.fit_transform(docs)
        self.known_syllables_ = CompactFrozenSet(tok for doc in docs for tok in _syllables(doc))
        self.coverage_table_ = self._coverage_table()
        folds = self._folds(len(docs), groups)
        self.heads_, self.thresholds_, classes = {}, {}, {}
        for name, kind in self.label_fields_.items():
            values = [lab[name] for lab in labels]
            if kind == "single":
                target = np.asarray(values, dtype=object)
                classes[name] = np.array(sorted(set(values)), dtype=object)
                self.heads_[name] = self._fit_binary_or_multiclass(features, target)
                self.thresholds_[name] = self._abstain_threshold(features, target, classes[name], folds)
            else:
                classes[name] = np.array(sorted({v for vs in values for v in vs}), dtype=object)
                matrix = np.array([[c in vs for c in classes[name]] for vs in values], dtype=int)
                taught = taught_mask(unsure, name, classes[name], len(docs))
                self.heads_[name] = {
                    c: self._fit_binary_or_multiclass(*taught_rows(features, matrix[:, j], taught[:, j]))
                    for j, c in enumerate(classes[name])
                }
                self.thresholds_[name] = self._label_thresholds(features, matrix, classes[name], folds, taught)
        self.classes_ = classes[DEFAULT_FIELD] if self._plain_y else classes
        self._classes_by_field = classes
        return self

    def _folds(self, n: int, groups: Sequence | None) -> list[tuple[np.ndarray, np.ndarray]]:
        n_splits = min(self.threshold_folds, n)
        if n_splits < 2:
            return []
        if groups is not None:
            n_splits = min(n_splits, len(set(groups)))
            return list(GroupKFold(n_splits=n_splits).split(np.zeros(n), groups=list(groups))) if n_splits >= 2 else []
        return list(KFold(n_splits=n_splits, shuffle=True, random_state=self.random_state).split(np.zeros(n)))

    def _fit_binary_or_multiclass(self, features, target: np.ndarray):
        """Calibrated linear SVM, or a constant when ``target`` has one value."""
        values, counts = np.unique(target, return_counts=True)
        if len(values) == 1:
            return _Constant(values[0])
        svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        folds = int(min(3, counts.min()))
        if folds >= 2:
            model = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
        else:
            # Too few examples of a class to calibrate on held-out folds.
            model = LogisticRegression(C=self.C * 10, class_weight=self.class_weight, max_iter=2000)
        return model.fit(features, target)

    def _oof_probabilities(self, features, target: np.ndarray, classes: np.ndarray, folds) -> np.ndarray | None:
        """Out-of-fold probabilities of ``classes`` (columns), or None when folds are unusable."""
        if not folds:
            return None
        proba = np.zeros((features.shape[0], len(classes)))
        for train, test in folds:
            head = self._fit_binary_or_multiclass(features[train], target[train])
            proba[test] = _aligned_proba(head, features[test], classes)
        return proba

    def _abstain_threshold(self, features, target, classes, folds) -> float:
        if self.abstain_label is None or self.abstain_label not in set(classes):
            return 0.0
        proba = self._oof_probabilities(features, target, classes, folds)
        if proba is None:
            return 0.0
        best, best_score = 0.0, -1.0
        for threshold in np.concatenate([[0.0], _THRESHOLD_GRID[_THRESHOLD_GRID < 0.7]]):
            predicted = argmax_with_abstain(proba, classes, threshold, self.abstain_label)
            score = f1_score(target, predicted, average="macro", zero_division=0)
            if score > best_score + 1e-9:
                best, best_score = float(threshold), score
        return best

    def _label_thresholds(self, features, matrix, classes, folds, taught: np.ndarray) -> dict[str, float]:
        """Each label's threshold, by out-of-fold F1 over the articles that label is taught on."""
        thresholds = {}
        for j, label in enumerate(classes):
            column, keep = matrix[:, j], taught[:, j]
            label_folds = folds if keep.all() else [(train[keep[train]], test) for train, test in folds]
            proba = self._oof_probabilities(features, column, np.array([0, 1]), label_folds)
            if proba is None or column[keep].sum() == 0:
                thresholds[str(label)] = 0.5
                continue
            column, proba = column[keep], proba[keep]
            scores = [f1_score(column, proba[:, 1] >= t, zero_division=0) for t in _THRESHOLD_GRID]
            # Ties go to the threshold nearest 0.5 (least surprising when scores are flat).
            best = max(range(len(scores)), key=lambda k: (round(scores[k], 9), -abs(_THRESHOLD_GRID[k] - 0.5)))
            thresholds[str(label)] = float(_THRESHOLD_GRID[best])
        return thresholds

    # -------------------------------------------------------------- predict
    def transform(self, X: Sequence[ArticleLike]):
        """TF-IDF feature matrix of ``X`` (for explanations and diagnostics)."""
        check_is_fitted(self, "heads_")
        return self.vectorizer_.transform(as_prepared(X))

    def predict_proba_fields(self, X: Sequence[ArticleLike], *, features=None) -> dict[str, np.ndarray]:
        """Probabilities per field: ``{field: array (n_articles, n_classes)}``.

        Columns follow ``classes_`` of the field. For multi-label fields each
        column is that label's independent probability.
        """
        check_is_fitted(self, "heads_")
        docs = as_prepared(X)
        compiled = self.compile()
        if compiled is not None:
            return compiled.predict_proba_fields(docs, features)
        if features is None:
            features = self.vectorizer_.transform(docs)
        heads = {name: _map_heads(head, _fastest_form) for name, head in self.heads_.items()}
        return probabilities_by_field(
            heads, features, self.label_fields_, self._classes_by_field, self.coverage(docs), self.min_coverage
        )

    def compile(self) -> CompiledClassifier | None:
        """The fitted model as numpy arrays (:mod:`classify.model.runtime`), predicting without scikit-learn.

        None when some part has no compiled form (a ``"word"`` or callable
        tokenizer, a multiclass logistic-regression head); prediction then
        goes through the scikit-learn objects.
        """
        check_is_fitted(self, "heads_")
        if "_compiled" not in self.__dict__:
            self._compiled = self._build_compiled()
        return self._compiled

    def _build_compiled(self) -> CompiledClassifier | None:
        indexes = getattr(self.vectorizer_, "indexes_", None)
        table = getattr(self, "coverage_table_", None)
        if not indexes or table is None:
            return None
        heads = {name: _map_heads(head, _compile_head) for name, head in self.heads_.items()}
        if any(head is None for head in _iter_heads(heads)):
            return None
        return CompiledClassifier(
            indexes=indexes,
            lead_weight=self.vectorizer_.lead_weight,
            lead_sentences=self.vectorizer_.lead_sentences,
            label_fields=dict(self.label_fields_),
            classes_by_field=dict(self._classes_by_field),
            heads=heads,
            thresholds=self.thresholds_,
            abstain_label=self.abstain_label,
            min_coverage=self.min_coverage,
            coverage_table=table,
        )

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_compiled", None)  # derived; rebuilt on first use
        return state

    def coverage(self, X: Sequence[ArticleLike]) -> np.ndarray:
        """Share of the syllables seen in training, over each article's first 400 syllables.

        A prefix is enough to tell Vietnamese from another language and keeps
        the check cheap on long articles. Numbers seen in training are not
        counted. 1.0 for an article with no letters.
        """
        check_is_fitted(self, "known_syllables_")
        table = getattr(self, "coverage_table_", None)
        if table is not None:
            return coverage(as_prepared(X), table)
        out = np.ones(len(X))
        known = self.known_syllables_
        for i, doc in enumerate(as_prepared(X)):
            tokens = [t for t in itertools.islice(_syllables(doc), COVERAGE_SYLLABLES) if not t.isdigit()]
            if tokens:
                out[i] = sum(t in known for t in tokens) / len(tokens)
        return out

    def _coverage_table(self) -> tuple | None:
        """Syllable ids and, per id, whether it is a known syllable or a number (the fast coverage path)."""
        indexes = getattr(self.vectorizer_, "indexes_", None)
        if not indexes:
            return None
        ids = indexes["ids"]
        for syllable in self.known_syllables_:
            ids.add(syllable)
        status = np.full(len(ids) + 2, UNKNOWN, dtype=np.int8)
        for syllable, code in ids.items():
            status[code] = NUMBER if syllable.isdigit() else KNOWN if syllable in self.known_syllables_ else UNKNOWN
        return ids, status

    def predict_proba(self, X: Sequence[ArticleLike]) -> np.ndarray | dict[str, np.ndarray]:
        """Class probabilities: an array for a plain single head, else a dict per field."""
        proba = self.predict_proba_fields(X)
        return proba[DEFAULT_FIELD] if self._plain_y else proba

    def decide(self, proba: dict[str, np.ndarray]) -> list[dict]:
        """Turn probabilities into labels with the stored thresholds (one dict per article)."""
        return decide_labels(proba, self.label_fields_, self._classes_by_field, self.thresholds_, self.abstain_label)

    def predict(self, X: Sequence[ArticleLike]) -> list[dict] | np.ndarray:
        """Labels per article: dicts per field, or an array for a plain single head."""
        decided = self.decide(self.predict_proba_fields(X))
        if self._plain_y:
            return np.array([row[DEFAULT_FIELD] for row in decided], dtype=object)
        return decided

    def score(self, X: Sequence[ArticleLike], y: Sequence, sample_weight: object = None) -> float:
        """Mean over fields of accuracy (single-label) or micro-F1 (multi-label)."""
        labels, _ = _normalise_y(y, len(y))
        predicted = self.predict(X)
        if self._plain_y:
            predicted = [{DEFAULT_FIELD: p} for p in predicted]
        scores = []
        for name, kind in self.label_fields_.items():
            truth = [lab[name] for lab in labels]
            guess = [p[name] for p in predicted]
            if kind == "single":
                scores.append(float(np.mean([t == g for t, g in zip(truth, guess)])))
            else:
                classes = list(self._classes_by_field[name])
                t = np.array([[c in ts for c in classes] for ts in truth])
                g = np.array([[c in gs for c in classes] for gs in guess])
                scores.append(float(f1_score(t, g, average="micro", zero_division=0)))
        return float(np.mean(scores))

    @property
    def classes_by_field(self) -> dict[str, np.ndarray]:
        """Classes of every field (also when ``classes_`` is a plain array)."""
        check_is_fitted(self, "heads_")
        return self._classes_by_field


def _compile_head(head) -> LinearHead | ConstantHead | None:
    """The numpy form of a fitted head, or None when it has none.

    Handles the heads this module fits: a sigmoid-calibrated ``LinearSVC``
    with one calibrated classifier (``ensemble=False``), a binary
    ``LogisticRegression``, a constant.
    """
    if isinstance(head, (ConstantHead, LinearHead)):
        return head
    if isinstance(head, LogisticRegression) and len(head.classes_) == 2:
        ones = np.ones(1)
        return LinearHead(head.classes_, head.coef_, head.intercept_, -ones, 0 * ones, np.array([1]))
    if not isinstance(head, CalibratedClassifierCV) or head.method != "sigmoid":
        return None
    if len(getattr(head, "calibrated_classifiers_", ())) != 1:
        return None
    inner = head.calibrated_classifiers_[0]
    svm = inner.estimator
    if not isinstance(svm, LinearSVC):
        return None
    return LinearHead(
        classes=head.classes_,
        coef=svm.coef_,
        intercept=svm.intercept_,
        a=np.array([c.a_ for c in inner.calibrators], dtype=float),
        b=np.array([c.b_ for c in inner.calibrators], dtype=float),
        columns=np.searchsorted(inner.classes, svm.classes_) if len(inner.classes) > 2 else np.array([1]),
    )


def _map_heads(head, function):
    """``function`` applied to a head, or to each head of a multi-label field's dict."""
    if isinstance(head, dict):
        return {label: function(h) for label, h in head.items()}
    return function(head)


def _iter_heads(heads: dict):
    for head in heads.values():
        yield from head.values() if isinstance(head, dict) else [head]


def _fastest_form(head):
    """The head's numpy form when it has one, else the scikit-learn head itself."""
    return _compile_head(head) or head


def _aligned_proba(head, features, classes: np.ndarray) -> np.ndarray:
    """Probabilities of a fitted head in ``classes`` order, through its numpy form when it has one."""
    return aligned_proba(_fastest_form(head), features, classes)


def _normalise_y(y: Sequence, n: int) -> tuple[list[dict], bool]:
    labels = list(y)
    if len(labels) != n:
        raise ValueError(f"X has {n} articles but y has {len(labels)} label entries")
    if not labels:
        raise ValueError("cannot fit on an empty list of articles")
    if all(isinstance(v, str) for v in labels):
        return [{DEFAULT_FIELD: v} for v in labels], True
    if all(isinstance(v, dict) for v in labels):
        return labels, False
    raise ValueError("y must be a sequence of label dicts (one per article) or of label strings")


def _infer_fields(labels: list[dict]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for row, lab in enumerate(labels):
        for name, value in lab.items():
            kind = "multi" if isinstance(value, (list, tuple)) else "single"
            if fields.setdefault(name, kind) != kind:
                raise ValueError(f"label field {name!r} is {kind}-label in row {row} but not in earlier rows")
    for row, lab in enumerate(labels):
        missing = set(fields) - set(lab)
        if missing:
            raise ValueError(f"row {row} has no value for label field(s) {sorted(missing)}")
    if not fields:
        raise ValueError("y has no label fields")
    return fields
