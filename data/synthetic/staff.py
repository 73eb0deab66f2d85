"""Inspectors (tilsynskonsulenter), their absences, and who carried out each visit of the history.

- **Current staff** per authority: enough weekly capacity for ``capacity_per_facility_year``
  inspector-visits per active tilbud a year (``visits_per_week`` 1-3 each, about 42 working weeks):
  the two-year rule with slack, but not a visit to everyone every year. About half can inspect every
  type (``all``); the rest specialise (adult housing and shelters, children and young people,
  substance abuse treatment). Each authority has at least two ``all`` inspectors, so every type is
  covered. Home postcode in the authority's region.
- **Absences**: three weeks of summer holiday, often the autumn and winter school-holiday weeks and
  Christmas, two short courses a year (planned, so also in the future up to the end of the
  simulation), and sickness (short spells and rare long ones, only before the as-of date).
- **Former staff**: before the 2025 reform the tilsyn visited every tilbud yearly and more
  consultants did tilbud visits; when the current staff's weekly capacity is used up, a history visit
  before the end of the reform's first (catch-up) year goes to one of them. They are kept in ``inspectors.csv`` with
  ``visits_per_week = 0`` (they now work elsewhere) so that every id in ``visits.csv`` resolves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from data.calendar import add_months
from data.enums import Authority, FacilityType
from data.synthetic.geography import sample_locations
from data.synthetic.names import person_names
from data.synthetic.params import Parameters
from data.synthetic.timeline import Timeline, day_number

ALL = "all"
COMPETENCE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("sel107", "sel108", "botilbudslignende", "sel109", "sel110"),
    ("opholdssted", "doegninstitution", "sikret_doegninstitution", "kostskole"),
    ("sel101", "sul141", "sel110", "sel109"),
)
FORMER_CAPACITY = 5  # visits a week a former inspector did in the history


@dataclass
class Staff:
    """Inspectors (current first, then former ones added during assignment) and absences."""

    authority: list[str]
    competences: list[str]
    visits_per_week: list[int]
    postcode: list[str]
    former: list[bool]
    absent: np.ndarray  # [current inspectors, days from timeline.sim_start] bool
    absences: list[tuple[int, int, int]] = field(default_factory=list)  # (inspector, start day, end day)
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def n_current(self) -> int:
        return self.absent.shape[0]

    def competent(self, i: int, facility_type: str) -> bool:
        comp = self.competences[i]
        return comp == ALL or facility_type in comp.split(";")


def generate_staff(
    active_per_authority: dict[str, int], timeline: Timeline, params: Parameters, rng: np.random.Generator
) -> Staff:
    authority: list[str] = []
    competences: list[str] = []
    vpw: list[int] = []
    options = np.array(sorted(params.visits_per_week_probs))
    probs = np.array([params.visits_per_week_probs[k] for k in options])
    for a in Authority:
        target = params.capacity_per_facility_year * active_per_authority.get(a.value, 0)
        slots = 0.0
        k = 0
        while slots < target or k < params.min_inspectors:
            v = int(rng.choice(options, p=probs / probs.sum()))
            if k < 2 or rng.random() < params.all_competence_share:
                comp = ALL
            else:
                groups = rng.choice(len(COMPETENCE_GROUPS), size=1 + int(rng.random() < 0.3), replace=False)
                types = sorted({t for g in groups for t in COMPETENCE_GROUPS[int(g)]}, key=_type_order)
                comp = ";".join(types)
            authority.append(a.value)
            competences.append(comp)
            vpw.append(v)
            slots += v * params.working_weeks_per_year
            k += 1
    n = len(authority)
    postcodes = list(sample_locations(np.array(authority, dtype=object), rng).postcode)
    n_days = len(timeline.working)
    absent = np.zeros((n, n_days), dtype=bool)
    staff = Staff(authority, competences, vpw, postcodes, [False] * n, absent)
    for i in range(n):
        for start, end in _absences(timeline, params, rng):
            staff.absences.append((i, start, end))
            absent[i, max(start - timeline.day0, 0) : max(end - timeline.day0 + 1, 0)] = True
    return staff


def _type_order(code: str) -> int:
    return [t.value for t in FacilityType].index(code)


def _monday_of_week(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)


def _absences(timeline: Timeline, params: Parameters, rng: np.random.Generator) -> list[tuple[int, int]]:
    """One inspector's absences as merged (start, end) day numbers, both inclusive."""
    spans: list[tuple[int, int]] = []
    as_of = timeline.as_of_day
    last = day_number(timeline.end) - 1
    for year in range(timeline.history_start.year, timeline.end.year + 1):
        first_week, last_week = params.summer_start_weeks
        summer = _monday_of_week(year, int(rng.integers(first_week, last_week + 1)))
        spans.append((day_number(summer), day_number(summer) + 18))  # Monday to Friday two weeks later
        if rng.random() < params.p_autumn_week:
            autumn = _monday_of_week(year, 42)
            spans.append((day_number(autumn), day_number(autumn) + 4))
        if rng.random() < params.p_winter_week:
            winter = _monday_of_week(year, int(rng.integers(7, 9)))
            spans.append((day_number(winter), day_number(winter) + 4))
        if rng.random() < params.p_christmas:
            spans.append((day_number(dt.date(year, 12, 22)), day_number(dt.date(year + 1, 1, 2))))
        year_start = day_number(dt.date(year, 1, 1))
        for _ in range(int(rng.poisson(params.courses_per_year))):
            start = timeline.next_working_day(year_start + int(rng.integers(0, 365)))
            spans.append((start, start + _length(params.course_days, rng)))
        for _ in range(int(rng.poisson(params.sick_spells_per_year))):
            start = timeline.next_working_day(year_start + int(rng.integers(0, 365)))
            if start < as_of:
                spans.append((start, start + _length(params.sick_days, rng)))
        if rng.random() < params.long_sick_per_year:
            start = year_start + int(rng.integers(0, 365))
            if start < as_of:
                spans.append((start, start + _length(params.long_sick_days, rng)))
    lo = timeline.history_start_day
    spans = [(max(s, lo), min(e, last)) for s, e in spans if e >= lo and s <= last]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _length(days: tuple[int, int], rng: np.random.Generator) -> int:
    """Days to add to a start day for an absence of ``days[0]``-``days[1]`` days (both inclusive)."""
    return int(rng.integers(days[0], days[1] + 1)) - 1


