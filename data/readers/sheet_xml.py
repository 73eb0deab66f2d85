"""What a workbook's XML says that calamine does not read for us: cells holding an error (``#N/A``), formulas saved
without their value, a workbook that asks to be recalculated on opening, each sheet's part in the zip, the number
formats shown as percent or as a date only, hidden rows and merged cells; and how a failure of calamine is told from
an interrupt.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable

log = logging.getLogger(__name__)


# A cell's own r attribute (not text inside another attribute's value): its column letters and row.
_CELL_REF = re.compile(
    rb"""<(?:[\w.-]+:)?c(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*=\s*["']([A-Za-z]+)([0-9]+)["']"""
)
_ERROR_TYPE = re.compile(rb"""t\s*=\s*["']e["']""")
# A cell's cached value, after its formula if it has one: <f>1/0</f><v>#DIV/0!</v>
_CACHED_VALUE = re.compile(rb"(?:<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>[^<]*</(?:[\w.-]+:)?f>))?<(?:[\w.-]+:)?v>([^<]*)</")


def _calamine_failed(error: BaseException) -> bool:
    """True for calamine's own errors and for a panic in its Rust code (pyo3's PanicException derives from
    BaseException, so ``except Exception`` would let it through); False for KeyboardInterrupt and the like."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def column_letters(number: int) -> str:
    """A spreadsheet column's letters (1 -> "A", 27 -> "AA")."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """The cached values of cells holding an error (``#N/A``, ``#DIV/0!``) by (row, column), 0-based.

    calamine reads an error as an empty cell; openpyxl gave its text, which a typed column then refuses (an
    empty cell would pass silently where the column is optional). Only run when the sheet has such a cell."""
    found: dict[tuple[int, int], str] = {}
    for match in _ERROR_TYPE.finditer(xml):
        if not xml[match.start() - 1 : match.start()].isspace():
            continue  # "xt='e'": another attribute
        start = xml.rfind(b"<", 0, match.start())
        end = xml.find(b">", match.end())
        if start < 0 or end < 0:
            continue
        tag = xml[start : end + 1]
        ref = _CELL_REF.search(tag)
        value = _CACHED_VALUE.match(xml, end + 1) if not tag.endswith(b"/>") else None
        if ref is None or value is None:
            continue  # not a cell, or an error without its text: left empty, as calamine reads it
        row, column = int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1
        found[(row, column)] = value.group(1).decode("utf-8", "replace").strip()
    return found


# A formula element anywhere in a sheet (one scan before the cells are looked at), and in a cell: the cell element
# (its name, attributes and content), its formula (<f>1+2</f>, a shared one's <f t="shared" si="0"/>), its cached value
# (<v>3</v>, <v/>) and its type (t="str": the formula gives a text, which may be empty).
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_CELL_ELEMENT = re.compile(rb"<((?:[\w.-]+:)?c)(\s[^>]*?)?(?:/>|>(.*?)</\1\s*>)", re.DOTALL)
_FORMULA_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?f(?:\s[^>]*?)?(?:/>|>(.*?)</(?:[\w.-]+:)?f\s*>)", re.DOTALL)
_VALUE_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*?)?(?:/>|>(.*?)</(?:[\w.-]+:)?v\s*>)", re.DOTALL)
_TYPE_ATTR = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_XML_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def _formulas_without_value(xml: bytes, *, every: bool = False) -> dict[tuple[int, int], str]:
    """The formulas (``"=2+1"``; ``""`` for a shared one, whose text stands in another cell) of the cells that hold
    no value for them, by (row, column), 0-based: a workbook saved by a program that does not calculate (openpyxl, a
    script) has the formula only, and calamine reads the cell as empty. Excel and LibreOffice store the value beside
    it (an empty text as ``t="str"`` with an empty ``<v>``). ``every``: every formula, its stored value or not (the
    workbook asks to be recalculated on opening: :func:`_recalculated_on_load`). Only run when the sheet has one."""
    from xml.sax.saxutils import unescape  # local: only workbooks with formulas need it

    found: dict[tuple[int, int], str] = {}
    for cell in _CELL_ELEMENT.finditer(xml):
        content = cell.group(3)
        if not content or (formula := _FORMULA_ELEMENT.search(content)) is None:
            continue
        attributes = cell.group(2) or b""
        value = _VALUE_ELEMENT.search(content)
        kind = _TYPE_ATTR.search(attributes)
        text_result = kind is not None and kind.group(1) in (b"str", b"inlineStr")
        if not every and value is not None and (value.group(1) or text_result):
            continue  # calculated: calamine reads the value
        ref = _REF_ATTR.search(attributes)
        if ref is None:
            continue  # a cell without its reference cannot be named
        text = unescape((formula.group(1) or b"").decode("utf-8", "replace"), _XML_ENTITIES).strip()
        found[(int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1)] = f"={text}" if text else ""
    return found


#: A workbook whose writer asks the reader to calculate every formula on opening (``<calcPr fullCalcOnLoad="1"/>``):
#: what openpyxl and XlsxWriter write, and what Excel resets when it has calculated and saves. XlsxWriter stores 0 as
#: every formula's value unless told the result, so a count written as =SUM(...) read as 0.
_FULL_CALC_ON_LOAD = re.compile(rb"""<(?:[\w.-]+:)?calcPr\b[^>]*?\sfullCalcOnLoad\s*=\s*["'](?:1|true)["']""")


def _recalculated_on_load(archive: zipfile.ZipFile) -> bool:
    """True when the workbook's stored formula values cannot be trusted (see :data:`_FULL_CALC_ON_LOAD`)."""
    return _FULL_CALC_ON_LOAD.search(archive.read("xl/workbook.xml")) is not None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its member in the zip (``xl/worksheets/sheet1.xml``), from the workbook's relations."""
    import xml.etree.ElementTree as ET  # local: only workbook uploads need it

    def local(tag: str) -> str:
        return tag.rpartition("}")[2]

    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ET.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter()
        if local(rel.tag) == "Relationship"
    }
    parts: dict[str, str] = {}
    for sheet in ET.fromstring(archive.read("xl/workbook.xml")).iter():
        if local(sheet.tag) != "sheet":
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if local(k) == "id"), None)
        target = targets.get(rel_id, "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            )
    return parts


_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})  # "0%" and "0.00%"
# A cell element's start tag, and in it the style and reference attributes (not text inside another attribute).
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*>")
_STYLE_ATTR = re.compile(rb"""\ss\s*=\s*["']([0-9]+)["']""")
_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]+)([0-9]+)["']""")
# A row element's start tag (<row r="5" hidden="1" ...>); hidden by a filter, or by hand.
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*>")
_HIDDEN_ATTR = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_ROW_ATTR = re.compile(rb"""\sr\s*=\s*["']([0-9]+)["']""")


