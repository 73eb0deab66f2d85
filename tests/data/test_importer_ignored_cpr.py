"""The CPR rule holds for the whole upload: a file or sheet the reader ignores (``borgere.csv`` beside the contract's
files, a sheet ``Borgere``, ``visits (1).csv`` beside ``visits.csv``) is searched with the same detector as the
contract's cells, and a CPR-like value in it rejects the upload. Binary and undecodable files stay ignored, and an
ignored file without one stays a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import data.readers.ignored as ignored
from data.errors import ValidationFailed, Violation
from data.importer import read_upload
from tests.data.test_importer import add_column, fails, rewrite, rules, texts
from tests.data.test_readers_xlsx import patch_sheet, sheet_data
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes, write_csv_folder, write_workbook, write_zip

CITIZENS = [["cpr_nr", "navn"], ["F1-borger", "Ida"], ["010203-1234", "Jens Hansen"]]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def warnings_of(folder: Path) -> list[tuple[str, str]]:
    return [(w.file, w.rule) for w in read_upload(folder, today=AS_OF).warnings]


def test_a_citizens_file_beside_the_contract_files_is_refused_naming_it(folder: Path) -> None:
    (folder / "borgere.csv").write_bytes(csv_bytes(CITIZENS, sep=";"))
    error = fails(folder)
    assert rules(error) == {("borgere.csv", 3, "cpr_nr", "cpr")}
    [violation] = error.violations
    assert violation.value == "010203-****"
    assert "hører ikke til datakontrakten" in violation.message and "fjern filen" in violation.message
    assert "010203-1234" not in repr(error.violations) + repr(error.warnings)


def test_a_citizens_file_in_a_zip_is_refused_naming_it(folder: Path, tmp_path: Path) -> None:
    (folder / "borgere.csv").write_bytes(csv_bytes(CITIZENS, bom=True))
    error = fails(write_zip(folder, tmp_path / "eksport.zip", prefix="eksport/"))
    assert rules(error) == {("borgere.csv", 3, "cpr_nr", "cpr")}
    assert error.violations[0].value == "010203-****"


def test_an_extra_sheet_with_a_cpr_number_is_refused_naming_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    book = load_workbook(path)
    sheet = book.create_sheet("Borgere")
    sheet.append(["navn", "nummer"])
    sheet.append(["Ida", "intet"])
    sheet.append(["Jens", 1203451234])  # typed as a number, as Excel keeps one without a dash
    book.save(path)
    error = fails(path)
    assert rules(error) == {("[data.xlsx]Borgere", 3, "nummer", "cpr")}
    assert error.violations[0].value == "120345-****"
    assert "arket" in error.violations[0].message and "1203451234" not in repr(error.violations)


def test_notes_in_free_text_name_the_row_and_count_every_hit_in_one_violation(folder: Path) -> None:
    (folder / "noter.txt").write_text(
        "Noter fra tilsynet\n\nBorger 241299-4321 ringede.\nOgså 0101011234 og\n311201 1234.\n", encoding="utf-8"
    )
    error = fails(folder)
    assert rules(error) == {("noter.txt", 3, None, "cpr")}  # one column: no column to name
    [violation] = error.violations
    assert violation.value == "Borger 241299-**** ringede."
    assert "3 værdier" in violation.message


def test_a_copy_beside_the_contract_file_is_searched_too(folder: Path) -> None:
    rows = texts("concerns")
    add_column(rows, "note", "ring 0102031234")
    (folder / "concerns (1).csv").write_bytes(csv_bytes(rows))
    error = fails(folder)
    assert {(v.file, v.row, v.column, v.rule) for v in error.violations} == {("concerns (1).csv", 2, "note", "cpr")}


def test_an_ignored_file_without_a_cpr_number_stays_a_warning(folder: Path) -> None:
    """Ids, dates, decimals, phone numbers and long numbers that are no date: the warning as before, nothing more."""
    before = warnings_of(folder)
    (folder / "noter.txt").write_text(
        "id;dato;tal;tlf;andet\nF1;2024-01-15;56.0102031234;+45 12345678;1234567890\n"
        "T10005;15-01-2024;3,5;12 34 56 78;12345678901\nV-2026-06-01;2026-06;320199-1234;20240115 1030;991399-1234\n",
        encoding="utf-8",
    )
    (folder / "liste.csv").write_bytes(csv_bytes([["x"], ["150124"], ["10203-1234"]]))
    assert warnings_of(folder) == [*before, ("liste.csv", "file_ignored"), ("noter.txt", "file_ignored")]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("borgere.csv", "navn;cpr\nSøren;010203-1234\n".encode("cp1252")),  # not UTF-8
        ("borgere.txt", "navn;cpr\n010203-1234\n".encode("utf-16")),  # UTF-16 (Excel's "Unicode-tekst")
        ("scan.pdf", b"%PDF-1.4\n010203-1234\n"),  # binary: never parsed
        ("borgere.csv", b"%PDF-1.4\n010203-1234\n"),  # a PDF named .csv
        ("borgere.docx", b"PK\x03\x04 010203-1234"),
        ("noter.txt", b"navn\x00010203-1234\n"),  # a NUL byte: binary
    ],
    ids=["cp1252", "utf16", "pdf", "pdf-as-csv", "docx", "nul"],
)
def test_an_ignored_file_that_is_not_utf8_text_stays_a_warning(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)
    assert (name, "file_ignored") in warnings_of(folder)


def test_an_ignored_file_larger_than_the_unpacked_limit_is_not_read(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ignored, "MAX_UNPACKED_BYTES", 20)
    (folder / "borgere.csv").write_bytes(csv_bytes(CITIZENS))
    assert ("borgere.csv", "file_ignored") in warnings_of(folder)


@pytest.mark.parametrize(
    "value",
    [
        "F1", "2024-01-15", "15-01-2024", "150124", "56.0102031234", "56,0102031234", "1234567890", "12345678901",
        "320199-1234", "+45 12345678", "20240115 1030", "150124 1030", "0102031234", "ring 010203-1234 i dag",
        "010203–1234", "1.0102031234",
    ],
)  # fmt: skip
def test_an_ignored_file_is_judged_as_a_contract_cell_is(folder: Path, tmp_path: Path, value: str) -> None:
    """The same detector: a value rejects an upload in an ignored file exactly when it does in a contract file's cell."""
    rows = texts("concerns")
    add_column(rows, "note", value)
    rewrite(folder, "concerns", rows, sep=";")
    in_contract = any(v.rule == "cpr" for v in _violations(folder))
    other = tmp_path / "other"
    other.mkdir()
    for path in folder.iterdir():
        (other / path.name).write_bytes(path.read_bytes())
    (other / "concerns.csv").write_bytes(csv_bytes(texts("concerns"), sep=";"))
    (other / "ekstra.csv").write_bytes(csv_bytes([["id", "note"], ["1", value]], sep=";"))
    in_ignored = any(v.rule == "cpr" for v in _violations(other))
    assert in_ignored == in_contract


