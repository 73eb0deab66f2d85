"""The CLI starts without importing the heavy libraries: every command imports its services when it runs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("lightgbm", "shap", "ortools", "weasyprint", "sklearn", "matplotlib", "uvicorn")


def test_cli_start_imports_no_heavy_library() -> None:
    code = f"import sys, api.cli\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"imported when the CLI starts: {loaded}"


def test_listing_plans_imports_no_solver() -> None:
    """``plan list`` and the plan pages compare stored plans with the data (``planner.staleness``) and never solve:
    they do without OR-Tools (some 0.1 s at every start), which ``from planner import solve_plan`` still brings."""
    code = (
        "import sys, api.services.plans, planner.staleness\n"
        "print('ortools' in sys.modules)\n"
        "from planner import solve_plan\n"
        "print('ortools' in sys.modules, solve_plan.__module__)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["False", "True", "planner.solver"]
