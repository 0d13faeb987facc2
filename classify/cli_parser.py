"""The ``classify`` command's arguments: every option and positional has help text with its default.

``tests/test_cli_help.py`` walks these parsers and checks it, so a new option without help fails.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

__all__ = ["build_parser"]

MODEL_HELP = "model .joblib file, or a folder holding one (default: $CLASSIFY_MODEL if set, else the shipped model)"
ENCODING_HELP = (
    "encoding of the input files (default: %(default)s = UTF-8, or UTF-16 with a byte-order mark); "
    "cp1258 for CSV/TXT/JSONL in Windows-1258, what Excel's plain CSV writes on Vietnamese Windows (read into NFC)"
)


def _at_least(minimum: float, kind: type = int) -> Callable[[str], float]:
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


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help=MODEL_HELP)


def _add_encoding(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--encoding", default="auto", metavar="NAME", help=ENCODING_HELP)


def _add_sentences(parser: argparse.ArgumentParser, what: str = "sentences in the summary") -> None:
    parser.add_argument("--sentences", type=_at_least(1), default=3, help=f"{what} (default: %(default)s)")


def _article_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="article files: .txt (UTF-8, or UTF-16 with a byte-order mark) or .html/.htm pages (required)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``classify`` command."""
    from classify import __version__
    from classify.batch.labelling import DEFAULT_CHUNK_SIZE
    from classify.batch.output import FORMATS
    from classify.batch.sources import DEFAULT_MAX_BYTES
    from classify.model.models_path import DEFAULT_MODEL_NAME

    parser = argparse.ArgumentParser(
        prog="classify",
        description="Label (event type, topics) and summarize Vietnamese news articles, offline.",
        epilog="Run `classify COMMAND --help` for the options of a command. Start with `classify label`.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lab = sub.add_parser("label", help="label and summarize many documents into JSONL, CSV, TSV or XLSX (the main job)")
    lab.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="folders (searched for .txt/.html/.htm), article files, .jsonl/.csv/.tsv exports (also .gz), "
        "or - for JSONL on stdin (required)",
    )
    lab.add_argument(
        "-o",
        "--output",
        required=True,
        help="output .jsonl, .csv, .tsv (each also .gz) or .xlsx file, or - for stdout; never an input (required)",
    )
    lab.add_argument("--jobs", type=_at_least(1), default=1, help="worker processes (default: %(default)s)")
    lab.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler tcp://HOST:8786, or local:N for a local cluster of N workers "
        "(default: none, run on this computer with --jobs)",
    )
    again = lab.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run (same model, options and inputs) (default: off)",
    )
    again.add_argument(
        "--update",
        action="store_true",
        help="label only the documents whose ids are not in the output yet, and add them (default: off)",
    )
    again.add_argument("--force", action="store_true", help="overwrite an existing output (default: off)")
    lab.add_argument("--strict", action="store_true", help="exit 1 when any document had an error (default: off)")
    lab.add_argument(
        "--allow-empty",
        action="store_true",
        help="write an empty output when the inputs hold no article (default: off, exit 2 saying so)",
    )
    lab.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="default: from the output name (.jsonl, .csv, .tsv, .xlsx); csv-excel (a .csv name): CSV whose cells "
        "starting with = + - @ get a leading ' so spreadsheets do not run them as formulas",
    )
    lab.add_argument(
        "--max-bytes",
        type=_at_least(1),
        default=DEFAULT_MAX_BYTES,
        metavar="B",
        help="larger documents become error records (default: %(default)s, 10 MB)",
    )
    _add_sentences(lab, "sentences in each summary")
    lab.add_argument(
        "--chunk-size",
        type=_at_least(1),
        default=DEFAULT_CHUNK_SIZE,
        help="documents per work unit (default: %(default)s)",
    )
    lab.add_argument(
        "--checkpoint-every",
        type=_at_least(0.0, float),
        default=1.0,
        metavar="SECONDS",
        help="make the output durable (fsync + checkpoint for --resume) at most this often (default: %(default)s)",
    )
    _add_model(lab)
    lab.add_argument(
        "--text-column", default="text", help="CSV column / JSONL field with the article text (default: %(default)s)"
    )
    lab.add_argument(
        "--id-column",
        default="id",
        help="CSV column / JSONL field with the document id (default: %(default)s; the row or line when missing)",
    )
    lab.add_argument(
        "--title-column",
        default="title",
        help="CSV column / JSONL field with the headline (default: %(default)s; found in the text when missing)",
    )
    _add_encoding(lab)
    lab.add_argument("--quiet", action="store_true", help="no progress bar and no final counts (default: off)")

    sg = sub.add_parser("suggest", help="the unlabelled articles worth labelling first (uncertain, diverse), and why")
    sg.add_argument(
        "inputs", nargs="+", help="what label reads: folders, article files, JSONL/CSV/TSV, or - (required)"
    )
    sg.add_argument("-n", type=_at_least(1), default=50, help="how many articles to suggest (default: %(default)s)")
    sg.add_argument(
        "-o", "--output", required=True, help="OUT.jsonl, OUT.json (Label Studio) or -; never an input (required)"
    )
    sg.add_argument(
        "--format",
        choices=["jsonl", "label-studio"],
        default=None,
        help="default: from the output name (.jsonl: jsonl, .json: label-studio)",
    )
    _add_model(sg)
    sg.add_argument(
        "--exclude",
        action="append",
        metavar="LABELLED",
        help="a labelled corpus (folder with labels.jsonl, JSONL, Label Studio export) whose articles, by id or "
        "text, are not suggested again; repeatable (default: none)",
    )
    sg.add_argument(
        "--strategy",
        choices=["density", "mixed", "uncertainty"],
        default="density",
        help="density: the most informative, each weighed by how typical of the input it is; mixed: every other "
        "article drawn at random from the input, the others the most informative; uncertainty: all the most "
        "informative (default: %(default)s)",
    )
    sg.add_argument(
        "--seed", type=int, default=0, help="seed of the random sample; same inputs and seed, same list (default: 0)"
    )
    sg.add_argument("--force", action="store_true", help="replace an existing output (default: off)")
    sg.add_argument(
        "--max-bytes",
        type=_at_least(1),
        default=DEFAULT_MAX_BYTES,
        help="larger documents are not read (default: %(default)s)",
    )
    for column in ("text", "id", "title"):
        sg.add_argument(
            f"--{column}-column",
            default=column,
            help=f"CSV column / JSONL field with the {column} (default: %(default)s)",
        )
    sg.add_argument("--quiet", action="store_true", help="no counts on stderr (default: off)")

    p = sub.add_parser("predict", help="label and summarize files; one JSON record per file, as `label` writes")
    _article_files(p)
    _add_model(p)
    _add_sentences(p)
    _add_encoding(p)

    s = sub.add_parser("summarize", help="extractive summary of files; one JSON object per file")
    _article_files(s)
    _add_model(s)
    _add_sentences(s)
    s.add_argument(
        "--max-chars",
        type=_at_least(1),
        default=None,
        help="character budget of each summary (default: none, only --sentences limits it)",
    )
    _add_encoding(s)

    ex = sub.add_parser("explain", help="top n-grams behind each decision and the summary ranking")
    _article_files(ex)
    _add_model(ex)
    ex.add_argument(
        "--format",
        choices=["text", "json"],
        default=None,
        help="text or one JSON object per file (default: text on a terminal, json when piped)",
    )
    ex.add_argument("--top", type=_at_least(1), default=8, help="n-grams per label (default: %(default)s)")
    _add_sentences(ex)
    _add_encoding(ex)

    ev = sub.add_parser("evaluate", help="score a model on a labelled corpus; tables, charts and errors")
    ev.add_argument("--data", required=True, help="folder with labels.jsonl, or a labelled JSONL file (required)")
    _add_model(ev)
    ev.add_argument(
        "--out",
        default=None,
        help="folder for metrics.json, report.md, PNG charts, misclassified.jsonl (default: none, print only)",
    )
    ev.add_argument(
        "--ignore-maybe",
        action="store_true",
        help="leave each record's topics_maybe (labels annotators disagreed on) out of topic scoring (default: off)",
    )
    ev.add_argument(
        "--without-ambiguous",
        action="store_true",
        help='score only the records without "ambiguous_event": true (default: off, all records)',
    )
    _add_encoding(ev)

    t = sub.add_parser("train", help="train a model from a labelled corpus and print cross-validated metrics")
    t.add_argument(
        "--data",
        action="append",
        default=None,
        help="folder with labels.jsonl, or a JSONL file; give it again to combine corpora (default: seeds)",
    )
    t.add_argument(
        "--out",
        default=str(Path("models") / DEFAULT_MODEL_NAME),
        help="model file to write, ending in .joblib (default: %(default)s)",
    )
    t.add_argument("--force", action="store_true", help="replace an existing model file at --out (default: off)")
    t.add_argument("--folds", type=_folds, default=5, help="grouped CV folds, 0 to skip CV (default: %(default)s)")
    t.add_argument(
        "--tokenizer",
        choices=["syllable", "word"],
        default="syllable",
        help="syllable n-grams, or underthesea words (slower) (default: %(default)s)",
    )
    t.add_argument("--C", type=_positive_float, default=None, help="SVM regularisation (default: 0.5)")
    t.add_argument(
        "--lead-weight",
        type=_at_least(0.0, float),
        default=None,
        help="weight of the headline + lead features (default: 1)",
    )
    t.add_argument(
        "--min-df", type=_at_least(1), default=None, help="drop n-grams in fewer articles than this (default: 1)"
    )
    t.add_argument(
        "--max-features",
        type=_at_least(0),
        default=None,
        help="keep the N most frequent n-grams per block; 0 for no cap (default: 500,000)",
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
        help="decide topics from the whole article instead of from supporting passages (default: off, passages)",
    )
    t.add_argument(
        "--no-opening-copies",
        action="store_true",
        help="do not train on opening-only copies of long articles (default: off, i.e. copies are made; "
        "see docs/topics-from-evidence.md)",
    )
    _add_encoding(t)

    sv = sub.add_parser("serve", help="the analyst's page in a browser, and a JSON API (documented at /docs)")
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this computer only)"
    )
    sv.add_argument("--port", type=_at_least(0), default=8000, help="port; 0 for any free port (default: %(default)s)")
    _add_model(sv)
    sv.add_argument(
        "--workdir", default=None, help="folder for uploads and job outputs (default: ~/.cache/classify/serve)"
    )
    sv.add_argument(
        "--max-upload",
        type=_positive_float,
        default=200.0,
        metavar="MB",
        help="largest upload, in MB (default: %(default)s)",
    )
    sv.add_argument(
        "--retention",
        type=_positive_float,
        default=24.0,
        metavar="HOURS",
        help="finished jobs and their files are removed after this many hours (default: %(default)s)",
    )
    sv.add_argument(
        "--max-jobs", type=_at_least(1), default=2, help="batch jobs running at once (default: %(default)s)"
    )
    sv.add_argument(
        "--seeds",
        default=None,
        help="the corpus 'retrain' adds the corrections to (default: the project's seeds/ when there is one)",
    )
    return parser
