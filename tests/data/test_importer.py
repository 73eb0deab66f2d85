"""The importer: formats (CSV dialects, xlsx, zip) give the same Dataset; each rule is checked on a tiny case
that breaks it and one that does not."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.dataset import Dataset
from data.errors import InvalidArgumentError, ValidationFailed, Violation, warning_total
from data.importer import (
    MAX_REPORTED,
    MAX_WARNINGS_PER_RULE,
    ImportResult,
    mask_cpr,
    read_upload,
    shown_warnings,
)
from data.importer.upload_warnings import _no_unannounced_warning
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import (
    cell_texts,
    csv_bytes,
    write_csv_folder,
    write_many_violations,
    write_workbook,
    write_zip,
)


def dataset_with_coordinates() -> Dataset:
    """The small dataset with coordinates, so decimals occur in facilities too."""
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac["lat"] = [56.169, 56.1567, 56.4606, 57.0488, 57.4577, 56.9553]
    fac["lon"] = [9.5451, 10.2039, 10.0364, 9.9217, 9.9822, 8.6930]
    fac["target_group"] = pd.Series(["voksne", None, "kvinder", None, "unge", None], dtype=object)
    return ds.with_tables(facilities=fac)


def assert_same_dataset(a: Dataset, b: Dataset) -> None:
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(frame, b.tables()[name], check_dtype=True, obj=name)


def rules(error: ValidationFailed) -> set[tuple[str, int | None, str | None, str]]:
    return {(v.file, v.row, v.column, v.rule) for v in error.violations}


def fails(folder: Path, *, today: dt.date = AS_OF, existing: Dataset | None = None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=today, existing=existing)
    return info.value


def rewrite(folder: Path, table: str, rows: list[list[str]], *, sep: str = ",") -> None:
    (folder / f"{table}.csv").write_bytes(csv_bytes(rows, sep=sep))


def texts(table: str, ds: Dataset | None = None) -> list[list[str]]:
    ds = ds or small_dataset()
    return cell_texts(table, ds.tables()[table])


def add_column(rows: list[list[str]], header: str, value: str = "") -> None:
    """A column more at the end of a file's rows: ``header``, and ``value`` in every row."""
    rows[0].append(header)
    for row in rows[1:]:
        row.append(value)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


# --- formats -----------------------------------------------------------------------------------------


def test_plain_csv_upload_reads_back_the_dataset(folder: Path) -> None:
    result = read_upload(folder, today=AS_OF)
    assert_same_dataset(result.dataset, small_dataset())
    assert result.tables == (
        "facilities", "inspectors", "visits", "indicator_scores", "theme_scores", "use_of_force",
        "staff_figures", "concerns", "sanctions", "absences",
    )  # fmt: skip
    assert result.files["indicator_scores"].rows == 15
    assert result.warnings == []


def test_danish_excel_export_imports_identically(tmp_path: Path) -> None:
    """Semicolons, decimal commas, a BOM and ja/nej give the same Dataset as commas and points."""
    ds = dataset_with_coordinates()
    plain = read_upload(write_csv_folder(ds, tmp_path / "plain"), today=AS_OF)
    danish = read_upload(
        write_csv_folder(ds, tmp_path / "excel", sep=";", decimal=",", bom=True, true="ja", false="nej"), today=AS_OF
    )
    raw = (tmp_path / "excel" / "facilities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";56,169;" in raw and b";ja;" in raw
    assert_same_dataset(plain.dataset, danish.dataset)
    assert_same_dataset(plain.dataset, ds)
    report = danish.files["facilities"]
    assert (report.delimiter, report.decimal_comma, report.had_bom) == (";", True, True)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sep=st.sampled_from([",", ";"]),
    bom=st.booleans(),
    words=st.sampled_from([("true", "false"), ("1", "0"), ("ja", "nej"), ("JA", "Nej"), ("True", "FALSE")]),
    header_case=st.sampled_from([str.lower, str.upper, str.title, lambda s: f"  {s} "]),
)
def test_any_allowed_dialect_reads_the_same(sep: str, bom: bool, words: tuple[str, str], header_case) -> None:  # type: ignore[no-untyped-def]
    ds = dataset_with_coordinates()
    decimal = "," if sep == ";" else "."
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, frame in ds.tables().items():
            if frame.empty:
                continue
            rows = cell_texts(name, frame, decimal=decimal, true=words[0], false=words[1])
            rows[0] = [header_case(h) for h in rows[0]]
            (folder / f"{name}.csv").write_bytes(csv_bytes(rows, sep=sep, bom=bom))
        result = read_upload(folder, today=AS_OF)
    assert_same_dataset(result.dataset, ds)


def test_workbook_equals_csv(tmp_path: Path) -> None:
    ds = dataset_with_coordinates()
    csv_result = read_upload(write_csv_folder(ds, tmp_path / "csv"), today=AS_OF)
    typed = read_upload(write_workbook(ds, tmp_path / "typed.xlsx"), today=AS_OF)
    as_text = read_upload(write_workbook(ds, tmp_path / "text.xlsx", typed=False), today=AS_OF)
    assert_same_dataset(csv_result.dataset, typed.dataset)
    assert_same_dataset(csv_result.dataset, as_text.dataset)
    assert typed.files["visits"].source == "[typed.xlsx]visits"


def test_workbook_violations_name_the_sheet(tmp_path: Path) -> None:
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[1, "places"] = -3
    error = fails(write_workbook(ds.with_tables(facilities=fac), tmp_path / "bad.xlsx"))
    assert rules(error) == {("[bad.xlsx]facilities", 3, "places", "int")}


def test_zip_equals_csv_also_in_a_subfolder(tmp_path: Path) -> None:
    ds = dataset_with_coordinates()
    folder = write_csv_folder(ds, tmp_path / "csv")
    flat = read_upload(write_zip(folder, tmp_path / "flat.zip"), today=AS_OF)
    nested = read_upload(write_zip(folder, tmp_path / "nested.zip", prefix="eksport/data/"), today=AS_OF)
    assert_same_dataset(flat.dataset, ds)
    assert_same_dataset(nested.dataset, ds)


def test_a_file_twice_in_a_zip_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(small_dataset(), tmp_path / "csv")
    target = write_zip(folder, tmp_path / "twice.zip")
    import zipfile

    with zipfile.ZipFile(target, "a") as archive:
        archive.write(folder / "facilities.csv", "kopi/Facilities.csv")
    assert ("Facilities.csv", None, None, "file_twice") in rules(fails(target))


def test_unknown_source_kind_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="findes ikke"):
        read_upload(tmp_path / "nowhere", today=AS_OF)
    (tmp_path / "data.ods").write_bytes(b"x")
    with pytest.raises(InvalidArgumentError, match=r"\.xlsx"):
        read_upload(tmp_path / "data.ods", today=AS_OF)


def test_generator_output_folder_with_data_subfolder_is_accepted(tmp_path: Path) -> None:
    write_csv_folder(small_dataset(), tmp_path / "out" / "data")
    assert read_upload(tmp_path / "out", today=AS_OF).files["visits"].rows == 6


# --- columns -----------------------------------------------------------------------------------------


def test_unknown_columns_are_a_warning_and_not_stored(folder: Path) -> None:
    rows = texts("visits")
    add_column(rows, "Bemærkning", "tekst")
    rewrite(folder, "visits", rows)
    result = read_upload(folder, today=AS_OF)
    assert result.files["visits"].unknown_columns == ("Bemærkning",)
    assert [(w.file, w.rule) for w in result.warnings] == [("visits.csv", "unknown_columns")]
    assert "Bemærkning" not in result.dataset.visits.columns


def test_missing_optional_column_gets_its_default(folder: Path) -> None:
    rows = [r[:-1] for r in texts("use_of_force")]  # drop 'kind'
    rewrite(folder, "use_of_force", rows)
    result = read_upload(folder, today=AS_OF)
    assert list(result.dataset.use_of_force["kind"]) == ["", "", ""]
    assert result.files["use_of_force"].defaulted_columns == ("kind",)


def test_columns_without_a_header_are_skipped(folder: Path) -> None:
    rows = texts("concerns")
    rows[0] += ["", ""]  # a workbook's empty column, and one with values but no header
    rows[1] += ["", "x"]
    rewrite(folder, "concerns", rows)
    result = read_upload(folder, today=AS_OF)
    assert [(w.file, w.rule, w.message) for w in result.warnings] == [
        ("concerns.csv", "unnamed_column", "kolonne nr. 5 har ingen overskrift; dens værdier gemmes ikke")
    ]


def test_a_column_given_twice_is_refused(folder: Path) -> None:
    rows = texts("concerns")
    rows[0].append("Severity ")
    rows[1].append("low")
    rewrite(folder, "concerns", rows)
    assert rules(fails(folder)) == {("concerns.csv", 1, "Severity ", "column_twice")}


def test_an_unknown_column_given_twice_is_a_warning_like_any_unknown_column(folder: Path) -> None:
    """The contract keeps unknown columns aside with a warning, never an error: two of one name (an export's two
    "Bemærkning" columns) were refused as a column given twice, though neither is read."""
    rows = texts("concerns")
    rows[0] += ["Bemærkning", "bemærkning "]
    for row in rows[1:]:
        row += ["a", "b"]
    rewrite(folder, "concerns", rows)
    result = read_upload(folder, today=AS_OF)
    assert [(w.rule, w.column) for w in result.warnings] == [("unknown_columns", "Bemærkning, bemærkning")]
    assert result.files["concerns"].unknown_columns == ("Bemærkning", "bemærkning")


