"""When the hard rules cannot all be met: which facilities cannot keep their deadline and what extra
capacity would fix it.

Found by relaxing the deadline rules (deadline, first visit, overdue) into heavily penalised soft
rules: every week after the deadline costs ``LATE_WEIGHT``, a visit not placed at all
``weights.unplaced_cost`` (more than any lateness in the horizon, and more for an earlier deadline, so the visits
left out are the ones due last); everything else stays hard. The relaxed optimum's late or unplaced visits are the
facilities named. The extra capacity is counted per authority and per quarter of the missed deadline:
``late visits / (the authority's average visits per inspector-day)`` inspector-days (tilsynsdage),
rounded up -- enough to take those visits by their deadlines if the days fall in or before that
quarter.

With ``allow_late`` (``planner.solver``) the relaxed optimum is not thrown away: it becomes a *best-effort* plan
(``BEST_EFFORT``), which records every deadline it does not keep (:func:`late_visits`) and the inspector-days
that are missing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from data.calendar import add_months, quarter_of
from data.enums import FacilityType
from data.glossary import (
    FACILITY_TYPE_DA,
    deadline_rule_da,
    format_count_da,
    format_date_da,
    format_number_da,
    quarter_da,
)
from planner.analysis import authority_da
from planner.domain import CapacityShortfall, OverdueFacility, PlanInfeasibleError, PlannedVisit, PlanningProblem
from planner.slots import SlotSet, VisitSlot, relaxed
from planner.week_model import WeekModelData, make_pools
from planner.week_solve import WeekResult, solve_week_model

MAX_LISTED = 40


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" … (+{format_number_da(len(ids) - MAX_LISTED, 0)})" if len(ids) > MAX_LISTED else "")


def _these(fids: list[str]) -> str:
    return (
        f"dette tilbud: {fids[0]}" if len(fids) == 1 else f"disse {format_number_da(len(fids), 0)} tilbud: {_ids(fids)}"
    )


def _rules(late: list[VisitSlot]) -> str:
    """The deadline rule the late visits miss: a new tilbud's first visit is due under its own rule
    (``first_visit_months`` after approval), not the two-year rule (a tilsyn of new tilbud only read "toårsreglen")."""
    return deadline_rule_da(sum(1 for s in late if s.bound_by == "first_visit"), len(late))


def _first_visits(late: list[VisitSlot]) -> int:
    """How many tilbud among the late visits miss a new tilbud's first-visit deadline (``CapacityShortfall``)."""
    return len({s.facility_id for s in late if s.bound_by == "first_visit"})


def _others_hint(problem: PlanningProblem, blocked: set[str]) -> str:
    """When a plan for every authority fails on some: how to plan the others meanwhile, or that none of them can
    be ("" for a plan of one authority). A plan for all is one plan of record: it is refused whole, not stored
    without the tilsyn that fail (their tilbud would silently have no visits)."""
    if problem.authority is not None:
        return ""
    others = [a for a in problem.authorities if a not in blocked]
    if not others:
        return (
            " Det gælder alle socialtilsyn i planen, så ingen af dem kan planlægges, før det er rettet."
            if len(problem.authorities) > 1
            else ""
        )
    return (
        f" De øvrige socialtilsyn ({', '.join(authority_da(a) for a in others)}) kan planlægges hver for sig, "
        f"indtil det er rettet: tilsynsplan plan --authority {others[0]} (API: feltet authority)."
    )


