"""The command line explains itself: --version, bare `classify`, and help with its default for every argument."""

import argparse
import subprocess
import sys

import pytest

import classify
from classify.cli import main
from classify.cli_parser import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _arguments():
    """(command, action) for every option and positional of every subcommand."""
    for command, sub in _subparsers(build_parser()).items():
        for action in sub._actions:
            if not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                yield command, action


def _shown_help(action: argparse.Action) -> str:
    """The help text as --help prints it (``%(default)s`` filled in)."""
    return action.help % {**vars(action), "prog": "classify"} if action.help else ""


def _default_spellings(value) -> set[str]:
    spellings = {str(value)}
    if isinstance(value, int) and not isinstance(value, bool):
        spellings.add(f"{value:,}")
    if isinstance(value, float) and value.is_integer():
        spellings.add(str(int(value)))
    return spellings


def test_every_command_has_its_arguments():
    commands = _subparsers(build_parser())
    assert set(commands) == {"label", "suggest", "predict", "summarize", "explain", "evaluate", "train", "serve"}
    names = {(command, a.dest) for command, a in _arguments()}
    # the options the issue named, where they live
    for wanted in [("label", "id_column"), ("label", "title_column"), ("label", "max_bytes"), ("label", "model"),
                   ("label", "sentences"), ("predict", "files"), ("summarize", "files"), ("label", "encoding"),
                   ("train", "encoding"), ("evaluate", "encoding"), ("label", "allow_empty")]:  # fmt: skip
        assert wanted in names


@pytest.mark.parametrize(("command", "action"), list(_arguments()), ids=lambda x: getattr(x, "dest", x))
def test_every_argument_has_help_with_its_default(command, action):
    text = _shown_help(action)
    assert text.strip(), f"{command} {action.option_strings or action.dest}: no help"
    if not action.option_strings or action.required:
        assert "required" in text or action.nargs in ("?", "*"), f"{command} {action.dest}: say it is required"
        return
    assert "default" in text, f"{command} {action.option_strings}: help does not give the default"
    if action.default not in (None, False, argparse.SUPPRESS):
        assert any(s in text for s in _default_spellings(action.default)), (command, action.dest, text)


def test_help_defaults_of_train_are_the_estimators():
    from classify.features.vectorizer import DEFAULT_MAX_FEATURES
    from classify.model.classifier import ArticleClassifier

    params = ArticleClassifier().get_params()
    train = {a.dest: _shown_help(a) for c, a in _arguments() if c == "train"}
    assert f"(default: {params['C']})" in train["C"]
    assert f"(default: {params['lead_weight']:g})" in train["lead_weight"]
    assert f"(default: {params['min_df']})" in train["min_df"]
    assert f"(default: {DEFAULT_MAX_FEATURES:,})" in train["max_features"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"classify {classify.__version__}"


def test_bare_classify_prints_the_help_and_succeeds():
    result = subprocess.run([sys.executable, "-m", "classify.cli"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: classify") and "label" in result.stdout and result.stderr == ""


def test_an_unknown_command_is_still_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["labels"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_no_install_hint_names_the_unrelated_classify_project_on_the_package_index():
    from pathlib import Path

    package = Path(classify.__file__).parent
    hints = [str(p) for p in package.rglob("*.py") if "classify[" in p.read_text(encoding="utf-8")]
    assert hints == []
