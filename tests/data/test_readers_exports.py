"""File and sheet names, hidden sheets and end-of-file marks as export tools and people leave them: a contract
file under a near-miss name is refused with the name it should have, never ignored while the rest is stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from data.errors import InvalidArgumentError
from data.importer import read_upload
from tests.data.test_importer import fails
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import cell_texts, write_csv_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def test_a_dos_end_of_file_mark_is_ignored(folder: Path) -> None:
    path = folder / "facilities.csv"
    path.write_bytes(path.read_bytes() + b"\x1a")
    read_upload(folder, today=AS_OF)


# --- file and sheet names ----------------------------------------------------------------------------


def test_a_contract_file_with_a_second_extension_is_refused_not_ignored(folder: Path) -> None:
    """Windows hides ".txt": "visits.csv" saved as text becomes visits.csv.txt, and ignoring it would import the
    rest as if the visits had been sent."""
    (folder / "visits.csv").rename(folder / "visits.csv.txt")
    error = fails(folder)
    assert [(v.file, v.rule) for v in error.violations if v.file.startswith("visits")] == [
        ("visits.csv.txt", "file_name")
    ]
    assert "visits.csv" in error.violations[0].message


@pytest.mark.parametrize("name", ["visits", "visits.txt", "Visits.TXT"])
def test_a_contract_file_without_the_csv_extension_is_told_to_be_renamed(folder: Path, name: str) -> None:
    """A CSV file sent without an extension (``curl -F files=@visits``) or saved as .txt: it was refused as
    "filen er ikke en CSV-fil; gem den som CSV", though it is one; what it lacks is the name."""
    (folder / "visits.csv").rename(folder / name)
    error = fails(folder)
    [violation] = error.violations
    assert (violation.file, violation.rule) == (name, "file_name")
    assert violation.message == f"filen hedder {name}; omdøb den til visits.csv (en CSV-fil skal have endelsen .csv)"


def test_a_contract_file_in_another_format_is_still_told_to_be_saved_as_csv(folder: Path) -> None:
    (folder / "visits.csv").unlink()
    (folder / "visits.pdf").write_bytes(b"%PDF-1.4")
    [violation] = fails(folder).violations
    assert (violation.file, violation.rule) == ("visits.pdf", "file_not_csv")


def test_a_sheet_named_like_the_csv_file_is_refused_not_ignored(tmp_path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, sheet in (("facilities.csv", "facilities"), ("inspectors", "inspectors"), ("visits", "visits")):
        ws = book.create_sheet(name)
        for row in cell_texts(sheet, small_dataset().tables()[sheet]):
            ws.append(row)
    book.save(tmp_path / "data.xlsx")
    error = fails(tmp_path / "data.xlsx")
    assert [(v.file, v.rule) for v in error.violations] == [("[data.xlsx]facilities.csv", "file_name")]
    assert "'facilities'" in error.violations[0].message


def test_a_hidden_sheet_is_read_with_a_warning(tmp_path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name in ("facilities", "inspectors", "visits", "concerns"):
        ws = book.create_sheet(name)
        for row in cell_texts(name, small_dataset().tables()[name]):
            ws.append(row)
    book["concerns"].sheet_state = "hidden"
    book.save(tmp_path / "data.xlsx")
    result = read_upload(tmp_path / "data.xlsx", today=AS_OF)
    assert "concerns" in result.tables
    assert [(w.file, w.rule) for w in result.warnings if w.rule == "sheet_hidden"] == [
        ("[data.xlsx]concerns", "sheet_hidden")
    ]


def test_rows_hidden_by_an_excel_filter_are_read_with_a_warning_naming_them(tmp_path: Path) -> None:
    """A leader filters the sheet to one socialtilsyn and uploads it: the filtered-out rows are still in the file
    (as in a CSV export of it) and are stored, so the upload must say so, by row."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name in ("facilities", "inspectors", "visits"):
        ws = book.create_sheet(name)
        for row in cell_texts(name, small_dataset().tables()[name]):
            ws.append(row)
    book["visits"].row_dimensions[3].hidden = True
    book["visits"].row_dimensions[5].hidden = True
    book["visits"].row_dimensions[1].hidden = True  # the header: not a data row, not named
    book.save(tmp_path / "data.xlsx")
    result = read_upload(tmp_path / "data.xlsx", today=AS_OF)
    assert len(result.dataset.visits) == len(small_dataset().visits)  # every row read
    hidden = [w for w in result.warnings if w.rule == "rows_hidden"]
    assert [(w.file, w.row) for w in hidden] == [("[data.xlsx]visits", 3)]
    assert "2 rækker er skjult" in hidden[0].message and "række 3, 5" in hidden[0].message


