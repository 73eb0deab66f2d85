"""The visit planner: plans that keep the two-year unannounced visit for every facility and put risk first.

Read in this order: ``domain`` (what goes in and comes out), ``problem`` (a ``Dataset`` plus a risk
table becomes a ``PlanningProblem``), ``calendar_grid`` and ``slots`` (weeks, capacity and the visits
each facility needs, with their windows), ``week_model`` and ``constraints`` (the CP-SAT week model
per authority: one ``add_<rule>`` per business rule, hard apart from soft; weights in ``weights``),
``hint`` (the min-cost flow that gives CP-SAT a near-optimal hint and a lower bound), ``week_solve``
(the bounded, seeded solve of one authority), ``solver`` (all authorities, then the day and inspector
step in ``day_assignment``), ``checker`` (an independent plain-Python check of every hard rule),
``baseline`` (the rotation "oldest visit first"), ``objective`` and ``analysis`` (costs, reasons,
comparison) and ``infeasibility`` (what is missing when the rules cannot all be met).

``planner`` never imports ``models``: risk arrives as a table ``facility_id, risk``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.checker import CheckReport, RuleViolation, check_plan
from planner.domain import (
    HardRule,
    Plan,
    PlanAnalysis,
    PlanInfeasibleError,
    PlannedVisit,
    PlanningProblem,
    PlanTimeoutError,
    VisitRole,
)
from planner.problem import build_problem

if TYPE_CHECKING:
    from planner.solver import solve_plan


def __getattr__(name: str) -> object:
    """``solve_plan`` on first use: ``planner.solver`` brings OR-Tools (some 0.1 s at a start), which what only reads
    stored plans (``planner.staleness``, the plan lists) does not need."""
    if name == "solve_plan":
        from planner.solver import solve_plan

        return solve_plan
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


__all__ = [
    "CheckReport",
    "HardRule",
    "Plan",
    "PlanAnalysis",
    "PlanInfeasibleError",
    "PlanTimeoutError",
    "PlannedVisit",
    "PlanningProblem",
    "RuleViolation",
    "VisitRole",
    "build_problem",
    "check_plan",
    "solve_plan",
]