def _hidden_rows(xml: bytes) -> frozenset[int]:
    """The spreadsheet rows (1-based, Excel's numbers) the sheet hides: filtered out, or hidden by hand."""
    if _HIDDEN_ATTR.search(xml) is None:  # one scan for the common case
        return frozenset()
    found: set[int] = set()
    for tag in _ROW_TAG.finditer(xml):
        if _HIDDEN_ATTR.search(tag.group(0)) and (row := _ROW_ATTR.search(tag.group(0))) is not None:
            found.add(int(row.group(1)))
    return frozenset(found)


# A merged range: <mergeCell ref="B2:B3"/>
_MERGE_REF = re.compile(
    rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([A-Za-z]+)([0-9]+):([A-Za-z]+)([0-9]+)["']"""
)


def _merged_ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first row, first column, last row, last column), 0-based: only the first cell
    of one holds the value Excel shows across it."""
    if b"mergeCell" not in xml:
        return []
    return [
        (int(m.group(2)) - 1, _column_number(m.group(1)) - 1, int(m.group(4)) - 1, _column_number(m.group(3)) - 1)
        for m in _MERGE_REF.finditer(xml)
    ]


def _is_percent_format(code: str) -> bool:
    """Whether an Excel number format code shows a number as percent ("0.0%", "0,00 %"): a ``%`` outside quoted
    text, escapes and brackets."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in bare


#: Excel's built-in number formats that show a date without a time (14 is the locale's short date: dd-mm-yyyy in a
#: Danish Excel).
_BUILTIN_DATE_ONLY_FORMATS = frozenset({14, 15, 16, 17})


def _is_date_only_format(code: str) -> bool:
    """Whether an Excel number format code shows a date without its time ("dd-mm-yyyy", "d. mmmm yyyy"): a day or
    a year outside quoted text, escapes and brackets (a locale, a colour), and no hour, second or AM/PM."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).split(";")[0].lower()
    has_date = "d" in bare or "y" in bare
    has_time = "h" in bare or "s" in bare or "am/pm" in bare or "a/p" in bare
    return has_date and not has_time


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (indexes into ``cellXfs`` of ``xl/styles.xml``, a cell's ``s``) whose number format is a
    percent; empty when the workbook has no styles part or it cannot be read (the cells are then read as numbers)."""
    return _format_styles(archive, _is_percent_format, _BUILTIN_PERCENT_FORMATS)


