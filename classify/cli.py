"""Command line: ``classify predict|summarize|label|suggest|train ...``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from classify.batch.labelling import DEFAULT_CHUNK_SIZE
from classify.batch.output import FORMATS, partial_paths
from classify.errors import ClassifyError

INTERRUPTED = 130  # the shell's status for a command stopped by Ctrl-C (128 + SIGINT)

__all__ = ["main"]


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _cmd_predict(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.sources import read_article_file

    model = classify.load(args.model)
    failures = 0
    for name in args.files:
        try:
            text, title = read_article_file(name)
            prediction = model.predict(text, title=title, sentences=args.sentences, source=name)
            _print_json({"file": name, **prediction.to_dict(), "error": None})
        except ClassifyError as exc:
            failures += 1
            _print_json({"file": name, "error": str(exc)})
            print(f"classify: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _cmd_summarize(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.sources import read_article_file

    model = classify.load(args.model)
    failures = 0
    for name in args.files:
        try:
            text, title = read_article_file(name)
            doc = model.prepare(text, title=title, source=name)
            summary = model.summarize(doc, args.sentences, max_chars=args.max_chars)
            _print_json({"file": name, "title": doc.title, "summary": summary})
        except ClassifyError as exc:
            failures += 1
            print(f"classify: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _cmd_train(args: argparse.Namespace) -> int:
    from classify.corpus.reader import check_label_values, load_corpus
    from classify.evaluate.metrics import format_metrics
    from classify.model.persist import check_model_target
    from classify.training import build_classifier, cross_validate, prepare_corpus, save_trained, train

    started = time.perf_counter()
    check_model_target(args.out)  # before minutes of training, not after
    corpus = load_corpus(args.data or ["seeds"], label_fields=_field_list(args.label_fields))
    check_label_values(corpus)
    docs = prepare_corpus(corpus)
    fields = ", ".join(f"{k} ({v}-label, {len(corpus.label_set(k))} labels)" for k, v in corpus.label_fields.items())
    print(f"corpus: {corpus.source}: {len(corpus)} articles; label fields: {fields}", file=sys.stderr)
    if corpus.ignored_fields:
        print(
            f"not label fields: {', '.join(corpus.ignored_fields)} (name them with --label-fields to train them)",
            file=sys.stderr,
        )
    params = {"tokenizer": args.tokenizer}
    if args.C is not None:
        params["C"] = args.C
    if args.lead_weight is not None:
        params["lead_weight"] = args.lead_weight
    if args.min_df is not None:
        params["min_df"] = args.min_df
    if args.max_features is not None:
        params["max_features"] = args.max_features or None
    estimator = build_classifier(**params)
    metrics = None
    if args.folds >= 2:
        metrics, _ = cross_validate(
            corpus,
            estimator,
            folds=args.folds,
            docs=docs,
            progress=lambda k, n: print(f"  cross-validation fold {k}/{n}", file=sys.stderr),
        )
        print(format_metrics(metrics, f"Cross-validated metrics ({args.folds} grouped folds):"))
    model = train(corpus, estimator, docs=docs, evidence=not args.no_evidence, openings=not args.no_opening_copies)
    manifest = save_trained(model, args.out, corpus, metrics)
    print(f"\nsaved {args.out} (sha256 {manifest['sha256'][:12]}…) in {time.perf_counter() - started:.1f}s")
    return 0


def _field_list(values: list[str] | None) -> list[str] | None:
    """``--label-fields event_type,topics`` (or space-separated) as a list."""
    if values is None:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _cmd_label(args: argparse.Namespace) -> int:
    from classify.batch.labelling import label_files

    try:
        summary = label_files(
            args.inputs,
            args.output,
            model=args.model,
            jobs=args.jobs,
            resume=args.resume,
            force=args.force,
            update=args.update,
            fmt=args.format,
            sentences=args.sentences,
            chunk_size=args.chunk_size,
            checkpoint_seconds=args.checkpoint_every,
            max_bytes=args.max_bytes,
            text_column=args.text_column,
            id_column=args.id_column,
            title_column=args.title_column,
            progress=not args.quiet and sys.stderr.isatty(),
            scheduler=args.scheduler,
        )
    except KeyboardInterrupt:
        partial = partial_paths(args.output)[0]
        kept = ""
        if args.output != "-" and partial.exists():
            kept = f"; the records checkpointed so far are kept in {partial}: run the same command with --resume"
        print(f"classify: interrupted{kept}", file=sys.stderr)
        return INTERRUPTED
    if not args.quiet and not summary.complete:
        print(f"classify: {summary.line()}", file=sys.stderr)
    return 1 if args.strict and summary.errors else 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from classify.active.suggest import suggest

    columns = {"text_column": args.text_column, "id_column": args.id_column, "title_column": args.title_column}
    picked = suggest(
        args.inputs, args.n, model=args.model, exclude=args.exclude or [], output=args.output, fmt=args.format,
        force=args.force, max_bytes=args.max_bytes, **columns,
    )  # fmt: skip
    for line in [] if args.quiet else picked.report_lines(args.output):
        print(f"classify: {line}", file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import classify
    from classify.corpus.reader import load_corpus
    from classify.evaluate.metrics import format_metrics
    from classify.evaluate.report import evaluate_model, report_folder, unknown_label_lines, write_report

    if args.out:
        report_folder(args.out, create=False)  # fail before the evaluation, not after it
    model = classify.load(args.model)
    corpus = load_corpus(args.data, label_fields=list(model.label_fields))
    if args.without_ambiguous:
        corpus = corpus.without(lambda doc: doc.meta.get("ambiguous_event") is True)
    ignore = _maybe_labels(args.data, corpus, model) if args.ignore_maybe else None
    result = evaluate_model(model, corpus, ignore=ignore)
    for line in unknown_label_lines(result, args.data):
        print(f"classify: warning: {line}", file=sys.stderr)
    print(format_metrics(result["metrics"], f"{args.data}: {result['n']} documents"))
    for name, cal in result["calibration"].items():
        print(f"expected calibration error ({name}): {cal['ece']:.3f}")
    if args.out:
        written = write_report(result, args.out, title=f"Evaluation on {args.data}")
        print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def _maybe_labels(data: str, corpus, model) -> dict[str, list[list[str]]]:
    """``{field: [labels per document]}`` from the ``<field>_maybe`` lists of the corpus records."""
    from classify.corpus.reader import load_corpus
    from classify.errors import CorpusError

    wanted = [f"{name}_maybe" for name, kind in model.label_fields.items() if kind == "multi"]
    try:
        maybe = load_corpus(data, label_fields=wanted)
    except CorpusError:
        raise CorpusError(
            f"{data}: --ignore-maybe needs a {' or '.join(map(repr, wanted))} list in every record"
        ) from None
    by_id = {doc.id: doc.labels for doc in maybe.documents}
    return {name[: -len("_maybe")]: [by_id[doc.id][name] for doc in corpus.documents] for name in wanted}


def _cmd_explain(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.sources import read_article_file
    from classify.model.explain import format_explanation

    model = classify.load(args.model)
    as_text = args.format == "text" or (args.format is None and sys.stdout.isatty())
    failures = shown = 0
    for name in args.files:
        try:
            text, title = read_article_file(name)
            explanation = {
                "file": name,
                **model.explain(text, title=title, k=args.top, sentences=args.sentences, source=name),
            }
            if as_text:
                print(("\n" if shown else "") + format_explanation(explanation))
            else:
                _print_json(explanation)
            shown += 1
        except ClassifyError as exc:
            failures += 1
            print(f"classify: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from classify.serve.run import serve  # the web stack is imported only by this command

    return serve(
        host=args.host,
        port=args.port,
        model=args.model,
        workdir=args.workdir,
        max_upload_mb=args.max_upload,
        retention_hours=args.retention,
        max_jobs=args.max_jobs,
        seeds=args.seeds,
    )


def _at_least(minimum: float, kind: type = int):
    """An argparse ``type`` that parses ``kind`` and refuses values under ``minimum``."""

    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            expected = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{value!r} is not {expected}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return number

    return parse


def _positive_float(value: str) -> float:
    number = _at_least(0.0, float)(value)
    if number == 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number


def _folds(value: str) -> int:
    number = _at_least(0)(value)
    if number == 1:
        raise argparse.ArgumentTypeError("use 0 (no cross-validation) or at least 2 folds")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``classify`` command."""
    from classify.model.models_path import DEFAULT_MODEL_NAME

    parser = argparse.ArgumentParser(prog="classify", description="Label and summarize Vietnamese news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="label and summarize files; one JSON object per file on stdout")
    p.add_argument("files", nargs="+", help="UTF-8 (or UTF-16 with BOM) text files, or .html/.htm pages")
    p.add_argument("--model", help="model .joblib file or folder (default: the shipped model)")
    p.add_argument("--sentences", type=_at_least(1), default=3, help="sentences in the summary (default 3)")
    p.set_defaults(func=_cmd_predict)

    s = sub.add_parser("summarize", help="extractive summary of files; one JSON object per file")
    s.add_argument("files", nargs="+")
    s.add_argument("--model")
    s.add_argument("--sentences", type=_at_least(1), default=3)
    s.add_argument("--max-chars", type=_at_least(1), default=None)
    s.set_defaults(func=_cmd_summarize)

    lab = sub.add_parser("label", help="label and summarize many documents into JSONL, CSV, TSV or XLSX (the main job)")
    lab.add_argument(
        "inputs", nargs="+", help="folders, .txt/.html files, .jsonl/.csv/.tsv files, or - (JSONL on stdin)"
    )
    lab.add_argument(
        "-o",
        "--output",
        required=True,
        help="output .jsonl, .csv, .tsv (each also .gz) or .xlsx file, or - for stdout; never an input",
    )
    lab.add_argument("--jobs", type=_at_least(1), default=1, help="worker processes (default 1)")
    lab.add_argument(
        "--scheduler", default=None, help="Dask scheduler tcp://HOST:8786, or local:N for a local cluster of N workers"
    )
    again = lab.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="continue an interrupted run (same model, options and inputs)"
    )
    again.add_argument(
        "--update",
        action="store_true",
        help="label only the documents whose ids are not in the output yet, and add them",
    )
    again.add_argument("--force", action="store_true", help="overwrite an existing output")
    lab.add_argument("--strict", action="store_true", help="exit 1 when any document had an error")
    lab.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="default: from the output name (.jsonl, .csv, .tsv, .xlsx); csv-excel (a .csv name): CSV whose cells "
        "starting with = + - @ get a leading ' so spreadsheets do not run them as formulas",
    )
    lab.add_argument("--max-bytes", type=_at_least(1), default=10_000_000, help="larger documents become errors")
    lab.add_argument("--sentences", type=_at_least(1), default=3, help="sentences in each summary (default 3)")
    lab.add_argument(
        "--chunk-size",
        type=_at_least(1),
        default=DEFAULT_CHUNK_SIZE,
        help=f"documents per work unit (default {DEFAULT_CHUNK_SIZE})",
    )
    lab.add_argument(
        "--checkpoint-every",
        type=_at_least(0.0, float),
        default=1.0,
        metavar="SECONDS",
        help="make the output durable (fsync + checkpoint for --resume) at most this often (default 1)",
    )
    lab.add_argument("--model", help="model .joblib file or folder (default: the shipped model)")
    lab.add_argument("--text-column", default="text", help="CSV column / JSONL field with the text")
    lab.add_argument("--id-column", default="id")
    lab.add_argument("--title-column", default="title")
    lab.add_argument("--quiet", action="store_true", help="no progress bar and no final counts")
    lab.set_defaults(func=_cmd_label)

    sg = sub.add_parser("suggest", help="the unlabelled articles worth labelling first (uncertain, diverse), and why")
    sg.add_argument("inputs", nargs="+", help="what label reads: folders, article files, JSONL/CSV/TSV, or -")
    sg.add_argument("-n", type=_at_least(1), default=50, help="how many articles to suggest (default 50)")
    sg.add_argument("-o", "--output", required=True, help="OUT.jsonl, OUT.json (Label Studio) or -; never an input")
    sg.add_argument("--format", choices=["jsonl", "label-studio"], help="default: from the output name (.jsonl/.json)")
    sg.add_argument("--model", help="model .joblib file or folder (default: the shipped model)")
    sg.add_argument(
        "--exclude",
        action="append",
        metavar="LABELLED",
        help="a labelled corpus (folder with labels.jsonl, JSONL, Label Studio export) whose articles, by id or "
        "text, are not suggested again; repeatable",
    )
    sg.add_argument("--force", action="store_true", help="replace an existing output")
    sg.add_argument("--max-bytes", type=_at_least(1), default=10_000_000, help="larger documents are not read")
    for column in ("text", "id", "title"):
        sg.add_argument(f"--{column}-column", default=column)
    sg.add_argument("--quiet", action="store_true", help="no counts on stderr")
    sg.set_defaults(func=_cmd_suggest)

    ev = sub.add_parser("evaluate", help="score a model on a labelled corpus; tables, charts and errors")
    ev.add_argument("--data", required=True, help="folder with labels.jsonl, or a labelled JSONL file")
    ev.add_argument("--model", help="model .joblib file or folder (default: the shipped model)")
    ev.add_argument("--out", help="folder for metrics.json, report.md, PNG charts, misclassified.jsonl")
    ev.add_argument(
        "--ignore-maybe",
        action="store_true",
        help="leave each record's topics_maybe (labels annotators disagreed on) out of topic scoring (default: off)",
    )
    ev.add_argument(
        "--without-ambiguous",
        action="store_true",
        help='score only the records without "ambiguous_event": true (default: all records)',
    )
    ev.set_defaults(func=_cmd_evaluate)

    ex = sub.add_parser("explain", help="top n-grams behind each decision and the summary ranking")
    ex.add_argument("files", nargs="+")
    ex.add_argument("--model")
    ex.add_argument(
        "--format",
        choices=["text", "json"],
        default=None,
        help="text (the default on a terminal) or one JSON object per file (the default when piped)",
    )
    ex.add_argument("--top", type=_at_least(1), default=8, help="n-grams per label (default 8)")
    ex.add_argument("--sentences", type=_at_least(1), default=3)
    ex.set_defaults(func=_cmd_explain)

    sv = sub.add_parser("serve", help="the analyst's page in a browser, and a JSON API (documented at /docs)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    sv.add_argument("--port", type=_at_least(0), default=8000, help="port (default 8000; 0: any free port)")
    sv.add_argument("--model", help="model .joblib file or folder (default: the shipped model)")
    sv.add_argument("--workdir", help="folder for uploads and job outputs (default: ~/.cache/classify/serve)")
    sv.add_argument(
        "--max-upload", type=_positive_float, default=200.0, metavar="MB", help="largest upload (default 200 MB)"
    )
    sv.add_argument(
        "--retention",
        type=_positive_float,
        default=24.0,
        metavar="HOURS",
        help="finished jobs and their files are removed after this (default 24 h)",
    )
    sv.add_argument("--max-jobs", type=_at_least(1), default=2, help="batch jobs running at once (default 2)")
    sv.add_argument(
        "--seeds",
        default=None,
        help="the corpus 'retrain' adds the corrections to (default: the project's seeds/ when there is one)",
    )
    sv.set_defaults(func=_cmd_serve)

    t = sub.add_parser("train", help="train a model from a labelled corpus and print cross-validated metrics")
    t.add_argument(
        "--data",
        action="append",
        default=None,
        help="folder with labels.jsonl, or a JSONL file (default: seeds); give it again to combine corpora",
    )
    t.add_argument("--out", default=str(Path("models") / DEFAULT_MODEL_NAME), help="model file to write")
    t.add_argument("--folds", type=_folds, default=5, help="grouped CV folds (0 to skip CV)")
    t.add_argument("--tokenizer", choices=["syllable", "word"], default="syllable")
    t.add_argument("--C", type=_positive_float, default=None, help="SVM regularisation (default 0.5)")
    t.add_argument(
        "--lead-weight", type=_at_least(0.0, float), default=None, help="weight of the headline+lead features"
    )
    t.add_argument(
        "--min-df", type=_at_least(1), default=None, help="drop n-grams in fewer articles than this (default 1)"
    )
    t.add_argument(
        "--max-features",
        type=_at_least(0),
        default=None,
        help="keep the N most frequent n-grams per block; 0 for no cap (default 500,000)",
    )
    t.add_argument(
        "--label-fields",
        nargs="+",
        default=None,
        metavar="FIELDS",
        help="the label fields, e.g. event_type,topics (default: the taxonomy's event_type and topics when present; "
        "required when the corpus has no such field)",
    )
    t.add_argument(
        "--no-evidence",
        action="store_true",
        help="decide topics from the whole article instead of from supporting passages (default: passages)",
    )
    t.add_argument(
        "--no-opening-copies",
        action="store_true",
        help="do not train on opening-only copies of long articles (default: do; better for portal openings, "
        "worse event types on full national-press articles, see docs/benchmarks.md)",
    )
    t.set_defaults(func=_cmd_train)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ClassifyError as exc:
        print(f"classify: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `classify predict ... | head`
        return 0
    except KeyboardInterrupt:
        print("classify: interrupted", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