def test_an_old_excel_file_given_alone_says_to_save_it_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "Eksport.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InvalidArgumentError) as caught:
        read_upload(path, today=AS_OF)
    assert "Eksport.xls" in caught.value.message and "gem den i Excel som .xlsx" in caught.value.message


def test_the_same_file_in_two_folders_of_a_zip_names_both(folder: Path, tmp_path: Path) -> None:
    archive = tmp_path / "eksport.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"2024/{path.name}")
        z.write(folder / "visits.csv", "2025/visits.csv")
    error = fails(archive)
    twice = [v for v in error.violations if v.rule == "file_twice"]
    assert len(twice) == 1 and "2024/visits.csv" in twice[0].message and "2025/visits.csv" in twice[0].message


@pytest.mark.parametrize(
    "name",
    [
        "facilities (1).csv",  # a browser's second download
        "Facilities - Kopi.csv",  # Windows' copy, Danish
        "facilities - Copy.csv",
        "Kopi af facilities.csv",
        "facilities_2025.csv",
        "facilities kopi.csv",  # macOS
    ],
)
def test_a_contract_file_under_a_copy_name_is_refused_not_ignored(folder: Path, name: str) -> None:
    """Ignored, the rest of the upload would be stored without it (a changed facilities.csv never arrives)."""
    (folder / "facilities.csv").rename(folder / name)
    error = fails(folder, existing=small_dataset())
    assert [(v.file, v.rule, v.message) for v in error.violations] == [
        (
            name,
            "file_name",
            f"filen hedder {name}; omdøb den til facilities.csv (ellers ville resten af uploaden blive gemt uden den)",
        )
    ]


def test_a_copy_beside_the_file_itself_is_ignored_with_a_warning(folder: Path) -> None:
    (folder / "visits (1).csv").write_bytes((folder / "visits.csv").read_bytes())
    (folder / "README.csv").write_text("ikke en del af uploaden", encoding="utf-8")
    (folder / "visitsplan.csv").write_text("ikke en del af uploaden", encoding="utf-8")
    result = read_upload(folder, today=AS_OF)
    ignored = {w.file: w.message for w in result.warnings if w.rule == "file_ignored"}
    assert ignored.pop("visits (1).csv") == "filen ligner en kopi af visits.csv og ignoreres; visits.csv indlæses"
    assert sorted(ignored) == ["README.csv", "visitsplan.csv"]  # no copy's name: not part of the contract
    assert all(m.startswith("filen hører ikke til datakontrakten og ignoreres") for m in ignored.values())


def test_the_file_a_csv_file_was_saved_from_is_ignored_beside_it(folder: Path) -> None:
    """Excel's "Gem som CSV" leaves facilities.csv beside facilities.xlsx, so the folder holds both: the workbook was
    refused ("filen er ikke en CSV-fil; gem den som CSV … under navnet facilities.csv") though facilities.csv was
    there, and so was a visits.csv.txt beside visits.csv. Beside the CSV file each is ignored with a warning, as a
    copy is; alone each is still refused (test_wrong_extension_and_binary_files, and the second extension above)."""
    (folder / "facilities.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "visits.csv.txt").write_bytes((folder / "visits.csv").read_bytes())
    with zipfile.ZipFile(folder.parent / "eksport.zip", "w") as archive:  # in a zip the workbook may come first
        archive.writestr("facilities.xlsx", b"PK\x03\x04")
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, path.name)
    for upload in (folder, folder.parent / "eksport.zip"):
        result = read_upload(upload, today=AS_OF)
        ignored = {w.file: w.message for w in result.warnings if w.rule == "file_ignored"}
        assert ignored.pop("facilities.xlsx") == "filen er ikke en CSV-fil og ignoreres; facilities.csv indlæses"
        if upload == folder:
            assert ignored == {"visits.csv.txt": "filen ligner en kopi af visits.csv og ignoreres; visits.csv indlæses"}
        assert result.files["facilities"].rows == 6


