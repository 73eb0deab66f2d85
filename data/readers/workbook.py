"""Excel workbooks (``.xlsx``, read with calamine): which sheets are contract files, one sheet's cells as text (dates,
percent cells, error cells and formulas without value as Excel shows them), hidden sheets and rows, and what a file
given as a workbook that is none really is (an encrypted workbook, an old ``.xls``, a CSV file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import logging
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING

from data.contract import FILE_BY_NAME
from data.errors import Violation
from data.glossary import format_count_da, format_number_da
from data.readers.cells import _cell_text, loose_name
from data.readers.detection import _copy_of, contract_file_of_header
from data.readers.ignored import _search_ignored_sheet
from data.readers.limits import _check_sheet_size, _SheetTooLarge, _unpacked_too_large
from data.readers.raw import RawTable, RawUpload, _preview, _violation
from data.readers.records import _table_from_records
from data.readers.sheet_xml import (
    _ERROR_TYPE,
    _FORMULA_TAG,
    _calamine_failed,
    _date_only_styles,
    _error_cells,
    _formulas_without_value,
    _hidden_rows,
    _merged_ranges,
    _percent_styles,
    _recalculated_on_load,
    _sheet_parts,
    _styled_cells,
    _zero_padded_styles,
    column_letters,
)
from data.readers.text import _text_rows, _utf8_text

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

log = logging.getLogger(__name__)


_NOT_XLSX = "filen kan ikke læses som Excel-arbejdsbog (.xlsx)"
_SHEET_DAMAGED = "arket kan ikke læses (arbejdsbogen er beskadiget); gem den igen i Excel"


#: What :func:`_sheet_records` reads of a sheet: its cells as text, the percent cells, the hidden rows, the formulas
#: without a value and the merged ranges.
_SheetRead = tuple[
    list[list[str]],
    dict[int, frozenset[int]],
    frozenset[int],
    dict[tuple[int, int], str],
    list[tuple[int, int, int, int]],
]


def _header(records: list[list[str]]) -> tuple[int, list[str]] | None:
    """The header row (the first with any text) and its cells; ``None`` for a sheet without text."""
    header_row = next((i for i, record in enumerate(records) if "".join(record).strip()), None)
    return None if header_row is None else (header_row, records[header_row])


def _merged_violations(
    source: str, name: str, records: list[list[str]], merged: list[tuple[int, int, int, int]]
) -> list[Violation]:
    """One violation per merged range below the header that covers a cell of a contract column other than its first:
    Excel shows the value across the range, but only the first cell holds it, so the other rows were read empty (a
    required cell "må ikke være tom" beside a value on the screen, an optional one stored empty without a word)."""
    found_header = _header(records)
    if found_header is None:
        return []
    header_row, header = found_header
    columns = set(FILE_BY_NAME[name].column_names)
    found: list[Violation] = []
    for first_row, first_col, last_row, last_col in sorted(merged):
        if last_row <= header_row or (first_row == last_row and first_col == last_col):
            continue
        covered = [
            loose_name(header[c])
            for c in range(first_col, min(last_col + 1, len(header)))
            if loose_name(header[c]) in columns and (last_row > first_row or c > first_col)
        ]
        if not covered:
            continue
        value = (
            records[first_row][first_col] if first_row < len(records) and first_col < len(records[first_row]) else ""
        )
        ref = f"{column_letters(first_col + 1)}{first_row + 1}:{column_letters(last_col + 1)}{last_row + 1}"
        rows = "rækkerne" if last_row > first_row else "cellerne"
        found.append(
            Violation(
                file=source,
                row=first_row + 1,
                column=covered[0],
                value=_preview(value, 80) or None,
                rule="merged_cells",
                message=(
                    f"cellerne {ref} er flettet, så kun række {format_number_da(first_row + 1, 0)} har værdien, "
                    f"selv om Excel viser den i alle {rows}; ophæv fletningen, og skriv værdien i hver række"
                    if last_row > first_row
                    else f"cellerne {ref} er flettet, så kun {column_letters(first_col + 1)}{first_row + 1} har "
                    "værdien, selv om Excel viser den i dem alle; ophæv fletningen, og skriv værdien i hver celle"
                ),
            )
        )
    return found


def _formula_violations(
    source: str,
    name: str,
    records: list[list[str]],
    formulas: dict[tuple[int, int], str],
    *,
    stale: bool = False,
) -> list[Violation]:
    """One violation per formula without its value (:func:`_formulas_without_value`) below the header in a column of
    the contract file ``name``: read as an empty cell it silently dropped an optional value (a ``closed_on`` written
    as a formula stored the tilbud as active) and called a required one empty beside a cell Excel shows filled. A
    formula in a column of no contract name (a helper column) is not stored and is left alone. ``stale``: the workbook
    asks to be recalculated on opening, so a stored value is the writer's guess (XlsxWriter's 0), named as read."""
    found_header = _header(records)
    if found_header is None:
        return []
    header_row, header = found_header
    columns = set(FILE_BY_NAME[name].column_names)
    found: list[Violation] = []
    for (row, column), formula in sorted(formulas.items()):
        if row <= header_row or column >= len(header):
            continue
        title = loose_name(header[column])
        if title not in columns:
            continue
        cached = records[row][column] if row < len(records) and column < len(records[row]) else ""
        why = (
            "uden beregnet værdi (arbejdsbogen er gemt af et program, der ikke regner formler ud), så værdien kendes "
            "ikke"
            if not stale or not cached
            else f"med den gemte værdi '{_preview(cached, 40)}', men arbejdsbogen er gemt af et program, der ikke "
            "regner formler ud (den beder Excel regne alle formler om ved åbning), så værdien kan være forkert"
        )
        found.append(
            Violation(
                file=source,
                row=row + 1,
                column=title,
                value=_preview(formula, 80) or None,
                rule="formula_without_value",
                message=(
                    f"cellen indeholder en formel {why}; åbn arbejdsbogen i Excel, og gem den igen, eller skriv "
                    "værdien i cellen i stedet for formlen"
                ),
            )
        )
    return found


def _sheet_records(
    book: CalamineWorkbook,
    archive: zipfile.ZipFile,
    title: str,
    part: str | None,
    percent_styles: frozenset[int] = frozenset(),
    date_styles: frozenset[int] = frozenset(),
    stale: bool = False,
    padded_styles: dict[int, frozenset[int]] | None = None,
) -> _SheetRead:
    """One sheet's cells as text, row 1 first (leading empty rows and columns kept, so row numbers are Excel's),
    the numbers formatted as percent (column -> spreadsheet rows; see :attr:`RawTable.percent`), the rows the
    sheet hides (an Excel filter: read all the same, as a CSV export would hold them; the caller warns) and the
    formulas without their value (read as empty cells; :func:`_formulas_without_value`). A date and time in a cell
    formatted to show the date only (``date_styles``) is its date, as Excel shows it and its CSV export writes it.
    ``stale``: every formula counts, its stored value or not (:func:`_recalculated_on_load`)."""
    if part is None or part not in archive.NameToInfo:
        raise KeyError(f"no worksheet part for {title!r}")
    xml = archive.read(part)
    _check_sheet_size(xml)
    rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    records = [[v if type(v) is str else _cell_text(v) for v in row] for row in rows]  # most cells are text
    percent: dict[int, set[int]] = {}
    for row, column in _styled_cells(xml, percent_styles):
        if row < len(rows) and column < len(rows[row]) and type(rows[row][column]) in (int, float):
            percent.setdefault(column, set()).add(row + 1)
    for row, column in _styled_cells(xml, date_styles):
        if row < len(rows) and column < len(rows[row]) and type(value := rows[row][column]) is dt.datetime:
            records[row][column] = value.date().isoformat()
    for width, styles in (padded_styles or {}).items():
        # a whole number formatted "0000" is the digits Excel shows, 0042, as its CSV export writes them: read as 42 an
        # id was another id than the case system's, and a postcode lost its zero
        for row, column in _styled_cells(xml, styles):
            number = rows[row][column] if row < len(rows) and column < len(rows[row]) else None
            if isinstance(number, (int, float)) and not isinstance(number, bool) and number >= 0 and number % 1 == 0:
                records[row][column] = str(int(number)).zfill(width)
    if _ERROR_TYPE.search(xml):
        for (row, column), text in _error_cells(xml).items():
            while len(records) <= row:
                records.append([])
            record = records[row]
            record.extend([""] * (column + 1 - len(record)))
            record[column] = text
    formulas = _formulas_without_value(xml, every=stale) if _FORMULA_TAG.search(xml) else {}
    percent_cells = {column: frozenset(found) for column, found in percent.items()}
    return records, percent_cells, _hidden_rows(xml), formulas, _merged_ranges(xml)


def _open_xlsx(data: bytes) -> zipfile.ZipFile | None:
    """The workbook as a zip when it is an .xlsx (or .xlsm); None for anything else.

    calamine would also read an old .xls, an .xlsb or an .ods given the name .xlsx (it detects the format from
    the content); the data contract allows .xlsx only, so they are refused as openpyxl refused them."""
    if not data.startswith(b"PK\x03\x04"):
        return None  # also an encrypted .xlsx, which Excel stores inside an OLE container
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None  # NotImplementedError: a damaged "version needed to extract"
    if "xl/workbook.xml" not in archive.NameToInfo or "xl/_rels/workbook.xml.rels" not in archive.NameToInfo:
        archive.close()
        return None  # an .xlsb or .ods, or not a workbook at all
    return archive


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: How the program that wrote a spreadsheet of another format saves it as a .xlsx: a LibreOffice or Numbers user
#: has no Excel to do it with.
_SAVE_AS_XLSX = {
    "xls": "gem den i Excel som .xlsx (Excel-projektmappe)",
    "xlsb": "gem den i Excel som .xlsx (Excel-projektmappe)",
    "ods": "gem den som .xlsx (i LibreOffice: Filer > Gem som > filtype Excel 2007-365)",
    "numbers": "eksportér den som .xlsx (i Numbers: Arkiv > Eksportér til > Excel)",
}
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _other_spreadsheet(data: bytes) -> str:
    """ "; den er et OpenDocument-regneark (.ods): gem den som .xlsx …" for a zip that is a LibreOffice or Numbers
    spreadsheet (one renamed to .xlsx), else ""."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "; den er et OpenDocument-regneark (.ods): " + _SAVE_AS_XLSX["ods"]
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError, RuntimeError):
        return ""
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        return "; den er et Numbers-regneark (.numbers): " + _SAVE_AS_XLSX["numbers"]
    return ""


