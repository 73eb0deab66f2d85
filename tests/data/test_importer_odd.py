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


# --- packed files and archives other than .zip ------------------------------------------------------------


def test_a_contract_file_packed_with_gzip_is_named_not_missing(folder: Path) -> None:
    import gzip

    visits = folder / "visits.csv"
    (folder / "visits.csv.gz").write_bytes(gzip.compress(visits.read_bytes()))
    visits.unlink()
    error = fails(folder)
    # it was 'visits.csv mangler' and one 'visit_id findes ikke' per score, the .gz named only in a warning
    assert rules(error) == {("visits.csv.gz", None, None, "file_name")}
    assert "er pakket med gzip; pak den ud" in error.violations[0].message
    assert "visits.csv" in error.violations[0].message


def test_a_packed_copy_beside_its_csv_file_is_ignored_with_a_warning(folder: Path) -> None:
    import gzip

    (folder / "visits.csv.gz").write_bytes(gzip.compress((folder / "visits.csv").read_bytes()))
    result = read_upload(folder, today=AS_OF)
    assert len(result.dataset.visits) == len(small_dataset().visits)
    assert any(w.file == "visits.csv.gz" and "ignoreres" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("eksport.7z", "et 7-Zip-arkiv"),
        ("eksport.rar", "et RAR-arkiv"),
        ("eksport.tar.gz", "et tar-arkiv pakket med gzip"),
    ],
)
def test_an_archive_other_than_zip_in_a_folder_says_to_unpack_it(tmp_path: Path, name: str, kind: str) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / name).write_bytes(b"\x00" * 64)
    error = fails(folder)
    [violation] = error.violations
    assert violation.rule == "no_contract_files"
    assert f"'{name}' ({kind} pakkes ikke ud; pak det ud, og upload filerne" in violation.message


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("eksport.7z", "'eksport.7z' er et 7-Zip-arkiv, som ikke kan indlæses; pak det ud, og angiv mappen"),
        ("eksport.tgz", "'eksport.tgz' er et tar-arkiv pakket med gzip, som ikke kan indlæses; pak det ud"),
        ("visits.csv.gz", "'visits.csv.gz' er en fil pakket med gzip, som ikke kan indlæses; pak den ud"),
    ],
)
def test_an_archive_other_than_zip_given_alone_says_to_unpack_it(tmp_path: Path, name: str, said: str) -> None:
    from data.errors import InvalidArgumentError

    (tmp_path / name).write_bytes(b"\x00" * 64)
    with pytest.raises(InvalidArgumentError) as info:
        read_upload(tmp_path / name, today=AS_OF)
    # it was "kan ikke indlæses; angiv en mappe med CSV-filer, en .zip med CSV-filer eller en .xlsx"
    assert str(info.value).startswith(said)


# --- dates and months in other spellings -----------------------------------------------------------------


def _visit_date_message(folder: Path, value: str) -> str:
    rows = texts("visits")
    rows[1][2] = value
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert rules(error) == {("visits.csv", 2, "date", "date")}
    return error.violations[0].message


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("2024-03-12T10:00:00+01:00", "; skriv datoen uden klokkeslæt (2024-03-12)"),  # no hint before
        ("2024-03-12T10:00:00.000+0100", "; skriv datoen uden klokkeslæt (2024-03-12)"),
        # in UTC: a quarter to midnight in Denmark is the next day ("2024-03-12" was suggested)
        (
            "2024-03-12T23:30:00Z",
            "; skriv datoen uden klokkeslæt (2024-03-13, for kl. 23:30 UTC er kl. 00:30 i Danmark)",
        ),
        (
            "2024-06-30T22:15:00+00:00",
            "; skriv datoen uden klokkeslæt (2024-07-01, for kl. 22:15 UTC er kl. 00:15 i Danmark)",
        ),
        ("12. marts 2024", "; skriv 2024-03-12 (år-måned-dag)"),
        ("tirsdag 12. marts 2024", "; skriv 2024-03-12 (år-måned-dag)"),
        ("1. maj 2024", "; skriv 2024-05-01 (år-måned-dag)"),
        ("12-mar-2024", "; skriv 2024-03-12 (år-måned-dag)"),
        ("12 okt. 2024", "; skriv 2024-10-12 (år-måned-dag)"),
        ("12 October 2024", "; skriv 2024-10-12 (år-måned-dag)"),
        ("12-mar-24", "; skriv 2024-03-12 (år-måned-dag, året med fire cifre)"),
    ],
)
def test_a_date_in_another_spelling_gets_the_date_to_write(folder: Path, value: str, hint: str) -> None:
    message = _visit_date_message(folder, value)
    assert message == "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12" + hint


