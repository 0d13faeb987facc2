"""Refuse an output that would destroy or pollute an input, with or without ``--force``.

An output is refused when it is an input file (by name, or through a symbolic or hard
link), when it lies inside an input folder where it would be read as an article on the
next run, or when it is the ``labels.jsonl`` of a corpus folder: ``classify label docs.jsonl
-o docs.jsonl --force`` would otherwise replace the articles with their labels, and
``classify label corpus/ -o corpus/labels.jsonl --force`` the corpus' gold labels.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from classify.batch.sources import ARTICLE_SUFFIXES
from classify.errors import OutputError
from classify.text.reading import content_suffix

__all__ = ["check_output_target", "own_files"]

CORPUS_LABEL_NAMES = frozenset({"labels.jsonl", "labels.jsonl.gz"})


def check_output_target(output: str, inputs: Sequence[str]) -> None:
    """Raise :class:`OutputError` if writing ``output`` could overwrite or pollute one of ``inputs``."""
    if output == "-":
        return
    out = Path(output)
    resolved = out.resolve()
    for name in inputs:
        if name == "-":
            continue
        path = Path(name)
        if path.is_dir():
            _check_folder(out, resolved, name, path.resolve())
        elif out.exists() and os.path.samefile(out, path):  # the same name, or a symbolic or hard link
            link = "" if out.absolute() == path.absolute() else " (through a link)"
            raise OutputError(f"{out}: is the input {name}{link}; write the labels to another file")
    if resolved.name.lower() in CORPUS_LABEL_NAMES and resolved.exists() and any(resolved.parent.glob("*.txt")):
        raise OutputError(
            f"{out}: is the labels file of the corpus in {resolved.parent}; write the output to another name"
        )


def _check_folder(out: Path, resolved: Path, name: str, folder: Path) -> None:
    if folder not in resolved.parents:
        return
    if content_suffix(resolved) in ARTICLE_SUFFIXES:
        raise OutputError(
            f"{out}: lies in the input folder {name} and would be read as an article on the next run; "
            "write it outside that folder"
        )
    if resolved.name.lower() in CORPUS_LABEL_NAMES:
        raise OutputError(
            f"{out}: would replace the corpus labels file of the input folder {name}; write the output to another name"
        )


def own_files(output: str) -> frozenset[str]:
    """Absolute paths of the files a run on ``output`` writes (not counted as unread inputs)."""
    from classify.batch.lock import lock_path
    from classify.batch.output import partial_paths, run_record_path

    if output == "-":
        return frozenset()
    written = (output, *partial_paths(output), run_record_path(output), lock_path(output))
    return frozenset(os.path.abspath(p) for p in written)
