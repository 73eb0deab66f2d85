"""From a ``Dataset`` and a risk table to a :class:`PlanningProblem`.

Decisions (documented here, relied on by the model and the checker):

- **What is known.** Only what was known on ``as_of``: records dated on or before it
  (``Dataset.known_at(as_of + 1 day)``): facilities approved on or before it, visits on or before it. A
  visit imported with the as-of day's date has happened (it keeps the minimum gap and restarts the
  deadline), and a tilbud approved that day is active and gets its first visit. (The risk model's
  features use ``known_at(as_of)``: the day's records are not yet reported there.) Inspectors,
  absences and locked visits are planning inputs, kept whole. The facilities planned are those active
  on the plan start.
- **Closing tilbud.** A ``closed_on`` after the as-of day (``known_at`` leaves it out) is an announced
  closure, accepted by the import, and honoured, when it also lies after today and after the data's last
  record (``Dataset.last_date``): a closing day within the data's span, or between the as-of day and
  today, is a closure that happened and was not known on the as-of day (a what-if, or the backtest's
  replay of synthetic Denmark as of an earlier day, ignores it, as ``known_at`` does). A tilbud closing
  on or before the plan start is not planned, nor one closing before the minimum gap after its last
  visit allows another; one closing within the horizon is visited only before its closing day, and a
  deadline on or after that day needs no visit (``FacilityNeed.last_day``); the plan's notes name them.
- **Plan start.** The first day of the quarter, or ``as_of`` when that is later (re-planning within
  the quarter). The horizon ends with the last day of quarter ``plan_horizon_quarters``.
- **Deadline.** The last unannounced visit + the interval of the facility's type (the later of the
  visits file's and ``facilities.last_unannounced_visit``, given for a short export); never visited
  unannounced: approval + interval.
- **Locked visits before the plan start.** One dated after ``as_of`` (planning a later quarter) is an
  agreed visit that will have taken place: it counts as history, an unannounced one restarting the
  deadline.
  One dated on or before ``as_of`` should have taken place, and ``visits.csv`` is the record of what
  did: it counts only for the minimum gap (it probably happened), not as a completed visit (neither the
  unannounced deadline nor the first-visit rule). When ``visits.csv`` has no visit of that tilbud on
  that day, a plan note says so; an unannounced lock's date is confidential and plan notes reach
  every reader, so that note names the tilbud, not the date (``tilsynsplan locks`` shows it).
- **Planning ahead.** The plan of record for a quarter before the one planned, stored earlier (``EarlierPlan``:
  the newest plan for that quarter of the facility's socialtilsyn or of all), is what will happen in that
  quarter: its visits after the as-of day and before the plan start count as history, like a lock there (an
  unannounced one restarts the deadline), from the current quarter on. A quarter after the next one is
  refused (``InvalidArgumentError``) while a deadline falls before its start that no such visit keeps:
  the quarters in between would stay unplanned, and the plan would put those visits years late in its first
  weeks. The message names the first quarter without a plan and the earliest such deadline. The next
  quarter is always accepted: a deadline before it lies in the current quarter, the planner's business now.
  A plan's visits on the as-of day count too when it was made as of that day: it started then, as plans do,
  so visits.csv cannot hold them yet (Q1 and Q2 planned on 4 January must not both visit the overdue).
- **New facility.** No visit yet other than an approval visit, and that is known: approved on or after
  the first visit in the data (without any visit data: within ``first_visit_months`` before the as-of
  day, so a first visit due between the as-of day and a later quarter's start is kept too, due before the
  quarter). Its first visit is due within ``first_visit_months`` of approval (a locked visit by then keeps
  the rule). Planned visits are unannounced, so the first visit also starts the facility's unannounced
  rhythm. A tilbud approved before the data begin with no visit in them is not new (the file simply
  begins later): an ordinary facility with no known unannounced visit, deadline approval + interval.
- **Overdue.** When the due date cannot be met any more at plan start (it has passed, or the minimum
  gap to the last visit or to locked visits leaves no working day before it), the planner cannot repair the
  history: the facility must be visited by the end of the first quarter (or 4 weeks after its earliest
  possible day, if later), as early as possible, and is reported as overdue. This keeps the model
  feasible for history while keeping the legal pressure.
- **Risk.** Per authority: rank 1 = riskiest; percentile ``(n - rank) / (n - 1)`` (1 riskiest, 0
  least). A facility without a risk score gets its authority's median (reported in the notes).
- **Top group** (the extra first-quarter visit), by ``top_tier_scope``: ``national`` (the default), the riskiest
  ``ceil(top_tier_share * n)`` of the *n* tilbud in the risk table, by the rule of the risk list's group "høj"
  (``models.risk_model.rank_and_tier``: equal risks share the group), so a plan for all and a plan for one
  socialtilsyn give a tilbud the same group, and the list's "høj" is the plan's extra visit (a tilsyn whose
  tilbud are riskier gets more of them: measured by the backtest, ``bench/BACKTEST_NOTES.md``); a tilbud without a
  score is not in it. ``authority``: the riskiest ``ceil(top_tier_share * n)`` of each authority's own *n*, so every
  tilsyn gets its own top tenth.
  The top tier's extra visit in the first quarter is asked only of those not yet visited in it: a re-plan
  within the quarter does not send inspectors back to a top-tier facility they saw a few weeks ago.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from data.calendar import add_months, days_off_between, is_working_day, next_quarter, quarter_bounds, quarter_of
from data.dataset import Dataset, absence_periods, date_of
from data.enums import FacilityType, VisitKind
from data.errors import InvalidArgumentError
from data.glossary import format_number_da, some_ids_da
from data.lock_rules import lock_rule_problems, parse_competences
from data.settings import Settings
from planner.domain import (
    TOP_DECILE,
    EarlierPlan,
    EarlierVisit,
    FacilityNeed,
    Inspector,
    LockedVisit,
    ParentVisit,
    PlanInfeasibleError,
    PlanningProblem,
)

OVERDUE_MIN_DAYS = 28


def _float(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def horizon(quarter: str, quarters: int) -> tuple[dt.date, dt.date, tuple[str, ...]]:
    """First day, last day and the quarters of a horizon of ``quarters`` quarters from ``quarter``."""
    try:
        q_start, _ = quarter_bounds(quarter)
    except ValueError as error:
        raise InvalidArgumentError(str(error)) from error
    names = tuple(quarter_of(add_months(q_start, 3 * k)) for k in range(quarters))
    _, end = quarter_bounds(names[-1])
    return q_start, end, names


def first_possible_day(
    start: dt.date, end: dt.date, fixed: list[dt.date], gap_days: int, days_off: frozenset[dt.date] = frozenset()
) -> dt.date | None:
    """The first working day in ``[start, end]`` (not in ``days_off``) at least ``gap_days`` from every fixed
    visit (history, locks)."""
    gap = dt.timedelta(days=gap_days)
    day = start
    while day <= end:
        if is_working_day(day, days_off) and all(abs(day - x) >= gap and day != x for x in fixed):
            return day
        day += dt.timedelta(days=1)
    return None


def risk_map(risk: pd.DataFrame) -> dict[str, float]:
    if "facility_id" not in risk.columns or "risk" not in risk.columns:
        raise InvalidArgumentError(
            f"Risikotabellen skal have kolonnerne facility_id og risk; den har {sorted(map(str, risk.columns))}"
        )
    out: dict[str, float] = {}
    for fid, r in zip(risk["facility_id"], risk["risk"], strict=True):
        value = _float(r)
        if value is not None:
            out[str(fid)] = min(1.0, max(0.0, value))
    return out


def _inspectors(ds: Dataset, authorities: Iterable[str]) -> tuple[Inspector, ...]:
    wanted = set(authorities)
    absences = absence_periods([ds.absences])
    out = []
    for row in ds.inspectors.sort_values("inspector_id").itertuples(index=False):
        if str(row.authority) not in wanted:
            continue
        iid = str(row.inspector_id)
        postcode = None if row.postcode is None or pd.isna(row.postcode) else str(row.postcode)
        out.append(
            Inspector(
                inspector_id=iid,
                name=str(row.name),
                authority=str(row.authority),
                competences=parse_competences(row.competences),
                visits_per_week=int(row.visits_per_week),
                postcode=postcode,
                absences=absences.get(iid, ()),
            )
        )
    return tuple(out)


def build_problem(
    dataset: Dataset,
    risk: pd.DataFrame,
    settings: Settings,
    quarter: str,
    as_of: dt.date | None = None,
    authority: str | None = None,
    *,
    parent_visits: Iterable[ParentVisit] = (),
    parent_plan_id: int | None = None,
    time_limit_s: float | None = None,
    earlier_plans: Iterable[EarlierPlan] = (),
) -> PlanningProblem:
    """The planning problem for ``quarter`` (the plan of record) and the quarters after it. ``earlier_plans``:
    the stored plans for the quarters from the as-of day's up to the one before ``quarter`` (see the module doc)."""
    as_of = as_of or settings.effective_today()
    q_start, end, quarters = horizon(quarter, settings.plan_horizon_quarters)
    _, first_quarter_end = quarter_bounds(quarters[0])
    if as_of > first_quarter_end:
        raise InvalidArgumentError(
            f"Kvartalet {quarter} er allerede slut på opgørelsesdatoen {as_of.isoformat()}; "
            "vælg et kvartal, der slutter efter den"
        )
    start = max(q_start, as_of)
    if time_limit_s is not None and time_limit_s <= 0:
        raise InvalidArgumentError(f"Tidsgrænsen skal være positiv, ikke {time_limit_s}")
    gap = settings.min_visit_gap_days
    days_off = days_off_between(start, end, settings.days_off)
    check_day_left(quarter, as_of, start, first_quarter_end, days_off)
    known = dataset.known_at(as_of + dt.timedelta(days=1))  # the as-of day's records are history
    active = known.active_facilities(start)
    if authority is not None:
        active = active[active["authority"] == authority]
    notes: list[str] = []
    stale = dataset.stale_note(as_of)
    if stale:
        notes.append(stale)
    data_end = date_of(dataset.last_date())
    announced_after = max(as_of, settings.effective_today(), data_end or as_of)
    closing = _closures(dataset, set(active["facility_id"].astype(str)), announced_after, end)
    closed_before = sorted(fid for fid, day in closing.items() if day <= start)
    if closed_before:
        active = active[~active["facility_id"].astype(str).isin(closed_before)]
    active = active.sort_values("facility_id").reset_index(drop=True)

    # --- history per facility (visits known on as_of; locked visits before the start, see the doc) ---
    ids = set(active["facility_id"].astype(str))
    last_visit: dict[str, dt.date] = {}
    last_unannounced: dict[str, dt.date] = {}
    visited: set[str] = set()
    seen_this_quarter: set[str] = set()  # a re-plan within the quarter: visited since its first day

    def see(fid: str, day: dt.date, announced: bool, kind: str) -> None:
        if day > last_visit.get(fid, dt.date.min):
            last_visit[fid] = day
        if not announced and day > last_unannounced.get(fid, dt.date.min):
            last_unannounced[fid] = day
        if kind != VisitKind.APPROVAL:
            visited.add(fid)
            if day >= q_start:
                seen_this_quarter.add(fid)

    for row in known.visits.itertuples(index=False):
        fid = str(row.facility_id)
        day = date_of(row.date)
        if fid in ids and day is not None:
            see(fid, day, bool(row.announced), str(row.kind))
    if "last_unannounced_visit" in active:
        # a short export: the last unannounced visit before visits.csv begins
        for fid, value in zip(active["facility_id"].astype(str), active["last_unannounced_visit"], strict=True):
            day = date_of(value)
            if day is not None:
                see(fid, day, False, VisitKind.OPERATIONAL)

    visits = known.visits
    visit_days = {(str(f), date_of(d)) for f, d in zip(visits["facility_id"], visits["date"], strict=True)}
    locked: list[LockedVisit] = []
    past_locks: list[tuple[str, dt.date, bool]] = []  # on or before as_of and not in visits.csv
    dropped_after = 0
    for row in dataset.locked_visits.itertuples(index=False):
        fid = str(row.facility_id)
        day = date_of(row.date)
        if fid not in ids or day is None:
            continue
        if day < start and day <= as_of:
            # should have happened: the minimum gap only (see the module doc)
            if day > last_visit.get(fid, dt.date.min):
                last_visit[fid] = day
            if day >= q_start:
                seen_this_quarter.add(fid)
            if (fid, day) not in visit_days:
                past_locks.append((fid, day, bool(row.announced)))
        elif day < start:
            see(fid, day, bool(row.announced), VisitKind.OPERATIONAL)
        elif day > end:
            dropped_after += 1
        else:
            locked.append(LockedVisit(fid, day, str(row.inspector_id), bool(row.announced)))
    authority_of = dict(zip(active["facility_id"].astype(str), active["authority"].astype(str), strict=True))
    earlier = tuple(earlier_plans)
    counted: dict[EarlierPlan, int] = {}
    for fid, plan, visit in earlier_visits(earlier, authority_of, as_of, start):
        see(fid, visit.date, visit.announced, VisitKind.OPERATIONAL)
        counted[plan] = counted.get(plan, 0) + 1
    if counted:
        notes.append(earlier_plans_note(counted))
    if dropped_after:
        notes.append(f"{dropped_after} låste besøg ligger efter planens horisont og indgår ikke.")
    notes.extend(past_lock_notes(past_locks))
    locked.sort(key=lambda lv: (lv.date, lv.facility_id))
    locks_by_facility: dict[str, list[LockedVisit]] = {}
    for lv in locked:
        locks_by_facility.setdefault(lv.facility_id, []).append(lv)

    # visits before the data start are unknown: "no visit" means none only for a tilbud approved since then
    data_start = date_of(known.visits["date"].min()) if len(known.visits) else None
    # without visit data: new when its first visit cannot have been due yet on the as-of day (counted from the
    # plan's start, a tilbud approved between the two windows' starts lost its first-visit rule)
    history_from = data_start or add_months(as_of, -settings.first_visit_months)

    # --- risk, per authority ------------------------------------------------------------------
    # a tilbud that closes before the minimum gap after its last visit allows another: nothing to plan
    unreachable = sorted(
        fid
        for fid, closes in closing.items()
        if fid in ids
        and fid not in locks_by_facility
        and first_possible_day(
            start, closes - dt.timedelta(days=1), [last_visit[fid]] if fid in last_visit else [], gap, days_off
        )
        is None
    )
    if unreachable:
        ids -= set(unreachable)
        active = active[active["facility_id"].astype(str).isin(ids)].reset_index(drop=True)

    risks = risk_map(risk)
    national = settings.top_tier_scope == "national"
    national_rank = national_ranks(risks) if national else {}
    national_top = riskiest_share(risks, national_rank, settings.top_tier_share)
    national_decile = riskiest_share(risks, national_rank, TOP_DECILE)
    facilities: list[FacilityNeed] = []
    missing_total = 0
    for auth, group in active.groupby("authority", sort=True):
        fids = [str(f) for f in group["facility_id"]]
        present = [risks[f] for f in fids if f in risks]
        median = float(np.median(present)) if present else 0.5
        missing = {f for f in fids if f not in risks}
        missing_total += len(missing)
        values = {f: risks.get(f, median) for f in fids}
        # riskiest first; ties by id so the order never depends on input row order
        order = sorted(fids, key=lambda f: (-values[f], f))
        n = len(order)
        top_n = math.ceil(settings.top_tier_share * n - 1e-9) if settings.top_tier_share > 0 else 0
        decile_n = math.ceil(TOP_DECILE * n - 1e-9)
        rank = {f: k + 1 for k, f in enumerate(order)}
        for row in group.itertuples(index=False):
            fid = str(row.facility_id)
            ftype = str(row.facility_type)
            approved = date_of(row.approved_on)
            assert approved is not None
            interval = settings.interval_months(FacilityType(ftype))
            base = last_unannounced.get(fid, approved)
            deadline = add_months(base, interval)
            history_known = approved >= history_from
            is_new = fid not in visited and history_known
            first_due: dt.date | None = None
            if is_new:
                first_due = add_months(approved, settings.first_visit_months)
                if any(lv.date <= first_due for lv in locks_by_facility.get(fid, [])):
                    first_due = None  # a locked visit keeps the first-visit rule
            due = min(deadline, first_due) if first_due is not None else deadline
            closes = closing.get(fid)
            last_day = end if closes is None else min(end, closes - dt.timedelta(days=1))
            fixed = [lv.date for lv in locks_by_facility.get(fid, [])]
            if fid in last_visit:
                fixed.append(last_visit[fid])
            earliest = first_possible_day(start, last_day, fixed, gap, days_off)
            locks_before_due = [lv for lv in locks_by_facility.get(fid, []) if not lv.announced and lv.date <= due]
            # no day left before the due date; a due date after the facility's last day needs no visit
            missed = due <= last_day if earliest is None else due < earliest
            overdue = missed and not locks_before_due
            overdue_due: dt.date | None = None
            if overdue:
                base_day = earliest or start
                overdue_due = min(last_day, max(first_quarter_end, base_day + dt.timedelta(days=OVERDUE_MIN_DAYS)))
            lat, lon = _float(getattr(row, "lat", None)), _float(getattr(row, "lon", None))
            in_top = fid in national_top if national else rank[fid] <= top_n
            in_decile = fid in national_decile if national else rank[fid] <= decile_n
            facilities.append(
                FacilityNeed(
                    facility_id=fid,
                    name=str(row.name),
                    authority=str(auth),
                    facility_type=ftype,
                    postcode=str(row.postcode),
                    lat=lat,
                    lon=lon,
                    risk=values[fid],
                    risk_rank=rank[fid],
                    risk_percentile=(n - rank[fid]) / (n - 1) if n > 1 else 1.0,
                    top_tier=in_top and fid not in seen_this_quarter,
                    approved_on=approved,
                    interval_months=interval,
                    last_unannounced=last_unannounced.get(fid),
                    last_visit=last_visit.get(fid),
                    is_new=is_new,
                    first_visit_due=first_due,
                    deadline=deadline,
                    overdue=overdue,
                    overdue_due=overdue_due,
                    risk_missing=fid in missing,
                    history_known=history_known,
                    closed_on=closes,
                    top_decile=in_decile,
                    national_rank=national_rank.get(fid),
                )
            )
    if missing_total:
        notes.append(f"{missing_total} tilbud har ingen risikoscore; de har fået socialtilsynets median.")
    notes.extend(closing_notes(closing, closed_before, unreachable, start))
    short = short_export_note(facilities, data_start, start)
    if short:
        notes.append(short)

    check_quarters_before(facilities, earlier, as_of, quarters[0])

    inspectors = _inspectors(dataset, {f.authority for f in facilities} | ({authority} if authority else set()))
    _validate_locks(locked, {i.inspector_id: i for i in inspectors}, {f.facility_id: f for f in facilities})
    parents = tuple(p for p in parent_visits if p.facility_id in ids and start <= p.date <= end)
    return PlanningProblem(
        quarter=quarters[0],
        as_of=as_of,
        start=start,
        end=end,
        first_quarter_end=first_quarter_end,
        quarters=quarters,
        authority=authority,
        facilities=tuple(sorted(facilities, key=lambda f: f.facility_id)),
        inspectors=inspectors,
        locked=tuple(locked),
        min_gap_days=gap,
        first_visit_months=settings.first_visit_months,
        top_tier_share=settings.top_tier_share,
        seed=settings.seed,
        time_limit_s=time_limit_s if time_limit_s is not None else settings.solver_time_limit_s,
        workers=settings.solver_workers,
        parent_visits=parents,
        parent_plan_id=parent_plan_id,
        notes=tuple(notes),
        days_off=days_off,
        top_tier_scope=settings.top_tier_scope,
        top_tier_pool=len(national_rank),
        top_tier_pool_authorities=pool_authorities(risk, dataset) if national else (),
    )


