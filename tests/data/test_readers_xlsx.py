"""Workbook uploads read with calamine: every kind of cell becomes the text a CSV export holds, row numbers stay
Excel's, and a damaged, foreign or hostile file is a violation (never a traceback, never a dead process)."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import data.readers.limits as limits
import data.readers.workbook as workbook
from data.errors import InvalidArgumentError
from data.importer import read_upload
from data.readers import RawUpload, read_upload_files
from data.readers.cells import _cell_text
from data.readers.sheet_xml import _is_date_only_format, _is_percent_format
from tests.data.test_importer import fails, rules
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_workbook


def one_sheet(path: Path, rows: list[list[object]], *, title: str = "concerns") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def saved_by_excel(path: Path) -> None:
    """The workbook as Excel saves it once it has calculated: without openpyxl's ``fullCalcOnLoad`` (a request to
    calculate every formula on opening), so the formula values stored in its cells are Excel's own."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def patch_sheet(path: Path, sheet: int, change: Callable[[str], str]) -> None:
    """Rewrite the XML of the workbook's ``sheet``-th worksheet (1-based), as another tool would have written it."""
    member = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts[member] = change(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def sheet_data(xml: str, cells: str) -> str:
    """``xml`` with its sheetData replaced by ``cells`` (rows of hand-written cells)."""
    return re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>", f"<sheetData>{cells}</sheetData>", xml, flags=re.S)


def read(path: Path) -> RawUpload:
    upload = read_upload_files(path)
    assert not upload.violations, upload.violations
    return upload


def table(upload: RawUpload, name: str = "concerns") -> list[list[str]]:
    raw = upload.tables[name]
    return [list(raw.header), *raw.frame.values.tolist()]


def only_violation(path: Path) -> tuple[str, str, str]:
    upload = read_upload_files(path)
    assert len(upload.violations) == 1, upload.violations
    v = upload.violations[0]
    return v.file, v.rule, v.message


# --- cells ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (" x ", " x "),  # stripped later, with every other cell
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (3.0, "3"),
        (-0.0, "0"),
        (2.5, "2.5"),
        (1e20, "100000000000000000000"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        (dt.datetime(2026, 3, 1), "2026-03-01"),  # a date cell: openpyxl gave a datetime at midnight
        (dt.datetime(2026, 3, 1, 13, 45, 10), "2026-03-01 13:45:10"),
        (dt.time(13, 45), "13:45:00"),
        (dt.timedelta(hours=30, minutes=5), "30:05:00"),  # a duration ([t]:mm:ss), as Excel shows it
        (-dt.timedelta(minutes=90), "-1:30:00"),
    ],
)
def test_cell_text_of_each_type_calamine_returns(value: object, text: str) -> None:
    assert _cell_text(value) == text


def test_typed_cells_read_as_a_csv_export_writes_them(tmp_path: Path) -> None:
    values: list[object] = [
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1),
        dt.datetime(2026, 3, 1, 13, 45, 10),
        dt.time(13, 45),
        dt.timedelta(hours=30, minutes=5),
        True,
        3,
        3.0,
        2.5,
        "  tekst  ",
    ]
    book = one_sheet(tmp_path / "typer.xlsx", [[f"k{i}" for i in range(len(values))], values])
    assert table(read(book))[1] == [
        "2026-03-01",
        "2026-03-01",
        "2026-03-01 13:45:10",
        "13:45:00",
        "30:05:00",
        "true",
        "3",
        "3",
        "2.5",
        "tekst",
    ]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("3.0000000000000004", "3"),  # =0.1*30: Excel shows 3, and its CSV export writes 3
        ("0.30000000000000004", "0.3"),  # =0.1+0.2
        ("4.3333333333333339", "4.33333333333333"),  # =13/3
        ("57.035380000000004", "57.03538"),
        ("1E+20", "100000000000000000000"),
        ("-2.9999999999999996", "-3"),
    ],
)
def test_a_number_reads_as_the_15_digits_excel_shows(tmp_path: Path, stored: str, shown: str) -> None:
    """Excel stores a formula's result with all 17 digits of the binary number but shows and exports 15: a score
    of =0.1*30 is 3 on screen and in a CSV export, and was refused here as '3.0000000000000004', not an integer."""
    path = one_sheet(tmp_path / "tal.xlsx", [])
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        f'<row r="2"><c r="A2"><f>0.1*30</f><v>{stored}</v></c></row>'
    )
    patch_sheet(path, 1, lambda xml: sheet_data(xml, cells))
    assert table(read(path)) == [["a"], [shown]]


