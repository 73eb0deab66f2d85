"""Broken files, sixth round: markers of a missing value (NA, NULL, #N/A), ids and codes in typographic quotes,
thousands separators in decimal columns, and what else real exports break in ways earlier rounds did not see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.errors import Violation
from data.importer import read_upload
from tests.data.test_importer import dataset_with_coordinates, fails, rewrite, rules, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder, write_workbook


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row][rows[0].index(column)] = value


# --- markers of a missing value ------------------------------------------------------------------------

#: (table, row, column, marker): optional columns of every kind, each with what a program writes for nothing.
_MARKED_OPTIONAL = [
    ("facilities", 2, "lat", "NA"),  # R's write.csv
    ("facilities", 2, "lon", "NA"),
    ("facilities", 1, "closed_on", "NULL"),  # an SQL export
    ("facilities", 3, "closed_on", "null"),
    ("facilities", 1, "has_board", "#N/A"),  # Excel
    ("facilities", 4, "target_group", "NaN"),  # pandas
    ("facilities", 5, "municipality", "N/A"),
    ("staff_figures", 1, "sickness_absence_pct", "nan"),
    ("visits", 2, "inspector_ids", "None"),  # Python
]


def _marked_upload(marker: bool = True) -> dict[str, list[list[str]]]:
    """The files of :data:`_MARKED_OPTIONAL`'s tables with its markers written (or, ``marker`` False, the cells
    left empty)."""
    ds = dataset_with_coordinates()
    tables = {t: texts(t, ds) for t in {m[0] for m in _MARKED_OPTIONAL}}
    for table, row, column, value in _MARKED_OPTIONAL:
        _set(tables[table], row, column, value if marker else "")
    return tables


def _check_read_as_empty(tables: dict[str, pd.DataFrame], warnings: list[Violation], tmp_path: Path) -> None:
    """The tables read are those of the same files with the marked cells left empty; one warning a file and column."""
    empty = write_csv_folder(dataset_with_coordinates(), tmp_path / "empty")
    for table, rows in _marked_upload(marker=False).items():
        rewrite(empty, table, rows)
    expected = read_upload(empty, today=AS_OF).dataset.tables()
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name], frame, obj=name)
    assert tables["facilities"]["has_board"].tolist()[0] is False  # an empty has_board is no board
    marked = [
        (w.file.split("]")[-1].removesuffix(".csv"), w.row, w.column)
        for w in warnings
        if w.rule == "missing_value_marker"
    ]
    # one warning per file and column, at its first row
    assert sorted(marked) == sorted(
        {
            ("facilities", 3, "lat"),
            ("facilities", 3, "lon"),
            ("facilities", 2, "closed_on"),
            ("facilities", 2, "has_board"),
            ("facilities", 5, "target_group"),
            ("facilities", 6, "municipality"),
            ("staff_figures", 2, "sickness_absence_pct"),
            ("visits", 3, "inspector_ids"),
        }
    )


def test_markers_of_a_missing_value_in_optional_columns_are_read_as_empty_with_one_warning_a_column(
    folder: Path,
) -> None:
    """R writes NA, an SQL export NULL, Excel #N/A, pandas NaN: each was one violation per cell ("lad feltet stå
    tomt"), so an export of 2,000 tilbud without coordinates was refused with 4,000 of them. They mean empty: read
    so, with one warning per file and column naming the markers, the count and the first rows."""
    for table, rows in _marked_upload().items():
        rewrite(folder, table, rows)
    result = read_upload(folder, today=AS_OF)
    _check_read_as_empty(result.dataset.tables(), result.warnings, folder.parent)
    closed = next(w for w in result.warnings if w.rule == "missing_value_marker" and w.column == "closed_on")
    assert closed.message == (
        "2 celler i closed_on med 'NULL', 'null' er læst som tomme: sådan skriver et program en manglende værdi "
        "(R skriver NA, en SQL-eksport NULL, Excel #N/A); række 2, 4. Lad felterne stå tomme i filen, så forsvinder "
        "advarslen"
    )
    board = next(w for w in result.warnings if w.rule == "missing_value_marker" and w.column == "has_board")
    assert "1 celle i has_board med '#N/A' er læst som tom (et tomt felt læses som nej)" in board.message


def test_markers_of_a_missing_value_read_the_same_from_a_workbook(tmp_path: Path) -> None:
    """An Excel error cell #N/A (a lookup that found nothing) and the text markers read as in a CSV file."""
    import openpyxl

    book = write_workbook(dataset_with_coordinates(), tmp_path / "data.xlsx", typed=False)
    wb = openpyxl.load_workbook(book)
    for table, row, column, marker in _MARKED_OPTIONAL:
        sheet = wb[table]
        header = [c.value for c in sheet[1]]
        sheet.cell(row=row + 1, column=header.index(column) + 1).value = marker
    assert wb["facilities"]["N2"].data_type == "e"  # has_board: a real error cell
    wb.save(book)
    result = read_upload(book, today=AS_OF)
    _check_read_as_empty(result.dataset.tables(), result.warnings, tmp_path)