def test_a_case_system_dump_of_many_unknown_columns_is_one_short_warning(folder: Path) -> None:
    """An export of every field the case system has (hundreds of columns) or a header cell of 100,000 characters:
    the warning listed every name in full twice (its column and its message: 124,000 characters for 3,000
    columns), in the terminal, the web page, the API's answer and the import log."""
    rows = texts("concerns")
    names = [f"Felt nr. {i}" for i in range(3000)] + ["x" * 100_000]
    rows[0] += names
    for row in rows[1:]:
        row += [""] * len(names)
    rewrite(folder, "concerns", rows)
    result = read_upload(folder, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "unknown_columns"]
    listed = ", ".join(names[:10])
    assert warning.column == f"{listed} og 2.991 flere"
    assert warning.message.startswith(f"3.001 ukendte kolonner gemmes ikke: {listed} og 2.991 flere (kendte: ")
    assert len(result.files["concerns"].unknown_columns) == 3001
    assert max(len(name) for name in result.files["concerns"].unknown_columns) == 61  # cut, as messages cut values


# --- files -------------------------------------------------------------------------------------------


def test_required_file_missing_unless_already_stored(folder: Path) -> None:
    (folder / "facilities.csv").unlink()
    error = fails(folder)
    assert ("facilities.csv", None, None, "file_missing") in rules(error)
    # The visits then refer to unknown facilities too; with the facilities stored, all is well.
    result = read_upload(folder, today=AS_OF, existing=small_dataset())
    assert "facilities" not in result.files


def test_facilities_with_only_a_header_is_refused(folder: Path) -> None:
    rewrite(folder, "facilities", texts("facilities")[:1])
    for name in ("visits", "indicator_scores", "theme_scores", "use_of_force", "staff_figures", "concerns"):
        rewrite(folder, name, texts(name)[:1])
    (folder / "sanctions.csv").unlink()
    assert rules(fails(folder)) == {("facilities.csv", None, None, "file_no_rows")}


def test_facilities_with_only_a_header_beside_visits_is_one_violation_naming_the_files_that_refer_to_it(
    folder: Path,
) -> None:
    """It was one "unknown reference" per visit, magtanvendelse, concern ... (461 for a small world), burying the one
    that says what is wrong."""
    rewrite(folder, "facilities", texts("facilities")[:1])
    error = fails(folder)
    assert rules(error) == {("facilities.csv", None, None, "file_no_rows")}
    assert error.total == 1
    assert error.violations[0].message == (
        "filen har ingen rækker under overskriften, men 14 rækker i visits.csv, use_of_force.csv, "
        "staff_figures.csv, concerns.csv og sanctions.csv henviser til tilbud i den; indlæs facilities.csv med "
        "tilbuddene"
    )


def test_visits_with_only_a_header_is_a_warning_for_a_tilsyn_not_visited_yet(folder: Path) -> None:
    """A tilsyn whose tilbud are all new brings visits.csv with its header only: the contract requires the file,
    not a row in it."""
    rewrite(folder, "visits", texts("visits")[:1])
    for name in ("indicator_scores", "theme_scores"):
        rewrite(folder, name, texts(name)[:1])
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.visits.empty and result.files["visits"].rows == 0
    [warning] = [w for w in result.warnings if w.rule == "no_visits"]
    assert (warning.file, warning.row, warning.column) == ("visits.csv", None, None)
    assert warning.message.startswith("visits.csv har ingen rækker under overskriften: intet besøg er kendt")
    assert "regnes hver frist fra tilbuddets godkendelsesdato" in warning.message
    # with visits stored, a header-only file adds none and says nothing
    assert not [w for w in read_upload(folder, today=AS_OF, existing=small_dataset()).warnings if w.rule == "no_visits"]


def test_a_single_csv_file_is_a_partial_upload(folder: Path) -> None:
    result = read_upload(folder / "concerns.csv", today=AS_OF, existing=small_dataset())
    assert result.tables == ("concerns",)
    assert result.dataset.concerns.iloc[0]["severity"] == "high"


def test_wrong_extension_and_binary_files(folder: Path) -> None:
    (folder / "sanctions.csv").rename(folder / "sanctions.xlsx")
    (folder / "concerns.csv").write_bytes(b"%PDF-1.4 binary")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    error = fails(folder)
    assert rules(error) == {
        ("sanctions.xlsx", None, None, "file_not_csv"),
        ("concerns.csv", None, None, "file_not_csv"),
    }
    assert any("PDF" in v.message for v in error.violations)
    assert [(w.file, w.rule) for w in error.warnings] == [("notes.docx", "file_ignored")]


@pytest.mark.parametrize("sep", [",", ";"])
def test_non_utf8_file_names_the_row_column_and_value_as_windows_text(folder: Path, sep: str) -> None:
    """Danish Excel's "CSV (semikolonsepareret)" saves in Windows-1252: the violation named the row only, so the user
    had to find the cell; it names the column and the value as that text reads (the rule: file, row, column, value)."""
    rows = texts("inspectors")  # "Camilla Søndergaard" in row 4
    (folder / "inspectors.csv").write_bytes(csv_bytes(rows, sep=sep).decode().encode("cp1252"))
    error = fails(folder)
    assert rules(error) == {("inspectors.csv", 4, "name", "file_not_utf8")}
    violation = error.violations[0]
    assert violation.value == "Camilla Søndergaard"
    assert violation.message.startswith("filen er ikke gemt som UTF-8 (ugyldigt tegn i række 4")
    assert "Windows-tegnsæt" in violation.message and "'CSV UTF-8 (kommasepareret)'" in violation.message


def test_non_utf8_file_names_the_spreadsheet_row_after_a_multi_line_cell(folder: Path) -> None:
    """Row 2's name spans three lines: "Hjørring" in row 6 stands on line 8 of the file."""
    rows = texts("facilities")
    rows[1][1] = "Bostedet Egebakken\nafd. 2\nSilkeborg"
    data = csv_bytes(rows).replace("Hjørring".encode(), "Hjørring".encode("cp1252"))
    (folder / "facilities.csv").write_bytes(data)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 6, "municipality", "file_not_utf8")}
    assert "ugyldigt tegn i række 6" in error.violations[0].message
    assert error.violations[0].value == "Hjørring"


def test_a_row_wider_than_the_header_is_refused(folder: Path) -> None:
    # A decimal comma in a comma-separated file without quotes splits the cell in two.
    body = "facility_id,year,staff_turnover_pct,sickness_absence_pct\nF1,2024,18.0,6.5\nF1,2025,31,5,9.0\n"
    (folder / "staff_figures.csv").write_text(body, encoding="utf-8")
    error = fails(folder)
    assert rules(error) == {("staff_figures.csv", 3, None, "row_too_long")}
    assert "decimaltal med komma" in error.violations[0].message


def test_a_row_with_fewer_fields_than_the_header_is_refused_once(folder: Path) -> None:
    """A row cut short was padded with empty cells: the optional inspector_ids of V2 would be erased."""
    body = (
        "visit_id,facility_id,date,announced,kind,inspector_ids\n"
        "V1,F1,2024-03-12,false,operational,I1\n"
        "V2,F1,2025-04-08,true,operational\n"
        "V3,F2\n"
        "V4,F3,2023-11-02,true,operational,I1;I2\n"
        "V5,F4,2025-09-15,false,operational,\n"  # an empty last cell is a cell
        "V6,F5,2024-10-01,true,operational,I3\n"
    )
    (folder / "visits.csv").write_text(body, encoding="utf-8")
    # a carriage return typed into an id (not in quotes) ends the row early, on the careful path (quotes in the file)
    (folder / "inspectors.csv").write_text(
        "inspector_id,name,authority,competences,visits_per_week,postcode\n"
        'I1,"Anne Holm",midt,all,3,8600\nI2,Bo Jensen,midt,all,2,8000\nI3,Camilla Søndergaard,nord,all,3,9000\n'
        "I\r4,Dorte Dam,nord,all,2,9000\n",
        encoding="utf-8",
    )
    error = fails(folder)
    assert rules(error) == {
        ("visits.csv", 3, None, "row_too_short"),
        ("visits.csv", 4, None, "row_too_short"),
        ("inspectors.csv", 5, None, "row_too_short"),
    }  # once for the row, not also "announced må ikke være tom"
    by_row = {(v.file, v.row): v.message for v in error.violations}
    assert by_row["visits.csv", 3] == (
        "rækken har 5 felter, men overskriften har 6; mangler der felter sidst i rækken, eller er et linjeskift i "
        "en celle ikke sat i anførselstegn?"
    )
    assert by_row["inspectors.csv", 5].startswith("rækken har 1 felt, men overskriften har 6")


def test_a_header_with_empty_trailing_cells_does_not_make_rows_short(folder: Path) -> None:
    rows = texts("concerns")
    (folder / "concerns.csv").write_text(
        ",".join(rows[0]) + ",,\n" + "".join(",".join(r) + "\n" for r in rows[1:]), encoding="utf-8"
    )
    assert read_upload(folder, today=AS_OF).files["concerns"].rows == 1


def test_blank_lines_are_skipped_but_counted(folder: Path) -> None:
    body = "facility_id,date,severity\n\nF1,2026-02-03,high\n\nF1,2026-02-04,urgent\n"
    (folder / "concerns.csv").write_text(body, encoding="utf-8")
    assert rules(fails(folder)) == {("concerns.csv", 5, "severity", "enum")}


def test_quoted_values_may_hold_delimiters_and_line_breaks(folder: Path) -> None:
    rows = texts("facilities")
    rows[1][1] = 'Bostedet "Egebakken", afd. 2;\nSilkeborg'
    rewrite(folder, "facilities", rows, sep=";")
    rows_v = texts("visits")
    rows_v[1][4] = "weekly"  # a bad kind in visits.csv row 2: row numbers of the other file are unaffected
    rewrite(folder, "visits", rows_v)
    error = fails(folder)
    assert rules(error) == {("visits.csv", 2, "kind", "enum")}


# --- values ------------------------------------------------------------------------------------------


