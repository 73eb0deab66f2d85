"""Hostile uploads: files broken in ways an export tool, a spreadsheet or an attacker produces. Each is
refused with a violation that says what is wrong (never a crash, never silently wrong data)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import data.readers.limits as limits
from data.errors import ValidationFailed
from data.importer import mask_cpr, read_upload
from tests.data.test_importer import add_column, fails, rewrite, rules, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes, write_csv_folder, write_workbook


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def zipped(folder: Path, target: Path, *, compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(target, "w", compression=compression) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


def patch_member_header(archive: Path, member: str, offset_local: int, offset_central: int, value: bytes) -> None:
    """Overwrite bytes of ``member``'s local header and its central directory entry."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    local = info.header_offset
    central = data.find(b"PK\x01\x02" + data[local + 4 : local + 6])
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[local + offset_local : local + offset_local + len(value)] = value
    data[central + offset_central : central + offset_central + len(value)] = value
    archive.write_bytes(bytes(data))


# --- zip -------------------------------------------------------------------------------------------


def test_a_damaged_zip_member_is_a_violation(folder: Path, tmp_path: Path) -> None:
    archive = zipped(folder, tmp_path / "up.zip")
    data = bytearray(archive.read_bytes())
    at = data.find(b"Egebakken")  # a facility name inside the stored facilities.csv
    assert at > 0
    data[at] = ord("X")  # the CRC no longer matches
    archive.write_bytes(bytes(data))
    error = fails(archive)
    assert rules(error) == {("facilities.csv", None, None, "file_unreadable")}
    assert "beskadiget" in error.violations[0].message


def test_an_encrypted_zip_member_is_a_violation(folder: Path, tmp_path: Path) -> None:
    archive = zipped(folder, tmp_path / "up.zip")
    patch_member_header(archive, "visits.csv", 6, 8, struct.pack("<H", 1))  # "encrypted" flag bit
    error = fails(archive)
    assert rules(error) == {("visits.csv", None, None, "file_unreadable")}
    assert "adgangskode" in error.violations[0].message


def test_an_unsupported_zip_compression_is_a_violation(folder: Path, tmp_path: Path) -> None:
    archive = zipped(folder, tmp_path / "up.zip")
    patch_member_header(archive, "visits.csv", 8, 10, struct.pack("<H", 9))  # Deflate64 (Windows Explorer)
    assert rules(fails(archive)) == {("visits.csv", None, None, "file_unreadable")}


def test_a_zip_bomb_is_not_unpacked(folder: Path, tmp_path: Path) -> None:
    (folder / "concerns.csv").write_text("facility_id,date,severity\n" + " " * (8 * 1024**2), encoding="utf-8")
    archive = zipped(folder, tmp_path / "up.zip", compression=zipfile.ZIP_DEFLATED)
    assert archive.stat().st_size < 100_000
    error = fails(archive)
    assert rules(error) == {("concerns.csv", None, None, "file_unreadable")}
    assert "zip-bombe" in error.violations[0].message


