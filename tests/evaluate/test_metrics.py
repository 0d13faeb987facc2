import pytest

from classify.evaluate.metrics import field_metrics, format_metrics


def test_single_label_metrics_match_hand_computation():
    truth = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    m = field_metrics(truth, pred, "single")
    # a: tp=1 fp=1 fn=1 -> p=r=f=0.5 ; b: tp=2 fp=1 fn=0 -> p=2/3 r=1 f=0.8 ; c: tp=0 -> 0
    assert m["per_label"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["per_label"]["b"]["precision"] == pytest.approx(2 / 3) and m["per_label"]["b"]["f1"] == pytest.approx(0.8)
    assert m["per_label"]["c"]["f1"] == 0.0
    assert m["macro"]["f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert m["accuracy"] == pytest.approx(3 / 5) and m["micro"]["f1"] == pytest.approx(3 / 5)


def test_multi_label_metrics_with_ignored_cells():
    truth = [["x"], ["x", "y"], []]
    pred = [["x", "y"], ["x"], ["y"]]
    m = field_metrics(truth, pred, "multi")
    # x: tp=2 fp=0 fn=0 ; y: tp=0 fp=2 fn=1 -> micro p=2/4 r=2/3
    assert m["per_label"]["x"]["f1"] == 1.0 and m["per_label"]["y"]["f1"] == 0.0
    assert m["micro"]["precision"] == pytest.approx(0.5) and m["micro"]["recall"] == pytest.approx(2 / 3)
    ignored = field_metrics(truth, pred, "multi", ignore=[["y"], [], ["y"]])
    # the two false-positive y cells are ignored: y has tp=0 fp=0 fn=1
    assert ignored["micro"]["precision"] == 1.0 and ignored["micro"]["recall"] == pytest.approx(2 / 3)


def test_format_metrics_lists_every_label():
    text = format_metrics({"event": field_metrics(["a", "b"], ["a", "a"], "single")}, "T")
    assert text.startswith("T") and "macro avg" in text and "\n  b " in text


def test_bad_arguments():
    with pytest.raises(ValueError, match="2 true labels but 1 predictions"):
        field_metrics(["a", "b"], ["a"], "single")
    with pytest.raises(ValueError, match="kind must be"):
        field_metrics(["a"], ["a"], "ordinal")
