"""``classify suggest``: the unlabelled articles worth labelling first, with the reason for each.

Inputs are read as ``classify label`` reads them (:func:`classify.batch.sources.iter_documents`),
labelled in chunks, and scored by :func:`classify.active.ranking.uncertainty`; the most informative
``max(10 n, 500)`` are kept (so memory does not grow with the input), with a random sample of all
the articles read. The ``density`` strategy (default) weighs each article's informativeness by how
like the sample (``max(10 n, 500)`` articles) it is and picks with diversity
(:func:`classify.active.ranking.pick_dense`); ``mixed`` takes the ``n`` alternately from the
informative ones and from a sample of ``n`` (:func:`classify.active.ranking.pick_mixed`);
``uncertainty`` takes them all for informativeness and diversity
(:func:`classify.active.ranking.pick_diverse`).
"""

from __future__ import annotations

import heapq
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classify.active.exclude import known_articles
from classify.active.labelstudio import labelstudio_tasks
from classify.active.ranking import (
    BY_DENSITY,
    BY_UNCERTAINTY,
    STRATEGIES,
    RandomSample,
    pick_dense,
    pick_diverse,
    pick_mixed,
    uncertainty,
    why,
)
from classify.atomic import atomic_write
from classify.batch.guard import check_output_target
from classify.batch.sources import DEFAULT_MAX_BYTES, html_to_text, iter_documents
from classify.errors import ClassifyError, InputError, OutputError

__all__ = [
    "suggest",
    "rank",
    "Suggestions",
    "FORMATS",
    "DEFAULT_N",
    "model_version",
    "write_suggestions",
    "article_text",
]

FORMATS = ("jsonl", "label-studio")
DEFAULT_N = 50
CHUNK = 128
KEEP_FACTOR, KEEP_MIN = 10, 500  # candidates kept for the diversity step: max(10 n, 500)
_SUFFIX = {"jsonl": ".jsonl", "label-studio": ".json"}


@dataclass
class Suggestions:
    """What :func:`suggest` chose, and what it read.

    Iterating, indexing and ``len`` go over :attr:`records`.

    Attributes
    ----------
    records : list of dict
        One per suggested article, in the order picked: ``rank``, ``id``, ``source``, ``title``,
        ``text``, ``picked_by`` (``"density"``, ``"uncertainty"`` or ``"random"``), ``why``, ``informativeness``,
        ``density`` (the mean similarity to the articles read, for a ``"density"`` pick; else None),
        ``prediction`` (the record ``classify label`` writes, without ``id``/``source``) and ``input``
        (the input record's other fields, or None).
    candidates : int
        Articles ranked (read, with text, not excluded).
    excluded : int
        Articles left out because ``exclude`` has their id or text.
    errors : list of str
        One line per document that could not be read or had no article text.
    """

    records: list[dict] = field(default_factory=list)
    candidates: int = 0
    excluded: int = 0
    errors: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def report_lines(self, output: str | None = None) -> list[str]:
        """What the command prints on stderr: counts, and the documents not read (the first three)."""
        excluded = f", {self.excluded} already labelled left out" if self.excluded else ""
        target = f" -> {output}" if output and output != "-" else ""
        lines = [f"suggested {len(self.records)} of {self.candidates} articles{excluded}{target}"]
        if self.errors:
            more = f" (and {len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
            lines.append(f"{len(self.errors)} documents not read: {'; '.join(self.errors[:3])}{more}")
        return lines


def output_format(output: str | None, fmt: str | None) -> str:
    """The format of ``output``: ``fmt`` when given (checked against the name), else from its suffix.

    Raises
    ------
    OutputError
        If the name does not end in ``.jsonl`` (JSONL) or ``.json`` (Label Studio), or disagrees with ``fmt``.
    """
    if fmt is not None and fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if output is None or output == "-":
        return fmt or "jsonl"
    suffix = Path(output).suffix.lower()
    by_name = next((name for name, ending in _SUFFIX.items() if ending == suffix), None)
    if by_name is None:
        raise OutputError(f"{output}: name it .jsonl (records) or .json (Label Studio tasks, --format label-studio)")
    if fmt is not None and fmt != by_name:
        raise OutputError(f"{output}: a {fmt} file is named {_SUFFIX[fmt]}, not {suffix}")
    return by_name


def check_output(output: str | None, inputs: Sequence[str], exclude: Sequence[str], force: bool) -> None:
    """Refuse, before any work, an output that is an input, an excluded corpus, or an existing file."""
    if output is None or output == "-":
        return
    check_output_target(output, [*inputs, *exclude])
    path = Path(output)
    if path.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name such as {path / 'to_label.jsonl'}")
    if path.exists() and not force:
        raise OutputError(f"{output}: exists (another run's output?); give another name, or --force to replace it")


