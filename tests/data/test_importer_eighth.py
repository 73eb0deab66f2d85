"""Broken files, eighth round: what a tilsyn's data person meets exporting from a case system, Excel, SQL, R or
Python that earlier rounds did not see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data.errors import Violation
from data.importer import read_upload
from data.lock_rules import InspectorTerms, lock_rule_problems
from tests.data.test_importer import fails, rewrite, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row][rows[0].index(column)] = value


def _one_violation(folder: Path, table: str, column: str, value: str) -> Violation:
    """The one violation of the upload with ``value`` in ``column`` of ``table``'s first row (file row 2)."""
    rows = texts(table)
    _set(rows, 1, column, value)
    rewrite(folder, table, rows)
    [v] = fails(folder).violations
    return v


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


# --- 1900-01-01, a case system's "unknown date" ---------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "what_to_do"),
    [
        ("facilities", "approved_on", "1900-01-01", "skriv den rigtige dato"),
        ("concerns", "date", "1900-01-01", "skriv den rigtige dato"),
        ("facilities", "closed_on", "1900-01-01", "skriv den rigtige dato, eller lad feltet stå tomt, hvis den ikke kendes"),
        ("use_of_force", "month", "1900-01", "skriv den rigtige måned"),
    ],
)  # fmt: skip
def test_the_first_day_of_1900_is_refused_as_an_unknown_date(
    folder: Path, table: str, column: str, value: str, what_to_do: str
) -> None:
    """A case system or an Excel cell holding 1 as a date writes 1900-01-01 where the date is not known: an
    approved_on of 1900-01-01 was stored without a word (every visit then lies after the approval, and the tilbud
    looks 126 years old), and a concern of 1900 got only the warning that it lies before the approval."""
    rows = texts(table)
    _set(rows, 1, column, value)
    rewrite(folder, table, rows)
    found = [(v.file, v.row, v.column, v.value, v.rule, v.message) for v in fails(folder).violations]
    assert found == [
        (
            f"{table}.csv",
            2,
            column,
            value,
            "unknown_date",
            f"{value} står i mange systemer for en ukendt dato (og er dag 1 i Excels kalender), ikke for en rigtig "
            f"{column}; {what_to_do}",
        )
    ]


def test_a_date_in_1900_after_its_first_day_is_a_date(folder: Path) -> None:
    concerns = texts("concerns")
    _set(concerns, 1, "date", "1900-01-02")
    rewrite(folder, "concerns", concerns)
    assert "unknown_date" not in {w.rule for w in read_upload(folder, today=AS_OF).warnings}


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("1899-12-30", "; 1899-12-30 står i mange systemer for en ukendt dato (dag 0 i Access, VBA og Delphi)"),
        ("1753-01-01", "; 1753-01-01 står i mange systemer for en ukendt dato (den første dag, SQL Server kan gemme)"),
        ("0001-01-01", "; 0001-01-01 står i mange systemer for en ukendt dato (den første dag, .NET kan gemme)"),
    ],
)
def test_another_first_day_of_a_calendar_is_named_as_an_unknown_date(folder: Path, value: str, hint: str) -> None:
    """Outside the years 1900-2199, these read only 'approved_on skal ligge i årene 1900-2199', with nothing to say
    that the date was never known."""
    fac = texts("facilities")
    _set(fac, 1, "approved_on", value)
    rewrite(folder, "facilities", fac)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (2, "approved_on", f"approved_on skal ligge i årene 1900-2199{hint}: skriv den rigtige dato")
    ]


# --- a yes or no written with its first letter ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "write"),
    [("J", "ja"), ("N", "nej"), ("j", "ja"), ("Y", "ja"), ("T", "true"), ("F", "false")],
)
def test_a_yes_or_no_written_with_its_first_letter_says_the_word_to_write(folder: Path, value: str, write: str) -> None:
    """Case systems store a flag as J/N (Y/N, T/F): each read only 'announced skal være true/false, 1/0 eller
    ja/nej', which does not say that the letter alone is what is wrong."""
    visits = texts("visits")
    _set(visits, 1, "announced", value)
    rewrite(folder, "visits", visits)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (
            2,
            "announced",
            f"announced skal være true/false, 1/0 eller ja/nej; skriv ordet helt ud ({write} for '{value}')",
        )
    ]


# --- an own id of digits written as a decimal number ---------------------------------------------------


def _digit_facility_ids(folder: Path, own: str, refs: str) -> None:
    """The small dataset's tilbud numbered 101, 102, …, written ``own`` in facilities.csv and ``refs`` elsewhere
    (``{}`` is the number)."""
    fac = texts("facilities")
    numbers = {row[0]: str(100 + i) for i, row in enumerate(fac[1:], start=1)}
    for row in fac[1:]:
        row[0] = own.format(numbers[row[0]])
    rewrite(folder, "facilities", fac)
    for table in ("visits", "use_of_force", "staff_figures", "concerns", "sanctions", "locked_visits"):
        rows = texts(table)
        j = rows[0].index("facility_id")
        for row in rows[1:]:
            row[j] = refs.format(numbers[row[j]])
        rewrite(folder, table, rows)


