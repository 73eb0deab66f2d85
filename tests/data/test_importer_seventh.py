"""Broken files, seventh round: a no-break space inside an own id, a row of words (types, explanations) below the
header, and what else exports from case systems, spreadsheets and statistics tools break in ways earlier rounds did
not see."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.importer import read_upload
from tests.data.test_importer import fails, rewrite, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder, write_workbook


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row][rows[0].index(column)] = value


def _rename_facility(folder: Path, old: str, new: str, *, in_visits: str | None = None) -> None:
    """``facilities.csv`` with tilbud ``old`` written ``new``; its visits name it ``in_visits`` (``new`` if None)."""
    fac = texts("facilities")
    fac = [[new if c == old and i == 0 else c for i, c in enumerate(row)] for row in fac]
    rewrite(folder, "facilities", fac)
    visits = texts("visits")
    j = visits[0].index("facility_id")
    for row in visits[1:]:
        row[j] = (new if in_visits is None else in_visits) if row[j] == old else row[j]
    rewrite(folder, "visits", visits)


# --- a no-break space inside an own id -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("space", "named"),
    [("\u00a0", "et hårdt mellemrum (U+00A0)"), ("\u202f", "et smalt hårdt mellemrum (U+202F)")],
)
def test_a_no_break_space_inside_an_own_id_is_refused_naming_the_space(folder: Path, space: str, named: str) -> None:
    """'F\\u00a04' (a no-break space copied from Word, Outlook or a web page) was stored as written: a tilbud 'F 4'
    that the next export, spelling it with a plain space, made a second tilbud beside it, and that the case system
    pulling plans by its own id would not know. Its visits name it the same way and are refused at their cells."""
    _rename_facility(folder, "F4", f"F{space}4")
    error = fails(folder)
    own = [(v.file, v.row, v.column, v.value, v.rule, v.message) for v in error.violations if v.rule == "special_space"]
    assert own == [
        (
            "facilities.csv",
            5,
            "facility_id",
            f"F<U+{ord(space):04X}>4",
            "special_space",
            f"facility_id indeholder {named} efter 'F'; et id skal skrives ens i alle filer og i fagsystemet, og "
            "mellemrummet ser ud som et almindeligt, men er et andet tegn (det kommer med, når tekst kopieres fra "
            "Word, Outlook eller en webside): skriv 'F 4' med et almindeligt mellemrum, eller uden, hvis id'et ikke "
            "har et",
        )
    ]
    referring = [(v.file, v.column, v.rule) for v in error.violations if v.file == "visits.csv"]
    assert referring == [("visits.csv", "facility_id", "reference")]
    assert all(f"id'et indeholder {named} efter 'F'" in v.message for v in error.violations if v.file == "visits.csv")


def test_an_own_id_of_digits_grouped_by_no_break_spaces_names_the_number(folder: Path) -> None:
    """A numeric id formatted with a Norwegian, Swedish or French number format ('100\\u00a0234') is the number."""
    _rename_facility(folder, "F4", "100\u00a0234", in_visits="100234")
    [v] = [v for v in fails(folder).violations if v.file == "facilities.csv"]
    assert (v.row, v.column, v.rule) == (5, "facility_id", "special_space")
    assert v.message.endswith(
        "; id'et ligner et tal skrevet med mellemrum mellem tusinderne, som Excel viser tal med norsk, svensk eller "
        "fransk talformat: skriv 100234"
    )


@pytest.mark.parametrize("table", ["visits", "inspectors"])
def test_a_no_break_space_inside_another_files_own_id_is_refused(folder: Path, table: str) -> None:
    column = {"visits": "visit_id", "inspectors": "inspector_id"}[table]
    rows = texts(table)
    value = rows[1][rows[0].index(column)]
    _set(rows, 1, column, value[0] + "\u00a0" + value[1:])
    rewrite(folder, table, rows)
    rules = {(v.file, v.row, v.column, v.rule) for v in fails(folder).violations}
    assert (f"{table}.csv", 2, column, "special_space") in rules


def test_no_break_spaces_around_an_own_id_and_inside_a_name_are_kept_apart(folder: Path) -> None:
    """Around an id a no-break space is stripped like a space; inside free text it is part of the text."""
    fac = texts("facilities")
    _set(fac, 4, "facility_id", "F4\u00a0")
    _set(fac, 4, "name", "Bostedet\u00a0Egely")
    rewrite(folder, "facilities", fac)
    stored = read_upload(folder, today=AS_OF).dataset.tables()["facilities"].set_index("facility_id")
    assert stored.loc["F4", "name"] == "Bostedet\u00a0Egely"


def test_a_no_break_space_inside_an_inspector_id_of_a_list_names_the_known_id(folder: Path) -> None:
    """'I\\u00a01' in ``inspector_ids`` read only as a former inspector to add to inspectors.csv."""
    visits = texts("visits")
    _set(visits, 1, "inspector_ids", "I\u00a01")
    rewrite(folder, "visits", visits)
    [v] = fails(folder).violations
    assert (v.file, v.row, v.column, v.rule) == ("visits.csv", 2, "inspector_ids", "reference")
    assert v.message.endswith("; den findes som 'I1' uden mellemrum (her står et hårdt mellemrum (U+00A0))")


# --- a row of types or explanations below the header ---------------------------------------------------


@pytest.mark.parametrize(
    ("table", "cells", "what"),
    [
        ("staff_figures", ["id", "tekst", "dato", "antal"], "datatyper"),
        ("visits", ["id", "id", "dato", "ja/nej", "tekst", "tekst"], "datatyper"),
        ("use_of_force", ["character", "Date", "integer", "character"], "datatyper"),  # R's column types
        ("concerns", ["varchar(64)", "date", "(tekst)"], "datatyper"),  # a data dictionary
        ("staff_figures", ["(tekst)", "(heltal)", "(decimaltal)", "(decimaltal)"], "enheder"),
        (
            "visits",
            [
                "Besøgets id",
                "Tilbuddets id",
                "Dato for besøget",
                "Anmeldt eller uanmeldt",
                "Slags besøg",
                "Konsulenter",
            ],
            "forklaringer",
        ),
        (
            "facilities",
            ["Tilbuddets id", "Navn", "Socialtilsyn", "", "", "", "", "", "", "Antal pladser"],
            "forklaringer",
        ),
    ],
)
def test_a_row_of_types_or_explanations_below_the_header_is_one_violation(
    folder: Path, table: str, cells: list[str], what: str
) -> None:
    """A template or a data dictionary puts each column's type ('id', 'tekst', 'dato') or what it holds ('Dato for
    besøget') in a second header row: it was one violation per cell ('facility_id 'id' findes ikke i facilities',
    'date skal være en dato', 'kind 'tekst' er ukendt'), none saying what the row is, while a row of units ('%',
    '(dage)') was named as such."""
    rows = texts(table)
    second = cells + [""] * (len(rows[0]) - len(cells))
    rewrite(folder, table, [rows[0], second, *rows[1:]])
    shown = [f"'{c}'" for c in cells if c]
    shown_text = ", ".join(shown[:6]) + (", …" if len(shown) > 6 else "")
    assert [(v.file, v.row, v.column, v.rule, v.message) for v in fails(folder).violations] == [
        (
            f"{table}.csv",
            2,
            None,
            "units_row",
            f"rækken ligner en række med {what} under overskriften ({shown_text}) og er ingen post; slet den",
        )
    ]


def test_a_record_with_words_for_its_numbers_is_still_checked_cell_by_cell(folder: Path) -> None:
    """A record whose date and severity are words ('ukendt', 'høj') is no row of explanations: its id has digits."""
    rows = texts("concerns")
    rewrite(folder, "concerns", [rows[0], ["F1", "ukendt", "høj"], *rows[1:]])
    assert {(v.row, v.column, v.rule) for v in fails(folder).violations} == {
        (2, "date", "date"),
        (2, "severity", "enum"),
    }


def test_a_record_with_a_code_the_column_allows_is_no_row_of_explanations(folder: Path) -> None:
    """An id without digits and words for the date, but a kind the contract allows: a record, checked cell by cell."""
    rows = texts("visits")
    _set(rows, 1, "visit_id", "Besøg A")
    _set(rows, 1, "date", "sidste uge")
    assert rows[1][rows[0].index("kind")] == "operational"
    rewrite(folder, "visits", rows)
    assert ("visits.csv", 2, "date", "date") in {(v.file, v.row, v.column, v.rule) for v in fails(folder).violations}


def test_a_row_of_words_alone_is_checked_cell_by_cell(folder: Path) -> None:
    """With no rows below it to compare with, a row of words is not taken for explanations."""
    rows = texts("concerns")
    rewrite(folder, "concerns", [rows[0], ["Tilbuddets id", "Dato for henvendelsen", "Alvor"]])
    assert "units_row" not in {v.rule for v in fails(folder).violations}


# --- SAS's and Stata's missing number ------------------------------------------------------------------


def test_a_period_for_a_missing_number_is_read_as_empty_with_one_warning_a_column(folder: Path) -> None:
    """SAS's PROC EXPORT writes a missing number, a SAS date too, as '.', Stata '.' or '.a': each cell was refused
    ('closed_on skal være en dato', 'lat skal være et tal fra 54,5 til 57,8'), where R's NA was read as empty."""
    fac = texts("facilities")
    _set(fac, 1, "closed_on", ".")
    _set(fac, 2, "closed_on", ".")
    _set(fac, 2, "has_board", ".a")
    rewrite(folder, "facilities", fac)
    staff = texts("staff_figures")
    _set(staff, 1, "sickness_absence_pct", ".")
    rewrite(folder, "staff_figures", staff)
    result = read_upload(folder, today=AS_OF)
    marked = [(w.file, w.row, w.column, w.message) for w in result.warnings if w.rule == "missing_value_marker"]
    programs = "(SAS og Stata skriver ., R NA, en SQL-eksport NULL)"
    assert marked == [
        (
            "facilities.csv",
            2,
            "closed_on",
            f"2 celler i closed_on med '.' er læst som tomme: sådan skriver et program en manglende værdi {programs}; "
            "række 2, 3. Lad felterne stå tomme i filen, så forsvinder advarslen",
        ),
        (
            "facilities.csv",
            3,
            "has_board",
            "1 celle i has_board med '.a' er læst som tom (et tomt felt læses som nej): sådan skriver et program en "
            f"manglende værdi {programs}; række 3. Lad feltet stå tomt i filen, så forsvinder advarslen",
        ),
        (
            "staff_figures.csv",
            2,
            "sickness_absence_pct",
            f"1 celle i sickness_absence_pct med '.' er læst som tom: sådan skriver et program en manglende værdi "
            f"{programs}; række 2. Lad feltet stå tomt i filen, så forsvinder advarslen",
        ),
    ]
    tables = result.dataset.tables()
    assert tables["facilities"]["closed_on"].iloc[:2].isna().all()
    assert pd.isna(tables["staff_figures"]["sickness_absence_pct"].iloc[0])


