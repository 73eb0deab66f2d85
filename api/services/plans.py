"""Plan services shared by the CLI and the HTTP app: create a plan, show, list and export stored plans.

``create_plan`` loads the data (``data.store``), takes the risk of the newest stored risk run on or
before the as-of date (``data.risk_store``), plans (``planner``) and stores the plan version
(``data.plan_store``). Re-planning (``parent_plan_id``) makes moving the parent's visits cost
(stability); it locks nothing new.

Confidentiality: stored plans hold unannounced dates. Outputs for readers who are not authorised must
go through :func:`visits_for_reader` (the CLI is for planners, who are authorised).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.services.risk import plan_risk_run
from data.authorities import parse_authority
from data.calendar import parse_quarter, quarter_bounds, quarter_of
from data.dataset import Dataset, date_of
from data.db import PlanRow
from data.enums import Authority, VisitKind
from data.errors import InvalidArgumentError, NoDataError, shown_value
from data.glossary import AUTHORITY_DA, visit_reason_for_reader_da
from data.lock_store import load_locked_visits
from data.plan_store import PlanInfo, StoredPlan, list_plans, load_plan, load_plans, plan_header, save_plan
from data.risk_store import get_risk_run
from data.settings import Settings
from data.store import (
    ImportBatch,
    database,
    import_batches,
    import_stamp,
    load_dataset,
    load_reference_data,
    load_tables,
)
from planner.domain import (
    EarlierPlan,
    EarlierVisit,
    ParentVisit,
    Plan,
    PlanAnalysis,
    PlannedVisit,
    ReasonCode,
    VisitRole,
)
from planner.problem import build_problem, horizon, quarters_from
from planner.staleness import CurrentData, Freshness, PlanStaleness, data_basis, plan_changes

Progress = Callable[[str], None]

EXPORT_COLUMNS = ("facility_id", "date", "inspector_ids", "announced", "kind", "reason", "locked", "role", "authority")

PLAN_SETTINGS = (
    "visit_interval_default_months",
    "visit_interval_months",
    "first_visit_months",
    "plan_horizon_quarters",
    "min_visit_gap_days",
    "top_tier_share",
    "top_tier_scope",
    "days_off",
    "solver_time_limit_s",
    "solver_workers",
    "seed",
)


def _quarter(value: str) -> str:
    try:
        return parse_quarter(value)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from error


def settings_snapshot(settings: Settings) -> dict[str, Any]:
    """The settings a plan depends on, JSON-friendly (stored with every plan)."""
    raw = settings.model_dump(mode="json")
    return {k: raw[k] for k in PLAN_SETTINGS}


def create_plan(
    settings: Settings,
    quarter: str,
    as_of: dt.date | None = None,
    authority: str | None = None,
    time_limit_s: float | None = None,
    parent_plan_id: int | None = None,
    progress: Progress | None = None,
    allow_late: bool = False,
) -> StoredPlan:
    """Plan ``quarter`` (and the horizon after it), store the plan version and return it. ``allow_late``: when the
    deadlines cannot all be kept, store the best-effort plan (status ``best_effort``, its missed deadlines in
    ``analysis["late"]``) instead of refusing."""
    from planner.solver import solve_plan  # OR-Tools: only when a plan is made (not for the plan lists)

    quarter = _quarter(quarter)
    authority = parse_authority(authority)
    as_of = settings.as_of_or_today(as_of)
    with database(settings) as engine:
        stamp = import_stamp(engine)  # before reading: an import while the data are read counts as after the plan
        ds = load_dataset(engine, authority)
        if ds.facilities.empty:
            others = _authorities_with_facilities(engine) if authority is not None else []
            if authority is not None and others:
                raise NoDataError(
                    f"Ingen tilbud i {AUTHORITY_DA[Authority(authority)]} er importeret (de importerede tilbud hører "
                    f"til {' og '.join(AUTHORITY_DA[Authority(a)] for a in others)}): importér socialtilsynets tilbud "
                    "med 'tilsynsplan import', eller vælg et andet socialtilsyn."
                )
            raise NoDataError("Ingen tilbud er importeret endnu: kør 'tilsynsplan import' først.")
        if ds.inspectors.empty:
            if authority is not None and _any_inspectors(engine):
                label = AUTHORITY_DA[Authority(authority)]
                raise NoDataError(
                    f"{label} har ingen tilsynskonsulenter (inspectors.csv har ingen med authority {authority}): "
                    "importér dem, før socialtilsynet kan planlægges."
                )
            raise NoDataError(
                "Ingen tilsynskonsulenter er importeret endnu (inspectors.csv): kør 'tilsynsplan import'."
            )
        risk = plan_risk_run(settings, as_of, progress)
        run = get_risk_run(engine, risk.run_id)
        if run is None:  # stored a moment ago; gone only if removed meanwhile
            raise NoDataError(f"Risikokørsel {risk.run_id} findes ikke længere; planlæg igen.")
        parents: list[ParentVisit] = []
        if parent_plan_id is not None:
            parent = load_plan(engine, parent_plan_id)
            if parent.authority is not None and parent.authority != authority:
                planned = "alle socialtilsyn" if authority is None else AUTHORITY_DA[Authority(authority)]
                raise InvalidArgumentError(
                    f"Plan {parent_plan_id} er for {AUTHORITY_DA[Authority(parent.authority)]}; en genplan for "
                    f"{planned} kan ikke bygge på den. Vælg en plan for samme socialtilsyn eller en plan for alle."
                )
            parents = [
                ParentVisit(str(r.facility_id), r.date, tuple(str(r.inspector_ids).split(";")))
                for r in parent.visits.itertuples(index=False)
                if not r.locked
            ]
        risk_table = run.scores[["facility_id", "risk"]]
        if authority is not None:  # ``ds`` holds this tilsyn's tilbud only; the run ranks all (the national pool)
            stored = load_reference_data(engine).facilities[["facility_id", "authority"]]
            risk_table = risk_table.merge(stored.astype(str), on="facility_id", how="left")
        problem = build_problem(
            ds,
            risk_table,
            settings,
            quarter,
            as_of=as_of,
            authority=authority,
            parent_visits=parents,
            parent_plan_id=parent_plan_id,
            time_limit_s=time_limit_s,
            earlier_plans=earlier_plans(engine, quarter, as_of, authority),
        )
        if risk.note is not None:
            problem = replace(problem, notes=(risk.note, *problem.notes))
        plan = solve_plan(problem, progress=progress, allow_late=allow_late)
        if progress is not None:
            progress("Gemmer planen")
        snapshot = settings_snapshot(settings)
        if time_limit_s is not None:
            snapshot["solver_time_limit_s"] = time_limit_s
        basis = data_basis(ds, None if stamp is None else stamp[0])
        plan_id = save_plan(
            engine, plan, parent_id=parent_plan_id, risk_run_id=run.id, settings=snapshot, data_basis=basis
        )
        return load_plan(engine, plan_id)


def earlier_plans(engine: Engine, quarter: str, as_of: dt.date, authority: str | None) -> list[EarlierPlan]:
    """The stored plans a plan for ``quarter`` builds on (``planner.problem``, "Planning ahead"): for each quarter
    from the as-of day's up to the one before ``quarter``, the newest plan for all and for each socialtilsyn
    (only ``authority``'s, when one is planned)."""
    quarters = set(quarters_from(quarter_of(as_of), quarter))
    newest: dict[tuple[str, str | None], int] = {}
    for info in list_plans(engine):  # newest first
        if info.quarter in quarters and (authority is None or info.authority in (None, authority)):
            newest.setdefault((info.quarter, info.authority), info.id)
    out = []
    for plan_id in sorted(newest.values()):
        stored = load_plan(engine, plan_id)
        visits = tuple(
            EarlierVisit(str(r.facility_id), r.date, bool(r.announced)) for r in stored.visits.itertuples(index=False)
        )
        out.append(EarlierPlan(stored.id, stored.quarter, stored.authority, visits, as_of=stored.as_of))
    return out


@dataclass(frozen=True)
class ReplanChanges:
    """How a re-plan changed its parent's visits from the re-plan's first day on."""

    parent_id: int
    since: dt.date  # the re-plan's first plannable day (the parent's earlier visits are history)
    parent_visits: int  # the parent's visits on or after ``since``
    kept: int  # the same tilbud on the same day
    moved: int  # the same tilbud on another day
    dropped: int  # a visit of the parent's with no counterpart now
    added: int  # a visit now with no counterpart in the parent

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "since": self.since.isoformat()}


