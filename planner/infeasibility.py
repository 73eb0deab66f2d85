"""When the hard rules cannot all be met: which facilities cannot keep their deadline and what extra
capacity would fix it.

Found by relaxing the deadline rules (deadline, first visit, overdue) into heavily penalised soft
rules: every week after the deadline costs ``LATE_WEIGHT``, a visit not placed at all
``UNPLACED_WEIGHT``; everything else stays hard. The relaxed optimum's late or unplaced visits are the
facilities named. The extra capacity is counted per authority and per quarter of the missed deadline:
``late visits / (the authority's average visits per inspector-day)`` inspector-days (tilsynsdage),
rounded up -- enough to take those visits by their deadlines if the days fall in or before that
quarter.
"""

from __future__ import annotations

import math
from collections import defaultdict

from data.calendar import quarter_of
from data.enums import FacilityType
from data.glossary import FACILITY_TYPE_DA
from planner.analysis import authority_da
from planner.domain import PlanInfeasibleError, PlanningProblem
from planner.slots import SlotSet, relaxed
from planner.week_model import WeekModelData, make_pools
from planner.week_solve import solve_week_model

MAX_LISTED = 40


def quarter_da(quarter: str) -> str:
    """``2027Q2`` -> ``2027K2`` (Danish: kvartal)."""
    return quarter.replace("Q", "K")


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_LISTED])
    return shown + (f" … (+{len(ids) - MAX_LISTED})" if len(ids) > MAX_LISTED else "")


def _these(fids: list[str]) -> str:
    return f"dette tilbud: {fids[0]}" if len(fids) == 1 else f"disse {len(fids)} tilbud: {_ids(fids)}"


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


def diagnose(
    problem: PlanningProblem, datas: list[WeekModelData], time_limit_s: float, workers: int, seed: int
) -> PlanInfeasibleError:
    """The domain error for authorities whose week model is infeasible (see module doc)."""
    lines: list[str] = []
    details: list[dict[str, object]] = []
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
            continue
        late: dict[str, list[str]] = defaultdict(list)
        for s in d.slots:
            p = result.placements.get(s.slot_id)
            if s.optional:
                continue  # the top tier's extra visit: no deadline to miss
            if p is None or p.week > d.grid.week_of(s.hi):
                late[quarter_of(s.hi)].append(s.facility_id)
        inspectors = [i for i in problem.inspectors if i.authority == d.authority and i.visits_per_week > 0]
        per_day = sum(i.visits_per_week for i in inspectors) / (5 * len(inspectors)) if inspectors else 0.0
        if not late:
            line = f"{name}: reglerne kan ikke overholdes samtidig (låste besøg, mindsteafstand eller kapacitet)"
            lines.append(line)
            details.append({"authority": d.authority, "message": line})
            continue
        for quarter, fids in sorted(late.items()):
            fids = sorted(set(fids))
            days = math.ceil(len(fids) / per_day) if per_day > 0 else None
            need = f"{days} tilsynsdage" if days is not None else "tilsynskonsulenter"
            line = f"{name} mangler {need} i {quarter_da(quarter)} for at overholde toårsreglen for {_these(fids)}"
            lines.append(line)
            details.append(
                {
                    "authority": d.authority,
                    "quarter": quarter,
                    "inspector_days": days,
                    "facility_ids": fids,
                    "message": line,
                }
            )
    return PlanInfeasibleError(
        "Planen kan ikke overholde fristerne. "
        + " ".join(f"{x}." for x in lines)
        + _others_hint(problem, {d.authority for d in datas}),
        details=details,
    )