#: The stream an encrypted (password-protected) .xlsx keeps its workbook in, named in its OLE directory (UTF-16).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _what_it_is(data: bytes) -> str:
    """What a file given as a workbook that is none is, and what to do ("" when it cannot be told): a workbook
    protected with a password (Excel encrypts it inside an OLE file), an old .xls, or a text (CSV) file."""
    if data.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_PACKAGE in data:
            return (
                "; den er beskyttet med adgangskode: gem den i Excel uden adgangskode (Filer > Oplysninger > Beskyt "
                "projektmappe > Krypter med adgangskode), og indlæs den igen"
            )
        return "; den er en gammel Excel-fil (.xls): " + _SAVE_AS_XLSX["xls"]
    if data.startswith(b"PK"):
        return _other_spreadsheet(data)
    decoded = _utf8_text("", data, locate=False)
    if data.strip() and not isinstance(decoded, Violation):
        named = contract_file_of_header(_text_rows(decoded[0])) or "visits"
        fix = "giv den endelsen .csv og navnet på datakontraktens fil"
        return f"; den er en tekstfil (CSV?): {fix}, fx {named}.csv"
    return ""


def _read_workbook(filename: str, data: bytes, upload: RawUpload) -> None:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum  # local: only workbooks need it

    upload.workbooks.append(filename)
    archive = _open_xlsx(data)
    if archive is None:
        upload.violations.append(_violation(filename, _NOT_XLSX + _what_it_is(data), "file_not_xlsx"))
        upload.refused_whole = True
        return
    with archive:
        too_large = _unpacked_too_large(filename, archive.infolist(), "arbejdsbogen", "ét ark")  # read into memory
        if too_large is not None:
            upload.violations.append(too_large)
            upload.refused_whole = True
            return
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]  # no chart sheets
            titles = [m.name for m in sheets]
            hidden = {m.name for m in sheets if m.visible != SheetVisibleEnum.Visible}
            very_hidden = {m.name for m in sheets if m.visible == SheetVisibleEnum.VeryHidden}
            parts = _sheet_parts(archive)
            percent_styles = _percent_styles(archive)
            date_styles = _date_only_styles(archive)
            padded_styles = _zero_padded_styles(archive)
            stale = _recalculated_on_load(archive)
        except BaseException as error:  # calamine and ElementTree raise many kinds for a broken file
            if not _calamine_failed(error):
                raise
            log.info("cannot open %s as a workbook: %s", filename, error)
            upload.violations.append(_violation(filename, _NOT_XLSX, "file_not_xlsx"))
            upload.refused_whole = True
            return
        with book:
            for title in titles:
                read = functools.partial(
                    _sheet_records,
                    book,
                    archive,
                    title,
                    parts.get(title),
                    percent_styles,
                    date_styles,
                    stale,
                    padded_styles,
                )
                _add_sheet(
                    filename,
                    title,
                    read,
                    upload,
                    hidden=title in hidden,
                    very_hidden=title in very_hidden,
                    stale=stale,
                )