def replan_changes(settings: Settings, stored: StoredPlan) -> ReplanChanges | None:
    """For a re-plan (``parent_id``): its parent's visits kept, moved, dropped and added; else ``None``.
    Visits pair up per tilbud: the same day first, then the rest in date order (moved)."""
    if stored.parent_id is None:
        return None
    with database(settings) as engine:
        parent = load_plan(engine, stored.parent_id)
    since = max(quarter_bounds(stored.quarter)[0], stored.as_of)
    before = parent.visits[parent.visits["date"] >= since]
    if stored.authority is not None and parent.authority is None:  # one socialtilsyn re-planned from a plan for all
        before = before[before["authority"] == stored.authority]
    return ReplanChanges(stored.parent_id, since, len(before), *compare_visits(before, stored.visits))


def compare_visits(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, int, int, int]:
    """``(kept, moved, dropped, added)`` between two plans' visits (``facility_id, date``), per tilbud."""
    before = old.groupby("facility_id")["date"].apply(set).to_dict()
    after = new.groupby("facility_id")["date"].apply(set).to_dict()
    kept = moved = dropped = added = 0
    for fid in before.keys() | after.keys():
        a, b = before.get(fid, set()), after.get(fid, set())
        same = len(a & b)
        pairs = min(len(a) - same, len(b) - same)
        kept, moved = kept + same, moved + pairs
        dropped += len(a) - same - pairs
        added += len(b) - same - pairs
    return kept, moved, dropped, added


#: The tables a stored plan is compared with (``planner.staleness``): not the risk inputs.
CHANGE_TABLES = ("facilities", "inspectors", "visits", "absences", "locked_visits")


def replan_command(stored: StoredPlan) -> str:
    """The CLI command that re-plans ``stored`` (its quarter and socialtilsyn, as of today)."""
    scope = "" if stored.authority is None else f" --authority {stored.authority}"
    return f"tilsynsplan plan --quarter {stored.quarter}{scope} --replan-of {stored.id}"


def plan_data_changes(settings: Settings, stored: StoredPlan) -> PlanStaleness:
    """What changed since ``stored`` was made that matters to it (``planner.staleness``), without a solve: the
    import batches after the one it was made from (a plan stored before it kept one: those imported after its
    ``created_at``) and the locked visits are read; the tilbud, inspectors, visits and absences only when something
    was imported since."""
    with database(settings) as engine:
        count, newest = _imports_since(engine, stored, top=1)
        current = load_tables(engine, CHANGE_TABLES if count else ("facilities", "locked_visits"))
    return _compare(settings, stored, current, count, newest[0].imported_at if newest else None)


#: A listed plan's freshness by (database, plan id, created_at, viewer's role), with the :func:`data_changes_stamp` it
#: was worked out at: a stored plan never changes, so the answer holds until the stamp does (a web list shown again
#: costs a stamp).
_FRESHNESS: dict[tuple[str, int, dt.datetime, bool], tuple[list[object], Freshness]] = {}
_FRESHNESS_KEPT = 1000