def pool_authorities(risk: pd.DataFrame, dataset: Dataset) -> tuple[str, ...]:
    """The socialtilsyn of the tilbud with a risk: the risk table's ``authority`` column when it has one (a plan for
    one tilsyn loads only its tilbud, the risk run holds all), else the dataset's tilbud with a risk."""
    if "authority" in risk.columns:
        return tuple(sorted({str(a) for a in risk.loc[risk["risk"].notna(), "authority"].dropna()}))
    with_risk = dataset.facilities["facility_id"].astype(str).isin(set(risk["facility_id"].astype(str)))
    return tuple(sorted({str(a) for a in dataset.facilities.loc[with_risk, "authority"]}))


def national_ranks(risks: dict[str, float]) -> dict[str, int]:
    """Every tilbud with a risk, ranked over all of them: 1 = riskiest, equal risks by id."""
    return {f: k + 1 for k, f in enumerate(sorted(risks, key=lambda f: (-risks[f], f)))}


def riskiest_share(risks: dict[str, float], ranks: dict[str, int], share: float) -> set[str]:
    """The riskiest ``share`` of the ranked tilbud, ``ceil(share * n)`` rounded up; tilbud whose risk equals that of
    the last one in are in too (the rule of the risk list's "høj": an equal risk in two groups would be a
    distinction the model never made). Empty when ``ranks`` is (the group drawn per socialtilsyn)."""
    k = math.ceil(share * len(ranks) - 1e-9) if share > 0 else 0
    if k == 0:
        return set()
    cut = next(risks[f] for f, r in ranks.items() if r == k)
    return {f for f in ranks if risks[f] >= cut}