def test_dates_must_be_iso_and_not_in_the_future(folder: Path) -> None:
    rows = texts("concerns")
    rows.append(["F2", "03-02-2026", "low"])
    rows.append(["F2", "2026-02-30", "low"])
    rows.append(["F2", "2026-10-02", "low"])  # the day after today
    rows.append(["F3", "2026-10-01", "low"])  # today itself is fine
    rewrite(folder, "concerns", rows)
    error = fails(folder)
    assert rules(error) == {
        ("concerns.csv", 3, "date", "date"),
        ("concerns.csv", 4, "date", "date"),
        ("concerns.csv", 5, "date", "future_date"),
    }
    assert "ÅÅÅÅ-MM-DD" in error.violations[0].message


def test_months(folder: Path) -> None:
    rows = texts("use_of_force")
    rows.append(["F3", "2026-10", "1", ""])  # this month: fine
    rows.append(["F3", "2026-09-01", "1", ""])  # a workbook's first day of a month: fine
    rows.append(["F3", "2026-9", "1", ""])
    rows.append(["F3", "2026-11", "1", ""])
    rewrite(folder, "use_of_force", rows)
    assert rules(fails(folder)) == {
        ("use_of_force.csv", 7, "month", "month"),
        ("use_of_force.csv", 8, "month", "future_month"),
    }


def test_enum_values_are_case_insensitive_but_closed(folder: Path) -> None:
    rows = texts("facilities")
    rows[1][2] = "MIDT"
    rows[2][2] = "Midtjylland"
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 3, "authority", "enum")}
    assert error.violations[0].message == (
        "authority 'Midtjylland' er ukendt; tilladte værdier: nord, midt, syd, hovedstaden, oest"
    )


def test_a_danish_spelling_of_a_code_is_refused_with_the_code_to_write(folder: Path) -> None:
    """The contract takes codes; a Danish export writes "Øst" and "Påbud". Refused (a guess stored silently could be
    wrong), but the message says which code to write."""
    rows = texts("facilities")
    rows[1][2] = "Øst"
    rows[2][2] = "Socialtilsyn Nordjylland"  # no single code: no suggestion
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    messages = {v.row: v.message for v in error.violations}
    assert (
        messages[2] == "authority 'Øst' er ukendt; skriv 'oest'; tilladte værdier: nord, midt, syd, hovedstaden, oest"
    )
    assert messages[3].startswith("authority 'Socialtilsyn Nordjylland' er ukendt; tilladte værdier:")


def test_a_percent_sign_is_read_in_a_percent_column_and_refused_with_the_fix_elsewhere(folder: Path) -> None:
    """Danish Excel's CSV export writes a cell formatted as percent as "15,5 %" (a no-break space before the sign)."""
    rows = texts("staff_figures")
    rows[1][2:4] = ["15,5\u00a0%", "6%"]
    rewrite(folder, "staff_figures", rows, sep=";")
    staff = read_upload(folder, today=AS_OF).dataset.staff_figures
    assert staff.iloc[0][["staff_turnover_pct", "sickness_absence_pct"]].tolist() == [15.5, 6.0]
    force = texts("use_of_force")
    force[1][2] = "3 %"
    rewrite(folder, "use_of_force", force)
    error = fails(folder)
    assert [(v.file, v.row, v.column) for v in error.violations] == [("use_of_force.csv", 2, "count")]
    assert error.violations[0].message.endswith("skriv tallet uden %-tegn")


def test_a_percent_column_of_fractions_is_read_as_written_with_a_warning(folder: Path) -> None:
    """A case system exports turnover as a fraction (0.185 for 18.5 %): every tilbud then looked as if it had almost
    no turnover or sickness absence, silently. Percent below 1 % for every tilbud is no real export: a warning
    says so (the values are stored as written; the file may be right)."""
    header = ["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"]
    fractions = [[f"F{i}", "2025", f"0.{i}85", "0.05"] for i in range(1, 7)]
    rewrite(folder, "staff_figures", [header, *fractions])
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.staff_figures["staff_turnover_pct"].iat[0] == 0.185
    warned = [(w.file, w.row, w.column, w.message) for w in result.warnings if w.rule == "percent_as_fraction"]
    assert warned == [
        (
            "staff_figures.csv",
            None,
            column,
            f"alle 6 værdier i {column} ligger mellem 0 og 1, men kolonnen er i procent (0-100): er de skrevet som "
            "brøker (0,155 for 15,5 %)? Så skal de ganges med 100; de er indlæst, som de står",
        )
        for column in ("staff_turnover_pct", "sickness_absence_pct")
    ]
    # percent as the contract has them (one tilbud at 0.8 % sickness absence among them), or too few to tell: no word
    for rows in ([[f, y, "18", "0.8" if f == "F1" else "5"] for f, y, _, _ in fractions], fractions[:4]):
        rewrite(folder, "staff_figures", [header, *rows])
        assert not [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "percent_as_fraction"]


def test_announced_written_as_anmeldt_or_uanmeldt_gets_the_value_it_means(folder: Path) -> None:
    """A case system's "tilsynsform" column says Anmeldt or Uanmeldt: the message said only true/false, 1/0 or ja/nej,
    and left the planner to work out which of them "uanmeldt" is."""
    visits = texts("visits")
    j = visits[0].index("announced")
    visits[1][j], visits[2][j] = "Anmeldt", "uanmeldt"
    rewrite(folder, "visits", visits)
    messages = [(v.row, v.message) for v in fails(folder).violations]
    assert messages == [
        (2, "announced skal være true/false, 1/0 eller ja/nej; skriv true (anmeldt)"),
        (3, "announced skal være true/false, 1/0 eller ja/nej; skriv false (uanmeldt)"),
    ]


def test_enum_and_boolean_spellings_are_normalised(folder: Path) -> None:
    rows = texts("facilities")
    rows[1][2] = " MIDT "
    rows[1][rows[0].index("has_board")] = "JA"
    rewrite(folder, "facilities", rows)
    fac = read_upload(folder, today=AS_OF).dataset.facilities
    assert fac.loc[0, "authority"] == "midt"
    assert bool(fac.loc[0, "has_board"]) is True


def test_numbers_and_ranges(folder: Path) -> None:
    rows = texts("theme_scores")
    rows.append(["V4", "competences", "5,0"])  # decimal comma: fine
    rows.append(["V4", "education_employment", "0.5"])
    rows.append(["V4", "organisation_management", "tre"])
    rewrite(folder, "theme_scores", rows)
    error = fails(folder)
    assert rules(error) == {
        ("theme_scores.csv", 5, "score", "decimal"),
        ("theme_scores.csv", 6, "score", "decimal"),
    }
    assert error.violations[0].message == "score skal være et tal fra 1 til 5"


def test_empty_required_cell(folder: Path) -> None:
    rows = texts("visits")
    rows[2][2] = ""
    rewrite(folder, "visits", rows)
    error = fails(folder)
    assert rules(error) == {("visits.csv", 3, "date", "required")}
    assert error.violations[0].message == "date må ikke være tom"


def test_absence_must_not_end_before_it_starts(folder: Path) -> None:
    rewrite(
        folder,
        "absences",
        [["inspector_id", "start", "end"], ["I1", "2026-12-21", "2026-12-20"], ["I2", "2026-12-21", "2026-12-21"]],
    )
    error = fails(folder)
    assert rules(error) == {("absences.csv", 2, "end", "not_before")}
    assert error.violations[0].message == (
        "end (2026-12-20) ligger før start (2026-12-21); end skal være samme dag som eller efter start"
    )


def test_composite_key_duplicates(folder: Path) -> None:
    rows = texts("indicator_scores")
    rows.append(["V1", "4.A", "3"])  # same (visit, indicator) as row 2, other case
    rewrite(folder, "indicator_scores", rows)
    error = fails(folder)
    assert rules(error) == {("indicator_scores.csv", 17, "visit_id, indicator", "duplicate_key")}
    assert error.violations[0].value == "(V1, 4.A)"  # as the file writes it
    assert error.violations[0].message == (  # the key's cells match as the key reads them: only the score differs
        "dublet: samme (visit_id, indicator) som række 2, men med andre værdier i score; hver nøgle må kun "
        "forekomme én gang: ret nøglen i den række, der er forkert, eller slet den"
    )


def test_a_duplicate_key_is_quoted_as_the_file_writes_it(folder: Path) -> None:
    rows = texts("use_of_force")
    rows.append(["F2", "2026-06", "4", "fastholdelse"])  # same (facility, month, kind) as row 2
    rows.append(["F1", "2026-07", "2", ""])  # same as row 4, whose kind is empty too
    rewrite(folder, "use_of_force", rows)
    error = fails(folder)
    assert [(v.row, v.value) for v in error.violations] == [(5, "(F2, 2026-06, fastholdelse)"), (6, "(F1, 2026-07, )")]
    assert error.violations[0].message.startswith("dublet: samme (facility_id, month, kind) som række 2")


def test_an_inspector_named_twice_on_one_visit_is_refused(folder: Path) -> None:
    rows = texts("visits")
    rows[1][5] = "I1;I1"
    rows[4][5] = "I1; I2 ;I2;I1"
    rewrite(folder, "visits", rows)
    error = fails(folder)
    assert rules(error) == {
        ("visits.csv", 2, "inspector_ids", "repeated_in_list"),
        ("visits.csv", 5, "inspector_ids", "repeated_in_list"),
    }
    assert error.violations[0].message == "inspector_ids nævner 'I1' flere gange; hvert id må kun stå én gang i listen"
    assert error.violations[1].message.startswith("inspector_ids nævner 'I1' og 'I2' flere gange")


def test_postcode_and_locations(folder: Path) -> None:
    ds = dataset_with_coordinates()
    rows = texts("facilities", ds)
    rows[1][4] = "DK-8600"
    rows[2][6] = "15.3"  # lon east of Christiansø
    rows[3][5] = "54.5"  # lat on the border: fine
    rewrite(folder, "facilities", rows)
    assert rules(fails(folder)) == {
        ("facilities.csv", 2, "postcode", "pattern"),
        ("facilities.csv", 3, "lon", "decimal"),
    }


