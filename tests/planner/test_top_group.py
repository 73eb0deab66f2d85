"""Where the top tier (the extra first-quarter visit) is drawn from: the riskiest 10 % of all tilbud in the risk
run (``top_tier_scope`` "national", the default: the risk list's group "høj") or of each socialtilsyn."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from models.risk_model import rank_and_tier
from planner import solve_plan
from planner.domain import PlanningProblem, ReasonCode
from planner.problem import national_ranks, riskiest_share
from tests.planner.cases import Case

# nord's ten tilbud are all riskier than midt's ten
NORD = {f"N{k}": 0.50 + 0.05 * k for k in range(10)}  # N9 0.95, N8 0.90 riskiest
MIDT = {f"M{k}": 0.01 + 0.01 * k for k in range(10)}  # M9 0.10 riskiest of midt


def two_tilsyn() -> Case:
    case = Case()
    for fid, risk in NORD.items():
        case.facility(fid, authority="nord", risk=risk, last_unannounced="2026-06-01")
    for fid, risk in MIDT.items():
        case.facility(fid, authority="midt", risk=risk, last_unannounced="2026-06-01")
    return case.inspector("I1", authority="nord", per_week=5).inspector("I2", authority="midt", per_week=5)


def tiers(problem: PlanningProblem) -> set[str]:
    return {f.facility_id for f in problem.facilities if f.top_tier}


TWELVE = {"visit_interval_default_months": 12, "top_tier_share": 0.10}


def test_the_national_top_tier_is_the_riskiest_tenth_of_all_tilbud() -> None:
    problem = two_tilsyn().problem(settings=TWELVE)
    assert problem.top_tier_scope == "national" and problem.top_tier_pool == 20
    assert tiers(problem) == {"N9", "N8"}  # ceil(10 % of 20) = 2, both in nord
    assert {f.facility_id for f in problem.facilities if f.top_decile} == {"N9", "N8"}
    assert problem.facility_by_id["N9"].national_rank == 1 and problem.facility_by_id["M9"].national_rank == 11


def test_per_authority_each_socialtilsyn_gets_its_own_top_tenth() -> None:
    problem = two_tilsyn().problem(settings={**TWELVE, "top_tier_scope": "authority"})
    assert problem.top_tier_scope == "authority"
    assert tiers(problem) == {"N9", "M9"}  # ceil(10 % of 10) = 1 in each
    assert {f.facility_id for f in problem.facilities if f.top_decile} == {"N9", "M9"}


def test_a_plan_for_one_socialtilsyn_gives_it_the_national_plans_top_tier() -> None:
    # the pool is the whole risk run, not the tilsyn planned: midt's riskiest is not in the national top tenth
    alone = two_tilsyn().problem(settings=TWELVE, authority="midt")
    assert {f.authority for f in alone.facilities} == {"midt"}
    assert tiers(alone) == set() and alone.top_tier_pool == 20
    nord = two_tilsyn().problem(settings=TWELVE, authority="nord")
    assert tiers(nord) == {"N9", "N8"}


def test_the_extra_visits_reason_and_the_rotation_comparison_name_the_national_group() -> None:
    plan = solve_plan(two_tilsyn().problem(settings=TWELVE))
    extra = {v.facility_id: v for v in plan.visits if v.reason_code == ReasonCode.EXTRA_TOP_TIER}
    assert set(extra) == {"N9", "N8"}
    where = "i Socialtilsyn Nord og Midt"  # the risk run holds two tilsyn: not "på landsplan"
    assert f"blandt de 10 % mest risikable tilbud {where} (nr. 1 af 20, risiko 95 %)" in extra["N9"].reason
    base = plan.analysis.baseline
    assert (base.top_decile_count, base.top_share, base.top_scope) == (2, 0.10, "national")
    assert base.top_by_authority == {"midt": 0, "nord": 2}  # the riskier tilsyn has the whole group
    own = solve_plan(two_tilsyn().problem(settings={**TWELVE, "top_tier_scope": "authority"}))
    m9 = next(v for v in own.visits if v.facility_id == "M9")
    assert "blandt socialtilsynets mest risikable tilbud (nr. 1 af 10, risiko 10 %)" in m9.reason
    assert (own.analysis.baseline.top_decile_count, own.analysis.baseline.top_scope) == (2, "authority")
    assert own.analysis.baseline.top_by_authority == {"midt": 1, "nord": 1}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([0.05, 0.1, 0.2, 0.2, 0.3, 0.5, 0.5, 0.9]), min_size=1, max_size=40),
    st.sampled_from([0.0, 0.05, 0.1, 0.25, 1.0]),
)
def test_the_top_group_is_the_risk_lists_hoej_on_the_same_risks(values: list[float], share: float) -> None:
    # the risk list's rule: equal risks share a group, so a tie at the cut takes them all in
    risks = {f"F{k:02d}": v for k, v in enumerate(values)}
    ranks = national_ranks(risks)
    top = riskiest_share(risks, ranks, share)
    listed = rank_and_tier(pd.Series(risks), high_share=share)
    assert top == set(listed.index[listed["tier"] == "høj"])
    assert sorted(ranks.values()) == list(range(1, len(values) + 1))
    assert all(risks[a] >= risks[b] for a in top for b in set(risks) - top)
    assert len(top) >= np.ceil(share * len(values) - 1e-9)
