from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from data.db import PlanRow
from data.risk_store import get_risk_run, latest_risk_run, previous_risk_run, save_risk_run
from data.settings import Settings
from data.store import open_database


def _scores(risks: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame({"facility_id": [f"F{i}" for i in range(len(risks))], "risk": risks})
    frame["rank"] = frame["risk"].rank(ascending=False, method="first").astype(int)
    frame["tier"] = "middel"
    frame["top_factors"] = [[{"feature": "x", "text": "tekst"}] for _ in risks]
    return frame


def _plan_made_from(engine: Engine, run_id: int) -> None:
    """A stored plan (2026Q4) made from risk run ``run_id``."""
    with Session(engine) as session, session.begin():
        session.add(
            PlanRow(
                created_at=dt.datetime(2026, 10, 2), quarter="2026Q4", as_of=dt.date(2026, 10, 1), status="optimal",
                risk_run_id=run_id, settings={}, analysis={},
            )
        )  # fmt: skip


def test_save_and_load_latest_and_previous(tmp_path: Path) -> None:
    engine = open_database(Settings(home=tmp_path))
    save_risk_run(engine, dt.date(2026, 7, 1), "m1", _scores([0.1, 0.5]))
    second = save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.7, 0.2, 0.3]))
    latest = latest_risk_run(engine)
    assert latest is not None and latest.id == second
    assert list(latest.scores["facility_id"]) == ["F0", "F2", "F1"]  # by rank
    assert latest.scores.iloc[0]["top_factors"] == [{"feature": "x", "text": "tekst"}]
    prev = previous_risk_run(engine, before=dt.date(2026, 10, 1))
    assert prev is not None and prev.as_of == dt.date(2026, 7, 1)
    older = latest_risk_run(engine, on_or_before=dt.date(2026, 9, 30))
    assert older is not None and len(older.scores) == 2


def test_same_as_of_and_version_replaces(tmp_path: Path) -> None:
    engine = open_database(Settings(home=tmp_path))
    save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.1]))
    save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.9, 0.8]))
    latest = latest_risk_run(engine)
    assert latest is not None and len(latest.scores) == 2
    assert previous_risk_run(engine, before=dt.date(2026, 10, 1)) is None


def test_new_scores_leave_the_run_a_plan_was_made_from_as_it_was(tmp_path: Path) -> None:
    engine = open_database(Settings(home=tmp_path))
    first = save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.1, 0.2]))
    _plan_made_from(engine, first)
    assert save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.1, 0.2])) == first  # the same scores: in place
    # new data since the plan: new scores are a new run, and the plan keeps the scores it was made from (its
    # report showed the re-scored risks beside reasons written from the old ones)
    again = save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.3, 0.4, 0.5]))
    assert again != first
    latest = latest_risk_run(engine)
    assert latest is not None and latest.id == again and len(latest.scores) == 3
    kept = get_risk_run(engine, first)
    assert kept is not None and sorted(kept.scores["risk"]) == [0.1, 0.2]
    with Session(engine) as session:
        plan = session.query(PlanRow).one()
        assert plan.risk_run_id == first
    # the new run has no plan yet: scoring it again replaces it in place
    assert save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.6, 0.4, 0.5])) == again


def test_the_same_risks_with_other_reasons_leave_a_plans_run_as_it_was(tmp_path: Path) -> None:
    """Another ``risk_top_factors`` setting gives the same risks with more (or fewer) reasons: the plan's report
    shows its run's reasons, so they are new scores, not the plan's run replaced in place."""
    engine = open_database(Settings(home=tmp_path))
    first = save_risk_run(engine, dt.date(2026, 10, 1), "m1", _scores([0.1, 0.2]))
    _plan_made_from(engine, first)
    more = _scores([0.1, 0.2])
    more["top_factors"] = [[{"feature": "x", "text": "tekst"}, {"feature": "y", "text": "mere"}] for _ in range(2)]
    again = save_risk_run(engine, dt.date(2026, 10, 1), "m1", more)
    assert again != first
    kept = get_risk_run(engine, first)
    assert kept is not None and all(len(f) == 1 for f in kept.scores["top_factors"])


def test_the_same_run_stored_from_three_threads_at_once_is_one_run(tmp_path: Path) -> None:
    """SQLite's driver begins a transaction only at the first write, after the look-up of the run to replace:
    three scorings of the same date and model at once all found none and left three runs (a plan's run id then
    depended on which came first). The writer lock is now taken before the look-up."""
    from sqlalchemy import text

    from tests.factories import at_once

    engine = open_database(Settings(home=tmp_path, database_busy_timeout_s=60))
    scores = _scores([0.5] * 300)
    ids, errors = at_once(lambda: save_risk_run(engine, dt.date(2026, 10, 1), "m1", scores), threads=3, times=4)
    assert errors == []
    assert len(ids) == 12 and len(set(ids)) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM risk_runs")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM risk_scores")).scalar_one() == 300