def _date_only_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles whose number format shows a date without its time (:func:`_is_date_only_format`)."""
    return _format_styles(archive, _is_date_only_format, _BUILTIN_DATE_ONLY_FORMATS)


def _format_styles(archive: zipfile.ZipFile, wanted: Callable[[str], bool], builtin: frozenset[int]) -> frozenset[int]:
    """The cell styles (indexes into ``cellXfs`` of ``xl/styles.xml``, a cell's ``s``) whose number format is one of
    ``builtin`` or a custom one whose code is ``wanted``; empty when the workbook has no styles part or it cannot be
    read (the cells are then read as calamine gives them)."""
    import xml.etree.ElementTree as ET  # local: only workbook uploads need it

    name = next((n for n in archive.NameToInfo if n.lower() == "xl/styles.xml"), None)
    if name is None:
        return frozenset()
    try:
        root = ET.fromstring(archive.read(name))
    except (ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        log.info("cannot read the styles of a workbook: %s", error)
        return frozenset()

    def local(tag: str) -> str:
        return tag.rpartition("}")[2]

    format_ids = set(builtin)
    for element in root.iter():
        number_format = element.get("numFmtId", "")
        if local(element.tag) == "numFmt" and number_format.isdigit():
            if wanted(element.get("formatCode", "")):
                format_ids.add(int(number_format))
            else:
                format_ids.discard(int(number_format))  # a built-in id given another code
    styles: set[int] = set()
    for element in root.iter():
        if local(element.tag) == "cellXfs":
            for index, xf in enumerate(x for x in element if local(x.tag) == "xf"):
                number_format = xf.get("numFmtId", "0")
                if number_format.isdigit() and int(number_format) in format_ids:
                    styles.add(index)
            break
    return frozenset(styles)


def _zero_padded_styles(archive: zipfile.ZipFile) -> dict[int, frozenset[int]]:
    """The cell styles whose number format pads a whole number with zeros ("0000": 42 shown as 0042, as a user formats
    an id or a postcode of digits to keep its leading zeros), by the number of digits shown; empty when none or the
    styles part cannot be read."""
    widths: dict[int, frozenset[int]] = {}
    for width in sorted(_zero_pad_widths(archive)):
        styles = _format_styles(archive, functools.partial(_has_zero_pad_width, width), frozenset())
        if styles:
            widths[width] = styles
    return widths


def _has_zero_pad_width(width: int, code: str) -> bool:
    return _zero_pad_width(code) == width


def _zero_pad_width(code: str) -> int | None:
    """The digits a number format of zeros alone shows ("0000" -> 4; its first section); None for any other."""
    first = code.split(";")[0].strip()
    return len(first) if re.fullmatch(r"0{2,}", first) else None


def _zero_pad_widths(archive: zipfile.ZipFile) -> set[int]:
    """The widths of the zero-padding number formats the styles part defines (a cheap look before a full read)."""
    name = next((n for n in archive.NameToInfo if n.lower() == "xl/styles.xml"), None)
    if name is None:
        return set()
    try:
        xml = archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return set()
    codes = re.findall(rb"""formatCode\s*=\s*["'](0{2,})(?:;[^"']*)?["']""", xml)
    return {len(code) for code in codes}


def _styled_cells(xml: bytes, styles: frozenset[int]) -> set[tuple[int, int]]:
    """The (row, column), 0-based, of the sheet's cells whose style is one of ``styles`` (a percent format, or
    another kind of number format)."""
    if not styles:
        return set()
    wanted = re.compile(rb"""\ss\s*=\s*["'](?:%b)["']""" % b"|".join(str(i).encode() for i in sorted(styles)))
    if wanted.search(xml) is None:  # one scan for the common case, a sheet without cells of those styles
        return set()
    found: set[tuple[int, int]] = set()
    for tag in _CELL_TAG.finditer(xml):
        style = _STYLE_ATTR.search(tag.group(0))
        if style is None or int(style.group(1)) not in styles:
            continue
        ref = _REF_ATTR.search(tag.group(0))
        if ref is not None:
            found.add((int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1))
    return found
