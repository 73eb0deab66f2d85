"""locked_visits.csv: an agreed visit from today on must lie on a working day (the planner cannot keep a lock on a
weekend or public holiday and refuses to plan); a lock before today is history and a day off may hold one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.dataset import Dataset
from data.errors import ValidationFailed, Violation
from data.importer import read_upload
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import cell_texts, csv_bytes

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
        ["F3", "2026-12-24", "I2", "true"],
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


def test_a_lock_a_plan_cannot_keep_is_refused_at_its_row(tmp_path: Path) -> None:
    """The planner's lock rules (data.lock_rules) at upload: an inspector of another socialtilsyn, without the
    competence for the type, or absent that day; stored, such a lock made every later plan fail (exit 4)."""
    folder = upload(
        tmp_path / "up",
        ["F1", "2026-10-06", "I3", "true"],  # F1 is in Midt, I3 in Nord
        ["F5", "2026-10-06", "I3", "true"],  # fine: Nord, competences all
        ["F4", "2026-10-07", "I2", "false"],  # F4 is in Nord, I2 in Midt
        ["F2", "2026-10-08", "I2", "true"],  # fine: I2 may visit an opholdssted
        ["F1", "2026-12-22", "I1", "true"],  # I1 is absent 21 Dec - 3 Jan
        ["F3", "2020-01-06", "I3", "true"],  # history: not checked
    )
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=small_dataset())
    found = [(v.row, v.column, v.value, v.rule) for v in info.value.violations]
    assert found == [
        (2, "inspector_id", "I3", "lock_rule"),
        (4, "inspector_id", "I2", "lock_rule"),
        (6, "inspector_id", "I1", "lock_rule"),
    ]
    messages = [v.message for v in info.value.violations]
    assert messages[0].startswith("I3 er tilsynskonsulent i Socialtilsyn Nord, men F1 hører til Socialtilsyn Midt.")
    assert messages[2].startswith("I1 er fraværende den dag (fravær 2026-12-21–2027-01-03).")


def test_a_lock_without_the_competence_and_one_on_the_closing_day_are_refused(tmp_path: Path) -> None:
    ds = small_dataset()
    facilities = ds.facilities.copy()
    facilities.loc[facilities["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2026-10-06")
    ds = ds.with_tables(facilities=facilities, inspectors=ds.inspectors.assign(competences="sel108;opholdssted"))
    folder = upload(tmp_path / "up", ["F3", "2026-10-06", "I1", "true"], ["F1", "2026-10-06", "I2", "true"])
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=ds)
    [violation] = info.value.violations
    assert (violation.row, violation.rule) == (2, "lock_rule")
    assert violation.message.startswith(
        "F3 er lukket pr. 2026-10-06; I1 har ikke kompetence til krisecenter (SEL § 109)."
    )


def test_inspectors_or_absences_uploaded_later_are_checked_against_the_uploaded_locks(tmp_path: Path) -> None:
    """The rules read the inspectors and absences as the upload leaves them: an absence sent beside the lock
    counts, and so does an inspector moved to another socialtilsyn in the same upload."""
    folder = upload(tmp_path / "up", ["F1", "2026-10-13", "I1", "true"], ["F2", "2026-10-14", "I2", "true"])
    (folder / "absences.csv").write_bytes(
        csv_bytes([["inspector_id", "start", "end"], ["I1", "2026-10-12", "2026-10-16"]])
    )
    ds = small_dataset()
    (folder / "inspectors.csv").write_bytes(
        csv_bytes(
            [
                ["inspector_id", "name", "authority", "competences", "visits_per_week", "postcode"],
                ["I2", "Bo Jensen", "nord", "all", "2", "9000"],
            ]
        )
    )
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=ds)
    assert [(v.file, v.row, v.rule) for v in info.value.violations] == [
        ("locked_visits.csv", 2, "lock_rule"),
        ("locked_visits.csv", 3, "lock_rule"),
    ]


def test_a_stored_lock_an_upload_breaks_is_kept_with_a_warning(tmp_path: Path) -> None:
    """An absence uploaded later over a stored lock: the upload is right and the lock has to move, so the lock is
    kept and the upload says which lock a plan can no longer keep."""
    ds = small_dataset()
    locks = pd.DataFrame(
        {
            "facility_id": ["F1", "F2"],
            "date": [pd.Timestamp("2026-10-13"), pd.Timestamp("2026-11-03")],
            "inspector_id": ["I1", "I1"],
            "announced": [True, False],
        }
    )
    ds = ds.with_tables(locked_visits=locks)
    folder = tmp_path / "up"
    folder.mkdir()
    (folder / "absences.csv").write_bytes(
        csv_bytes([["inspector_id", "start", "end"], ["I1", "2026-10-12", "2026-10-16"]])
    )
    result = read_upload(folder, today=AS_OF, existing=ds)
    [warning] = [w for w in result.warnings if w.rule == "lock_rule_stored"]
    assert warning.message.startswith("1 gemt låst besøg (F1 2026-10-13) kan ikke holdes efter denne upload")


def test_a_header_only_locks_file_means_no_agreed_visits(tmp_path: Path) -> None:
    # a small tilsyn with no agreed visits exports the header alone (the generator does so for 30 tilbud);
    # the working-day check crashed on it with a TypeError instead of accepting "none"
    result = read_upload(upload(tmp_path / "up"), today=AS_OF, existing=small_dataset())
    assert len(result.dataset.locked_visits) == 0
    assert [w for w in result.warnings if w.file == "locked_visits.csv"] == []


@pytest.mark.parametrize(
    ("table", "row", "column", "bad"),
    [
        ("facilities", 0, "authority", "Region Midt"),
        ("facilities", 0, "facility_type", "§ 108"),
        ("inspectors", 0, "authority", "-"),
    ],
)
def test_a_lock_beside_an_invalid_authority_or_type_is_not_refused_again_as_nan(
    tmp_path: Path, table: str, row: int, column: str, bad: str
) -> None:
    """An authority or type the upload refuses is not known: the lock rules cannot say anything about it. They read
    the refused cell as missing and named it: "I1 er tilsynskonsulent i nan, men F1 hører til Socialtilsyn Midt"
    was a second violation for the one bad cell, with a word no planner wrote."""
    ds = small_dataset()
    ds = ds.with_tables(inspectors=ds.inspectors.assign(competences="sel108;opholdssted"))
    folder = upload(tmp_path / "up", ["F1", "2026-10-06", "I1", "true"])
    frame = ds.tables()[table].copy()
    texts = cell_texts(table, frame)
    texts[row + 1][frame.columns.get_loc(column)] = bad
    (folder / f"{table}.csv").write_bytes(csv_bytes(texts))
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=ds)
    assert [(v.file, v.row, v.column, v.rule) for v in info.value.violations] == [
        (f"{table}.csv", row + 2, column, "enum")
    ]


def _with_lock(facility_id: str, day: str, *, announced: bool) -> Dataset:
    """The small dataset with one stored lock of I1's."""
    lock = {"facility_id": [facility_id], "date": [pd.Timestamp(day)], "inspector_id": ["I1"], "announced": [announced]}
    return small_dataset().with_tables(locked_visits=pd.DataFrame(lock))


