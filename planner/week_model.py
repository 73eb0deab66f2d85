"""The data and the decision variables of one authority's week-level CP-SAT model.

Formulation (why it scales): a boolean ``x[slot, week]`` only for the weeks inside the slot's window
that have a candidate working day (about half the horizon on average, never per day or per
inspector). Capacity is a transportation problem per week: inspectors with the same competences form
a *pool*; facility types with the same competent pools form a *class*; integer flows
``flow[class, pool, week]`` carry each class's visits of a week to its competent pools, and a pool
takes at most the remaining capacity of its members. That is exact for every visit whose candidate
days fill its week (any member with capacity left has a working day for it). The (at most two) weeks
where a visit's window starts or ends mid-week are *partial*: there the visit is given to one named
inspector, ``y[slot, week, inspector]``, who must be available on one of its candidate days and
within their own weekly capacity. The day and inspector inside each week are then assigned by
``planner.day_assignment``, which is always possible given these constraints (no daily cap).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from ortools.sat.python import cp_model

from planner.calendar_grid import CapacityTable, WeekGrid
from planner.domain import FacilityNeed, Inspector, PlanningProblem, SoftRule, VisitRole
from planner.slots import VisitSlot
from planner.weights import EXTRA_WEIGHT, GRACE_WEEKS, TARGET_WINDOW_WEEKS, TIE_BREAK_MAX, risk_weight


@dataclass(frozen=True)
class Pool:
    """Inspectors of one authority with the same competences (None = all types)."""

    pool_id: str
    competences: frozenset[str] | None
    members: tuple[str, ...]

    def competent(self, facility_type: str) -> bool:
        return self.competences is None or facility_type in self.competences


def make_pools(inspectors: tuple[Inspector, ...]) -> tuple[Pool, ...]:
    groups: dict[frozenset[str] | None, list[str]] = defaultdict(list)
    for insp in inspectors:
        if insp.visits_per_week > 0:
            groups[insp.competences].append(insp.inspector_id)
    keys = sorted(groups, key=lambda k: "" if k is None else ";".join(sorted(k)))
    return tuple(Pool(f"P{k}", key, tuple(sorted(groups[key]))) for k, key in enumerate(keys))


@dataclass(frozen=True)
class Placement:
    """Where the week model puts a slot: its week, and the pool (full week) or named inspector (partial)."""

    week: int
    pool_id: str | None
    inspector_id: str | None


@dataclass(frozen=True)
class Timing:
    """The risk target of a slot's week: no cost inside ``[lo, hi]``; ``weight`` per week after ``hi``."""

    lo: int
    hi: int
    weight: int