def availability(staff: Staff, timeline: Timeline) -> dict[tuple[str, str], np.ndarray]:
    """For each (authority, type): index of the next day (from sim_start) on which it is a working day
    and some competent current inspector is not absent."""
    present = ~staff.absent
    out: dict[tuple[str, str], np.ndarray] = {}
    for a in Authority:
        for t in FacilityType:
            rows = [i for i in range(staff.n_current) if staff.authority[i] == a.value and staff.competent(i, t.value)]
            ok = timeline.working & present[rows].any(axis=0) if rows else timeline.working.copy()
            nxt = np.empty(len(ok), dtype=np.int64)
            k = len(ok) - 1
            for d in range(len(ok) - 1, -1, -1):
                if ok[d]:
                    k = d
                nxt[d] = k
            out[(a.value, t.value)] = nxt
    return out


def assign_inspectors(
    staff: Staff,
    authority: np.ndarray,
    facility_type: np.ndarray,
    day: np.ndarray,
    n_inspectors: np.ndarray,
    former_until: int,
    timeline: Timeline,
    rng: np.random.Generator,
) -> tuple[list[str], dict[str, int]]:
    """Inspector indices (as ``;``-joined strings of indices) for visits given in date order.

    Current inspectors of the authority with the competence who are not absent, least loaded first
    within their weekly capacity; until ``former_until`` (the reform's catch-up year), former staff take
    what the current staff cannot; after it, a full week is overbooked (counted in the returned stats)."""
    week_load: dict[tuple[int, int], int] = {}
    by_key: dict[tuple[str, str], list[int]] = {}
    former_by_authority: dict[str, list[int]] = {}
    out: list[str] = []
    stats = {"overbooked": 0, "former": 0}
    for a, t, d, k in zip(authority, facility_type, day, n_inspectors, strict=True):
        key = (str(a), str(t))
        if key not in by_key:
            by_key[key] = [
                i for i in range(staff.n_current) if staff.authority[i] == key[0] and staff.competent(i, key[1])
            ]
        week = (int(d) + 3) // 7
        col = int(d) - timeline.day0
        present = [i for i in by_key[key] if not staff.absent[i, col]]
        order = rng.permutation(len(present))
        present = [present[j] for j in order]
        present.sort(key=lambda i: week_load.get((i, week), 0) / max(staff.visits_per_week[i], 1))
        free = [i for i in present if week_load.get((i, week), 0) < staff.visits_per_week[i]]
        chosen = free[: int(k)]
        if len(chosen) < k and d < former_until:
            pool = former_by_authority.setdefault(key[0], [])
            for i in pool:
                if len(chosen) >= k:
                    break
                if week_load.get((i, week), 0) < FORMER_CAPACITY:
                    chosen.append(i)
            while len(chosen) < k:
                i = len(staff.authority)
                staff.authority.append(key[0])
                staff.competences.append(ALL)
                staff.visits_per_week.append(0)
                staff.former.append(True)
                staff.postcode.append("")
                pool.append(i)
                chosen.append(i)
            stats["former"] += 1
        if len(chosen) < k:
            extra = [i for i in present if i not in chosen][: int(k) - len(chosen)]
            if extra:
                stats["overbooked"] += 1
            chosen.extend(extra)
        if not chosen:  # nobody present (cannot happen when days come from ``availability``)
            chosen = by_key[key][:1]
        for i in chosen:
            week_load[(i, week)] = week_load.get((i, week), 0) + 1
        out.append(";".join(str(i) for i in chosen))
    return out, stats


def finish_staff(staff: Staff, rng: np.random.Generator) -> None:
    """Ids, names, and home postcodes of former staff."""
    n = len(staff.authority)
    staff.names = person_names(n, rng)
    width = max(3, len(str(n)))
    staff.ids = [f"I{i + 1:0{width}d}" for i in range(n)]
    for i in range(n):
        if not staff.postcode[i]:
            staff.postcode[i] = str(sample_locations(np.array([staff.authority[i]], dtype=object), rng).postcode[0])


def locked_visit_days(timeline: Timeline) -> tuple[int, int]:
    """The window for visits already agreed: one to six weeks after the as-of date."""
    start = timeline.as_of_day + 7
    end = min(timeline.as_of_day + 42, day_number(add_months(timeline.as_of, 2)))
    return start, end