def plans_freshness(settings: Settings, infos: Sequence[PlanInfo], authorised: bool) -> dict[int, Freshness]:
    """Each listed plan's status of :func:`plan_data_changes` (``unchanged``, ``imports_only``, ``changed``) as the
    viewer's plan page says it (a reader's from what a reader may see: ``PlanStaleness.seen_by``), for the plan
    lists, without a solve: the data are read once for all the plans not known at the current stamp."""
    if not infos:
        return {}
    stamp = data_changes_stamp(settings)
    found: dict[int, Freshness] = {}
    for info in infos:
        known = _FRESHNESS.get((settings.resolved_database_url, info.id, info.created_at, authorised))
        if known is not None and known[0] == stamp:
            found[info.id] = known[1]
    missing = [info for info in infos if info.id not in found]
    if missing:
        with database(settings) as engine:
            stored = load_plans(engine, [info.id for info in missing])  # one query for all their visits
            since: dict[object, int] = {}  # plans made after the same import batch share its count
            for plan in stored:
                key = _imports_key(plan)
                if key not in since:
                    since[key] = _imports_since(engine, plan, top=0)[0]
            counts = [since[_imports_key(plan)] for plan in stored]
            current = load_tables(engine, CHANGE_TABLES if any(counts) else ("facilities", "locked_visits"))
        now = CurrentData(current)  # worked out once for every plan
        if len(_FRESHNESS) > _FRESHNESS_KEPT:
            _FRESHNESS.clear()
        for plan, n in zip(stored, counts, strict=True):
            found[plan.id] = _compare(settings, plan, now, n, None).seen_by(authorised).freshness
            _FRESHNESS[(settings.resolved_database_url, plan.id, plan.created_at, authorised)] = (stamp, found[plan.id])
    return found


def _imports_key(stored: StoredPlan) -> object:
    """What :func:`_imports_since` counts from: the plan's import batch, or (a plan stored before it kept one) its
    ``created_at``."""
    if "import_batch_id" in stored.data_basis:
        return ("batch", stored.data_basis.get("import_batch_id"))
    return ("since", stored.created_at)


def _imports_since(engine: Engine, stored: StoredPlan, top: int) -> tuple[int, list[ImportBatch]]:
    """The import batches after the one ``stored`` was made from (a plan stored before it kept one: those imported
    after its ``created_at``): their count and the newest ``top``."""
    batch_id = stored.data_basis.get("import_batch_id")
    if "import_batch_id" in stored.data_basis:
        return import_batches(engine, after_id=int(batch_id) if batch_id is not None else 0, top=top)
    return import_batches(engine, since=stored.created_at, top=top)


def _compare(
    settings: Settings,
    stored: StoredPlan,
    current: Dataset | CurrentData,
    imports: int,
    last_import_at: dt.datetime | None,
) -> PlanStaleness:
    return plan_changes(
        stored,
        current,
        imports=imports,
        last_import_at=last_import_at,
        today=settings.effective_today(),
        days_off=list(settings.days_off),
        replan_command=replan_command(stored),
        data_read=imports > 0,
    )


def data_changes_stamp(settings: Settings) -> list[object]:
    """What :func:`plan_data_changes` depends on besides the plan, read cheaply (for an HTTP validator): the newest
    import batch, the locked visits, the days off and today."""
    with database(settings) as engine:
        stamp = import_stamp(engine)
        locks = load_locked_visits(engine)
    rows = sorted(
        f"{f}|{date_of(d)}|{i}|{bool(a)}"
        for f, d, i, a in zip(
            locks["facility_id"], locks["date"], locks["inspector_id"], locks["announced"], strict=True
        )
    )
    # keyed: a plain hash of so few guessable rows (tilbud, day, inspector) let a reader confirm an unannounced
    # lock's day by recomputing the plan's ETag offline
    digest = hmac.new(_stamp_key(settings), "\n".join(rows).encode("utf-8"), hashlib.sha256).hexdigest()
    return [None if stamp is None else stamp[0], digest, list(settings.days_off), settings.effective_today()]


#: The key of a server without planner tokens: a reader's ETag then changes with a restart (a 200, not a 304).
_PROCESS_KEY = secrets.token_bytes(32)


def _stamp_key(settings: Settings) -> bytes:
    """A key readers cannot know and every worker shares (the same across restarts): the planner tokens'."""
    tokens = sorted(t for t in settings.api_tokens if t)
    if not tokens:
        return _PROCESS_KEY
    return hashlib.sha256(("tilsynsplan-etag\n" + "\n".join(tokens)).encode("utf-8")).digest()


def _authorities_with_facilities(engine: Engine) -> list[str]:
    """The socialtilsyn codes that have tilbud stored, in the enum's order."""
    stored = set(load_reference_data(engine).facilities["authority"].astype(str))
    return [a.value for a in Authority if a.value in stored]


def _any_inspectors(engine: Engine) -> bool:
    return not load_reference_data(engine).inspectors.empty