def test_leading_empty_rows_and_columns_keep_excels_row_numbers(tmp_path: Path) -> None:
    path = write_workbook(small_dataset(), tmp_path / "flyttet.xlsx")
    book = load_workbook(path)
    sheet = book["concerns"]
    sheet.insert_rows(1)
    sheet.insert_cols(1, amount=2)  # the table starts in C2
    assert sheet["C2"].value == "facility_id"
    sheet["E3"] = "meget"  # severity of the one concern
    book.save(path)
    assert rules(fails(path)) == {("[flyttet.xlsx]concerns", 3, "severity", "enum")}


def test_merged_cells_hold_their_value_in_the_top_left_cell_only(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "flettet.xlsx", [["a", "b", "c"], ["x", None, None], ["", "", "y"]])
    book = load_workbook(path)
    book["concerns"].merge_cells("A2:B3")
    book.save(path)
    assert table(read(path)) == [["a", "b", "c"], ["x", "", ""], ["", "", "y"]]


def test_formula_cells_give_their_cached_value_and_errors_their_text(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "formler.xlsx", [])
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>c</t></is></c></row>'
        '<row r="2"><c r="A2" t="str"><f>"F"&amp;"1"</f><v>F1</v></c><c r="B2"><f>1+2</f><v>3</v></c>'
        '<c r="C2"><f>1+2</f></c></row>'  # no cached value (written by a tool that does not calculate): empty
        '<row r="3"><c r="A3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r=\'B3\' t=\'e\'><v>#N/A</v></c></row>'
    )
    patch_sheet(path, 1, lambda xml: sheet_data(xml, cells))
    assert table(read(path)) == [["a", "b", "c"], ["F1", "3", ""], ["#DIV/0!", "#N/A", ""]]


@pytest.mark.parametrize(("formula", "error"), [('VLOOKUP("x",A1:A2,2,FALSE)', "#N/A"), ("1/0", "#DIV/0!")])
def test_an_error_in_an_optional_typed_column_is_never_a_silent_empty_cell(
    tmp_path: Path, formula: str, error: str
) -> None:
    """calamine reads an error cell as empty, which passed silently where the column is optional. #N/A (a lookup
    that found nothing; Excel's "not available") is read as empty with a warning for the column, as the text NA or
    NULL of another program is; any other error (#DIV/0!, #REF!) is refused, in one violation for the column naming
    what the error means."""
    path = write_workbook(small_dataset(), tmp_path / "fejl.xlsx")
    book = load_workbook(path)
    sheet = book["facilities"]
    column = [c.value for c in sheet[1]].index("closed_on") + 1
    sheet.cell(row=3, column=column, value="FEJLCELLE")
    book.save(path)
    index = book.sheetnames.index("facilities") + 1
    patch_sheet(
        path,
        index,
        lambda xml: re.sub(
            r'<c r="([A-Z]+3)" t="inlineStr"><is><t>FEJLCELLE</t></is></c>',
            rf'<c r="\1" t="e"><f>{formula}</f><v>{error}</v></c>',
            xml,
        ),
    )
    saved_by_excel(path)
    if error == "#N/A":
        warnings = [w for w in read_upload(path, today=AS_OF).warnings if w.rule == "missing_value_marker"]
        assert [(w.file, w.row, w.column, w.value) for w in warnings] == [
            ("[fejl.xlsx]facilities", 3, "closed_on", "#N/A")
        ]
        return
    violations = fails(path)
    assert rules(violations) == {("[fejl.xlsx]facilities", 3, "closed_on", "excel_error")}
    assert "(#DIV/0!: formlen dividerer med 0 eller en tom celle); række 3" in violations.violations[0].message