def test_a_period_in_a_required_number_column_is_one_violation_for_the_column(folder: Path) -> None:
    visits = texts("visits")
    _set(visits, 1, "date", ".")
    _set(visits, 3, "date", ".")
    rewrite(folder, "visits", visits)
    [v] = fails(folder).violations
    assert (v.file, v.row, v.column, v.rule) == ("visits.csv", 2, "date", "missing_value_marker")
    assert v.message.startswith("date må ikke være tom, men 2 celler har '.', som et program skriver for en manglende")


def test_a_period_in_free_text_is_text(folder: Path) -> None:
    fac = texts("facilities")
    _set(fac, 1, "target_group", ".")
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.tables()["facilities"]["target_group"].iloc[0] == "."
    assert not [w for w in result.warnings if w.rule == "missing_value_marker"]


# --- dates as SQL Server, SAS, English systems and XML write them --------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("Mar 12 2024 12:00AM", "; skriv 2024-03-12 (år-måned-dag), uden klokkeslæt"),  # SQL Server's default style
        ("Mar  2 2024", "; skriv 2024-03-02 (år-måned-dag)"),
        ("March 12, 2024", "; skriv 2024-03-12 (år-måned-dag)"),  # English long date (Excel, Power BI)
        ("12MAR2024:00:00:00", "; skriv 2024-03-12 (år-måned-dag), uden klokkeslæt"),  # SAS's DATETIME
        ("2024-03-12+01:00", "; skriv datoen uden tidszone (2024-03-12)"),  # an XML export's xs:date
    ],
)
def test_a_date_as_another_system_writes_it_names_the_date_to_write(folder: Path, value: str, hint: str) -> None:
    """These read only 'date skal være en dato på formen ÅÅÅÅ-MM-DD', with nothing to say which date was meant."""
    concerns = texts("concerns")
    _set(concerns, 1, "date", value)
    rewrite(folder, "concerns", concerns)
    assert [(v.row, v.column, v.message) for v in fails(folder).violations] == [
        (2, "date", "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12" + hint)
    ]


