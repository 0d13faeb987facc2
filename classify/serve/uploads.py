"""Files that users upload: safe names, what kind of file each is, and zip archives unpacked safely.

Nothing here trusts a name that came over the network: an upload is stored under
:func:`safe_name` inside a folder the server chose, and the members of a zip
archive are unpacked under names rebuilt part by part, so ``../`` or an absolute
path in either can never reach outside that folder.
"""

from __future__ import annotations

import gzip
import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath

from classify.batch.sources import CSV_SUFFIXES, HTML_SUFFIXES, JSONL_SUFFIXES, TEXT_SUFFIXES
from classify.errors import InputError
from classify.text.reading import content_suffix, sniff_binary

__all__ = ["safe_name", "upload_kind", "check_upload", "unpack_zip", "ARTICLE_SUFFIXES", "TABLE_SUFFIXES"]

ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
TABLE_SUFFIXES = JSONL_SUFFIXES | CSV_SUFFIXES
MAX_NAME_CHARS = 120
MAX_ZIP_MEMBERS = 100_000
_UNSAFE = re.compile(r"[^\w .()+,-]+")  # \w keeps Vietnamese letters
KINDS_MESSAGE = "a JSONL, CSV or TSV file (also .gz), or a ZIP of .txt/.html articles"


def safe_name(filename: str | None, default: str = "upload") -> str:
    """A name for an uploaded file that cannot leave the folder it is stored in.

    The last component of ``filename`` (after ``/`` or ``\\``), NFC-normalised,
    with every character but letters, digits, spaces and ``. ( ) + , - _``
    replaced by ``_``, no leading dot or space, at most 120 characters with its
    suffixes kept.

    Parameters
    ----------
    filename : str or None
        The name the browser sent.
    default : str, default="upload"
        Stem used when nothing of the name is left.

    Returns
    -------
    str
    """
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", filename or "")[-1])
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > MAX_NAME_CHARS:
        suffixes = "".join(PurePosixPath(name).suffixes[-2:])[:20]
        name = name[: MAX_NAME_CHARS - len(suffixes)].rstrip(" .") + suffixes
    if not name or name.startswith(".") or not PurePosixPath(name).stem.strip("._"):
        name = default + "".join(PurePosixPath(name).suffixes[-2:])
    return name


def upload_kind(name: str) -> str:
    """``"table"`` for JSONL/CSV/TSV (and their ``.gz``), ``"zip"`` for a zip archive.

    Raises
    ------
    InputError
        For any other kind of file, naming it and the kinds accepted.
    """
    if Path(name).suffix.lower() == ".zip":
        return "zip"
    if content_suffix(name) in TABLE_SUFFIXES:
        return "table"
    if content_suffix(name) in ARTICLE_SUFFIXES:
        raise InputError(f"{name}: one article; paste it or drop it under 'One article', or upload {KINDS_MESSAGE}")
    raise InputError(f"{name}: not {KINDS_MESSAGE}")


def check_upload(path: Path, name: str, kind: str) -> None:
    """Refuse an upload whose content does not match its name, with one line naming it.

    Parameters
    ----------
    path : Path
        Where the upload is stored.
    name : str
        The name to use in messages (the user's file name).
    kind : {"table", "zip"}
        As returned by :func:`upload_kind`.

    Raises
    ------
    InputError
        A zip that is not one or holds no article, a ``.gz`` that is not gzip,
        a table that is an image, a PDF or another binary format.
    """
    if kind == "zip":
        if not zipfile.is_zipfile(path):
            raise InputError(f"{name}: not a ZIP archive (damaged, or another format under a .zip name)")
        with zipfile.ZipFile(path) as archive:
            if not any(_is_article(info) for info in archive.infolist()):
                raise InputError(f"{name}: the archive holds no .txt or .html article")
        return
    try:
        with open(path, "rb") as raw:
            head = raw.read(8)
        if path.suffix.lower() == ".gz":
            if not head.startswith(b"\x1f\x8b"):
                raise InputError(f"{name}: not gzip-compressed; remove .gz from its name")
            with gzip.open(path, "rb") as unpacked:
                head = unpacked.read(8)
    except (OSError, EOFError) as exc:
        raise InputError(f"{name}: damaged gzip file ({exc})") from None
    what = sniff_binary(head)
    if what:
        raise InputError(f"{name}: this is {what}, not {KINDS_MESSAGE}")


def _member_parts(info: zipfile.ZipInfo) -> list[str] | None:
    """The member's path as safe name parts, or None for folders, hidden files and macOS metadata."""
    if info.is_dir():
        return None
    parts = [part for part in info.filename.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    if not parts or parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts):
        return None
    return [safe_name(part, default="_") for part in parts]


def _is_article(info: zipfile.ZipInfo) -> bool:
    parts = _member_parts(info)
    return parts is not None and Path(parts[-1]).suffix.lower() in ARTICLE_SUFFIXES


def unpack_zip(archive: Path, dest: Path, *, name: str, max_total_bytes: int) -> Counter:
    """Unpack the articles of a zip archive into ``dest`` (created; must not exist).

    Only ``.txt``/``.html``/``.htm`` members are written, in their folders; the
    archive is unpacked into a temporary folder first, so ``dest`` appears whole
    or not at all.

    Parameters
    ----------
    archive : Path
    dest : Path
    name : str
        The archive's name for messages.
    max_total_bytes : int
        Refuse an archive whose articles unpack to more than this (a zip bomb).

    Returns
    -------
    collections.Counter
        Members that are not articles and were not unpacked, by suffix.

    Raises
    ------
    InputError
        A damaged archive, too many members, or more than ``max_total_bytes``.
    """
    ignored: Counter = Counter()
    building = dest.with_name(dest.name + ".unpacking")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as opened:
            members = opened.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise InputError(f"{name}: {len(members)} files in the archive, over the limit of {MAX_ZIP_MEMBERS}")
            total = 0
            for info in members:
                parts = _member_parts(info)
                if parts is None:
                    continue
                if Path(parts[-1]).suffix.lower() not in ARTICLE_SUFFIXES:
                    ignored[Path(parts[-1]).suffix.lower() or "no suffix"] += 1
                    continue
                target = _free_path(building.joinpath(*parts))
                target.parent.mkdir(parents=True, exist_ok=True)
                with opened.open(info) as source, open(target, "wb") as sink:
                    while block := source.read(1 << 20):
                        total += len(block)
                        if total > max_total_bytes:
                            raise InputError(
                                f"{name}: its articles unpack to more than {max_total_bytes // 1_000_000} MB; "
                                "split it into smaller archives"
                            )
                        sink.write(block)
        building.rename(dest)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{name}: damaged ZIP archive ({exc})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{name}: cannot unpack ({exc})") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return ignored


def _free_path(path: Path) -> Path:
    """``path``, or ``stem (2).suffix``... when two members map to the same safe name."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate
