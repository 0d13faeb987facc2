"""Evaluate a model on a labelled corpus and write a report people can look at.

``evaluate_model`` computes the metrics (with :mod:`classify.evaluate`, the same
code training uses); ``write_report`` writes ``metrics.json``, ``report.md``, a
confusion matrix PNG per single-label field, a per-label precision/recall bar
chart per multi-label field, a reliability diagram with expected calibration
error for single-label probabilities, and the misclassified documents with
their top n-grams. Pictures need matplotlib (``pip install matplotlib``); without it the
rest of the report is written and the command says the pictures were skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from classify.atomic import atomic_write, blocking_file
from classify.corpus.reader import Corpus
from classify.errors import CorpusError, OutputError
from classify.evaluate.metrics import field_metrics, format_metrics
from classify.model.explain import label_weights, passage_ngrams, top_contributions
from classify.text import prepare

__all__ = [
    "evaluate_model",
    "write_report",
    "expected_calibration_error",
    "unknown_label_lines",
    "pictures_available",
    "PICTURES_SKIPPED",
]

PICTURES_SKIPPED = (
    "pictures skipped: matplotlib is not installed (pip install matplotlib, then run evaluate again); "
    "metrics.json, report.md and misclassified.jsonl are written"
)


def pictures_available() -> bool:
    """Whether matplotlib can be imported, so that :func:`write_report` draws its charts."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> tuple[float, list]:
    """ECE over equal-width confidence bins, and the bins as ``(mean conf, accuracy, count)``.

    An empty bin is ``(bin centre, None, 0)``: None, not NaN, so that metrics.json stays strict JSON.
    """
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for i in range(bins):
        mask = (confidence > edges[i]) & (confidence <= edges[i + 1]) if i else (confidence <= edges[1])
        if mask.any():
            conf, acc = float(confidence[mask].mean()), float(correct[mask].mean())
            ece += mask.sum() / len(confidence) * abs(conf - acc)
            table.append((conf, acc, int(mask.sum())))
        else:
            table.append((float((edges[i] + edges[i + 1]) / 2), None, 0))
    return float(ece), table


def evaluate_model(model, corpus: Corpus, *, ignore: dict[str, list[list[str]]] | None = None) -> dict:
    """Score ``model`` on ``corpus``: the labels ``model.predict`` gives (topics from evidence included).

    Parameters
    ----------
    model : ArticleModel
    corpus : Corpus
    ignore : dict, optional
        ``{field: [labels per document]}`` left out of a multi-label field's scoring (annotators'
        ``topics_maybe``).

    A gold label the model never learned cannot be predicted: it is left out and
    reported (``result["unknown_labels"]``: ``{field: {label: documents}}``) and the rest is
    scored. For a single-label field the documents carrying it are not scored on that
    field; for a multi-label field only that label is dropped from their label sets.

    Raises
    ------
    CorpusError
        If the corpus lacks a label field the model predicts.
    """
    fields = model.label_fields
    classes = dict(model.classifier.classes_by_field)
    if getattr(model, "passage_topics", None) is not None:
        classes[model.passage_topics.field] = model.passage_topics.classes
    for name in fields:
        if name not in corpus.label_fields:
            raise CorpusError(f"{corpus.source}: no label field {name!r}, which the model predicts")
    truth = [{name: labels[name] for name in fields} for labels in corpus.labels]
    scored, unknown = _known_labels(truth, fields, {n: {str(c) for c in classes[n]} for n in fields})
    docs = [prepare(d.text, title=d.title) for d in corpus.documents]
    features = model.classifier.transform(docs)
    predictions = model.predict_prepared(docs, sentences=1)
    predicted = [p.labels for p in predictions]
    proba = {
        name: np.array([[p.scores[name].get(str(c), 0.0) for c in classes[name]] for p in predictions])
        for name in fields
    }
    metrics, calibration = {}, {}
    for name, kind in fields.items():
        rows = scored[name]
        if not rows:
            continue
        labels = [str(c) for c in classes[name]]
        left_out = [ignore[name][i] for i in rows] if ignore and name in ignore else None
        metrics[name] = field_metrics(
            [truth[i][name] for i in rows], [predicted[i][name] for i in rows], kind, labels, ignore=left_out
        )
        if kind == "single":
            index = {label: j for j, label in enumerate(labels)}
            confidence = proba[name].max(axis=1)[rows]
            correct = np.array([predicted[i][name] == truth[i][name] for i in rows], dtype=float)
            ece, table = expected_calibration_error(confidence, correct)
            calibration[name] = {"ece": ece, "bins": table}
            metrics[name]["confusion"] = _confusion(
                [truth[i][name] for i in rows], [predicted[i][name] for i in rows], index
            )
    names = model.classifier.vectorizer_.feature_names()
    passage_field = model.passage_topics.field if getattr(model, "passage_topics", None) is not None else None
    in_scope = {name: set(rows) for name, rows in scored.items()}
    mistakes = []
    for i, (t, p) in enumerate(zip(truth, predicted)):
        wrong = {n: {"true": t[n], "predicted": p[n]} for n in fields if i in in_scope[n] and _differs(t[n], p[n])}
        if wrong:
            evidence = {
                n: _evidence(model.classifier, n, kind, t[n], p[n], features[i], names)
                for n, kind in fields.items()
                if n in wrong and n != passage_field
            }
            if passage_field in wrong:
                evidence[passage_field] = _passage_evidence(model, predictions[i], docs[i], t[passage_field])
            mistakes.append(
                {"id": corpus.documents[i].id, "title": docs[i].title, "errors": wrong, "evidence": evidence}
            )
    return {
        "n": len(corpus),
        "metrics": metrics,
        "calibration": calibration,
        "misclassified": mistakes,
        "classes": {n: [str(c) for c in classes[n]] for n in metrics},
        "fields": {n: kind for n, kind in fields.items() if n in metrics},
        "unknown_labels": unknown,
    }


