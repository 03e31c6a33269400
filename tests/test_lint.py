"""The code has no undefined names, unused imports or dead assignments (pyflakes' rules via ruff).

An undefined name in a rarely taken path (an error branch, the end of a two-hour benchmark) is a
crash that no other test reaches; this catches it before it ships.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


def test_no_pyflakes_errors() -> None:
    pytest.importorskip("ruff", reason="ruff is in the 'test' extra: pip install -e '.[test]'")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F", "--no-cache", "--output-format",
                           "concise", "src", "benchmarks", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