# --- a column summarised by a pivot table, Power BI or SQL ---------------------------------------------

_SUMMARISED = (
    "overskriften viser, at kolonnen er opsummeret (som en pivottabel, Power BI eller en SQL-forespørgsel gør det): "
    "eksportér feltet uden opsummering (i Power BI: 'Opsummer ikke'), så hver række er én post med sin egen værdi"
)


@pytest.mark.parametrize(
    ("title", "how"),
    [
        ("Sum af count", "Sum af"),  # Danish Excel's pivot table, Danish Power BI
        ("Sum of count", "Sum of"),
        ("Antal af count", "Antal af"),
        ("SUM(count)", "SUM(…)"),  # an SQL query without an alias
    ],
)
def test_a_required_column_summarised_by_a_pivot_table_is_named_where_it_is_missing(
    folder: Path, title: str, how: str
) -> None:
    """Power BI's 'Export data' and a pivot table head a summarised field 'Sum af count' ('Antal af visit_id' holds
    counts, not ids): it read only 'den obligatoriske kolonne 'count' mangler', beside the column holding it."""
    rows = texts("use_of_force")
    rows[0] = [title if c == "count" else c for c in rows[0]]
    rewrite(folder, "use_of_force", rows)
    [v] = fails(folder).violations
    assert (v.file, v.column, v.rule) == ("use_of_force.csv", "count", "column_missing")
    assert v.message.endswith(
        f"(kolonnen '{title}' skal hedde 'count'; "
        + _SUMMARISED.replace("overskriften viser", f"overskriften '{how}' viser")
        + ")"
    )


