"""Builders: what each report's context holds, checked against hand-computed values."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.enums import Theme
from data.quality_model import theme_of_indicator
from models.explain import FacilityExplanation
from planner.domain import BEST_EFFORT, OverdueFacility, Plan
from reports.build import build_facility_profile, build_model_card, build_plan_report, build_risk_list, week_label
from reports.context import Factor, NextVisit, PlanVisitRow
from tests.factories import (
    AS_OF,
    HAND_PLAN_DEADLINES,
    hand_plan,
    midt_dataset,
    midt_plan,
    peer_dataset,
    risk_scores_frame,
    small_dataset,
)

# --- Risikoliste -------------------------------------------------------------------------------------


def test_national_list_is_ranked_riskiest_first_with_three_reasons() -> None:
    ctx = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1")
    assert [r.facility_id for r in ctx.rows][:3] == ["R01", "R02", "R03"]
    assert [r.rank for r in ctx.rows] == list(range(1, 11))
    first = ctx.rows[0]
    assert first.risk == 0.62 and first.tier == "høj"
    assert len(first.reasons) == 3 and first.reasons[0].startswith("Magtanvendelser: 1 pr. plads")
    assert ctx.national_count == 10
    assert ctx.high_threshold == 0.62  # the lowest risk in tier "høj"
    assert ctx.tier_counts == {"høj": 1, "forhøjet": 2, "normal": 7}
    assert ctx.title == "Risikoliste — national"
    assert [f.value for f in ctx.filters] == ["Alle socialtilsyn", "Alle tilbudstyper"]


def test_filters_keep_the_apis_ranks() -> None:
    # as GET /api/v1/risk and its CSV: within the authority when one is chosen (R05 is Midt's third after
    # R01 and R03), else national; the type filter keeps the ranks (the list is not renumbered 1, 2, ...)
    ctx = build_risk_list(
        risk_scores_frame(), as_of=AS_OF, model_version="v1", authority="midt", facility_type="opholdssted"
    )
    assert [(r.facility_id, r.rank, r.national_rank) for r in ctx.rows] == [("R01", 1, 1), ("R05", 3, 5)]
    by_type = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1", facility_type="opholdssted")
    assert [(r.facility_id, r.rank, r.national_rank) for r in by_type.rows] == [
        ("R01", 1, 1),
        ("R05", 5, 5),
        ("R08", 8, 8),
    ]
    assert by_type.rank_note == "Nr. er tilbuddets placering nationalt blandt alle tilbudstyper, som i CSV-filen."
    assert ctx.rank_note.startswith("Nr. er tilbuddets placering i Socialtilsyn Midt blandt alle tilbudstyper")
    midt = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1", authority="midt")
    assert [r.rank for r in midt.rows] == [1, 2, 3, 4] and midt.rank_note == ""
    assert [f.value for f in ctx.filters] == ["Socialtilsyn Midt", "opholdssted"]
    assert ctx.title == "Risikoliste — Socialtilsyn Midt"
    assert ctx.national_count == 10  # the list shows 2 of 10 nationally


def test_change_since_the_previous_run() -> None:
    previous = pd.DataFrame({"facility_id": ["R01", "R02"], "risk": [0.50, 0.45], "rank": [3, 1]})
    ctx = build_risk_list(
        risk_scores_frame(),
        as_of=AS_OF,
        model_version="v2",
        previous=previous,
        comparison_as_of=dt.date(2026, 7, 1),
        comparison_model_version="v1",
    )
    r01, r02, r03 = ctx.rows[:3]
    assert r01.change == pytest.approx(0.12) and r01.rank_change == 2  # 3rd -> 1st
    assert r02.change == pytest.approx(-0.04) and r02.rank_change == -1
    assert r03.change is None and r03.rank_change is None  # not scored then
    assert ctx.comparison_as_of == dt.date(2026, 7, 1)
    assert any("model v1" in n for n in ctx.notes)  # a different model may explain part of the change


def test_without_a_previous_run_the_report_says_so() -> None:
    ctx = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1")
    assert ctx.comparison_as_of is None
    assert any("ingen tidligere gemt risikokørsel" in n for n in ctx.notes)


def test_fairness_box_top_decile_against_overall_shares() -> None:
    box = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1").fairness
    assert box.facilities == 10 and box.top_decile_size == 1  # ceil(10 * 0.1)
    ownership = {r.group: r for r in next(t for t in box.tables if t.dimension == "ownership").rows}
    # Private: R01, R05, R08 -> 3 of 10 overall; R01 is the whole top decile.
    assert ownership["privat"].share_overall == pytest.approx(0.3)
    assert ownership["privat"].share_top_decile == pytest.approx(1.0)
    assert ownership["privat"].ratio == pytest.approx(1 / 0.3)
    assert ownership["kommunal"].in_top_decile == 0 and ownership["kommunal"].label == "Kommunal"
    authority = {r.group: r for r in next(t for t in box.tables if t.dimension == "authority").rows}
    assert authority["midt"].facilities == 4 and authority["oest"].label == "Socialtilsyn Øst"


def test_one_authority_has_no_authority_comparison() -> None:
    box = build_risk_list(risk_scores_frame(), as_of=AS_OF, model_version="v1", authority="midt").fairness
    assert [t.dimension for t in box.tables] == ["ownership"]


scores_strategy = st.lists(
    st.tuples(
        st.floats(0, 1, allow_nan=False),
        st.sampled_from(["nord", "midt", "syd"]),
        st.sampled_from(["privat", "kommunal"]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(scores_strategy, st.sampled_from([None, "nord", "midt"]))
def test_any_list_is_sorted_by_risk_and_shares_add_up(
    rows: list[tuple[float, str, str]], authority: str | None
) -> None:
    frame = pd.DataFrame(
        {
            "facility_id": [f"X{i}" for i in range(len(rows))],
            "name": [f"Tilbud {i}" for i in range(len(rows))],
            "authority": [r[1] for r in rows],
            "facility_type": "sel108",
            "ownership": [r[2] for r in rows],
            "risk": [r[0] for r in rows],
            "tier": "normal",
            "top_factors": [[] for _ in rows],
        }
    )
    frame["national_rank"] = frame["risk"].rank(ascending=False, method="first").astype(int)
    ctx = build_risk_list(frame, as_of=AS_OF, model_version="v", authority=authority)
    risks = [r.risk for r in ctx.rows]
    assert risks == sorted(risks, reverse=True)
    assert [r.rank for r in ctx.rows] == list(range(1, len(ctx.rows) + 1))
    expected = frame if authority is None else frame[frame["authority"] == authority]
    assert {r.facility_id for r in ctx.rows} == set(expected["facility_id"])
    for table in ctx.fairness.tables:
        assert sum(r.share_overall for r in table.rows) == pytest.approx(1.0)
        assert sum(r.share_top_decile for r in table.rows) == pytest.approx(1.0)
        # tied tilbud share the places left (fractions such as 2/6 each): their sum is exact only up to rounding
        assert sum(r.in_top_decile for r in table.rows) == pytest.approx(ctx.fairness.top_decile_size)


# --- Tilbudsprofil -----------------------------------------------------------------------------------


def explanation() -> FacilityExplanation:
    factors = [
        {"feature": "theme_min", "value": 1.0, "comparison": 3.0, "shap": 0.8, "text": "Laveste temaværdi: 1,0"},
        {"feature": "places", "value": 24, "comparison": 15, "shap": -0.2, "text": "Pladser: 24"},
    ]
    return FacilityExplanation(
        facility_id="F1",
        name="Bostedet Egebakken",
        authority="midt",
        facility_type="sel108",
        as_of=AS_OF.isoformat(),
        risk=0.45,
        rank=1,
        tier="høj",
        margin=-1.0,
        base_value=-1.6,
        model_version="v1",
        cold_start=True,
        factors=factors,
        top_factors=factors[:1],
    )


NEXT = NextVisit(dt.date(2026, 11, 4), False, "operational", ("Anne Holm",), "Risiko", plan_id=3)


def test_profile_themes_against_the_peer_median() -> None:
    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF)
    themes = {t.theme: t for t in ctx.themes}
    assert len(ctx.themes) == 7
    # F1's latest visit V2 (2025-04-08): 4.a=2, 4.b=1 -> criterion 4 = 1.5; 5.a=2 -> health = (1.5+2)/2.
    assert themes["health_wellbeing"].value == pytest.approx(1.75)
    assert themes["health_wellbeing"].assessed_on == dt.date(2025, 4, 8)
    assert themes["organisation_management"].value == pytest.approx(1.0)  # 9.b = 1
    assert themes["competences"].value is None and themes["competences"].assessed_on is None
    # Peers are the other § 108 facilities F7 (health 4.0, organisation 3.0) and F8 (health 5.0).
    assert ctx.peer_count == 2
    assert themes["health_wellbeing"].peer_median == pytest.approx(4.5)
    assert themes["organisation_management"].peer_median == pytest.approx(3.0)
    assert themes["physical_setting"].peer_median is None
    assert [a.date for a in ctx.theme_history] == [dt.date(2024, 3, 12), dt.date(2025, 4, 8)]
    assert ctx.theme_history[0].values == {"health_wellbeing": 3.5, "organisation_management": 2.0}


def test_profile_series_against_the_peer_group() -> None:
    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF)
    assert len(ctx.force) == 12 and ctx.force[-1].period == dt.date(2026, 7, 1)
    q3 = ctx.force[-1]
    # F1: 1 use in July 2026 / 24 places. Peers: F7 2 in Aug / 10 places = 0.2, F8 0 -> median 0.1.
    assert q3.value == pytest.approx(1 / 24)
    assert (q3.peer_median, q3.peer_low, q3.peer_high) == pytest.approx((0.1, 0.05, 0.15))
    assert q3.label == "3. kvt. 2026"
    assert ctx.force[-2].value == 0.0 and ctx.force[-2].peer_median == 0.0
    turnover = {p.period.year: p for p in ctx.turnover}
    assert sorted(turnover) == [2021, 2022, 2023, 2024, 2025]
    assert turnover[2024].value == 18.0 and turnover[2024].peer_median is None
    assert turnover[2025].value == 31.0
    assert (turnover[2025].peer_median, turnover[2025].peer_low, turnover[2025].peer_high) == pytest.approx(
        (25.0, 22.5, 27.5)
    )


def test_profile_history_risk_and_master_data() -> None:
    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF, explanation=explanation(), national_count=8)
    assert ctx.facility.name == "Bostedet Egebakken" and ctx.facility.places == 24
    assert ctx.facility.ownership_label == "kommunal" and ctx.facility.authority_label == "Socialtilsyn Midt"
    assert [(v.visit_id, v.announced, v.inspectors) for v in ctx.visits] == [
        ("V2", True, ("Anne Holm",)),
        ("V1", False, ("Anne Holm",)),
    ]
    assert ctx.visits[0].theme_mean == pytest.approx((1.75 + 1.0) / 2)
    assert [(e.date, e.what, e.serious) for e in ctx.events] == [
        (dt.date(2026, 2, 3), "bekymringshenvendelse (alvor: høj)", True),
        (dt.date(2025, 4, 20), "påbud", True),
    ]
    assert ctx.risk is not None and ctx.risk.national_count == 8
    assert [f.label for f in ctx.risk.factors] == ["Laveste temaværdi", "Pladser"]
    assert ctx.risk.base_value + sum(f.shap for f in ctx.risk.factors) == pytest.approx(ctx.risk.margin)


def test_next_visit_only_for_authorised_readers() -> None:
    hidden = build_facility_profile(small_dataset(), "F1", as_of=AS_OF, next_visit=NEXT, authorised=False)
    assert hidden.next_visit is None and hidden.authorised is False
    shown = build_facility_profile(small_dataset(), "F1", as_of=AS_OF, next_visit=NEXT, authorised=True)
    assert shown.next_visit == NEXT
    with pytest.raises(ValueError, match="confidential"):
        dataclasses.replace(hidden, next_visit=NEXT)


def test_unknown_facility_is_not_found() -> None:
    from data.errors import NotFoundError

    with pytest.raises(NotFoundError, match="'F99'"):
        build_facility_profile(small_dataset(), "F99", as_of=AS_OF)


# --- Kvartalsplan ------------------------------------------------------------------------------------


def test_week_labels_are_danish() -> None:
    assert week_label(dt.date(2026, 10, 5)) == "Uge 41 (5.–9. okt. 2026)"
    assert week_label(dt.date(2026, 9, 28)) == "Uge 40 (28. sep.–2. okt. 2026)"


def test_a_plan_over_one_socialtilsyns_data_is_titled_with_its_name() -> None:
    ctx = build_plan_report(midt_plan(), midt_dataset(), authorised=True, deadlines=HAND_PLAN_DEADLINES)
    assert ctx.authority is None  # planned without --authority ...
    assert ctx.title == "Kvartalsplan 2026K4 — Socialtilsyn Midt"  # ... but Midt's data is all there is


def test_plan_per_inspector_and_week_for_an_authorised_reader() -> None:
    ctx = build_plan_report(
        hand_plan(), small_dataset(), plan_id=7, authorised=True, deadlines=HAND_PLAN_DEADLINES, risks={"F1": 0.4}
    )
    assert ctx.title == "Plan 7 · Kvartalsplan 2026K4 — alle socialtilsyn"  # a stored plan: its number
    assert [i.name for i in ctx.inspectors] == ["Anne Holm", "Bo Jensen", "Camilla Søndergaard"]
    anne, bo, camilla = ctx.inspectors
    assert [w.week for w in anne.weeks] == ["Uge 41 (5.–9. okt. 2026)"]
    assert [(v.facility_id, v.date) for v in anne.weeks[0].visits] == [
        ("F1", dt.date(2026, 10, 6)),
        ("F2", dt.date(2026, 10, 7)),
    ]
    assert anne.weeks[0].visits[0].risk == 0.4 and anne.weeks[0].visits[1].inspectors == ("Anne Holm", "Bo Jensen")
    assert [w.start for w in bo.weeks] == [dt.date(2026, 10, 5), dt.date(2026, 11, 16)]  # F2 with Anne; F3
    assert [v.facility_id for w in camilla.weeks for v in w.visits] == ["F4"]  # F5 is next quarter
    assert (anne.visits, anne.capacity, anne.utilisation) == (2, 2, 1.0)
    assert ctx.visits_in_quarter == 4 and ctx.visits_in_horizon == 5 and ctx.hidden_dates == 0


def test_a_passed_deadline_is_not_said_to_fall_before_the_quarter() -> None:
    # F3's deadline (2 Nov 2025) passed long before the plan was made (1 Oct 2026): "visit it in the
    # current quarter" is no advice. A deadline between the as-of date and the quarter's start still is.
    passed = build_plan_report(hand_plan(), small_dataset(), authorised=True, deadlines=HAND_PLAN_DEADLINES)
    texts = " ".join(passed.warnings)
    assert "1 tilbud har allerede overskredet fristen for uanmeldt besøg" in texts
    assert "1. oktober 2026" in texts and "falder før kvartalet begynder" not in texts
    plan = hand_plan()
    early = dataclasses.replace(plan, as_of=dt.date(2026, 9, 1))
    o = plan.analysis.overdue[0]
    soon = dataclasses.replace(
        early,
        analysis=dataclasses.replace(plan.analysis, overdue=(dataclasses.replace(o, deadline=dt.date(2026, 9, 20)),)),
    )
    texts = " ".join(build_plan_report(soon, small_dataset(), authorised=True, deadlines=HAND_PLAN_DEADLINES).warnings)
    assert "1 tilbud har en frist for uanmeldt besøg, der falder før kvartalet begynder" in texts
    assert "allerede overskredet" not in texts


def _plan_2027q1_with_four_unkeepable_deadlines() -> Plan:
    """``hand_plan`` moved to 2027Q1, made on 23 Nov 2026, with four deadlines the plan cannot keep: F3's
    passed (2 Nov 2026), F1's before the quarter (15 Dec 2026), F4's on Sunday 3 Jan 2027 (1 Jan is a
    holiday, 2-3 Jan a weekend: the first working day is Monday 4 Jan) and F2's on 6 Jan (kept from by the
    minimum gap after an earlier visit)."""
    plan = hand_plan()
    overdue = (
        OverdueFacility("F3", "midt", dt.date(2026, 11, 2), None),
        OverdueFacility("F1", "midt", dt.date(2026, 12, 15), None),
        OverdueFacility("F4", "nord", dt.date(2027, 1, 3), None),
        OverdueFacility("F2", "midt", dt.date(2027, 1, 6), None),
    )
    return dataclasses.replace(
        plan,
        quarter="2027Q1",
        as_of=dt.date(2026, 11, 23),
        start=dt.date(2027, 1, 1),
        visits=tuple(dataclasses.replace(v, date=v.date + dt.timedelta(days=91)) for v in plan.visits),
        analysis=dataclasses.replace(plan.analysis, overdue=overdue),
    )


def test_the_cost_of_an_overdue_tilbuds_delay_is_for_planners_only() -> None:
    """The plan report's table of rule costs showed every reader `Forsinkelse af overskredne` (1000 x the weeks to an
    overdue tilbud's visit): with one overdue tilbud, the week of its unannounced visit, whose date the report hides."""
    plan = _plan_2027q1_with_four_unkeepable_deadlines()
    costs = {**plan.analysis.rule_costs, "overdue_delay": 3000, "risk_lateness": 12}
    plan = dataclasses.replace(plan, analysis=dataclasses.replace(plan.analysis, rule_costs=costs))
    shown = {
        authorised: {r.rule: r.cost for r in build_plan_report(plan, small_dataset(), authorised=authorised).rule_costs}
        for authorised in (True, False)
    }
    assert shown[True]["overdue_delay"] == 3000 and shown[True]["risk_lateness"] == 12
    assert "overdue_delay" not in shown[False] and shown[False]["risk_lateness"] == 12
    assert set(shown[True]) - set(shown[False]) == {"overdue_delay"}


