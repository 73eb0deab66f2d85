"""The backtest's defaults and target, apart from the replay itself so the CLI can show them without
importing the risk model and the planner."""

from __future__ import annotations

TARGET_IMPROVEMENT = 0.30  # issue 6: problems found at least 30 % sooner than rotation
WITHIN_DAYS = 90
DEFAULT_QUARTERS = 8
DEFAULT_TIME_LIMIT_S = 5.0  # per authority and quarter
# Fewer problems in the window than this and the CLI gives no verdict on the target: the bootstrap interval of one
# world's figure is then tens of points wide (10 problems: 0-34 %), and with one problem it has no spread at all
MIN_PROBLEMS_FOR_VERDICT = 30
