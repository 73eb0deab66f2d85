"""planner.staleness: a stored plan against the data stored now; one tiny hand-built case per kind of change,
with the message a planner and a reader get (a reader never the tilbud or day of an unannounced visit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from data.dataset import Dataset
from data.plan_store import StoredPlan
from planner.staleness import (
    ChangeItem,
    ChangeKind,
    CurrentData,
    Freshness,
    PlanChange,
    PlanStaleness,
    plan_changes,
)
from tests.factories import small_dataset, small_stored_plan

# (facility, day, inspectors, announced, locked)
VISITS = [
    ("F1", "2026-11-10", "I1", False, False),
    ("F2", "2026-10-20", "I2", True, False),
    ("F4", "2026-12-01", "I3", False, False),
    ("F5", "2026-11-17", "I3", True, True),
    ("F3", "2026-11-24", "I2", False, True),
    ("F6", "2026-10-27", "I3", False, False),
]
LOCKS = pd.DataFrame(
    [("F5", "2026-11-17", "I3", True), ("F3", "2026-11-24", "I2", False)],
    columns=["facility_id", "date", "inspector_id", "announced"],
)
DAYS_OFF = ["12-24", "12-31"]


def current(**tables: pd.DataFrame) -> Dataset:
    """The data the plan was made from, with the locks it keeps, and ``tables`` replaced."""
    return small_dataset().with_tables(locked_visits=LOCKS).with_tables(**tables)


def compare(
    data: Dataset | CurrentData, plan: StoredPlan | None = None, imports: int = 1, days_off: list[str] = DAYS_OFF
) -> PlanStaleness:
    return plan_changes(
        plan or small_stored_plan(VISITS),
        data,
        imports=imports,
        last_import_at=dt.datetime(2026, 10, 2, 14, 5) if imports else None,
        today=dt.date(2026, 10, 2),
        days_off=days_off,
        replan_command="tilsynsplan plan --quarter 2026Q4 --replan-of 1",
        data_read=imports > 0,
    )


def only(result: PlanStaleness, kind: ChangeKind) -> None:
    assert [c.kind for c in result.changes] == [kind]
    assert result.freshness == Freshness.CHANGED
    assert result.headline() == (
        "Data er ændret, siden planen blev lavet (1 import, den seneste 02.10.2026 kl. 14:05), og planen passer ikke "
        "længere til dem:"
    )
    assert result.advice() == (
        "Lav en genplan, der flytter så få besøg som muligt: tilsynsplan plan --quarter 2026Q4 --replan-of 1 "
        '(API: POST /api/v1/plans med "parent_plan_id": 1).'
    )


def test_nothing_imported_nothing_unlocked_is_no_notice() -> None:
    result = compare(current(), imports=0)
    assert result.freshness == Freshness.UNCHANGED
    assert (result.headline(), result.advice(), result.messages(True)) == ("", "", [])
    assert result.as_dict(False)["status"] == "unchanged"


def test_an_import_that_changes_nothing_the_plan_uses_says_so_without_asking_for_a_replan() -> None:
    concerns = pd.DataFrame([("F1", "2026-10-02", "high")], columns=["facility_id", "date", "severity"])
    result = compare(current(concerns=concerns))
    assert result.freshness == Freshness.IMPORTS_ONLY
    assert result.changes == ()
    assert result.headline().startswith("Der er importeret data siden planen blev lavet (1 import, den seneste ")
    assert "intet, der ændrer planens besøg" in result.headline()
    assert result.advice() == ""


def test_a_tilbud_closing_before_its_unannounced_visit_is_named_to_planners_only() -> None:
    facilities = small_dataset().facilities.copy()
    facilities.loc[facilities["facility_id"] == "F1", "closed_on"] = pd.Timestamp("2026-11-01")
    result = compare(current(facilities=facilities))
    only(result, ChangeKind.CLOSED)
    assert result.messages(True) == [
        "1 tilbud, som planen besøger, lukker før et planlagt besøg: F1 (lukker 2026-11-01; besøg 2026-11-10)."
    ]
    # a reader is told nothing of it, not even a count: the closing day is public, the visit's day is not
    assert result.messages(False) == []
    reader = result.seen_by(False)
    assert reader.freshness == Freshness.IMPORTS_ONLY and reader.advice() == ""
    assert result.as_dict(False)["changes"] == [] and result.as_dict(False)["status"] == "imports_only"


def test_a_tilbud_closing_before_an_announced_and_an_unannounced_visit_is_named_to_readers() -> None:
    """The reader sees the announced visit after the closing: the tilbud is named whatever its unannounced visit
    does (leaving it out would tell that the unannounced one lies after the closing too)."""
    visits = [*VISITS, ("F1", "2026-12-15", "I1", True, False)]
    facilities = small_dataset().facilities.copy()
    for closing, planner in (("2026-11-01", "besøg 2026-11-10, 2026-12-15"), ("2026-12-01", "besøg 2026-12-15")):
        facilities.loc[facilities["facility_id"] == "F1", "closed_on"] = pd.Timestamp(closing)
        result = compare(current(facilities=facilities), plan=small_stored_plan(visits))
        assert result.messages(True) == [
            f"1 tilbud, som planen besøger, lukker før et planlagt besøg: F1 (lukker {closing}; {planner})."
        ]
        assert result.messages(False) == ["1 tilbud, som planen besøger, lukker før et planlagt besøg: F1."]


def test_a_closing_after_the_plans_visits_changes_nothing() -> None:
    facilities = small_dataset().facilities.copy()
    facilities.loc[facilities["facility_id"] == "F1", "closed_on"] = pd.Timestamp("2027-06-01")
    assert compare(current(facilities=facilities)).changes == ()


def test_a_new_tilbud_the_plan_does_not_know_is_named_to_everyone() -> None:
    new = pd.DataFrame(
        [("F7", "Bostedet Ny", "midt", "Viborg", "8800", "sel108", "kommunal", 10, "2026-09-01", False, False)],
        columns=[
            "facility_id", "name", "authority", "municipality", "postcode", "facility_type", "ownership", "places",
            "approved_on", "has_board", "respite_only",
        ],
    )  # fmt: skip
    facilities = pd.concat([small_dataset().facilities, new.astype({"approved_on": "datetime64[ns]"})])
    result = compare(current(facilities=facilities))
    only(result, ChangeKind.NEW_FACILITY)
    expected = "1 tilbud er kommet til og er ikke i planen (første besøg efter reglen for nye tilbud): F7"
    assert result.messages(True) == [f"{expected} (godkendt 2026-09-01)."]
    assert result.messages(False) == [f"{expected}."]
    # a plan for Socialtilsyn Nord does not concern a new tilbud in Midt
    nord = small_stored_plan([v for v in VISITS if v[0] in ("F4", "F5", "F6")], authority="nord")
    locks = LOCKS[LOCKS["facility_id"] == "F5"]
    assert compare(current(facilities=facilities, locked_visits=locks), plan=nord).changes == ()


def test_a_visit_recorded_that_the_plan_does_not_have_moves_the_deadline() -> None:
    visits = small_dataset().visits
    extra = pd.DataFrame(
        [
            ("V7", "F2", "2026-09-28", False, "operational", "I2"),
            ("V8", "F1", "2026-11-10", False, "operational", "I1"),
        ],
        columns=list(visits.columns),
    )
    result = compare(current(visits=pd.concat([visits, extra.astype({"date": "datetime64[ns]"})])))
    only(result, ChangeKind.VISIT_RECORDED)  # F1's is the plan's own visit, carried out as planned
    head = (
        "1 tilbud har fået registreret et besøg, som planen ikke har (et uanmeldt flytter fristen for næste uanmeldte "
        "besøg): F2"
    )
    assert result.messages(True) == [f"{head} (uanmeldt besøg 2026-09-28)."]
    assert result.messages(False) == [f"{head}."]


def test_one_current_data_for_many_plans_answers_each_as_its_own_comparison() -> None:
    """The plan lists compare every listed plan with one :class:`CurrentData` (each part worked out once): a plan of
    one socialtilsyn, of another, of all and one stored without its data basis each get what a comparison of their
    own gives (nothing of one plan's scope or basis carried over to the next)."""
    visits = small_dataset().visits
    extra = pd.DataFrame(
        [
            ("V7", "F2", "2026-10-02", False, "operational", "I2"),
            ("V8", "F4", "2026-10-02", True, "operational", "I3"),
        ],
        columns=list(visits.columns),
    )
    facilities = small_dataset().facilities.copy()
    facilities.loc[facilities["facility_id"] == "F1", "closed_on"] = pd.Timestamp("2026-11-01")
    data = current(visits=pd.concat([visits, extra.astype({"date": "datetime64[ns]"})]), facilities=facilities)
    midt = [v for v in VISITS if v[0] in ("F1", "F2", "F3")]
    nord = [v for v in VISITS if v[0] not in ("F1", "F2", "F3")]
    plans = [
        small_stored_plan(midt, plan_id=1, authority="midt"),
        small_stored_plan(nord, plan_id=2, authority="nord"),
        small_stored_plan(VISITS, plan_id=3),
        replace(small_stored_plan(VISITS, plan_id=4), data_basis={}),
        small_stored_plan(midt, plan_id=5, authority="midt"),
    ]
    shared = CurrentData(data)
    together = [compare(shared, plan=plan) for plan in plans]
    alone = [compare(current(visits=data.visits, facilities=facilities), plan=plan) for plan in plans]
    assert together == alone
    recorded = [
        [i.facility_id for c in r.changes if c.kind == ChangeKind.VISIT_RECORDED for i in c.items] for r in together
    ]
    assert recorded == [["F2"], ["F4"], ["F2", "F4"], ["F2", "F4"], ["F2"]]
    assert [ChangeKind.CLOSED in [c.kind for c in r.changes] for r in together] == [True, False, True, True, True]


def test_an_inspector_the_plan_sends_losing_a_competence_or_capacity_or_removed() -> None:
    # readers are not told which types a changed inspector lost: the types come from all its visits, unannounced
    # ones included, so "opholdssted" told a reader that the inspector is sent to one
    inspectors = small_dataset().inspectors.copy()
    inspectors.loc[inspectors["inspector_id"] == "I2", "competences"] = "sel108;sel109"
    inspectors.loc[inspectors["inspector_id"] == "I1", "visits_per_week"] = 1
    inspectors = inspectors[inspectors["inspector_id"] != "I3"]
    result = compare(current(inspectors=inspectors))
    only(result, ChangeKind.INSPECTOR)
    head = "3 tilsynskonsulenter, som planen sender, er fjernet eller ændret: "
    assert result.messages(True) == [
        head + "I1 (besøg pr. uge ændret fra 3 til 1; sendes til 1 besøg (F1)), "
        "I2 (har ikke længere kompetence til opholdssted; sendes til 2 besøg (F2, F3)), "
        "I3 (findes ikke længere i data; sendes til 3 besøg (F4, F5, F6))."
    ]
    assert result.messages(False) == [
        head + "I1 (besøg pr. uge ændret fra 3 til 1), I2 (har mistet en kompetence), I3 (findes ikke længere i data)."
    ]


def test_a_tilbud_the_plan_visits_moved_to_another_socialtilsyn() -> None:
    """A newer facilities.csv moved T-1 and T-100 from Midt to Øst under a plan that sends Midt's inspectors to
    them: the plan read "intet, der ændrer planens besøg", though a plan must send the tilbud's own tilsyn."""
    facilities = small_dataset().facilities.copy()
    facilities.loc[facilities["facility_id"].isin(["F1", "F2"]), "authority"] = "oest"
    result = compare(current(facilities=facilities))
    only(result, ChangeKind.MOVED)
    assert result.messages(True) == [
        "2 tilbud, som planen besøger, hører nu til et andet socialtilsyn: F1 (nu Socialtilsyn Øst; planlagt til "
        "Socialtilsyn Midt), F2 (nu Socialtilsyn Øst; planlagt til Socialtilsyn Midt)."
    ]
    # a tilbud's socialtilsyn is public, and so is that the plan visits it: readers are told too, by name only
    assert result.messages(False) == ["2 tilbud, som planen besøger, hører nu til et andet socialtilsyn: F1, F2."]


def test_a_new_absence_over_a_planned_visit() -> None:
    absences = pd.concat(
        [
            small_dataset().absences,
            pd.DataFrame(
                [("I3", pd.Timestamp("2026-11-30"), pd.Timestamp("2026-12-04"))],
                columns=["inspector_id", "start", "end"],
            ),
        ]
    )
    result = compare(current(absences=absences))
    only(result, ChangeKind.ABSENCE)
    head = "1 planlagt besøg ligger i tilsynskonsulentens fravær"
    assert result.messages(True) == [f"{head}: F4 (2026-12-01, I3 fraværende)."]
    assert result.messages(False) == []
    assert result.as_dict(False)["changes"] == []


def test_a_new_day_off_under_a_planned_visit_even_with_nothing_imported() -> None:
    result = plan_changes(
        small_stored_plan(VISITS),
        current(),
        imports=0,
        last_import_at=None,
        today=dt.date(2026, 10, 2),
        days_off=[*DAYS_OFF, "10-20", "11-17"],  # F2's announced visit; F5's locked one stays
        replan_command="tilsynsplan plan --quarter 2026Q4 --replan-of 1",
        data_read=False,
    )
    assert [c.kind for c in result.changes] == [ChangeKind.DAY_OFF]
    assert result.headline() == "Data er ændret, siden planen blev lavet, og planen passer ikke længere til dem:"
    assert result.messages(False) == ["1 planlagt besøg ligger på en ny fridag: F2."]
    assert result.messages(True) == ["1 planlagt besøg ligger på en ny fridag: F2 (2026-10-20)."]


def test_a_lock_added_and_an_unannounced_lock_removed_since_the_plan() -> None:
    locks = pd.concat(
        [
            LOCKS[LOCKS["facility_id"] == "F5"],
            pd.DataFrame([("F2", "2026-12-08", "I2", True)], columns=list(LOCKS.columns)),
        ]
    )
    result = compare(current(locked_visits=locks), imports=0)  # an unlock is not an import
    assert [c.kind for c in result.changes] == [ChangeKind.LOCKED, ChangeKind.UNLOCKED]
    assert result.messages(True) == [
        "1 låst besøg er ikke i planen: F2 (2026-12-08 med I2).",
        "1 besøg, som planen har låst, er låst op: F3 (2026-11-24).",
    ]
    assert result.messages(False) == ["1 låst besøg er ikke i planen: F2."]
    assert [c["kind"] for c in result.as_dict(False)["changes"]] == ["locked"]


def test_a_lock_of_a_tilbud_the_plan_does_not_cover_is_not_a_change() -> None:
    """The planner leaves out a tilbud closing by the plan's start, and its locks with it: the plan's notes say so.
    Such a lock is no change since the plan, and must not be reported on every view of it."""
    plan = small_stored_plan([v for v in VISITS if v[0] != "F1"])
    plan.analysis["deadlines"].pop("F1")  # F1 closes by the plan's start: not planned
    locks = pd.concat([LOCKS, pd.DataFrame([("F1", "2026-11-03", "I1", False)], columns=list(LOCKS.columns))])
    assert compare(current(locked_visits=locks), plan=plan, imports=0).changes == ()


def test_a_long_list_names_ten_and_counts_the_rest_in_danish() -> None:
    """Eleven new tilbud: ten named, then "og 1 mere" (it said "og 1 flere"); twelve: "og 2 flere"."""
    for n, rest in ((11, "og 1 mere."), (12, "og 2 flere.")):
        items = tuple(ChangeItem(f"T{k}", "") for k in range(n))
        message = PlanChange(ChangeKind.NEW_FACILITY, items).message(authorised=True)
        assert message.endswith(f"T9 {rest}"), message


def test_locking_a_visit_the_plan_has_on_its_day_with_its_inspector_is_no_change() -> None:
    """A planner agrees the plan's own visit (F1 on 10 November with I1) and locks it: the plan keeps it as it is,
    but the notice said "1 låst besøg er ikke i planen" and asked for a re-plan. Locked with another inspector, or
    announced where the plan's is unannounced, it is a change."""
    own = pd.concat([LOCKS, pd.DataFrame([("F1", "2026-11-10", "I1", False)], columns=list(LOCKS.columns))])
    assert compare(current(locked_visits=own), imports=0).changes == ()
    other = pd.concat([LOCKS, pd.DataFrame([("F1", "2026-11-10", "I2", False)], columns=list(LOCKS.columns))])
    only(compare(current(locked_visits=other)), ChangeKind.LOCKED)
    announced = pd.concat([LOCKS, pd.DataFrame([("F1", "2026-11-10", "I1", True)], columns=list(LOCKS.columns))])
    only(compare(current(locked_visits=announced)), ChangeKind.LOCKED)