def test_only_a_deadline_before_the_as_of_date_is_called_passed() -> None:
    # The planner calls every deadline "overdue" that falls before the first day it can plan a visit. Only
    # one before the as-of date has passed; the others can be kept in the current quarter or fall on days
    # no visit can be made, and the report says which.
    ctx = build_plan_report(_plan_2027q1_with_four_unkeepable_deadlines(), small_dataset(), authorised=True)
    rows = {d.facility_id: (d.overdue, d.passed, d.missed_label) for d in ctx.deadlines}
    assert rows == {
        "F3": (True, True, "overskredet"),
        "F1": (True, False, "frist før kvartalet"),
        "F4": (True, False, "før første arbejdsdag"),
        "F2": (True, False, "før første mulige besøgsdag"),
    }
    assert ctx.deadlines[0].facility_id == "F3"  # the broken deadline first
    texts = " ".join(ctx.warnings)
    assert "1 tilbud har allerede overskredet fristen for uanmeldt besøg" in texts
    assert "1 tilbud har en frist for uanmeldt besøg, der falder før kvartalet begynder" in texts
    assert "1 tilbud har en frist for uanmeldt besøg, der falder i kvartalet, men før planens første " in texts
    assert "arbejdsdag (4. januar 2027)" in texts
    assert "før den første dag, et besøg kan lægges" in texts
    assert ctx.baseline is not None and ctx.baseline.overdue == 4 and ctx.baseline.plan_missed_deadlines == 0