def check_competence(problem: PlanningProblem, slots: SlotSet) -> None:
    """Every facility type needs an inspector of its authority with competence and capacity.

    The message says which is missing: an inspector with the competence at all, or one with capacity
    (``visits_per_week`` above 0) -- an authority whose competent inspectors all have 0 visits a week
    lacks capacity, not competence.
    """
    lines: list[str] = []
    details: list[dict[str, object]] = []
    for authority in problem.authorities:
        staff = tuple(i for i in problem.inspectors if i.authority == authority)
        pools = make_pools(staff)
        missing: dict[str, list[str]] = defaultdict(list)
        for s in slots.of_authority(authority):
            if not s.optional and not any(p.competent(s.facility_type) for p in pools):
                missing[s.facility_type].append(s.facility_id)
        if missing and not pools:
            fids = sorted({f for ids in missing.values() for f in ids})
            if staff:
                idle = ", ".join(sorted(i.inspector_id for i in staff))
                why = f"alle dens tilsynskonsulenter ({idle}) har 0 besøg om ugen i inspectors.csv"
            else:
                why = "der er ingen tilsynskonsulenter i inspectors.csv"
            line = f"{authority_da(authority)} har ingen kapacitet til tilsynsbesøg ({why}) for {_these(fids)}"
            lines.append(line)
            detail: dict[str, object] = {"authority": authority, "facility_type": None, "facility_ids": fids}
            details.append(detail | {"rule": "capacity", "message": line})
            continue
        for ftype, fids in sorted(missing.items()):
            fids = sorted(set(fids))
            label = FACILITY_TYPE_DA.get(FacilityType(ftype), ftype)
            idle_competent = sorted(i.inspector_id for i in staff if i.competent(ftype) and i.visits_per_week <= 0)
            if idle_competent:
                line = (
                    f"{authority_da(authority)} mangler kapacitet til {label}: de kompetente tilsynskonsulenter "
                    f"({', '.join(idle_competent)}) har 0 besøg om ugen, for {_these(fids)}"
                )
                rule = "capacity"
            else:
                line = (
                    f"{authority_da(authority)} mangler en tilsynskonsulent med kompetence til {label} "
                    f"for {_these(fids)}"
                )
                rule = "competence"
            lines.append(line)
            details.append(
                {"authority": authority, "facility_type": ftype, "facility_ids": fids, "rule": rule, "message": line}
            )
    if lines:
        blocked = {str(d["authority"]) for d in details}
        raise PlanInfeasibleError(
            "Planen kan ikke overholde reglerne: "
            + "; ".join(lines)
            + ". Ret tilsynskonsulenternes competences eller visits_per_week i inspectors.csv og importér dem igen."
            + _others_hint(problem, blocked),
            details=details,
        )


@dataclass
class RelaxedSolve:
    """One authority's relaxed week model (deadlines as penalised soft rules) and its solve."""

    strict: WeekModelData  # the authority's model under the hard rules (its slots keep their deadlines)
    data: WeekModelData  # the relaxed model the result belongs to
    result: WeekResult
    shortfall: tuple[CapacityShortfall, ...]  # the late or unplaced visits' inspector-days per quarter

    @property
    def late(self) -> bool:
        """Solved, with visits after their deadline or not placed: a best-effort plan can be built from it."""
        return self.result.solved and bool(self.shortfall)


def who_may_visit(problem: PlanningProblem, authority: str, late: list[VisitSlot]) -> str:
    """Who may visit the late tilbud when their type is not one every inspector of the authority with capacity may
    visit, and when those inspectors are away in the quarter before the deadlines (``ABSENCE_WINDOW``) up to the
    latest of them; when anyone may, the absences of two weeks or more in that window ("" when none: then it is
    days that lack). Without it a tilsyn whose only inspector for a type was away read "mangler 4 tilsynsdage"
    with capacity to spare: more days of the others would not keep the deadline."""
    staff = [i for i in problem.inspectors if i.authority == authority and i.visits_per_week > 0]
    groups: dict[tuple[str, ...], list[str]] = {}  # the inspectors who alone may visit them -> the types
    for ftype in sorted({s.facility_type for s in late}):
        competent = [i for i in staff if i.competent(ftype)]
        if not competent or len(competent) == len(staff):
            continue
        groups.setdefault(tuple(i.inspector_id for i in competent), []).append(ftype)
    inspector = {i.inspector_id: i for i in staff}
    parts: list[str] = []
    for ids, ftypes in groups.items():
        until = max(s.hi for s in late if s.facility_type in ftypes)
        since = max(problem.start, min(s.hi for s in late if s.facility_type in ftypes) - ABSENCE_WINDOW)
        labels = [FACILITY_TYPE_DA.get(FacilityType(ftype), ftype) for ftype in ftypes]
        part = f"kun {_and(list(ids))} har kompetence til {_and(labels)}"
        away = _away_da([(iid, _absences_da(inspector[iid].absences, since, until)) for iid in ids])
        parts.append(part + (f", og {_and(away)}" if away else ""))
    if not groups and late:
        # anyone with capacity may visit them: the days lack, and a long absence is often why (a tilsyn whose one
        # inspector with capacity was away nine months read only "mangler N tilsynsdage")
        until = max(s.hi for s in late)
        since = max(problem.start, min(s.hi for s in late) - ABSENCE_WINDOW)
        # long: two weeks, or half the days from the plan's start to the deadlines when they are fewer
        long_days = min(LONG_ABSENCE_DAYS, ((until - since).days + 1) / 2)
        spans = []
        for i in staff:
            long = tuple(a for a in i.absences if (min(a[1], until) - max(a[0], since)).days + 1 >= long_days)
            if long:
                spans.append((i.inspector_id, _absences_da(long, since, until)))
        parts.extend(_away_da(spans))
    return "; ".join(parts)