def test_a_formula_without_its_value_is_a_violation_at_the_cell_not_an_empty_cell(tmp_path: Path) -> None:
    """A workbook saved by a program that does not calculate (openpyxl, a script's export) holds formulas without
    their value, and calamine reads such a cell as empty: a closed_on written as a formula stored the tilbud as
    active, a score written as one was "må ikke være tom" beside a cell Excel shows as 3. Each is refused at its
    cell, naming the formula. A formula outside the contract's columns (a helper column) is left alone, and one
    whose value is stored (Excel, LibreOffice; also an empty text) is read as that value."""
    path = write_workbook(small_dataset(), tmp_path / "formler.xlsx")
    book = load_workbook(path)
    sheet = book["facilities"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("closed_on") + 1, value="=DATE(2026,1,31)")
    sheet.cell(row=1, column=len(header) + 1, value="hjælp")
    sheet.cell(row=2, column=len(header) + 1, value='=A2&" "&B2')
    book["indicator_scores"]["C2"] = "=2+1"
    book.save(path)
    error = fails(path)
    assert rules(error) == {
        ("[formler.xlsx]facilities", 3, "closed_on", "formula_without_value"),
        ("[formler.xlsx]indicator_scores", 2, "score", "formula_without_value"),
    }
    by_column = {v.column: v for v in error.violations}
    assert by_column["closed_on"].value == "=DATE(2026,1,31)"
    assert by_column["score"].message.startswith("cellen indeholder en formel uden beregnet værdi")
    # Excel's own file: the value is stored beside the formula (an empty text as an empty <v>)
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>facility_id</t></is></c><c r="B1" t="inlineStr"><is><t>date'
        '</t></is></c><c r="C1" t="inlineStr"><is><t>severity</t></is></c></row>'
        '<row r="2"><c r="A2" t="str"><f>"F"&amp;"1"</f><v>F1</v></c><c r="B2" t="str"><f>"2026-02-03"</f>'
        '<v>2026-02-03</v></c><c r="C2" t="str"><f>"high"</f><v>high</v></c><c r="D2" t="str"><f>""</f><v></v></c>'
        "</row>"
    )
    excel = one_sheet(tmp_path / "excel.xlsx", [])
    patch_sheet(excel, 1, lambda xml: sheet_data(xml, cells))
    saved_by_excel(excel)
    assert table(read(excel)) == [["facility_id", "date", "severity", ""], ["F1", "2026-02-03", "high", ""]]


def test_a_merged_cell_over_several_records_is_a_violation_not_empty_cells(tmp_path: Path) -> None:
    """Merged cells ("Flet og centrer") over two visits of one tilbud show the value in both rows, but only the first
    cell holds it: the second visit was 'facility_id må ikke være tom', and a merged optional cell (inspector_ids,
    closed_on) was stored empty without a word. Refused at the merged range; a merge in the header row (a title over
    two columns) or in a column outside the contract is left alone."""
    path = write_workbook(small_dataset(), tmp_path / "flettet.xlsx")
    book = load_workbook(path)
    visits = book["visits"]
    header = [c.value for c in visits[1]]
    facility, inspectors = header.index("facility_id") + 1, header.index("inspector_ids") + 1
    assert visits.cell(2, facility).value == visits.cell(3, facility).value == "F1"
    visits.merge_cells(start_row=2, start_column=facility, end_row=3, end_column=facility)
    visits.cell(5, inspectors).value = "I1;I2"
    visits.merge_cells(start_row=5, start_column=inspectors, end_row=6, end_column=inspectors)
    visits.cell(1, len(header) + 1).value = "note"
    visits.merge_cells(start_row=2, start_column=len(header) + 1, end_row=4, end_column=len(header) + 1)
    book.save(path)
    error = fails(path)
    merged = [(v.file, v.row, v.column, v.value) for v in error.violations if v.rule == "merged_cells"]
    letter = "ABCDEFGH"
    assert merged == [
        ("[flettet.xlsx]visits", 2, "facility_id", "F1"),
        ("[flettet.xlsx]visits", 5, "inspector_ids", "I1;I2"),
    ]
    [first] = [v for v in error.violations if v.rule == "merged_cells" and v.row == 2]
    assert first.message == (
        f"cellerne {letter[facility - 1]}2:{letter[facility - 1]}3 er flettet, så kun række 2 har værdien, selv om "
        "Excel viser den i alle rækkerne; ophæv fletningen, og skriv værdien i hver række"
    )