def test_a_month_name_that_is_no_month_gets_no_hint(folder: Path) -> None:
    assert _visit_date_message(folder, "12. martz 2024").endswith("fx 2024-03-12")


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("juni 2026", "; skriv 2026-06 (år-måned)"),
        ("Juni 2026", "; skriv 2026-06 (år-måned)"),
        ("jun-26", "; skriv 2026-06 (år-måned)"),  # Danish Excel's "mmm-åå"
        ("jun. 2026", "; skriv 2026-06 (år-måned)"),
    ],
)
def test_a_month_in_danish_words_gets_the_month_to_write(folder: Path, value: str, hint: str) -> None:
    rows = texts("use_of_force")
    rows[1][1] = value
    (folder / "use_of_force.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert rules(error) == {("use_of_force.csv", 2, "month", "month")}
    assert error.violations[0].message == "month skal være en måned på formen ÅÅÅÅ-MM, fx 2024-03" + hint


# --- column names written together ---------------------------------------------------------------------------


def test_a_required_column_written_in_camel_case_is_named_where_it_is_missing(folder: Path) -> None:
    rows = texts("visits")
    rows[0][1] = "FacilityId"  # a .NET or Java case system's export
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert rules(error) == {("visits.csv", 1, "facility_id", "column_missing")}
    # it named the required columns only, leaving the user to see that FacilityId is facility_id
    assert error.violations[0].message.endswith("(kolonnen 'FacilityId' skal hedde 'facility_id')")


def test_an_optional_column_written_together_is_refused_with_its_name(folder: Path) -> None:
    rows = texts("facilities")
    rows[0][rows[0].index("closed_on")] = "closedon"
    (folder / "facilities.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    # it was an unknown column, a warning: every closed tilbud would have been stored as active
    assert rules(error) == {("facilities.csv", 1, "closedon", "column_name")}
    assert error.violations[0].message == "kolonnen 'closedon' skal hedde 'closed_on'; ellers gemmes dens værdier ikke"


# --- NUL bytes -----------------------------------------------------------------------------------------------


def test_a_nul_byte_in_a_cell_is_named_at_its_row_and_column(folder: Path) -> None:
    data = (folder / "visits.csv").read_bytes().replace(b"V2,F1", b"V2\x00,F1")
    (folder / "visits.csv").write_bytes(data)
    error = fails(folder)
    # it was "filen er ikke en CSV-fil (den indeholder binære data)" for a file Excel opens and shows as it should
    assert rules(error) == {("visits.csv", 3, "visit_id", "nul_byte")}
    assert error.violations[0].value == "V2␀"
    assert error.violations[0].message.startswith(
        "filen indeholder et NUL-tegn (byte 0, som Excel ikke viser) i række 3"
    )


def test_nul_bytes_at_the_end_say_the_file_may_be_cut_short(folder: Path) -> None:
    data = (folder / "visits.csv").read_bytes() + b"\x00" * 512
    (folder / "visits.csv").write_bytes(data)
    error = fails(folder)
    assert rules(error) == {("visits.csv", 8, None, "nul_byte")}
    message = error.violations[0].message
    assert message.startswith("filen slutter med 512 NUL-tegn (byte 0) fra række 8")
    assert "rækker kan mangle" in message


def test_a_binary_file_named_csv_is_still_no_csv_file(folder: Path) -> None:
    (folder / "visits.csv").write_bytes(bytes(range(256)) * 4)
    assert rules(fails(folder)) == {("visits.csv", None, None, "file_not_csv")}


# --- numbers, postcodes and check marks as spreadsheets write them -----------------------------------------


def test_an_integer_in_scientific_notation_gets_the_number_to_write(folder: Path) -> None:
    rows = texts("use_of_force")
    rows[1][2] = "1,5E+03"  # Danish Excel's General format for a number in a narrow column
    (folder / "use_of_force.csv").write_bytes(csv_bytes(rows, sep=";"))
    error = fails(folder)
    assert rules(error) == {("use_of_force.csv", 2, "count", "int")}
    # it was the rule alone ("skal være et heltal på mindst 0"), though the number was one
    assert error.violations[0].message == (
        "count skal være et heltal på mindst 0; skriv hele tallet (1,5E+03 er 1500), uden eksponent: Excel kan have "
        "afrundet det, så vis alle cifre i Excel, før filen gemmes"
    )


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("8600.0", "; skriv 8600 (postnummeret er gemt som et tal med decimaler)"),
        ("8600,0", "; skriv 8600 (postnummeret er gemt som et tal med decimaler)"),
        ("DK-8600", "; skriv 8600 (uden landekode)"),
        ("8600 Silkeborg", "; skriv 8600 (uden bynavn)"),
    ],
)
def test_a_postcode_as_exports_write_it_gets_the_four_digits_to_write(folder: Path, value: str, hint: str) -> None:
    rows = texts("facilities")
    rows[1][rows[0].index("postcode")] = value
    (folder / "facilities.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 2, "postcode", "pattern")}
    assert error.violations[0].message == "postcode skal være 4 cifre" + hint


@pytest.mark.parametrize("mark", ["x", "X", "✓"])
def test_a_check_mark_in_a_yes_no_column_says_what_to_write(folder: Path, mark: str) -> None:
    rows = texts("visits")
    rows[1][rows[0].index("announced")] = mark
    (folder / "visits.csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert rules(error) == {("visits.csv", 2, "announced", "bool")}
    assert error.violations[0].message == (
        f"announced skal være true/false, 1/0 eller ja/nej; et kryds ('{mark}') læses ikke: skriv ja, hvor der er "
        "kryds, og nej, hvor der ikke er"
    )


# --- a sheet Excel's menu cannot show ------------------------------------------------------------------------


def test_a_very_hidden_sheet_says_how_to_leave_it_out(tmp_path: Path) -> None:
    import openpyxl

    book = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["concerns"].sheet_state = "veryHidden"  # a case system's or a macro's: Excel's Vis (Unhide) does not list it
    wb.save(book)
    result = read_upload(book, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "sheet_hidden"]
    assert warning.file == "[data.xlsx]concerns"
    # it said "slet det", of a sheet the user can neither see nor unhide from Excel's menus
    assert warning.message == (
        "arket er skjult, så Excel ikke kan vise det fra sine menuer (det er gjort 'meget skjult' af et program eller "
        "en makro), men indlæses alligevel; skal dets rækker ikke med, så kopiér de synlige ark til en ny "
        "arbejdsbog (højreklik på fanen > Flyt eller kopiér), og upload den"
    )


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        # month first, as an American system writes it: the second number cannot be a month (no hint before)
        ("03/15/2024", "; skriv 2024-03-15 (år-måned-dag; datoen står som måned/dag/år)"),
        # both readings are dates: the Danish one first, and the other named (only the Danish one was given)
        (
            "03/01/2024",
            "; skriv 2024-01-03 (år-måned-dag), hvis det er 3. januar; står datoen som måned/dag/år, som et "
            "amerikansk system skriver den, er det 2024-03-01",
        ),
        ("03-01-2024", "; skriv 2024-01-03 (år-måned-dag)"),  # Danish Excel's own form: day first
        ("15/03/2024", "; skriv 2024-03-15 (år-måned-dag)"),
    ],
)
def test_a_date_with_slashes_names_the_order_it_is_read_in(folder: Path, value: str, hint: str) -> None:
    message = _visit_date_message(folder, value)
    assert message == "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12" + hint


