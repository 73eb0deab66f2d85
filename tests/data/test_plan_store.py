"""Stored plans: a plan survives the round trip (visits, roles, reasons, analysis), lists and lookups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from data.errors import NotFoundError
from data.plan_store import latest_plan, list_plans, load_plan, load_plans, save_plan
from data.settings import Settings
from data.store import open_database
from planner import solve_plan
from planner.domain import Plan, PlanAnalysis
from tests.planner.cases import Case


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(Settings(home=tmp_path))  # type: ignore[call-arg]


def small_plan(authority: str | None = None, quarter: str = "2026Q4") -> Plan:
    case = (
        Case()
        .facility("F1", last_unannounced="2026-05-15")
        .facility("F2", authority="nord", last_unannounced="2026-01-01")
        .inspector("I1")
        .inspector("I2", authority="nord")
        .lock("F1", "2026-10-05", "I1", announced=True)
    )
    return solve_plan(case.problem(authority=authority))


def test_round_trip(engine: Engine) -> None:
    plan = small_plan()
    plan_id = save_plan(engine, plan, risk_run_id=None, settings={"seed": 7})
    stored = load_plan(engine, plan_id)
    assert (stored.quarter, stored.as_of, stored.status, stored.settings) == (
        "2026Q4",
        dt.date(2026, 10, 1),
        plan.status,
        {"seed": 7},
    )
    assert stored.visit_count == len(plan.visits)
    original = plan.visits_frame()
    assert stored.visits["facility_id"].tolist() == original["facility_id"].tolist()
    assert stored.visits["date"].tolist() == original["date"].tolist()
    for column in ("inspector_ids", "announced", "kind", "reason", "locked", "role", "authority", "reason_code"):
        assert stored.visits[column].tolist() == original[column].tolist(), column
    assert "visit_meta" not in stored.analysis
    assert PlanAnalysis.from_dict(stored.analysis) == plan.analysis


def test_latest_and_list(engine: Engine) -> None:
    first = save_plan(engine, small_plan())
    second = save_plan(engine, small_plan("nord"), parent_id=first)
    infos = list_plans(engine)
    assert [p.id for p in infos] == [second, first]
    assert infos[0].parent_id == first and infos[0].authority == "nord"
    assert infos[1].visit_count == len(load_plan(engine, first).visits)
    latest = latest_plan(engine)
    assert latest is not None and latest.id == second
    by_authority = latest_plan(engine, authority="midt")
    assert by_authority is None
    by_quarter = latest_plan(engine, quarter="2026q4")
    assert by_quarter is not None and by_quarter.id == second
    assert latest_plan(engine, quarter="2027Q1") is None


def test_missing_plan_and_missing_parent(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="Planen 42 findes ikke"):
        load_plan(engine, 42)
    with pytest.raises(NotFoundError, match="Planen 9 findes ikke"):
        save_plan(engine, small_plan(), parent_id=9)
    assert list_plans(engine) == []


def test_load_plans_reads_several_plans_as_load_plan_does(engine: Engine) -> None:
    """The plan lists read every listed plan at once: each plan as ``load_plan`` gives it, in the order asked, its
    own visits only; an id that does not exist is named."""
    first = save_plan(engine, small_plan(), settings={"seed": 7})
    second = save_plan(engine, small_plan("nord"), parent_id=first)
    singly = [load_plan(engine, second), load_plan(engine, first)]
    together = load_plans(engine, [second, first])
    assert [p.id for p in together] == [second, first]
    assert len(together[0].visits) != len(together[1].visits)  # the two plans' visits are not mixed
    for one, both in zip(singly, together, strict=True):
        assert (both.created_at, both.quarter, both.authority, both.parent_id, both.settings, both.analysis) == (
            one.created_at,
            one.quarter,
            one.authority,
            one.parent_id,
            one.settings,
            one.analysis,
        )
        assert both.data_basis == one.data_basis
        assert both.visits.to_dict("records") == one.visits.to_dict("records")
    assert load_plans(engine, []) == []
    with pytest.raises(NotFoundError, match="Planen 42 findes ikke"):
        load_plans(engine, [first, 42])