def check_plan_request(settings: Settings, quarter: str, authority: str | None, as_of: dt.date | None) -> None:
    """Refuse a bad quarter, socialtilsyn or as-of date before any work (``create_plan`` checks them again)."""
    _quarter(quarter)
    parse_authority(authority)
    settings.as_of_or_today(as_of)


def show_plan(settings: Settings, plan_id: int) -> StoredPlan:
    """A stored plan (``NotFoundError`` naming the id if there is none)."""
    with database(settings) as engine:
        return load_plan(engine, plan_id)


def plan_version(settings: Settings, plan_id: int) -> PlanInfo:
    """A stored plan's header without its visits (``NotFoundError`` naming the id if there is none): what names
    the stored version. A plan is never changed once stored (a re-plan is a new plan)."""
    with database(settings) as engine:
        return plan_header(engine, plan_id)


def quarter_code(value: str) -> str:
    """A quarter as stored (``2027K1`` and ``2027q1`` are ``2027Q1``); ``InvalidArgumentError`` for any other text."""
    return _quarter(value)


def plan_quarter(settings: Settings, info: PlanInfo, value: str) -> str:
    """``value`` as stored (:func:`quarter_code`), one of the quarters the plan's horizon covers: a quarter outside
    it is ``InvalidArgumentError`` naming the plan's quarters (no visits there would read as "none planned", when the
    plan does not cover that quarter). The horizon is the plan's own (the settings stored with it), read without its
    visits."""
    wanted = _quarter(value)
    with database(settings) as engine, Session(engine) as session:
        row = session.get(PlanRow, info.id)
        stored = dict(row.settings or {}) if row is not None else {}
    count = int(stored.get("plan_horizon_quarters") or settings.plan_horizon_quarters)
    covered = horizon(info.quarter, max(count, 1))[2]
    if wanted not in covered:
        raise InvalidArgumentError(
            f"Planen {info.id} dækker kvartalerne {covered[0]} til {covered[-1]}; '{shown_value(value)}' ligger uden "
            "for planens horisont."
        )
    return wanted


def plans(settings: Settings) -> list[PlanInfo]:
    """Every stored plan version, newest first."""
    with database(settings) as engine:
        return list_plans(engine)


def visits_for_reader(plan: StoredPlan, authorised: bool) -> pd.DataFrame:
    """The plan's visits; for readers who are not authorised, unannounced dates are blanked (``confidential``
    marks them) and their reasons are the reader's (``visit_reason_for_reader_da``: the planner's names the
    deadline and the weeks an overdue visit falls in)."""
    frame = plan.visits.copy()
    frame["confidential"] = ~frame["announced"].astype(bool)
    if not authorised:
        frame["date"] = [None if c else d for c, d in zip(frame["confidential"], frame["date"], strict=True)]
        frame["reason"] = [
            visit_reason_for_reader_da(code) if c else reason
            for c, code, reason in zip(frame["confidential"], frame["reason_code"], frame["reason"], strict=True)
        ]
        # the stored order is by date: a reader's list in that order would tell the hidden dates' order (and,
        # next to a shown announced date, bound them). By socialtilsyn and tilbud, the confidential ones last.
        # (the index stays the stored row's: ``PlanPublic.from_stored`` takes each visit's true quarter from it)
        frame = frame.sort_values(["authority", "facility_id", "confidential"], kind="mergesort")
    return frame


def announced_by_inspector(plan: StoredPlan) -> dict[str, int]:
    """The announced visits of the plan's quarter by inspector: what a reader may see of the analysis's
    ``visits_first_quarter_by_inspector``. Its totals count the unannounced visits too, which told a reader who makes
    them (and, beside an inspector's capacity, the day: "1 of 1 possible")."""
    _, last = quarter_bounds(plan.quarter)
    counts: dict[str, int] = {}
    for day, ids, announced in zip(
        plan.visits["date"], plan.visits["inspector_ids"], plan.visits["announced"], strict=True
    ):
        when = date_of(day)
        if bool(announced) and when is not None and when <= last:
            for iid in (i for i in str(ids).split(";") if i):
                counts[iid] = counts.get(iid, 0) + 1
    return dict(sorted(counts.items()))