def plan_of_record(earlier: Iterable[EarlierPlan], quarter: str, authority: str) -> EarlierPlan | None:
    """The newest stored plan for ``quarter`` that plans ``authority``'s tilbud (made for it or for all)."""
    plans = [p for p in earlier if p.quarter == quarter and p.authority in (None, authority)]
    return max(plans, key=lambda p: p.plan_id, default=None)


def quarters_from(first: str, before: str) -> list[str]:
    """The quarters from ``first`` up to the one before ``before`` (empty when ``first`` is not earlier)."""
    out: list[str] = []
    day, stop = quarter_bounds(first)[0], quarter_bounds(before)[0]
    while day < stop:
        out.append(quarter_of(day))
        day = add_months(day, 3)
    return out


def earlier_visits(
    earlier: tuple[EarlierPlan, ...], authority_of: dict[str, str], as_of: dt.date, start: dt.date
) -> list[tuple[str, EarlierPlan, EarlierVisit]]:
    """The visits of the plans of record before the plan start that will have taken place: for each quarter
    from the as-of day's to the one before the plan's and each tilbud of ``authority_of``, the visits its plan of
    record (:func:`plan_of_record`) puts in that quarter, after the as-of day and before ``start`` (on the as-of day
    too when that plan was made as of it: it started that day, so nothing recorded those visits yet)."""
    if not earlier or as_of >= start:
        return []
    out: list[tuple[str, EarlierPlan, EarlierVisit]] = []
    for quarter in quarters_from(quarter_of(as_of), quarter_of(start)):
        first, last = quarter_bounds(quarter)
        for authority in sorted(set(authority_of.values())):
            plan = plan_of_record(earlier, quarter, authority)
            if plan is None:
                continue
            out.extend(
                (v.facility_id, plan, v)
                for v in plan.visits
                if authority_of.get(v.facility_id) == authority
                and first <= v.date <= last
                and (as_of < v.date or (v.date == as_of and plan.as_of == as_of))
                and v.date < start
            )
    return out


