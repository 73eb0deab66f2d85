"""The broken upload (``tests/fixtures/broken_upload``): every violation is found, with file, row and column.

Today is 2026-10-01 (``tests.factories.AS_OF``). What is wrong where:

facilities.csv (unknown column ``noter``: a warning)
  row 3 facility_type 'plejehjem' (unknown type); row 4 approved_on 2027-01-10 (future);
  row 5 facility_id F1 again (duplicate id); row 6 has_board 'måske' (bad boolean) and closed_on
  2017-01-01 before approved_on 2018-08-01; row 7 a CPR number in the name and lat 59.9 (outside
  Denmark); row 8 postcode '50', places 0, and a CPR number without dash in the unknown column.
visits.csv: the required column ``kind`` is missing (row 1); row 3 facility F99 (unknown); row 4
  inspector I9 (unknown); row 5 a visit in 2010 before F1's approval (2015-03-01); row 6 a future date.
indicator_scores.csv: row 2 score 7; row 3 indicator 1.d (children only) for F1 (sel108); row 4
  indicator 15.z (not in the model).
theme_scores.csv: row 3 theme 'sundhed' (unknown); row 2 differs from the indicators (a warning).
use_of_force.csv (semicolon-separated): row 2 month 2026-11 (after this month); row 3 count -1.
inspectors.csv: row 3 competence 'plejehjem'.   staff_figures.csv: row 2 year 2027; row 3 120 %.
concerns.csv: empty.   sanctions.csv: an Excel workbook saved as .csv.   absences.csv: not UTF-8.
LÆSMIG.txt: not part of the contract (a warning).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from data.errors import ValidationFailed
from data.importer import read_upload
from tests.factories import AS_OF

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken_upload"

#: (file, row, column, rule) of every violation in the broken upload.
EXPECTED: set[tuple[str, int | None, str | None, str]] = {
    ("facilities.csv", 3, "facility_type", "enum"),
    ("facilities.csv", 4, "approved_on", "future_date"),
    ("facilities.csv", 5, "facility_id", "duplicate_key"),
    ("facilities.csv", 6, "has_board", "bool"),
    ("facilities.csv", 6, "closed_on", "not_before"),
    ("facilities.csv", 7, "name", "cpr"),
    ("facilities.csv", 7, "lat", "decimal"),
    ("facilities.csv", 8, "postcode", "pattern"),
    ("facilities.csv", 8, "places", "int"),
    ("facilities.csv", 8, "noter", "cpr"),
    ("visits.csv", 1, "kind", "column_missing"),
    ("visits.csv", 3, "facility_id", "reference"),
    ("visits.csv", 4, "inspector_ids", "reference"),
    ("visits.csv", 5, "date", "not_before"),
    ("visits.csv", 6, "date", "future_date"),
    ("indicator_scores.csv", 2, "score", "int"),
    ("indicator_scores.csv", 3, "indicator", "indicator_not_applicable"),
    ("indicator_scores.csv", 4, "indicator", "indicator_unknown"),
    ("theme_scores.csv", 3, "theme", "enum"),
    ("use_of_force.csv", 2, "month", "future_month"),
    ("use_of_force.csv", 3, "count", "int"),
    ("inspectors.csv", 3, "competences", "competences"),
    ("staff_figures.csv", 2, "year", "future_year"),
    ("staff_figures.csv", 3, "staff_turnover_pct", "decimal"),
    ("concerns.csv", None, None, "file_empty"),
    ("sanctions.csv", None, None, "file_not_csv"),
    ("absences.csv", 4, "inspector_id", "file_not_utf8"),
}


@pytest.fixture(scope="module")
def failure() -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read_upload(BROKEN, today=AS_OF)
    return info.value


def test_every_violation_is_reported_with_file_row_and_column(failure: ValidationFailed) -> None:
    found = {(v.file, v.row, v.column, v.rule) for v in failure.violations}
    assert found == EXPECTED
    assert len(failure.violations) == len(EXPECTED)  # one line per broken rule, no duplicates
    assert failure.message == f"Upload afvist: {len(EXPECTED)} fejl. Intet er gemt."


def test_at_least_twelve_different_rules(failure: ValidationFailed) -> None:
    assert len({v.rule for v in failure.violations}) >= 12


def by_place(failure: ValidationFailed, file: str, row: int | None, column: str | None) -> str:
    matches = [v for v in failure.violations if (v.file, v.row, v.column) == (file, row, column)]
    assert len(matches) == 1, matches
    return matches[0].message


def test_messages_name_the_value_and_what_is_allowed(failure: ValidationFailed) -> None:
    assert by_place(failure, "indicator_scores.csv", 2, "score") == "score skal være et heltal fra 1 til 5"
    msg = by_place(failure, "facilities.csv", 3, "facility_type")
    assert msg.startswith("facility_type 'plejehjem' er ukendt; tilladte værdier: sel107, sel108, botilbudslignende")
    assert by_place(failure, "facilities.csv", 7, "lat") == "lat skal være et tal fra 54,5 til 57,8 (inden for Danmark)"
    assert by_place(failure, "facilities.csv", 8, "postcode") == "postcode skal være 4 cifre"
    assert by_place(failure, "facilities.csv", 8, "places") == "places skal være et heltal på mindst 1"
    assert by_place(failure, "facilities.csv", 6, "has_board") == "has_board skal være true/false, 1/0 eller ja/nej"
    assert "række 2" in by_place(failure, "facilities.csv", 5, "facility_id")
    assert "2026-10-01" in by_place(failure, "visits.csv", 6, "date")
    assert "(2026-10)" in by_place(failure, "use_of_force.csv", 2, "month")
    assert "'F99' findes ikke i facilities" in by_place(failure, "visits.csv", 3, "facility_id")
    assert "'I9' findes ikke i inspectors" in by_place(failure, "visits.csv", 4, "inspector_ids")
    assert "ligger før approved_on (2015-03-01)" in by_place(failure, "visits.csv", 5, "date")
    assert "ligger før approved_on (2018-08-01)" in by_place(failure, "facilities.csv", 6, "closed_on")
    assert "indikator 1.d gælder ikke for tilbuddet F1" in by_place(failure, "indicator_scores.csv", 3, "indicator")
    assert "'kind' mangler" in by_place(failure, "visits.csv", 1, "kind")
    assert "UTF-8" in by_place(failure, "absences.csv", 4, "inspector_id")
    assert "Excel" in by_place(failure, "sanctions.csv", None, None)
    assert "tom" in by_place(failure, "concerns.csv", None, None)


def test_cpr_numbers_are_masked_everywhere(failure: ValidationFailed) -> None:
    cpr = [v for v in failure.violations if v.rule == "cpr"]
    assert {v.value for v in cpr} == {"Jens Hansen 010203-****", "ring 010203-****"}
    everything = repr(failure.violations) + repr(failure.warnings) + repr(failure.details)
    assert "1234" not in everything  # the last four digits appear nowhere


def test_warnings_do_not_reject(failure: ValidationFailed) -> None:
    rules = {(w.file, w.rule) for w in failure.warnings}
    assert ("LÆSMIG.txt", "file_ignored") in rules
    assert ("facilities.csv", "unknown_columns") in rules
    assert ("theme_scores.csv", "theme_score_mismatch") in rules
    assert not {w.rule for w in failure.warnings} & {v.rule for v in failure.violations}