def test_a_marker_in_a_required_column_is_one_violation_for_the_column(folder: Path) -> None:
    """NULL in a required column was one violation per cell, each read as a value ("kind 'NULL' er ukendt", "date
    skal være en dato"): one for the column now, saying what the marker is and what to write."""
    visits = texts("visits")
    for row in (1, 3, 4):
        _set(visits, row, "kind", "NULL")
    _set(visits, 2, "date", "#N/A")
    rewrite(folder, "visits", visits)
    error = fails(folder)
    assert rules(error) == {
        ("visits.csv", 2, "kind", "missing_value_marker"),
        ("visits.csv", 3, "date", "missing_value_marker"),
    }
    kind = next(v for v in error.violations if v.column == "kind")
    assert kind.value == "NULL"
    assert kind.message == (
        "kind må ikke være tom, men 3 celler har 'NULL', som et program skriver for en manglende værdi (R skriver NA, "
        "en SQL-eksport NULL, Excel #N/A); skriv en af operational, approval, enhanced, follow_up i række 2, 4, 5"
    )


def test_a_marker_in_a_required_id_is_not_also_a_missing_reference(folder: Path) -> None:
    visits = texts("visits")
    _set(visits, 1, "facility_id", "NA")
    rewrite(folder, "visits", visits)
    assert rules(fails(folder)) == {("visits.csv", 2, "facility_id", "missing_value_marker")}


@pytest.mark.parametrize("name", ["Nan", "Na", "NA-huset", "Nulle"])
def test_a_name_that_only_looks_like_a_marker_is_text(folder: Path, name: str) -> None:
    """Markers are matched whole and with their case: 'Nan' and 'Na' are names (and given names), not NaN or NA."""
    fac = texts("facilities")
    _set(fac, 1, "name", name)
    _set(fac, 2, "target_group", name)
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    facilities = result.dataset.facilities
    assert (facilities["name"].iloc[0], facilities["target_group"].iloc[1]) == (name, name)
    assert not [w for w in result.warnings if w.rule == "missing_value_marker"]


@pytest.mark.parametrize("value", ["-", "?", "ukendt", "none"])
def test_a_word_typed_for_nothing_is_still_refused_with_the_hint(folder: Path, value: str) -> None:
    """'-' is also how Excel's accounting format shows 0, and '?' or 'ukendt' were typed by a person: refused, with
    the hint to leave the cell empty, not read as empty."""
    fac = texts("facilities")
    _set(fac, 1, "closed_on", value)
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 2, "closed_on", "date")}
    assert error.violations[0].message.endswith("; lad feltet stå tomt, hvis værdien ikke kendes")


# --- ids and codes in quotes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value", "bare"),
    [
        ("facilities", "facility_id", "\u201cF1\u201d", "F1"),  # Word's “ ”: stored as a new tilbud '“F1”'
        ("visits", "facility_id", "\u201eF1\u201c", "F1"),  # Danish „ “: read only 'findes ikke'
        ("visits", "kind", "\u2018operational\u2019", "operational"),  # ‘ ’: 'er ukendt' and the list
        ("visits", "date", "\u00ab2024-03-12\u00bb", "2024-03-12"),  # « »
        ("facilities", "places", "\u201c24\u201d", "24"),
        ("visits", "inspector_ids", "\u201cI1\u201d", "I1"),
        ("facilities", "postcode", '"8600"', "8600"),  # straight quotes an export left ("""8600""" in the file)
    ],
)
def test_an_id_or_code_in_quotes_is_refused_with_the_value_to_write(
    folder: Path, table: str, column: str, value: str, bare: str
) -> None:
    """A value pasted from Word or Outlook brings its typographic quotes: an own id was stored with them, a reference,
    a code, a date or a number refused without a word on the quotes, which look like part of the text. One violation
    at the cell, naming the quotes and the value to write, and no follow-on violation of the same cell."""
    rows = texts(table)
    _set(rows, 1, column, value)
    rewrite(folder, table, rows)
    error = fails(folder)
    assert rules(error) == {(f"{table}.csv", 2, column, "quoted")}
    assert error.violations[0].value == value
    assert error.violations[0].message.endswith(f"; skriv {bare} uden anførselstegn")


def test_a_leading_apostrophe_is_named_as_excels_text_prefix(folder: Path) -> None:
    fac = texts("facilities")
    _set(fac, 1, "postcode", "'8600")
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 2, "postcode", "quoted")}
    assert error.violations[0].message == (
        "postcode begynder med ', som i Excel gemmer et tal som tekst, men her bliver en del af værdien; skriv 8600 "
        "uden '"
    )


def test_quotes_in_free_text_are_kept(folder: Path) -> None:
    fac = texts("facilities")
    _set(fac, 1, "name", "\u201cSolsikken\u201d")
    _set(fac, 2, "name", "Bostedet \u201eEgebo\u201c")
    rewrite(folder, "facilities", fac)
    names = read_upload(folder, today=AS_OF).dataset.facilities["name"].tolist()
    assert names[:2] == ["\u201cSolsikken\u201d", "Bostedet \u201eEgebo\u201c"]


# --- a period with three digits in a decimal column ----------------------------------------------------


@pytest.fixture
def danish_folder(tmp_path: Path) -> Path:
    """The small dataset as Danish Excel saves it: semicolons, decimal commas."""
    return write_csv_folder(dataset_with_coordinates(), tmp_path / "dansk", sep=";", decimal=",")


def _danish_staff(danish_folder: Path, *values: str) -> None:
    staff = texts("staff_figures")
    for row, value in enumerate(values, start=1):
        _set(staff, row, "sickness_absence_pct", value)
    rewrite(danish_folder, "staff_figures", staff, sep=";")