def test_own_ids_of_digits_written_as_decimals_are_one_violation_for_the_column(folder: Path) -> None:
    """pandas writes an id column of numbers with an empty cell as 101.0, 102.0 (and Excel does with the number
    format 0,0): with the same ids in every file, such an upload was stored without a word, and the case system's
    next export, 101, would have made every tilbud a second time."""
    _digit_facility_ids(folder, "{}.0", "{}.0")
    found = [(v.file, v.row, v.column, v.value, v.rule, v.message) for v in fails(folder).violations]
    count = len(texts("facilities")) - 1
    assert found == [
        (
            "facilities.csv",
            2,
            "facility_id",
            "101.0",
            "id_decimal",
            f"{count} id'er i facility_id er skrevet som decimaltal ('101.0', '102.0', '103.0', '104.0', '105.0'; "
            f"række 2, 3, 4, 5, 6 m.fl. ({count} i alt)): et program har gemt id-kolonnen som tal med decimaler "
            "(pandas gør det, når kolonnen har tomme celler, Excel med talformatet 0,0), og den næste eksport, "
            "101, ville blive et nyt id; skriv id'erne uden decimaler (101)",
        )
    ]


def test_own_ids_of_digits_are_ids(folder: Path) -> None:
    _digit_facility_ids(folder, "{}", "{}")
    assert len(read_upload(folder, today=AS_OF).dataset.facilities) == len(texts("facilities")) - 1


def test_an_own_id_with_a_decimal_among_ids_of_letters_is_an_id(folder: Path) -> None:
    """'T1.0' or a version-like '2.0' among ids of letters is no number a program wrote: only a column of numbers is."""
    _digit_facility_ids(folder, "T{}.0", "T{}.0")
    assert len(read_upload(folder, today=AS_OF).dataset.facilities) == len(texts("facilities")) - 1


# --- a reference written as the name ---------------------------------------------------------------------


def test_an_inspector_named_by_name_in_a_visit_says_the_id_to_write(folder: Path) -> None:
    """Case systems show an inspector by name and an export may keep only that: 'Anne Holm' read 'findes ikke',
    and the hint said to add her to inspectors.csv as a former inspector, which would make Anne Holm a second
    inspector beside I1."""
    visits = texts("visits")
    _set(visits, 1, "inspector_ids", "Anne Holm;Bo Jensen")
    rewrite(folder, "visits", visits)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (
            2,
            "inspector_ids",
            "inspector_ids: 'Anne Holm', 'Bo Jensen' findes ikke i inspectors (hverken i denne upload eller i "
            "databasen); 'Anne Holm' er navnet på I1, 'Bo Jensen' på I2: skriv id'erne, som de står i inspectors, "
            "ikke navnene",
        )
    ]


@pytest.mark.parametrize(
    ("table", "column", "value", "named"),
    [
        ("visits", "facility_id", "Bostedet Egebakken", "'Bostedet Egebakken' er navnet på F1"),
        ("visits", "facility_id", "bostedet egebakken ", "'bostedet egebakken' er navnet på F1"),
        ("absences", "inspector_id", "Anne Holm", "'Anne Holm' er navnet på I1"),
    ],
)
def test_a_tilbud_or_an_inspector_named_by_name_says_the_id_to_write(
    folder: Path, table: str, column: str, value: str, named: str
) -> None:
    target = "facilities" if column == "facility_id" else "inspectors"
    v = _one_violation(folder, table, column, value)
    assert (v.row, v.column, v.rule) == (2, column, "reference")
    assert v.message.endswith(f"; {named}: skriv id'et, som det står i {target}, ikke navnet")


# --- a month or a year where a date is wanted ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("2026-01", "; 2026-01 er en måned, ikke en dato"),
        ("januar 2026", "; januar 2026 er en måned (2026-01), ikke en dato"),
        ("jan-26", "; jan-26 er en måned (2026-01), ikke en dato"),
        ("01-2026", "; 01-2026 er en måned (2026-01), ikke en dato"),
        ("2026", "; 2026 er et år, ikke en dato"),
    ],
)
def test_a_month_or_a_year_in_a_date_column_says_that_the_day_is_missing(folder: Path, value: str, hint: str) -> None:
    """A report or a pivot table keeps a visit's month or year only: each read 'date skal være en dato på formen
    ÅÅÅÅ-MM-DD', where the same value in a month column gets the month to write."""
    concerns = texts("concerns")
    _set(concerns, 1, "date", value)
    rewrite(folder, "concerns", concerns)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (
            2,
            "date",
            "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12"
            + hint
            + ": skriv hele datoen med dagen, som den står i fagsystemet",
        )
    ]