def _stored_lock_warning(tmp_path: Path, rows: list[list[str]], existing: Dataset) -> Violation:
    """The one ``lock_rule_stored`` warning of an upload of ``facilities.csv`` as ``rows`` over ``existing``."""
    folder = tmp_path / "up"
    folder.mkdir()
    (folder / "facilities.csv").write_bytes(csv_bytes(rows))
    result = read_upload(folder, today=AS_OF, existing=existing)
    [warning] = [w for w in result.warnings if w.rule == "lock_rule_stored"]
    return warning


def test_a_new_closing_day_before_a_stored_lock_is_a_warning_to_unlock_it(tmp_path: Path) -> None:
    """The tilsyn learns that F2 closes before the visit agreed with it: the closing is a fact, the lock has to go.
    It was refused with the advice to send the lock again with another date, which adds a lock and leaves this one;
    now the upload is stored and says which lock to unlock, as for a lock on the closing day."""
    ds = _with_lock("F2", "2026-11-03", announced=False)
    rows = cell_texts("facilities", ds.facilities)
    at = rows[0].index("closed_on") if "closed_on" in rows[0] else None
    if at is None:
        rows = [[*rows[0], "closed_on"], *[[*r, ""] for r in rows[1:]]]
        at = len(rows[0]) - 1
    next(r for r in rows[1:] if r[0] == "F2")[at] = "2026-10-20"
    warning = _stored_lock_warning(tmp_path, rows, ds)
    assert warning.message.startswith("1 gemt låst besøg (F2 2026-11-03) kan ikke holdes efter denne upload")
    assert "tilsynsplan unlock" in warning.message


def test_a_stored_lock_broken_by_a_tilbud_moved_to_another_socialtilsyn_says_so(tmp_path: Path) -> None:
    """A newer facilities.csv moved F1 from Midt to Nord under a lock with Midt's I1. The warning said why in general
    terms, "(tilbuddet lukker, eller tilsynskonsulenten skifter socialtilsyn, mister kompetencen eller er
    fraværende)", none of which had happened: it names the lock's own problem now."""
    ds = _with_lock("F1", "2026-10-13", announced=True)
    rows = cell_texts("facilities", ds.facilities)
    at = rows[0].index("authority")
    next(r for r in rows[1:] if r[0] == "F1")[at] = "nord"
    warning = _stored_lock_warning(tmp_path, rows, ds)
    assert warning.message.startswith(
        "1 gemt låst besøg (F1 2026-10-13) kan ikke holdes efter denne upload (I1 er tilsynskonsulent i Socialtilsyn "
        "Midt, men F1 hører til Socialtilsyn Nord); det beholdes, men næste plan afvises"
    ), warning.message