# --- lines wrapped in quotes -------------------------------------------------------------------------------


def _wrapped(rows: list[list[str]], *, header: bool) -> bytes:
    lines = [",".join(r) for r in rows]
    return "\n".join(f'"{line}"' if header or i else line for i, line in enumerate(lines)).encode() + b"\n"


def test_rows_each_wrapped_in_quotes_are_one_violation(folder: Path) -> None:
    (folder / "visits.csv").write_bytes(_wrapped(texts("visits"), header=False))
    error = fails(folder)
    # it was 'rækken har 1 felt, men overskriften har 6' for every row, and every visit's scores 'findes ikke'
    assert rules(error) == {("visits.csv", 2, None, "row_quoted_whole")}
    assert error.violations[0].message == (
        "hver række står i anførselstegn som én celle (6 rækker, den første række 2: "
        "'\"V1,F1,2024-03-12,false,operational,I1\"'), så kolonnerne ikke kan skilles ad; fjern anførselstegnene om "
        "linjerne (fx i Notesblok med Erstat), eller gem filen igen som CSV fra det program, der lavede den"
    )


def test_a_header_wrapped_in_quotes_is_one_violation(folder: Path) -> None:
    (folder / "visits.csv").write_bytes(_wrapped(texts("visits"), header=True))
    error = fails(folder)
    # it was 'den obligatoriske kolonne ... mangler' for each of the five required columns
    assert rules(error) == {("visits.csv", 1, None, "row_quoted_whole")}
    assert error.violations[0].message.startswith(
        "hver række står i anførselstegn som én celle (7 rækker, den første række 1:"
    )


def test_a_quoted_first_and_last_cell_is_no_wrapped_row(folder: Path) -> None:
    rows = texts("visits")
    data = "\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode() + b"\n"
    (folder / "visits.csv").write_bytes(data)
    assert len(read_upload(folder, today=AS_OF).dataset.visits) == len(rows) - 1


