"""A folder of articles with the workbook ``classify label`` wrote for it, corrected in Excel.

The loop an analyst follows without writing JSON::

    classify label pages/ -o pages/labels.xlsx        # one row per article, labels predicted
    (open pages/labels.xlsx in Excel, correct the wrong labels, save)
    classify train --data seeds --data pages/        # this module reads pages/ as a corpus

Each row names its article in ``source`` (the path given to ``classify label``, from wherever it
ran), which is matched to the article files of the folder by their path inside it. Labels are read
from ``event_type`` and ``topics`` (ids, topics separated by ``;`` or ``,``) and from the Vietnamese
columns ``event_type_vi`` and ``topics_vi``, where a display name or an id may be typed (case, spacing
and the kind of dash do not matter); a name that is not one of the taxonomy's is refused, so a typo
never becomes a new label. When both columns of a row are filled they must say the same thing, since
either may be the one corrected.
The column ``topics_maybe`` (left empty by ``classify label``; an analyst may add it to an older
workbook) takes ids or Vietnamese names, like ``topics_vi``, and lists the topics they could not
decide: training neither learns them nor learns their absence from that article (:mod:`classify.corpus.reader`).
A row whose event type is empty is left out (that is how to drop an article), and so is a row
that recorded an error (the article could not be read when it was labelled).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePath

from classify.errors import CorpusError, InputError
from classify.model.taxonomy import DISPLAY_NAMES
from classify.spreadsheet import first_sheet
from classify.text.html import html_to_text
from classify.text.reading import AUTO, read_text_file

__all__ = ["WORKBOOK_FILE", "UNSURE_COLUMN", "workbook_records"]

WORKBOOK_FILE = "labels.xlsx"
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
LABEL_COLUMNS = {"event_type": "event_type_vi", "topics": "topics_vi"}
UNSURE_COLUMN = "topics_maybe"


def _key(name: str) -> str:
    """A label name as typed, reduced to what identifies it (NFC, lower case, one kind of dash, single spaces)."""
    name = unicodedata.normalize("NFC", name).lower().replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", re.sub(r"\s*([-/])\s*", r" \1 ", name)).strip()


def _by_name(field: str) -> dict[str, str]:
    """Every spelling that names a label of ``field`` (its id, its Vietnamese name) to its id."""
    names = DISPLAY_NAMES.get(field, {})
    return {**{_key(label): label for label in names}, **{_key(vi): label for label, vi in names.items()}}


def _labels(field: str, cell, where: str) -> list[str] | None:
    """The label ids a cell names; None for an empty cell."""
    if cell is None or not str(cell).strip():
        return None
    known = _by_name(field)
    labels = []
    for part in (part.strip() for part in str(cell).replace(",", ";").split(";")):
        if not part:
            continue
        if _key(part) not in known:
            accepted = "; ".join(f"{label} ({vi})" for label, vi in DISPLAY_NAMES.get(field, {}).items())
            raise CorpusError(f"{where}: {part!r} is not one of the {field} labels: {accepted}")
        labels.append(known[_key(part)])
    return labels


def _field(row: dict, field: str, where: str) -> list[str] | None:
    ids = _labels(field, row.get(field), where)
    vi_column = LABEL_COLUMNS[field]
    vi = _labels(field, row.get(vi_column), where)
    if ids is not None and vi is not None and sorted(set(ids)) != sorted(set(vi)):
        raise CorpusError(
            f"{where}: {field} says {'; '.join(ids)!r} but {vi_column} says {'; '.join(vi)!r}; "
            f"correct one column and empty the other (or make them agree)"
        )
    return ids if ids is not None else vi


def _article_files(folder: Path) -> dict[str, Path]:
    """The folder's article files by their path inside it (``sub/a.txt``)."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    }


def _match(source: str, files: dict[str, Path]) -> str | None:
    """The file a row's ``source`` names: the longest path inside the folder that ends it."""
    parts = PurePath(source.replace("\\", "/")).parts
    best = None
    for relative in files:
        wanted = PurePath(relative).parts
        if tuple(parts[-len(wanted) :]) == wanted and (best is None or len(wanted) > len(PurePath(best).parts)):
            best = relative
    return best


def workbook_records(folder: Path, *, encoding: str = AUTO) -> Iterator[tuple[str, dict, str]]:
    """``(where, record, text)`` for each labelled row of ``folder/labels.xlsx``.

    Records have ``file``, ``title`` (an HTML page's headline), ``event_type``, ``topics`` and, when
    the row fills a ``topics_maybe`` column, the topics the analyst was unsure of.

    Raises
    ------
    CorpusError
        Naming the workbook and row: unreadable workbook, missing columns, a row whose article
        is not in the folder or cannot be read, two label columns that disagree.
    """
    book_path = folder / WORKBOOK_FILE
    with first_sheet(book_path, CorpusError) as (cells, rows):
        header = [str(c).strip() if c is not None else "" for c in cells]
        if "source" not in header or not ({"event_type", "event_type_vi"} & set(header)):
            raise CorpusError(
                f"{book_path}: expected the columns of `classify label -o {WORKBOOK_FILE}` "
                "(source, event_type or event_type_vi, topics or topics_vi)"
            )
        files = _article_files(folder)
        for number, values in enumerate(rows, 2):  # row 1 is the header, as Excel numbers them
            row = dict(zip(header, values))
            where = f"{book_path}: row {number}"
            if all(v is None or not str(v).strip() for v in values) or str(row.get("error") or "").strip():
                continue
            event = _field(row, "event_type", where)
            if event is None:
                continue
            if len(event) != 1:
                raise CorpusError(f"{where}: one event type per article, found {'; '.join(event)!r}")
            source = str(row.get("source") or row.get("id") or "")
            relative = _match(source, files)
            if relative is None:
                raise CorpusError(f"{where}: no article {source!r} in {folder}")
            is_html = relative.lower().endswith((".html", ".htm"))
            try:
                text = read_text_file(files[relative], encoding=encoding, html=is_html)
            except InputError as exc:
                raise CorpusError(f"{where}: {exc}") from None
            title = None
            if is_html:
                text, title = html_to_text(text)
            record = {"file": relative, "event_type": event[0], "topics": _field(row, "topics", where) or []}
            unsure = _labels("topics", row.get(UNSURE_COLUMN), where)
            if unsure:
                record[UNSURE_COLUMN] = unsure
            if title:
                record["title"] = title
            yield where, record, text
