"""Broken files, eighth round: what a tilsyn's data person meets exporting from a case system, Excel, SQL, R or
Python that earlier rounds did not see."""

from __future__ import annotations

import datetime as dt

from data.lock_rules import InspectorTerms, lock_rule_problems

# --- a lock on a day of absence -------------------------------------------------------------------------


def test_a_lock_on_a_day_of_absence_names_that_absence_only() -> None:
    """An inspector's years of absences were all listed (a synthetic world's I008: 2020-12-21–2021-01-02, … some
    60 periods in one message), leaving the user to find the one that covers the locked day."""
    inspector = InspectorTerms(
        authority="midt",
        competences=None,
        absences=(
            (dt.date(2024, 7, 1), dt.date(2024, 7, 19)),
            (dt.date(2026, 12, 21), dt.date(2027, 1, 3)),
            (dt.date(2027, 2, 1), dt.date(2027, 2, 1)),
        ),
    )
    problems = lock_rule_problems("F1", "midt", "sel108", None, "I1", inspector, dt.date(2026, 12, 22))
    assert problems == ["I1 er fraværende den dag (fravær 2026-12-21–2027-01-03)"]
