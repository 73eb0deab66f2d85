"""The bounds that keep a hostile or mistaken upload from exhausting memory: the unpacked size of a zip or workbook
(:data:`MAX_UNPACKED_BYTES`), a zip member's packing ratio (:data:`MAX_PACKING_RATIO`), and a workbook sheet's
used range (:data:`MAX_SHEET_CELLS`), which calamine would allocate at once.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable

from data.errors import Violation
from data.glossary import format_number_da
from data.readers.raw import _violation
from data.readers.sheet_xml import _CELL_REF, _column_number, column_letters

#: Largest total uncompressed size of a ``.zip`` upload we unpack (a guard against zip bombs and memory
#: exhaustion): the national synthetic dataset, six years, is 6 MB of CSV and peaks at about 215 MB of
#: memory when validated, so 256 MB of CSV is over 40 times that and stays within a few GB.
MAX_UNPACKED_BYTES = 256 * 1024**2
#: A member larger than 1 MB that unpacks to more than this many times its packed size is refused: CSV files
#: pack 5-20 times; a zip bomb (1 MB that unpacks to gigabytes and exhausts the memory) far more.
MAX_PACKING_RATIO = 100
#: Most files a ``.zip`` upload may hold: the contract has 11 files, and an export zips them with a few notes; each
#: file is opened and searched for CPR numbers, so a zip of 200,000 tiny files (20 MB) took 9 s before this limit.
MAX_ZIP_FILES = 10_000


def _unpacked_too_large(filename: str, members: Iterable[zipfile.ZipInfo], what: str, part: str) -> Violation | None:
    """The violation for a zip or workbook whose members unpack to more than :data:`MAX_UNPACKED_BYTES`."""
    if sum(m.file_size for m in members) <= MAX_UNPACKED_BYTES:
        return None
    return _violation(
        filename,
        f"{what} er for stor udpakket (over {MAX_UNPACKED_BYTES // 1024**2} MB); del den op i flere uploads, "
        f"fx {part} ad gangen",
        "file_too_large",
    )


#: The largest sheet read from a workbook, in cells from A1 to its last used cell. calamine allocates that
#: whole rectangle at once and aborts the process (no exception to catch) when the memory is not there: one
#: value typed in XFD1048576 asks for 17 billion cells. A full sheet of the widest contract file (Excel's
#: 1,048,576 rows) is under 16 million; the national dataset's largest sheet is 190,259 x 3. Memory grows
#: with the rectangle, filled or not (measured: 10 million cells 0.5 GB RSS, 50 million 2.0 GB), so the cap
#: is a full sheet of the widest file and no more.
MAX_SHEET_CELLS = 16_000_000
# Every cell written as <c r="A1"...> with a column A-Z and a row below 1,000,000 (what Excel, LibreOffice and
# openpyxl write for a contract sheet): then the sheet is at most 26 x 999,999 cells and needs no counting.
_UNUSUAL_CELL = re.compile(rb'<c(?:[\t\r\n/>]| (?!r="[A-Z][0-9]{1,6}"))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_ANY_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")


class _SheetTooLarge(Exception):
    """A sheet whose used range is larger than :data:`MAX_SHEET_CELLS`; the text is Danish."""


def _check_sheet_size(xml: bytes) -> None:
    """Raise :class:`_SheetTooLarge` when the sheet's cells span more than :data:`MAX_SHEET_CELLS` from A1.

    Cells without a reference (allowed; calamine places them after the previous cell) are counted as if each
    added a column and each row element a row, so the bound holds for any file, also a hostile one."""
    if _UNUSUAL_CELL.search(xml) is None and _PREFIXED_CELL.search(xml) is None:
        return  # at most 26 x 999,999 cells
    refs = _CELL_REF.findall(xml)
    rows = max((int(row) for _, row in refs), default=0)
    columns = max((_column_number(letters) for letters in {letters for letters, _ in refs}), default=0)
    unreferenced = len(_ANY_CELL.findall(xml)) - len(refs)
    if unreferenced > 0:
        rows += len(_ANY_ROW.findall(xml))
        columns += unreferenced
    if rows * columns > MAX_SHEET_CELLS:
        where = (
            f"til celle {column_letters(columns)}{rows}"
            if unreferenced <= 0
            else f"over {format_number_da(rows, 0)} rækker"
        )
        raise _SheetTooLarge(
            f"arket er for stort til at blive læst: det går fra A1 {where} ({format_number_da(rows * columns, 0)} "
            f"celler, højst {format_number_da(MAX_SHEET_CELLS, 0)}); står der en værdi langt uden for tabellen? Slet "
            "rækkerne og kolonnerne efter tabellen (Ctrl+End viser den sidste celle) og gem igen"
        )
