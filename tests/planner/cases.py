"""Tiny hand-built planning cases: every value known, so expectations can be computed by hand.

The default case plans 2026Q4 (as of 2026-10-01, a Thursday) over two quarters (2026-10-01 to
2027-03-31), with a 6-month interval so deadlines fall inside the horizon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.dataset import Dataset
from data.enums import VisitKind
from data.settings import Settings
from planner.domain import PlannedVisit, PlanningProblem, ReasonCode, VisitRole
from planner.problem import build_problem

AS_OF = dt.date(2026, 10, 1)
QUARTER = "2026Q4"


@dataclass
class Case:
    facilities: list[dict[str, Any]] = field(default_factory=list)
    inspectors: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    locked: list[dict[str, Any]] = field(default_factory=list)
    absences: list[dict[str, Any]] = field(default_factory=list)
    risk: dict[str, float] = field(default_factory=dict)

    def facility(
        self,
        fid: str,
        *,
        authority: str = "midt",
        ftype: str = "sel108",
        approved: str = "2015-01-01",
        postcode: str = "8000",
        lat: float | None = None,
        lon: float | None = None,
        risk: float = 0.2,
        last_unannounced: str | None = None,
        closed: str | None = None,
    ) -> Case:
        self.facilities.append(
            {
                "facility_id": fid,
                "name": f"Tilbud {fid}",
                "authority": authority,
                "municipality": "Aarhus",
                "postcode": postcode,
                "lat": lat,
                "lon": lon,
                "facility_type": ftype,
                "ownership": "kommunal",
                "places": 10,
                "approved_on": approved,
                "closed_on": closed,
            }
        )
        self.risk[fid] = risk
        if last_unannounced is not None:
            self.visit(fid, last_unannounced, announced=False)
        return self

    def inspector(
        self, iid: str, *, authority: str = "midt", competences: str = "all", per_week: int = 3, postcode: str = "8000"
    ) -> Case:
        self.inspectors.append(
            {
                "inspector_id": iid,
                "name": f"Konsulent {iid}",
                "authority": authority,
                "competences": competences,
                "visits_per_week": per_week,
                "postcode": postcode,
            }
        )
        return self

    def visit(self, fid: str, day: str, *, announced: bool = False, kind: str = "operational") -> Case:
        self.visits.append(
            {
                "visit_id": f"H{len(self.visits) + 1}",
                "facility_id": fid,
                "date": day,
                "announced": announced,
                "kind": kind,
                "inspector_ids": "",
            }
        )
        return self

    def lock(self, fid: str, day: str, iid: str, *, announced: bool = False) -> Case:
        self.locked.append({"facility_id": fid, "date": day, "inspector_id": iid, "announced": announced})
        return self

    def absent(self, iid: str, start: str, end: str) -> Case:
        self.absences.append({"inspector_id": iid, "start": start, "end": end})
        return self

    def dataset(self) -> Dataset:
        frames = {
            "facilities": pd.DataFrame(self.facilities),
            "inspectors": pd.DataFrame(self.inspectors),
        }
        if self.visits:
            frames["visits"] = pd.DataFrame(self.visits)
        if self.locked:
            frames["locked_visits"] = pd.DataFrame(self.locked)
        if self.absences:
            frames["absences"] = pd.DataFrame(self.absences)
        return Dataset.from_frames(frames)

    def problem(self, **overrides: Any) -> PlanningProblem:
        settings = case_settings(**overrides.pop("settings", {}))
        risk = pd.DataFrame({"facility_id": list(self.risk), "risk": list(self.risk.values())})
        return build_problem(
            self.dataset(),
            risk,
            settings,
            overrides.pop("quarter", QUARTER),
            as_of=overrides.pop("as_of", AS_OF),
            **overrides,
        )


def case_settings(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "home": "/nonexistent",
        "today": AS_OF,
        "plan_horizon_quarters": 2,
        "visit_interval_default_months": 6,
        "first_visit_months": 3,
        "min_visit_gap_days": 30,
        "top_tier_share": 0.0,
        "solver_time_limit_s": 5.0,
        "solver_workers": 2,
        "seed": 7,
    }
    base.update(values)
    return Settings(**base)


def visit(
    fid: str,
    day: str | dt.date,
    inspectors: tuple[str, ...] = ("I1",),
    *,
    authority: str = "midt",
    announced: bool = False,
    locked: bool = False,
) -> PlannedVisit:
    """A hand-built planned visit (for checker cases)."""
    return PlannedVisit(
        facility_id=fid,
        authority=authority,
        date=day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
        inspector_ids=inspectors,
        announced=announced,
        kind=VisitKind.OPERATIONAL,
        role=VisitRole.LOCKED if locked else VisitRole.DEADLINE,
        reason_code=ReasonCode.LOCK if locked else ReasonCode.DEADLINE,
        reason="test",
        locked=locked,
    )