def test_a_coordinate_without_its_other_half_is_refused(folder: Path) -> None:
    """A lat with an empty lon was stored, and the planner, which needs both, placed the tilbud as if it had none:
    the value given was dropped without a word (a lost cell, or a column shifted by hand)."""
    rows = texts("facilities", dataset_with_coordinates())
    lat, lon = rows[0].index("lat"), rows[0].index("lon")
    rows[1][lon] = ""
    rows[2][lat] = ""
    rows[3][lat] = rows[3][lon] = ""  # neither: no location, as the contract allows
    rows[4][lon] = "x"  # an invalid lon is reported as such, not again as missing
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 2, "lon", "coordinate_pair"),
        ("facilities.csv", 3, "lat", "coordinate_pair"),
        ("facilities.csv", 5, "lon", "decimal"),
    }
    assert next(v for v in error.violations if v.row == 2).message == (
        "lon er tom, men lat er udfyldt (56,169); en placering kræver begge: udfyld lon, eller lad begge stå tomme"
    )


def test_a_postcode_that_lost_its_leading_zero_is_read_with_it_and_a_warning(folder: Path, tmp_path: Path) -> None:
    """Danish postcodes 0800-0999 exist; Excel writes 0800 as 800 (a number cell, and a CSV it saves)."""
    facilities = texts("facilities")
    k = facilities[0].index("postcode")
    facilities[1][k] = "800"
    facilities[2][k] = "0999"  # written right: no warning
    rewrite(folder, "facilities", facilities, sep=";")
    inspectors = texts("inspectors")
    j = inspectors[0].index("postcode")
    inspectors[1][j] = "977"
    rewrite(folder, "inspectors", inspectors)
    result = read_upload(folder, today=AS_OF)
    padded = [w for w in result.warnings if w.rule == "postcode_leading_zero"]
    assert [(w.file, w.row, w.column, w.value) for w in padded] == [
        ("facilities.csv", 2, "postcode", "800"),
        ("inspectors.csv", 2, "postcode", "977"),
    ]
    assert "læst som 0800" in padded[0].message and "læst som 0977" in padded[1].message
    assert result.dataset.facilities.loc[0, "postcode"] == "0800"
    assert result.dataset.facilities.loc[1, "postcode"] == "0999"
    assert result.dataset.inspectors.loc[0, "postcode"] == "0977"
    # anything else that is not 4 digits stays a violation
    for bad in ("80", "08000", "8OO", "80 0"):
        facilities[1][k] = bad
        rewrite(folder, "facilities", facilities)
        assert rules(fails(folder)) == {("facilities.csv", 2, "postcode", "pattern")}, bad