# --- sheets ----------------------------------------------------------------------------------------


def test_sheet_names_ignore_case_and_spaces_and_other_sheets_are_ignored_with_a_warning(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "ark.xlsx", [["facility_id", "date", "severity"]], title=" Concerns ")
    book = load_workbook(path)
    book.create_sheet("Ark1")
    book.create_chartsheet("Diagram")  # not a worksheet: skipped, as openpyxl's book.worksheets skipped it
    book.save(path)
    upload = read(path)
    assert set(upload.tables) == {"concerns"}
    assert upload.tables["concerns"].source == "[ark.xlsx] Concerns "
    assert [(w.file, w.rule) for w in upload.warnings] == [("[ark.xlsx]Ark1", "sheet_ignored")]


def test_a_sheet_given_twice_is_a_violation(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "to.xlsx", [["facility_id", "date", "severity"]])
    book = load_workbook(path)
    book.create_sheet("CONCERNS ")
    book.save(path)
    assert only_violation(path)[:2] == ("[to.xlsx]CONCERNS ", "file_twice")


# --- damaged, foreign and hostile files ---------------------------------------------------------------


def _zip_without_workbook(good: bytes) -> bytes:
    """An .ods or .xlsb is a zip too, without xl/workbook.xml; calamine would read them, the contract does not."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/workbook.xml":
                dst.writestr(info, src.read(info))
    return out.getvalue()


def _needs_a_newer_zip(good: bytes) -> bytes:
    """The workbook with its first central directory entry asking for zip version 12.1 (a damaged byte): Python's
    zipfile raised NotImplementedError, which was not taken for a damaged file (a traceback, a 500)."""
    data = bytearray(good)
    at = data.find(b"PK\x01\x02")
    data[at + 6 : at + 8] = struct.pack("<H", 121)
    return bytes(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: b"\x00",  # one byte: a workbook of 0 bytes is called empty (tests/data/test_importer_odd.py)
        lambda good: b"facility_id,date,severity\nF1,2026-01-01,low\n",  # a CSV file named .xlsx
        lambda good: good[: len(good) // 2],
        lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),  # OLE: an old .xls or an encrypted .xlsx
        _zip_without_workbook,
        _needs_a_newer_zip,
    ],
    ids=["one-byte", "csv", "truncated", "ole", "zip-not-xlsx", "zip-version"],
)
def test_a_file_that_is_not_a_readable_xlsx_is_a_violation(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    path = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    path.write_bytes(damage(path.read_bytes()))
    file, rule, message = only_violation(path)
    assert (file, rule) == ("data.xlsx", "file_not_xlsx")
    assert message.startswith("filen kan ikke læses som Excel-arbejdsbog (.xlsx)")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            # the directory of an encrypted workbook names its stream "EncryptedPackage" (UTF-16)
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(500),
            "; den er beskyttet med adgangskode: gem den i Excel uden adgangskode (Filer > Oplysninger > Beskyt "
            "projektmappe > Krypter med adgangskode), og indlæs den igen",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
            "; den er en gammel Excel-fil (.xls): gem den i Excel som .xlsx (Excel-projektmappe)",
        ),
        (
            "facility_id;date;severity\nF1;2026-01-01;høj\n".encode(),
            "; den er en tekstfil (CSV?): giv den endelsen .csv og navnet på datakontraktens fil, fx concerns.csv",
        ),
    ],
    ids=["encrypted", "xls", "csv"],
)
def test_a_workbook_that_cannot_be_read_says_what_it_is(tmp_path: Path, data: bytes, says: str) -> None:
    """A municipality protects a workbook of tilbud with a password; Excel opens it after asking, the importer
    cannot. It said only that the file cannot be read as a workbook, as for a damaged one."""
    path = tmp_path / "data.xlsx"
    path.write_bytes(data)
    assert only_violation(path) == (
        "data.xlsx",
        "file_not_xlsx",
        "filen kan ikke læses som Excel-arbejdsbog (.xlsx)" + says,
    )


class PanicException(BaseException):
    """What pyo3 raises when calamine's Rust code panics: a BaseException, not an Exception."""


