"""The CLI starts without importing the heavy libraries: every command imports its services when it runs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("lightgbm", "shap", "ortools", "weasyprint", "sklearn", "matplotlib", "uvicorn")


def test_cli_start_imports_no_heavy_library() -> None:
    code = f"import sys, api.cli\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"imported when the CLI starts: {loaded}"
