"""Reading the first sheet of an ``.xlsx`` workbook, for every part that reads one back.

``batch`` (the finished workbook ``--update`` adds to) and ``corpus`` (a corrected workbook trained on)
both read one; neither may import the other, so the reading lives here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["first_sheet"]


@contextlib.contextmanager
def first_sheet(path: str | Path, error: type[Exception]) -> Iterator[tuple[list, Iterator[tuple]]]:
    """Open ``path`` and yield ``(header, rows)`` of its first sheet, closing the workbook afterwards.

    Parameters
    ----------
    path : str or Path
    error : type of Exception
        Raised, with one line naming the file, when the workbook cannot be read.

    Yields
    ------
    (list, iterator of tuple)
        The first row's cells as read (None for an empty cell) and the other rows' values.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike
        raise error(f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        yield list(next(rows, ())), rows
    finally:
        book.close()