def test_a_postcode_number_cell_in_a_workbook_gets_its_leading_zero_back(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_workbook(small_dataset(), tmp_path / "upload.xlsx")
    book = load_workbook(path)
    sheet = book["facilities"]
    column = [c.value for c in sheet[1]].index("postcode") + 1
    sheet.cell(row=3, column=column).value = 800  # a number cell, as Excel keeps 0800 typed in
    book.save(path)
    result = read_upload(path, today=AS_OF)
    assert result.dataset.facilities.loc[1, "postcode"] == "0800"
    [warning] = [w for w in result.warnings if w.rule == "postcode_leading_zero"]
    assert (warning.file, warning.row, warning.column, warning.value) == (
        "[upload.xlsx]facilities",
        3,
        "postcode",
        "800",
    )


def test_staff_year_not_after_this_year(folder: Path) -> None:
    rows = texts("staff_figures")
    rows.append(["F2", str(AS_OF.year), "10", "3"])
    rows.append(["F2", str(AS_OF.year + 1), "10", "3"])
    rewrite(folder, "staff_figures", rows)
    assert rules(fails(folder)) == {("staff_figures.csv", 6, "year", "future_year")}


# --- references and the quality model ------------------------------------------------------------------


def test_references_resolve_against_what_is_stored(folder: Path) -> None:
    rows = texts("visits")
    rows.append(["V7", "F9", "2026-01-05", "true", "follow_up", "I1;I4"])
    rewrite(folder, "visits", rows)
    error = fails(folder)
    assert rules(error) == {
        ("visits.csv", 8, "facility_id", "reference"),
        ("visits.csv", 8, "inspector_ids", "reference"),
    }
    stored = small_dataset()
    fac = pd.concat([stored.facilities, stored.facilities.iloc[[0]].assign(facility_id="F9")], ignore_index=True)
    insp = pd.concat([stored.inspectors, stored.inspectors.iloc[[0]].assign(inspector_id="I4")], ignore_index=True)
    result = read_upload(folder, today=AS_OF, existing=stored.with_tables(facilities=fac, inspectors=insp))
    assert result.dataset.visits.iloc[-1]["inspector_ids"] == "I1;I4"


def test_visit_not_before_approval_uses_the_stored_facility(folder: Path) -> None:
    (folder / "facilities.csv").unlink()
    rows = texts("visits")
    rows.append(["V7", "F6", "2026-04-30", "true", "approval", ""])  # F6 approved 2026-05-01
    rewrite(folder, "visits", rows)
    error = fails(folder, existing=small_dataset())
    assert rules(error) == {("visits.csv", 8, "date", "not_before")}
    assert error.violations[0].message == (
        "date (2026-04-30) ligger før approved_on (2026-05-01) for F6 i facilities (gemt ved en tidligere import, "
        "ikke i denne upload)"
    )


def test_a_visit_after_the_facility_closed_is_refused(folder: Path) -> None:
    facilities = texts("facilities")
    facilities[3][12] = "2025-06-30"  # F3 closes
    rewrite(folder, "facilities", facilities)
    rows = texts("visits")
    rows.append(["V7", "F3", "2025-06-30", "false", "operational", ""])  # the day it closes: fine
    rows.append(["V8", "F3", "2025-07-01", "false", "operational", ""])
    rewrite(folder, "visits", rows)
    error = fails(folder)
    assert rules(error) == {("visits.csv", 9, "date", "not_after")}
    assert error.violations[0].value == "2025-07-01"
    assert error.violations[0].message == "date (2025-07-01) ligger efter closed_on (2025-06-30) for F3 i facilities"
    # the same against the stored facility, when only the visits come
    (folder / "facilities.csv").unlink()
    stored = small_dataset()
    closed = stored.facilities.copy()
    closed.loc[closed["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2025-06-30")
    assert rules(fails(folder, existing=stored.with_tables(facilities=closed))) == {
        ("visits.csv", 9, "date", "not_after")
    }


def test_records_from_before_the_approval_are_a_warning_with_a_few_rows(folder: Path) -> None:
    """Concerns, sanctions and magtanvendelser from before the (re-)approval: stored, with one warning a file."""
    concerns = texts("concerns")
    concerns += [["F2", f"2019-0{m}-10", "low"] for m in range(1, 8)]  # F2 approved 2019-06-15: 6 before, 1 after
    rewrite(folder, "concerns", concerns)
    sanctions = texts("sanctions")
    sanctions.append(["F1", "1950-01-01", "paabud"])  # F1 approved 2015-03-01
    rewrite(folder, "sanctions", sanctions)
    force = texts("use_of_force")
    force.append(["F2", "2019-06", "1", ""])  # the month of the approval: fine
    force.append(["F2", "2019-05", "2", ""])
    rewrite(folder, "use_of_force", force)
    result = read_upload(folder, today=AS_OF)
    warnings = {w.file: w for w in result.warnings if w.rule == "before_approval"}
    assert {(w.file, w.row, w.column) for w in warnings.values()} == {
        ("concerns.csv", None, "date"),
        ("sanctions.csv", None, "date"),
        ("use_of_force.csv", None, "month"),
    }
    assert warnings["concerns.csv"].message == (
        "6 rækker har en date før tilbuddets approved_on i facilities (række 3, 4, 5, 6, 7 og 1 anden); de indlæses, for et "
        "tilbud kan være godkendt på ny efter dem, men tjek, at de hører til det rigtige tilbud"
    )
    assert warnings["sanctions.csv"].message.startswith("1 række har en date før tilbuddets approved_on")
    assert "(række 6)" in warnings["use_of_force.csv"].message
    assert "måneden for tilbuddets approved_on" in warnings["use_of_force.csv"].message
    assert len(result.dataset.concerns) == 8  # stored all the same


@pytest.mark.parametrize("written", ["4a", "4 a", "4. a", "Indikator 4.a", "4,a", "04.a", "4.a."])
def test_an_indicator_code_written_another_way_is_told_the_code(folder: Path, written: str) -> None:
    """Report templates write "Indikator 4.a" or "4a": the message listed all thirty codes and left the planner to
    see which one was meant."""
    rows = texts("indicator_scores")
    rows[1][1] = written
    rewrite(folder, "indicator_scores", rows)
    [violation] = fails(folder).violations
    assert (violation.row, violation.rule) == (2, "indicator_unknown")
    assert violation.message.startswith(
        f"indicator '{written.lower()}' findes ikke i kvalitetsmodellen; skriv '4.a'; tilladte værdier: 1.a, 1.b"
    )


def test_indicator_applicability_follows_the_facility(folder: Path) -> None:
    rows = texts("indicator_scores")
    rows.append(["V3", "8.c", "4"])  # F2: private opholdssted with a board -> 8.c applies
    rows.append(["V1", "8.c", "4"])  # F1: municipal, no board -> 8.c does not apply
    rows.append(["V6", "9.a", "4"])  # F5: kostskole -> theme Organisation og ledelse does not apply
    rewrite(folder, "indicator_scores", rows)
    error = fails(folder)
    assert rules(error) == {
        ("indicator_scores.csv", 18, "indicator", "indicator_not_applicable"),
        ("indicator_scores.csv", 19, "indicator", "indicator_not_applicable"),
    }
    assert "8.c gælder kun for private tilbud med en bestyrelse" in error.violations[0].message
    assert "Organisation og ledelse gælder ikke" in error.violations[1].message


def test_indicator_8c_without_a_has_board_column_is_refused_once_naming_the_cause(folder: Path) -> None:
    """Without has_board every tilbud counts as having no board, so every 8.c score was refused, one row at a time,
    with nothing pointing at the missing column."""
    facilities = texts("facilities")
    k = facilities[0].index("has_board")
    rewrite(folder, "facilities", [[c for i, c in enumerate(r) if i != k] for r in facilities])
    rows = texts("indicator_scores")
    rows.append(["V3", "8.c", "4"])  # F2: private opholdssted (its board is in the column left out)
    rows.append(["V4", "8.c", "3"])  # F3: selvejende krisecenter, also with a board
    rows.append(["V1", "8.c", "4"])  # F1: municipal, 8.c never applies, board or not
    rewrite(folder, "indicator_scores", rows)
    error = fails(folder)
    assert rules(error) == {
        ("indicator_scores.csv", 17, "indicator", "indicator_needs_has_board"),
        ("indicator_scores.csv", 19, "indicator", "indicator_not_applicable"),
    }
    assert error.total == 2
    [cause] = [v for v in error.violations if v.rule == "indicator_needs_has_board"]
    assert cause.value == "8.c"
    assert cause.message.startswith(
        "facilities.csv har ingen kolonne has_board, så alle tilbud regnes som uden bestyrelse, og indikator 8.c "
        "gælder kun for private tilbud med en bestyrelse: 2 rækker afvises (række 17, 18)"
    )
    assert "tilføj kolonnen has_board i facilities.csv" in cause.message
    # with the column (F2 has a board) only the municipal tilbud's row is refused
    rewrite(folder, "facilities", facilities)
    assert rules(fails(folder)) == {("indicator_scores.csv", 19, "indicator", "indicator_not_applicable")}


def test_respite_only_facility(folder: Path) -> None:
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F2", "respite_only"] = True
    write_csv_folder(ds.with_tables(facilities=fac), folder)
    rows = texts("indicator_scores")
    rows.append(["V3", "5.b", "3"])  # 5.b does not apply to children's facilities approved for respite only
    rewrite(folder, "indicator_scores", rows)
    error = fails(folder)
    # Row 12 is V3's 14.c, which does not apply to respite-only anbringelsessteder either.
    assert rules(error) == {
        ("indicator_scores.csv", 12, "indicator", "indicator_not_applicable"),
        ("indicator_scores.csv", 17, "indicator", "indicator_not_applicable"),
    }
    assert "kun aflastning" in error.violations[0].message


def test_theme_score_differing_from_indicators_is_a_warning(folder: Path) -> None:
    rows = texts("theme_scores")
    # V1: criterion 4 = mean(4, 4) = 4, criterion 5 = 3 -> Sundhed og trivsel = 3.5; Organisation = 9.b = 2.
    rows.append(["V1", "health_wellbeing", "3.54"])  # within 0.05: no warning
    rows.append(["V1", "organisation_management", "3"])
    rewrite(folder, "theme_scores", rows)
    result = read_upload(folder, today=AS_OF)
    assert [(w.file, w.row, w.rule) for w in result.warnings] == [("theme_scores.csv", 5, "theme_score_mismatch")]
    assert "(2)" in result.warnings[0].message


def only_rusmiddel_in_nord(folder: Path) -> list[list[str]]:
    """Nord's only inspector (I3) may visit rusmiddelcentre (sel101) alone: its kostskole and døgninstitution can be
    planned by no one. Returns the inspectors' rows as written."""
    inspectors = texts("inspectors")
    k = inspectors[0].index("competences")
    for row in inspectors[1:]:
        if row[0] == "I3":
            row[k] = "sel101"
    rewrite(folder, "inspectors", inspectors)
    return inspectors


def test_warnings_about_the_whole_upload_come_before_row_warnings(folder: Path) -> None:
    # a foreign export whose published theme values are not the means of its indicators gives a warning per row:
    # thousands of them came first, and the one saying that no plan can be made (a type no inspector may visit)
    # was the last, below every screenful (CLI: the first 50; the API's list and the web page in the same order)
    rows = texts("theme_scores")
    rows.append(["V1", "organisation_management", "3"])
    rewrite(folder, "theme_scores", rows)
    only_rusmiddel_in_nord(folder)
    result = read_upload(folder, today=AS_OF)
    assert [w.rule for w in result.warnings] == [
        "competence_missing",
        "competence_missing",
        "theme_score_mismatch",
    ]


def test_inspectors_missing_is_a_warning_only(folder: Path) -> None:
    for name in ("inspectors", "absences"):
        (folder / f"{name}.csv").unlink()
    rows = texts("visits")
    for r in rows[1:]:
        r[5] = ""
    rewrite(folder, "visits", rows)
    result = read_upload(folder, today=AS_OF)
    assert [w.rule for w in result.warnings] == ["planning_file_missing"]
    assert list(result.dataset.visits["inspector_ids"]) == [""] * 6


def test_an_optional_signal_file_neither_uploaded_nor_stored_is_a_warning_saying_what_follows(folder: Path) -> None:
    """Without use_of_force.csv every tilbud read as having no magtanvendelser, and nobody was told."""
    (folder / "use_of_force.csv").unlink()
    result = read_upload(folder, today=AS_OF)
    assert [(w.file, w.row, w.column, w.rule) for w in result.warnings] == [
        ("use_of_force.csv", None, None, "signal_file_missing")
    ]
    assert result.warnings[0].message == (
        "use_of_force.csv mangler og intet er gemt: magtanvendelser kan ikke indgå i risikoen, og rapporterne viser "
        "dem ikke"
    )
    # stored earlier: a partial upload needs not send it again
    assert read_upload(folder, today=AS_OF, existing=small_dataset()).warnings == []
    # a file with only its header says "none": no warning
    rewrite(folder, "use_of_force", texts("use_of_force")[:1])
    assert read_upload(folder, today=AS_OF).warnings == []


def test_every_optional_signal_file_is_warned_about_and_scores_of_either_kind_will_do(folder: Path) -> None:
    for name in ("staff_figures", "concerns", "sanctions", "indicator_scores"):
        (folder / f"{name}.csv").unlink()
    result = read_upload(folder, today=AS_OF)
    assert [(w.file, w.rule) for w in result.warnings] == [
        ("staff_figures.csv", "signal_file_missing"),
        ("concerns.csv", "signal_file_missing"),
        ("sanctions.csv", "signal_file_missing"),
    ]
    assert "personalegennemstrømning og sygefravær kan ikke indgå i risikoen" in result.warnings[0].message
    assert "bekymringshenvendelser kan ikke indgå i risikoen" in result.warnings[1].message
    assert "påbud, skærpet tilsyn og ophør kan ikke indgå i risikoen" in result.warnings[2].message
    (folder / "theme_scores.csv").unlink()
    scores = [w for w in read_upload(folder, today=AS_OF).warnings if w.file == "indicator_scores.csv"]
    assert [w.message.split(":")[0] for w in scores] == [
        "indicator_scores.csv og theme_scores.csv mangler, og intet er gemt"
    ]


def test_competences(folder: Path) -> None:
    rows = texts("inspectors")
    rows[2][3] = " SEL108 ; sel109;opholdssted "
    rewrite(folder, "inspectors", rows)
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.inspectors.loc[1, "competences"] == "sel108;sel109;opholdssted"


@pytest.mark.parametrize("written", ["all;sel108", "ALL; sel108", "sel108 ; All"])
def test_all_in_competences_stands_alone(folder: Path, written: str) -> None:
    """'all;sel108' was refused with "'all' er ukendt; tilladt er 'all' eller …", which contradicts itself."""
    rows = texts("inspectors")
    rows[2][3] = written
    rewrite(folder, "inspectors", rows)
    error = fails(folder)
    assert rules(error) == {("inspectors.csv", 3, "competences", "competences")}
    message = error.violations[0].message
    assert error.violations[0].value == written
    assert "ukendt" not in message
    assert message.startswith("competences: 'all' står alene (alle tilbudstyper) og kan ikke kombineres med")
    rows[2][3] = "all; ALL"  # 'all' twice is still 'all'
    rewrite(folder, "inspectors", rows)
    assert read_upload(folder, today=AS_OF).dataset.inspectors.loc[1, "competences"] == "all"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Alle", "all"),
        ("alle typer", "all"),
        ("sel107, sel108", "sel107;sel108"),  # a comma for the semicolon
        ("opholdssted;længerevarende botilbud", "opholdssted;sel108"),  # a type's Danish name
        ("§107;§ 108", "sel107;sel108"),
    ],
)
def test_competences_written_another_way_are_told_the_value_to_write(folder: Path, written: str, meant: str) -> None:
    """'Alle', a comma list or the types' Danish names: the message listed the codes and left the planner to
    translate a whole list."""
    rows = texts("inspectors")
    rows[2][3] = written
    rewrite(folder, "inspectors", rows)
    [violation] = fails(folder).violations
    assert (violation.row, violation.rule) == (3, "competences")
    assert f"er ukendt; skriv '{meant}'; tilladt er 'all' eller tilbudstyper" in violation.message


# --- CPR and reporting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("010203-1234", "010203-****"),
        ("Jens 3112991234 ringede", "Jens 311299-**** ringede"),
        ("F1", "F1"),
        ("12345678901", "12345678901"),  # 11 digits: not a CPR number
        ("320199-1234", "320199-1234"),  # day 32 is no date
        # a UUID holds ten digits that read as a date and four more about once in a thousand ids: an id, not a CPR
        ("0cb28dd2-a66b-13e3-41b5-f0705081234a", "0cb28dd2-a66b-13e3-41b5-f0705081234a"),
        (
            "5008E23F-D312-D1F1-F0D7-2312301234A5;barn 0101901234",
            "5008E23F-D312-D1F1-F0D7-2312301234A5;barn 010190-****",
        ),
    ],
)
def test_mask_cpr(text: str, masked: str) -> None:
    assert mask_cpr(text) == masked


