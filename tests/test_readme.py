"""The README is a guide that works: its Python runs as written, its commands are the ones CI and the tool use."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    """The fenced code blocks of the README in ``language``, with a list item's indentation removed."""
    blocks = []
    for match in re.finditer(rf"^( *)```{language}\n(.*?)^\1```", README, re.MULTILINE | re.DOTALL):
        indent = len(match.group(1))
        blocks.append("\n".join(line[indent:] for line in match.group(2).splitlines()))
    return blocks


PYTHON_BLOCKS = _blocks("python")


def test_the_readme_has_python_examples_and_is_short():
    assert len(PYTHON_BLOCKS) >= 2
    assert len(README.split()) <= 2000


@pytest.mark.parametrize("code", PYTHON_BLOCKS, ids=[f"block {i + 1}" for i in range(len(PYTHON_BLOCKS))])
def test_every_python_example_runs_as_written_outside_the_repository(tmp_path, code):
    # A user's folder: no seeds/ or models/ next to it, and the default model found as an installed user finds it.
    env = {k: v for k, v in os.environ.items() if k != "CLASSIFY_MODEL"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip(), "an example that prints nothing shows the reader nothing"


def test_ci_runs_the_readme_test_command():
    commands = [line for block in _blocks("bash") for line in block.splitlines() if "pytest" in line]
    assert commands == ['pip install ".[test]" && python -m pytest -q']
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install ".[test]"' in ci and "\npython -m pytest -q\n" in ci


def test_the_first_command_labels_the_seeds():
    assert "pip install . && classify label seeds/ -o labels.jsonl --force" in _blocks("bash")[0]


def test_the_labels_table_gives_every_label_its_vietnamese_name():
    from classify.model.taxonomy import DISPLAY_NAMES

    for field, names in DISPLAY_NAMES.items():
        for label, vietnamese in names.items():
            assert re.search(rf"^\| `{label}` \| {re.escape(vietnamese)} \| \S", README, re.MULTILINE), (field, label)


def test_the_walkthrough_commands_exist_with_their_options():
    from classify.cli_parser import build_parser

    parser = build_parser()
    for block in _blocks("bash"):
        for line in block.splitlines():
            command = line.split("#")[0].strip()
            if not command.startswith("classify "):
                continue
            parser.parse_args(command.split()[1:])  # exits 2 on an unknown command or option


def test_the_pictures_and_links_exist():
    for target in re.findall(r"\]\(((?:docs|seeds)/[^)#]+)\)", README):
        assert (ROOT / target).is_file(), target
