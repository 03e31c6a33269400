"""The README's examples run, and every CLI command is documented with help."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from newscred.cli import main

from .conftest import ROOT


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert blocks, "README has no python example"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert "reliable" in capsys.readouterr().out


def test_readme_cli_examples_name_real_commands() -> None:
    text = (ROOT / "README.md").read_text()
    used = set(re.findall(r"^newscred ([a-z]+)", text, flags=re.M))
    assert used, "README shows no CLI example"
    for command in used:
        assert command in main.commands, f"README mentions 'newscred {command}', which does not exist"


def test_every_command_and_subcommand_has_help_text() -> None:
    def walk(group, prefix):
        for name, cmd in group.commands.items():
            assert cmd.help, f"'{prefix} {name}' has no help text"
            result = CliRunner().invoke(main, [*prefix.split()[1:], name, "--help"])
            assert result.exit_code == 0
            if hasattr(cmd, "commands"):
                walk(cmd, f"{prefix} {name}")

    walk(main, "newscred")


def test_report_keys_are_documented(analyzer) -> None:
    doc = (ROOT / "docs" / "report.md").read_text()
    d = analyzer.analyze((ROOT / "examples" / "wire-story.txt").read_text()).to_dict()
    for key in d:
        assert f"`{key}`" in doc or f"`{key}." in doc, f"report key {key!r} is not in docs/report.md"
    for section in ("content", "facts", "model"):
        for key in d[section]:
            assert f"`{section}.{key}" in doc or f"{section}.{key}`" in doc or f"`.{key}`" in doc, f"{section}.{key} undocumented"
    # every section of a full report: an HTML page with a URL, provenance and claims
    page = analyzer.analyze((ROOT / "examples" / "wire-story.html").read_text(), url="https://www.reuters.com/x").to_dict()
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `")}
    for section in ("page", "source", "provenance", "claims"):
        assert page[section], section
        for key in page[section]:
            row = rows.get(f"`{section}`", "")
            assert f"`{section}.{key}" in doc or f"`{key}`" in row or f"`{key}[]`" in row, f"{section}.{key} is not in docs/report.md"