def test_a_zip_too_large_when_unpacked_is_refused_before_unpacking(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = zipped(folder, tmp_path / "upload.zip", compression=zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1000)  # the small upload stands in for a huge one
    error = fails(archive)
    assert ("upload.zip", None, None, "file_too_large") in rules(error)  # and so the required files are missing
    assert "for stor udpakket" in next(v.message for v in error.violations if v.rule == "file_too_large")


def test_a_zip_of_more_files_than_an_upload_holds_is_refused_before_reading_them(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip of a whole drive, or of many tiny files: each would be opened and searched for CPR numbers (200,000
    files of one byte, 20 MB zipped, took 9 s and made a warning each). Refused at once, with the count."""
    archive = zipped(folder, tmp_path / "upload.zip")
    with zipfile.ZipFile(archive, "a") as z:
        for i in range(30):
            z.writestr(f"noter/n{i}.txt", "a")
    monkeypatch.setattr(limits, "MAX_ZIP_FILES", 20)  # the small upload stands in for one of 200,000 files
    error = fails(archive)
    [v] = [v for v in error.violations if v.rule == "file_too_many"]
    assert (v.file, v.row, v.column) == ("upload.zip", None, None)
    assert v.message == (
        f"zip-filen indeholder {len(list(folder.iterdir())) + 30} filer; en upload læses med højst 20 "
        "(datakontrakten har 11 filer): zip kun datakontraktens filer"
    )


def flag_name_as_utf8(archive: Path, member: str, *, local: bool, central: bool) -> None:
    """Mark ``member``'s name as UTF-8 (flag bit 11) and make its first byte invalid UTF-8 in its local header and/or
    its central directory entry, as a zip tool that flags names in its own code page writes them."""
    with zipfile.ZipFile(archive) as z:
        offset = z.getinfo(member).header_offset
    patch_member_header(archive, member, 6, 8, struct.pack("<H", 0x800))
    data = bytearray(archive.read_bytes())
    central_at = data.find(b"PK\x01\x02" + data[offset + 4 : offset + 6])
    while data[central_at + 46 : central_at + 46 + len(member)] != member.encode():
        central_at = data.find(b"PK\x01\x02", central_at + 4)
    if local:
        data[offset + 30] = 0xFF
    if central:
        data[central_at + 46] = 0xFF
    archive.write_bytes(bytes(data))


def test_a_zip_member_name_that_is_not_the_utf8_it_claims_is_a_violation(folder: Path, tmp_path: Path) -> None:
    """Python's zipfile decodes a name flagged as UTF-8 strictly and raised UnicodeDecodeError: a traceback from the CLI
    and a 500 from the API. In the central directory the zip cannot be listed; in a member's own header that member
    cannot be unpacked."""
    archive = zipped(folder, tmp_path / "navne.zip")
    flag_name_as_utf8(archive, "visits.csv", local=False, central=True)
    error = fails(archive)
    assert rules(error) == {("navne.zip", None, None, "file_not_zip")}
    assert "UTF-8" in error.violations[0].message
    archive = zipped(folder, tmp_path / "lokal.zip")
    flag_name_as_utf8(archive, "visits.csv", local=True, central=False)
    error = fails(archive)
    assert rules(error) == {("visits.csv", None, None, "file_unreadable")}


def test_a_zip_asking_for_a_newer_zip_version_is_a_violation(folder: Path, tmp_path: Path) -> None:
    """A damaged "version needed to extract" (12.1) made Python's zipfile raise NotImplementedError when the zip was
    opened: a traceback from the CLI and a 500 from the API."""
    archive = zipped(folder, tmp_path / "up.zip")
    patch_member_header(archive, "visits.csv", 4, 6, struct.pack("<H", 121))
    assert rules(fails(archive)) == {("up.zip", None, None, "file_not_zip")}


def test_zip_member_names_with_backslashes_are_found(folder: Path, tmp_path: Path) -> None:
    archive = tmp_path / "windows.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"eksport\\{path.name}")
    result = read_upload(archive, today=AS_OF)
    assert result.files["facilities"].rows == 6


# --- no contract file --------------------------------------------------------------------------------


_SYSTEM_FILES = {
    "~$facilities.xlsx": b"\x0bAnne Holm" + b"\x00" * 40,  # Excel's owner file while the workbook is open
    "Thumbs.db": b"\xd0\xcf\x11\xe0" + b"\x00" * 40,  # Windows' thumbnails
    "desktop.ini": b"[.ShellClassInfo]\r\nIconResource=C:\\x.dll,0\r\n",
}


def test_files_the_system_leaves_in_a_folder_or_zip_are_passed_over_like_ds_store(folder: Path, tmp_path: Path) -> None:
    """A zip made while Excel had the workbook open holds its owner file '~$facilities.xlsx': the warning said 'en
    Excel-arbejdsbog i en mappe ignoreres; indlæs arbejdsbogen for sig', advice to import a lock file."""
    for name, data in _SYSTEM_FILES.items():
        (folder / name).write_bytes(data)
    assert not [w for w in read_upload(folder, today=AS_OF).warnings if w.rule == "file_ignored"]
    zipped = tmp_path / "eksport.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"eksport/{path.name}")
    assert not [w for w in read_upload(zipped, today=AS_OF).warnings if w.rule == "file_ignored"]


def test_an_upload_without_any_contract_file_is_refused(folder: Path, tmp_path: Path) -> None:
    """Nothing to store must not look like a successful import (a renamed copy, a workbook of 'Ark1')."""
    other = tmp_path / "other"
    other.mkdir()
    # (a file with a contract file's columns under another name is told its name: test_readers_exports)
    (other / "tilbud.csv").write_text("navn,telefon\nBostedet Egebakken,12345678\n", encoding="utf-8")
    error = fails(other, existing=small_dataset())
    assert {v.rule for v in error.violations} == {"no_contract_files"}
    assert [w.file for w in error.warnings if w.rule == "file_ignored"] == ["tilbud.csv"]
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert rules(fails(empty, existing=small_dataset())) == {("empty.zip", None, None, "no_contract_files")}


def test_a_folder_is_read_one_subfolder_down_like_a_zip(tmp_path: Path) -> None:
    """`tilsynsplan import ~/Hentet` when the export sits in ~/Hentet/eksport: read there, as a zip would be."""
    write_csv_folder(small_dataset(), tmp_path / "up" / "eksport")
    (tmp_path / "up" / "eksport" / "noter.txt").write_text("ikke en del af uploaden", encoding="utf-8")
    result = read_upload(tmp_path / "up", today=AS_OF)
    assert result.files["visits"].rows == 6 and result.files["visits"].source == "visits.csv"
    assert result.warnings == []  # other files in a sub-folder are left alone


def test_a_file_both_in_the_folder_and_a_subfolder_is_refused_naming_both(folder: Path) -> None:
    (folder / "gammel").mkdir()
    (folder / "gammel" / "visits.csv").write_bytes((folder / "visits.csv").read_bytes())
    error = fails(folder)
    assert rules(error) == {("visits.csv", None, None, "file_twice")}
    assert "(visits.csv og gammel/visits.csv)" in error.violations[0].message


def test_the_generators_truth_folder_is_not_read_beside_its_data_folder(tmp_path: Path) -> None:
    write_csv_folder(small_dataset(), tmp_path / "out" / "data")
    write_csv_folder(small_dataset(), tmp_path / "out" / "truth", tables=["facilities"])
    assert read_upload(tmp_path / "out", today=AS_OF).files["facilities"].rows == 6


def test_an_upload_whose_files_sit_further_down_says_where_they_are(tmp_path: Path) -> None:
    write_csv_folder(small_dataset(), tmp_path / "up" / "eksport" / "2026")
    error = fails(tmp_path / "up", existing=small_dataset())
    assert {v.rule for v in error.violations} == {"no_contract_files"}
    assert (
        f"filer med datakontraktens navne ligger i undermappen 'eksport/2026': angiv den mappe "
        f"(fx {(tmp_path / 'up' / 'eksport' / '2026').as_posix()})" in error.violations[0].message
    )


# --- CSV text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_as_such(folder: Path, encoding: str) -> None:
    """Also without its byte order mark (PowerShell's and some exports' "Unicode"): it was "binary data"."""
    text = (folder / "concerns.csv").read_text(encoding="utf-8")
    (folder / "concerns.csv").write_bytes(text.encode(encoding))
    error = fails(folder)
    assert rules(error) == {("concerns.csv", None, None, "file_not_utf8")}
    assert "UTF-16" in error.violations[0].message


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_named_as_such(folder: Path, encoding: str) -> None:
    """It was called UTF-16 (its byte order mark starts as UTF-16's; without one every other byte is NUL too), with
    Excel's 'Unicode-tekst' as the cause, which writes UTF-16."""
    text = (folder / "concerns.csv").read_text(encoding="utf-8")
    (folder / "concerns.csv").write_bytes(text.encode(encoding))
    error = fails(folder)
    assert rules(error) == {("concerns.csv", None, None, "file_not_utf8")}
    message = error.violations[0].message
    assert message.startswith("filen er gemt som UTF-32, ikke UTF-8;")
    assert "UTF-16" not in message and "'CSV UTF-8 (kommasepareret)'" in message


def test_a_nul_byte_anywhere_is_refused(folder: Path) -> None:
    """Also after the first 64 KB (SQLite stored it; PostgreSQL refuses it mid-transaction)."""
    padding = "".join(f"F2,2019-{m:02d},1,pad{i}\n" for i in range(300) for m in range(1, 13)).encode()
    data = (folder / "use_of_force.csv").read_bytes() + padding + b"F3,2019-01,1,bad\x00kind\n"
    assert len(data) > 65536
    (folder / "use_of_force.csv").write_bytes(data)
    error = fails(folder)
    assert rules(error) == {("use_of_force.csv", 3605, "kind", "nul_byte")}
    assert "række 3.605, kolonne 'kind': 'bad␀kind'" in error.violations[0].message


def test_a_tab_separated_file_is_named_as_such(folder: Path) -> None:
    rewrite(folder, "concerns", texts("concerns"), sep="\t")
    error = fails(folder)
    assert rules(error) == {("concerns.csv", 1, None, "file_tab_separated")}
    assert "tabulator" in error.violations[0].message


def test_a_pipe_separated_file_is_named_as_such(folder: Path) -> None:
    """A database export's "|" was read as one column holding the whole header: five 'column missing' violations."""
    rewrite(folder, "concerns", texts("concerns"), sep="|")
    error = fails(folder)
    assert rules(error) == {("concerns.csv", 1, None, "file_pipe_separated")}
    assert error.violations[0].message == (
        "filen er adskilt med lodret streg (|); den skal være adskilt med komma eller semikolon: gem den som CSV "
        "(UTF-8) adskilt med komma eller semikolon"
    )


@pytest.mark.parametrize(("hint", "sep", "says"), [("sep=;", ",", "komma"), ("sep=,", ";", "semikolon")])
def test_a_delimiter_hint_line_naming_another_delimiter_than_the_header_has_is_named(
    folder: Path, hint: str, sep: str, says: str
) -> None:
    """A file whose first line says "sep=;" above a comma-separated header was read as one column: every required
    column 'missing', and nothing said the first line was the cause."""
    body = csv_bytes(texts("concerns"), sep=sep).decode("utf-8")
    (folder / "concerns.csv").write_text(f"{hint}\n{body}", encoding="utf-8")
    error = fails(folder)
    assert rules(error) == {("concerns.csv", 1, None, "file_sep_line")}
    assert error.violations[0].message == (
        f"første linje '{hint}' siger, at filen er adskilt med {'semikolon' if says == 'komma' else 'komma'}, men "
        f"overskriften er adskilt med {says}; slet linjen '{hint}'"
    )


@pytest.mark.parametrize("hint", ["sep=;", "SEP=;\r"])
def test_excels_delimiter_hint_line_is_understood_and_not_counted_as_a_row(folder: Path, hint: str) -> None:
    good = read_upload(folder, today=AS_OF).dataset.visits
    rows = texts("visits")
    rows[2][1] = "F99"  # the second visit (row 3 as Excel shows it, with the hint line hidden)
    body = csv_bytes(rows, sep=";").decode("utf-8")
    (folder / "visits.csv").write_text(f"{hint}\n{body}", encoding="utf-8")
    error = fails(folder)
    assert ("visits.csv", 3, "facility_id", "reference") in rules(error)
    rows[2][1] = texts("visits")[2][1]
    (folder / "visits.csv").write_text(f"{hint}\n{csv_bytes(rows, sep=';').decode('utf-8')}", encoding="utf-8")
    pd.testing.assert_frame_equal(read_upload(folder, today=AS_OF).dataset.visits, good)


def test_a_title_above_the_header_in_a_workbook_is_named_once(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book_path = write_workbook(small_dataset(), tmp_path / "eksport.xlsx")
    book = load_workbook(book_path)
    book["visits"].insert_rows(1, amount=2)
    book["visits"]["A1"] = "Tilsynsbesøg 2023-2025"  # a title, then a blank row, then the header in row 3
    book.save(book_path)
    error = fails(book_path)
    assert rules(error) == {("[eksport.xlsx]visits", 1, None, "header_not_first")}
    assert "række 3" in error.violations[0].message


@pytest.mark.parametrize(
    ("above", "sep", "header_row"),
    [
        (["Tilbud udtræk 2026"], ",", 2),  # a title without a delimiter: every row below was "too long"
        (["Tilbud udtræk 2026", ""], ",", 3),  # a title and a blank line
        (["Tilbud udtræk, 2026", "Dato: 22.11.2026"], ";", 3),  # a comma in a semicolon file's title
        (["Tilbud udtræk 2026;;;;;"], ";", 2),  # as Excel saves a title row
    ],
)
def test_a_title_above_the_header_in_a_csv_file_is_named_once(
    folder: Path, above: list[str], sep: str, header_row: int
) -> None:
    body = csv_bytes(texts("visits"), sep=sep).decode("utf-8")
    (folder / "visits.csv").write_text("\n".join(above) + "\n" + body, encoding="utf-8")
    error = fails(folder)
    assert rules(error) == {("visits.csv", 1, None, "header_not_first")}  # not row_too_long for every row
    assert error.violations[0].message == (
        f"overskriften med kolonnerne står i række {header_row}, ikke i række 1; slet rækkerne over den "
        "(fx en titel eller en tom række)"
    )


@pytest.mark.parametrize(("above", "sep"), [(";;;;;", ";"), (",,,,,", ","), ('"";"";""', ";"), ("sep=;\n;;;;;", ";")])
def test_an_empty_row_above_the_header_is_a_blank_line_as_in_a_sheet(folder: Path, above: str, sep: str) -> None:
    """Excel saves an empty first row that once held something as ";;;;;": a blank line is skipped above the header
    (and the same empty row in the workbook is too), but this one was "the header is in row 2, not row 1"."""
    body = csv_bytes(texts("visits"), sep=sep).decode("utf-8")
    (folder / "visits.csv").write_text(above + "\n" + body, encoding="utf-8")
    expected = read_upload(write_csv_folder(small_dataset(), folder.parent / "plain"), today=AS_OF)
    result = read_upload(folder, today=AS_OF)
    pd.testing.assert_frame_equal(result.dataset.visits, expected.dataset.visits)
    visits = texts("visits")
    visits[1][visits[0].index("kind")] = "ukendt_slags"
    (folder / "visits.csv").write_text(above + "\n" + csv_bytes(visits, sep=sep).decode("utf-8"), encoding="utf-8")
    assert ("visits.csv", 3, "kind", "enum") in rules(fails(folder))  # the rows keep the numbers a sheet shows


def test_excels_delimiter_hint_line_above_a_title_is_not_counted(folder: Path) -> None:
    body = csv_bytes(texts("visits"), sep=";").decode("utf-8")
    (folder / "visits.csv").write_text("sep=;\nTilbud udtræk 2026\n" + body, encoding="utf-8")
    error = fails(folder)
    assert rules(error) == {("visits.csv", 1, None, "header_not_first")}
    assert "række 2" in error.violations[0].message


def test_a_header_with_a_missing_column_is_still_named_column_by_column(folder: Path) -> None:
    rows = [row[:1] + row[2:] for row in texts("visits")]  # no facility_id: not a header further down
    rewrite(folder, "visits", rows)
    assert ("visits.csv", 1, "facility_id", "column_missing") in rules(fails(folder))


def test_an_unclosed_quote_is_reported_where_it_opens(folder: Path) -> None:
    lines = (folder / "visits.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = '"' + lines[3]  # row 4; otherwise the rest of the file silently becomes one cell
    (folder / "visits.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = fails(folder)
    assert rules(error) == {("visits.csv", 4, None, "unclosed_quote")}
    assert "anførselstegn" in error.violations[0].message


def test_a_long_cell_reads_the_same_on_the_careful_path(folder: Path) -> None:
    rows = texts("facilities")
    rows[1][1] = "A" * 200_000  # longer than the csv module's default field limit
    rows[2] = [*rows[2], "x"]  # a row too wide sends the file down the careful path
    rewrite(folder, "facilities", rows)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 3, None, "row_too_long"), ("facilities.csv", 2, "name", "too_long")}
    assert "(værdien har 200000 tegn)" in error.violations[0].message  # the whole cell was read


def test_a_damaged_workbook_sheet_is_a_violation(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "concerns"
    for row in texts("concerns"):
        sheet.append(row)
    whole = tmp_path / "whole.xlsx"
    book.save(whole)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(damaged, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data[: len(data) // 2] if info.filename.startswith("xl/worksheets/") else data)
    error = fails(damaged, existing=small_dataset())
    assert rules(error) == {("[damaged.xlsx]concerns", None, None, "file_not_xlsx")}


# --- values ----------------------------------------------------------------------------------------


def test_dates_outside_the_supported_years_are_violations_not_a_crash(folder: Path) -> None:
    rows = texts("concerns")
    rows.append(["F2", "0001-01-01", "low"])
    rows.append(["F2", "1899-12-30", "low"])  # Excel's day zero
    rows.append(["F2", "2026-02-30", "low"])
    rewrite(folder, "concerns", rows)
    fac = texts("facilities")
    fac[1][fac[0].index("closed_on")] = "9999-12-31"  # "not closed" in some systems
    rewrite(folder, "facilities", fac)
    uof = texts("use_of_force")
    uof.append(["F3", "0001-01", "1", ""])
    rewrite(folder, "use_of_force", uof)
    error = fails(folder)
    assert rules(error) == {
        ("facilities.csv", 2, "closed_on", "date_range"),
        ("concerns.csv", 3, "date", "date_range"),
        ("concerns.csv", 4, "date", "date_range"),
        ("concerns.csv", 5, "date", "date"),
        ("use_of_force.csv", 5, "month", "date_range"),
    }
    by_row = {(v.file, v.row): v.message for v in error.violations}
    assert "1900-2199" in by_row[("concerns.csv", 3)]
    assert "kalenderen" in by_row[("concerns.csv", 5)]


def test_integers_too_large_or_with_a_thousands_separator_are_refused(folder: Path) -> None:
    fac = texts("facilities")
    places = fac[0].index("places")
    fac[1][places] = "10000000000000000000000"  # was stored as -9223372036854775808
    fac[2][places] = "1.000"  # was stored as 1
    fac[3][places] = "4,0"  # a decimal comma with a zero decimal: still 4
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert rules(error) == {("facilities.csv", 2, "places", "int"), ("facilities.csv", 3, "places", "int")}
    messages = [v.message for v in error.violations]
    assert "for stort" in messages[0]
    assert "tusindtalsseparator" in messages[1]


def test_an_integer_beyond_the_databases_integer_column_is_refused_with_the_limit(folder: Path) -> None:
    """The contract's integers are stored in 32-bit INTEGER columns. 3,000,000,000 is exact in a float, so it passed
    the check, and PostgreSQL refused the INSERT ("integer out of range"): the CLI printed a traceback and the API
    answered 500 for an upload the check had found valid. The largest value the column holds is accepted."""
    uof = texts("use_of_force")
    uof[1][uof[0].index("count")] = "3000000000"
    uof[2][uof[0].index("count")] = "2147483647"
    rewrite(folder, "use_of_force", uof)
    ins = texts("inspectors")
    ins[1][ins[0].index("visits_per_week")] = "2147483648"
    rewrite(folder, "inspectors", ins)
    error = fails(folder)
    assert rules(error) == {("use_of_force.csv", 2, "count", "int"), ("inspectors.csv", 2, "visits_per_week", "int")}
    assert {v.message for v in error.violations} == {
        "count skal være et heltal på mindst 0; tallet er for stort (højst 2.147.483.647)",
        "visits_per_week skal være et heltal på mindst 0; tallet er for stort (højst 2.147.483.647)",
    }


def test_digits_of_other_scripts_are_no_postcode(folder: Path) -> None:
    fac = texts("facilities")
    fac[1][fac[0].index("postcode")] = "８６００"  # full-width digits
    rewrite(folder, "facilities", fac)
    assert rules(fails(folder)) == {("facilities.csv", 2, "postcode", "pattern")}


# --- CPR ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [("010190 1234", "010190-****"), ("010190\u20131234", "010190-****"), ("Jens 0101901234", "Jens 010190-****")],
)
def test_mask_cpr_with_a_space_or_another_dash(text: str, masked: str) -> None:
    assert mask_cpr(text) == masked


def test_cpr_in_a_header_or_a_reference_is_masked_everywhere(folder: Path) -> None:
    fac = texts("facilities")
    add_column(fac, "010190-1234")  # a column named by a CPR number (a pasted row as header)
    fac[2][fac[0].index("target_group")] = "borger 020290 1234"
    rewrite(folder, "facilities", fac)
    visits = texts("visits")
    visits[1][visits[0].index("inspector_ids")] = "I1;030390-1234"
    rewrite(folder, "visits", visits)
    with pytest.raises(ValidationFailed) as info:
        read_upload(folder, today=AS_OF)
    error = info.value
    assert ("facilities.csv", 1, "010190-****", "cpr") in rules(error)
    assert ("facilities.csv", 3, "target_group", "cpr") in rules(error)
    assert ("visits.csv", 2, "inspector_ids", "reference") in rules(error)
    shown = repr(error.violations) + repr(error.warnings)
    for number in ("010190-1234", "020290 1234", "030390-1234"):
        assert number not in shown


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u200e", "\ufeff"])
def test_a_cpr_number_with_an_invisible_character_inside_is_one_and_masked(folder: Path, char: str) -> None:
    """Text copied from a web page or Word brings a zero-width space or a soft hyphen with it: inside a CPR number
    the detector saw no number, so one in an unknown column was accepted, and the violation for the invisible
    character echoed the whole number unmasked."""
    fac = texts("facilities")
    fac[1][fac[0].index("name")] = f"Egebakken 0101{char}90-1234"
    add_column(fac, "Bemærkning")
    fac[2][-1] = f"borger 020290{char}-1234"
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert {("facilities.csv", 2, "name", "cpr"), ("facilities.csv", 3, "Bemærkning", "cpr")} <= rules(error)
    shown = repr(error.violations) + repr(error.warnings)
    assert "1234" not in shown.replace("Egebakken", "")
    assert mask_cpr(f"borger 0101{char}90-1234") == "borger 010190-****"
    (folder / "borgere.csv").write_text(f"navn,nummer\nJens,0303{char}90-1234\n", encoding="utf-8")
    assert ("borgere.csv", 2, "nummer", "cpr") in rules(fails(folder))