# --- Excel's other CSV formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "said"),
    [
        ("mac_roman", "her læst med Mac-tegnsæt, som Excels 'CSV (Macintosh)' bruger"),
        ("cp850", "her læst med DOS-tegnsæt, som Excels 'CSV (MS-DOS)' bruger"),
        ("cp1252", "her læst med Windows-tegnsæt, som Excels 'CSV (semikolonsepareret)' bruger"),
    ],
)
def test_a_file_in_excels_mac_or_dos_format_is_named_and_its_cell_read_right(
    folder: Path, codec: str, said: str
) -> None:
    data = (folder / "inspectors.csv").read_text(encoding="utf-8")
    assert "Søndergaard" in data
    (folder / "inspectors.csv").write_bytes(data.encode(codec))
    error = fails(folder)
    [violation] = error.violations
    assert (violation.file, violation.column, violation.rule) == ("inspectors.csv", "name", "file_not_utf8")
    # the Mac and DOS files were read as Windows text: 'Camilla S¿ndergaard', 'Camilla S›ndergaard'
    assert violation.value == "Camilla Søndergaard"
    assert f"'Camilla Søndergaard', {said}); gem den i Excel som 'CSV UTF-8 (kommasepareret)'" in violation.message


# --- an upload of 0 bytes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["eksport.zip", "eksport.xlsx"])
def test_a_zip_or_workbook_of_0_bytes_says_it_is_empty(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")  # a download that failed, or a copy that was stopped
    error = fails(tmp_path / name)
    [violation] = error.violations
    assert violation.file == name
    # it was 'filen er ikke en gyldig zip-fil' or 'kan ikke læses som Excel-arbejdsbog', as for a damaged file
    assert violation.message == (
        "filen er tom (0 byte): en download eller kopi, der ikke blev færdig, efterlader sådan en; hent eller gem "
        "den igen"
    )


@pytest.mark.parametrize("value", ["1.234,00", "1.234,5", "1 234,00"])
def test_a_count_with_thousands_points_and_decimals_gets_the_thousands_hint(folder: Path, value: str) -> None:
    rows = texts("use_of_force")
    rows[1][2] = value  # Danish Excel's number format "#.##0,00", as a CSV file keeps it
    (folder / "use_of_force.csv").write_bytes(csv_bytes(rows, sep=";"))
    error = fails(folder)
    assert rules(error) == {("use_of_force.csv", 2, "count", "int")}
    # it was the rule alone, 'count skal være et heltal på mindst 0'
    assert error.violations[0].message == (
        "count skal være et heltal på mindst 0; skriv tallet uden tusindtalsseparator og decimaler (fx 1000, ikke "
        "1.000)"
    )


def test_a_visit_by_a_former_inspector_says_how_to_keep_the_history(tmp_path: Path) -> None:
    """A real export's visits name inspectors who have left, and inspectors.csv lists today's staff: each such visit
    was refused as "findes ikke i inspectors" with nothing on what to do (a clean-room world: 279 violations for 4
    former inspectors). The message now says to list them with visits_per_week 0, and that upload is accepted."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    visits = texts("visits")
    column = visits[0].index("inspector_ids")
    visits[1][column] = "I_GAMMEL"
    (folder / "visits.csv").write_bytes(csv_bytes(visits))
    [violation] = fails(folder).violations
    assert violation.message == (
        "inspector_ids: 'I_GAMMEL' findes ikke i inspectors (hverken i denne upload eller i databasen); er det en "
        "tidligere tilsynskonsulent, så tilføj en række i inspectors.csv med visits_per_week 0: besøgene bevares, og "
        "der planlægges ingen nye besøg til vedkommende"
    )
    inspectors = texts("inspectors")
    former = dict(zip(inspectors[0], inspectors[1], strict=True)) | {"inspector_id": "I_GAMMEL", "visits_per_week": "0"}
    inspectors.append([former[c] for c in inspectors[0]])
    (folder / "inspectors.csv").write_bytes(csv_bytes(inspectors))
    result = read_upload(folder, today=AS_OF)
    assert "I_GAMMEL" in result.dataset.inspectors.inspector_id.tolist()


def test_cpr_numbers_in_a_file_outside_the_contract_name_the_file_and_the_fix(tmp_path: Path) -> None:
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    (folder / "noter.csv").write_text("note\n010190-1234\n150585-4321\n", encoding="utf-8")
    [violation] = fails(folder).violations
    assert (violation.file, violation.rule) == ("noter.csv", "cpr")
    assert violation.message == (
        "filen hører ikke til datakontrakten og ville blive ignoreret, men 2 værdier i den ligner et CPR-nummer (her "
        "den første); en upload må ikke indeholde personoplysninger om borgere (kun antal): fjern filen fra uploaden, "
        "eller slet personoplysningerne i den"
    )
