"""The shape of a batch output record: every record has every key, in one order.

A record is ``id``, ``source``, the keys of :meth:`classify.model.prediction.Prediction.to_dict`
for the model's label fields, ``input`` (the input record's own fields) and ``error``.
An error record has the same keys, null where there is no value, so ``record["event_type"]``
never raises in a user's script. The prediction keys are taken from ``to_dict`` itself, so a
key added there appears in every record, error records included, with no other edit.
"""

from __future__ import annotations

from collections.abc import Mapping

from classify.model.prediction import Prediction

__all__ = ["record_keys", "shaped_record"]

LEADING_KEYS = ("id", "source")
TRAILING_KEYS = ("input", "error")


def record_keys(label_fields: Mapping[str, str]) -> list[str]:
    """Every key of a record written for a model with these label fields, in order.

    Parameters
    ----------
    label_fields : mapping
        ``{field: "single" | "multi"}``, as ``ArticleModel.label_fields``.

    Returns
    -------
    list of str
        ``id``, ``source``, the prediction's keys (``title``, ``date``, ``event_type``,
        ``event_confidence``, ``event_scores``, ``topics``, ``topic_scores``, ``summary``
        for the default taxonomy), ``input``, ``error``.
    """
    # A prediction with placeholder labels has exactly the keys a real one of this model has.
    template = Prediction(
        labels={name: "" if kind == "single" else [] for name, kind in label_fields.items()}, scores={}
    )
    return [*LEADING_KEYS, *template.to_dict(), *TRAILING_KEYS]


def shaped_record(keys: list[str], values: Mapping) -> dict:
    """``values`` with every key of ``keys`` (None where missing), in that order.

    A key of ``values`` that ``keys`` lacks is kept after them rather than dropped.
    """
    record = {key: values.get(key) for key in keys}
    for key, value in values.items():
        if key not in record:
            record[key] = value
    return record