def test_a_panic_in_calamine_is_a_violation_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def panic(*args: object) -> list[list[str]]:
        raise PanicException("index out of bounds")

    monkeypatch.setattr(workbook, "_sheet_records", panic)
    path = one_sheet(tmp_path / "panik.xlsx", [["facility_id", "date", "severity"]])
    assert only_violation(path)[:2] == ("[panik.xlsx]concerns", "file_not_xlsx")


def test_ctrl_c_while_reading_a_workbook_is_not_taken_for_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> list[list[str]]:
        raise KeyboardInterrupt

    monkeypatch.setattr(workbook, "_sheet_records", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_upload_files(one_sheet(tmp_path / "afbrudt.xlsx", [["facility_id"]]))


@pytest.mark.parametrize(
    ("cells", "named"),
    [
        ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "XFD1048576"),
        ('<row r="1"><c r="A1"><v>1</v></c><c r="ZZZZZZ1"><v>1</v></c></row>', "ZZZZZZ1"),
        # cells without a reference are placed after the previous one: 50,000 wide and 50,000 high
        ("<row>" + "<c><v>1</v></c>" * 50_000 + "</row>" + "<row><c><v>1</v></c></row>" * 50_000, "50.001 rækker"),
    ],
    ids=["last-cell", "beyond-excel", "no-references"],
)
def test_a_sheet_reaching_far_outside_its_table_is_refused_not_a_dead_process(
    tmp_path: Path, cells: str, named: str
) -> None:
    # calamine allocates the whole rectangle from A1 at once and aborts the process when it cannot
    path = one_sheet(tmp_path / "stor.xlsx", [])
    patch_sheet(path, 1, lambda xml: sheet_data(xml, cells))
    source, rule, message = only_violation(path)
    assert (source, rule) == ("[stor.xlsx]concerns", "file_too_large")
    assert named in message and "Ctrl+End" in message


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1000)
    path = one_sheet(tmp_path / "bombe.xlsx", [["x" * 2000]])
    assert only_violation(path)[:2] == ("bombe.xlsx", "file_too_large")


def test_percent_formatted_cells_are_read_as_the_percent_excel_shows(tmp_path: Path) -> None:
    """An HR sheet holds 18 % as 0.18 formatted "0.0%": stored as 0.18 every tilbud would look as if it had almost
    no turnover. The cell is read as Excel shows it, with a warning; a cell without the format is read as written."""
    path = write_workbook(small_dataset(), tmp_path / "data.xlsx")
    book = load_workbook(path)
    sheet = book["staff_figures"]
    for row, (turnover, sickness) in enumerate([(0.18, 0.065), (0.31, 0.09)], start=2):
        sheet.cell(row, 3, turnover).number_format = "0.0%"  # a custom format
        sheet.cell(row, 4, sickness).number_format = "0%"  # Excel's built-in format 9
    sheet.cell(4, 3).number_format = "0.00"  # F2's 12 stays 12
    book.save(path)
    result = read_upload(path, today=AS_OF)
    figures = result.dataset.staff_figures
    assert figures["staff_turnover_pct"].tolist() == [18.0, 31.0, 12.0]
    assert figures["sickness_absence_pct"].tolist() == [6.5, 9.0, 4.0]
    warned = [(w.file, w.row, w.column, w.message) for w in result.warnings if w.rule == "percent_format"]
    assert warned == [
        (
            "[data.xlsx]staff_figures",
            2,
            "staff_turnover_pct",
            "cellerne er formateret som procent i Excel og er læst som det procenttal, Excel viser (værdien 0,18 "
            "vises som 18 %, og 18 gemmes); række 2, 3",
        ),
        (
            "[data.xlsx]staff_figures",
            2,
            "sickness_absence_pct",
            "cellerne er formateret som procent i Excel og er læst som det procenttal, Excel viser (værdien 0,065 "
            "vises som 6,5 %, og 6,5 gemmes); række 2, 3",
        ),
    ]


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0.0%", True), ("0,00 %", True), ('0.0"%"', False), ("0.0\\%", False), ("[Red]0.0", False), ("0.00", False)],
)
def test_a_number_format_is_a_percent_only_with_a_bare_percent_sign(code: str, percent: bool) -> None:
    assert _is_percent_format(code) is percent


