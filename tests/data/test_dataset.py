from __future__ import annotations

import pandas as pd

from tests.factories import small_dataset


def test_visit_theme_values_prefers_indicators() -> None:
    ds = small_dataset()
    tv = ds.visit_theme_values()
    v2 = tv[tv["visit_id"] == "V2"].set_index("theme")["value"]
    # V2: criterion 4 = mean(2, 1) = 1.5, criterion 5 = 2 -> Sundhed og trivsel = 1.75; 9.b = 1 -> Organisation = 1.
    assert v2["health_wellbeing"] == 1.75
    assert v2["organisation_management"] == 1.0
    v4 = tv[tv["visit_id"] == "V4"]
    assert set(v4["source"]) == {"themes"}
    assert len(v4) == 2


def test_known_at_drops_later_records() -> None:
    ds = small_dataset()
    past = ds.known_at(pd.Timestamp("2025-01-01"))
    assert set(past.visits["visit_id"]) == {"V1", "V4", "V6"}
    assert set(past.indicator_scores["visit_id"]) == {"V1", "V6"}
    assert "F6" not in set(past.facilities["facility_id"])  # approved 2026
    assert past.sanctions.empty
    assert list(past.staff_figures["year"]) == [] or past.staff_figures["year"].max() < 2025


def test_use_of_force_month_counts_only_when_over() -> None:
    ds = small_dataset()
    assert len(ds.known_at(pd.Timestamp("2026-07-31")).use_of_force) == 1
    assert len(ds.known_at(pd.Timestamp("2026-08-01")).use_of_force) == 3
