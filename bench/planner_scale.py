"""Planner scale bench: how fast a feasible plan comes, how close to the bound, and what the risk buys.

    .venv/bin/python bench/planner_scale.py            # national (about 2,000 tilbud), then 7,500 and 20,000
    .venv/bin/python bench/planner_scale.py --quick    # a small smoke run (500, then 1,000 and 2,000)

Data: synthetic Denmark (``data.synthetic.generate_world``), as of 2026-10-01, planning 2026Q4 and the
seven quarters after it, with the generator's inspectors (about 1.2 inspector-visits per tilbud a year),
absences and locked visits. Larger instances scale the number of tilbud; the generator scales the
inspectors with them.

Risk: **a PROXY, not the risk model** (the bench measures the planner, not the model): per tilbud the
mean theme value of its latest assessed visit ``m`` (3.8 when none), ``risk = 1 / (1 + exp(-(2 (3.8 -
m) + e)))`` with ``e ~ N(0, 0.5)``, seeded. Low theme values -> high risk, plus noise.

Figures printed for the national run: time to the first feasible plan (the planner stopping at its first
complete schedule), status/objective/bound/gap with a 30 s and a 120 s limit, the independent checker's
result, the comparison with the rotation baseline (the share of each socialtilsyn's riskiest 10 % visited
in the first quarter and the ratio; risk-weighted lateness), for comparison CP-SAT alone from a greedy
hint (no flow) at 30 s, and a variant with chains of visits (children's types every 12 months) at 30 s and 120 s. Larger
instances: time to the first feasible plan and the gap at 60 s. Everything on ``--workers`` (default 2)
workers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.settings import Settings
from data.synthetic import WorldConfig, generate_world
from planner import build_problem, check_plan, solve_plan
from planner.domain import Plan, PlanningProblem

AS_OF = dt.date(2026, 10, 1)
QUARTER = "2026Q4"


def proxy_risk(ds: Dataset, seed: int) -> pd.DataFrame:
    """PROXY risk from the latest theme values plus noise (see the module doc)."""
    themes = ds.visit_theme_values()
    latest = themes.sort_values("date").groupby("facility_id")["date"].max()
    last = themes.merge(latest.rename("last").reset_index(), on="facility_id")
    last = last[last["date"] == last["last"]]
    mean = last.groupby("facility_id")["value"].mean()
    ids = ds.facilities["facility_id"].astype(str)
    m = ids.map(mean).fillna(3.8).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    z = 2.0 * (3.8 - m) + rng.normal(0.0, 0.5, len(m))
    return pd.DataFrame({"facility_id": ids, "risk": 1.0 / (1.0 + np.exp(-z))})


def timed(step: str, fn: Callable[[], object]) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t
    print(f"  {step}: {seconds:.1f} s", flush=True)
    return out, seconds


def world(n: int, seed: int) -> tuple[Dataset, pd.DataFrame]:
    print(f"\n=== {n} tilbud (synthetic Denmark, seed {seed}) ===", flush=True)
    w, _ = timed("generate world", lambda: generate_world(WorldConfig(seed=seed, facilities=n, as_of=AS_OF)))
    ds = w.dataset  # type: ignore[attr-defined]
    return ds, proxy_risk(ds, seed)


#: A variant with chains of visits: children's types every 12 months (a per-type override, as the
#: settings allow) over the 24-month horizon, so their visits must lie at most 12 months apart.
CHILDREN_12 = {"opholdssted": 12, "doegninstitution": 12, "sikret_doegninstitution": 12, "kostskole": 12}


def problem(
    ds: Dataset, risk: pd.DataFrame, limit: float, workers: int, seed: int, intervals: dict[str, int] | None = None
) -> PlanningProblem:
    settings = Settings(  # type: ignore[call-arg]
        today=AS_OF, solver_time_limit_s=limit, solver_workers=workers, seed=seed, visit_interval_months=intervals or {}
    )
    return build_problem(ds, risk, settings, QUARTER, as_of=AS_OF)


def describe(p: PlanningProblem) -> None:
    per = pd.Series([f.authority for f in p.facilities]).value_counts().sort_index()
    inspectors = sum(1 for i in p.inspectors if i.visits_per_week > 0)
    weekly = sum(i.visits_per_week for i in p.inspectors)
    print(
        f"  problem: {len(p.facilities)} active tilbud ({', '.join(f'{a} {n}' for a, n in per.items())}), "
        f"{inspectors} inspectors with capacity ({weekly} visits/week), {len(p.locked)} locked visits, "
        f"{sum(f.overdue for f in p.facilities)} overdue, {sum(f.is_new for f in p.facilities)} new, "
        f"horizon {p.start} .. {p.end}"
    )


def run(p: PlanningProblem, label: str, *, first: bool = False, strategy: str = "flow") -> Plan:
    t = time.perf_counter()
    plan = solve_plan(p, stop_after_first_solution=first, strategy=strategy)
    wall = time.perf_counter() - t
    a = plan.analysis
    report = check_plan(p, plan.visits)
    first_s = "-" if a.first_solution_seconds is None else f"{a.first_solution_seconds:.1f} s"
    print(
        f"  [{label}] wall {wall:.1f} s (solver {a.solve_seconds:.1f} s; first complete schedule after {first_s}), "
        f"status {a.status}, objective {a.objective:.0f}, bound {a.bound:.0f}, gap {100 * a.gap:.2f} %, "
        f"checker {'OK' if report.ok else f'{len(report.violations)} VIOLATIONS'}, {len(plan.visits)} visits",
        flush=True,
    )
    for s in a.authorities:
        print(
            f"      {s.authority:12s} {s.status:8s} {s.method:12s} obj {s.objective:9.0f} bound {s.bound:9.0f} "
            f"gap {100 * s.gap:6.2f} %  slots {s.slots:5d} candidates {s.candidates:7d} cp-sat vars {s.variables:7d} "
            f"first {s.first_solution_seconds or 0:5.1f} s build {s.build_seconds:5.1f} s solve {s.seconds:5.1f} s"
        )
    return plan


def comparison(plan: Plan) -> None:
    b = plan.analysis.baseline
    ratio = "n/a" if b.ratio is None else f"{b.ratio:.2f}x"
    print(
        f"  rotation baseline (same visits per authority and week): riskiest 10 % of each socialtilsyn "
        f"({b.top_decile_count} tilbud) "
        f"visited in {QUARTER}: plan {100 * b.plan_top_decile_first_quarter:.1f} % vs rotation "
        f"{100 * b.baseline_top_decile_first_quarter:.1f} % -> {ratio} (target >= 1.5x); risk-weighted lateness "
        f"plan {b.plan_risk_lateness} vs rotation {b.baseline_risk_lateness}; rotation misses "
        f"{b.baseline_missed_deadlines} deadlines"
    )
    costs = ", ".join(f"{k} {v}" for k, v in plan.analysis.rule_costs.items())
    print(f"  rule costs (final plan): {costs}")
    print(f"  utilisation spread in {QUARTER} (worst authority): {plan.analysis.utilisation_spread_first_quarter} pp")
    for note in plan.analysis.notes:
        print(f"  note: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    national, limits, larger, large_limit = (
        (500, (5.0, 10.0), (1000, 2000), 10.0) if args.quick else (2000, (30.0, 120.0), (7500, 20000), 60.0)
    )
    print(f"PROXY risk (theme values + noise), not the risk model. Workers {args.workers}, seed {args.seed}.")

    ds, risk = world(national, args.seed)
    p = problem(ds, risk, limits[0], args.workers, args.seed)
    describe(p)
    run(p, "first feasible", first=True)
    plan = run(p, f"{limits[0]:.0f} s")
    comparison(plan)
    run(problem(ds, risk, limits[1], args.workers, args.seed), f"{limits[1]:.0f} s")
    run(p, f"CP-SAT alone, greedy hint, {limits[0]:.0f} s", strategy="cp-sat")
    print("  -- variant: children's types every 12 months (chains of visits) --")
    chained = problem(ds, risk, limits[0], args.workers, args.seed, CHILDREN_12)
    describe(chained)
    run(chained, "first feasible", first=True)
    run(chained, f"{limits[0]:.0f} s")
    run(problem(ds, risk, limits[1], args.workers, args.seed, CHILDREN_12), f"{limits[1]:.0f} s")

    for n in larger:
        ds, risk = world(n, args.seed)
        p = problem(ds, risk, large_limit, args.workers, args.seed)
        describe(p)
        run(p, "first feasible", first=True)
        plan = run(p, f"{large_limit:.0f} s")
        comparison(plan)


if __name__ == "__main__":
    main()