@dataclass
class WeekModelData:
    authority: str
    problem: PlanningProblem
    grid: WeekGrid
    capacity: CapacityTable
    slots: tuple[VisitSlot, ...]
    gap_weeks: int
    relaxed: bool = False  # deadlines become heavily penalised soft rules (infeasibility analysis)
    #: the slots' hard latest day (their ``hi`` before relaxing), used to price lateness when relaxed
    hard_hi: dict[str, dt.date] = field(default_factory=dict)

    @cached_property
    def inspectors(self) -> tuple[Inspector, ...]:
        return tuple(i for i in self.problem.inspectors if i.authority == self.authority)

    @cached_property
    def pools(self) -> tuple[Pool, ...]:
        return make_pools(self.inspectors)

    @cached_property
    def pool_of(self) -> dict[str, Pool]:
        return {m: p for p in self.pools for m in p.members}

    @cached_property
    def pool_by_id(self) -> dict[str, Pool]:
        return {p.pool_id: p for p in self.pools}

    @cached_property
    def facility(self) -> dict[str, FacilityNeed]:
        return self.problem.facility_by_id

    @cached_property
    def pool_remaining(self) -> dict[str, tuple[int, ...]]:
        rem = self.capacity.remaining
        return {
            p.pool_id: tuple(sum(rem[m][w] for m in p.members) for w in range(self.grid.n_weeks)) for p in self.pools
        }

    @cached_property
    def classes(self) -> dict[str, int]:
        """Facility type -> class id (types with the same competent pools share a class)."""
        keys: dict[tuple[str, ...], int] = {}
        out: dict[str, int] = {}
        for t in sorted({s.facility_type for s in self.slots}):
            key = tuple(p.pool_id for p in self.pools if p.competent(t))
            out[t] = keys.setdefault(key, len(keys))
        return out

    @cached_property
    def class_pools(self) -> dict[int, tuple[str, ...]]:
        out: dict[int, tuple[str, ...]] = {}
        for t, c in self.classes.items():
            out[c] = tuple(p.pool_id for p in self.pools if p.competent(t))
        return out

    @cached_property
    def slot_by_id(self) -> dict[str, VisitSlot]:
        return {s.slot_id: s for s in self.slots}

    def candidate_days(self, slot: VisitSlot, week: int) -> tuple[dt.date, ...]:
        hi = slot.hi
        hard = self.hard_hi.get(slot.slot_id)
        if hard is not None and self.grid.week_of(hard) == week:
            hi = min(hi, hard)  # relaxed: a visit in the deadline's own week keeps the deadline
        return tuple(d for d in self.grid.days[week] if slot.lo <= d <= hi)

    @cached_property
    def timing(self) -> dict[str, Timing]:
        """Risk targets of each facility's first planned (non-overdue) visit."""
        out: dict[str, Timing] = {}
        for s in self.slots:
            if s.index != 0 or s.role not in (VisitRole.DEADLINE, VisitRole.NEW_FACILITY):
                continue
            f = self.facility[s.facility_id]
            due_week = self.grid.week_of(self.hard_hi.get(s.slot_id, s.hi))
            hi = min(due_week, max(GRACE_WEEKS, round((1.0 - f.risk_percentile) * due_week)))
            out[s.slot_id] = Timing(max(0, hi - TARGET_WINDOW_WEEKS), hi, risk_weight(f.risk))
        return out

    @cached_property
    def first_quarter_weeks(self) -> frozenset[int]:
        """Weeks whose working days (in the horizon) all lie in the first quarter."""
        end = self.problem.first_quarter_end
        return frozenset(w for w, days in enumerate(self.grid.days) if days and days[-1] <= end)

    @cached_property
    def extra_weight(self) -> dict[str, int]:
        """Top-tier facilities' first slot (or optional extra slot) -> the cost of not visiting them in the
        first quarter."""
        out: dict[str, int] = {}
        for s in self.slots:
            f = self.facility[s.facility_id]
            first = s.index == 0 and s.role in (VisitRole.DEADLINE, VisitRole.NEW_FACILITY)
            if f.top_tier and (first or s.optional):
                out[s.slot_id] = EXTRA_WEIGHT * risk_weight(f.risk)
        return out

    @cached_property
    def pool_quarters(self) -> list[tuple[str, Pool, list[int], int, int]]:
        """``(quarter, pool, weeks, capacity, locked)`` for the workload rule. The capacity counts a week
        that locked visits fill beyond its capacity at the locked number, so the pieces always hold
        every load the weekly capacity rule allows."""
        capacity, locked = self.capacity.capacity, self.capacity.locked
        out = []
        for q, weeks in sorted(self.weeks_of_quarter.items()):
            for p in self.pools:
                cap = sum(max(capacity[m][w], locked[m][w]) for m in p.members for w in weeks)
                if cap > 0:
                    out.append((q, p, weeks, cap, sum(locked[m][w] for m in p.members for w in weeks)))
        return out

    @cached_property
    def weeks_of_quarter(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for w, q in enumerate(self.grid.quarter_of_week):
            out[q].append(w)
        return dict(out)

    @cached_property
    def _noise(self) -> dict[str, np.ndarray]:
        return {}

    def tie_break(self, slot_id: str) -> np.ndarray:
        """Seeded random cost per week of a slot (independent of variable order and of risk)."""
        table = self._noise.get(slot_id)
        if table is None:
            rng = np.random.default_rng([self.problem.seed, zlib.crc32(slot_id.encode())])
            table = self._noise[slot_id] = rng.integers(0, TIE_BREAK_MAX + 1, size=self.grid.n_weeks)
        return table

    @cached_property
    def candidates(self) -> dict[str, list[tuple[int, tuple[str, ...] | None]]]:
        """Slot -> its candidate weeks: ``(week, None)`` when the visit's candidate days fill the week (any
        member of a competent pool with capacity left can take it), ``(week, inspectors)`` for a partial
        week (the competent inspectors with capacity left who are present on a candidate day)."""
        remaining = self.capacity.remaining
        avail = self.capacity.available
        days = self.grid.days
        last = self.grid.n_weeks - 1
        class_open = {
            c: [any(self.pool_remaining[p][w] > 0 for p in pools) for w in range(self.grid.n_weeks)]
            for c, pools in self.class_pools.items()
        }
        out: dict[str, list[tuple[int, tuple[str, ...] | None]]] = {}
        for s in self.slots:
            pools = [p for p in self.pools if p.competent(s.facility_type)]
            if not pools:
                out[s.slot_id] = []
                continue
            inspectors = [m for p in pools for m in p.members]
            is_open = class_open[self.classes[s.facility_type]]
            w_lo, w_hi = max(0, self.grid.week_of(s.lo)), min(last, self.grid.week_of(s.hi))
            hard = self.hard_hi.get(s.slot_id)
            hard_week = None if hard is None else self.grid.week_of(hard)
            weeks: list[tuple[int, tuple[str, ...] | None]] = []
            for w in range(w_lo, w_hi + 1):
                if not days[w]:
                    continue
                if w_lo < w < w_hi and w != hard_week:
                    if is_open[w]:
                        weeks.append((w, None))
                    continue
                cand = self.candidate_days(s, w)
                if not cand:
                    continue
                if len(cand) == len(days[w]):
                    if is_open[w]:
                        weeks.append((w, None))
                    continue
                cand_set = set(cand)
                eligible = tuple(i for i in inspectors if remaining[i][w] > 0 and cand_set.intersection(avail[i][w]))
                if eligible:
                    weeks.append((w, eligible))
            out[s.slot_id] = weeks
        return out

    @cached_property
    def parent_inspectors(self) -> dict[tuple[str, int], frozenset[str]]:
        """(facility, week) of a parent-plan visit -> its inspectors."""
        out: dict[tuple[str, int], set[str]] = defaultdict(set)
        for fid, week, inspectors in self._parent_visits:
            out[(fid, week)].update(inspectors)
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def _parent_visits(self) -> list[tuple[str, int, tuple[str, ...]]]:
        ids = {s.facility_id for s in self.slots}
        return [
            (p.facility_id, self.grid.week_of(p.date), p.inspector_ids)
            for p in self.problem.parent_visits
            if p.facility_id in ids and self.problem.start <= p.date <= self.problem.end
        ]

    def share_out(self, week: int, sids: list[str], counts: list[tuple[str, int]]) -> dict[str, str]:
        """The visits of one class in a full week, ``sids`` in the order to fill them, to pools by the flows'
        ``counts`` (pool, visits): a re-planned visit first to a pool of its parent-plan inspector (any order
        would cost the same, but only then can the day step keep the parent's inspector and day)."""
        left = dict(counts)
        out: dict[str, str] = {}
        for sid in sids:
            wanted = self.parent_inspectors.get((self.slot_by_id[sid].facility_id, week), frozenset())
            pool = next((p for p, _ in counts if left[p] > 0 and wanted & set(self.pool_by_id[p].members)), None)
            if pool is not None:
                out[sid] = pool
                left[pool] -= 1
        rest = iter(sid for sid in sids if sid not in out)
        for pool, _ in counts:
            for _ in range(left[pool]):
                out[next(rest)] = pool
        return out

    @cached_property
    def parent_weeks(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for fid, week, _ in self._parent_visits:
            out[fid].append(week)
        return out


@dataclass
class CostTerms:
    """The penalty terms one soft rule adds to the objective: ``constant + sum(coef * var)``."""

    rule: SoftRule | str
    variables: list[cp_model.IntVar] = field(default_factory=list)
    coefficients: list[int] = field(default_factory=list)
    constant: int = 0

    def add(self, var: cp_model.IntVar, coefficient: int) -> None:
        if coefficient:
            self.variables.append(var)
            self.coefficients.append(int(coefficient))

    def value(self, solver: cp_model.CpSolver) -> int:
        """The rule's cost in a solution (small models and tests; ``planner.objective`` prices schedules)."""
        return self.constant + sum(
            c * int(solver.value(x)) for x, c in zip(self.variables, self.coefficients, strict=True)
        )


@dataclass
class WeekModelVars:
    x: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    weeks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    partial: set[tuple[str, int]] = field(default_factory=set)
    y: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    y_of: dict[tuple[str, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    demand: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    flow: dict[tuple[int, str, int], cp_model.IntVar] = field(default_factory=dict)
    unplaced: dict[str, cp_model.IntVar] = field(default_factory=dict)
    #: workload pieces per pool-quarter: (locked visits, load terms, [(piece variable, start, size)])
    balance: list[tuple[int, list, list[tuple[cp_model.IntVar, int, int]]]] = field(default_factory=list)
    #: stability: keep literal -> the x variables of its facility in the parent week
    keep: list[tuple[cp_model.IntVar, list[cp_model.IntVar]]] = field(default_factory=list)

    def placed(self, slot_id: str) -> list[cp_model.IntVar]:
        return [self.x[(slot_id, w)] for w in self.weeks.get(slot_id, [])]

    def week_expr(self, slot_id: str) -> cp_model.LinearExpr:
        ws = self.weeks.get(slot_id, [])
        return cp_model.LinearExpr.weighted_sum([self.x[(slot_id, w)] for w in ws], ws)

    @property
    def count(self) -> int:
        return len(self.x) + len(self.y) + len(self.flow) + len(self.unplaced)


def create_variables(model: cp_model.CpModel, data: WeekModelData) -> WeekModelVars:
    """``x`` per slot and candidate week, ``y`` per partial week and eligible inspector (see module doc)."""
    v = WeekModelVars()
    for s in data.slots:
        cls = data.classes.get(s.facility_type)
        for w, eligible in data.candidates[s.slot_id]:
            var = model.new_bool_var(f"x[{s.slot_id},{w}]")
            v.x[(s.slot_id, w)] = var
            v.weeks[s.slot_id].append(w)
            if eligible is None:
                assert cls is not None
                v.demand[(cls, w)].append(var)
                continue
            v.partial.add((s.slot_id, w))
            for i in eligible:
                v.y[(s.slot_id, w, i)] = model.new_bool_var(f"y[{s.slot_id},{w},{i}]")
                v.y_of[(s.slot_id, w)].append(i)
        if data.relaxed and not s.optional:
            v.unplaced[s.slot_id] = model.new_bool_var(f"unplaced[{s.slot_id}]")
    return v