def test_cpr_anywhere_rejects_but_coordinates_do_not(folder: Path) -> None:
    ds = dataset_with_coordinates()
    fac = ds.facilities.copy()
    fac.loc[0, "lat"] = 56.0102031234  # ten decimals that look like a CPR number: still a coordinate
    write_csv_folder(ds.with_tables(facilities=fac), folder)
    rows = texts("concerns")
    rows[0].append("kommentar")
    rows[1].append("barn 2403151234 nævnt")
    rewrite(folder, "concerns", rows)
    error = fails(folder)
    assert rules(error) == {("concerns.csv", 2, "kommentar", "cpr")}
    assert error.violations[0].value == "barn 240315-**** nævnt"


def test_uuid_ids_whose_hex_digits_look_like_a_cpr_number_are_ids(folder: Path) -> None:
    """Case systems name visits by UUID; about one in a thousand holds a run like ``0705081234``. It is an id: the
    upload is valid and the id is stored as written, while a CPR number beside a UUID still rejects."""
    uuid = "0cb28dd2-a66b-13e3-41b5-f0705081234a"
    for table in ("visits", "indicator_scores", "theme_scores"):
        rows = texts(table)
        for row in rows[1:]:
            if row[0] == "V1":
                row[0] = uuid
        rewrite(folder, table, rows)
    result = read_upload(folder, today=AS_OF)
    assert uuid in set(result.dataset.visits["visit_id"])
    assert not [w for w in result.warnings if "CPR" in w.message]

    rows = texts("concerns")
    add_column(rows, "kommentar", f"besøg {uuid}, barn 2403151234")
    rewrite(folder, "concerns", rows)
    error = fails(folder)
    assert rules(error) == {("concerns.csv", 2, "kommentar", "cpr")}
    assert error.violations[0].value == f"besøg {uuid}, barn 240315-****"


def test_cpr_in_a_closed_column_is_caught_and_masked_in_every_message(folder: Path) -> None:
    rows = texts("sanctions")
    rows[1][rows[0].index("kind")] = "0102031234"
    rewrite(folder, "sanctions", rows)
    error = fails(folder)
    assert rules(error) == {("sanctions.csv", 2, "kind", "enum"), ("sanctions.csv", 2, "kind", "cpr")}
    assert "0102031234" not in repr(error.violations)
    assert {v.value for v in error.violations} == {"010203-****"}


def test_reporting_is_capped_and_the_message_gives_the_true_count(tmp_path: Path) -> None:
    """1,500 bad scores: the first 1,000 are listed, the message counts all (no made-up line among them)."""
    error = fails(write_many_violations(tmp_path / "many", 1500))
    assert len(error.violations) == MAX_REPORTED
    assert (error.total, error.truncated) == (1500, True)
    assert error.message == "Upload afvist: 1.500 fejl; de første 1.000 vises. Intet er gemt."
    assert {v.rule for v in error.violations} == {"int"}
    assert [v.row for v in error.violations[:3]] == [2, 3, 4]


def test_result_is_frozen_and_violation_prints_in_danish(folder: Path) -> None:
    result = read_upload(folder, today=AS_OF)
    assert isinstance(result, ImportResult)
    with pytest.raises(AttributeError):
        result.files = {}  # type: ignore[misc]
    v = Violation("visits.csv", 3, "date", "2027-01-01", "future_date", "date ligger efter i dag")
    assert str(v) == "visits.csv, række 3, kolonne 'date': værdien '2027-01-01' — date ligger efter i dag"


def test_dtypes_are_canonical(folder: Path) -> None:
    ds = read_upload(folder, today=AS_OF).dataset
    assert ds.visits["date"].dtype == np.dtype("datetime64[ns]")
    assert ds.use_of_force["month"].dtype == np.dtype("datetime64[ns]")
    assert ds.indicator_scores["score"].dtype == np.dtype("int64")
    assert ds.facilities["has_board"].dtype == np.dtype("bool")
    assert ds.theme_scores["score"].dtype == np.dtype("float64")


def test_last_unannounced_visit_is_a_date_between_approval_and_today(folder: Path) -> None:
    rows = texts("facilities")
    k = rows[0].index("last_unannounced_visit")  # the contract's extension column, empty in the factory
    assert all(r[k] == "" for r in rows[1:])
    rows[1][k] = "2024-05-02"  # F1, approved 2015-03-01: fine
    rows[2][k] = "2019-06-14"  # F2, approved 2019-06-15: the day before
    rows[3][k] = "2026-10-02"  # F3: the day after today
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 3, "last_unannounced_visit", "not_before"),
        ("facilities.csv", 4, "last_unannounced_visit", "future_date"),
    }
    rows[2][k] = rows[3][k] = ""
    rewrite(folder, "facilities", rows)
    result = read_upload(folder, today=AS_OF)
    given = result.dataset.facilities.set_index("facility_id")["last_unannounced_visit"]
    assert given["F1"] == pd.Timestamp("2024-05-02") and given.drop("F1").isna().all()


def test_leader_since_is_a_date_between_approval_and_today(folder: Path) -> None:
    """The README's rule for both extension columns: not after today, not before approved_on."""
    rows = texts("facilities")
    k = rows[0].index("leader_since")
    rows[1][k] = "2015-03-01"  # F1, approved 2015-03-01: the same day is fine
    rows[2][k] = "2019-06-14"  # F2, approved 2019-06-15: the day before
    rows[3][k] = "2026-10-02"  # F3: the day after today
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 3, "leader_since", "not_before"),
        ("facilities.csv", 4, "leader_since", "future_date"),
    }
    [before] = [v for v in error.violations if v.rule == "not_before"]
    assert before.value == "2019-06-14"
    assert before.message == (
        "leader_since (2019-06-14) ligger før approved_on (2019-06-15); "
        "leader_since skal være samme dag som eller efter approved_on"
    )


def test_a_short_export_warns_which_tilbud_will_look_overdue_and_names_the_column(folder: Path) -> None:
    # visits.csv begins 2025-01-20, less than two years before today (2026-10-01): F1 (only an announced
    # visit left), F3 and F5 (none left) were approved long before and have no unannounced visit in it.
    visits = texts("visits")
    rewrite(folder, "visits", [visits[0]] + [r for r in visits[1:] if r[0] in {"V2", "V3", "V5"}])
    for table in ("indicator_scores", "theme_scores"):  # the scores of the visits left out go too
        scores = texts(table)
        rewrite(folder, table, [scores[0]] + [r for r in scores[1:] if r[0] in {"V2", "V3", "V5"}])
    result = read_upload(folder, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "short_export"]
    assert (warning.file, warning.column) == ("facilities.csv", "last_unannounced_visit")
    assert warning.message.startswith(
        "besøgsdata begynder 2025-01-20, mindre end to år før i dag: 3 aktive tilbud godkendt før da har intet "
        "uanmeldt besøg i data (F1, F3, F5), så toårsfristen regnes fra godkendelsen og er for 3 af dem allerede "
        "overskredet i dag (2026-10-01): planen kalder dem forfaldne"  # the plan counts at its own start
    )
    facilities = texts("facilities")
    k = facilities[0].index("last_unannounced_visit")
    for row in facilities[1:]:
        row[k] = {"F1": "2024-03-12", "F3": "2024-12-02", "F5": "2024-10-01"}.get(row[0], "")
    rewrite(folder, "facilities", facilities)
    assert not [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "short_export"]
    # a long enough export says nothing: the factory's visits begin 2023-11-02
    assert not [
        w
        for w in read_upload(write_csv_folder(small_dataset(), folder.parent / "full"), today=AS_OF).warnings
        if w.rule == "short_export"
    ]


def test_no_unannounced_visit_in_the_data_and_no_last_unannounced_visit_is_a_warning(folder: Path) -> None:
    """Every visit announced and no last_unannounced_visit: every deadline counted from the approval date, and a plan
    could come out infeasible with no hint why. The export is long enough, so the short-export warning said nothing."""
    visits = texts("visits")
    k = visits[0].index("announced")
    for row in visits[1:]:
        row[k] = "true"
    rewrite(folder, "visits", visits)
    facilities = texts("facilities")
    j = facilities[0].index("last_unannounced_visit")
    rewrite(folder, "facilities", [[c for i, c in enumerate(r) if i != j] for r in facilities])
    result = read_upload(folder, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "no_unannounced_visit"]
    assert not [w for w in result.warnings if w.rule == "short_export"]  # one warning for the one cause
    assert (warning.file, warning.row, warning.column) == ("visits.csv", None, "announced")
    assert warning.message.startswith(
        "intet af de 6 besøg i besøgsdata er uanmeldt (announced er true i dem alle), og facilities.csv angiver "
        "ingen last_unannounced_visit: for alle 6 aktive tilbud regnes fristen for næste uanmeldte besøg fra "
        "godkendelsen, og for 5 af dem ligger godkendelsen mere end to år før i dag (2026-10-01): planen kalder "
        "dem forfaldne og kan blive umulig at lægge"
    )
    assert "kolonnen announced i visits.csv (false for et uanmeldt besøg)" in warning.message
    assert "kolonnen last_unannounced_visit (valgfri)" in warning.message
    # one unannounced visit, or a last_unannounced_visit given, and the data say what they need to
    visits[1][k] = "false"
    rewrite(folder, "visits", visits)
    assert not [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "no_unannounced_visit"]
    visits[1][k] = "true"
    rewrite(folder, "visits", visits)
    rewrite(folder, "facilities", facilities)
    facilities[1][j] = "2024-03-12"
    rewrite(folder, "facilities", facilities)
    assert not [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "no_unannounced_visit"]


