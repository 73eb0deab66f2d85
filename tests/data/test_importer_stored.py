"""An upload on top of stored data: the rules that span files hold for the result of the import (the stored rows as
the upload updates and extends them), and a conflict with a stored row is reported at the uploaded row, naming the
stored one. ``existing`` is the small dataset, as if imported before."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.dataset import Dataset
from data.errors import ValidationFailed
from data.importer import read_upload
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import cell_texts, csv_bytes


def upload(folder: Path, **tables: list[list[str]]) -> Path:
    """A folder holding only ``tables`` (rows of cell texts, header first)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows))
    return folder


def texts(table: str, ds: Dataset | None = None) -> list[list[str]]:
    ds = ds or small_dataset()
    return cell_texts(table, ds.tables()[table])


def set_cell(rows: list[list[str]], key: str, column: str, value: str) -> list[list[str]]:
    """``rows`` with ``column`` of the row whose first cell is ``key`` set to ``value``."""
    at = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == key:
            row[at] = value
    return rows


def fails(folder: Path, existing: Dataset) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF, existing=existing)
    return info.value


def places(error: ValidationFailed) -> set[tuple[str, int | None, str | None, str | None, str]]:
    return {(v.file, v.row, v.column, v.value, v.rule) for v in error.violations}


# --- visits and the facility's dates -----------------------------------------------------------------


def test_a_new_approved_on_after_a_stored_visit_is_refused_at_the_uploaded_row(tmp_path: Path) -> None:
    """The sweep's case: a newer export moves a tilbud's approval after a visit stored from the first export."""
    facilities = set_cell(texts("facilities"), "F1", "approved_on", "2024-06-01")  # V1 (stored) is 2024-03-12
    error = fails(upload(tmp_path / "up", facilities=facilities), small_dataset())
    assert places(error) == {("facilities.csv", 2, "approved_on", "2024-06-01", "not_before_stored")}
    assert error.violations[0].message == (
        "approved_on (2024-06-01) ligger efter date (2024-03-12) i den gemte række V1 i visits.csv (gemt ved en "
        "tidligere import, ikke i denne upload): date må ikke ligge før approved_on for F1; ret approved_on, eller "
        "send rækken igen i visits.csv med en rettet date"
    )


def test_the_stored_row_sent_again_corrected_is_checked_as_uploaded(tmp_path: Path) -> None:
    facilities = set_cell(texts("facilities"), "F1", "approved_on", "2024-06-01")
    visits = set_cell(texts("visits"), "V1", "date", "2024-06-03")  # the same visit, corrected
    result = read_upload(
        upload(tmp_path / "up", facilities=facilities, visits=visits), today=AS_OF, existing=small_dataset()
    )
    assert result.dataset.visits.loc[0, "date"] == pd.Timestamp("2024-06-03")
    # sent again uncorrected, it is the uploaded row that is refused (as without stored data)
    visits = texts("visits")
    error = fails(upload(tmp_path / "again", facilities=facilities, visits=visits), small_dataset())
    assert places(error) == {("visits.csv", 2, "date", "2024-03-12", "not_before")}


def test_a_new_closed_on_before_a_stored_visit_is_refused(tmp_path: Path) -> None:
    facilities = set_cell(texts("facilities"), "F1", "closed_on", "2025-01-01")  # V2 (stored) is 2025-04-08
    error = fails(upload(tmp_path / "up", facilities=facilities), small_dataset())
    assert places(error) == {("facilities.csv", 2, "closed_on", "2025-01-01", "not_after_stored")}
    assert error.violations[0].message.startswith(
        "closed_on (2025-01-01) ligger før date (2025-04-08) i den gemte række V2 i visits.csv (gemt ved en tidligere "
        "import, ikke i denne upload): date må ikke ligge efter closed_on for F1"
    )