def test_an_optional_column_summarised_is_refused_not_ignored(folder: Path) -> None:
    """'Gennemsnit af sickness_absence_pct' was an unknown column, ignored with a warning: every tilbud's sickness
    absence was stored as missing."""
    rows = texts("staff_figures")
    rows[0] = ["Gennemsnit af sickness_absence_pct" if c == "sickness_absence_pct" else c for c in rows[0]]
    rewrite(folder, "staff_figures", rows)
    [v] = fails(folder).violations
    assert (v.file, v.row) == ("staff_figures.csv", 1)
    assert "kolonnen 'Gennemsnit af sickness_absence_pct' skal hedde 'sickness_absence_pct'" in v.message


def test_a_danish_header_that_starts_like_a_summary_is_still_its_column(folder: Path) -> None:
    """'Antal pladser' is the Danish name of places, not a count of 'pladser'."""
    rows = texts("facilities")
    rows[0] = ["Antal pladser" if c == "places" else c for c in rows[0]]
    rewrite(folder, "facilities", rows)
    [v] = fails(folder).violations
    assert v.message.endswith("(kolonnen 'Antal pladser' skal hedde 'places')")


# --- what SQL tools write around a table ---------------------------------------------------------------


def test_sqlcmds_line_under_the_header_is_one_violation(folder: Path) -> None:
    """sqlcmd (-s "," -W) writes a line of dashes under the column names: it was one violation per cell ('date
    '----' skal være en dato', 'facility_id '-----------' findes ikke')."""
    rows = texts("visits")
    line = ["-" * len(c) for c in rows[0]]
    rewrite(folder, "visits", [rows[0], line, *rows[1:]])
    shown = ", ".join(f"'{c}'" for c in line)
    assert [(v.file, v.row, v.rule, v.message) for v in fails(folder).violations] == [
        (
            "visits.csv",
            2,
            "units_row",
            f"rækken er en streg under overskriften ({shown}), som sqlcmd og andre SQL-værktøjer skriver den, og er "
            "ingen post; slet den",
        )
    ]


