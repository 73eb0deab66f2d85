"""An independent plan checker: every hard rule, verified in plain Python on the final day-level plan.

It reads only the :class:`PlanningProblem` (the facts and the rules' parameters) and the visits; it
shares no code with the CP-SAT model, the slots or the day step, so a modelling error shows up here.
Each violation names the rule (:class:`HardRule`), the facility and/or inspector, the date, and says
in Danish what is wrong.

Overdue facilities (their deadline could not be met any more at plan start) are not violations when
they are visited unannounced by their relaxed due date; they are listed in ``overdue``.

A best-effort plan (``late`` given: the plan's ``analysis.late``) may break the deadline rules, but only as it
records: a missed deadline is accepted when a record names the facility, the visit's day (None: no visit) and a
due date on or before the one missed, with the weeks late counted right; every other rule still holds. A record
for a deadline that is kept is a violation too (the plan would misreport). Without ``late`` (a normal plan)
every missed deadline is a violation.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from data.calendar import add_months, is_working_day
from planner.domain import HardRule, OverdueFacility, PlannedVisit, PlanningProblem


@dataclass(frozen=True)
class RuleViolation:
    rule: HardRule
    message: str
    facility_id: str | None = None
    inspector_id: str | None = None
    date: dt.date | None = None

    def __str__(self) -> str:
        return f"[{self.rule.value}] {self.message}"


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[RuleViolation, ...]
    overdue: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def of_rule(self, rule: HardRule) -> list[RuleViolation]:
        return [v for v in self.violations if v.rule == rule]

    @property
    def rules_broken(self) -> set[HardRule]:
        return {v.rule for v in self.violations}


def _week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _capacity(problem: PlanningProblem, inspector_id: str, monday: dt.date) -> int:
    insp = problem.inspector_by_id[inspector_id]
    days = 0
    for k in range(5):
        day = monday + dt.timedelta(days=k)
        if problem.start <= day <= problem.end and problem.plannable(day) and not insp.absent(day):
            days += 1
    return math.floor(insp.visits_per_week * days / 5 + 0.5)


def _calendar_weeks(deadline: dt.date, day: dt.date) -> int:
    return (_week_monday(day) - _week_monday(deadline)).days // 7


def check_plan(
    problem: PlanningProblem, visits: Iterable[PlannedVisit], late: Iterable[OverdueFacility] | None = None
) -> CheckReport:
    """Every hard rule on ``visits``; ``late``: the records of a best-effort plan (module doc), None for a plan
    that must keep every deadline."""
    visits = list(visits)
    out: list[RuleViolation] = []
    records = {(o.facility_id, o.planned_date): o for o in late} if late is not None else None
    used: set[tuple[str, dt.date | None]] = set()

    def recorded(fid: str, due: dt.date, day: dt.date | None) -> bool:
        """A best-effort plan records this missed deadline (the visit on ``day``, or none, after ``due``)."""
        if records is None:
            return False
        o = records.get((fid, day))
        if o is None or o.deadline > due:
            return False
        weeks = None if day is None else _calendar_weeks(o.deadline, day)
        if o.weeks_late != weeks:
            return False
        used.add((fid, day))
        return True

    facilities = problem.facility_by_id
    inspectors = problem.inspector_by_id
    gap = problem.min_gap_days

    # --- known facility, working day, authority and competence, per visit -------------------------
    for v in visits:
        f = facilities.get(v.facility_id)
        if f is None:
            out.append(
                RuleViolation(
                    HardRule.KNOWN_FACILITY,
                    f"{v.facility_id} er ikke et aktivt tilbud i planen",
                    v.facility_id,
                    date=v.date,
                )
            )
            continue
        if f.closed_on is not None and v.date >= f.closed_on:
            out.append(
                RuleViolation(
                    HardRule.KNOWN_FACILITY,
                    f"{v.facility_id}: tilbuddet lukker {f.closed_on}, og besøget den {v.date} ligger derefter",
                    v.facility_id,
                    date=v.date,
                )
            )
        if not (problem.start <= v.date <= problem.end):
            out.append(
                RuleViolation(
                    HardRule.WORKING_DAY,
                    f"{v.facility_id}: {v.date} ligger uden for planens periode",
                    v.facility_id,
                    date=v.date,
                )
            )
        elif not is_working_day(v.date):
            out.append(
                RuleViolation(
                    HardRule.WORKING_DAY,
                    f"{v.facility_id}: {v.date} er weekend eller helligdag",
                    v.facility_id,
                    date=v.date,
                )
            )
        elif v.date in problem.days_off and not v.locked:
            out.append(
                RuleViolation(
                    HardRule.WORKING_DAY,
                    f"{v.facility_id}: {v.date} er en fridag (indstillingen days_off); kun aftalte besøg må ligge der",
                    v.facility_id,
                    date=v.date,
                )
            )
        if not v.inspector_ids:
            out.append(
                RuleViolation(
                    HardRule.AUTHORITY_COMPETENCE,
                    f"{v.facility_id}: besøget den {v.date} har ingen tilsynskonsulent",
                    v.facility_id,
                    date=v.date,
                )
            )
        for iid in v.inspector_ids:
            insp = inspectors.get(iid)
            if insp is None or insp.authority != f.authority:
                out.append(
                    RuleViolation(
                        HardRule.AUTHORITY_COMPETENCE,
                        f"{v.facility_id}: {iid} hører ikke til tilbuddets socialtilsyn",
                        v.facility_id,
                        iid,
                        v.date,
                    )
                )
                continue
            if insp.competences is not None and f.facility_type not in insp.competences:
                out.append(
                    RuleViolation(
                        HardRule.AUTHORITY_COMPETENCE,
                        f"{v.facility_id}: {iid} har ikke kompetence til {f.facility_type}",
                        v.facility_id,
                        iid,
                        v.date,
                    )
                )
            if insp.absent(v.date):
                out.append(
                    RuleViolation(
                        HardRule.WORKING_DAY,
                        f"{v.facility_id}: {iid} er fraværende den {v.date}",
                        v.facility_id,
                        iid,
                        v.date,
                    )
                )

    # --- weekly capacity ---------------------------------------------------------------------------
    per_week: dict[tuple[str, dt.date], int] = defaultdict(int)
    for v in visits:
        for iid in v.inspector_ids:
            if iid in inspectors:
                per_week[(iid, _week_monday(v.date))] += 1
    locked_per_week: dict[tuple[str, dt.date], int] = defaultdict(int)
    for lv in problem.locked:
        locked_per_week[(lv.inspector_id, _week_monday(lv.date))] += 1
    for (iid, monday), n in sorted(per_week.items()):
        # locked visits are the planner's own decision: a week they fill beyond capacity gets no more
        cap = max(_capacity(problem, iid, monday), locked_per_week.get((iid, monday), 0))
        if n > cap:
            out.append(
                RuleViolation(
                    HardRule.WEEKLY_CAPACITY,
                    f"{iid} har {n} besøg i ugen fra {monday}, men kapacitet til {cap}",
                    inspector_id=iid,
                    date=monday,
                )
            )

    # --- locked visits stay ------------------------------------------------------------------------
    present = {(v.facility_id, v.date, v.announced, iid) for v in visits for iid in v.inspector_ids}
    for lv in problem.locked:
        if (lv.facility_id, lv.date, lv.announced, lv.inspector_id) not in present:
            out.append(
                RuleViolation(
                    HardRule.LOCKED_VISIT,
                    f"Det låste besøg i {lv.facility_id} den {lv.date} ({lv.inspector_id}) mangler eller er ændret",
                    lv.facility_id,
                    lv.inspector_id,
                    lv.date,
                )
            )

    # --- per facility: minimum gap, deadline chain, first visit --------------------------------------
    by_facility: dict[str, list[PlannedVisit]] = defaultdict(list)
    for v in visits:
        if v.facility_id in facilities:
            by_facility[v.facility_id].append(v)
    locked_keys = {(lv.facility_id, lv.date) for lv in problem.locked}
    overdue: list[str] = []
    for f in problem.facilities:
        own = sorted(by_facility.get(f.facility_id, []), key=lambda v: v.date)
        # the last day a deadline is demanded: the horizon's, or the day before the facility closes
        last = problem.end if f.closed_on is None else min(problem.end, f.closed_on - dt.timedelta(days=1))
        dated = [(f.last_visit, True)] if f.last_visit is not None else []
        dated += [(v.date, (f.facility_id, v.date) in locked_keys) for v in own]
        dated.sort(key=lambda t: t[0])
        for (a, a_fixed), (b, b_fixed) in itertools.pairwise(dated):
            if a_fixed and b_fixed:
                continue  # history and locked visits are given, not planned
            if (b - a).days < gap:
                out.append(
                    RuleViolation(
                        HardRule.MIN_GAP,
                        f"{f.facility_id}: besøg den {a} og {b} ligger kun {(b - a).days} dage "
                        f"fra hinanden (mindst {gap})",
                        f.facility_id,
                        date=b,
                    )
                )

        unannounced = [v.date for v in own if not v.announced]
        if f.overdue:
            overdue.append(f.facility_id)
            due = f.overdue_due or problem.first_quarter_end
            if (not unannounced or unannounced[0] > due) and not recorded(
                f.facility_id, due, unannounced[0] if unannounced else None
            ):
                out.append(
                    RuleViolation(
                        HardRule.DEADLINE,
                        f"{f.facility_id}: fristen {f.deadline} er overskredet, og tilbuddet "
                        f"får ikke uanmeldt besøg senest {due}",
                        f.facility_id,
                        date=due,
                    )
                )
                continue
            if not unannounced:
                continue  # recorded as not visited at all
            current = add_months(unannounced[0], f.interval_months)
            rest = unannounced[1:]
        else:
            current = f.deadline
            rest = unannounced
        for day in rest:
            if day > current and not recorded(f.facility_id, current, day):
                out.append(
                    RuleViolation(
                        HardRule.DEADLINE,
                        f"{f.facility_id}: uanmeldt besøg den {day} kommer efter fristen {current}",
                        f.facility_id,
                        date=day,
                    )
                )
            current = add_months(day, f.interval_months)
        if current <= last and not recorded(f.facility_id, current, None):
            out.append(
                RuleViolation(
                    HardRule.DEADLINE,
                    f"{f.facility_id}: intet uanmeldt besøg senest {current}",
                    f.facility_id,
                    date=current,
                )
            )

        # only a due date within the horizon (and before closing) is demanded: a later one is for later plans
        if f.is_new and f.first_visit_due is not None and not f.overdue and f.first_visit_due <= last:
            first = own[0].date if own else None
            if (first is None or first > f.first_visit_due) and not recorded(f.facility_id, f.first_visit_due, first):
                out.append(
                    RuleViolation(
                        HardRule.FIRST_VISIT,
                        f"{f.facility_id}: nyt tilbud (godkendt {f.approved_on}) "
                        f"får ikke første besøg senest {f.first_visit_due}",
                        f.facility_id,
                        date=f.first_visit_due,
                    )
                )
    for (fid, planned), o in sorted((records or {}).items(), key=lambda kv: (kv[0][0], kv[0][1] or dt.date.max)):
        if (fid, planned) not in used:
            when = "intet besøg" if planned is None else f"besøget den {planned}, {o.weeks_late} uger for sent"
            out.append(
                RuleViolation(
                    HardRule.DEADLINE,
                    f"{fid}: planen opgiver fristen {o.deadline} som overskredet ({when}), "
                    "men det passer ikke med planens besøg",
                    fid,
                    date=o.deadline,
                )
            )
    return CheckReport(tuple(out), tuple(overdue))