# --- announced written in kind ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "announced"), [("Uanmeldt", "false"), ("Anmeldt tilsyn", "true"), ("uanmeldt besøg", "false")]
)
def test_announced_or_not_written_as_the_kind_of_visit_names_the_column_it_belongs_in(
    folder: Path, value: str, announced: str
) -> None:
    """Case systems name a visit 'Anmeldt tilsyn' or 'Uanmeldt tilsyn', and an export may put that in kind: it read
    'kind … er ukendt' with four English codes, none of which says that the value belongs in announced."""
    visits = texts("visits")
    _set(visits, 1, "kind", value)
    rewrite(folder, "visits", visits)
    [v] = fails(folder).violations
    assert (v.row, v.column, v.rule) == (2, "kind", "enum")
    assert v.message == (
        f"kind '{value}' er ukendt; '{value}' siger, om besøget var anmeldt, og hører til kolonnen announced "
        f"({announced}); kind er besøgets art: operational (driftsorienteret tilsyn), approval (godkendelse), "
        "enhanced (skærpet tilsyn) eller follow_up (opfølgning)"
    )


# --- an absence without an end ---------------------------------------------------------------------------


def test_an_absence_without_an_end_says_what_to_write(folder: Path) -> None:
    """A case system exports a long leave whose end is not known with an empty end: it read 'end må ikke være tom',
    which does not say what to write for an absence that has none yet."""
    absences = texts("absences")
    _set(absences, 1, "end", "")
    rewrite(folder, "absences", absences)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (
            2,
            "end",
            "end må ikke være tom; er fraværets slutdato ikke kendt, så skriv den dag, det forventes at slutte: en "
            "plan regner tilsynskonsulenten som fraværende til og med den",
        )
    ]


# --- a decimal in a column of whole numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "hint"),
    [
        ("inspectors", "visits_per_week", "2,5", "; skriv et helt tal (2 eller 3)"),  # a part-time inspector
        ("indicator_scores", "score", "3.5", "; skriv et helt tal (3 eller 4)"),  # an average of two scores
        ("facilities", "places", "0,5", "; skriv et helt tal (1)"),  # places are at least 1
    ],
)
def test_a_decimal_in_a_column_of_whole_numbers_names_the_whole_numbers_near_it(
    folder: Path, table: str, column: str, value: str, hint: str
) -> None:
    """'2,5' visits a week for a part-time inspector read only 'visits_per_week skal være et heltal på mindst 0',
    which it looks like to the one who wrote it."""
    v = _one_violation(folder, table, column, value)
    assert (v.row, v.column, v.rule) == (2, column, "int")
    assert v.message.endswith(hint)


# --- a severity written with its first letter ------------------------------------------------------------


@pytest.mark.parametrize(("value", "code"), [("H", "high"), ("m", "medium"), ("L", "low")])
def test_a_severity_written_with_its_first_letter_gets_the_code(folder: Path, value: str, code: str) -> None:
    """A case system's list of concerns shows the severity as H/M/L (høj/middel/lav start with the same letters): it
    read 'severity … er ukendt' with the three codes, leaving the user to match them."""
    concerns = texts("concerns")
    _set(concerns, 1, "severity", value)
    rewrite(folder, "concerns", concerns)
    [v] = fails(folder).violations
    assert v.message == f"severity '{value}' er ukendt; skriv '{code}'; tilladte værdier: low, medium, high"


# --- announced written as a case system names the visit; a range for a number ---------------------------


@pytest.mark.parametrize(("value", "write"), [("Anmeldt tilsyn", "true"), ("Uanmeldt besøg", "false")])
def test_announced_written_as_the_visits_name_says_what_to_write(folder: Path, value: str, write: str) -> None:
    """'Uanmeldt' got 'skriv false (uanmeldt)', but 'Uanmeldt besøg', as a case system names the visit, only the
    rule."""
    visits = texts("visits")
    _set(visits, 1, "announced", value)
    rewrite(folder, "visits", visits)
    [v] = fails(folder).violations
    assert v.message == f"announced skal være true/false, 1/0 eller ja/nej; skriv {write} ({value.lower()})"


@pytest.mark.parametrize(
    ("table", "column", "value", "hint"),
    [
        ("inspectors", "visits_per_week", "2-3", "; '2-3' er et interval: skriv ét helt tal (2 eller 3)"),
        ("facilities", "places", "10 - 12", "; '10 - 12' er et interval: skriv ét helt tal (10 eller 12)"),
    ],
)
def test_a_range_in_a_column_of_whole_numbers_says_to_write_one(
    folder: Path, table: str, column: str, value: str, hint: str
) -> None:
    v = _one_violation(folder, table, column, value)
    assert (v.row, v.column, v.rule) == (2, column, "int")
    assert v.message.endswith(hint)


@pytest.mark.parametrize(
    ("table", "column", "value", "hint"),
    [
        ("facilities", "places", "ca. 12", "; skriv kun tallet (12), uden 'ca.'"),
        ("staff_figures", "sickness_absence_pct", "~8,5", "; skriv kun tallet (8,5), uden '~'"),
        ("use_of_force", "count", "Cirka 3", "; skriv kun tallet (3), uden 'Cirka'"),
    ],
)
def test_an_approximate_number_says_the_number_to_write(
    folder: Path, table: str, column: str, value: str, hint: str
) -> None:
    """A number typed by hand as 'ca. 12' read only the rule ('places skal være et heltal på mindst 1'), as '24
    pladser' did before its unit got a hint."""
    v = _one_violation(folder, table, column, value)
    assert (v.row, v.column) == (2, column)
    assert v.message.endswith(hint)