def test_a_file_without_a_header_is_one_violation(folder: Path) -> None:
    """SQL Server Management Studio saves a result without the column names unless told to: one 'mangler' per
    required column, and the first record's values named as unknown columns, none saying the header is missing."""
    rows = texts("visits")
    rewrite(folder, "visits", rows[1:])
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule, v.message) for v in error.violations] == [
        (
            "visits.csv",
            1,
            None,
            "header_missing",
            "filen har ingen overskrift: række 1 ligner en post ('V1', 'F1', '2024-03-12', 'false', …), ikke "
            "kolonnernes navne; indsæt en overskrift i række 1 med kolonnernes navne i den rækkefølge, kolonnerne står "
            "(filen skal have kolonnerne visit_id, facility_id, date, announced, kind; SQL Server Management Studio "
            "gemmer dem kun, når 'Include column headers when copying or saving the results' er slået til)",
        )
    ]


def test_a_header_of_unknown_names_is_still_missing_columns(folder: Path) -> None:
    rows = texts("visits")
    rows[0] = ["Nummer", "Sted", "Hvornår", "Varslet", "Art", "Hvem"]
    rewrite(folder, "visits", rows)
    assert {v.rule for v in fails(folder).violations} == {"column_missing"}


# --- one id, two socialtilsyn --------------------------------------------------------------------------


def _only(folder: Path, table: str, rows: list[list[str]]) -> Path:
    """An upload of ``table`` alone, its header and ``rows``."""
    folder.mkdir()
    rewrite(folder, table, [texts(table)[0], *rows])
    return folder


def test_an_inspector_id_another_socialtilsyn_uses_for_its_own_inspector_is_refused(tmp_path: Path) -> None:
    """Two socialtilsyn sharing the database number their inspectors alike (initials, I1, I2, …): Midt's 'I3' took
    over Nord's I3 (Camilla Søndergaard) without a word, with her visits, and Nord's plan lost an inspector."""
    upload = _only(tmp_path / "midt", "inspectors", [["I3", "Mette Midt", "midt", "all", "3", ""]])
    [v] = fails(upload, existing=small_dataset()).violations
    assert (v.file, v.row, v.column, v.value, v.rule) == ("inspectors.csv", 2, "authority", "midt", "other_identity")
    assert v.message == (
        "inspector_id 'I3' er gemt for 'Camilla Søndergaard' i Socialtilsyn Nord; her står 'Mette Midt' i "
        "Socialtilsyn Midt: er det en anden tilsynskonsulent med samme id? Socialtilsynene deler databasen, så et id "
        "skal være entydigt på tværs af dem; giv den ene et andet id (fx MIDT-I3). Er det den samme "
        "tilsynskonsulent, der har skiftet både navn og socialtilsyn, så send navnet først og socialtilsynet i en "
        "upload bagefter"
    )