def test_a_decimal_with_thousands_points_and_a_comma_names_the_number_to_write(danish_folder: Path) -> None:
    """'1.234,5' (Danish Excel's '#.##0,0') read only 'skal være et tal fra 0 til 100', which it looks like."""
    _danish_staff(danish_folder, "1.234,5", "4,5", "6,0")
    error = fails(danish_folder)
    assert rules(error) == {("staff_figures.csv", 2, "sickness_absence_pct", "decimal")}
    assert error.violations[0].message == (
        "sickness_absence_pct skal være et tal fra 0 til 100; skriv tallet uden tusindtalsseparator (1234,5)"
    )


def test_a_period_with_three_digits_out_of_range_names_both_readings(danish_folder: Path) -> None:
    """'150.000' in a semicolon file is 150 or 150000, and neither is a percent: the message says what it was read as
    (it read the rule only, so the user could not tell 150 from 150000)."""
    _danish_staff(danish_folder, "150.000", "4,5", "6,0")
    error = fails(danish_folder)
    assert error.violations[0].message == (
        "sickness_absence_pct skal være et tal fra 0 til 100; '150.000' er læst som 150 (punktum som decimaltegn); "
        "med punktum som tusindtalsseparator ville det være 150000"
    )


def test_a_period_with_three_digits_is_read_as_the_decimal_when_only_that_reading_is_allowed(
    danish_folder: Path,
) -> None:
    """'1.234' of a percent in a semicolon file is 1,234 % (1234 % is no percent): no guess, the only reading."""
    _danish_staff(danish_folder, "1.234", "12.5", "6,0")
    staff = read_upload(danish_folder, today=AS_OF).dataset.staff_figures
    assert staff["sickness_absence_pct"].tolist() == [1.234, 12.5, 6.0]


def _decimal_column(delimiter: str | None, *cells: str) -> tuple[pd.Series, list[Violation]]:
    """``cells`` of a decimal column without an upper bound (none of the contract has one: each ends below 1000) in
    a file of ``delimiter`` (None: a workbook sheet), parsed; the values and the violations."""
    import datetime as dt

    import numpy as np

    from data.contract import FILE_BY_NAME, Column, Kind
    from data.importer.parsed import _Parsed
    from data.importer.report import _Report
    from data.importer.values import _parse_column
    from data.readers import RawTable

    frame = pd.DataFrame({0: list(cells)})
    raw = RawTable("staff_figures", "staff_figures.csv", ("amount",), frame, np.arange(2, 2 + len(cells)), delimiter)
    report = _Report()
    table = _Parsed(spec=FILE_BY_NAME["staff_figures"], raw=raw)
    column = Column("amount", Kind.DECIMAL, nullable=True, minimum=0)
    values = _parse_column(table, column, frame[0], report, dt.date(2026, 10, 1))
    return values, report.violations


def test_a_value_that_reads_two_allowed_ways_1000_times_apart_is_refused_with_both() -> None:
    values, violations = _decimal_column(";", "1.234", "12,5", "12.5")
    assert [(v.row, v.value) for v in violations] == [(2, "1.234")]
    assert violations[0].message == (
        "amount skal være et tal på mindst 0; '1.234' kan læses som 1,234 (punktum som decimaltegn) og som 1234 "
        "(punktum som tusindtalsseparator), 1000 gange mere; skriv 1,234 eller 1234"
    )
    assert values.tolist()[1:] == [12.5, 12.5]
    _, violations = _decimal_column(",", "1,234", "1.234")
    assert [(v.row, v.value) for v in violations] == [(2, "1,234")]
    assert violations[0].message.endswith("; skriv 1.234 eller 1234")
    values, violations = _decimal_column(None, "1.234")  # a workbook's number cell
    assert (values.tolist(), violations) == ([1.234], [])


# --- a header sorted in among the rows -----------------------------------------------------------------

_SORTED = (
    "overskriften med kolonnerne står i række {row}, ikke i række 1, og rækkerne over den ligner poster: er filen "
    "sorteret med overskriften som en af rækkerne? Flyt overskriften op i række 1 (i Excel sorteres med 'Data har "
    "overskrifter' slået til)"
)


@pytest.mark.parametrize(("table", "row"), [("visits", 7), ("indicator_scores", 16)])
def test_a_file_sorted_with_its_header_among_the_rows_says_to_move_the_header_up(
    folder: Path, table: str, row: int
) -> None:
    """Sorted without 'Data har overskrifter', the header lands among the rows (V1 sorts before visit_id). Within the
    first ten rows it was told to delete the rows above it, which were the records; further down every required
    column was 'mangler', and nothing named the header's row."""
    rows = texts(table)
    rewrite(folder, table, sorted(rows))
    error = fails(folder)
    assert [(v.file, v.row, v.rule, v.message) for v in error.violations] == [
        (f"{table}.csv", 1, "header_not_first", _SORTED.format(row=row))
    ]


@pytest.mark.parametrize("name", ["Kolonne", "Column"])
def test_excels_automatic_column_names_above_the_header_are_no_records(folder: Path, name: str) -> None:
    """A table made in Excel without 'Tabellen har overskrifter' gets a header row 'Kolonne1', 'Kolonne2', … above the
    real one: those are to be deleted, not records of a sorted file."""
    rows = texts("visits")
    rewrite(folder, "visits", [[f"{name}{i + 1}" for i in range(len(rows[0]))], *rows])
    assert [v.message for v in fails(folder).violations] == [
        "overskriften med kolonnerne står i række 2, ikke i række 1; slet rækkerne over den (fx en titel eller en tom "
        "række)"
    ]