def test_capacity_deadlines_baseline_and_warnings() -> None:
    ctx = build_plan_report(hand_plan(), small_dataset(), authorised=True, deadlines=HAND_PLAN_DEADLINES)
    assert [(c.authority, c.visits, c.capacity, c.inspectors) for c in ctx.capacity] == [
        ("midt", 4, 22, 2),
        ("nord", 1, 1, 1),
    ]
    # F3 is overdue (listed first); F1's deadline 20 Dec 2026 falls in the quarter; F2/F4/F5 do not.
    assert [(d.facility_id, d.overdue, d.deadline, d.planned_date) for d in ctx.deadlines] == [
        ("F3", True, dt.date(2025, 11, 2), dt.date(2026, 11, 17)),
        ("F1", False, dt.date(2026, 12, 20), dt.date(2026, 10, 6)),
    ]
    assert ctx.baseline is not None and ctx.baseline.baseline_missed_deadlines == 2
    assert any(w.startswith("1 tilbud har allerede overskredet fristen") for w in ctx.warnings)
    assert any(w.startswith("Socialtilsyn Nord bruger 100 %") for w in ctx.warnings)
    assert not any("Socialtilsyn Midt bruger" in w for w in ctx.warnings)  # 4 of 22
    assert [r.rule for r in ctx.rule_costs] == ["travel", "risk_lateness", "stability"]