def test_a_facility_id_with_another_socialtilsyn_and_name_is_refused(tmp_path: Path) -> None:
    fac = texts("facilities")
    row = list(fac[1])
    _set([fac[0], row], 1, "authority", "nord")
    _set([fac[0], row], 1, "name", "Solgården")
    upload = _only(tmp_path / "nord", "facilities", [row])
    [v] = fails(upload, existing=small_dataset()).violations
    assert (v.file, v.row, v.column, v.rule) == ("facilities.csv", 2, "authority", "other_identity")
    assert v.message.startswith("facility_id 'F1' er gemt for 'Bostedet Egebakken' i Socialtilsyn Midt; her står")


@pytest.mark.parametrize("changes", [{"name": "Camilla  SØNDERGAARD"}, {"name": "Camilla Holm"}, {"authority": "midt"}])
def test_a_new_name_or_a_move_alone_is_an_update(tmp_path: Path, changes: dict[str, str]) -> None:
    ins = texts("inspectors")
    row = list(ins[3])
    for column, value in changes.items():
        _set([ins[0], row], 1, column, value)
    upload = _only(tmp_path / "up", "inspectors", [row])
    stored = read_upload(upload, today=AS_OF, existing=small_dataset()).dataset.tables()["inspectors"]
    assert stored.set_index("inspector_id").loc["I3", list(changes)].tolist() == list(changes.values())


# --- MySQL's SELECT … INTO OUTFILE ---------------------------------------------------------------------


def test_mysqls_null_is_a_marker_of_a_missing_value(folder: Path) -> None:
    """MySQL's SELECT … INTO OUTFILE (and PostgreSQL's COPY) write NULL as \\N: in a date or a number each cell was
    refused with no word of why, and in free text '\\N' was stored as the tilbud's target group."""
    fac = texts("facilities")
    _set(fac, 1, "closed_on", "\\N")
    _set(fac, 1, "target_group", "\\N")
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    marked = {(w.column, w.message) for w in result.warnings if w.rule == "missing_value_marker"}
    assert marked == {
        (
            column,
            f"1 celle i {column} med '\\N' er læst som tom: sådan skriver et program en manglende værdi (MySQL og "
            f"PostgreSQL skriver \\N, R NA, en SQL-eksport NULL); række 2. Lad feltet stå tomt i filen, så forsvinder "
            "advarslen",
        )
        for column in ("closed_on", "target_group")
    }
    facilities = result.dataset.tables()["facilities"]
    assert pd.isna(facilities["closed_on"].iloc[0]) and facilities["target_group"].iloc[0] is None


def test_a_quote_escaped_with_a_backslash_is_refused_at_its_row(folder: Path) -> None:
    """MySQL writes a quote in a cell as \\": read as CSV, 'Bostedet \\"Egebo\\"' was stored as 'Bostedet
    \\Egebo\\""' without a word."""
    text = (folder / "facilities.csv").read_text()
    lines = text.splitlines()
    lines[3] = lines[3].replace("Krisecenter Havbrisen", '"Krisecenter \\"Havbrisen\\""')
    (folder / "facilities.csv").write_text("\n".join(lines) + "\n")
    [v] = fails(folder).violations
    assert (v.file, v.row, v.rule) == ("facilities.csv", 4, "backslash_quote")
    assert v.message == (
        "et anførselstegn i en celle er skrevet med en omvendt skråstreg foran (\\\"), som MySQL's SELECT … INTO "
        'OUTFILE skriver det; i en CSV-fil skrives det som to anførselstegn (""), ellers læses cellen forkert: '
        'eksportér igen med FIELDS ESCAPED BY \'"\' (MySQL), eller ret \\" til "" i filen'
    )


