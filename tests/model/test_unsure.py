import numpy as np
from scipy import sparse

from classify.model.unsure import taught_mask, taught_rows


def test_the_mask_is_false_exactly_where_an_article_is_unsure_of_a_label_of_that_field():
    classes = np.array(["broadcasting", "it_egov", "post_telecom"], dtype=object)
    unsure = [{}, {"topics": ["post_telecom", "a_label_not_in_training"]}, None, {"other_field": ["it_egov"]}]
    mask = taught_mask(unsure, "topics", classes, 4)
    assert mask.tolist() == [[True, True, True], [True, True, False], [True, True, True], [True, True, True]]
    assert taught_mask(None, "topics", classes, 2).all()


def test_rows_are_kept_in_order_and_not_copied_when_all_are_taught():
    features = sparse.csr_matrix(np.arange(12).reshape(4, 3))
    target = np.array([1, 0, 1, 0])
    same = taught_rows(features, target, np.ones(4, dtype=bool))
    assert same[0] is features and same[1] is target
    kept_features, kept_target = taught_rows(features, target, np.array([True, False, True, True]))
    assert kept_features.toarray().tolist() == [[0, 1, 2], [6, 7, 8], [9, 10, 11]]
    assert kept_target.tolist() == [1, 1, 0]