def _known_labels(truth: list[dict], fields: dict[str, str], known: dict[str, set[str]]) -> tuple[dict, dict]:
    """Per field, the documents scored, and the gold labels unknown to the model with their document counts.

    Unknown labels are removed from the multi-label sets of ``truth`` in place.
    """
    scored: dict[str, list[int]] = {name: [] for name in fields}
    unknown: dict[str, dict[str, int]] = {}
    for name, kind in fields.items():
        for i, row in enumerate(truth):
            values = [row[name]] if kind == "single" else row[name]
            for label in values:
                if label not in known[name]:
                    counts = unknown.setdefault(name, {})
                    counts[label] = counts.get(label, 0) + 1
            if kind == "multi":
                row[name] = [label for label in values if label in known[name]]
                scored[name].append(i)
            elif row[name] in known[name]:
                scored[name].append(i)
    return scored, unknown


def unknown_label_lines(result: dict, source: str) -> list[str]:
    """One line per gold label the model does not know, for the terminal and the report."""
    lines = []
    for name, counts in result.get("unknown_labels", {}).items():
        for label, count in sorted(counts.items()):
            kind = result["fields"].get(name)
            if kind is None:
                effect = f"no document could be scored on {name!r}"
            elif kind == "multi":
                effect = f"it is left out of their {name!r} and the rest is scored"
            else:
                effect = f"those documents are not scored on {name!r}"
            lines.append(
                f"{source}: label {label!r} of field {name!r} ({count} document{'s' if count > 1 else ''}) "
                f"is unknown to the model; {effect}"
            )
    return lines


def _evidence(classifier, name: str, kind: str, true, predicted, row, names: list[str]) -> dict[str, list]:
    """Top n-grams for every label the model got wrong in one field, in ``explain``'s shape.

    Single-label: the predicted label (what won) and the true one (what spoke
    for it). Multi-label: each label predicted but not true and each true
    label missed, from that label's own head.
    """
    if kind == "single":
        wrong = [(predicted, classifier.heads_[name], predicted), (true, classifier.heads_[name], true)]
    else:
        extra_or_missed = sorted(set(predicted) ^ set(true))
        wrong = [(label, classifier.heads_[name][label], 1) for label in extra_or_missed]
    evidence = {}
    for label, head, positive in wrong:
        weights = label_weights(head, positive)
        if weights is not None:  # a constant head has nothing to show
            evidence[str(label)] = top_contributions(row, weights, names, 6)
    return evidence


def _passage_evidence(model, prediction, doc, true: list[str]) -> dict[str, list]:
    """For topics decided from passages: the n-grams of each extra topic's evidence sentence and of each
    missed topic's best passage, as ``explain`` shows them."""
    predicted = prediction.labels[model.passage_topics.field]
    sentences = {label: prediction.topic_evidence[label] for label in sorted(set(predicted) - set(true))}
    missed = sorted(set(true) - set(predicted))
    if missed:
        best = model.passage_topics.best_passages(doc)
        sentences.update({label: best[label] for label in missed if label in best})
    return passage_ngrams(model, sentences, 6)


def _differs(a, b) -> bool:
    return sorted(a) != sorted(b) if isinstance(a, list) else a != b


def _confusion(truth: list[str], predicted: list[str], index: dict[str, int]) -> list[list[int]]:
    matrix = np.zeros((len(index), len(index)), dtype=int)
    for t, p in zip(truth, predicted):
        matrix[index[t], index[p]] += 1
    return matrix.tolist()


def report_folder(out: str | Path, *, create: bool = True) -> Path:
    """Check (and with ``create``, make) the report folder ``out``.

    Callers check with ``create=False`` before evaluating, so that a bad ``--out``
    fails at once and a failed evaluation leaves no empty folder behind.

    Raises
    ------
    OutputError
        If ``out`` is a file, lies under a file, or cannot be created.
    """
    out = Path(out)
    blocker = blocking_file(out)
    if blocker is not None:
        where = "is" if blocker == out else f"lies under {blocker}, which is"
        raise OutputError(f"{out}: {where} a file; --out takes a folder for the report")
    if create:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{out}: cannot create the report folder ({exc.strerror or exc})") from None
    return out