def test_unannounced_dates_are_left_out_for_other_readers() -> None:
    ctx = build_plan_report(hand_plan(), small_dataset(), authorised=False, deadlines=HAND_PLAN_DEADLINES)
    anne = ctx.inspectors[0]
    by_week = {w.week: [(v.facility_id, v.date) for v in w.visits] for w in anne.weeks}
    assert by_week["Uge 41 (5.–9. okt. 2026)"] == [("F2", dt.date(2026, 10, 7))]  # announced: shown
    # Unannounced visits are not under any inspector: the inspector's calendar would reveal the date.
    assert all(w.start is not None for i in ctx.inspectors for w in i.weeks)
    assert all(v.announced for i in ctx.inspectors for w in i.weeks for v in w.visits)
    assert [(v.facility_id, v.date, v.inspectors) for v in ctx.confidential_visits] == [
        ("F1", None, ()),  # Bostedet Egebakken
        ("F3", None, ()),  # Krisecenter Havbrisen
        ("F4", None, ()),  # Rusmiddelcenter Nord
    ]
    assert ctx.hidden_dates == 3  # F1, F3, F4
    assert all(d.planned_date is None for d in ctx.deadlines)
    # An announced visit at its deadline keeps its date for every reader.
    due_f2 = build_plan_report(
        hand_plan(), small_dataset(), authorised=False, deadlines={**HAND_PLAN_DEADLINES, "F2": dt.date(2026, 12, 1)}
    )
    assert [(d.facility_id, d.planned_date) for d in due_f2.deadlines] == [
        ("F3", None),
        ("F2", dt.date(2026, 10, 7)),
        ("F1", None),
    ]
    all_dates = {v.date for i in ctx.inspectors for w in i.weeks for v in w.visits}
    assert dt.date(2026, 10, 6) not in all_dates and dt.date(2026, 12, 1) not in all_dates
    leak = dataclasses.replace(
        anne.weeks[0],
        visits=(PlanVisitRow("F1", "Bostedet Egebakken", dt.date(2026, 10, 6), False, "operational", "x", False),),
    )
    with pytest.raises(ValueError, match="confidential"):
        dataclasses.replace(ctx, inspectors=(dataclasses.replace(anne, weeks=(leak,)),))
    undated_but_named = dataclasses.replace(ctx.confidential_visits[0], inspectors=("Anne Holm",))
    with pytest.raises(ValueError, match="confidential"):
        dataclasses.replace(ctx, confidential_visits=(undated_but_named,))