def _add_sheet(
    filename: str,
    title: str,
    read: Callable[[], _SheetRead],
    upload: RawUpload,
    *,
    hidden: bool = False,
    very_hidden: bool = False,
    stale: bool = False,
) -> None:
    """One worksheet: a contract sheet, one given twice, or one that is not part of the contract. ``stale``: the
    workbook's stored formula values are not to be trusted (:func:`_recalculated_on_load`). ``very_hidden``: hidden
    so that Excel's menus cannot show it (set by a program or a macro), which the warning says, as "slet det" could
    not be followed."""
    name = title.strip().lower()
    source = f"[{filename}]{title}"
    if name.endswith(".csv") and name[:-4] in FILE_BY_NAME:
        # ignoring it would store the other sheets as if this one had been sent
        upload.present.add(name[:-4])
        upload.violations.append(
            _violation(
                source,
                f"arket hedder '{title.strip()}'; omdøb det til '{name[:-4]}' (arkene hedder som filerne uden .csv)",
                "file_name",
            )
        )
        return
    if hidden and name in FILE_BY_NAME:
        upload.warnings.append(
            _violation(
                source,
                (
                    "arket er skjult, så Excel ikke kan vise det fra sine menuer (det er gjort 'meget skjult' af et "
                    "program eller en makro), men indlæses alligevel; skal dets rækker ikke med, så kopiér de synlige "
                    "ark til en ny arbejdsbog (højreklik på fanen > Flyt eller kopiér), og upload den"
                )
                if very_hidden
                else "arket er skjult i Excel, men indlæses alligevel; slet det, hvis dets rækker ikke skal med",
                "sheet_hidden",
            )
        )
    if name not in FILE_BY_NAME and (copied := _copy_of(name)) is not None:
        upload.copies.append((source, title.strip(), copied, True, False))
        _search_ignored_sheet(source, read, upload)
        return
    if name not in FILE_BY_NAME:
        by_header = _search_ignored_sheet(source, read, upload)
        if by_header is not None:  # a sheet "Ark1" with the visits: ignored, the rest would be stored without it
            upload.copies.append((source, title.strip(), by_header, True, True))
            return
        upload.ignored.append((source, ""))
        upload.warnings.append(
            _violation(
                source,
                "arket hører ikke til datakontrakten og ignoreres; arkene skal hedde som filerne uden .csv: "
                + ", ".join(FILE_BY_NAME),
                "sheet_ignored",
            )
        )
        return
    if name in upload.present:
        upload.violations.append(_violation(source, f"arket {name} findes flere gange", "file_twice"))
        return
    upload.present.add(name)
    try:
        records, percent, hidden_rows, formulas, merged = read()
    except _SheetTooLarge as error:
        upload.violations.append(_violation(source, str(error), "file_too_large"))
        return
    except BaseException as error:  # a damaged sheet fails here (calamine reads each sheet when asked)
        if not _calamine_failed(error):
            raise
        log.info("cannot read sheet %s of %s: %s", title, filename, error)
        upload.violations.append(_violation(source, _SHEET_DAMAGED, "file_not_xlsx"))
        return
    table = _table_from_records(name, source, records, upload, delimiter=None, had_bom=False)
    if table is not None:
        upload.tables[name] = dataclasses.replace(table, percent=percent) if percent else table
        _warn_hidden_rows(source, table, hidden_rows, upload)
        if formulas:
            upload.violations.extend(_formula_violations(source, name, records, formulas, stale=stale))
        if merged:
            upload.violations.extend(_merged_violations(source, name, records, merged))


def _warn_hidden_rows(source: str, table: RawTable, hidden: frozenset[int], upload: RawUpload) -> None:
    """Rows of the table an Excel filter (or the user) hides are read like the others, as a CSV export of the sheet
    would hold them; a user who filtered to "only these" must hear that the rest came along."""
    rows = sorted(hidden.intersection(int(r) for r in table.rows))
    if not rows:
        return
    shown = ", ".join(format_number_da(r, 0) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
    upload.warnings.append(
        _violation(
            source,
            f"{format_count_da(len(rows), 'række er skjult', 'rækker er skjult')} i Excel (fx af et "
            f"filter), men indlæses alligevel: række {shown}; slet dem i arket, hvis de ikke skal med",
            "rows_hidden",
            row=rows[0],
        )
    )