def test_the_no_unannounced_warning_for_a_single_visit_is_a_danish_sentence() -> None:
    # "intet det ene besøg ... er uanmeldt" was the singular's wording: not a sentence
    active = pd.DataFrame({"approved_on": pd.to_datetime(["2020-01-01"])})
    warning = _no_unannounced_warning(1, active, AS_OF)
    assert warning is not None
    assert warning.message.startswith(
        "det ene besøg i besøgsdata er ikke uanmeldt (announced er true), og facilities.csv angiver ingen "
        "last_unannounced_visit: for det ene aktive tilbud regnes fristen for næste uanmeldte besøg fra "
        "godkendelsen, og den ligger mere end to år før i dag (2026-10-01): planen kalder det forfaldent"
    )
    # approved less than two years ago: its deadline has not passed, and there is nothing to warn of
    assert _no_unannounced_warning(1, pd.DataFrame({"approved_on": pd.to_datetime(["2025-06-01"])}), AS_OF) is None


def test_ids_that_differ_only_in_case_are_two_records_with_a_warning(folder: Path) -> None:
    # "F2" retyped as "f1" in the file: valid ("unique" is exact), but most likely one tilbud entered twice
    facilities = texts("facilities")
    k = facilities[0].index("facility_id")
    facilities[2][k] = "f1"
    rewrite(folder, "facilities", facilities)
    for r in ("visits", "use_of_force", "staff_figures", "concerns", "sanctions", "locked_visits"):
        if (folder / f"{r}.csv").exists():  # F2's rows follow it, so the upload stays valid
            rows = texts(r)
            j = rows[0].index("facility_id")
            rewrite(
                folder,
                r,
                [rows[0]] + [[("f1" if c == "F2" and i == j else c) for i, c in enumerate(row)] for row in rows[1:]],
            )
    result = read_upload(folder, today=AS_OF)
    assert set(result.dataset.facilities["facility_id"]) >= {"F1", "f1"}  # two tilbud, as the contract says
    [warning] = [w for w in result.warnings if w.rule == "id_differs_only_in_case"]
    assert (warning.file, warning.row, warning.column, warning.value) == ("facilities.csv", 3, "facility_id", "f1")
    assert warning.message == (
        "facility_id 'f1' adskiller sig kun ved store og små bogstaver fra 'F1' (række 2): de læses som to "
        "forskellige tilbud; ret det ene id, hvis det er de samme"
    )
    # against what is stored: a later upload of "f3" beside a stored "F3" is named too, an update of "F3" is not
    stored = small_dataset()
    upload = folder.parent / "later"
    upload.mkdir()
    rows = texts("facilities")
    (upload / "facilities.csv").write_bytes(csv_bytes([rows[0], [("f3" if c == "F3" else c) for c in rows[3]]]))
    [later] = [
        w for w in read_upload(upload, today=AS_OF, existing=stored).warnings if w.rule == "id_differs_only_in_case"
    ]
    assert (later.row, later.value) == (2, "f3")
    assert "fra 'F3' (et id, der allerede er gemt)" in later.message
    (upload / "facilities.csv").write_bytes(csv_bytes([rows[0], rows[3]]))
    assert not [
        w for w in read_upload(upload, today=AS_OF, existing=stored).warnings if w.rule == "id_differs_only_in_case"
    ]


def test_case_twin_warnings_are_capped_and_the_last_counts_the_rest(folder: Path) -> None:
    facilities = texts("facilities")
    k = facilities[0].index("facility_id")
    extra = [[(f"X{i}" if j == k else c) for j, c in enumerate(facilities[1])] for i in range(25)]
    extra += [[(f"x{i}" if j == k else c) for j, c in enumerate(facilities[1])] for i in range(25)]
    rewrite(folder, "facilities", facilities + extra)
    twins = [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "id_differs_only_in_case"]
    assert len(twins) == 20
    assert twins[0].value == "x0" and twins[-1].value == "x19"
    assert twins[-1].message.endswith("(og 5 id mere af samme slags)")
    assert not any("mere af samme slags" in w.message for w in twins[:-1])


def test_a_reference_that_differs_from_a_known_id_only_in_case_says_which_id_exists(folder: Path) -> None:
    visits = texts("visits")
    j = visits[0].index("facility_id")
    visits[1][j] = visits[1][j].lower()
    rewrite(folder, "visits", visits)
    with pytest.raises(ValidationFailed) as caught:
        read_upload(folder, today=AS_OF)
    [v] = [v for v in caught.value.violations if v.rule == "reference"]
    assert v.message == (
        f"facility_id '{visits[1][j]}' findes ikke i facilities (hverken i denne upload eller i databasen); den "
        f"findes som '{visits[1][j].upper()}' (id'er skelner mellem store og små bogstaver)"
    )


@pytest.mark.parametrize(("stored_id", "sent_id"), [("0042", "42"), ("0042", "42.0"), ("42", "42.0"), ("42", "042")])
def test_a_reference_that_differs_from_a_known_number_id_in_zeros_says_which_id_exists(
    folder: Path, stored_id: str, sent_id: str
) -> None:
    """Excel drops an id's leading zeros in a number cell (0042 is 42) and a script's export of a number column
    with a gap writes 42.0: the reference then named an unknown id with no word of the one it stands for."""
    facilities, visits = texts("facilities"), texts("visits")
    old = facilities[1][facilities[0].index("facility_id")]
    rewrite(folder, "facilities", [[stored_id if c == old else c for c in row] for row in facilities])
    j = visits[0].index("facility_id")
    rewrite(
        folder,
        "visits",
        [visits[0]] + [[sent_id if i == j and c == old else c for i, c in enumerate(r)] for r in visits[1:]],
    )
    with pytest.raises(ValidationFailed) as caught:
        read_upload(folder, today=AS_OF)
    [v, *_] = [v for v in caught.value.violations if v.rule == "reference"]
    assert v.message == (
        f"facility_id '{sent_id}' findes ikke i facilities (hverken i denne upload eller i databasen); den findes "
        f"som '{stored_id}' (Excel fjerner foranstillede nuller fra et tal og kan skrive 42 som 42.0: formatér "
        "id-kolonnen som tekst)"
    )


@pytest.mark.parametrize(
    ("stored_id", "sent_id", "differs"),
    [
        ("T-10", "T\u201310", "her står en tankestreg (U+2013), hvor id'et har en bindestreg (-)"),
        ("T-10", "T\u221210", "her står et minustegn (U+2212), hvor id'et har en bindestreg (-)"),
        ("T 10", "T\u00a010", "her står et hårdt mellemrum (U+00A0), hvor id'et har et mellemrum"),
        ("T10", "T\uff110", "her står tegnet '\uff11' (U+FF11), hvor id'et har tegnet '1'"),
    ],
)
def test_a_reference_that_only_looks_like_a_known_id_names_the_character_that_differs(
    folder: Path, stored_id: str, sent_id: str, differs: str
) -> None:
    """A dash a word processor made an en dash, or a space that is a no-break space: the reference was an unknown id
    that the message showed exactly as the known one, so nothing told the user what to correct."""
    facilities, visits = texts("facilities"), texts("visits")
    rewrite(folder, "facilities", [[stored_id if c == "F1" else c for c in row] for row in facilities])
    j = visits[0].index("facility_id")
    for r in visits[1:]:
        r[j] = stored_id if r[j] == "F1" else r[j]
    visits[1][j] = sent_id
    rewrite(folder, "visits", visits)
    for table in ("concerns", "sanctions", "use_of_force", "staff_figures"):
        rewrite(folder, table, [[stored_id if c == "F1" else c for c in row] for row in texts(table)])
    with pytest.raises(ValidationFailed) as caught:
        read_upload(folder, today=AS_OF)
    [v] = caught.value.violations
    assert (v.file, v.row, v.column, v.rule) == ("visits.csv", 2, "facility_id", "reference")
    assert v.message == (
        f"facility_id '{sent_id}' findes ikke i facilities (hverken i denne upload eller i databasen); et id, der "
        f"ser ens ud, findes: '{stored_id}' ({differs}); skriv id'et, som det står i facilities"
    )


def test_a_type_no_inspector_of_its_socialtilsyn_may_visit_is_a_warning_at_import(folder: Path) -> None:
    # Nord's only inspector may visit rusmiddelcentre alone: its kostskole (F5) and døgninstitution (F6) can be
    # planned by no one, and the plan found out (exit 4 for every socialtilsyn's plan) long after the import
    inspectors = only_rusmiddel_in_nord(folder)
    result = read_upload(folder, today=AS_OF)
    warnings = [w for w in result.warnings if w.rule == "competence_missing"]
    assert [(w.file, w.column, w.value) for w in warnings] == [
        ("inspectors.csv", "competences", "doegninstitution"),
        ("inspectors.csv", "competences", "kostskole"),
    ]
    assert warnings[1].message.startswith(
        "Socialtilsyn Nord har 1 aktive tilbud af typen efterskole/fri fag-/grundskole med kostafdeling (F5), men "
        "ingen af dens tilsynskonsulenter med "
        "besøg om ugen har kompetence til typen (inspectors.csv, kolonnen competences): en plan, der omfatter "
        "Socialtilsyn Nord, afvises"
    )
    assert warnings[1].message.endswith(
        "; de øvrige socialtilsyn kan planlægges hver for sig (tilsynsplan plan --authority)"
    )
    # an upload of inspectors alone is checked against the stored tilbud; one with the competence ends it
    stored = small_dataset()
    only = folder.parent / "only"
    only.mkdir()
    (only / "inspectors.csv").write_bytes((folder / "inspectors.csv").read_bytes())
    gaps = [w for w in read_upload(only, today=AS_OF, existing=stored).warnings if w.rule == "competence_missing"]
    assert len(gaps) == 2
    fixed = [*inspectors, ["I4", "Dorthe Vang", "nord", "kostskole;doegninstitution", "2", "9000"]]
    rewrite(only, "inspectors", fixed)
    assert not [w for w in read_upload(only, today=AS_OF, existing=stored).warnings if w.rule == "competence_missing"]


