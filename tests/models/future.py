"""Change every record dated on or after an as-of date (the leakage tests' tool)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.dataset import Dataset


def perturb_future(ds: Dataset, as_of: pd.Timestamp, seed: int = 0) -> Dataset:
    """A dataset equal to ``ds`` before ``as_of`` and different in everything on or after it:
    visits (and their theme scores) moved, flipped and added, force counts of months not over by
    ``as_of`` changed, staff figures of the as-of year and later changed, concerns and sanctions
    added, closings, leader changes and new facilities on or after ``as_of``."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp(as_of)
    fac = ds.facilities.copy()
    first_id = fac["facility_id"].iloc[0]
    new_fac = fac.iloc[[0]].assign(facility_id="NEW-ON-AS-OF", approved_on=t, leader_since=pd.NaT)
    later = fac.iloc[[0]].assign(facility_id="NEW-LATER", approved_on=t + pd.Timedelta(days=40), leader_since=pd.NaT)
    some = fac.sample(frac=0.3, random_state=seed).index
    fac.loc[some, "closed_on"] = t + pd.Timedelta(days=10)
    # The contract keeps the current leader's start only: a facility without one gets a leader on or
    # after as-of (a record dated then); overwriting an earlier start would erase known history.
    no_leader = fac.index[fac["leader_since"].isna()][:5]
    fac.loc[no_leader, "leader_since"] = t
    fac = pd.concat([fac, new_fac, later], ignore_index=True)

    visits = ds.visits.copy()
    fut = visits["date"] >= t
    visits.loc[fut, "announced"] = ~visits.loc[fut, "announced"]
    visits.loc[fut, "date"] = visits.loc[fut, "date"] + pd.Timedelta(days=3)
    ids = fac["facility_id"].iloc[:40].tolist()
    extra = pd.DataFrame(
        {
            "visit_id": [f"FUT{i}" for i in range(len(ids))],
            "facility_id": ids,
            "date": [t + pd.Timedelta(days=int(d)) for d in rng.integers(0, 200, len(ids))],
            "announced": False,
            "kind": "operational",
            "inspector_ids": "",
        }
    )
    extra.loc[0, "date"] = t  # a visit on the as-of day itself
    visits = pd.concat([visits, extra], ignore_index=True)
    future_visits = set(visits.loc[visits["date"] >= t, "visit_id"])

    themes = ds.theme_scores.copy()
    hit = themes["visit_id"].isin(future_visits)
    themes.loc[hit, "score"] = 1.0
    themes = pd.concat(
        [themes, pd.DataFrame({"visit_id": extra["visit_id"], "theme": "health_wellbeing", "score": 1.0})],
        ignore_index=True,
    )
    indicators = ds.indicator_scores.copy()
    indicators.loc[indicators["visit_id"].isin(future_visits), "score"] = 1

    uof = ds.use_of_force.copy()
    open_month = uof["month"] + pd.offsets.MonthBegin(1) > t
    uof.loc[open_month, "count"] = uof.loc[open_month, "count"] * 7 + 3
    uof = pd.concat(
        [uof, pd.DataFrame({"facility_id": ids, "month": t.to_period("M").to_timestamp(), "count": 50, "kind": ""})],
        ignore_index=True,
    ).drop_duplicates(["facility_id", "month", "kind"], keep="first")

    staff = ds.staff_figures.copy()
    staff.loc[staff["year"] >= t.year, "staff_turnover_pct"] = 99.0
    staff.loc[staff["year"] >= t.year, "sickness_absence_pct"] = 99.0
    staff = pd.concat(
        [
            staff,
            pd.DataFrame(
                {
                    "facility_id": [first_id],
                    "year": [t.year],
                    "staff_turnover_pct": [80.0],
                    "sickness_absence_pct": [40.0],
                }
            ),
        ],
        ignore_index=True,
    ).drop_duplicates(["facility_id", "year"], keep="last")

    concerns = pd.concat(
        [ds.concerns, pd.DataFrame({"facility_id": ids, "date": t, "severity": "high"})], ignore_index=True
    )
    sanctions = pd.concat(
        [ds.sanctions, pd.DataFrame({"facility_id": ids, "date": t + pd.Timedelta(days=1), "kind": "paabud"})],
        ignore_index=True,
    )
    return ds.with_tables(
        facilities=fac,
        visits=visits,
        theme_scores=themes,
        indicator_scores=indicators,
        use_of_force=uof,
        staff_figures=staff,
        concerns=concerns,
        sanctions=sanctions,
    )