def write_report(result: dict, out: str | Path, title: str = "Evaluation") -> list[Path]:
    """Write metrics.json, report.md, PNG charts and misclassified.jsonl into ``out``; return the paths."""
    out = report_folder(out)
    written = [out / "metrics.json", out / "report.md", out / "misclassified.jsonl"]
    metrics = {k: result.get(k, {}) for k in ("n", "metrics", "calibration", "classes", "unknown_labels")}
    # Every file is replaced whole: a crash or Ctrl-C leaves the old report or the new, never a torn file.
    atomic_write(
        written[0], lambda handle: json.dump(metrics, handle, ensure_ascii=False, indent=2, allow_nan=False), mode="w"
    )
    atomic_write(
        written[2],
        lambda handle: handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in result["misclassified"]),
        mode="w",
    )
    pictures = _plots(result, out)
    lines = [f"# {title}", "", f"{result['n']} documents.", ""]
    lines += [f"- {line}" for line in unknown_label_lines(result, "data")]
    lines += ["", "```", format_metrics(result["metrics"]), "```", ""]
    for name, cal in result["calibration"].items():
        lines.append(f"Expected calibration error of `{name}` probabilities: **{cal['ece']:.3f}**")
    if not pictures and not pictures_available():
        lines += ["", "Pictures skipped: matplotlib is not installed (`pip install matplotlib`)."]
    lines += [
        "",
        *[f"![{p.stem}]({p.name})" for p in pictures],
        "",
        f"## Misclassified ({len(result['misclassified'])})",
        "",
    ]
    for record in result["misclassified"][:50]:
        errors = "; ".join(f"{n}: {e['true']} → {e['predicted']}" for n, e in record["errors"].items())
        lines.append(f"- `{record['id']}` {record['title'] or ''}: {errors}")
        for field, by_label in record["evidence"].items():
            for label, ngrams in by_label.items():
                shown = ", ".join(f"`{ngram}` {weight:+.3f}" for ngram, weight in ngrams[:3])
                lines.append(f"  - {field} `{label}`: {shown}")
    atomic_write(written[1], lambda handle: handle.write("\n".join(lines) + "\n"), mode="w")
    return written + pictures


def _plots(result: dict, out: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    paths = []
    for name, kind in result["fields"].items():
        classes = result["classes"][name]
        metrics = result["metrics"][name]
        if kind == "single":
            matrix = np.array(metrics["confusion"])
            fig, ax = plt.subplots(figsize=(1.4 * len(classes) + 3, 1.1 * len(classes) + 2.5))
            ax.imshow(matrix, cmap="Blues")
            ax.set_xticks(range(len(classes)), classes, rotation=30, ha="right")
            ax.set_yticks(range(len(classes)), classes)
            for (i, j), v in np.ndenumerate(matrix):
                ax.text(j, i, str(v), ha="center", va="center", color="white" if v > matrix.max() / 2 else "black")
            ax.set_xlabel("dự đoán (predicted)")
            ax.set_ylabel("thực tế (true)")
            ax.set_title(f"Ma trận nhầm lẫn – {name}")
            paths.append(_save(fig, out / f"confusion_{name}.png"))
            bins = result["calibration"][name]["bins"]
            fig, ax = plt.subplots(figsize=(5.5, 5))
            ax.plot([0, 1], [0, 1], "--", color="grey", label="hiệu chuẩn hoàn hảo")
            filled = [b for b in bins if b[2]]
            ax.plot([b[0] for b in filled], [b[1] for b in filled], "o-", label="mô hình")
            for conf, acc, count in filled:  # a point resting on 2 documents should not look like one on 200
                ax.annotate(f"n={count}", (conf, acc), textcoords="offset points", xytext=(6, -12), fontsize=8)
            ax.set_xlim(-0.02, 1.08)
            ax.set_ylim(-0.06, 1.06)
            ax.set_xlabel("độ tin cậy (confidence)")
            ax.set_ylabel("độ chính xác (accuracy)")
            ax.set_title(f"Reliability – {name}: ECE = {result['calibration'][name]['ece']:.3f}")
            ax.legend(loc="upper left")
            paths.append(_save(fig, out / f"reliability_{name}.png"))
        else:
            per = metrics["per_label"]
            y = np.arange(len(classes))
            fig, ax = plt.subplots(figsize=(8, 0.6 * len(classes) + 1.8))
            ax.barh(y - 0.2, [per[c]["precision"] for c in classes], 0.4, label="precision")
            ax.barh(y + 0.2, [per[c]["recall"] for c in classes], 0.4, label="recall")
            ax.set_yticks(y, [f"{c} (n={per[c]['support']})" for c in classes])
            ax.set_xlim(0, 1.05)
            ax.set_title(f"Độ chính xác và độ phủ theo nhãn – {name}")
            ax.legend(loc="lower right")
            paths.append(_save(fig, out / f"per_label_{name}.png"))
    return paths


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    try:
        fig.tight_layout()
        atomic_write(path, lambda handle: fig.savefig(handle, format="png", dpi=110))
    finally:
        plt.close(fig)
    return path