def test_without_deadlines_the_deadline_driven_visits_are_listed() -> None:
    for deadlines in (None, {}):
        ctx = build_plan_report(hand_plan(), small_dataset(), authorised=True, deadlines=deadlines)
        assert [d.facility_id for d in ctx.deadlines] == ["F3", "F1"]


def test_inspectors_without_capacity_or_visits_are_left_out() -> None:
    ds = small_dataset()
    former = pd.DataFrame(
        [("I9", "Tidligere Ansat", "midt", "all", 0, "8000")],
        columns=["inspector_id", "name", "authority", "competences", "visits_per_week", "postcode"],
    )
    ds = ds.with_tables(inspectors=pd.concat([ds.inspectors, former], ignore_index=True))
    ctx = build_plan_report(hand_plan(), ds, authorised=True)
    assert [i.inspector_id for i in ctx.inspectors] == ["I1", "I2", "I3"]
    assert [(c.authority, c.inspectors) for c in ctx.capacity] == [("midt", 2), ("nord", 1)]


# --- Modelkort ---------------------------------------------------------------------------------------


def model_meta() -> dict[str, object]:
    return {
        "version": "20261001T120000-abcdef12",
        "created_at": "2026-10-01T12:00:00+00:00",
        "as_of": "2026-10-01",
        "training_window": ["2021-10-01", "2026-10-01"],
        "kind": "lightgbm",
        "cold_start": False,
        "cold_start_reason": "",
        "training_rows": 5000,
        "positive_labels": 300,
        "snapshots": 60,
        "features": [
            {"name": "theme_min", "monotone": -1, "categorical": False},
            {"name": "force_ratio_12m", "monotone": 1, "categorical": False},
            {"name": "facility_type", "monotone": 0, "categorical": True},
        ],
        "hyperparameters": {"horizon_months": 6, "learning_rate": 0.05},
        "periods": [{"name": "C", "start": "2025-06-01", "end": "2026-03-01", "rows": 900, "positives": 50}],
        "metrics": {
            "model": {"auc": 0.81, "precision_top10": 0.3, "base_rate": 0.06, "rows": 900.0},
            "random": {"auc": 0.5, "precision_top10": 0.06, "base_rate": 0.06, "rows": 900.0},
            "expert": {"auc": 0.74, "precision_top10": 0.2, "base_rate": 0.06, "rows": 900.0},
        },
        "reliability": [
            {"bin": 1, "n": 450, "mean_predicted": 0.02, "observed_rate": 0.01, "low": 0.0, "high": 0.05},
            {"bin": 2, "n": 450, "mean_predicted": 0.1, "observed_rate": 0.11, "low": 0.05, "high": 0.6},
        ],
        "expected_calibration_error": 0.01,
        "authority_offsets": {"offsets": {"syd": -0.37, "midt": 0.04}, "counts": {"syd": 1169, "midt": 1477}, "method": "m"},
        "fairness": {
            "top_share": 0.1,
            "facilities": 20,
            "groups": {
                "ownership": [
                    {"group": "privat", "facilities": 10, "share_of_facilities": 0.5, "in_top_decile": 1,
                     "share_of_top_decile": 0.5, "top_decile_ratio": 1.0, "share_of_serious_findings": 0.55},
                    {"group": "kommunal", "facilities": 10, "share_of_facilities": 0.5, "in_top_decile": 1,
                     "share_of_top_decile": 0.5, "top_decile_ratio": 1.0, "share_of_serious_findings": 0.45},
                ],
            },
        },
        "global_importance": {"theme_min": 0.4, "force_ratio_12m": 0.6},
    }  # fmt: skip