def model_version(model) -> str:
    """``name sha256[:12]`` of a loaded model, as Label Studio shows it beside pre-annotations."""
    manifest = getattr(model, "manifest", None) or {}
    name = manifest.get("model_file") or "classify"
    sha = str(manifest.get("sha256", ""))[:12]
    return f"{name} {sha}".strip()


def rank(
    model, docs: Sequence, n: int, *, strategy: str = "density", random_state: int = 0
) -> list[tuple[int, float, str, object, str]]:
    """Pick ``n`` of already prepared articles: ``(index, informativeness, why, prediction, picked_by)``.

    The core of :func:`suggest`, for callers that hold the articles in memory (the benchmark).
    Predicts ``docs`` in one pass; ``strategy`` and ``random_state`` as for :func:`suggest`.
    """
    _check_strategy(strategy)
    predictions = model.predict_prepared(list(docs)) if docs else []
    thresholds = model.decision_thresholds()
    scored = [uncertainty(p, thresholds) for p in predictions]
    order = sorted(range(len(docs)), key=lambda i: -scored[i].score)
    keep = max(KEEP_FACTOR * n, KEEP_MIN)
    sample = RandomSample(_sample_size(strategy, n, keep), random_state)
    for i in range(len(docs)):
        sample.offer(i)
    picked = _pick_among(
        model,
        order[:keep],
        sample.items(),
        n,
        strategy,
        key=lambda i: i,
        doc=docs.__getitem__,
        score=lambda i: scored[i].score,
    )
    return [
        (i, scored[i].score, why(scored[i], thresholds, how, density), predictions[i], how)
        for i, how, density in picked
    ]


def _check_strategy(strategy: str) -> None:
    if strategy not in STRATEGIES:
        raise ClassifyError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")


def _sample_size(strategy: str, n: int, keep: int) -> int:
    """How many articles of the input the random sample holds: the density's reference, or mixed's draw."""
    return {"density": keep, "mixed": n}.get(strategy, 0)


def _pick_among(
    model, kept: list, drawn: list, n: int, strategy: str, *, key, doc, score
) -> list[tuple[object, str, float | None]]:
    """``(candidate, picked_by, density or None)`` picked from the kept candidates and the random sample.

    ``key`` identifies a candidate (one may be both kept and drawn), ``doc`` gives its prepared
    article and ``score`` its informativeness.
    """
    seen = {key(c) for c in kept}
    candidates = kept + [d for d in drawn if key(d) not in seen]
    features = model.features([doc(c) for c in candidates])
    scores = [score(c) for c in candidates]
    position = {key(c): j for j, c in enumerate(candidates)}
    sample = [position[key(d)] for d in drawn]
    if strategy == "density":
        return [(candidates[j], BY_DENSITY, d) for j, d in pick_dense(features, scores, n, sample)]
    if strategy == "mixed":
        return [(candidates[j], how, None) for j, how in pick_mixed(features, scores, n, sample)]
    return [(candidates[j], BY_UNCERTAINTY, None) for j in pick_diverse(features, scores, n)]