def test_a_sheet_sorted_with_its_header_among_the_rows_says_to_move_the_header_up(tmp_path: Path) -> None:
    import openpyxl

    book = write_workbook(small_dataset(), tmp_path / "data.xlsx", typed=False)
    wb = openpyxl.load_workbook(book)
    sheet = wb["indicator_scores"]
    rows = sorted([[c.value for c in r] for r in sheet.iter_rows()], key=lambda r: [str(c) for c in r])
    sheet.delete_rows(1, sheet.max_row)
    for r in rows:
        sheet.append(r)
    wb.save(book)
    error = fails(book)
    assert [(v.file, v.row, v.rule, v.message) for v in error.violations] == [
        ("[data.xlsx]indicator_scores", 1, "header_not_first", _SORTED.format(row=16))
    ]


# --- error values of a spreadsheet ---------------------------------------------------------------------


def test_an_excel_error_value_is_one_violation_for_the_column_naming_what_failed(folder: Path) -> None:
    """A formula that failed leaves Excel's error value in the cell, and a CSV export writes it as text. A name or a
    target group '#REF!' was stored as written, an id '#REF!' read 'findes ikke', a number or a date only the rule
    ('places skal være et heltal på mindst 1'). One violation for the column now, with what each value means."""
    fac = texts("facilities")
    for row in range(1, 7):
        _set(fac, row, "places", "#DIV/0!" if row != 3 else "#VÆRDI!")  # Danish Excel writes its own names
    _set(fac, 2, "name", "#REF!")
    _set(fac, 4, "target_group", "#VALUE!")
    _set(fac, 5, "closed_on", "Err:502")  # LibreOffice Calc
    rewrite(folder, "facilities", fac)
    visits = texts("visits")
    _set(visits, 1, "facility_id", "#REFERENCE!")
    rewrite(folder, "visits", visits)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 2, "places", "excel_error"),
        ("facilities.csv", 3, "name", "excel_error"),
        ("facilities.csv", 5, "target_group", "excel_error"),
        ("facilities.csv", 6, "closed_on", "excel_error"),
        ("visits.csv", 2, "facility_id", "excel_error"),
    }
    places = next(v for v in error.violations if v.column == "places")
    assert (places.value, places.message) == (
        "#DIV/0!",
        "6 celler i places har en fejlværdi fra regnearket i stedet for en værdi (#DIV/0!: formlen dividerer med 0 "
        "eller en tom celle; #VÆRDI!: formlen regner med tekst eller en værdi af forkert type); række 2, 3, 4, 5, 6 "
        "m.fl. (6 i alt). Ret formlen, så den giver et heltal, eller skriv værdien ind, og gem filen igen",
    )
    name = next(v for v in error.violations if v.column == "name")
    assert name.message.endswith("række 3. Ret formlen, eller skriv værdien ind, og gem filen igen")
    closed = next(v for v in error.violations if v.column == "closed_on")
    assert "(Err:502: LibreOffice fandt en fejl i formlen)" in closed.message


@pytest.mark.parametrize("name", ["#1 Bostedet", "Huset #REF", "Err:5"])
def test_text_that_only_holds_a_hash_is_no_error_value(folder: Path, name: str) -> None:
    fac = texts("facilities")
    _set(fac, 1, "name", name)
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).dataset.facilities["name"].iloc[0] == name


def test_danish_excels_not_available_is_a_marker_of_a_missing_value(folder: Path) -> None:
    """Danish Excel shows and saves #N/A as '#I/T' (ikke tilgængelig): a lookup that found nothing, read as empty in
    an optional column with the warning, as #N/A is; it was 'closed_on skal være en dato'."""
    fac = texts("facilities")
    _set(fac, 1, "closed_on", "#I/T")
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    assert pd.isna(result.dataset.facilities["closed_on"].iloc[0])
    assert [(w.file, w.row, w.column, w.value) for w in result.warnings if w.rule == "missing_value_marker"] == [
        ("facilities.csv", 2, "closed_on", "#I/T")
    ]


# --- a unit or a footnote mark in a column's name ------------------------------------------------------


def _renamed(folder: Path, table: str, column: str, title: str) -> list[tuple[str | None, str, str]]:
    rows = texts(table)
    rows[0][rows[0].index(column)] = title
    rewrite(folder, table, rows)
    return [(v.column, v.rule, v.message) for v in fails(folder).violations]


_REQUIRED = (
    "den obligatoriske kolonne '{0}' mangler; filen skal have kolonnerne {1} (kolonnen '{2}' skal hedde '{0}'{3})"
)
_STAFF = "facility_id, year, staff_turnover_pct, sickness_absence_pct"