def _away_da(spans: list[tuple[str, str]]) -> list[str]:
    """ "I1 og I2 er fraværende …" for each absence text, the inspectors who share it named together (a tilsyn whose
    five inspectors were away the same weeks read the same dates five times); empty texts are left out."""
    by_text: dict[str, list[str]] = {}
    for iid, text in spans:
        if text:
            by_text.setdefault(text, []).append(iid)
    return [f"{_and(ids)} er fraværende {text}" for text, ids in by_text.items()]


#: Absences named are those from this long before the earliest of the late deadlines (a quarter) to the latest.
ABSENCE_WINDOW = dt.timedelta(weeks=13)
#: An absence this long (calendar days within the window; half the window when it is shorter) is named when anyone may
#: visit the late tilbud: shorter ones are part of the days that lack, not a reason a planner would act on.
LONG_ABSENCE_DAYS = 14
#: Absence periods named per inspector in a refusal; more are counted.
MAX_ABSENCES_SHOWN = 3


def _absences_da(absences: tuple[tuple[dt.date, dt.date], ...], start: dt.date, until: dt.date) -> str:
    """An inspector's absences between ``start`` and ``until``, overlapping ones merged ("" when none)."""
    merged: list[list[dt.date]] = []
    for a, b in sorted(x for x in absences if x[0] <= until and x[1] >= start):
        if merged and a <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    shown = [
        format_date_da(a) if a == b else f"{format_date_da(a)} – {format_date_da(b)}"
        for a, b in merged[:MAX_ABSENCES_SHOWN]
    ]
    more = len(merged) - MAX_ABSENCES_SHOWN
    return ", ".join(shown) + (f" og {more} {'periode' if more == 1 else 'perioder'} til" if more > 0 else "")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


#: Added to the refusal when a best-effort plan exists (every failing authority's relaxed model has a solution).
ALLOW_LATE_HINT = (
    " Skal besøgene alligevel i gang, kan den bedst mulige plan gemmes: den overskrider så få frister så lidt som "
    "muligt og viser dem og de manglende tilsynsdage (tilsynsplan plan --allow-late; API: feltet allow_late; "
    "siden Planer: „Gem den bedst mulige plan med overskredne frister“)."
)