def suggest(
    inputs: str | Sequence[str],
    n: int = DEFAULT_N,
    *,
    model=None,
    exclude: Sequence[str] = (),
    output: str | None = None,
    fmt: str | None = None,
    force: bool = False,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: Callable[[int], None] | None = None,
    strategy: str = "density",
    random_state: int = 0,
) -> Suggestions:
    """The ``n`` unlabelled articles of ``inputs`` whose labels would teach the model most.

    Parameters
    ----------
    inputs : str or sequence of str
        What ``classify label`` reads: folders, article files, JSONL/CSV/TSV (``.gz``), ``-``.
    n : int, default=50
    model : str, Path or ArticleModel, optional
        The model whose uncertainty counts (default: the shipped model).
    exclude : sequence of str
        Labelled corpora (folder with ``labels.jsonl``, JSONL, Label Studio JSON) whose articles,
        by id or by text, are not suggested again.
    output : str, optional
        Write the suggestions there (atomically): ``.jsonl`` records, or ``.json`` Label Studio tasks;
        ``-`` for standard output. Never an input or an excluded corpus; an existing file only with ``force``.
    fmt : {"jsonl", "label-studio"}, optional
        Default: from ``output``'s name.
    text_column, id_column, title_column, max_bytes
        As for :func:`classify.batch.label_files`.
    progress : callable, optional
        Called with the number of documents read so far, after each chunk.
    strategy : {"density", "mixed", "uncertainty"}, default="density"
        ``density``: the most informative with diversity, each weighed by how like a random sample of
        the articles read it is (an uncertain but typical article first, never two copies of one story);
        ``mixed``: every other article is drawn at random from all the articles read, the others are
        the most informative with diversity; ``uncertainty``: all are the most informative with diversity.
    random_state : int, default=0
        Seed of the random sample: the same inputs and seed give the same suggestions.

    Returns
    -------
    Suggestions

    Raises
    ------
    InputError, OutputError, ModelError
        Before any work, for a missing input, a refused output or a bad model (one line each).
    """
    import classify

    inputs = [inputs] if isinstance(inputs, str) else list(inputs)
    exclude = [str(p) for p in exclude]
    if n < 1:
        raise ClassifyError(f"n must be at least 1, got {n}")
    _check_strategy(strategy)
    fmt = output_format(output, fmt)
    check_output(output, inputs, exclude, force)
    for name in inputs:
        if name != "-" and not Path(name).exists():
            raise InputError(f"{name}: no such file or folder")
    known = known_articles(exclude)
    if model is None or isinstance(model, (str, Path)):
        model = classify.load(model)
    result = Suggestions()
    kept: list[tuple[float, int, object, object, object]] = []  # a min-heap of the best candidates
    keep = max(KEEP_FACTOR * n, KEEP_MIN)
    sample = RandomSample(_sample_size(strategy, n, keep), random_state)
    thresholds = model.decision_thresholds()
    read = 0
    for chunk in _chunks(iter_documents(inputs, text_column=text_column, id_column=id_column,
                                        title_column=title_column, max_bytes=max_bytes)):  # fmt: skip
        read += len(chunk)
        ready = []
        for doc in chunk:
            if doc.error:
                result.errors.append(doc.error)
                continue
            if (doc.id, doc.text) in known:
                result.excluded += 1
                continue
            try:
                doc.text, doc.title = article_text(doc)
                doc.is_html = False
                ready.append((doc, model.prepare(doc.text, title=doc.title, source=doc.source)))
            except ClassifyError as exc:  # no article text
                result.errors.append(str(exc))
        predictions = model.predict_prepared([prepared for _, prepared in ready])
        for (doc, prepared), prediction in zip(ready, predictions):
            u = uncertainty(prediction, thresholds)
            entry = (u.score, -result.candidates, doc, prepared, (prediction, u))
            result.candidates += 1
            sample.offer(entry)
            if len(kept) < keep:
                heapq.heappush(kept, entry)
            elif entry[:2] > kept[0][:2]:
                heapq.heapreplace(kept, entry)
        if progress:
            progress(read)
    best = sorted(kept, key=lambda entry: entry[:2], reverse=True)
    picked = _pick_among(  # an entry's second item numbers it
        model, best, sample.items(), n, strategy, key=lambda e: e[1], doc=lambda e: e[3], score=lambda e: e[0]
    )
    for rank_number, (entry, how, density) in enumerate(picked, 1):
        score, _, doc, _, (prediction, u) = entry
        result.records.append(
            {
                "rank": rank_number,
                "id": doc.id,
                "source": doc.source,
                "title": doc.title,
                "text": doc.text,
                "picked_by": how,
                "why": why(u, thresholds, how, density),
                "informativeness": round(score, 4),
                "density": None if density is None else round(density, 4),
                "prediction": prediction.to_dict(),
                "input": doc.extra or None,
            }
        )
    if output is not None:
        write_suggestions(result.records, output, fmt, label_fields=model.label_fields, version=model_version(model))
    return result


def article_text(doc) -> tuple[str, str | None]:
    """Text and title of a source document, an HTML page or field converted as ``classify label`` does."""
    if doc.is_html:
        text, html_title = html_to_text(doc.text)
        return text, doc.title or html_title
    return doc.text, doc.title


def _chunks(documents) -> Iterator[list]:
    chunk = []
    for doc in documents:
        chunk.append(doc)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_suggestions(records: list[dict], output: str, fmt: str, *, label_fields: dict, version: str) -> None:
    """Write ``records`` as JSONL or as Label Studio tasks, atomically (``-``: standard output)."""
    if fmt == "label-studio":
        text = json.dumps(labelstudio_tasks(records, label_fields, version), ensure_ascii=False, indent=1) + "\n"
    else:
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(output, lambda handle: handle.write(text), mode="w")