def test_a_backslash_that_ends_a_quoted_cell_is_a_backslash(folder: Path) -> None:
    fac = texts("facilities")
    _set(fac, 3, "target_group", "kvinder\\")
    rewrite(folder, "facilities", fac)
    text = (folder / "facilities.csv").read_text().replace("kvinder\\", '"kvinder\\"')
    (folder / "facilities.csv").write_text(text)
    stored = read_upload(folder, today=AS_OF).dataset.tables()["facilities"]
    assert stored["target_group"].iloc[2] == "kvinder\\"


def test_a_visit_by_inspectors_of_another_socialtilsyn_only_is_a_warning(folder: Path) -> None:
    """Midt's tilbud F1 visited by Nord's I3 alone was stored without a word: most likely a visit of another
    socialtilsyn's tilbud under the same id. A visit with one inspector of the tilbud's own socialtilsyn is none."""
    visits = texts("visits")
    _set(visits, 1, "inspector_ids", "I3")
    _set(visits, 2, "inspector_ids", "I1;I3")
    rewrite(folder, "visits", visits)
    result = read_upload(folder, today=AS_OF)
    assert [(w.file, w.row, w.column, w.message) for w in result.warnings if w.rule == "visit_other_authority"] == [
        (
            "visits.csv",
            2,
            "inspector_ids",
            "1 besøg har kun tilsynskonsulenter fra et andet socialtilsyn end tilbuddets (række 2; i række 2 hører F1 "
            "til Socialtilsyn Midt, I3 til Socialtilsyn Nord): bruger et andet socialtilsyn samme tilbuds-id, så "
            "besøget er havnet hos det forkerte tilbud? Ellers står konsulenterne i inspectors.csv under det "
            "socialtilsyn, de arbejder i nu. Besøgene gemmes, som de står",
        )
    ]
    assert result.dataset.tables()["visits"]["inspector_ids"].iloc[0] == "I3"


# --- an empty file --------------------------------------------------------------------------------------


def test_an_empty_optional_file_names_its_required_columns_and_how_to_send_none(folder: Path) -> None:
    """A 0-byte concerns.csv (PowerShell's Export-Csv of no rows writes one) was told to have 'mindst … kolonnerne
    facility_id, date, severity, concern_id', as if the optional concern_id were needed, and not how to send none."""
    (folder / "concerns.csv").write_bytes(b"")
    [v] = fails(folder).violations
    assert (v.file, v.rule) == ("concerns.csv", "file_empty")
    assert v.message == (
        "filen er tom; den skal mindst have en overskriftsrække med kolonnerne facility_id, date, severity (og gerne "
        "den valgfri concern_id); er der intet at sende, så skriv overskriften alene, eller udelad filen"
    )


# --- a workbook's numbers formatted with leading zeros -------------------------------------------------


def test_a_workbook_number_formatted_with_leading_zeros_is_read_as_shown(tmp_path: Path) -> None:
    """Excel users keep an id's or a postcode's leading zeros with the number format '0000': 41 is shown, and saved
    to CSV, as 0041. Read as 41, the workbook stored another id than the case system's (and than the same data as CSV)
    and a postcode 800 with a warning that Excel had dropped its zero."""
    from openpyxl import load_workbook

    target = write_workbook(small_dataset(), tmp_path / "eksport.xlsx")
    book = load_workbook(target)
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        for column in ("facility_id", "postcode"):
            if column not in header:
                continue
            for row in sheet.iter_rows(min_row=2):
                cell = row[header.index(column)]
                if column == "postcode" or (isinstance(cell.value, str) and cell.value.startswith("F")):
                    cell.value = 800 if column == "postcode" else 40 + int(str(cell.value)[1:])
                    cell.number_format = "0000"
    book.save(target)
    result = read_upload(target, today=AS_OF)
    facilities = result.dataset.tables()["facilities"]
    assert facilities["facility_id"].tolist()[:3] == ["0041", "0042", "0043"]
    assert set(facilities["postcode"]) == {"0800"}
    assert set(result.dataset.tables()["visits"]["facility_id"]) <= set(facilities["facility_id"])
    assert not [w for w in result.warnings if w.rule == "postcode_leading_zero"]