def test_a_date_with_a_time_formatted_to_show_the_date_only_reads_as_the_date_excel_shows(tmp_path: Path) -> None:
    """A case system's export holds the time of a visit; the sheet shows "31-10-2024" (format dd-mm-yyyy), and Excel's
    CSV export writes that date. It was read as "2024-10-31 10:30:00" and refused: "skriv datoen uden klokkeslæt",
    for a cell that shows none. A format that shows the time keeps it (and the date column still refuses it)."""
    path = one_sheet(tmp_path / "datoer.xlsx", [["a", "b", "c", "d"]])
    book = load_workbook(path)
    sheet = book["concerns"]
    visit = dt.datetime(2024, 10, 31, 10, 30)
    for column, code in enumerate(["dd-mm-yyyy", "yyyy-mm-dd hh:mm", "d. mmmm yyyy", "[$-406]d/m/yy;@"], start=1):
        sheet.cell(2, column, visit).number_format = code
    sheet.cell(3, 1, visit).number_format = "mm:ss"  # minutes, no date: as before
    sheet.cell(3, 2, visit).number_format = "yyyy-mm-dd AM/PM"
    sheet.cell(3, 3, visit).number_format = 'dd-mm-yyyy "kl." hh'
    sheet.cell(3, 4, visit).number_format = '"dato:" dd-mm-yyyy'
    book.save(path)
    assert table(read(path))[1:] == [
        ["2024-10-31", "2024-10-31 10:30:00", "2024-10-31", "2024-10-31"],
        ["2024-10-31 10:30:00", "2024-10-31 10:30:00", "2024-10-31 10:30:00", "2024-10-31"],
    ]


@pytest.mark.parametrize(
    ("code", "date_only"),
    [
        ("dd-mm-yyyy", True),
        ("yyyy-mm-dd", True),
        ("d. mmmm yyyy", True),
        ("[$-406]d/m/yy;@", True),
        ('"dato:" dd-mm-yyyy', True),
        ("mmm-yy", True),
        ("yyyy-mm-dd hh:mm", False),
        ("dd-mm-yyyy AM/PM", False),
        ("[h]:mm", False),
        ("mm:ss", False),
        ("0.00", False),
        ("General", False),
    ],
)
def test_a_number_format_is_a_date_only_format_with_date_parts_and_no_time(code: str, date_only: bool) -> None:
    assert _is_date_only_format(code) is date_only


def test_a_required_sheet_missing_from_a_workbook_is_named_as_a_sheet(tmp_path: Path) -> None:
    # "den obligatoriske fil facilities.csv mangler" for a workbook sent a tilsyn looking for a CSV file
    path = one_sheet(tmp_path / "eksport.xlsx", [["facility_id", "date", "severity"], ["F1", "2026-02-03", "high"]])
    missing = next(v for v in fails(path).violations if v.rule == "file_missing" and v.file == "facilities.csv")
    assert missing.file == "facilities.csv"
    assert missing.message.startswith(
        "det obligatoriske ark facilities mangler i eksport.xlsx (et ark ved navn facilities, som filen "
        "facilities.csv uden .csv; kolonner: facility_id, name,"
    )


