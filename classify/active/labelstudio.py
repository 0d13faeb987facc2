"""Label Studio tasks with the model's labels as pre-annotations (``suggest --format label-studio``).

Each task's ``data`` holds the article (``text``, ``title``, ``article_id``, ``source``) and why it
was chosen (``why``); its one prediction holds a ``choices`` result per label field, named as the
controls of the labelling configuration in docs/active-learning.md (``event_type``, ``topics``),
and the model's name and sha256 as ``model_version``. :mod:`classify.corpus.labelstudio` reads the
export of the labelled tasks back.
"""

from __future__ import annotations

from collections.abc import Sequence

from classify.corpus.reader import MAYBE_SUFFIX

__all__ = ["labelstudio_tasks", "labelling_config", "TEXT_CONTROL"]

TEXT_CONTROL = "text"  # the <Text name="text"> object the choices refer to (to_name)
UNSURE_HEADER = "Chưa chắc (không học các chủ đề này từ bài này):"


def _prediction_result(prediction: dict, label_fields: dict[str, str]) -> list[dict]:
    result = []
    for name, kind in label_fields.items():
        value = prediction.get(name)
        choices = list(value) if kind == "multi" else ([value] if value else [])
        if kind == "multi" and not choices:
            continue  # Label Studio stores an empty multiple choice as no result at all
        result.append(
            {
                "from_name": name,
                "to_name": TEXT_CONTROL,
                "type": "choices",
                "value": {"choices": choices},
            }
        )
    return result


def labelstudio_tasks(records: Sequence[dict], label_fields: dict[str, str], model_version: str) -> list[dict]:
    """Label Studio tasks (a JSON list to import) from ``suggest``'s records.

    Parameters
    ----------
    records : sequence of dict
        Records of :func:`classify.active.suggest` (``id``, ``source``, ``title``, ``text``,
        ``picked_by``, ``why``, ``informativeness``, ``prediction``).
    label_fields : dict
        ``{field: "single" | "multi"}`` of the model.
    model_version : str
        Shown by Label Studio beside each pre-annotation.

    Returns
    -------
    list of dict
        ``{"data": {...}, "predictions": [{"model_version", "score", "result"}]}`` per record;
        ``score`` is one minus the informativeness (Label Studio sorts by it: lowest first = most useful).
    """
    tasks = []
    for record in records:
        prediction = record["prediction"]
        tasks.append(
            {
                "data": {
                    TEXT_CONTROL: record["text"],
                    "title": record.get("title") or prediction.get("title") or "",
                    "article_id": record["id"],
                    "source": record.get("source"),
                    "why": record.get("why", ""),
                    "picked_by": record.get("picked_by", "uncertainty"),
                },
                "predictions": [
                    {
                        "model_version": model_version,
                        "score": round(1.0 - float(record.get("informativeness", 0.0)), 4),
                        "result": _prediction_result(prediction, label_fields),
                    }
                ],
            }
        )
    return tasks


def _choice_lines(name: str, labels: list[str], names) -> list[str]:
    from xml.sax.saxutils import quoteattr

    lines = []
    for label in labels:
        hint = f" hint={quoteattr(names(name, label))}" if names else ""
        lines.append(f"    <Choice value={quoteattr(label)}{hint}/>")
    return [*lines, "  </Choices>"]


def labelling_config(labels: dict[str, list[str]], label_fields: dict[str, str], names=None) -> str:
    """The Label Studio labelling configuration (XML) matching :func:`labelstudio_tasks`.

    Parameters
    ----------
    labels : dict
        ``{field: [label, ...]}``.
    label_fields : dict
        ``{field: "single" | "multi"}``.
    names : callable, optional
        ``names(field, label)`` gives the hint shown beside a choice (e.g. the Vietnamese name).
    """
    lines = [
        "<View>",
        '  <Header value="$title"/>',
        f'  <Text name="{TEXT_CONTROL}" value="$text"/>',
        '  <Header value="$why" size="6"/>',
    ]
    for name, kind in label_fields.items():
        choice = "single" if kind == "single" else "multiple"
        required = ' required="true"' if kind == "single" else ""
        lines.append(f'  <Choices name="{name}" toName="{TEXT_CONTROL}" choice="{choice}"{required} showInline="true">')
        lines += _choice_lines(name, labels.get(name, []), names)
        if kind == "multi":
            # Unsure of a label: saved as <field>_maybe, which training leaves out for that article.
            lines.append(f'  <Header value="{UNSURE_HEADER}" size="6"/>')
            lines.append(
                f'  <Choices name="{name}{MAYBE_SUFFIX}" toName="{TEXT_CONTROL}" choice="multiple" showInline="true">'
            )
            lines += _choice_lines(name, labels.get(name, []), names)
    lines.append("</View>")
    return "\n".join(lines) + "\n"
