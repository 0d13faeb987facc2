"""Turn the bytes of a user's file into text, or say clearly why not.

Accepted by default (``encoding="auto"``): UTF-8 (with or without BOM) and UTF-16
with a BOM. Binary files (images, PDFs, archives, anything with NUL bytes outside
UTF-16) are rejected with a message naming the file, and so is text in another
encoding, with a hint to name it (``--encoding cp1258``). A named encoding is used
as given, and its text is put in NFC form: Windows-1258, what Excel's plain CSV
writes on Vietnamese Windows, stores most tone marks as separate combining
characters, which NFC composes into the letters UTF-8 text carries.

JSONL and CSV are decoded line by line (:func:`iter_text_lines`), so one bad
line becomes one error and the lines after it are still read. An HTML page
that is not UTF-8 may be decoded with the charset its ``<meta>`` declares.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from classify.errors import InputError

__all__ = [
    "AUTO",
    "check_encoding",
    "content_suffix",
    "decode_bytes",
    "declared_html_charset",
    "read_text_file",
    "iter_jsonl_lines",
    "iter_text_lines",
    "open_binary",
    "sniff_binary",
]

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A \uD800-\uDFFF escape: JSON allows it, but alone (not in a pair) it is not text.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

AUTO = "auto"  # UTF-8, UTF-8 with BOM, or UTF-16 with BOM; anything else is refused with a hint
_ENCODING_HINT = "if it is a Windows export, name its encoding with --encoding cp1258 (or re-save the file as UTF-8)"

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


def content_suffix(path: str | Path) -> str:
    """The lower-case suffix that says what a file holds, looking through ``.gz``.

    ``.jsonl`` for ``a.jsonl`` and for ``a.jsonl.gz`` (exports are often shipped
    compressed); ``.gz`` for a bare ``archive.gz``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return Path(path.stem).suffix.lower() or suffix
    return suffix


def open_binary(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading bytes, decompressed on the fly when its name ends in ``.gz``."""
    return gzip.open(path, "rb") if Path(path).suffix.lower() == ".gz" else open(path, "rb")


def check_encoding(encoding: str) -> str:
    """``encoding`` as given if it is :data:`AUTO` or a codec Python knows.

    Raises
    ------
    InputError
        For an unknown encoding, naming it.
    """
    if encoding == AUTO:
        return encoding
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (try cp1258, utf-8 or utf-16, or auto)") from None
    return encoding


def _ascii_compatible(encoding: str) -> bool:
    """Whether lines of ``encoding`` can be split on the byte ``\\n`` (not so for UTF-16 or UTF-32)."""
    return "a\nb".encode(encoding).endswith(b"a\nb")  # after any byte-order mark


def _decode_named(data: bytes, source: str, encoding: str) -> str:
    """``data`` decoded as ``encoding`` (a byte-order mark dropped), in NFC form."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if _ascii_compatible(encoding) else None
        where = f"on line {line}" if line else f"at offset {exc.start}"
        raise InputError(f"{source}: not valid {encoding} (byte 0x{data[exc.start]:02x} {where})") from None
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def sniff_binary(head: bytes) -> str | None:
    """What kind of binary file starts with ``head`` (``"a PNG image"``), or None for text."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def decode_bytes(data: bytes, source: str = "<bytes>", *, fallback: str | None = None, encoding: str = AUTO) -> str:
    """Decode the bytes of one document.

    Parameters
    ----------
    data : bytes
        The raw content.
    source : str
        File name or record reference used in error messages.
    fallback : str, optional
        Encoding to use when the bytes are not UTF-8 (the charset an HTML page
        declares, see :func:`declared_html_charset`).
    encoding : str, default="auto"
        ``"auto"`` (UTF-8, UTF-8 with BOM, UTF-16 with BOM), or the encoding to decode with
        (``"cp1258"``), which also puts the text in NFC form.

    Returns
    -------
    str
        The decoded text (not yet normalised when ``encoding`` is ``"auto"``).

    Raises
    ------
    InputError
        For binary content or bytes that are not in the encoding (with ``"auto"``:
        not UTF-8 / UTF-16-with-BOM, with a hint to name the encoding).
    """
    kind = sniff_binary(data[:8])
    if kind:
        raise InputError(f"{source}: this is {kind}, not a text article")
    if encoding != AUTO:
        return _decode_named(data, source, encoding)
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
        if fallback is not None:
            return _decode_declared(data, source, fallback)
        line = data[: exc.start].count(b"\n") + 1
        where = f"byte 0x{data[exc.start]:02x} on line {line}"
        raise InputError(f"{source}: not valid UTF-8 ({where}); {_ENCODING_HINT}") from None


def declared_html_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag of its first 4 KiB (``"windows-1258"``), or None."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _decode_declared(data: bytes, source: str, charset: str) -> str:
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise InputError(f"{source}: not valid UTF-8, and the charset it declares ({charset}) is unknown") from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid {charset}, the charset it declares "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def read_text_file(
    path: str | Path,
    *,
    max_bytes: int | None = None,
    html: bool = False,
    limit_option: str | None = None,
    encoding: str = AUTO,
) -> str:
    """Read one article file as text.

    Parameters
    ----------
    path : str or Path
        The file to read.
    max_bytes : int, optional
        Refuse files larger than this many bytes.
    html : bool, default=False
        The file is an HTML page: bytes that are not UTF-8 are decoded with the
        charset the page declares (see :func:`declared_html_charset`).
    limit_option : str, optional
        The command-line option that set ``max_bytes`` (``--max-bytes``), named
        by the message for a file over it.
    encoding : str, default="auto"
        See :func:`decode_bytes`; a named encoding also overrides an HTML page's own.

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
            limit = f"{limit_option} {max_bytes}" if limit_option else f"the limit of {max_bytes} bytes"
            raise InputError(f"{path}: {size} bytes is over {limit}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    fallback = declared_html_charset(data) if html and encoding == AUTO else None
    return decode_bytes(data, str(path), fallback=fallback, encoding=encoding)


def iter_jsonl_lines(stream: BinaryIO, name: str, encoding: str = AUTO) -> Iterator[tuple[int, dict | InputError]]:
    """Parse a JSONL byte stream; yield ``(line_number, record)`` per non-blank line.

    Each line is decoded on its own, so a line that is not valid UTF-8,
    not valid JSON, not an object, or holds a lone ``\\uD800``-style escape
    yields an :class:`InputError` naming ``name`` and the line, and reading
    goes on with the next line. A UTF-8 BOM is skipped; a UTF-16 file (with
    BOM) is decoded as UTF-16; a binary file yields one error.

    Parameters
    ----------
    stream : binary file object
        Opened in binary mode (a file, a gzip stream, ``sys.stdin.buffer``).
    name : str
        File name for messages.
    encoding : str, default="auto"
        See :func:`iter_text_lines`.
    """
    kind = sniff_binary(_peek(stream))
    if kind:
        yield 1, InputError(f"{name}: this is {kind}, not a JSONL file")
        return
    for line_no, line, problem in iter_text_lines(stream, encoding):
        if problem:
            yield line_no, InputError(f"{name}:{line_no}: {problem}")
        elif line.strip():
            yield line_no, _parse_jsonl_line(line, f"{name}:{line_no}")


def iter_text_lines(stream: BinaryIO, encoding: str = AUTO) -> Iterator[tuple[int, str, str | None]]:
    """Decode a byte stream one physical line at a time, line endings kept.

    With ``encoding="auto"``: UTF-8 (a BOM skipped), or UTF-16 when the stream starts
    with its BOM; otherwise the named encoding, each line put in NFC form.
    Yields ``(line_number, text, problem)``: ``problem`` is None, or says why
    the line is not text (``text`` then has U+FFFD for the bad bytes or
    unpaired surrogates), so one bad line never stops the reading of the
    next ones. A UTF-16 stream cut at an odd byte ends with a problem line.
    """
    if encoding != AUTO:
        yield from _named_lines(stream, encoding)
        return
    if _peek(stream).startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from _utf16_lines(stream)
        return
    for line_no, raw in enumerate(stream, 1):
        if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield line_no, raw.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            problem = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line_no}); {_ENCODING_HINT}"
            yield line_no, raw.decode("utf-8", "replace"), problem