def test_a_copied_sheet_alone_is_refused(tmp_path: Path) -> None:
    """Excel names a copied sheet "facilities (2)"; the original deleted, the copy is the one meant."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, sheet in (("facilities (2)", "facilities"), ("inspectors", "inspectors"), ("visits", "visits")):
        ws = book.create_sheet(name)
        for row in cell_texts(sheet, small_dataset().tables()[sheet]):
            ws.append(row)
    book.save(tmp_path / "data.xlsx")
    error = fails(tmp_path / "data.xlsx")
    assert [(v.file, v.rule) for v in error.violations] == [("[data.xlsx]facilities (2)", "file_name")]
    assert "omdøb det til 'facilities'" in error.violations[0].message


@pytest.mark.parametrize("name", ["Tilbud.csv", "eksport_tilbud_2026.csv", "tilbud.txt"])
def test_a_contract_file_under_another_name_is_known_by_its_header(folder: Path, name: str) -> None:
    """A case system names its export after its own words ("Tilbud.csv"): ignored as "not part of the contract",
    the rest was stored without it, or the upload was refused as holding none of the contract's files. Its header
    has the columns of facilities.csv, so it is refused with the name it needs, as a copy's name is."""
    (folder / "facilities.csv").rename(folder / name)
    error = fails(folder, existing=small_dataset())
    assert [(v.file, v.rule, v.message) for v in error.violations] == [
        (
            name,
            "file_name",
            f"filen hedder {name}, men har kolonnerne fra facilities.csv; omdøb den til facilities.csv (ellers ville "
            "resten af uploaden blive gemt uden den)",
        )
    ]
    (folder / name).rename(folder.parent / name)  # uploaded alone: the same, not "none of the contract's files"
    only = folder.parent / "alene"
    only.mkdir()
    (folder.parent / name).rename(only / name)
    assert [(v.file, v.rule) for v in fails(only, existing=small_dataset()).violations] == [(name, "file_name")]


def test_a_sheet_under_another_name_is_known_by_its_header(tmp_path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, sheet in (("facilities", "facilities"), ("inspectors", "inspectors"), ("Ark1", "visits")):
        ws = book.create_sheet(title)
        ws.append(["Besøg udtrukket 2026-10-01"])  # a title above the header
        for row in cell_texts(sheet, small_dataset().tables()[sheet]):
            ws.append(row)
    book.save(tmp_path / "data.xlsx")
    error = fails(tmp_path / "data.xlsx")
    assert [(v.file, v.rule, v.message) for v in error.violations if v.file.endswith("Ark1")] == [
        (
            "[data.xlsx]Ark1",
            "file_name",
            "arket hedder Ark1, men har kolonnerne fra 'visits'; omdøb det til 'visits' (ellers ville resten af "
            "uploaden blive gemt uden det)",
        )
    ]


def test_a_file_with_a_contract_files_columns_beside_it_is_ignored_with_a_warning(folder: Path) -> None:
    (folder / "besøg_backup.csv").write_bytes((folder / "visits.csv").read_bytes())
    (folder / "noter.csv").write_text("facility_id,bemærkning\nF1,ring først\n", encoding="utf-8")
    result = read_upload(folder, today=AS_OF)
    ignored = {w.file: w.message for w in result.warnings if w.rule == "file_ignored"}
    assert ignored.pop("besøg_backup.csv") == ("filen har kolonnerne fra visits.csv og ignoreres; visits.csv indlæses")
    assert ignored["noter.csv"].startswith("filen hører ikke til datakontrakten og ignoreres")


# --- an upload that cannot be read as a whole --------------------------------------------------------


def test_a_damaged_zip_is_reported_alone_not_also_as_missing_files(folder: Path, tmp_path: Path) -> None:
    archive = tmp_path / "eksport.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, path.name)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])  # cut in half: no central directory
    error = fails(archive)
    assert [(v.file, v.rule) for v in error.violations] == [("eksport.zip", "file_not_zip")]
    assert error.warnings == []  # not "use_of_force.csv mangler og intet er gemt" either


def test_a_zip_inside_a_zip_says_unpack_it(folder: Path, tmp_path: Path) -> None:
    inner = tmp_path / "eksport.zip"
    with zipfile.ZipFile(inner, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, path.name)
    outer = tmp_path / "igen.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(inner, "eksport.zip")
    error = fails(outer)
    assert [(v.file, v.rule) for v in error.violations] == [("igen.zip", "no_contract_files")]
    assert "ignoreret: 'eksport.zip' (en zip-fil i en zip-fil eller en mappe pakkes ikke ud; pak den ud" in (
        error.violations[0].message
    )


# --- line breaks, counted without a list of the lines -------------------------------------------------


@given(st.text(alphabet=st.sampled_from(["a", ",", ";", "\n", "\r", "ø", "€", " "]), max_size=40))
def test_fields_and_lines_are_counted_as_the_csv_module_splits_unquoted_text(text: str) -> None:
    """``_field_counts`` counts a line's delimiters in its UTF-8 bytes and ``_lines`` yields the lines one at a time
    (a list of 2.2 million lines, and a ``StringIO`` of four bytes a character, took 150 and 190 MB): every line break
    (``\\r\\n``, ``\\r``, ``\\n``) and a last line without one, as Python's csv module reads them."""
    import csv
    import io

    from data.readers.csv_files import _field_counts, _lines

    assert list(_lines(text)) == list(io.StringIO(text, newline=""))
    for delimiter in ",;":
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert _field_counts(text, delimiter).tolist() == [max(len(r), 1) for r in records]