@pytest.mark.parametrize(
    ("column", "title", "said"),
    [
        ("sickness_absence_pct", "sickness_absence_pct (%)", ", uden '(%)'"),
        ("sickness_absence_pct", "Sygefravær i %", ", uden 'i %'"),  # the Danish name with its unit
        ("staff_turnover_pct", "staff_turnover_pct*", ", uden '*'"),
        # days per FTE are no percent: renaming the column alone would store them as percent
        (
            "sickness_absence_pct",
            "sickness_absence_pct [dage]",
            ", uden '[dage]', og dens værdier skal være procent (0-100), ikke 'dage'",
        ),
    ],
)
def test_a_required_column_named_with_a_unit_or_a_footnote_mark_is_named_where_it_is_missing(
    folder: Path, column: str, title: str, said: str
) -> None:
    """A report's table heads a column 'sygefravær (%)' or 'places*' (a footnote below the table): the column was
    'mangler' without a word of the header that holds it."""
    assert _renamed(folder, "staff_figures", column, title) == [
        (column, "column_missing", _REQUIRED.format(column, _STAFF, title, said))
    ]


def test_an_optional_column_named_with_a_footnote_mark_is_refused_with_its_name(folder: Path) -> None:
    """'closed_on¹' was an unknown column, a warning: every closed tilbud would be stored as active."""
    assert _renamed(folder, "facilities", "closed_on", "closed_on¹") == [
        (
            "closed_on¹",
            "column_name",
            "kolonnen 'closed_on¹' skal hedde 'closed_on', uden '¹'; ellers gemmes dens værdier ikke",
        )
    ]


def test_a_column_beside_its_own_with_a_unit_is_an_unknown_column(folder: Path) -> None:
    fac = texts("facilities")
    fac[0].append("places (2020)")
    for row in fac[1:]:
        row.append("3")
    rewrite(folder, "facilities", fac)
    warnings = read_upload(folder, today=AS_OF).warnings
    assert [w.column for w in warnings if w.rule == "unknown_columns"] == ["places (2020)"]


# --- a negative number as an accounting system writes it -----------------------------------------------


def test_a_minus_after_the_number_or_brackets_around_it_name_the_negative_number(folder: Path) -> None:
    """SAP exports -8 as '8-', and Excel's accounting format shows -3 as '(3)': each read only the column's rule
    ('places skal være et heltal på mindst 1'), which did not say that the file holds a negative number."""
    fac = texts("facilities")
    _set(fac, 1, "places", "8-")
    rewrite(folder, "facilities", fac)
    staff = texts("staff_figures")
    _set(staff, 1, "staff_turnover_pct", "(2.5)")
    rewrite(folder, "staff_figures", staff)
    assert [(v.file, v.row, v.column, v.value, v.message) for v in fails(folder).violations] == [
        (
            "facilities.csv",
            2,
            "places",
            "8-",
            "places skal være et heltal på mindst 1; '8-' er tallet -8, med minustegnet efter tallet, som et "
            "økonomisystem (SAP) skriver det",
        ),
        (
            "staff_figures.csv",
            2,
            "staff_turnover_pct",
            "(2.5)",
            "staff_turnover_pct skal være et tal fra 0 til 100; '(2.5)' er tallet -2.5, i parentes, som Excels "
            "regnskabsformat viser et negativt tal",
        ),
    ]


# --- a month written as a database's date and time -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("2026-06-01 00:00:00", "; skriv 2026-06 (måneden uden dag og klokkeslæt)"),  # an SQL export
        ("2026-06-01T00:00:00.000", "; skriv 2026-06 (måneden uden dag og klokkeslæt)"),
        (
            "2026-05-31T22:30:00Z",  # a case system's API: 1 June in Denmark
            "; skriv 2026-06 (måneden uden dag og klokkeslæt, for kl. 22:30 UTC er kl. 00:30 i Danmark)",
        ),
    ],
)
def test_a_month_with_a_time_names_the_month_to_write(folder: Path, value: str, hint: str) -> None:
    """A date column's month exported from a database reads '2026-06-01 00:00:00'; a date got the hint, a month only
    its rule."""
    uof = texts("use_of_force")
    _set(uof, 1, "month", value)
    rewrite(folder, "use_of_force", uof)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (2, "month", "month skal være en måned på formen ÅÅÅÅ-MM, fx 2024-03" + hint)
    ]


# --- inspector ids separated by a slash, a bar or a word -----------------------------------------------


@pytest.mark.parametrize("ids", ["I1 / I2", "I1|I2", "I1 & I2", "I1 og I2", "I1+I2"])
def test_inspector_ids_written_with_another_separator_get_the_separator_hint(folder: Path, ids: str) -> None:
    """A case system lists a visit's inspectors 'I1 / I2' or 'I1 og I2': only ',' and ' ' got the hint to write
    I1;I2, these the advice to list a former inspector with visits_per_week 0, which sent the user the wrong way."""
    visits = texts("visits")
    _set(visits, 1, "inspector_ids", ids)
    rewrite(folder, "visits", visits)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (
            2,
            "inspector_ids",
            f"inspector_ids: '{ids}' findes ikke i inspectors (hverken i denne upload eller i databasen); adskil "
            "flere id'er med semikolon: I1;I2",
        )
    ]


@pytest.mark.parametrize("written", ["sel108/sel109", "sel108 og sel109", "SEL § 108 | SEL § 109", "sel108 & sel109"])
def test_competences_written_with_another_separator_get_the_list_to_write(folder: Path, written: str) -> None:
    """'sel108, sel109' got 'skriv sel108;sel109', 'sel108/sel109' only the rule."""
    inspectors = texts("inspectors")
    _set(inspectors, 1, "competences", written)
    rewrite(folder, "inspectors", inspectors)
    [violation] = fails(folder).violations
    assert (violation.row, violation.column) == (2, "competences")
    assert f"competences: '{written.lower()}' er ukendt; skriv 'sel108;sel109'; tilladt er 'all'" in violation.message