def test_model_card_from_the_stored_card() -> None:
    ctx = build_model_card(model_meta())
    assert ctx.title == "Modelkort — risikomodel 20261001T120000-abcdef12"
    assert (ctx.window_start, ctx.window_end) == (dt.date(2021, 10, 1), dt.date(2026, 10, 1))
    assert ctx.horizon_months == 6
    assert [f.name for f in ctx.features] == ["force_ratio_12m", "theme_min", "facility_type"]  # by importance
    assert ctx.features[0].label == "Magtanvendelser (12 måneder)"
    assert ctx.model_metrics is not None and ctx.model_metrics.auc == 0.81
    assert ctx.best_baseline is not None and ctx.best_baseline.score == "expert"
    assert ctx.validation_period is not None and ctx.validation_period.rows == 900
    assert [(o.authority, o.offset, o.observations) for o in ctx.offsets] == [
        ("midt", 0.04, 1477),
        ("syd", -0.37, 1169),
    ]
    assert [b.observed_rate for b in ctx.reliability] == [0.01, 0.11]
    assert ctx.fairness is not None and ctx.fairness.top_decile_size == 2
    privat = next(r for r in ctx.fairness.tables[0].rows if r.group == "privat")
    assert privat.share_serious_findings == 0.55 and privat.label == "Privat"


def test_a_blended_model_card_shows_the_blends_auc_beside_lightgbm_alone() -> None:
    """A blended model's card listed LightGBM's AUC on C as "Risikomodel", though the risk used is the blend with
    the expert score: the blend's own AUC on C stands in its row below LightGBM's, which is named as LightGBM alone,
    and neither counts as a baseline."""
    ctx = build_model_card({**model_meta(), "blend": {"weight": 0.7, "shift": -0.2, "auc": 0.8123}})
    rows = [(m.score, m.label, m.auc) for m in ctx.metrics]
    model_at = [r[0] for r in rows].index("model")
    assert rows[model_at : model_at + 2] == [
        ("model", "LightGBM alene", 0.81),
        ("blend", "Risikomodel: LightGBM blandet med ekspertscoren (bruges)", 0.8123),
    ]
    assert ctx.best_baseline is not None and ctx.best_baseline.score == "expert"
    assert [m.label for m in build_model_card(model_meta()).metrics if m.score == "model"] == ["Risikomodel"]


def test_model_card_without_audit_or_importance() -> None:
    meta = model_meta()
    del meta["fairness"], meta["global_importance"]
    ctx = build_model_card(meta)
    assert ctx.fairness is None and all(f.importance is None for f in ctx.features)


def test_the_expert_score_card_gives_its_rules_directions_not_lightgbms_bindings() -> None:
    # a clean-room world on the expert score: "Godkendelsens alder: ingen binding" while its rule raises the risk
    # of a tilbud approved less than two years ago (a higher age can never raise it)
    meta = model_meta()
    meta["features"] = [*meta["features"], {"name": "approval_age_years", "monotone": 0, "categorical": False}]
    learnt = {f.name: f.direction for f in build_model_card(meta).features}
    assert learnt["approval_age_years"] == "ingen binding"
    expert = {f.name: f.direction for f in build_model_card({**meta, "cold_start": True}).features}
    assert expert["approval_age_years"] == "faldende: en højere værdi kan aldrig øge risikoen"
    assert expert["force_ratio_12m"] == "stigende: en højere værdi kan aldrig sænke risikoen"
    assert expert["theme_min"] == "faldende: en højere værdi kan aldrig øge risikoen"
    assert expert["facility_type"] == "ingen regel i ekspertscoren"


def test_a_factor_that_contributes_nothing_has_no_direction() -> None:
    """A cold-start expert score gives exactly 0 for an absent warning sign: not "sænker risikoen"."""
    assert Factor("sanctions_5y", "Ingen påbud", 0.0).direction == "påvirker ikke risikoen"
    assert Factor("sanctions_5y", "Ingen påbud", 0.0).css == "none"
    assert Factor("sanctions_5y", "1 påbud", 0.4).css == "up"
    assert Factor("sanctions_5y", "Ingen påbud", -0.1).direction == "sænker risikoen"


