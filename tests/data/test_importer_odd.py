"""Odd files a tilsyn's IT person brings (fifth round): each is refused with one violation that says what is wrong
and what to write, or read as it means, never buried under follow-on errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.importer import read_upload
from tests.data.test_importer import fails, rules, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes, write_csv_folder, write_workbook


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


# --- a second header with other columns ---------------------------------------------------------------


def test_a_second_export_with_fewer_columns_below_is_one_violation(folder: Path) -> None:
    rows = texts("visits")
    rows += [["visit_id", "facility_id", "date"], ["V91", "F1", "2024-01-05"], ["V92", "F2", "2024-02-05"]]
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    # it was the header read as a visit ('facility_id' findes ikke, date 'date') and every row below too short
    assert rules(error) == {("visits.csv", 8, None, "header_other_columns")}
    message = error.violations[0].message
    assert "ny overskrift med andre kolonner end række 1" in message
    assert "mangler announced, kind, inspector_ids" in message
    assert "(række 9–10) følger den overskrift og er ikke kontrolleret" in message


def test_a_second_export_with_more_columns_below_is_one_violation(folder: Path) -> None:
    rows = texts("visits")
    rows += [[*rows[0], "note"], ["V91", "F1", "2024-01-05", "true", "operational", "I1", "ok"]]
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    # it was row_too_long for the header and for each row below
    assert rules(error) == {("visits.csv", 8, None, "header_other_columns")}
    assert "har også note" in error.violations[0].message
    assert "(række 9) følger" in error.violations[0].message


def test_a_second_header_in_another_order_is_one_violation_in_a_sheet(tmp_path: Path) -> None:
    import openpyxl

    book = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["visits"]
    ws.append(["facility_id", "visit_id", "date", "announced", "kind", "inspector_ids"])
    ws.append(["F1", "V91", "2024-01-05", "true", "operational", "I1"])
    wb.save(book)
    error = fails(book)
    assert rules(error) == {("[data.xlsx]visits", 8, None, "header_other_columns")}
    assert "i en anden rækkefølge" in error.violations[0].message


def test_a_cpr_number_below_a_second_header_still_refuses_it(folder: Path) -> None:
    rows = texts("visits")
    rows += [["visit_id", "facility_id", "date", "note"], ["V91", "F1", "2024-01-05", "borger 010190-1234"]]
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert ("visits.csv", 9, "note", "cpr") in rules(error)
    assert "010190-1234" not in str([v.message for v in error.violations] + [v.value for v in error.violations])
    cpr = next(v for v in error.violations if v.rule == "cpr")
    assert cpr.message.startswith("en værdi under den anden overskrift ligner et CPR-nummer")


def test_a_data_row_holding_one_column_name_is_still_a_record(folder: Path) -> None:
    rows = texts("facilities")
    rows[2][1] = "name"  # a tilbud named "name" is odd, not a header
    (folder / "facilities.csv").write_bytes(csv_bytes(rows))
    assert read_upload(folder, today=AS_OF).dataset.facilities.name.tolist().count("name") == 1