def earlier_plans_note(counted: dict[EarlierPlan, int]) -> str:
    """The plan note naming the stored plans whose visits count as history, with how many (no dates)."""
    parts = [
        f"plan {p.plan_id} for {p.quarter} ({n} besøg)"
        for p, n in sorted(counted.items(), key=lambda item: (item[0].quarter, item[0].plan_id))
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    return (
        f"Planen bygger på {listed}: de besøg, der ligger fra opgørelsesdatoen til planens start, "
        "regnes som gennemførte."
    )


def check_quarters_before(
    facilities: Iterable[FacilityNeed], earlier: tuple[EarlierPlan, ...], as_of: dt.date, quarter: str
) -> None:
    """Refuse a plan for a quarter after the next one while a deadline falls before its start that no stored
    plan keeps (see the module doc): the message names the first quarter without a plan and the earliest such
    deadline, and says to plan the quarters in order."""
    q_start = quarter_bounds(quarter)[0]
    following = next_quarter(as_of)
    if q_start <= quarter_bounds(following)[0]:
        return
    uncovered = sorted(
        (f for f in facilities if f.overdue and f.legal_due < q_start), key=lambda f: (f.legal_due, f.facility_id)
    )
    if not uncovered:
        return
    between = quarters_from(following, quarter)
    unplanned = [
        q for q in between if any(plan_of_record(earlier, q, a) is None for a in {f.authority for f in uncovered})
    ]
    first = uncovered[0]
    ids = [f.facility_id for f in uncovered]
    deadlines = (
        f"{format_number_da(len(uncovered), 0)} tilbud har en frist før {quarter} begynder "
        f"({some_ids_da(ids)}; den tidligste: "
        f"{first.facility_id}, frist {first.legal_due.isoformat()})"
    )
    if unplanned:
        raise InvalidArgumentError(
            f"Kvartalet {quarter} kan ikke planlægges endnu: {unplanned[0]} er ikke planlagt, og {deadlines}, som "
            f"ingen gemt plan dækker. Planlæg kvartalerne i rækkefølge, først tilsynsplan plan --quarter "
            f"{unplanned[0]}: en plan for et senere kvartal regner de gemte planers besøg i kvartalerne før med."
        )
    raise InvalidArgumentError(
        f"Kvartalet {quarter} kan ikke planlægges endnu: {deadlines}, som de gemte planer for "
        f"{' og '.join(between)} ikke besøger (fx tilbud godkendt, efter planerne blev lagt). Genplanlæg først "
        f"{between[0]} (tilsynsplan plan --quarter {between[0]} --replan-of ID)."
    )


def check_day_left(
    quarter: str, as_of: dt.date, start: dt.date, quarter_end: dt.date, days_off: frozenset[dt.date]
) -> None:
    """Refuse the current quarter when no working day is left in it from the plan's start (as of 31 December, or
    a Sunday that ends it): its plan would have no visit in the quarter it is the plan of record for, and an
    overdue tilbud, due by the end of the first quarter, would get only ``OVERDUE_MIN_DAYS`` instead."""
    day = start
    while day <= quarter_end:
        if is_working_day(day, days_off):
            return
        day += dt.timedelta(days=1)
    following = quarter_of(quarter_end + dt.timedelta(days=1))
    raise InvalidArgumentError(
        f"Kvartalet {quarter} har ingen arbejdsdag tilbage fra opgørelsesdatoen {as_of.isoformat()} (weekender, "
        "helligdage og fridagene i indstillingen days_off tæller ikke): en plan for det ville ikke have et eneste "
        f"besøg i kvartalet. Planlæg det næste kvartal, {following}."
    )


def short_export_note(facilities: Iterable[FacilityNeed], data_start: dt.date | None, start: dt.date) -> str:
    """A note when tilbud look overdue at the plan start only because the visits begin too late to show
    their last unannounced visit: no unannounced visit known, approved before the first visit in the data,
    and the data beginning less than the tilbud's interval before the plan starts (a longer history would
    have shown a visit that keeps the deadline). Empty when there is none. It names the plan start: the
    import's warning (``data.importer.short_export_warning``) counts the same tilbud overdue on the day of
    the import, so the two counts differ by the deadlines that pass in between."""
    if data_start is None:
        return ""
    unknown = sorted(
        f.facility_id
        for f in facilities
        if f.overdue
        and f.last_unannounced is None
        and f.approved_on < data_start
        and add_months(data_start, f.interval_months) > start
    )
    if not unknown:
        return ""
    return (
        f"{format_number_da(len(unknown), 0)} tilbud står som forfaldne ved planens start {start.isoformat()} "
        "alene fordi besøgsdata "
        f"først begynder {data_start.isoformat()}, efter deres godkendelse: intet uanmeldt besøg er kendt i data, "
        "så fristen regnes fra godkendelsen "
        f"({some_ids_da(unknown)}). "
        "Kendes deres seneste uanmeldte besøg, så angiv det i facilities.csv, kolonnen last_unannounced_visit, "
        "og importér igen."
    )


def _closures(dataset: Dataset, ids: set[str], after: dt.date, end: dt.date) -> dict[str, dt.date]:
    """Facility -> its closing day, for the tilbud in ``ids`` that close after ``after`` and by ``end``
    (see the module doc: ``known_at`` leaves future closures out, so they are read from the whole data)."""
    fac = dataset.facilities
    if "closed_on" not in fac:
        return {}
    out: dict[str, dt.date] = {}
    for fid, value in zip(fac["facility_id"].astype(str), fac["closed_on"], strict=True):
        day = date_of(value)
        if fid in ids and day is not None and after < day <= end:
            out[fid] = day
    return out


def closing_notes(
    closing: dict[str, dt.date], before_start: list[str], unreachable: list[str], start: dt.date
) -> list[str]:
    """Notes on the tilbud that close before the plan starts or within its horizon."""
    notes: list[str] = []
    if before_start:
        listed = some_ids_da([f"{fid} ({closing[fid].isoformat()})" for fid in before_start])
        notes.append(
            f"{format_number_da(len(before_start), 0)} tilbud lukker senest på planens første dag "
            f"({start.isoformat()}) "
            f"og er ikke med i planen: {listed}."
        )
    unreachable_set = set(unreachable)
    within = sorted((fid for fid in closing if fid not in before_start), key=lambda f: (closing[f], f))
    visited = [fid for fid in within if fid not in unreachable_set]
    if len(visited) == 1:
        fid = visited[0]
        notes.append(f"{fid} lukker {closing[fid].isoformat()}: ingen besøg planlagt efter.")
    elif visited:
        listed = some_ids_da([f"{fid} lukker {closing[fid].isoformat()}" for fid in visited])
        notes.append(
            f"{format_number_da(len(visited), 0)} tilbud lukker i planens horisont; ingen besøg planlagt fra "
            f"lukkedagen: {listed}."
        )
    if unreachable:
        listed = some_ids_da([f"{fid} ({closing[fid].isoformat()})" for fid in sorted(unreachable)])
        notes.append(
            f"{format_number_da(len(unreachable), 0)} tilbud lukker, før mindsteafstanden til det seneste "
            "besøg tillader et nyt, "
            f"og er ikke med i planen: {listed}."
        )
    return notes


def past_lock_notes(past_locks: Iterable[tuple[str, dt.date, bool]]) -> list[str]:
    """Notes for locked visits dated on or before the as-of day that ``visits.csv`` does not hold
    (``(facility, day, announced)``): they count only for the minimum gap. Plan notes reach every reader,
    so an unannounced lock's date is not named (``tilsynsplan locks`` shows it to planners)."""
    unannounced = sorted({fid for fid, _day, announced in past_locks if not announced})
    announced = sorted((fid, day) for fid, day, is_announced in past_locks if is_announced)
    notes: list[str] = []
    if len(unannounced) == 1:
        fid = unannounced[0]
        notes.append(
            f"Et låst uanmeldt besøg hos {fid} ligger før planens start og tæller ikke som gennemført uanmeldt "
            "besøg (kun mindsteafstanden regnes fra det); importér det i visits.csv, hvis det fandt sted. "
            f"Datoen er fortrolig: se den med tilsynsplan locks --facility {fid}."
        )
    elif unannounced:
        notes.append(
            f"Låste uanmeldte besøg hos {format_number_da(len(unannounced), 0)} tilbud "
            f"({some_ids_da(unannounced)}) ligger før planens "
            "start og tæller ikke som gennemførte uanmeldte besøg (kun mindsteafstanden regnes fra dem); "
            "importér dem i visits.csv, hvis de fandt sted. Datoerne er fortrolige: se dem med tilsynsplan locks."
        )
    if len(announced) == 1:
        fid, day = announced[0]
        notes.append(
            f"Låst besøg {day.isoformat()} hos {fid} ligger før planens start og tæller ikke som gennemført "
            "besøg (kun mindsteafstanden regnes fra det); importér det i visits.csv, hvis det fandt sted."
        )
    elif announced:
        listed = some_ids_da([f"{fid} {day.isoformat()}" for fid, day in announced])
        notes.append(
            f"{format_number_da(len(announced), 0)} låste anmeldte besøg ligger før planens start ({listed}) "
            "og tæller ikke som "
            "gennemførte besøg (kun mindsteafstanden regnes fra dem); importér dem i visits.csv, hvis de fandt sted."
        )
    return notes


def _validate_locks(
    locked: list[LockedVisit], inspectors: dict[str, Inspector], facilities: dict[str, FacilityNeed]
) -> None:
    """Locked visits must themselves keep the inspector rules; the planner cannot move them."""
    problems: list[dict[str, object]] = []
    for lv in locked:
        fac = facilities[lv.facility_id]
        where = f"Låst besøg i {lv.facility_id} den {lv.date.isoformat()}"
        rules = lock_rule_problems(
            lv.facility_id, fac.authority, fac.facility_type, fac.closed_on, lv.inspector_id,
            inspectors.get(lv.inspector_id), lv.date,
        )  # fmt: skip
        problems.extend({"message": f"{where}: {rule}"} for rule in rules)
        if not is_working_day(lv.date):
            problems.append({"message": f"{where}: dagen er ikke en arbejdsdag (weekend eller helligdag)"})
    if problems:
        raise PlanInfeasibleError(  # a plan cannot keep these locks: exit 4 / HTTP 409, like other broken rules
            f"{format_number_da(len(problems), 0)} låste besøg strider mod reglerne; ret eller lås dem op, "
            "før der planlægges",
            details=problems,
        )
