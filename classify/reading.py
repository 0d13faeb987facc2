"""Turn the bytes of a user's file into text, or say clearly why not.

Accepted: UTF-8 (with or without BOM) and UTF-16 with a BOM. Binary files
(images, PDFs, archives, anything with NUL bytes outside UTF-16) and text in
another encoding are rejected with a message naming the file.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from classify.errors import InputError

__all__ = ["decode_bytes", "read_text_file"]

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx)",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x7fELF": "an executable",
}


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode the bytes of one document.

    Parameters
    ----------
    data : bytes
        The raw content.
    source : str
        File name or record reference used in error messages.

    Returns
    -------
    str
        The decoded text (not yet normalised).

    Raises
    ------
    InputError
        For binary content or bytes that are not UTF-8 / UTF-16-with-BOM.
    """
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{source}: this is {kind}, not a text article")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})"
            ) from None
    if b"\x00" in data[:65536]:
        raise InputError(f"{source}: binary file (contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
            "re-save the file as UTF-8 (Windows-1258/TCVN3 files must be converted first)"
        ) from None


def read_text_file(path: str | Path, *, max_bytes: int | None = None) -> str:
    """Read one article file as text.

    Parameters
    ----------
    path : str or Path
        The file to read.
    max_bytes : int, optional
        Refuse files larger than this many bytes.

    Returns
    -------
    str
        The decoded text.

    Raises
    ------
    InputError
        If the file is missing, unreadable, too large, binary or not UTF-8/UTF-16.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    return decode_bytes(data, str(path))
