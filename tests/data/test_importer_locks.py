"""locked_visits.csv: an agreed visit from today on must lie on a working day (the planner cannot keep a lock on a
weekend or public holiday and refuses to plan); a lock before today is history and a day off may hold one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.errors import ValidationFailed
from data.importer import read_upload
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes

HEADER = ["facility_id", "date", "inspector_id", "announced"]


def upload(folder: Path, *rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "locked_visits.csv").write_bytes(csv_bytes([HEADER, *[list(r) for r in rows]]))
    return folder


def test_a_lock_on_a_weekend_or_holiday_from_today_on_is_refused(tmp_path: Path) -> None:
    folder = upload(
        tmp_path / "up",
        ["F1", "2026-10-10", "I1", "true"],  # a Saturday after today (Thursday 1 October 2026)
        ["F2", "2026-12-25", "I2", "false"],  # Juledag
        ["F3", "2026-10-06", "I1", "true"],  # a Tuesday: fine
    )
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=small_dataset())
    assert [(v.file, v.row, v.column, v.value, v.rule) for v in info.value.violations] == [
        ("locked_visits.csv", 2, "date", "2026-10-10", "working_day"),
        ("locked_visits.csv", 3, "date", "2026-12-25", "working_day"),
    ]
    assert info.value.violations[0].message == (
        "date (2026-10-10) er en lørdag; et låst besøg fra i dag (2026-10-01) og frem skal ligge på en arbejdsdag, "
        "for planen flytter det ikke og lægger aldrig besøg i weekenden eller på helligdage"
    )
    assert info.value.violations[1].message.startswith("date (2026-12-25) er Juledag;")


def test_past_locks_today_and_a_day_off_pass(tmp_path: Path) -> None:
    """Before today a lock is history, whatever the day (the planner counts it as a past visit); juleaftensdag is a
    day off (TILSYNSPLAN_DAYS_OFF) on which an agreed visit may lie; today is a working day."""
    folder = upload(
        tmp_path / "up",
        ["F1", "2020-01-06", "I1", "true"],
        ["F2", "2026-09-26", "I2", "false"],  # a past Saturday
        ["F3", "2026-12-24", "I1", "true"],
        ["F4", "2026-10-01", "I3", "true"],
    )
    result = read_upload(folder, today=AS_OF, existing=small_dataset())
    assert len(result.dataset.locked_visits) == 4


def test_a_lock_after_the_facility_closed_is_refused_naming_the_closing_day(tmp_path: Path) -> None:
    ds = small_dataset()
    facilities = ds.facilities.assign(closed_on=ds.facilities["closed_on"].mask(ds.facilities["facility_id"] == "F3"))
    facilities.loc[facilities["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2026-09-01")
    folder = upload(tmp_path / "up", ["F3", "2026-10-06", "I1", "true"], ["F1", "2026-10-06", "I1", "true"])
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=ds.with_tables(facilities=facilities))
    [violation] = info.value.violations
    assert (violation.row, violation.column, violation.value) == (2, "date", "2026-10-06")
    assert "2026-09-01" in violation.message
