"""Input documents for batch labelling: folders, text and HTML files, JSONL, CSV, stdin.

Everything is streamed: :func:`iter_documents` yields one :class:`SourceDocument`
at a time, in a deterministic order (arguments in order, folders walked in
sorted order), and never holds a whole input in memory. A document that cannot
be read becomes a :class:`SourceDocument` with ``error`` set, so the batch run
reports it and goes on.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classify.corpus import iter_jsonl
from classify.errors import InputError
from classify.reading import decode_bytes

__all__ = ["SourceDocument", "iter_documents", "html_to_text", "TEXT_SUFFIXES", "HTML_SUFFIXES"]

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
DEFAULT_MAX_BYTES = 10_000_000


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


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (scripts, styles, navigation removed) and its headline.

    Parameters
    ----------
    html : str

    Returns
    -------
    (str, str or None)
        Text with one block per line, and the ``<h1>`` (else ``<title>``) text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    heading = soup.find("h1") or soup.find("title")
    title = heading.get_text(" ", strip=True) if heading else None
    if heading is not None and heading.name == "title":
        heading.decompose()
    root = soup.body or soup
    lines = [line.strip() for line in root.get_text("\n").splitlines()]
    return "\n".join(line for line in lines if line), title or None


def iter_documents(
    inputs: Sequence[str],
    *,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Iterator[SourceDocument]:
    """Yield the documents of every input, in order.

    Parameters
    ----------
    inputs : sequence of str
        Folders (searched recursively for ``.txt``, ``.html`` and ``.htm`` articles),
        article files, ``.jsonl``/``.csv`` files, or ``-`` for JSONL on standard input.
    text_column, id_column, title_column : str
        Columns (CSV) or fields (JSONL) to read.
    max_bytes : int, optional
        Documents larger than this become errors.

    Raises
    ------
    InputError
        Only for usage errors (an input that does not exist); every problem
        inside a document is yielded as a document with ``error`` set.
    """
    for name in inputs:
        if name == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict")
            yield from _jsonl_lines(enumerate(stream, 1), "<stdin>", text_column, id_column, title_column, max_bytes)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                # Inside folders only articles count; JSONL/CSV are named explicitly.
                if child.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES:
                    yield _single_file(child, max_bytes)
        elif path.is_file():
            yield from _file_documents(path, text_column, id_column, title_column, max_bytes)
        else:
            raise InputError(f"{name}: no such file or folder")


def _file_documents(path: Path, text_column, id_column, title_column, max_bytes) -> Iterator[SourceDocument]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_file(path, text_column, id_column, title_column, max_bytes)
    elif suffix in CSV_SUFFIXES:
        yield from _csv_file(path, text_column, id_column, title_column, max_bytes)
    else:
        yield _single_file(path, max_bytes)


def _single_file(path: Path, max_bytes: int | None) -> SourceDocument:
    doc = SourceDocument(id=str(path), source=str(path), is_html=path.suffix.lower() in HTML_SUFFIXES)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over --max-bytes {max_bytes}")
        doc.text = decode_bytes(path.read_bytes(), str(path))
    except InputError as exc:
        doc.error = str(exc)
    except OSError as exc:
        doc.error = f"{path}: cannot read ({exc.strerror})"
    return doc


def _record_document(record: dict, where: str, text_column, id_column, title_column, max_bytes) -> SourceDocument:
    doc_id = record.get(id_column)
    doc = SourceDocument(id=str(doc_id) if doc_id not in (None, "") else where, source=where)
    text = record.get(text_column)
    title = record.get(title_column)
    doc.title = title if isinstance(title, str) and title.strip() else None
    doc.extra = {k: v for k, v in record.items() if k not in {text_column, id_column, title_column}}
    if not isinstance(text, str):
        doc.error = (
            f"{where}: no text field {text_column!r}" if text is None else f"{where}: {text_column!r} is not a string"
        )
    elif max_bytes is not None and len(text.encode("utf-8")) > max_bytes:
        doc.error = f"{where}: text is over --max-bytes {max_bytes}"
    else:
        doc.text = text
    return doc


def _jsonl_file(path: Path, text_column, id_column, title_column, max_bytes) -> Iterator[SourceDocument]:
    for line_no, record in iter_jsonl(path):
        where = f"{path}:{line_no}"
        if isinstance(record, InputError):
            yield SourceDocument(id=where, source=where, error=str(record))
        else:
            yield _record_document(record, where, text_column, id_column, title_column, max_bytes)


def _jsonl_lines(lines, name: str, text_column, id_column, title_column, max_bytes) -> Iterator[SourceDocument]:
    import json

    for line_no, line in lines:
        if not line.strip():
            continue
        where = f"{name}:{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceDocument(
                id=where, source=where, error=f"{where}: malformed JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        if not isinstance(record, dict):
            yield SourceDocument(id=where, source=where, error=f"{where}: expected a JSON object")
            continue
        yield _record_document(record, where, text_column, id_column, title_column, max_bytes)


def _csv_file(path: Path, text_column, id_column, title_column, max_bytes) -> Iterator[SourceDocument]:
    csv.field_size_limit(max(max_bytes or 0, DEFAULT_MAX_BYTES) * 2)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield SourceDocument(id=str(path), source=str(path), error=f"{path}: cannot read ({exc.strerror})")
        return
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if text_column not in columns:
                yield SourceDocument(
                    id=str(path),
                    source=str(path),
                    error=f"{path}: no column {text_column!r} (columns: {', '.join(columns) or 'none'}); "
                    "use --text-column",
                )
                return
            for row_no, row in enumerate(reader, 1):
                where = f"{path}:row {row_no}"
                yield _record_document(row, where, text_column, id_column, title_column, max_bytes)
        except UnicodeDecodeError as exc:
            yield SourceDocument(id=str(path), source=str(path), error=f"{path}: not valid UTF-8 ({exc.reason})")
        except csv.Error as exc:
            yield SourceDocument(id=str(path), source=str(path), error=f"{path}: malformed CSV ({exc})")