def relax_deadlines(
    problem: PlanningProblem, datas: list[WeekModelData], time_limit_s: float, workers: int, seed: int
) -> tuple[list[RelaxedSolve], PlanInfeasibleError]:
    """Solve the relaxed model of each authority whose week model is infeasible (see module doc): the solves (a
    best-effort plan is built from them) and the domain error that refuses a plan (its message names the
    facilities and the missing inspector-days, and, when a best-effort plan exists, how to get it)."""
    lines: list[str] = []
    details: list[dict[str, object]] = []
    solves: list[RelaxedSolve] = []
    per_authority = max(1.0, time_limit_s / max(1, len(datas)))
    for d in datas:
        rd = WeekModelData(
            d.authority,
            problem,
            d.grid,
            d.capacity,
            tuple(relaxed(s) for s in d.slots),
            d.gap_weeks,
            relaxed=True,
            hard_hi={s.slot_id: s.hi for s in d.slots},
        )
        result = solve_week_model(rd, per_authority, workers, seed)
        name = authority_da(d.authority)
        if not result.solved:
            line = f"{name}: ingen plan fundet, heller ikke med lempede frister (tidsgrænse {per_authority:.0f} s)"
            lines.append(line)
            details.append({"authority": d.authority, "message": line})
            solves.append(RelaxedSolve(d, rd, result, ()))
            continue
        late: dict[str, list[VisitSlot]] = defaultdict(list)
        for s in d.slots:
            p = result.placements.get(s.slot_id)
            if s.optional:
                continue  # the top tier's extra visit: no deadline to miss
            if p is None or p.week > d.grid.week_of(s.hi):
                late[quarter_of(s.hi)].append(s)
        inspectors = [i for i in problem.inspectors if i.authority == d.authority and i.visits_per_week > 0]
        per_day = sum(i.visits_per_week for i in inspectors) / (5 * len(inspectors)) if inspectors else 0.0
        if not late:
            line = f"{name}: reglerne kan ikke overholdes samtidig (låste besøg, mindsteafstand eller kapacitet)"
            lines.append(line)
            details.append({"authority": d.authority, "message": line})
            solves.append(RelaxedSolve(d, rd, result, ()))
            continue
        shortfall: list[CapacityShortfall] = []
        for quarter, late_slots in sorted(late.items()):
            fids = sorted({s.facility_id for s in late_slots})
            days = math.ceil(len(fids) / per_day) if per_day > 0 else None
            need = format_count_da(days, "tilsynsdag", "tilsynsdage") if days is not None else "tilsynskonsulenter"
            rule = _rules(late_slots)
            line = f"{name} mangler {need} i {quarter_da(quarter)} for at overholde {rule} for {_these(fids)}"
            who = who_may_visit(problem, d.authority, late_slots)
            if who:
                line += f"; {who}"
            lines.append(line)
            shortfall.append(
                CapacityShortfall(d.authority, quarter, days, tuple(fids), line, who, _first_visits(late_slots))
            )
            details.append(
                {
                    "authority": d.authority,
                    "quarter": quarter,
                    "inspector_days": days,
                    "facility_ids": fids,
                    "message": line,
                }
            )
        solves.append(RelaxedSolve(d, rd, result, tuple(shortfall)))
    hint = ALLOW_LATE_HINT if solves and all(s.late for s in solves) else ""
    error = PlanInfeasibleError(
        "Planen kan ikke overholde fristerne. "
        + " ".join(f"{x}." for x in lines)
        + _others_hint(problem, {d.authority for d in datas})
        + hint,
        details=details,
    )
    return solves, error


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_late(deadline: dt.date, day: dt.date) -> int:
    """Calendar weeks from the deadline's week to the visit's (the week model's measure of lateness): a visit in
    the week after the deadline's is 1 week late."""
    return (_monday(day) - _monday(deadline)).days // 7


def late_visits(problem: PlanningProblem, visits: Iterable[PlannedVisit]) -> tuple[OverdueFacility, ...]:
    """The deadlines a best-effort plan does not keep, read off its day-level visits by the rules the checker
    verifies (``planner.checker``: the unannounced deadline chain, the overdue due date, a new facility's first
    visit): one record per visit after a deadline (the earliest one it misses) and one per deadline in the
    horizon with no visit at all (``planned_date`` None)."""
    by_facility: dict[str, list[PlannedVisit]] = defaultdict(list)
    for v in visits:
        by_facility[v.facility_id].append(v)
    out: list[OverdueFacility] = []
    for f in problem.facilities:
        own = sorted(by_facility.get(f.facility_id, []), key=lambda v: v.date)
        last = f.last_day(problem.end)
        unannounced = [v.date for v in own if not v.announced]
        missed: dict[dt.date | None, dt.date] = {}  # planned day (None: no visit) -> the earliest due date missed

        def miss(due: dt.date, day: dt.date | None, missed: dict[dt.date | None, dt.date] = missed) -> None:
            missed[day] = min(missed.get(day, due), due)

        current: dt.date | None
        if f.overdue:
            due = f.overdue_due or problem.first_quarter_end
            if not unannounced or unannounced[0] > due:
                miss(due, unannounced[0] if unannounced else None)
            current = add_months(unannounced[0], f.interval_months) if unannounced else None
            rest = unannounced[1:]
        else:
            current, rest = f.deadline, unannounced
        if current is not None:
            for day in rest:
                if day > current:
                    miss(current, day)
                current = add_months(day, f.interval_months)
            if current <= last:
                miss(current, None)
        if f.is_new and f.first_visit_due is not None and not f.overdue and f.first_visit_due <= last:
            first = own[0].date if own else None
            if first is None or first > f.first_visit_due:
                miss(f.first_visit_due, first)
        for planned, due in sorted(missed.items(), key=lambda kv: (kv[0] is None, kv[0] or kv[1])):
            weeks = None if planned is None else weeks_late(due, planned)
            out.append(OverdueFacility(f.facility_id, f.authority, due, planned, weeks))
    return tuple(sorted(out, key=lambda o: (o.authority, o.deadline, o.facility_id)))