# --- a column twice --------------------------------------------------------------------------------------


def test_a_column_twice_is_named_with_its_letters_and_whether_the_two_agree(folder: Path) -> None:
    """'SELECT *' over a join repeats the key it joins on, and two versions of a column differ: the message said only
    'kolonnen 'date' står flere gange i overskriften', not where, nor which of the two to keep."""
    visits = texts("visits")
    rewrite(folder, "visits", [[*row, row[1]] for row in visits])  # facility_id again, the same values
    [v] = fails(folder).violations
    assert (v.row, v.column, v.rule) == (1, "facility_id", "column_twice")
    assert v.message == (
        "kolonnen 'facility_id' står flere gange i overskriften (kolonne B og G) med de samme værdier i alle rækker "
        "(som en SQL-forespørgsel med SELECT * over en join giver); slet den ene"
    )
    rewrite(folder, "visits", [[*row, row[2] if i != 2 else "2020-01-01"] for i, row in enumerate(visits)])
    [v] = fails(folder).violations
    assert v.message == (
        "kolonnen 'date' står flere gange i overskriften (kolonne C og G), og værdierne er forskellige i 1 række (fx "
        "række 3: '2025-04-08' og '2020-01-01'); behold den rigtige, og slet den anden"
    )


# --- a required file missing -----------------------------------------------------------------------------


def test_a_missing_required_file_is_not_also_every_reference_into_it(folder: Path) -> None:
    """The visits saved as 'besøg.csv' with Danish column names: besides 'visits.csv mangler', every indicator and
    theme score was refused row by row ('visit_id 'V1' findes ikke i visits'), 17 more lines saying the same."""
    (folder / "visits.csv").rename(folder / "besøg.csv")
    assert [(v.file, v.rule) for v in fails(folder).violations] == [("besøg.csv", "file_name")]
    visits = texts("visits")
    visits[0] = ["Besøg ID", "Tilbud ID", "Dato", "Anmeldt", "Besøgstype", "Tilsynskonsulenter"]
    rewrite(folder, "besøg", visits)  # Danish column names: not known as the visits
    [v] = fails(folder).violations
    assert (v.file, v.rule) == ("visits.csv", "file_missing")
    # it said only that visits.csv is missing, not that besøg.csv beside it holds the visits under Danish names
    assert v.message.endswith(
        "; besøg.csv har kolonnerne under andre navne: omdøb filen til visits.csv og kolonnerne 'Besøg ID' til "
        "'visit_id', 'Tilbud ID' til 'facility_id', 'Dato' til 'date', 'Anmeldt' til 'announced', 'Besøgstype' til "
        "'kind', 'Tilsynskonsulenter' til 'inspector_ids'"
    )


def test_a_row_of_explanations_over_an_unknown_column_is_one_violation(folder: Path) -> None:
    visits = texts("visits")
    explained = ["Besøgets id", "Tilbuddets id", "Dato for besøget", "Anmeldt eller ej", "Slags", "Konsulenter", "Note"]
    rewrite(folder, "visits", [[*visits[0], "note"], explained, *([*row, "x"] for row in visits[1:])])
    assert [(v.row, v.rule) for v in fails(folder).violations] == [(2, "units_row")]


@pytest.mark.parametrize(
    "header",
    [["Tilbud", "År 2024", "Personaleomsætning 2024", "Sygefravær 2024"], ["Tilbud", "2022", "2023", "2024"]],
)
def test_a_header_with_years_in_its_names_is_no_record(folder: Path, header: list[str]) -> None:
    """Names with a year, or a pivot table's years, are a header of other names, not a record: the columns are
    named as missing, not the header."""
    rows = texts("staff_figures")
    rewrite(folder, "staff_figures", [header, *rows[1:]])
    assert {v.rule for v in fails(folder).violations} == {"column_missing"}