# --- zero dates and the end of time --------------------------------------------------------------------


def test_a_zero_date_is_a_marker_of_a_missing_value(folder: Path) -> None:
    """MySQL writes a missing date '0000-00-00' (also with its time), and Excel shows day 0, '1900-01-00' ('00-01-1900'
    in Danish), where a formula refers to an empty cell. Each was refused cell by cell, '0000-00-00 00:00:00' with the
    hint to write '0000-00-00'. In an optional column they are empty with the warning, in a required one one
    violation for the column."""
    fac = texts("facilities")
    for row, value in ((1, "0000-00-00"), (2, "0000-00-00 00:00:00"), (3, "1900-01-00"), (4, "00-01-1900")):
        _set(fac, row, "closed_on", value)
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.facilities["closed_on"].isna().all()
    [warning] = [w for w in result.warnings if w.rule == "missing_value_marker"]
    assert (warning.row, warning.column, warning.message) == (
        2,
        "closed_on",
        "4 celler i closed_on med '0000-00-00', '0000-00-00 00:00:00', '1900-01-00', '00-01-1900' er læst som tomme: "
        "sådan skriver et program en manglende værdi (en database skriver 0000-00-00, Excel 1900-01-00 for en tom "
        "celle, en SQL-eksport NULL); række 2, 3, 4, 5. Lad felterne stå tomme i filen, så forsvinder advarslen",
    )
    _set(fac, 1, "approved_on", "0000-00-00")
    rewrite(folder, "facilities", fac)
    assert rules(fails(folder)) == {("facilities.csv", 2, "approved_on", "missing_value_marker")}


def test_a_zero_date_in_a_text_column_is_text(folder: Path) -> None:
    fac = texts("facilities")
    _set(fac, 1, "target_group", "0000-00-00")
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).dataset.facilities["target_group"].iloc[0] == "0000-00-00"


def test_the_end_of_time_is_named_as_no_end_date(folder: Path) -> None:
    """9999-12-31 is what many systems write for 'no end date': in closed_on it was told 'lad feltet stå tomt, hvis
    datoen ikke kendes', as if the date were unknown; it is known that there is none. Still refused: in another
    column (approved_on) it is no date at all, and an earlier round refused such sentinels."""
    fac = texts("facilities")
    _set(fac, 1, "closed_on", "9999-12-31")
    _set(fac, 2, "approved_on", "9999-12-31")
    rewrite(folder, "facilities", fac)
    assert [(v.row, v.column, v.rule, v.message) for v in fails(folder).violations] == [
        (
            2,
            "closed_on",
            "date_range",
            "closed_on skal ligge i årene 1900-2199; 9999-12-31 står i mange systemer for 'ingen slutdato': lad "
            "feltet stå tomt, hvis der ikke er nogen",
        ),
        (
            3,
            "approved_on",
            "date_range",
            "approved_on skal ligge i årene 1900-2199; 9999-12-31 er en pladsholder for 'ingen dato', ikke den dato, "
            "der skal stå her",
        ),
    ]


# --- a yes/no column written as numbers ----------------------------------------------------------------


def test_a_yes_no_column_written_as_decimal_numbers_reads_as_1_and_0(folder: Path) -> None:
    """pandas writes a yes/no column with an empty cell as numbers, '1.0' and '0.0' ('1,0' in Danish): each was
    refused ('skal være true/false, 1/0 eller ja/nej'), while an integer column reads '24.0' as 24."""
    visits = texts("visits")
    written = {1: "1.0", 2: "0.0", 3: "1,0", 4: "0,00"}
    for row, value in written.items():
        _set(visits, row, "announced", value)
    rewrite(folder, "visits", visits)
    announced = read_upload(folder, today=AS_OF).dataset.visits["announced"]
    assert [bool(announced.iloc[row - 1]) for row in written] == [True, False, True, False]


def test_minus_one_in_a_yes_no_column_is_named_as_accesss_yes(folder: Path) -> None:
    """Access and VBA store a yes as -1; not read as one (a guess), but named."""
    visits = texts("visits")
    _set(visits, 1, "announced", "-1")
    rewrite(folder, "visits", visits)
    assert [v.message for v in fails(folder).violations] == [
        "announced skal være true/false, 1/0 eller ja/nej; -1 er 'ja' i Access og VBA, som filen kan komme fra: skriv "
        "true, 1 eller ja"
    ]


# --- a code inside a longer value, a score with its scale ----------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("ownership", "Selvejende institution", "selvejende"),
        ("ownership", "Kommunalt tilbud", "kommunal"),  # inflected as Danish inflects an adjective
        ("authority", "Region Midt", "midt"),
    ],
)
def test_a_code_as_one_word_of_a_longer_value_gets_the_code_to_write(
    folder: Path, column: str, value: str, code: str
) -> None:
    """A case system writes 'Selvejende institution' where the contract's code is 'selvejende': it read only the
    allowed values. A hint, never a reading: a value naming two codes ('Privat selvejende') gets none."""
    fac = texts("facilities")
    _set(fac, 1, column, value)
    _set(fac, 2, "ownership", "Privat selvejende")
    _set(fac, 3, "ownership", "Ikke privat")  # a negation: no hint to write the code it denies
    rewrite(folder, "facilities", fac)
    messages = {v.row: v.message for v in fails(folder).violations}
    assert f"{column} '{value}' er ukendt; skriv '{code}'; tilladte værdier:" in messages[2]
    assert "skriv" not in messages[3]
    assert "skriv" not in messages[4]


