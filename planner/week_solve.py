"""Solve one authority's week model.

1. The min-cost flow (``planner.hint``) gives a complete schedule (the *incumbent*) and a valid lower
   bound in a second or two, whatever the size.
2. CP-SAT: the full model (every rule, the objective built once), hinted with the incumbent, solved
   bounded and reproducibly (time limit, workers, seed); its status is checked before any value is
   read. Its solution replaces the incumbent when it is at least as good; the reported bound is the
   better of CP-SAT's and the flow's.

CP-SAT is skipped when building and presolving its model would not fit in half the time left
(estimated from the number of candidate weeks: large national instances) -- then the incumbent stands,
with the flow's bound and gap. When the flow schedule is already proven optimal (no chain constraint
bit), CP-SAT only certifies it and gets at most four times its estimate. ``stop_after_first_solution``
returns the first complete schedule (the incumbent when it is complete).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from planner.constraints import add_all_rules, build_objective
from planner.hint import apply_hint, greedy_schedule, schedule_hint
from planner.objective import evaluate
from planner.week_model import CostTerms, Placement, WeekModelData, WeekModelVars, create_variables

log = logging.getLogger(__name__)

STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}

#: Measured on 2 cores (bench/planner_scale.py): building the CP-SAT model and presolving it take about
#: this many seconds per candidate (slot, week). CP-SAT runs when that fits in the authority's budget.
CP_SAT_SECONDS_PER_CANDIDATE = 80e-6


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Records the solver wall time of the first solution."""

    def __init__(self) -> None:
        super().__init__()
        self.first: float | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = self.wall_time
        self.count += 1


@dataclass
class WeekResult:
    status: str  # optimal / feasible / infeasible / unknown
    placements: dict[str, Placement] = field(default_factory=dict)
    objective: float = 0.0
    bound: float = 0.0
    method: str = ""  # cp-sat (its solution), flow+cp-sat (flow schedule kept, CP-SAT ran), flow (no CP-SAT)
    solve_seconds: float = 0.0  # CP-SAT's solve
    build_seconds: float = 0.0  # flow + CP-SAT model building
    first_solution_seconds: float | None = None  # from the start of this authority to a complete schedule
    variables: int = 0
    candidates: int = 0
    model_costs: dict[str, int] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float:
        return max(0.0, self.objective - self.bound) / max(1.0, abs(self.objective))


def build_week_model(d: WeekModelData) -> tuple[cp_model.CpModel, WeekModelVars, list[CostTerms]]:
    model = cp_model.CpModel()
    v = create_variables(model, d)
    terms = add_all_rules(model, v, d)
    build_objective(model, terms)
    return model, v, terms