def test_a_column_the_file_leaves_out_is_checked_as_the_stored_value_it_keeps(tmp_path: Path) -> None:
    """A facilities.csv without closed_on keeps the stored closing date (the store keeps it), so a new visit
    after it is refused as if closed_on had been sent, not checked against an empty one."""
    stored = small_dataset()
    fac = stored.facilities.copy()
    fac.loc[fac["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2024-01-01")  # V4 (2023-11-02) before it
    stored = stored.with_tables(facilities=fac)
    at = texts("facilities", stored)[0].index("closed_on")
    facilities = [row[:at] + row[at + 1 :] for row in texts("facilities", stored)]
    visits = texts("visits", stored)
    visits = [visits[0], ["V9", "F3", "2024-06-03", *visits[1][3:]]]
    error = fails(upload(tmp_path / "up", facilities=facilities, visits=visits), stored)
    assert ("visits.csv", 2, "date", "2024-06-03") in {p[:4] for p in places(error)}


def test_a_conflict_stored_before_this_upload_is_not_reported_again(tmp_path: Path) -> None:
    """Stored when the rule did not exist yet: the upload does not cause it, so it does not refuse the upload."""
    stored = small_dataset()
    fac = stored.facilities.copy()
    fac.loc[fac["facility_id"] == "F1", "approved_on"] = pd.Timestamp("2024-06-01")  # V1 lies before it
    stored = stored.with_tables(facilities=fac)
    result = read_upload(upload(tmp_path / "up", facilities=texts("facilities", stored)), today=AS_OF, existing=stored)
    assert result.files["facilities"].rows == 6


# --- records from before the approval: a warning, as for uploaded ones ----------------------------------


def test_stored_records_before_a_new_approved_on_are_one_warning_a_file(tmp_path: Path) -> None:
    stored = small_dataset()
    stored = stored.with_tables(
        concerns=pd.concat(
            [stored.concerns, pd.DataFrame([("F4", "2015-01-05", "low")], columns=["facility_id", "date", "severity"])]
        ),
        sanctions=pd.concat(
            [stored.sanctions, pd.DataFrame([("F4", "2015-02-01", "vilkaar")], columns=["facility_id", "date", "kind"])]
        ),
        use_of_force=pd.concat(
            [
                stored.use_of_force,
                pd.DataFrame([("F4", "2015-01-01", 2, "")], columns=["facility_id", "month", "count", "kind"]),
            ]
        ),
    )
    facilities = set_cell(texts("facilities"), "F4", "approved_on", "2016-01-01")  # F4's visit V5 is 2025-09-15
    result = read_upload(upload(tmp_path / "up", facilities=facilities), today=AS_OF, existing=stored)
    warnings = [w for w in result.warnings if w.rule == "before_approval_stored"]
    assert [(w.file, w.row, w.column) for w in warnings] == [("facilities.csv", 5, "approved_on")] * 3
    assert warnings[0].message == (
        "1 gemt række i use_of_force.csv (gemt ved en tidligere import, ikke i denne upload: (F4, 2015-01, )) får en "
        "month før måneden for tilbuddets approved_on, som denne upload sætter (række 5); den beholdes, for et tilbud "
        "kan være godkendt på ny efter den, men tjek, at approved_on er rigtig"
    )
    assert "(F4, 2015-01-05, low)" in warnings[1].message and "concerns.csv" in warnings[1].message
    assert "(F4, 2015-02-01, vilkaar)" in warnings[2].message and "sanctions.csv" in warnings[2].message


# --- scores of a visit ---------------------------------------------------------------------------------


def test_stored_indicators_that_no_longer_apply_to_the_facility_are_refused(tmp_path: Path) -> None:
    # F2 (opholdssted) becomes a § 108 botilbud: V3's stored 1.d and 2.f apply to children's places only
    facilities = set_cell(texts("facilities"), "F2", "facility_type", "sel108")
    error = fails(upload(tmp_path / "type", facilities=facilities), small_dataset())
    assert places(error) == {("facilities.csv", 3, "facility_type", "sel108", "indicator_not_applicable_stored")}
    assert [v.message.split(":")[0] for v in error.violations] == [
        "den gemte række (V3, 1.d) i indicator_scores.csv (gemt ved en tidligere import, ikke i denne upload) gælder "
        "ikke længere, når denne upload ændrer facility_type for F2",
        "den gemte række (V3, 2.f) i indicator_scores.csv (gemt ved en tidligere import, ikke i denne upload) gælder "
        "ikke længere, når denne upload ændrer facility_type for F2",
    ]
    # a visit moved to another tilbud: reported at the visit's row
    visits = set_cell(texts("visits"), "V3", "facility_id", "F1")
    error = fails(upload(tmp_path / "moved", visits=visits), small_dataset())
    assert places(error) == {("visits.csv", 4, "facility_id", "F1", "indicator_not_applicable_stored")}
    assert "når besøget V3 flyttes til F1: indikator 1.d gælder ikke for tilbuddet F1" in error.violations[0].message


def test_an_uploaded_indicator_of_a_stored_visit_says_the_visit_is_stored(tmp_path: Path) -> None:
    scores = [["visit_id", "indicator", "score"], ["V1", "8.c", "3"]]  # V1 (stored) is F1's: municipal, no board
    error = fails(upload(tmp_path / "up", indicator_scores=scores), small_dataset())
    assert places(error) == {("indicator_scores.csv", 2, "indicator", "8.c", "indicator_not_applicable")}
    assert error.violations[0].message.endswith(
        "(besøget og tilbuddet er gemt ved en tidligere import, ikke i denne upload)"
    )


def test_a_stored_theme_score_against_uploaded_indicators_is_a_warning(tmp_path: Path) -> None:
    # V4 has stored theme scores (Sundhed og trivsel 3.5) and no indicators; the upload brings them
    scores = [["visit_id", "indicator", "score"], ["V4", "4.a", "1"], ["V4", "5.a", "2"]]
    result = read_upload(upload(tmp_path / "up", indicator_scores=scores), today=AS_OF, existing=small_dataset())
    assert [(w.file, w.row, w.column, w.value, w.rule) for w in result.warnings] == [
        ("indicator_scores.csv", 2, "visit_id", "V4", "theme_score_mismatch_stored")
    ]
    assert result.warnings[0].message == (
        "den gemte temascore 3,5 for Sundhed og trivsel ved besøg V4 i theme_scores.csv (gemt ved en tidligere import, "
        "ikke i denne upload) afviger fra værdien beregnet ud fra besøgets indikatorer med denne upload (1,5); den "
        "beregnede værdi bruges"
    )
    # an uploaded theme score is compared with the visit's stored indicators too
    themes = [["visit_id", "theme", "score"], ["V1", "organisation_management", "4"]]  # V1's stored 9.b is 2
    result = read_upload(upload(tmp_path / "themes", theme_scores=themes), today=AS_OF, existing=small_dataset())
    assert [(w.file, w.row, w.rule) for w in result.warnings] == [("theme_scores.csv", 2, "theme_score_mismatch")]


# --- records from after the closing: a warning, as for records from before the approval --------------------------


def test_records_after_the_tilbud_closed_are_a_warning_a_file(tmp_path: Path) -> None:
    """A concern, sanction or magtanvendelse dated after the tilbud's closed_on is kept, with one warning a file: most
    likely it is filed under the wrong id, or closed_on is wrong. The closing day and the closing month are fine."""
    facilities = set_cell(texts("facilities"), "F4", "closed_on", "2025-12-31")  # F4's visit V5 is 2025-09-15
    concerns = [*texts("concerns"), ["F4", "2026-02-10", "high"], ["F4", "2025-12-31", "low"]]
    sanctions = [*texts("sanctions"), ["F4", "2026-01-05", "paabud"]]
    force = [*texts("use_of_force"), ["F4", "2025-12", "1", ""], ["F4", "2026-01", "2", ""], ["F4", "2026-03", "1", ""]]
    folder = upload(tmp_path / "up", facilities=facilities, concerns=concerns, sanctions=sanctions, use_of_force=force)
    result = read_upload(folder, today=AS_OF, existing=small_dataset())
    warnings = {w.file: w for w in result.warnings if w.rule == "after_closure"}
    assert sorted((w.file, w.column) for w in warnings.values()) == [
        ("concerns.csv", "date"),
        ("sanctions.csv", "date"),
        ("use_of_force.csv", "month"),
    ]
    concern_row = len(concerns) - 1  # the header is row 1: the high concern is the second last row
    assert warnings["concerns.csv"].message == (
        f"1 række har en date efter tilbuddets closed_on i facilities (række {concern_row}); den indlæses, men tjek, "
        "at den hører til det rigtige tilbud, og at closed_on er rigtig: et lukket tilbud får ingen risiko og intet "
        "besøg"
    )
    assert warnings["use_of_force.csv"].message.startswith(
        "2 rækker har en month efter måneden for tilbuddets closed_on i facilities"
    )
    assert len(result.dataset.concerns) == len(concerns) - 1  # stored all the same


def test_a_new_closed_on_before_stored_records_is_one_warning_a_file(tmp_path: Path) -> None:
    stored = small_dataset()
    stored = stored.with_tables(
        concerns=pd.concat(
            [stored.concerns, pd.DataFrame([("F4", "2026-02-10", "high")], columns=["facility_id", "date", "severity"])]
        )
    )
    facilities = set_cell(texts("facilities"), "F4", "closed_on", "2025-12-31")
    result = read_upload(upload(tmp_path / "up", facilities=facilities), today=AS_OF, existing=stored)
    [warning] = [w for w in result.warnings if w.rule == "after_closure_stored"]
    assert (warning.file, warning.row, warning.column) == ("facilities.csv", 5, "closed_on")
    assert warning.message == (
        "1 gemt række i concerns.csv (gemt ved en tidligere import, ikke i denne upload: (F4, 2026-02-10, high)) får "
        "en date efter tilbuddets closed_on, som denne upload sætter (række 5); den beholdes, men tjek, at closed_on er "
        "rigtig: et lukket tilbud får ingen risiko og intet besøg"
    )
