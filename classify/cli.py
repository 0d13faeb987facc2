"""Command line: ``classify label|suggest|predict|summarize|explain|evaluate|train|serve``.

The arguments are in :mod:`classify.cli_parser`; each command here calls the functions
of the Python API and turns a user's error into one line and an exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from classify.cli_parser import build_parser
from classify.errors import ClassifyError, OutputError

INTERRUPTED = 130  # the shell's status for a command stopped by Ctrl-C (128 + SIGINT)

__all__ = ["main"]


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _cmd_predict(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.records import record_keys, shaped_record
    from classify.batch.sources import read_article_file
    from classify.text.reading import check_encoding

    check_encoding(args.encoding)
    model = classify.load(args.model)
    keys = record_keys(model.label_fields)  # the keys of a `classify label` record, in its order
    failures = 0
    for name in args.files:
        try:
            text, title = read_article_file(name, encoding=args.encoding)
            prediction = model.predict(text, title=title, sentences=args.sentences, source=name)
            values = {**prediction.to_dict(), "error": None}
        except ClassifyError as exc:
            failures += 1
            values = {"error": str(exc)}
            print(f"classify: {exc}", file=sys.stderr)
        _print_json(shaped_record(keys, {"id": name, "source": name, **values, "input": None}))
    return 1 if failures else 0


def _cmd_summarize(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.sources import read_article_file
    from classify.text.reading import check_encoding

    check_encoding(args.encoding)
    model = classify.load(args.model)
    failures = 0
    for name in args.files:
        try:
            text, title = read_article_file(name, encoding=args.encoding)
            doc = model.prepare(text, title=title, source=name)
            summary = model.summarize(doc, args.sentences, max_chars=args.max_chars)
            _print_json({"id": name, "source": name, "title": doc.title, "summary": summary})
        except ClassifyError as exc:
            failures += 1
            print(f"classify: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _cmd_train(args: argparse.Namespace) -> int:
    from classify.corpus.reader import check_label_values, load_corpus
    from classify.evaluate.metrics import format_metrics
    from classify.model.persist import check_model_target
    from classify.text.reading import check_encoding
    from classify.training import build_classifier, cross_validate, prepare_corpus, save_trained, train

    started = time.perf_counter()
    target = check_model_target(args.out)  # before minutes of training, not after
    if target.exists() and not args.force:
        raise OutputError(f"{target}: a model is already there; give another --out, or --force to replace it")
    check_encoding(args.encoding)
    corpus = load_corpus(args.data or ["seeds"], label_fields=_field_list(args.label_fields), encoding=args.encoding)
    check_label_values(corpus)
    docs = prepare_corpus(corpus)
    fields = ", ".join(f"{k} ({v}-label, {len(corpus.label_set(k))} labels)" for k, v in corpus.label_fields.items())
    print(f"corpus: {corpus.source}: {len(corpus)} articles; label fields: {fields}", file=sys.stderr)
    if corpus.ignored_fields:
        print(
            f"not label fields: {', '.join(corpus.ignored_fields)} (name them with --label-fields to train them)",
            file=sys.stderr,
        )
    unsure = sum(1 for row in corpus.unsure if row)
    if unsure:
        print(
            f"unsure labels (topics_maybe) in {unsure} article(s): each is left out of the training of those labels",
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
    from classify.batch.output import partial_paths

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
            encoding=args.encoding,
            allow_empty=args.allow_empty,
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
        force=args.force, max_bytes=args.max_bytes, strategy=args.strategy, random_state=args.seed, **columns,
    )  # fmt: skip
    for line in [] if args.quiet else picked.report_lines(args.output):
        print(f"classify: {line}", file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import classify
    from classify.corpus.reader import load_corpus
    from classify.evaluate.metrics import format_metrics
    from classify.evaluate.report import (
        PICTURES_SKIPPED,
        evaluate_model,
        pictures_available,
        report_folder,
        unknown_label_lines,
        write_report,
    )
    from classify.text.reading import check_encoding

    if args.out:
        report_folder(args.out, create=False)  # fail before the evaluation, not after it
    check_encoding(args.encoding)
    model = classify.load(args.model)
    corpus = load_corpus(args.data, label_fields=list(model.label_fields), encoding=args.encoding)
    if args.without_ambiguous:
        corpus = corpus.without(lambda doc: doc.meta.get("ambiguous_event") is True)
    ignore = _maybe_labels(corpus, model) if args.ignore_maybe else None
    result = evaluate_model(model, corpus, ignore=ignore)
    for line in unknown_label_lines(result, args.data):
        print(f"classify: warning: {line}", file=sys.stderr)
    print(format_metrics(result["metrics"], f"{args.data}: {result['n']} documents"))
    for name, cal in result["calibration"].items():
        print(f"expected calibration error ({name}): {cal['ece']:.3f}")
    if args.out:
        written = write_report(result, args.out, title=f"Evaluation on {args.data}")
        print(f"wrote {', '.join(str(p) for p in written)}")
        if not pictures_available():
            print(f"classify: {PICTURES_SKIPPED}", file=sys.stderr)
    return 0


def _maybe_labels(corpus, model) -> dict[str, list[list[str]]]:
    """``{field: [labels per document]}``: each record's ``<field>_maybe`` list (none when it has none)."""
    multi = [name for name, kind in model.label_fields.items() if kind == "multi"]
    return {name: [doc.unsure.get(name, []) for doc in corpus.documents] for name in multi}


def _cmd_explain(args: argparse.Namespace) -> int:
    import classify
    from classify.batch.sources import read_article_file
    from classify.model.explain import format_explanation
    from classify.text.reading import check_encoding

    check_encoding(args.encoding)
    model = classify.load(args.model)
    as_text = args.format == "text" or (args.format is None and sys.stdout.isatty())
    failures = shown = 0
    for name in args.files:
        try:
            text, title = read_article_file(name, encoding=args.encoding)
            explanation = {
                "id": name,
                "source": name,
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


COMMANDS = {
    "label": _cmd_label,
    "suggest": _cmd_suggest,
    "predict": _cmd_predict,
    "summarize": _cmd_summarize,
    "explain": _cmd_explain,
    "evaluate": _cmd_evaluate,
    "train": _cmd_train,
    "serve": _cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `classify`: what it can do, not an error
        parser.print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
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