def test_quarters_without_any_force_report_are_not_drawn_as_zero() -> None:
    """A missing use_of_force.csv (or one that begins later) drew a flat 0,00 line: a quarter no tilbud in the
    data reported in is "not reported", not zero; with none reported at all the page says so."""
    from reports.html import render_html

    ctx = build_facility_profile(peer_dataset(), "F1", as_of=AS_OF)
    reported = [p for p in ctx.force if p.value is not None]
    assert [p.period for p in reported] == [dt.date(2026, 4, 1), dt.date(2026, 7, 1)]  # the data's two quarters
    assert all(p.peer_median is None for p in ctx.force[:-2])
    none = build_facility_profile(peer_dataset().with_tables(use_of_force=peer_dataset().use_of_force.iloc[0:0]),
                                  "F1", as_of=AS_OF)  # fmt: skip
    assert none.force == ()
    html = " ".join(render_html(none).split())
    assert "Ingen indberetninger af magtanvendelser i data for perioden" in html
    # an imported use_of_force.csv with only its header is this case too: "er ikke indlæst" alone was false there
    assert "(use_of_force.csv er ikke indlæst eller har ingen rækker, eller den begynder senere)" in html


def test_the_deadline_warnings_speak_of_one_tilbud_in_the_singular() -> None:
    """'1 tilbud … de besøges hurtigst muligt' / 'besøg dem allerede': one tilbud is 'det'."""
    one = " ".join(build_plan_report(_plan_2027q1_with_four_unkeepable_deadlines(), small_dataset()).warnings)
    # a plan made before its quarter: a passed deadline too is best kept by a visit in the current quarter (as the CLI)
    assert (
        "(fristen lå før opgørelsesdatoen 23. november 2026); besøg det allerede i indeværende kvartal — ellers "
        "besøges det hurtigst muligt i kvartalet" in one
    )
    assert "besøg det allerede i indeværende kvartal — ellers besøges det hurtigst muligt" in one
    assert " dem " not in one and " de besøges" not in one
    plan = _plan_2027q1_with_four_unkeepable_deadlines()
    two_passed = tuple(dataclasses.replace(o, deadline=dt.date(2026, 11, 2)) for o in plan.analysis.overdue[:2])
    plan = dataclasses.replace(plan, analysis=dataclasses.replace(plan.analysis, overdue=two_passed))
    two = " ".join(build_plan_report(plan, small_dataset()).warnings)
    assert "2 tilbud har allerede overskredet" in two and "besøg dem allerede i indeværende kvartal" in two


def test_the_deadline_warnings_of_a_best_effort_plan_do_not_promise_a_visit_in_the_quarter() -> None:
    """A best-effort plan of a tilsyn short of inspector-days said of its 336 overdue tilbud "de besøges hurtigst
    muligt i kvartalet" while it placed 274 of them after the quarter (35 weeks late): the warning counts those."""
    plan = _plan_2027q1_with_four_unkeepable_deadlines()
    passed = tuple(dataclasses.replace(o, deadline=dt.date(2026, 11, 2)) for o in plan.analysis.overdue[:3])
    late = (
        OverdueFacility("F3", "midt", dt.date(2027, 3, 31), dt.date(2027, 9, 7), 23),
        OverdueFacility("F1", "midt", dt.date(2027, 3, 31), None, None),
        OverdueFacility("F5", "midt", dt.date(2027, 5, 6), dt.date(2027, 5, 20), 2),  # not overdue: late
    )
    analysis = dataclasses.replace(plan.analysis, overdue=(*passed, plan.analysis.overdue[3]), late=late)
    plan = dataclasses.replace(plan, status=BEST_EFFORT, analysis=analysis)
    text = " ".join(" ".join(build_plan_report(plan, small_dataset()).warnings).split())
    assert (
        "3 tilbud har allerede overskredet fristen for uanmeldt besøg (fristen lå før opgørelsesdatoen 23. november "
        "2026); besøg dem allerede i indeværende kvartal — ellers besøges de hurtigst muligt i kvartalet, undtagen 2, "
        "som kapaciteten ikke rækker til (se de overskredne frister ovenfor og listen over tilbud ved fristen)." in text
    )
    assert (
        "1 tilbud har en frist for uanmeldt besøg, der falder før den første dag, et besøg kan lægges "
        "(mindsteafstanden til et tidligere besøg); besøg det allerede i indeværende kvartal — ellers besøges det "
        "hurtigst muligt i kvartalet (se listen over tilbud ved fristen)." in text
    )
    assert text.count("undtagen") == 1  # F5 is late, not an overdue tilbud left out of the quarter
    # every one of a group placed after the quarter: no "hurtigst muligt … undtagen 1"
    one_late = dataclasses.replace(analysis, late=late[:1], overdue=(analysis.overdue[0], analysis.overdue[3]))
    text = " ".join(
        " ".join(build_plan_report(dataclasses.replace(plan, analysis=one_late), small_dataset()).warnings).split()
    )
    assert (
        "1 tilbud har allerede overskredet fristen for uanmeldt besøg (fristen lå før opgørelsesdatoen 23. november "
        "2026); besøg det allerede i indeværende kvartal — kapaciteten rækker ikke til at besøge det i kvartalet (se "
        "de overskredne frister ovenfor og listen over tilbud ved fristen)." in text
    )


