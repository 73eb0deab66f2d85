"""Contract-file detection: which contract file a file or sheet name stands for (``Visits.csv``,
``visits.csv.txt``, a copy's ``facilities (1)``), which one a header has the columns of, where the real header
row is below a title, and how copies and files in another format are settled once the whole upload is read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Sequence

from data.contract import FILE_BY_NAME
from data.errors import Violation
from data.glossary import format_number_da
from data.readers.cells import loose_name
from data.readers.raw import RawUpload, _violation

#: How many rows below the first one are searched for the real header when the first lacks required columns.
HEADER_SEARCH_ROWS = 10


def find_header_row(required: Collection[str], rows: Iterable[tuple[int, Sequence[object]]]) -> int | None:
    """The row number of the first of ``rows`` ((row number, cells), at most :data:`HEADER_SEARCH_ROWS` of them)
    whose cells include every name in ``required`` (case and surrounding spaces ignored); None when none does.

    Finds the real header below a title ("Tilbud udtræk 2026"), in a workbook sheet as in a CSV file."""
    if not required:
        return None
    wanted = set(required)
    for number, cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        if wanted <= {str(cell).strip().lower() for cell in cells}:
            return number
    return None


def header_not_first(file: str, header_row: int, *, records_above: bool = False) -> Violation:
    """The one violation for a header found in ``header_row`` instead of row 1 (instead of one per row).
    ``records_above``: row 1 fills as many cells as a record (not a title): the rows were sorted with the header
    among them, and deleting the rows above it, as the message for a title says, would delete records."""
    where = f"overskriften med kolonnerne står i række {format_number_da(header_row, 0)}, ikke i række 1"
    if records_above:
        return _violation(
            file,
            f"{where}, og rækkerne over den ligner poster: er filen sorteret med overskriften som en af rækkerne? "
            "Flyt overskriften op i række 1 (i Excel sorteres med 'Data har overskrifter' slået til)",
            "header_not_first",
            row=1,
        )
    return _violation(
        file, f"{where}; slet rækkerne over den (fx en titel eller en tom række)", "header_not_first", row=1
    )


def looks_like_a_record(cells: Sequence[object], required: Collection[str]) -> bool:
    """Whether a row above the header fills as many cells as the file has required columns (at least 2): a record,
    not a title (one cell, or a title and a date), nor the names Excel gives a table made without headers
    ("Kolonne1", "Kolonne2", …; "Column1" in English Excel), which it puts above the real header."""
    filled = [text for cell in cells if (text := str(cell).strip())]
    if all(_AUTOMATIC_NAME.fullmatch(text) for text in filled):
        return False
    return len(filled) >= max(2, len(required))


_AUTOMATIC_NAME = re.compile(r"(?:kolonne|column)\s*[0-9]+", re.IGNORECASE)


def _contract_stem(filename: str) -> str | None:
    """The contract file a file name stands for ("Visits.csv", "visits.csv.txt", "visits.xlsx" -> "visits")."""
    stem = filename.strip().lower().partition(".")[0]
    return stem if stem in FILE_BY_NAME else None


#: A name a copy of a contract file gets: "facilities (1)" (a browser's second download, Excel's copied sheet
#: "facilities (2)"), "facilities - Kopi" / "facilities - Copy" (Windows), "facilities kopi" (macOS), "Kopi af
#: facilities" / "Copy of facilities" (older Windows), "facilities_2025", "facilities-eksport".
_COPY_NAME = re.compile(
    r"(?:(?:kopi af|copy of)[\s_-]+)?(" + "|".join(map(re.escape, FILE_BY_NAME)) + r")(?:[\s_.(-].*)?", re.DOTALL
)


def _copy_of(stem: str) -> str | None:
    """The contract file a file or sheet name (without extension, lower case) is a copy of, else None."""
    match = _COPY_NAME.fullmatch(stem.strip())
    return match.group(1) if match is not None and match.group(0).strip() != match.group(1) else None


def _settle_copies(upload: RawUpload) -> None:
    """A copy's name alone ("facilities (1).csv" with no facilities.csv) is refused with the name it needs, like
    ``visits.csv.txt``: ignoring it would store the rest of the upload as if the file had not been sent. Beside the
    file itself it is an old copy, ignored with a warning; so is a contract file in another format
    (``facilities.xlsx``, the workbook a CSV file was saved from) or with a second extension."""
    for name, refusal, warning in upload.other_formats:
        if name in upload.present:
            upload.warnings.append(_violation(refusal.file, warning, "file_ignored"))
        else:
            upload.violations.append(refusal)
    for name, _, _ in upload.other_formats:
        upload.present.add(name)  # refused or beside the file: not also "missing"
    upload.other_formats.clear()
    for source, own, name, sheet, by_header in upload.copies:
        what, needs = ("arket", f"'{name}'") if sheet else ("filen", f"{name}.csv")
        if name in upload.present:
            like = f"har kolonnerne fra {needs}" if by_header else f"ligner en kopi af {needs}"
            upload.warnings.append(
                _violation(
                    source,
                    f"{what} {like} og ignoreres; {needs} indlæses",
                    "sheet_ignored" if sheet else "file_ignored",
                )
            )
            continue
        columns = f", men har kolonnerne fra {needs}" if by_header else ""
        upload.violations.append(
            _violation(
                source,
                f"{what} hedder {own}{columns}; omdøb {'det' if sheet else 'den'} til {needs} "
                f"(ellers ville resten af uploaden blive gemt uden {'det' if sheet else 'den'})",
                "file_name",
            )
        )
    for _, _, name, _, _ in upload.copies:
        upload.present.add(name)  # refused or beside the file: not also "missing"
    upload.copies.clear()


def contract_file_of_header(rows: Iterable[Sequence[str]]) -> str | None:
    """The contract file whose columns the first of ``rows`` (at most :data:`HEADER_SEARCH_ROWS`, below a title
    too) that is a header has: every required column, and more of the file's columns than any other file it could be
    (sanctions.csv and concerns.csv share facility_id and date); None when no row is one, or two files fit alike."""
    for cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        names = {loose_name(str(cell)) for cell in cells if str(cell).strip()}
        fits = {
            spec.name: len(names.intersection(spec.column_names))
            for spec in FILE_BY_NAME.values()
            if {c.name for c in spec.columns if c.required} <= names
        }
        if fits:
            best = max(fits.values())
            found = [name for name, score in fits.items() if score == best]
            return found[0] if len(found) == 1 else None
    return None
