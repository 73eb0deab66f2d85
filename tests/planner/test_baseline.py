"""The rotation baseline of the plan analysis: "oldest visit first" at the plan's own weekly capacity."""

from __future__ import annotations

from tests.planner.cases import Case
from tests.planner.test_solver_rules import solve


def test_rotation_keeps_a_new_facilitys_first_visit_deadline() -> None:
    # One visit a week. Eight facilities last seen 15 June 2026 are due by 15 December 2026 (interval six
    # months); N1, approved 20 August 2026, is due its first visit by 20 November 2026 (three months).
    # By the date of the last visit N1 is the newest, but its deadline falls in the quarter like theirs: a
    # tilsyn working oldest-first by *deadline* visits it in time, and so must the baseline, or the
    # analysis credits the plan with deadlines "saved" that no planner would miss.
    case = Case().inspector("I1", per_week=1).facility("N1", approved="2026-08-20", risk=0.01)
    for k in range(8):
        case.facility(f"F{k}", last_unannounced="2026-06-15", risk=0.5)
    _, plan = solve(case)
    assert plan.analysis.baseline.baseline_missed_deadlines == 0


def test_rotation_leaves_the_generalist_free_for_the_type_only_they_cover() -> None:
    # I1 may visit every type, I2 only opholdssteder; one visit a week each. B (opholdssted) and A (sel108)
    # are both due in the week of 5 October, B first. Given to the generalist, B would leave A with nobody
    # competent that week: a missed deadline caused by the baseline's bookkeeping, not by rotation.
    case = Case().inspector("I1", per_week=1).inspector("I2", per_week=1, competences="opholdssted")
    case.facility("B", ftype="opholdssted", last_unannounced="2026-04-09")
    case.facility("A", ftype="sel108", last_unannounced="2026-04-10")
    _, plan = solve(case)
    assert plan.analysis.baseline.baseline_missed_deadlines == 0