def test_a_theme_the_quality_model_never_assesses_for_the_type_is_not_called_unassessed() -> None:
    """A kostskole's profile said "Organisation og ledelse – ikke vurderet" (and so did its spider chart), as if the
    tilsyn had left it out: the quality model never assesses that theme for a kostskole."""
    from reports.html import render_html

    ds = small_dataset()
    facilities = ds.facilities.assign(
        facility_type=ds.facilities["facility_type"].where(ds.facilities["facility_id"] != "F1", "kostskole")
    )
    ds = ds.with_tables(
        facilities=facilities, indicator_scores=ds.indicator_scores.iloc[0:0], theme_scores=ds.theme_scores.iloc[0:0]
    )
    ctx = build_facility_profile(ds, "F1", as_of=AS_OF)
    assert [t.theme for t in ctx.themes if not t.applies] == ["organisation_management"]
    page = " ".join(render_html(ctx).split())
    assert 'Organisation og ledelse</td><td class="num">–</td><td>gælder ikke for tilbudstypen</td>' in page
    assert 'Kompetencer</td><td class="num">–</td><td>ikke vurderet</td>' in page
    assert "(gælder ikke)" in page


def test_the_theme_history_table_leaves_out_a_theme_that_never_applies_to_the_type() -> None:
    # a clean-room world of kostskoler: every profile's history table had an "Organisation og ledelse" column of
    # dashes, one per visit
    from reports.html import render_html

    ds = small_dataset()
    facilities = ds.facilities.assign(
        facility_type=ds.facilities["facility_type"].where(ds.facilities["facility_id"] != "F1", "kostskole")
    )
    # as a kostskole's would be: no indicator of the theme scored (the quality model has none for the type)
    org = ds.indicator_scores["indicator"].map(lambda code: theme_of_indicator(code) == Theme.ORGANISATION_MANAGEMENT)
    ds = ds.with_tables(facilities=facilities, indicator_scores=ds.indicator_scores[~org])
    ctx = build_facility_profile(ds, "F1", as_of=AS_OF)
    assert ctx.theme_history, "F1 has visits with theme values"
    assert "organisation_management" not in [t.theme for t in ctx.history_themes]
    assert len(ctx.history_themes) == len(ctx.themes) - 1
    page = render_html(ctx)
    history = page[page.index('class="theme-history"') :]
    history = history[: history.index("</table>")]
    assert "Organisation og ledelse" not in history and "Kompetencer" in history


def test_force_quarters_before_a_tilbud_opened_or_after_it_closed_are_not_zero() -> None:
    """A tilbud approved yesterday (or closed in 2021) drew a flat 0,00 line over three years of quarters it did
    not exist in, and a peer approved last quarter counted as 0 in the band of every earlier quarter."""
    ds = peer_dataset()
    fac = ds.facilities.copy()
    opened = {"F1": "2026-07-15", "F8": "2026-07-01"}  # both in the last quarter shown (3. kvt. 2026)
    for fid, day in opened.items():
        fac.loc[fac["facility_id"] == fid, "approved_on"] = pd.Timestamp(day)
    ctx = build_facility_profile(ds.with_tables(facilities=fac), "F1", as_of=AS_OF)
    q2, q3 = ctx.force[-2], ctx.force[-1]
    assert q3.value == pytest.approx(1 / 24)  # open for part of the quarter: its reports count
    assert q2.value is None  # not yet approved: no value, not 0
    assert (q3.peers, q2.peers) == (2, 1)  # F8 is a peer from its first quarter on, F7 throughout
    assert q2.peer_median == 0.0 and q3.peer_median == pytest.approx(0.1)

    fac.loc[fac["facility_id"] == "F1", ["approved_on", "closed_on"]] = [pd.Timestamp("2015-03-01"),
                                                                         pd.Timestamp("2026-05-10")]  # fmt: skip
    closed = build_facility_profile(ds.with_tables(facilities=fac), "F1", as_of=AS_OF)
    assert closed.force[-2].value == 0.0  # open in the quarter it closed in, without reports
    assert closed.force[-1].value is None  # closed before the quarter began
    assert closed.force_note == ""
    fac.loc[fac["facility_id"] == "F1", "closed_on"] = pd.Timestamp("2021-03-10")
    long_closed = build_facility_profile(ds.with_tables(facilities=fac), "F1", as_of=AS_OF)
    assert [p.value for p in long_closed.force] == [None] * 12
    assert "ingen tal i perioden" in long_closed.force_note  # the caption says why the chart has no line


def test_one_deadline_left_without_a_visit_is_one_frist() -> None:
    """A best-effort plan whose one overdue tilbud got no visit in the horizon read "og 1 frister får intet besøg i
    horisonten" (the plan report and the CLI alike)."""
    from reports.html import render_html

    plan = _plan_2027q1_with_four_unkeepable_deadlines()
    late = (
        OverdueFacility("F3", "midt", dt.date(2027, 3, 31), dt.date(2027, 9, 7), 23),
        OverdueFacility("F1", "midt", dt.date(2027, 3, 31), None, None),
    )
    plan = dataclasses.replace(plan, status=BEST_EFFORT, analysis=dataclasses.replace(plan.analysis, late=late))
    page = " ".join(render_html(build_plan_report(plan, small_dataset())).split())
    assert "1 besøg ligger efter fristen, og 1 frist får intet besøg i horisonten." in page
    two = dataclasses.replace(
        plan.analysis, late=(*late, OverdueFacility("F5", "midt", dt.date(2027, 5, 6), None, None))
    )
    page = " ".join(render_html(build_plan_report(dataclasses.replace(plan, analysis=two), small_dataset())).split())
    assert "1 besøg ligger efter fristen, og 2 frister får intet besøg i horisonten." in page