@pytest.mark.parametrize(
    ("table", "value", "number"), [("indicator_scores", "4 af 5", "4"), ("theme_scores", "4,5/5", "4,5")]
)
def test_a_score_with_its_scale_names_the_number_to_write(folder: Path, table: str, value: str, number: str) -> None:
    rows = texts(table)
    _set(rows, 1, "score", value)
    rewrite(folder, table, rows)
    [violation] = fails(folder).violations
    assert violation.message.endswith(
        f"fra 1 til 5; skriv kun tallet ({number}), uden '{value[len(number) :].strip()}'"
    )


# --- a formula written as text -------------------------------------------------------------------------


def test_a_formula_written_as_text_is_one_violation_for_the_column(folder: Path) -> None:
    """Excel saves a CSV file's formulas, not their values, while it shows formulas, and some programs write formulas
    for Excel to calculate: '=B2*2' read only 'places skal være et heltal', a date '=DATO(…)' only the date rule. In
    free text (a name) the formula is stored as written, as a name is the case system's (tests/api/
    test_audit_leftovers.py stores one and checks the exports for a person are formula-safe), with a warning."""
    fac = texts("facilities")
    _set(fac, 1, "places", "=B2*2")
    _set(fac, 2, "places", "=SUM(C2:C3)")
    _set(fac, 3, "name", '=HYPERLINK("https://tilbudsportalen.dk";"Egebo")')
    _set(fac, 4, "closed_on", "=DATO(2024;3;12)")
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 2, "places", "formula_as_text"),
        ("facilities.csv", 5, "closed_on", "formula_as_text"),
    }
    places = next(v for v in error.violations if v.column == "places")
    assert places.message == (
        "2 celler i places har en formel i stedet for dens værdi ('=B2*2'); række 2, 3. Filen er gemt, mens Excel "
        "viste formlerne (Formler > Vis formler), eller af et program, der skriver formler: gem den igen fra Excel med "
        "formlerne skjult, eller skriv værdierne ind"
    )
    [name] = [w for w in error.warnings if w.rule == "formula_as_text"]
    assert (name.row, name.column, name.message) == (
        4,
        "name",
        '1 celle i name ligner en formel (\'=HYPERLINK("https://tilbudsportalen.dk";"Egebo")\') og er gemt, som det '
        "står; række 4. Er filen gemt, mens Excel viste formlerne, eller af et program, der skriver formler, så gem den "
        "igen fra Excel med formlerne skjult",
    )


@pytest.mark.parametrize("name", ["Huset = hjemmet", "=Egebo=", "Bo 2=1"])
def test_text_with_an_equals_sign_is_no_formula(folder: Path, name: str) -> None:
    fac = texts("facilities")
    _set(fac, 1, "name", name)
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).dataset.facilities["name"].iloc[0] == name


# --- coordinates swapped, in metres, with a degree sign ------------------------------------------------


def test_coordinates_outside_denmark_say_why_when_it_is_plain(tmp_path: Path) -> None:
    """lat and lon swapped (GeoJSON writes longitude first), a UTM coordinate in metres (Danish address data, DAWA,
    gives ETRS89 / UTM zone 32) and degrees with their sign each read only 'skal være et tal fra 54,5 til 57,8 (inden
    for Danmark)'."""
    folder = write_csv_folder(dataset_with_coordinates(), tmp_path / "upload")
    fac = texts("facilities", dataset_with_coordinates())
    for row, (lat, lon) in enumerate((("9.92", "56.15"), ("6223456", "574321"), ("56.15°", "10.21")), start=1):
        _set(fac, row, "lat", lat)
        _set(fac, row, "lon", lon)
    rewrite(folder, "facilities", fac)
    hints = {(v.row, v.column): v.message.partition("(inden for Danmark)")[2] for v in fails(folder).violations}
    assert hints == {
        (2, "lat"): "; lat og lon ser ud til at være byttet om: 9,92 er en længdegrad i Danmark, og lon (56,15) en "
        "breddegrad; byt værdierne (eller kolonnernes navne) om",
        (2, "lon"): "; lat og lon ser ud til at være byttet om: 56,15 er en breddegrad i Danmark, og lat (9,92) en "
        "længdegrad; byt værdierne (eller kolonnernes navne) om",
        (3, "lat"): "; tallet ligner en UTM-koordinat i meter (som danske adressedata, DAWA, giver den), ikke grader: "
        "skriv breddegraden i grader (WGS84), fx 56,15",
        (3, "lon"): "; tallet ligner en UTM-koordinat i meter (som danske adressedata, DAWA, giver den), ikke grader: "
        "skriv længdegraden i grader (WGS84), fx 10,21",
        (4, "lat"): "; skriv kun tallet (56.15), uden '°'",
    }


# --- a row of units below the header -------------------------------------------------------------------