def select_visits(
    plan: StoredPlan,
    visits: pd.DataFrame,
    authorised: bool,
    quarter: str | None = None,
    inspector_id: str | None = None,
) -> pd.DataFrame:
    """``visits`` (``visits_for_reader(plan, authorised)``) in ``quarter`` (``YYYYQn`` or ``YYYYKn``, by the visit's
    true date, which only planners see: every reader sees the quarter) and with ``inspector_id`` among the visit's
    inspectors. For a reader an unannounced visit has no inspector, so it is never one inspector's: the filter
    must not tell who makes a visit whose date is confidential."""
    keep = np.ones(len(visits), dtype=bool)
    if quarter is not None:
        wanted = _quarter(quarter)
        keep &= np.array([quarter_of(d) == wanted for d in plan.visits["date"].loc[visits.index]], dtype=bool)
    if inspector_id is not None:
        keep &= np.array(
            [
                (authorised or not hidden) and inspector_id in str(ids).split(";")
                for ids, hidden in zip(visits["inspector_ids"], visits["confidential"], strict=True)
            ],
            dtype=bool,
        )
    return visits[keep]


def export_plan_csv(plan: StoredPlan, path: Path) -> Path:
    """Every visit of the horizon, one row a visit (planners only: unannounced dates included)."""
    frame = plan.visits.copy()
    frame["date"] = [d.isoformat() for d in frame["date"]]
    frame["announced"] = frame["announced"].map({True: "true", False: "false"})
    frame["locked"] = frame["locked"].map({True: "true", False: "false"})
    path.parent.mkdir(parents=True, exist_ok=True)
    frame[list(EXPORT_COLUMNS)].to_csv(path, index=False, encoding="utf-8")
    return path


def plan_from_stored(stored: StoredPlan) -> Plan:
    """The planner's ``Plan`` rebuilt from a stored version (for reports)."""
    analysis = PlanAnalysis.from_dict(stored.analysis)
    start_text, end_text = stored.analysis.get("start"), stored.analysis.get("end")
    q_start, _ = quarter_bounds(stored.quarter)
    visits = tuple(
        PlannedVisit(
            facility_id=str(r.facility_id),
            authority=str(r.authority or ""),
            date=r.date,
            inspector_ids=tuple(i for i in str(r.inspector_ids).split(";") if i),
            announced=bool(r.announced),
            kind=VisitKind(str(r.kind)),
            role=VisitRole(str(r.role)) if r.role else (VisitRole.LOCKED if r.locked else VisitRole.DEADLINE),
            reason_code=ReasonCode(str(r.reason_code)) if r.reason_code else ReasonCode.DEADLINE,
            reason=str(r.reason),
            locked=bool(r.locked),
        )
        for r in stored.visits.itertuples(index=False)
    )
    end = dt.date.fromisoformat(str(end_text)) if end_text else max((v.date for v in visits), default=q_start)
    return Plan(
        quarter=stored.quarter,
        as_of=stored.as_of,
        start=dt.date.fromisoformat(str(start_text)) if start_text else max(q_start, stored.as_of),
        end=end,
        authority=stored.authority,
        status=stored.status,
        visits=visits,
        analysis=analysis,
        parent_plan_id=stored.parent_id,
    )


def load_stored_plan(
    settings: Settings, plan_id: int, run_id: int | None = None, stored: StoredPlan | None = None
) -> tuple[Plan, dict[str, dt.date], dict[str, float]]:
    """A stored plan as the planner's ``Plan``, the facilities' legal due dates, and the risk values of
    the run it was planned from (``run_id``; empty when unknown). ``stored``: the plan, already loaded."""
    with database(settings) as engine:
        stored = load_plan(engine, plan_id) if stored is None else stored
        run = get_risk_run(engine, run_id if run_id is not None else stored.risk_run_id or -1)
    plan = plan_from_stored(stored)
    deadlines = {fid: dt.date.fromisoformat(d) for fid, d in plan.analysis.deadlines.items()}
    risks = (
        {}
        if run is None
        else {str(f): float(r) for f, r in zip(run.scores["facility_id"], run.scores["risk"], strict=True)}
    )
    return plan, deadlines, risks