def with_short_postcodes(folder: Path, n: int, more_ids: tuple[str, ...] = ()) -> list[list[str]]:
    """Tilbud X0 … X<n-1> with the postcode 800 (three digits: a warning each) added to the folder's facilities.csv
    after its own rows, then one more tilbud for each of ``more_ids``; returns the file's rows before."""
    facilities = texts("facilities")
    k, p = facilities[0].index("facility_id"), facilities[0].index("postcode")
    extra = [[(f"X{i}" if j == k else "800" if j == p else c) for j, c in enumerate(facilities[1])] for i in range(n)]
    extra += [[(fid if j == k else c) for j, c in enumerate(facilities[1])] for fid in more_ids]
    rewrite(folder, "facilities", facilities + extra)
    return facilities


def test_warnings_of_one_kind_are_capped_and_the_rest_counted(folder: Path) -> None:
    # 150 postcodes of three digits (Excel's 0800): 100 warnings one by one and one that counts the other 50, so a
    # systematic quirk of an export does not make a 13 MB answer; another kind keeps its own warnings
    facilities = with_short_postcodes(folder, 150, ("x0",))  # and a case twin of X0: another kind of warning
    warnings = read_upload(folder, today=AS_OF).warnings
    zeros = [w for w in warnings if w.rule == "postcode_leading_zero"]
    assert len(zeros) == MAX_WARNINGS_PER_RULE + 1
    assert [w.row for w in zeros[:MAX_WARNINGS_PER_RULE]] == list(range(len(facilities) + 1, len(facilities) + 101))
    last = zeros[-1]
    assert (last.file, last.row, last.column, last.value) == ("facilities.csv", None, "postcode", None)
    first_left_out = len(facilities) + 101
    assert last.message == (
        f"og 50 advarsler mere af samme slags i række {first_left_out}–{first_left_out + 49}; kun de første 100 vises "
        "enkeltvis"
    )
    assert [w.value for w in warnings if w.rule == "id_differs_only_in_case"] == ["x0"]
    assert warnings.index(last) == len(warnings) - 1  # the count comes after every warning shown
    assert last.more == 49 and warning_total(zeros) == 150  # what the CLI, the web page and the import log count


def test_shown_warnings_put_the_upload_level_first_and_leave_a_short_list_alone() -> None:
    rows = [Violation("visits.csv", r, "date", "x", "kind_a", "m") for r in (5, 3)]
    whole = Violation("facilities.csv", None, None, None, "kind_b", "hele filen")
    assert shown_warnings([*rows, whole]) == [whole, *rows]


def test_a_theme_score_of_a_theme_the_type_never_has_is_a_warning(folder: Path) -> None:
    # the contract allows any of the seven themes, but Organisation og ledelse is never assessed for a kostskole
    # (F5, visit V6); an indicator of that theme is refused, the theme score is stored with a warning
    (folder / "theme_scores.csv").write_bytes(
        csv_bytes(
            [["visit_id", "theme", "score"], ["V6", "organisation_management", "2.0"], ["V6", "competences", "4"]]
        )
    )
    result = read_upload(folder, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "theme_not_applicable"]
    assert (warning.file, warning.row, warning.column, warning.value) == (
        "theme_scores.csv",
        2,
        "theme",
        "organisation_management",
    )
    assert warning.message.startswith(
        "temaet Organisation og ledelse gælder ikke for tilbuddet F5 (efterskole/fri fag-/grundskole med kostafdeling) i "
        "kvalitetsmodellen: Temaet "
        "Organisation og ledelse gælder ikke for efterskoler"
    )
    assert warning.message.endswith(
        "Scoren gemmes som givet og indgår i besøgets temaværdier; fjern rækken, hvis den er en fejl"
    )
    assert len(result.dataset.theme_scores) == 2  # stored as given


def test_counts_in_a_warning_carry_the_thousands_point(folder: Path) -> None:
    # 1,200 more kostskoler in Nord, whose only inspector visits rusmiddelcentre: "1.201 aktive tilbud", not "1201"
    only_rusmiddel_in_nord(folder)
    rows = texts("facilities")
    header, body = rows[0], rows[1:]
    school = next(r for r in body if r[header.index("facility_id")] == "F5")
    extra = [
        [f"K{i:04d}" if c == "facility_id" else v for c, v in zip(header, school, strict=True)] for i in range(1200)
    ]
    rewrite(folder, "facilities", [header, *body, *extra])
    result = read_upload(folder, today=AS_OF)
    [warning] = [w for w in result.warnings if w.rule == "competence_missing" and w.value == "kostskole"]
    assert "Socialtilsyn Nord har 1.201 aktive tilbud af typen" in warning.message
    assert "og 1.196 andre)" in warning.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [(5.0, "5"), (54.5, "54,5"), (1234567.8, "1234567,8"), (0.00001, "0,00001"), (3.0000000000000004, "3")],
)
def test_a_number_in_a_message_is_never_in_scientific_notation(value: float, shown: str) -> None:
    """Bounds, theme scores and percent values in messages: ``:g`` wrote 1234567.8 as "1,23457e+06"."""
    from data.importer.report import _num

    assert _num(value) == shown


# --- plausibility warnings ----------------------------------------------------------------------------


def test_an_implausible_count_of_magtanvendelser_is_a_warning_naming_the_row(folder: Path) -> None:
    """A clean-room world had a tilbud with 2,963 magtanvendelser per place in a year, said nothing about it, and the
    model ranked it 134th: a count past one per resident per day is almost surely a cumulative total. Stored as given
    (the contract allows any count >= 0)."""
    rows = texts("use_of_force")
    assert rows[0] == ["facility_id", "month", "count", "kind"]
    rows.append(["F2", "2026-08", "241", "fastholdelse"])  # F2 has 8 places: 30.1 per place
    rows.append(["F2", "2026-09", "240", "fastholdelse"])  # 30.0 per place: a lot, but not past the threshold
    rewrite(folder, "use_of_force", rows)
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.use_of_force["count"].max() == 241
    [warning] = [w for w in result.warnings if w.rule == "use_of_force_implausible"]
    assert (warning.file, warning.row, warning.column, warning.value) == ("use_of_force.csv", 5, "count", "241")
    assert warning.message.startswith(
        "241 magtanvendelser på én måned i tilbuddet F2 med 8 pladser er 30,1 pr. plads, mere end én pr. beboer hver dag "
        "(over 30 pr. plads pr. måned); det ligner et samlet antal over flere måneder"
    )
    assert warning.message.endswith("Rækken gemmes, som den står; ret antallet, hvis det er en fejl")


def test_implausible_counts_of_magtanvendelser_are_bounded_and_counted(folder: Path) -> None:
    rows = texts("use_of_force")
    rows += [["F1", f"{2000 + i // 12}-{i % 12 + 1:02d}", "5000", f"k{i}"] for i in range(50)]  # F1: 24 places
    rewrite(folder, "use_of_force", rows)
    warnings = [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "use_of_force_implausible"]
    assert len(warnings) == 20 and [w.row for w in warnings] == list(range(5, 25))
    assert warnings[-1].more == 30
    assert warnings[-1].message.endswith("(og 30 rækker mere af samme slags)")
    assert warnings[0].message.startswith("5.000 magtanvendelser på én måned i tilbuddet F1 med 24 pladser er 208 pr. ")


@pytest.mark.parametrize(("count", "shown"), [(241, "30,1"), (2401, "300"), (30001, "3.750")])
def test_an_implausible_rate_is_never_shown_as_the_threshold_it_is_above(folder: Path, count: int, shown: str) -> None:
    """241 in a month at 8 places read "er 30 pr. plads ... (over 30 pr. plads pr. måned)": rounded to the threshold."""
    rows = texts("use_of_force")
    rows.append(["F2", "2026-08", str(count), "fastholdelse"])
    rewrite(folder, "use_of_force", rows)
    [warning] = [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "use_of_force_implausible"]
    assert f" med 8 pladser er {shown} pr. plads, mere end " in warning.message


# --- row numbers --------------------------------------------------------------------------------------


def long_use_of_force(rows: int) -> list[list[str]]:
    """``use_of_force.csv`` of ``rows`` rows (header not counted), one kind a row, F1's months from 1900 on."""
    out = [["facility_id", "month", "count", "kind"]]
    out += [["F1", f"{1900 + i // 12}-{i % 12 + 1:02d}", "1", "fastholdelse"] for i in range(rows)]
    return out


def test_a_row_number_in_a_message_has_a_thousands_point(folder: Path) -> None:
    """ "række 1201" where the counts beside it read "1.201": a row number is a number in the message too."""
    rows = long_use_of_force(1300)
    rows[1200] = list(rows[1100])  # row 1.201 of the file repeats row 1.101
    rewrite(folder, "use_of_force", rows)
    error = fails(folder)
    [dup] = [v for v in error.violations if v.rule == "duplicate_key"]
    assert dup.row == 1201
    assert dup.message.startswith("dublet: samme (facility_id, month, kind) som række 1.101;")
    assert str(dup).startswith("use_of_force.csv, række 1.201, kolonne 'facility_id, month, kind'")


def test_a_row_number_of_a_reader_message_has_a_thousands_point(folder: Path) -> None:
    text = (folder / "use_of_force.csv").read_text(encoding="utf-8")
    body = "".join(f"F1,{1900 + i // 12}-{i % 12 + 1:02d},1,k\n" for i in range(1500))
    (folder / "use_of_force.csv").write_bytes((text + body).encode() + b"F1,2026-01,1,S\xf8\n")
    error = fails(folder)
    [violation] = error.violations
    assert violation.rule == "file_not_utf8"
    assert "(ugyldigt tegn i række 1.505, kolonne 'kind': 'Sø'," in violation.message
