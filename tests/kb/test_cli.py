"""The `kb` command as a module: `python -m kb` is the same command as the script."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_python_dash_m_kb_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "kb", "new", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: kb new [OPTIONS] TITLE")
    assert "Examples:" in done.stdout
