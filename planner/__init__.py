"""The visit planner: CP-SAT plans that keep the two-year unannounced visit for every facility and put
risk first.

Read in this order: ``domain`` (what goes in and comes out), ``problem`` (a ``Dataset`` plus a risk
table becomes a ``PlanningProblem``), ``calendar_grid`` and ``slots`` (weeks, capacity and the visits
each facility needs, with their windows), ``constraints`` (one ``add_<rule>`` per business rule, hard
apart from soft), ``solver`` (the week model per authority, then the day and inspector step in
``day_assignment``), ``checker`` (an independent plain-Python check of every hard rule),
``baseline`` (the rotation "oldest visit first"), ``analysis`` (costs, reasons, comparison) and
``infeasibility`` (what is missing when the rules cannot all be met).

``planner`` never imports ``models``: risk arrives as a table ``facility_id, risk``.
"""

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
from planner.solver import solve_plan

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
