"""`bandit -r app -lll`: no high-severity finding in the application code (issue 10's done-when)."""
from __future__ import annotations

import subprocess
import sys

from app.config import ROOT


def test_bandit_finds_nothing_of_high_severity():
    result = subprocess.run([sys.executable, "-m", "bandit", "-r", "app", "-lll", "-q", "-f", "txt"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "No module named bandit" not in result.stderr, "bandit is missing: pip install -e '.[test]'"
    assert result.returncode == 0, result.stdout + result.stderr