@pytest.mark.parametrize("units", [["", "", "%", "%"], ["", "ÅÅÅÅ", "(%)", "[%]"], ["", "", "pct.", "Procent"]])
def test_a_row_of_units_below_the_header_is_one_violation(folder: Path, units: list[str]) -> None:
    """A statistics export puts the units in a second header row: it was one violation per column ('facility_id må
    ikke være tom', 'staff_turnover_pct skal være et tal fra 0 til 100'), none saying what the row is."""
    staff = texts("staff_figures")
    rewrite(folder, "staff_figures", [staff[0], units, *staff[1:]])
    shown = ", ".join(f"'{u}'" for u in units if u)
    assert [(v.file, v.row, v.rule, v.message) for v in fails(folder).violations] == [
        (
            "staff_figures.csv",
            2,
            "units_row",
            f"rækken ligner en række med enheder under overskriften ({shown}) og er ingen post; slet den",
        )
    ]


def test_a_record_with_a_unit_in_one_cell_is_checked_cell_by_cell(folder: Path) -> None:
    staff = texts("staff_figures")
    _set(staff, 1, "staff_turnover_pct", "%")
    rewrite(folder, "staff_figures", staff)
    assert rules(fails(folder)) == {("staff_figures.csv", 2, "staff_turnover_pct", "decimal")}


# --- a date in another order with a time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("12-03-2024 13:45", "; skriv 2024-03-12 (år-måned-dag), uden klokkeslæt"),  # Danish Excel's date and time
        ("12.03.2024 00:00:00", "; skriv 2024-03-12 (år-måned-dag), uden klokkeslæt"),
        (
            "12-MAR-24 00.00.00.000000",
            "; skriv 2024-03-12 (år-måned-dag, året med fire cifre), uden klokkeslæt",
        ),  # Oracle
        ("3/15/2024 1:00 PM", "; skriv 2024-03-15 (år-måned-dag; datoen står som måned/dag/år), uden klokkeslæt"),
        (
            "2024-03-11 23:30:00+00",
            "; skriv datoen uden klokkeslæt (2024-03-12, for kl. 23:30 UTC er kl. 00:30 i Danmark)",
        ),
    ],
)
def test_a_date_in_another_order_with_a_time_names_the_date_to_write(folder: Path, value: str, hint: str) -> None:
    """A date and time as Danish Excel, American Excel, Oracle or PostgreSQL (an offset of two digits, '+00') write it
    read only 'date skal være en dato på formen ÅÅÅÅ-MM-DD', where the same date without its time got the hint."""
    concerns = texts("concerns")
    _set(concerns, 1, "date", value)
    rewrite(folder, "concerns", concerns)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (2, "date", "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12" + hint)
    ]


# --- Unicode's line and paragraph separators -----------------------------------------------------------


def test_a_unicode_line_separator_inside_an_id_is_refused_as_a_line_break(folder: Path) -> None:
    """U+2028 and U+2029 are line breaks to Unicode (and Python), but not control characters: an own id 'F\\u20284'
    was stored as a new tilbud, a visit_id 'V\\u20281' likewise, while 'T10\\n005' was refused. Free text keeps them,
    as it keeps a line break."""
    fac = texts("facilities")
    _set(fac, 4, "facility_id", "F\u20284")
    _set(fac, 1, "name", "Bostedet\u2029Egebakken")
    rewrite(folder, "facilities", fac)
    visits = texts("visits")
    visits = [row for row in visits if row[visits[0].index("facility_id")] != "F4"]
    _set(visits, 1, "visit_id", "V\u20281")
    rewrite(folder, "visits", visits)
    error = fails(folder)
    own = [(v.file, v.row, v.column, v.value, v.message) for v in error.violations if v.rule == "control_character"]
    assert own == [
        (
            "facilities.csv",
            5,
            "facility_id",
            "F<U+2028>4",
            "facility_id indeholder et linjeskift (U+2028) efter 'F'; styretegn er ikke tilladt i en værdi (et id med "
            "et styretegn bliver et nyt id, der ligner et andet): skriv værdien på én linje",
        ),
        (
            "visits.csv",
            2,
            "visit_id",
            "V<U+2028>1",
            "visit_id indeholder et linjeskift (U+2028) efter 'V'; styretegn er ikke tilladt i en værdi (et id med et "
            "styretegn bliver et nyt id, der ligner et andet): skriv værdien på én linje",
        ),
    ]


@pytest.mark.parametrize("title", ["visits.kind", "v.kind", "visits[kind]", "Besøg[kind]"])
def test_a_column_named_with_its_table_is_named_where_it_is_missing(folder: Path, title: str) -> None:
    """An SQL query's 'visits.kind' or 'v.kind' and Power BI's 'visits[kind]' read 'mangler' without a word of the
    header holding the column."""
    assert _renamed(folder, "visits", "kind", title) == [
        (
            "kind",
            "column_missing",
            _REQUIRED.format("kind", "visit_id, facility_id, date, announced, kind", title, ""),
        )
    ]


@pytest.mark.parametrize(("value", "years"), [("2024/25", "2024 eller 2025"), ("2024-2025", "2024 eller 2025")])
def test_a_year_spanning_two_years_names_both(folder: Path, value: str, years: str) -> None:
    """A school or financial year ('2024/25') read only 'year skal være et heltal på mindst 1990'."""
    staff = texts("staff_figures")
    _set(staff, 1, "year", value)
    rewrite(folder, "staff_figures", staff)
    [violation] = fails(folder).violations
    assert violation.message == (
        f"year skal være et heltal på mindst 1990; '{value}' spænder over to år: skriv ét år ({years})"
    )