def _violations(folder: Path) -> list[Violation]:
    try:
        read_upload(folder, today=AS_OF)
    except ValidationFailed as error:
        return error.violations
    return []


def test_an_extra_sheet_without_a_cpr_number_stays_a_warning(tmp_path: Path) -> None:
    path = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    book = load_workbook(path)
    sheet = book.create_sheet("Ark1")
    sheet.append(["id", "dato", "tal"])
    sheet.append(["F1", "2024-01-15", 56.0102031234])
    book.save(path)
    warnings = [(w.file, w.rule) for w in read_upload(path, today=AS_OF).warnings]
    assert ("[data.xlsx]Ark1", "sheet_ignored") in warnings


def test_an_extra_sheet_too_large_to_read_stays_a_warning_not_a_dead_process(tmp_path: Path) -> None:
    """An ignored sheet is read with a contract sheet's bounds: one reaching far outside its table is left unread."""
    path = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    book = load_workbook(path)
    book.create_sheet("Borgere").append(["010203-1234"])
    count = len(book.sheetnames)
    book.save(path)
    far = '<row r="1"><c r="A1" t="inlineStr"><is><t>010203-1234</t></is></c></row>'
    patch_sheet(path, count, lambda xml: sheet_data(xml, far + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    warnings = [(w.file, w.rule) for w in read_upload(path, today=AS_OF).warnings]
    assert ("[data.xlsx]Borgere", "sheet_ignored") in warnings


def test_a_cpr_number_in_a_file_name_is_never_stored_or_answered(tmp_path: Path) -> None:
    """A CPR-like number in the name of the upload or of a file in it (a folder 'eksport 010203-1234', a note
    'borger 010203-1234.txt'): the warnings masked it, but the import log stored the name as the batch's source and
    the answer named the workbook's sheets by it ('[udtræk 010203-1234.xlsx]facilities'), so the number was kept
    and served by GET /imports. Masked where it is stored and answered, as in every message."""
    from data.settings import Settings
    from data.store import import_batches, open_database, save_upload

    path = write_workbook(small_dataset(), tmp_path / "udtræk 010203-1234.xlsx")
    result = read_upload(path, today=AS_OF)
    assert {report.source for report in result.files.values()} >= {"[udtræk 010203-****.xlsx]facilities"}
    assert "010203-1234" not in repr(result.files)
    engine = open_database(Settings(home=tmp_path / "home"))
    summary = save_upload(engine, result, f"upload: borger 010203-1234.txt, {path.name}")
    assert summary.source == "upload: borger 010203-****.txt, udtræk 010203-****.xlsx"
    [batch] = import_batches(engine)[1]
    assert batch.source == summary.source
    with engine.connect() as conn:
        stored = repr(conn.exec_driver_sql("select * from import_batches").fetchall())
    assert "010203-1234" not in stored


def test_a_hidden_citizens_file_is_searched_too(folder: Path, tmp_path: Path) -> None:
    """``.borgere.csv`` was passed over unread like ``.DS_Store``: its CPR numbers never refused the upload."""
    (folder / ".borgere.csv").write_bytes(csv_bytes(CITIZENS, sep=";"))
    error = fails(folder)
    assert rules(error) == {(".borgere.csv", 3, "cpr_nr", "cpr")}
    assert error.violations[0].value == "010203-****"
    zipped = fails(write_zip(folder, tmp_path / "eksport.zip", prefix="eksport/"))
    assert rules(zipped) == {(".borgere.csv", 3, "cpr_nr", "cpr")}


def test_a_hidden_text_file_is_named_as_not_read(folder: Path) -> None:
    """Passed over without a word, a hidden file looked as if it had been read; the system's own hidden files
    (``.DS_Store``, macOS's ``._facilities.csv``) still pass without one."""
    (folder / ".noter.txt").write_text("Husk at ringe til F1\n", encoding="utf-8")
    (folder / "._facilities.csv").write_bytes(b"\x00\x05\x16\x07Mac OS X        ")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    warnings = [w for w in read_upload(folder, today=AS_OF).warnings if w.file.startswith(".")]
    assert [(w.file, w.rule) for w in warnings] == [(".noter.txt", "file_hidden")]
    assert warnings[0].message == (
        "filen er skjult (navnet begynder med et punktum) og er ikke indlæst; omdøb den uden punktummet, hvis "
        "den hører til uploaden"
    )