def test_a_formula_value_from_a_writer_that_asks_excel_to_calculate_is_not_trusted(tmp_path: Path) -> None:
    """XlsxWriter stores 0 as every formula's value unless told the result, and asks Excel to calculate on opening
    (``fullCalcOnLoad``, as openpyxl does): a count written as =SUM(...) was read as 0 and stored. Such a formula in
    a contract column is refused at its cell with the value read; once Excel has saved the workbook it is read."""
    path = write_workbook(small_dataset(), tmp_path / "skript.xlsx")
    book = load_workbook(path)
    header = [c.value for c in book["use_of_force"][1]]
    book["use_of_force"].cell(row=2, column=header.index("count") + 1, value="=SUM(3,4)")
    book.save(path)
    index = book.sheetnames.index("use_of_force") + 1
    patch_sheet(path, index, lambda xml: re.sub(r"<f>SUM\(3,4\)</f>(<v\s*/>|<v></v>)?", "<f>SUM(3,4)</f><v>0</v>", xml))
    error = fails(path)
    assert rules(error) == {("[skript.xlsx]use_of_force", 2, "count", "formula_without_value")}
    message = error.violations[0].message
    assert message.startswith("cellen indeholder en formel med den gemte værdi '0', men arbejdsbogen er gemt af et ")
    assert "åbn arbejdsbogen i Excel, og gem den igen" in message
    # the same workbook as Excel saves it after calculating (its value beside the formula, no recalculation asked)
    patch_sheet(path, index, lambda xml: xml.replace("<f>SUM(3,4)</f><v>0</v>", "<f>SUM(3,4)</f><v>7</v>"))
    saved_by_excel(path)
    assert read_upload(path, today=AS_OF).dataset.use_of_force["count"].iloc[0] == 7


_SAVE_AS = {
    "xls": "gem den i Excel som .xlsx (Excel-projektmappe)",
    "ods": "gem den som .xlsx (i LibreOffice: Filer > Gem som > filtype Excel 2007-365)",
    "numbers": "eksportér den som .xlsx (i Numbers: Arkiv > Eksportér til > Excel)",
}


@pytest.mark.parametrize("ext", ["xls", "ods", "numbers"])
def test_a_spreadsheet_of_another_program_says_how_that_program_saves_a_xlsx(tmp_path: Path, ext: str) -> None:
    """A LibreOffice user has no Excel to save a .xlsx with, nor a Mac user's Numbers: the message names the way
    the program that wrote the file saves one, in a folder, as the one file of an upload (the web page and the API
    send a file as a folder of one) and given alone to the command line."""
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / f"tilbud.{ext}").write_bytes(b"PK\x03\x04" + bytes(100))
    file, rule, message = only_violation(folder)
    assert (file, rule) == (f"tilbud.{ext}", "no_contract_files")
    assert f"ignoreret: 'tilbud.{ext}' ({_SAVE_AS[ext]} og upload den alene)" in message
    with pytest.raises(InvalidArgumentError) as info:
        read_upload_files(folder / f"tilbud.{ext}")
    assert info.value.message == (
        f"'tilbud.{ext}' er ikke en .xlsx og kan ikke indlæses; {_SAVE_AS[ext]} og indlæs den, eller gem arkene "
        "som CSV-filer i en mappe"
    )


def _zip_of(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "says"),
    [
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
            "; den er et OpenDocument-regneark (.ods): " + _SAVE_AS["ods"],
        ),
        (
            {"Index/Document.iwa": b"x", "Metadata/Properties.plist": b"x"},
            "; den er et Numbers-regneark (.numbers): " + _SAVE_AS["numbers"],
        ),
    ],
    ids=["ods", "numbers"],
)
def test_a_spreadsheet_of_another_program_named_xlsx_says_what_it_is(
    tmp_path: Path, members: dict[str, bytes], says: str
) -> None:
    """A .ods or .numbers file renamed to .xlsx (to get past an upload form) is a zip like a workbook; it said only
    that it cannot be read as one, as for a damaged workbook."""
    path = tmp_path / "tilbud.xlsx"
    path.write_bytes(_zip_of(members))
    file, rule, message = only_violation(path)
    assert (file, rule) == ("tilbud.xlsx", "file_not_xlsx")
    assert message.endswith(says)