def _named_lines(stream: BinaryIO, encoding: str) -> Iterator[tuple[int, str, str | None]]:
    """The lines of a stream in a named encoding, each in NFC form (a leading BOM dropped)."""
    if not _ascii_compatible(encoding):
        text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
        line_no = 0
        try:
            for line_no, line in enumerate(text, 1):
                yield line_no, unicodedata.normalize("NFC", line.removeprefix("\ufeff") if line_no == 1 else line), None
        except UnicodeDecodeError as exc:
            yield line_no + 1, "", f"not valid {encoding} ({exc.reason}) after line {line_no}"
        finally:
            with contextlib.suppress(ValueError):
                text.detach()
        return
    for line_no, raw in enumerate(stream, 1):
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            problem = f"not valid {encoding} (byte 0x{raw[exc.start]:02x} on line {line_no})"
            yield line_no, raw.decode(encoding, "replace"), problem
            continue
        yield line_no, unicodedata.normalize("NFC", line.removeprefix("\ufeff") if line_no == 1 else line), None


def _parse_jsonl_line(line: str, where: str) -> dict | InputError:
    """One JSONL line as a dict, or the :class:`InputError` that says what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    if "\\u" in line and _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(record):
        return InputError(f"{where}: a \\uD800-\\uDFFF escape that is not half of a surrogate pair (not valid text)")
    return record


def _has_lone_surrogate(record: dict) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _peek(stream: BinaryIO) -> bytes:
    peek = getattr(stream, "peek", None)
    return peek(8)[:8] if peek is not None else b""


def _utf16_lines(stream: BinaryIO) -> Iterator[tuple[int, str, str | None]]:
    # surrogatepass lets an unpaired surrogate through, so it is found per line instead of
    # failing the whole 8 KiB block the wrapper decodes at once.
    text = io.TextIOWrapper(stream, encoding="utf-16", errors="surrogatepass", newline="")
    line_no = 0
    try:
        for line_no, line in enumerate(text, 1):
            if _LONE_SURROGATE.search(line):
                problem = f"not valid UTF-16 (an unpaired surrogate on line {line_no})"
                yield line_no, _LONE_SURROGATE.sub("\ufffd", line), problem
            else:
                yield line_no, line, None
    except UnicodeDecodeError as exc:  # an odd number of bytes: the stream was cut
        yield line_no + 1, "", f"not valid UTF-16 ({exc.reason} at the end of the file)"
    finally:
        with contextlib.suppress(ValueError):  # the caller may have closed the stream already
            text.detach()
