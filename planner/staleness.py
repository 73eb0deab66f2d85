"""Whether a stored plan still fits the data: what changed since it was made that matters to it (no solve).

A plan is made from the data of one moment; the tilsyn keeps importing (uploads, case-system pushes, locks,
withdrawn concern reports) and unlocking. :func:`plan_changes` compares a stored plan with the data stored now and
says what a planner must know before using it: a tilbud it visits closes before a planned visit, an active tilbud it
does not know (the first-visit rule), a visit recorded that it does not have (an unannounced one restarts the
two-year deadline), an inspector it sends removed or changed, a planned visit on a new absence or day off, and a
lock it does not keep or a locked visit since unlocked. The fix is a re-plan (``tilsynsplan plan --replan-of ID``).

What the plan knew comes from the plan itself (its visits, locked visits, deadlines, settings) and from
``data_basis``, which a plan stores since this check exists (:func:`data_basis`): the newest import batch it was made
from, each tilbud's newest visits and each inspector's capacity. A plan stored before has no basis: the imports are
then those after its ``created_at``, recorded visits those dated after its as-of day, and capacity is not compared.

Confidentiality: a change that concerns an unannounced visit (its day, or who makes it) is told to planners only,
with its tilbud, day and inspector. Readers get :meth:`PlanStaleness.seen_by`: the changes as far as they concern
what a reader sees, with no count of the others -- a reader who knows of a new day off or an absence learnt from "1
planlagt besøg ligger på en ny fridag (den gælder uanmeldte besøg …)" that an unannounced visit falls on it.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

import pandas as pd

from data.calendar import days_off_between
from data.dataset import Dataset, absence_periods, date_of
from data.enums import Authority
from data.glossary import and_more_da, danish_code, format_number_da
from data.lock_rules import absent, competent, parse_competences
from data.plan_store import StoredPlan

#: How many tilbud or visits a message names before "og N flere" (``and_more_da``).
NAMED = 10


class ChangeKind(StrEnum):
    CLOSED = "closed"  # a tilbud the plan visits closes on or before a planned visit
    MOVED = "moved"  # a tilbud the plan visits now belongs to another socialtilsyn than the one planned for it
    NEW_FACILITY = "new_facility"  # an active tilbud the plan does not know
    VISIT_RECORDED = "visit_recorded"  # a visit recorded that the plan does not have
    INSPECTOR = "inspector"  # an inspector the plan sends was removed or changed
    ABSENCE = "absence"  # a planned visit falls on its inspector's absence
    DAY_OFF = "day_off"  # a planned visit falls on a day off of the current settings
    LOCKED = "locked"  # a lock in the plan's horizon that the plan does not keep
    UNLOCKED = "unlocked"  # a visit locked in the plan that is no longer locked


class Freshness(StrEnum):
    UNCHANGED = "unchanged"  # nothing imported, locked or unlocked since the plan was made
    IMPORTS_ONLY = "imports_only"  # data imported since, none of it changes the plan's visits
    CHANGED = "changed"  # something the plan depends on changed: re-plan


@dataclass(frozen=True)
class ChangeItem:
    """One tilbud (or inspector) concerned by a change. ``confidential``: it concerns an unannounced visit, whose
    day and inspector readers may not learn (nor, for a change tied to the day, which tilbud it is)."""

    facility_id: str | None
    detail: str  # for planners: days, inspectors, what changed (Danish)
    confidential: bool = False
    inspector_id: str | None = None
    public: str | None = None  # an inspector change as readers see it (None: the detail's first part)


@dataclass(frozen=True)
class PlanChange:
    kind: ChangeKind
    items: tuple[ChangeItem, ...]

    @property
    def facility_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.facility_id for i in self.items if i.facility_id is not None))

    @property
    def inspector_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.inspector_id for i in self.items if i.inspector_id is not None))

    def shown_items(self, authorised: bool) -> list[ChangeItem]:
        return [i for i in self.items if authorised or not i.confidential]

    def message(self, authorised: bool) -> str:
        """The change in one Danish sentence; for readers only the items they may see (neither named nor counted: an
        unannounced visit's tilbud, day and inspector)."""
        shown = self.shown_items(authorised)
        if self.kind == ChangeKind.INSPECTOR:
            who = _count(len(self.items), "tilsynskonsulent", "tilsynskonsulenter")
            head = f"{who}, som planen sender, er fjernet eller ændret"
            names = [
                f"{i.inspector_id} ({i.detail})"
                if authorised
                else f"{i.inspector_id} ({i.public or _public(i.detail)})"
                for i in shown
            ]
            return _sentence(head, names)
        head = _HEADS[self.kind](len(shown))
        names = [f"{i.facility_id} ({i.detail})" if authorised and i.detail else str(i.facility_id) for i in shown]
        return _sentence(head, names)


def _public(detail: str) -> str:
    """An inspector change as readers see it: what changed, without the tilbud it visits."""
    return detail.split(";", 1)[0]


def _count(n: int, one: str, many: str) -> str:
    return f"{format_number_da(n, 0)} {one if n == 1 else many}"


def _sentence(head: str, names: Sequence[str]) -> str:
    text = head
    if names:
        more = len(names) - NAMED
        text += ": " + ", ".join(names[:NAMED]) + and_more_da(more)
    return text + "."


_HEADS = {
    ChangeKind.CLOSED: lambda n: f"{_count(n, 'tilbud', 'tilbud')}, som planen besøger, lukker før et planlagt besøg",
    ChangeKind.MOVED: lambda n: (
        f"{_count(n, 'tilbud', 'tilbud')}, som planen besøger, hører nu til et andet socialtilsyn"
    ),
    ChangeKind.NEW_FACILITY: lambda n: (
        f"{_count(n, 'tilbud', 'tilbud')} er kommet til og er ikke i planen (første besøg efter reglen for nye tilbud)"
    ),
    ChangeKind.VISIT_RECORDED: lambda n: (
        f"{_count(n, 'tilbud', 'tilbud')} har fået registreret et besøg, som planen ikke har (et uanmeldt flytter "
        "fristen for næste uanmeldte besøg)"
    ),
    ChangeKind.ABSENCE: lambda n: (
        f"{_count(n, 'planlagt besøg', 'planlagte besøg')} ligger i tilsynskonsulentens fravær"
    ),
    ChangeKind.DAY_OFF: lambda n: f"{_count(n, 'planlagt besøg', 'planlagte besøg')} ligger på en ny fridag",
    ChangeKind.LOCKED: lambda n: f"{_count(n, 'låst besøg', 'låste besøg')} er ikke i planen",
    ChangeKind.UNLOCKED: lambda n: f"{_count(n, 'besøg', 'besøg')}, som planen har låst, er låst op",
}


#: :meth:`PlanStaleness.advice` for a reader, who cannot re-plan.
READER_ADVICE = "Bed en planlægger om en genplan, der flytter så få besøg som muligt."


@dataclass(frozen=True)
class PlanStaleness:
    """What changed since a stored plan was made, as far as it matters to the plan (:func:`plan_changes`)."""

    plan_id: int
    imports: int  # import batches since the plan's data were read
    last_import_at: dt.datetime | None
    changes: tuple[PlanChange, ...] = ()
    replan_command: str = ""
    for_reader: bool = False  # :meth:`seen_by` a reader: only what a reader may see

    def seen_by(self, authorised: bool) -> PlanStaleness:
        """The staleness as the viewer may see it: all of it for planners; for readers only the items they may see,
        and the status, headline and advice from those alone, so that nothing a reader is told depends on where the
        unannounced visits lie."""
        if authorised or self.for_reader:
            return self
        changes = []
        for c in self.changes:
            shown = tuple(c.shown_items(False))
            if shown:
                changes.append(PlanChange(c.kind, shown))
        return replace(self, changes=tuple(changes), for_reader=True)

    @property
    def freshness(self) -> Freshness:
        if self.changes:
            return Freshness.CHANGED
        return Freshness.IMPORTS_ONLY if self.imports else Freshness.UNCHANGED

    @property
    def changed(self) -> bool:
        return self.freshness == Freshness.CHANGED

    def headline(self) -> str:
        """One Danish sentence; empty when nothing changed."""
        if self.freshness == Freshness.UNCHANGED:
            return ""
        since = _imports_text(self.imports, self.last_import_at)
        if self.freshness == Freshness.IMPORTS_ONLY and self.for_reader:
            return (
                f"Der er importeret data, siden planen blev lavet ({since}). Intet af det ændrer de besøg, du kan se; "
                "om det rammer et uanmeldt besøg, ser kun planlæggere."
            )
        if self.freshness == Freshness.IMPORTS_ONLY:
            return (
                f"Der er importeret data siden planen blev lavet ({since}), men intet, der ændrer planens besøg "
                "(lukninger, tilbud flyttet til et andet socialtilsyn, nye tilbud, besøg, tilsynskonsulenter, fravær, "
                "fridage, låste besøg)."
            )
        text = "Data er ændret, siden planen blev lavet"
        return text + (f" ({since})" if self.imports else "") + ", og planen passer ikke længere til dem:"

    def advice(self, authorised: bool = True) -> str:
        """What to do about a change: for a planner the re-plan to make; a reader cannot re-plan, and is told to ask
        a planner (readers were given the planner's command)."""
        if not self.changed:
            return ""
        if not authorised:
            return READER_ADVICE
        return (
            f"Lav en genplan, der flytter så få besøg som muligt: {self.replan_command} (API: POST /api/v1/plans med "
            f'"parent_plan_id": {self.plan_id}).'
        )

    def messages(self, authorised: bool) -> list[str]:
        return [c.message(authorised) for c in self.seen_by(authorised).changes]

    def as_dict(self, authorised: bool) -> dict[str, Any]:
        """For the API and ``plan show --format json``: readers get :meth:`seen_by` (no confidential item)."""
        if not authorised and not self.for_reader:
            return self.seen_by(False).as_dict(False)
        return {
            "status": self.freshness.value,
            "imports_since": self.imports,
            "last_import_at": None if self.last_import_at is None else self.last_import_at.isoformat(),
            "message": self.headline(),
            "changes": [
                {
                    "kind": c.kind.value,
                    "count": len(c.items),
                    "facility_ids": list(
                        dict.fromkeys(i.facility_id for i in c.shown_items(authorised) if i.facility_id is not None)
                    ),
                    "inspector_ids": list(
                        dict.fromkeys(i.inspector_id for i in c.shown_items(authorised) if i.inspector_id is not None)
                    ),
                    "message": c.message(authorised),
                }
                for c in self.changes
            ],
            "advice": self.advice(authorised),
        }


def _imports_text(n: int, last: dt.datetime | None) -> str:
    text = _count(n, "import", "importer")
    return text if last is None else f"{text}, den seneste {last.strftime('%d.%m.%Y kl. %H:%M')}"


# --- what a plan stores about its data ---------------------------------------------------------------


def _newest_visits(ds: Dataset) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Facility -> (newest visit, newest unannounced visit) in ``visits`` and ``facilities.last_unannounced_visit``."""
    out: dict[str, tuple[dt.date | None, dt.date | None]] = {}

    def see(fid: str, day: dt.date | None, announced: bool) -> None:
        if day is None:
            return
        last, last_un = out.get(fid, (None, None))
        last = day if last is None or day > last else last
        if not announced:
            last_un = day if last_un is None or day > last_un else last_un
        out[fid] = (last, last_un)

    v = ds.visits
    for fid, day, announced in zip(v["facility_id"], v["date"], v["announced"], strict=True):
        see(str(fid), date_of(day), bool(announced))
    if "last_unannounced_visit" in ds.facilities:
        for fid, day in zip(ds.facilities["facility_id"], ds.facilities["last_unannounced_visit"], strict=True):
            see(str(fid), date_of(day), False)
    return out


def data_basis(ds: Dataset, import_batch_id: int | None) -> dict[str, Any]:
    """What a plan stores about the data it was made from (JSON-friendly): the newest import batch, every tilbud's
    newest visit and unannounced visit, every inspector's weekly capacity."""
    visits = {
        fid: [None if a is None else a.isoformat(), None if u is None else u.isoformat()]
        for fid, (a, u) in sorted(_newest_visits(ds).items())
    }
    for fid in ds.facilities["facility_id"].astype(str):
        visits.setdefault(fid, [None, None])
    return {
        "import_batch_id": import_batch_id,
        "visits": visits,
        "visits_per_week": {
            str(i): int(n) for i, n in zip(ds.inspectors["inspector_id"], ds.inspectors["visits_per_week"], strict=True)
        },
    }


# --- the comparison ----------------------------------------------------------------------------------


class CurrentData:
    """The data stored now as the comparison reads them, each part worked out once: a plan list compares every
    plan with the same data (:func:`plan_changes` takes this or the plain ``Dataset``)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._absent: dict[tuple[str, dt.date], bool] = {}
        self._active: dict[tuple[dt.date, str | None], list[tuple[str, dt.date | None]]] = {}
        self._scope: dict[str | None, set[str]] = {}
        self._days: dict[str, dt.date] = {}  # a data basis's ISO days, parsed once for every plan

    def day(self, value: object) -> dt.date | None:
        """:func:`_iso` of ``value``, each text parsed once."""
        if value is None:
            return None
        text = str(value)
        if text not in self._days:
            self._days[text] = dt.date.fromisoformat(text)
        return self._days[text]

    @cached_property
    def newest_visits(self) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        return _newest_visits(self.dataset)

    @cached_property
    def absence_periods(self) -> dict[str, tuple[tuple[dt.date, dt.date], ...]]:
        return absence_periods([self.dataset.absences])

    @cached_property
    def inspectors(self) -> dict[str, Any]:
        return {str(r.inspector_id): r for r in self.dataset.inspectors.itertuples(index=False)}

    @cached_property
    def facilities(self) -> dict[str, Any]:
        return {str(r.facility_id): r for r in self.dataset.facilities.itertuples(index=False)}

    @cached_property
    def facility_ids(self) -> set[str]:
        return set(self.dataset.facilities["facility_id"].astype(str))

    @cached_property
    def closes(self) -> dict[str, dt.date]:
        """Facility -> the day it closes (those with a ``closed_on``)."""
        frame = self.dataset.facilities
        return {
            str(f): d
            for f, c in zip(frame["facility_id"], frame["closed_on"], strict=True)
            if (d := date_of(c)) is not None
        }

    @cached_property
    def newest_visits_sorted(self) -> list[tuple[str, tuple[dt.date | None, dt.date | None], list[str | None]]]:
        """:attr:`newest_visits` by facility, each with the two days as a data basis stores them (ISO texts)."""
        return [
            (fid, days, [None if d is None else d.isoformat() for d in days])
            for fid, days in sorted(self.newest_visits.items())
        ]

    def in_scope(self, authority: str | None) -> set[str]:
        """The ids of the tilbud of one socialtilsyn (or all)."""
        if authority not in self._scope:
            frame = self.dataset.facilities
            if authority is not None:
                frame = frame[frame["authority"] == authority]
            self._scope[authority] = set(frame["facility_id"].astype(str))
        return self._scope[authority]

    def absent(self, inspector_id: str, day: dt.date) -> bool:
        key = (inspector_id, day)
        if key not in self._absent:
            self._absent[key] = absent(self.absence_periods.get(inspector_id, ()), day)
        return self._absent[key]

    def active(self, on: dt.date, authority: str | None) -> list[tuple[str, dt.date | None]]:
        """The tilbud active on ``on`` (of one socialtilsyn, or all) by id: (id, approval day)."""
        key = (on, authority)
        if key not in self._active:
            frame = self.dataset.active_facilities(on)
            if authority is not None:
                frame = frame[frame["authority"] == authority]
            self._active[key] = sorted(
                (str(f), date_of(a)) for f, a in zip(frame["facility_id"], frame["approved_on"], strict=True)
            )
        return self._active[key]


def _iso(value: object) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _day(d: dt.date) -> str:
    return d.isoformat()


def plan_changes(
    plan: StoredPlan,
    current: Dataset | CurrentData,
    *,
    imports: int,
    last_import_at: dt.datetime | None,
    today: dt.date,
    days_off: Sequence[str],
    replan_command: str,
    data_read: bool = True,
) -> PlanStaleness:
    """Compare ``plan`` with ``current`` (its facilities, inspectors, visits, absences and locked visits, all
    socialtilsyn). ``imports``: the import batches since the plan's data were read; ``data_read=False`` when none
    were and ``current`` holds only the locked visits (the other checks are then skipped: nothing changed them).
    ``days_off``: the current ``Settings.days_off``."""
    start = _iso(plan.analysis.get("start")) or plan.as_of
    end = _iso(plan.analysis.get("end")) or (max(plan.visits["date"]) if len(plan.visits) else start)
    visits = _rows(plan.visits)
    now = current if isinstance(current, CurrentData) else CurrentData(current)
    changes: list[PlanChange] = []
    if data_read:
        changes += _closed(visits, now)
        changes += _moved(visits, now)
        changes += _new_facilities(plan, now, start, today)
        changes += _recorded(plan, visits, now)
        changes += _inspectors(plan, visits, now)
        changes += _absences(visits, now)
    changes += _days_off(plan, visits, start, end, days_off)
    changes += _locks(plan, visits, now.dataset, start, end)
    return PlanStaleness(plan.id, imports, last_import_at, tuple(changes), replan_command)


def _rows(frame: pd.DataFrame) -> list[Any]:
    """``frame``'s rows as ``itertuples(index=False)`` gives them, read column by column (a list compares thousands
    of visits per plan; ``itertuples`` over string columns is some 40 times slower)."""
    row = namedtuple("Row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    return list(map(row._make, zip(*(frame[c].tolist() for c in frame.columns), strict=True)))


def _change(kind: ChangeKind, items: Iterable[ChangeItem]) -> list[PlanChange]:
    found = tuple(items)
    return [PlanChange(kind, found)] if found else []


def _closed(visits: Sequence[Any], now: CurrentData) -> list[PlanChange]:
    closes, known = now.closes, now.facility_ids
    after: dict[str, list[Any]] = {}
    for v in visits:
        fid = str(v.facility_id)
        if fid not in known or (fid in closes and v.date >= closes[fid]):
            after.setdefault(fid, []).append(v)
    items = []
    for fid, vs in sorted(after.items()):
        why = "findes ikke længere i data" if fid not in known else f"lukker {_day(closes[fid])}"
        days = ", ".join(_day(v.date) for v in vs)
        # confidential when only unannounced visits fall after the closing: a reader who sees an announced one there
        # is told of the tilbud either way (leaving it out would say that an unannounced one falls there too)
        items.append(ChangeItem(fid, f"{why}; besøg {days}", not any(v.announced for v in vs)))
    return _change(ChangeKind.CLOSED, items)


def _moved(visits: Sequence[Any], now: CurrentData) -> list[PlanChange]:
    """Tilbud whose socialtilsyn is not the one the plan visits them for (a newer facilities.csv moved them): the
    plan sends the old tilsyn's inspectors, and the new one's plan lacks them. Not confidential: a tilbud's
    socialtilsyn is public, and readers see that the plan visits every tilbud it has."""
    facility = now.facilities
    moved: dict[str, tuple[str, str]] = {}
    for v in visits:
        fid = str(v.facility_id)
        if fid in facility and v.authority and str(v.authority) != str(facility[fid].authority):
            moved[fid] = (str(facility[fid].authority), str(v.authority))
    items = [
        ChangeItem(fid, f"nu {danish_code(Authority, new)}; planlagt til {danish_code(Authority, old)}")
        for fid, (new, old) in sorted(moved.items())
    ]
    return _change(ChangeKind.MOVED, items)


def _new_facilities(plan: StoredPlan, now: CurrentData, start: dt.date, today: dt.date) -> list[PlanChange]:
    basis = plan.data_basis.get("visits")
    known = set(basis) if basis is not None else set(plan.analysis.get("deadlines", {}))
    if not known:
        return []  # an old plan without its facilities: nothing to compare with
    visited = set(plan.visits["facility_id"].astype(str))
    items = []
    for fid, approved in now.active(max(start, today), plan.authority):
        if fid in known or fid in visited:
            continue
        items.append(ChangeItem(fid, "" if approved is None else f"godkendt {_day(approved)}"))
    return _change(ChangeKind.NEW_FACILITY, items)


def _recorded(plan: StoredPlan, visits: Sequence[Any], now: CurrentData) -> list[PlanChange]:
    basis: Mapping[str, Sequence[str | None]] | None = plan.data_basis.get("visits")
    planned = {(str(v.facility_id), v.date) for v in visits}
    scope = now.in_scope(plan.authority)
    items = []
    for fid, (last, last_un), stored in now.newest_visits_sorted:
        if fid not in scope:
            continue
        if basis is not None and basis.get(fid) == stored:
            continue  # the plan knew these very visits
        if basis is not None:
            known_last, known_un = (now.day(x) for x in basis.get(fid, (None, None)))
        else:  # a plan stored without its basis: what it knew is what was dated on its as-of day
            known_last = known_un = plan.as_of
        new_un = last_un is not None and (known_un is None or last_un > known_un)
        new_any = last is not None and (known_last is None or last > known_last)
        if not (new_un or new_any):
            continue
        day = last_un if new_un else last
        assert day is not None
        if (fid, day) in planned:
            continue  # the plan's own visit, carried out as planned
        what = "uanmeldt" if new_un else "anmeldt"
        items.append(ChangeItem(fid, f"{what} besøg {_day(day)}"))
    return _change(ChangeKind.VISIT_RECORDED, items)


LACKING = "har ikke længere kompetence til "


def _inspectors(plan: StoredPlan, visits: Sequence[Any], now: CurrentData) -> list[PlanChange]:
    rows, facility = now.inspectors, now.facilities
    capacity: Mapping[str, int] = plan.data_basis.get("visits_per_week", {})
    sent: dict[str, list[Any]] = {}
    for v in visits:
        for iid in str(v.inspector_ids).split(";"):
            if iid:
                sent.setdefault(iid, []).append(v)
    items = []
    for iid, vs in sorted(sent.items()):
        row = rows.get(iid)
        problems: list[str] = []
        if row is None:
            problems.append("findes ikke længere i data")
        else:
            competences = parse_competences(row.competences)
            if any(v.authority and str(v.authority) != str(row.authority) for v in vs):
                problems.append(f"hører nu til et andet socialtilsyn ({row.authority})")
            lacking = sorted(
                {
                    str(facility[str(v.facility_id)].facility_type)
                    for v in vs
                    if str(v.facility_id) in facility
                    and not competent(competences, str(facility[str(v.facility_id)].facility_type))
                }
            )
            if lacking:
                problems.append(LACKING + ", ".join(lacking))
            before = capacity.get(iid)
            if before is not None and int(before) != int(row.visits_per_week):
                problems.append(f"besøg pr. uge ændret fra {before} til {int(row.visits_per_week)}")
        if problems:
            shown = sorted({str(v.facility_id) for v in vs})
            where = ", ".join(shown[:NAMED]) + (" …" if len(shown) > NAMED else "")
            detail = "; ".join(problems) + f"; sendes til {_count(len(vs), 'besøg', 'besøg')} ({where})"
            # readers are not told the types it lost: they come from all its visits, unannounced ones included
            public = "har mistet en kompetence" if problems[0].startswith(LACKING) else problems[0]
            items.append(ChangeItem(None, detail, inspector_id=iid, public=public))
    return _change(ChangeKind.INSPECTOR, items)


def _absences(visits: Sequence[Any], now: CurrentData) -> list[PlanChange]:
    items = []
    for v in visits:
        away = [iid for iid in str(v.inspector_ids).split(";") if iid and now.absent(iid, v.date)]
        if away:
            items.append(
                ChangeItem(
                    str(v.facility_id), f"{_day(v.date)}, {', '.join(away)} fraværende", not v.announced, away[0]
                )
            )
    return _change(ChangeKind.ABSENCE, items)


def _days_off(
    plan: StoredPlan, visits: Sequence[Any], start: dt.date, end: dt.date, days_off: Sequence[str]
) -> list[PlanChange]:
    before = list(plan.settings.get("days_off", days_off))
    if sorted(before) == sorted(days_off):
        return []
    off = days_off_between(start, end, list(days_off))
    items = [
        ChangeItem(str(v.facility_id), _day(v.date), not v.announced)
        for v in visits
        if v.date in off and not v.locked  # an agreed visit may lie on a day off
    ]
    return _change(ChangeKind.DAY_OFF, items)


def _locks(plan: StoredPlan, visits: Sequence[Any], current: Dataset, start: dt.date, end: dt.date) -> list[PlanChange]:
    in_plan = {(str(v.facility_id), v.date): v for v in visits if v.locked}
    # a lock of one of the plan's own visits, on its day with its inspector and as announced as it is, changes
    # nothing: the plan has that visit (a planner agreeing the planned visit read "ikke i planen")
    planned = {(str(v.facility_id), v.date): v for v in visits}
    # the tilbud the plan covers: a lock of another (one closing by the plan's start, one of another socialtilsyn, a
    # new tilbud: told as such) is not the plan's to keep
    covered = set(plan.analysis.get("deadlines", {})) | {str(v.facility_id) for v in visits}
    now: dict[tuple[str, dt.date], Any] = {}
    for r in current.locked_visits.itertuples(index=False):
        fid, day = str(r.facility_id), date_of(r.date)
        if day is not None and start <= day <= end and fid in covered:
            now[(fid, day)] = r
    added = []
    for (fid, day), r in sorted(now.items()):
        kept = in_plan.get((fid, day))
        own = planned.get((fid, day))
        if (
            own is not None
            and str(r.inspector_id) in str(own.inspector_ids).split(";")
            and bool(r.announced) == bool(own.announced)
        ):
            continue
        if kept is None or str(r.inspector_id) not in str(kept.inspector_ids).split(";"):
            added.append(
                ChangeItem(fid, f"{_day(day)} med {r.inspector_id}", not bool(r.announced), str(r.inspector_id))
            )
    removed = [
        ChangeItem(fid, _day(day), not v.announced)
        for (fid, day), v in sorted(in_plan.items())
        if (fid, day) not in now
    ]
    return _change(ChangeKind.LOCKED, added) + _change(ChangeKind.UNLOCKED, removed)
