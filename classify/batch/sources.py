"""Input documents for batch labelling: folders, text and HTML files, JSONL, CSV, stdin.

Everything is streamed: :func:`iter_documents` yields one :class:`SourceDocument`
at a time, in a deterministic order (arguments in order, folders walked in
sorted order), and never holds a whole input in memory. A document that cannot
be read becomes a :class:`SourceDocument` with ``error`` set, so the batch run
reports it and goes on.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classify.corpus.reader import iter_jsonl
from classify.errors import InputError
from classify.text.html import html_to_text
from classify.text.reading import (
    AUTO,
    content_suffix,
    iter_jsonl_lines,
    iter_text_lines,
    open_binary,
    read_text_file,
    sniff_binary,
)

__all__ = [
    "SourceDocument",
    "iter_documents",
    "count_documents",
    "folder_articles",
    "html_to_text",
    "read_article_file",
    "looks_like_html",
    "TEXT_SUFFIXES",
    "HTML_SUFFIXES",
]

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES  # what is read inside a folder
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
# Excel writes ";" where the decimal separator is a comma (Vietnamese settings among them),
# and "Text (Tab delimited)" exports use tabs.
CSV_DELIMITERS = (",", ";", "\t", "|")
DEFAULT_MAX_BYTES = 10_000_000

_HTML_MARKUP = re.compile(
    r"</(?:p|div|span|a|b|strong|em|i|h[1-6]|li|td|font|section|article)\s*>|<(?:br|p|div)\b[^>]*>", re.IGNORECASE
)


@dataclass
class SourceDocument:
    """One input document (or the error that stands for it).

    Attributes
    ----------
    id : str
        The record's id, or the file path.
    source : str
        ``path`` or ``path:line`` / ``path:row``, for messages.
    text : str or None
        Article text (HTML already converted), None when ``error`` is set.
    title : str or None
    extra : dict
        Other JSONL fields, passed through to the output.
    error : str or None
    """

    id: str
    source: str
    text: str | None = None
    title: str | None = None
    extra: dict = field(default_factory=dict)
    error: str | None = None
    is_html: bool = False


def read_article_file(
    path: str | Path, *, max_bytes: int | None = DEFAULT_MAX_BYTES, encoding: str = AUTO
) -> tuple[str, str | None]:
    """Text and headline of one article file, read as batch labelling reads it.

    A ``.html``/``.htm`` page is converted with :func:`html_to_text` (its headline
    comes from ``<h1>`` or ``<title>``); any other file is plain text, with no
    headline given (text preparation finds it).

    Raises
    ------
    InputError
        If the file is missing, too large, binary or undecodable, or is a
        JSONL/CSV/TSV file of many articles, naming it.
    """
    path = Path(path)
    if content_suffix(path) in JSONL_SUFFIXES | CSV_SUFFIXES:
        # Read as one article, a file of records gets confident-looking labels for its markup.
        raise InputError(f"{path}: holds many articles, one per record; label them with: classify label {path} -o OUT")
    is_html = path.suffix.lower() in HTML_SUFFIXES
    text = read_text_file(path, max_bytes=max_bytes, html=is_html, encoding=encoding)
    return html_to_text(text) if is_html else (text, None)


def looks_like_html(text: str) -> bool:
    """True when a text field holds HTML markup (a CMS export), which is then converted like a page."""
    return "<" in text and _HTML_MARKUP.search(text) is not None


def iter_documents(
    inputs: Sequence[str],
    *,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    ignored: Counter | None = None,
    exclude: frozenset[str] = frozenset(),
    encoding: str = AUTO,
) -> Iterator[SourceDocument]:
    """Yield the documents of every input, in order.

    Parameters
    ----------
    inputs : sequence of str
        Folders (searched recursively for ``.txt``, ``.html`` and ``.htm`` articles),
        article files, ``.jsonl``/``.csv``/``.tsv`` files (also gzip-compressed, ``.jsonl.gz``...),
        or ``-`` for JSONL on standard input.
    text_column, id_column, title_column : str
        Columns (CSV) or fields (JSONL) to read.
    max_bytes : int, optional
        Documents larger than this become errors.
    ignored : collections.Counter, optional
        Counts, by suffix, the files inside folders that are not articles and
        so are not read (hidden files such as ``.DS_Store`` are not counted).
    exclude : frozenset of str
        Absolute paths of files not to count in ``ignored`` (the run's own output files
        when they lie inside an input folder).
    encoding : str, default="auto"
        ``"auto"`` (UTF-8, or UTF-16 with a BOM), or the encoding of every input
        (``"cp1258"`` for a CSV saved by Excel on Vietnamese Windows); see
        :mod:`classify.text.reading`.

    Raises
    ------
    InputError
        Only for usage errors (an input that does not exist); every problem
        inside a document is yielded as a document with ``error`` set.
    """
    columns = (text_column, id_column, title_column, max_bytes, encoding)
    for name in inputs:
        if name == "-":
            records = iter_jsonl_lines(sys.stdin.buffer, "<stdin>", encoding)
            yield from _jsonl_documents(records, "<stdin>", *columns[:4])
            continue
        path = Path(name)
        if path.is_dir():
            for child in _walk(path, ignored, exclude):
                yield _single_file(child, max_bytes, encoding)
        elif path.is_file():
            yield from _file_documents(path, *columns)
        else:
            raise InputError(f"{name}: no such file or folder")


def count_documents(inputs: Sequence[str], *, encoding: str = AUTO) -> int | None:
    """How many documents ``inputs`` hold, when that is cheap to know; None otherwise.

    Cheap: the article files of a folder (one walk), a single article file, the non-blank
    lines of an uncompressed JSONL file. Not cheap: CSV/TSV (a quoted cell may span lines),
    gzip-compressed or UTF-16 files, standard input; any of these makes the total None.
    """
    total = 0
    for name in inputs:
        path = Path(name)
        if name == "-":
            return None
        if path.is_dir():
            total += len(folder_articles(path))
        elif content_suffix(path) in CSV_SUFFIXES or path.suffix.lower() == ".gz":
            return None
        elif content_suffix(path) in JSONL_SUFFIXES:
            lines = _count_jsonl_lines(path, encoding)
            if lines is None:
                return None
            total += lines
        else:
            total += 1
    return total


def _count_jsonl_lines(path: Path, encoding: str) -> int | None:
    """Non-blank lines of a JSONL file split on ``\\n`` bytes; None for UTF-16 and UTF-32 files."""
    utf16_or_32 = encoding.lower().replace("_", "-").startswith(("utf-16", "utf16", "utf-32", "utf32"))
    try:
        with open(path, "rb") as handle:
            if utf16_or_32 or handle.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
                return None
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None


def _walk(folder: Path, ignored: Counter | None, exclude: frozenset[str]) -> Iterator[Path]:
    """The article files of ``folder`` and its subfolders, in sorted order; the others counted in ``ignored``."""
    for child in sorted(p for p in folder.rglob("*") if p.is_file()):
        # Inside folders only articles count; JSONL/CSV are named explicitly.
        if child.suffix.lower() in ARTICLE_SUFFIXES:
            yield child
        elif ignored is not None and not child.name.startswith(".") and os.path.abspath(child) not in exclude:
            ignored[child.suffix.lower() or "no suffix"] += 1


def folder_articles(folder: str | Path) -> list[Path]:
    """The files a batch run reads from ``folder``: its ``.txt``/``.html``/``.htm`` files, recursively, sorted."""
    return list(_walk(Path(folder), None, frozenset()))


def _file_documents(path: Path, text_column, id_column, title_column, max_bytes, encoding) -> Iterator[SourceDocument]:
    suffix = content_suffix(path)
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_file(path, text_column, id_column, title_column, max_bytes, encoding)
    elif suffix in CSV_SUFFIXES:
        yield from _csv_file(path, text_column, id_column, title_column, max_bytes, encoding)
    else:
        yield _single_file(path, max_bytes, encoding)


def _single_file(path: Path, max_bytes: int | None, encoding: str = AUTO) -> SourceDocument:
    doc = SourceDocument(id=str(path), source=str(path), is_html=path.suffix.lower() in HTML_SUFFIXES)
    try:
        doc.text = read_text_file(
            path, max_bytes=max_bytes, html=doc.is_html, limit_option="--max-bytes", encoding=encoding
        )
    except InputError as exc:
        doc.error = str(exc)
    return doc


def _id_text(value) -> str:
    # A JSON id that is not a string or a number (true, a list, an object) keeps its JSON
    # spelling, not Python's repr, so the output names it as the input wrote it.
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _record_document(record: dict, where: str, text_column, id_column, title_column, max_bytes) -> SourceDocument:
    doc_id = record.get(id_column)
    doc = SourceDocument(id=_id_text(doc_id) if doc_id not in (None, "") else where, source=where)
    text = record.get(text_column)
    title = record.get(title_column)
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)  # a spreadsheet export's headline "2024" arrives as a number
    doc.title = title if isinstance(title, str) and title.strip() else None
    doc.extra = {k: v for k, v in record.items() if k not in {text_column, id_column, title_column}}
    if text_column not in record:
        doc.error = f"{where}: no text field {text_column!r}"
    elif not isinstance(text, str):
        doc.error = f"{where}: {text_column!r} is {'null' if text is None else 'not a string'}"
    elif max_bytes is not None and _utf8_size_over(text, max_bytes):
        doc.error = f"{where}: text is over --max-bytes {max_bytes}"
    else:
        doc.text = text
        doc.is_html = looks_like_html(text)
    return doc


def _utf8_size_over(text: str, limit: int) -> bool:
    # A character takes 1 to 4 bytes in UTF-8: encode only when the length alone cannot decide.
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


def _jsonl_file(path: Path, text_column, id_column, title_column, max_bytes, encoding) -> Iterator[SourceDocument]:
    try:
        records = iter_jsonl(path, encoding=encoding)
        yield from _jsonl_documents(records, str(path), text_column, id_column, title_column, max_bytes)
    except OSError as exc:
        yield SourceDocument(id=str(path), source=str(path), error=f"{path}: cannot read ({exc.strerror or exc})")


def _jsonl_documents(records, name: str, text_column, id_column, title_column, max_bytes) -> Iterator[SourceDocument]:
    for line_no, record in records:
        where = f"{name}:{line_no}"
        if isinstance(record, InputError):
            yield SourceDocument(id=where, source=where, error=str(record))
        else:
            yield _record_document(record, where, text_column, id_column, title_column, max_bytes)


def _csv_file(path: Path, text_column, id_column, title_column, max_bytes, encoding) -> Iterator[SourceDocument]:
    csv.field_size_limit(max(max_bytes or 0, DEFAULT_MAX_BYTES) * 2)

    def file_error(message: str) -> SourceDocument:
        return SourceDocument(id=str(path), source=str(path), error=f"{path}: {message}")

    try:
        handle = open_binary(path)
    except OSError as exc:
        yield file_error(f"cannot read ({exc.strerror})")
        return
    bad_lines: dict[int, str] = {}  # physical line number -> why it is not text
    read = [0]  # physical lines read so far, for the message if the stream breaks
    with handle:
        try:
            kind = sniff_binary(handle.peek(8)[:8])
            if kind:
                yield file_error(f"this is {kind}, not a CSV file")
                return
            lines = _noting_bad_lines(handle, bad_lines, read, encoding)
            header = next(lines, "")
            reader = csv.DictReader(itertools.chain([header], lines), delimiter=_header_delimiter(header))
            try:
                columns = reader.fieldnames or []
            except csv.Error as exc:
                yield file_error(f"unreadable header ({exc})")
                return
            if bad_lines:
                yield file_error(f"header {next(iter(bad_lines.values()))}")
                return
            if text_column not in columns:
                yield file_error(
                    f"no column {text_column!r} (columns: {', '.join(columns) or 'none'}); use --text-column"
                )
                return
            yield from _csv_rows(reader, str(path), bad_lines, text_column, id_column, title_column, max_bytes)
        except (OSError, EOFError) as exc:  # a truncated or corrupt .gz, a failing disk
            where = f"{path}:line {read[0] + 1}"
            yield SourceDocument(id=where, source=where, error=f"{where}: cannot read the rest of the file ({exc})")


def _header_delimiter(header: str) -> str:
    """The delimiter of a CSV file, read off its header line.

    The candidate of :data:`CSV_DELIMITERS` that splits the header into the most
    columns; a comma on ties or when the header has a single column.
    """
    counts = [header.count(delimiter) for delimiter in CSV_DELIMITERS]
    return CSV_DELIMITERS[counts.index(max(counts))]


def _noting_bad_lines(handle, bad_lines: dict[int, str], read: list[int], encoding: str) -> Iterator[str]:
    """The stream's lines for the csv module; a line that is not text is noted in ``bad_lines``.

    ``read[0]`` is kept at the number of lines read.
    """
    for line_no, line, problem in iter_text_lines(handle, encoding):
        read[0] = line_no
        if problem:
            bad_lines[line_no] = problem
        yield line


def _csv_rows(reader, name: str, bad_lines, text_column, id_column, title_column, max_bytes):
    """One document per data row; a row that cannot be read becomes an error and the next rows go on."""
    row_no, last_line = 0, reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            # A bad line after the last row (the end of a broken UTF-16 file) still gets its record.
            for line_no in sorted(n for n in bad_lines if n > last_line):
                where = f"{name}:line {line_no}"
                yield SourceDocument(id=where, source=where, error=f"{where}: {bad_lines[line_no]}")
            return
        except csv.Error as exc:
            row_no += 1
            where = f"{name}:row {row_no}"
            yield SourceDocument(id=where, source=where, error=f"{where}: malformed CSV ({exc})")
            last_line = reader.line_num
            continue
        row_no += 1
        where = f"{name}:row {row_no}"
        # A quoted field can span lines: the row is bad if any of its lines is.
        bad = [bad_lines[n] for n in range(last_line + 1, reader.line_num + 1) if n in bad_lines] if bad_lines else []
        last_line = reader.line_num
        if bad:
            yield SourceDocument(id=where, source=where, error=f"{where}: {bad[0]}")
        else:
            yield _record_document(row, where, text_column, id_column, title_column, max_bytes)