def solve_week_model(
    d: WeekModelData,
    time_limit_s: float,
    workers: int,
    seed: int,
    *,
    stop_after_first_solution: bool = False,
    use_cp_sat: bool | None = None,
    strategy: str = "flow",
) -> WeekResult:
    """See the module doc. ``use_cp_sat``: force (True) or forbid (False) CP-SAT; None decides by size.
    ``strategy="cp-sat"`` (for comparison in the bench): CP-SAT alone from a greedy hint, no flow."""
    t0 = time.perf_counter()
    if strategy == "cp-sat":
        incumbent, flow_bound, use_cp_sat, source = greedy_schedule(d), None, True, "greedy"
    else:
        incumbent, flow_bound = schedule_hint(d)
        source = "flow"
    # relaxed (infeasibility analysis): the flow may leave visits unplaced, at their cost
    complete = all(s.slot_id in incumbent for s in d.slots if not s.optional) or (d.relaxed and flow_bound is not None)
    candidates = sum(len(c) for c in d.candidates.values())
    result = WeekResult(status="unknown", candidates=candidates, method=source)
    if complete:
        costs = evaluate(d, incumbent)
        result.status = "feasible"
        result.placements = incumbent
        result.objective = float(sum(costs.values()))
        result.bound = float(flow_bound) if flow_bound is not None else 0.0
        result.model_costs = costs
        result.first_solution_seconds = time.perf_counter() - t0
        if flow_bound is not None and flow_bound >= result.objective:
            result.status = "optimal"
    flow_seconds = time.perf_counter() - t0
    left = time_limit_s - flow_seconds
    estimate = CP_SAT_SECONDS_PER_CANDIDATE * candidates
    if use_cp_sat is None:
        use_cp_sat = not complete or (not stop_after_first_solution and estimate < 0.5 * left)
    if not use_cp_sat:
        result.build_seconds = flow_seconds
        _log(d, result)
        return result

    model, v, _terms = build_week_model(d)
    apply_hint(model, d, v, incumbent)
    result.variables = v.count
    result.build_seconds = time.perf_counter() - t0
    solver = cp_model.CpSolver()
    limit = time_limit_s - result.build_seconds
    if result.status == "optimal":
        limit = min(limit, 4 * estimate)  # the flow already proved it: CP-SAT only certifies
    solver.parameters.max_time_in_seconds = max(0.5, limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.stop_after_first_solution = stop_after_first_solution
    # Presolve is the slow part on these models (probing and linear-overlap detection take seconds and
    # gain nothing measurable on the bound): one light presolve pass.
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.find_big_linear_overlap = False
    callback = _FirstSolution()
    t1 = time.perf_counter()
    code = solver.solve(model, callback)
    result.solve_seconds = time.perf_counter() - t1
    status = STATUS_NAMES.get(code, "unknown")
    if status == "model_invalid":
        raise RuntimeError(f"CP-SAT model invalid: {model.validate()}")
    if status == "infeasible":
        result.status, result.placements, result.method = "infeasible", {}, "cp-sat"
    elif status in ("optimal", "feasible"):
        objective = float(round(solver.objective_value))  # integer costs; CP-SAT reports a float
        if not complete or objective < result.objective:  # ties keep the (deterministic) flow schedule
            result.placements = extract_placements(d, v, solver)
            result.model_costs = evaluate(d, result.placements)
            result.objective = objective
            result.method = "cp-sat"
        else:
            result.method = f"{source}+cp-sat"  # CP-SAT ran and found nothing better (and bounds it)
        if result.first_solution_seconds is None and callback.first is not None:
            result.first_solution_seconds = result.build_seconds + callback.first
        result.bound = max(result.bound, float(math.ceil(solver.best_objective_bound - 1e-6)))
        result.status = "optimal" if status == "optimal" or result.bound >= result.objective else "feasible"
    _log(d, result)
    return result


def _log(d: WeekModelData, r: WeekResult) -> None:
    log.info(
        "%s: %s by %s, objective %.0f, bound %.0f (gap %.2f %%), build %.1f s, solve %.1f s, %d slots, %d candidates",
        d.authority, r.status, r.method, r.objective, r.bound, 100 * r.gap, r.build_seconds, r.solve_seconds,
        len(d.slots), r.candidates,
    )  # fmt: skip


def extract_placements(d: WeekModelData, v: WeekModelVars, solver: cp_model.CpSolver) -> dict[str, Placement]:
    """Slot -> week and pool (full week, shared out by the solution's flows) or named inspector."""
    rng = np.random.default_rng(d.problem.seed)
    week_of: dict[str, int] = {}
    for (sid, w), x in v.x.items():
        if solver.boolean_value(x):
            week_of[sid] = w
    out: dict[str, Placement] = {}
    full: dict[tuple[int, int], list[str]] = defaultdict(list)
    for sid, w in sorted(week_of.items()):
        if (sid, w) in v.partial:
            named = [i for i in v.y_of[(sid, w)] if solver.boolean_value(v.y[(sid, w, i)])]
            assert len(named) == 1
            out[sid] = Placement(w, None, named[0])
        else:
            full[(d.classes[d.slot_by_id[sid].facility_type], w)].append(sid)
    for (cls, w), sids in sorted(full.items()):
        pools = [p for p in d.class_pools[cls] if d.pool_remaining[p][w] > 0]
        single = len(pools) == 1
        counts = {pools[0]: len(sids)} if single else {p: int(solver.value(v.flow[(cls, p, w)])) for p in pools}
        assert sum(counts.values()) == len(sids)
        order = [sids[k] for k in rng.permutation(len(sids))]
        for sid, p in d.share_out(w, order, [(p, counts[p]) for p in pools]).items():
            out[sid] = Placement(w, p, None)
    return out
