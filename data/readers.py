"""Reading an upload into raw text tables: a folder of CSV files (the contract's files one sub-folder down
included), one ``.xlsx`` workbook, a ``.zip`` of CSV files, or a single CSV file.

This layer only turns bytes into cells. It knows the contract's *file names* but none of its rules:
every cell comes out as a stripped string (``""`` when empty), and the importer (:mod:`data.importer`)
checks them. What this layer does check, and reports as :class:`~data.errors.Violation`:

- a contract file that is not UTF-8 (with or without BOM), that is binary (an Excel workbook or a PDF
  saved as ``.csv``), or that is empty; a quote that is never closed, or one closed only in a later row so that
  a cell swallows whole rows; a tab-separated file;
- a zip member that cannot be unpacked (damaged, encrypted, an unsupported compression), a workbook
  that cannot be read or is not an ``.xlsx`` (an ``.xls`` or ``.ods`` renamed), and a workbook sheet
  whose cells reach far outside its table (calamine, which reads workbooks, would need the whole range
  in memory at once); a formula saved without its value in a contract column of a sheet (calamine reads it as an
  empty cell);
- an upload that holds none of the contract's files;
- a contract file with the wrong extension (``visits.xlsx`` inside a folder of CSV files), or under a near-miss
  name (``visits.csv.txt``; a copy's name such as ``visits (1).csv``), when ``visits.csv`` itself is not there
  (beside it such a file is ignored with a warning);
- a row with more fields than the header has, an empty one after the last column included unless the file makes
  a habit of it (one with fewer is the importer's: it knows which rows are no records at all);
- a file name given twice (``Facilities.csv`` and ``facilities.csv``).

Files and sheets that are not part of the contract give a warning and are ignored; the text of those that are text
(CSV, TXT and TSV files in UTF-8, workbook sheets) is still searched for CPR-like numbers, and the cells of one that
holds one are kept in :attr:`RawUpload.extra_tables` for the importer's CPR rule, which holds for the whole upload.
CSV files may be separated by ``,`` or ``;`` (detected from the header row). Row numbers are the ones a spreadsheet
shows: the header is row 1, the first data row is row 2; blank lines are skipped but counted.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import itertools
import logging
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from data.contract import CPR_PATTERN, FILE_BY_NAME, Kind
from data.errors import InvalidArgumentError, Violation

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

log = logging.getLogger(__name__)

#: Largest total uncompressed size of a ``.zip`` upload we unpack (a guard against zip bombs and memory
#: exhaustion): the national synthetic dataset, six years, is 6 MB of CSV and peaks at about 215 MB of
#: memory when validated, so 256 MB of CSV is over 40 times that and stays within a few GB.
MAX_UNPACKED_BYTES = 256 * 1024**2
#: A member larger than 1 MB that unpacks to more than this many times its packed size is refused: CSV files
#: pack 5-20 times; a zip bomb (1 MB that unpacks to gigabytes and exhausts the memory) far more.
MAX_PACKING_RATIO = 100
#: How many rows below the first one are searched for the real header when the first lacks required columns.
HEADER_SEARCH_ROWS = 10

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "en Excel-arbejdsbog eller zip-fil"),
    (b"\xd0\xcf\x11\xe0", "en gammel Excel-fil (.xls)"),
    (b"%PDF", "en PDF-fil"),
    (b"\x89PNG", "et billede"),
    (b"\xff\xd8\xff", "et billede"),
)
_CSV_HINT = "gem den som CSV (UTF-8), adskilt med komma eller semikolon"
_KNOWN_FILES = ", ".join(f"{name}.csv" for name in FILE_BY_NAME)
#: Spreadsheet files other than .xlsx: ignored in a folder with a hint to save them as .xlsx.
_OTHER_SPREADSHEETS = ("xls", "xlsb", "ods", "numbers")
#: Ignored files whose text is searched for CPR numbers (the contract: "a value that looks like a CPR number anywhere in
#: an upload rejects the upload"). Only text: a PDF, an image or a .docx is not parsed (each format would need its own
#: parser of untrusted input, with its own ways to exhaust memory or time, and could still hide the number in a scan
#: or a compressed stream), so such files stay ignored with a warning as before; so do a workbook or a zip inside a
#: folder or zip (not unpacked).
_TEXT_EXTENSIONS = ("csv", "txt", "tsv")
#: A quick first test of an ignored file's or sheet's text (quotes removed, as the cells hold them): only when it finds
#: something are its cells kept, and the importer judges each cell as it judges a contract file's.
_CPR_LIKE = re.compile(CPR_PATTERN)


@dataclass(frozen=True)
class RawTable:
    """One contract file's cells as text.

    ``frame`` has positional column labels ``0 .. len(header)-1`` (the header may repeat a name; the
    importer reports that) and one row per non-blank record; ``rows`` holds each record's spreadsheet
    row number.
    """

    name: str  # contract name: "facilities"
    source: str  # how violations name the file: "facilities.csv", "[data.xlsx]facilities"
    header: tuple[str, ...]
    frame: pd.DataFrame
    rows: np.ndarray
    delimiter: str | None = None  # None for workbook sheets
    had_bom: bool = False
    #: How many fields each record of a CSV file had (before the frame was padded to the header's width), to
    #: tell a row with too few fields from one with empty cells; None for workbook sheets (a sheet has cells).
    fields: np.ndarray | None = None
    #: Workbook cells holding a number formatted as percent in Excel (0.155 shown as "15,5 %"): column position ->
    #: the spreadsheet rows of such cells. The importer reads them as the percent Excel shows where a column is one.
    percent: dict[int, frozenset[int]] = field(default_factory=dict)


@dataclass
class RawUpload:
    """Everything read from one upload, before the contract's rules are checked."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    #: Contract files present in the upload even when unreadable (so "file missing" is not reported too).
    present: set[str] = field(default_factory=set)
    #: Where each contract file came from ("2024/visits.csv" in a zip), to name both places of a file given twice.
    paths: dict[str, str] = field(default_factory=dict)
    #: Files and sheets named like a copy of a contract file ("facilities (1).csv", a sheet "visits (2)"), or whose
    #: header has a contract file's columns ("Tilbud.csv", a sheet "Ark1"): (how a violation names its place, its own
    #: name, the contract file, whether a sheet, whether known by its header). Settled once the whole upload is read
    #: (:func:`_settle_copies`): refused when the contract file itself is not there, else ignored.
    copies: list[tuple[str, str, str, bool, bool]] = field(default_factory=list)
    #: Contract files in another format or with a second extension ("facilities.xlsx", "visits.csv.txt"): (the
    #: contract file, the violation when its CSV file is not there, the warning when it is). Settled with the copies:
    #: beside the CSV file it is what the CSV file was saved from, and ignored.
    other_formats: list[tuple[str, Violation, str]] = field(default_factory=list)
    #: Files and sheets ignored (each also a warning): (name, what to do, "" when nothing more than the warning's
    #: list of the contract's files), so a refusal of an upload with none of the contract's files can name them.
    ignored: list[tuple[str, str]] = field(default_factory=list)
    #: The upload as a whole is refused (a zip or workbook that cannot be read, no contract file at all): the
    #: contract files missing from it are not reported too, they only repeat that nothing could be read.
    refused_whole: bool = False
    #: Ignored text files and sheets whose text holds something CPR-like (:func:`_search_ignored_text`,
    #: :func:`_search_ignored_sheet`): their cells, the first non-blank row as the header, ``name`` empty and
    #: ``delimiter`` None for a sheet. The importer's CPR rule judges them; nothing else is read from them.
    extra_tables: list[RawTable] = field(default_factory=list)
    #: Bytes of ignored files read so far to search them (at most :data:`MAX_UNPACKED_BYTES` per upload).
    extra_bytes: int = 0
    #: The workbooks read (their names), so a contract file missing from one is named as the sheet it would be.
    workbooks: list[str] = field(default_factory=list)


class UnreadableFile(Exception):
    """A member of an upload that cannot be read (a damaged or encrypted zip member); the text is Danish."""


def _violation(file: str, message: str, rule: str, *, row: int | None = None) -> Violation:
    return Violation(file=file, row=row, column=None, value=None, rule=rule, message=message)


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


def header_not_first(file: str, header_row: int) -> Violation:
    """The one violation for a header found in ``header_row`` instead of row 1 (instead of one per row)."""
    return _violation(
        file,
        f"overskriften med kolonnerne står i række {header_row}, ikke i række 1; slet rækkerne over den "
        "(fx en titel eller en tom række)",
        "header_not_first",
        row=1,
    )


def read_upload_files(source: Path) -> RawUpload:
    """Read ``source`` (folder, ``.zip``, ``.xlsx`` or one ``.csv``) into raw tables.

    Raises :class:`InvalidArgumentError` when ``source`` does not exist or is none of these.
    """
    if not source.exists():
        raise InvalidArgumentError(f"'{source}' findes ikke; angiv en mappe med CSV-filer, en .zip eller en .xlsx")
    upload = RawUpload()
    if source.is_dir():
        _read_folder(source, upload)
    elif source.suffix.lower() == ".zip":
        _read_zip(source, upload)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        _read_workbook(source.name, source.read_bytes(), upload)
    elif source.suffix.lower() == ".csv":
        _add_member(source.name, source.read_bytes, upload, size=source.stat().st_size)
    elif source.suffix.lower().lstrip(".") in _OTHER_SPREADSHEETS:
        raise InvalidArgumentError(
            f"'{source.name}' er ikke en .xlsx og kan ikke indlæses; gem den i Excel som .xlsx (Excel-projektmappe) "
            "og indlæs den, eller gem arkene som CSV-filer i en mappe"
        )
    else:
        raise InvalidArgumentError(
            f"'{source.name}' kan ikke indlæses; angiv en mappe med CSV-filer, en .zip med CSV-filer eller en .xlsx"
        )
    _settle_copies(upload)
    if not upload.present and not upload.violations:
        # Only ignored files ("Facilities (1).csv", a sheet "Ark1"): storing nothing must not look like success.
        below = _contract_files_below(source) if source.is_dir() else []
        where = ""
        if below:
            folders = " og ".join(f"'{b}'" for b in below[:3]) + (" m.fl." if len(below) > 3 else "")
            where = (
                f"; filer med datakontraktens navne ligger i undermappen {folders}: angiv den mappe "
                f"(fx {(source / below[0]).as_posix()})"
            )
        ignored = upload.ignored[:5]
        seen = ""
        if ignored:
            seen = "; ignoreret: " + ", ".join(f"'{n}'" + (f" ({h})" if h else "") for n, h in ignored)
            seen += f" m.fl. ({_dots(len(upload.ignored))} i alt)" if len(upload.ignored) > len(ignored) else ""
        only = upload.ignored[0][0] if len(upload.ignored) == 1 and source.is_dir() else ""
        upload.violations.append(
            _violation(
                only if source.is_dir() else source.name,
                f"uploaden indeholder ingen af datakontraktens filer{where}{seen}; kendte filer: {_KNOWN_FILES} "
                "(i en .xlsx: ark med de samme navne uden .csv)",
                "no_contract_files",
            )
        )
        upload.refused_whole = True
    return upload


# --- containers ----------------------------------------------------------------------------------


def _visible_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX")


def _read_folder(folder: Path, upload: RawUpload) -> None:
    """A folder's files, and the contract's CSV files one sub-folder down, as a zip's are read wherever they sit
    (``eksport/facilities.csv``); a file found twice (``visits.csv`` and ``gammel/visits.csv``) is refused
    naming both, as in a zip. Other files in sub-folders are left alone (a folder may hold anything)."""
    entries = _visible_entries(folder)
    files = [p for p in entries if p.is_file()]
    if not any(p.suffix.lower() == ".csv" for p in files) and (folder / "data").is_dir():
        # `tilsynsplan generate OUT` writes OUT/data/*.csv (and OUT/truth/*.csv, not for import); accept OUT as well.
        log.info("no CSV files in %s; reading %s", folder, folder / "data")
        files = [p for p in _visible_entries(folder / "data") if p.is_file()]
        entries = []
    for path in files:
        _add_member(path.name, path.read_bytes, upload, size=path.stat().st_size)
    for sub in (p for p in entries if p.is_dir()):
        for path in _visible_entries(sub):
            if path.is_file() and _contract_stem(path.name) is not None:
                _add_member(
                    path.name, path.read_bytes, upload, path=f"{sub.name}/{path.name}", size=path.stat().st_size
                )


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


def _contract_files_below(folder: Path, depth: int = 3, limit: int = 2000) -> list[str]:
    """Sub-folders (relative, at most ``depth`` down; at most ``limit`` entries looked at) that hold a file named
    like a contract file, to say where an upload's files are when the folder itself has none."""
    found: list[str] = []
    seen = 0
    level = [folder]
    for _ in range(depth):
        below: list[Path] = []
        for current in level:
            try:
                entries = _visible_entries(current)
            except OSError:
                continue
            seen += len(entries)
            if current != folder and any(p.is_file() and _contract_stem(p.name) for p in entries):
                found.append(current.relative_to(folder).as_posix())
            below.extend(p for p in entries if p.is_dir())
            if seen > limit:
                return found
        level = below
    return found


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


def _read_zip(path: Path, upload: RawUpload) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError:
        # a name flagged as UTF-8 that is not (a zip tool that flags names in its own code page, or damage)
        upload.violations.append(
            _violation(
                path.name,
                "zip-filen kan ikke læses: et filnavn i den er markeret som UTF-8 uden at være det; zip filerne igen",
                "file_not_zip",
            )
        )
        upload.refused_whole = True
        return
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        upload.violations.append(_violation(path.name, "filen er ikke en gyldig zip-fil", "file_not_zip"))
        upload.refused_whole = True
        return
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and not PurePosixPath(m.filename).name.startswith(".")
        ]
        too_large = _unpacked_too_large(path.name, members, "zip-filen", "én fil")
        if too_large is not None:
            upload.violations.append(too_large)
            upload.refused_whole = True
            return
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/")).name  # Windows tools write "eksport\\x.csv"

            def read(member: zipfile.ZipInfo = member) -> bytes:
                if member.file_size > 1024**2 and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1):
                    raise UnreadableFile(
                        f"filen pakkes ud til over {MAX_PACKING_RATIO} gange sin størrelse i zip-filen {path.name} og "
                        "pakkes ikke ud (en zip-bombe?); zip de rigtige CSV-filer igen"
                    )
                if member.flag_bits & 0x1:
                    raise UnreadableFile(
                        f"filen i zip-filen {path.name} er beskyttet med adgangskode; zip den igen uden adgangskode"
                    )
                try:
                    return archive.read(member)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as error:
                    # ValueError: UnicodeDecodeError of a member's own header naming it as UTF-8 that is not
                    log.info("cannot unpack %s from %s: %s", member.filename, path.name, error)
                    raise UnreadableFile(
                        f"filen kan ikke pakkes ud af zip-filen {path.name} (den er beskadiget eller pakket med en "
                        "metode, der ikke understøttes); zip filerne igen"
                    ) from None

            _add_member(name, read, upload, path=member.filename, size=member.file_size)


def _add_member(
    filename: str, read: Callable[[], bytes], upload: RawUpload, *, path: str | None = None, size: int | None = None
) -> None:
    """One file of a folder or zip: a contract CSV, a contract file in the wrong format, or something else.
    ``path`` is where a zip holds it ("eksport/2024/visits.csv"), when that is more than ``filename``; ``size`` is
    its size unpacked, when known before it is read. A file ignored as text (CSV, TXT, TSV) is still searched for
    CPR numbers (:func:`_search_ignored_text`)."""
    stem, _, ext = filename.strip().rpartition(".")
    stem, ext = stem.strip().lower(), ext.lower()
    if not stem:
        stem, ext = ext, ""
    path = path or filename
    by_header = None  # the contract file an ignored text file's header has the columns of
    if ext in _TEXT_EXTENSIONS and not (ext == "csv" and stem in FILE_BY_NAME):
        by_header = _search_ignored_text(filename, read, upload, size=size, tabs=ext == "tsv")
    if stem.endswith(".csv") and stem[:-4] in FILE_BY_NAME and ext in ("csv", "txt", "tsv", ""):
        # "visits.csv.txt": Windows hides the last extension, so the file looks right; ignoring it would store
        # the rest of the upload as if this file had been sent (unless visits.csv is there too: _settle_copies)
        refusal = _violation(
            filename,
            f"filen hedder {filename.strip()}; omdøb den til {stem[:-4]}.csv (Windows skjuler ofte den sidste "
            "filendelse)",
            "file_name",
        )
        warning = f"filen ligner en kopi af {stem[:-4]}.csv og ignoreres; {stem[:-4]}.csv indlæses"
        upload.other_formats.append((stem[:-4], refusal, warning))
        return
    if ext == "csv" and stem in FILE_BY_NAME:
        if stem in upload.present:
            first = upload.paths.get(stem)
            where = f" ({first} og {path})" if first and first != path else ""
            upload.violations.append(
                _violation(
                    filename,
                    f"filen {stem}.csv findes flere gange i uploaden{where}; medtag den kun én gang",
                    "file_twice",
                )
            )
            return
        upload.present.add(stem)
        upload.paths[stem] = path
        try:
            data = read()
        except UnreadableFile as error:
            upload.violations.append(_violation(filename, str(error), "file_unreadable"))
            return
        table = _parse_csv(stem, filename, data, upload)
        if table is not None:
            upload.tables[stem] = table
    elif stem in FILE_BY_NAME:  # refused unless stem.csv is there too (_settle_copies)
        if ext in ("", "txt"):  # a CSV file sent without its extension (curl -F files=@visits) or saved as .txt
            refusal = _violation(
                filename,
                f"filen hedder {filename.strip()}; omdøb den til {stem}.csv (en CSV-fil skal have endelsen .csv)",
                "file_name",
            )
        else:
            refusal = _violation(
                filename, f"filen er ikke en CSV-fil; {_CSV_HINT} under navnet {stem}.csv", "file_not_csv"
            )
        upload.other_formats.append((stem, refusal, f"filen er ikke en CSV-fil og ignoreres; {stem}.csv indlæses"))
    elif ext == "csv" and (copied := _copy_of(stem)) is not None:
        upload.copies.append((filename, filename.strip(), copied, False, False))
    elif ext in ("csv", "txt") and by_header is not None:
        # "Tilbud.csv" from a case system: ignored, the rest of the upload would be stored without it
        upload.copies.append((filename, filename.strip(), by_header, False, True))
    elif ext in ("xlsx", "xlsm"):
        hint = "indlæs arbejdsbogen for sig eller gem arkene som CSV"
        upload.ignored.append((filename.strip(), hint))
        upload.warnings.append(
            _violation(filename, f"en Excel-arbejdsbog i en mappe ignoreres; {hint}", "file_ignored")
        )
    elif ext == "zip":
        # a zip inside the zip (an export zipped once more), or beside CSV files: its files are not read
        hint = "en zip-fil i en zip-fil eller en mappe pakkes ikke ud; pak den ud, eller upload den alene"
        upload.ignored.append((filename.strip(), hint))
        upload.warnings.append(_violation(filename, f"filen ignoreres: {hint}", "file_ignored"))
    elif ext in _OTHER_SPREADSHEETS:
        # "Eksport.xls": an old Excel file, or a workbook a case system names .xls; the contract names .xlsx
        hint = "gem den i Excel som .xlsx (Excel-projektmappe) og upload den alene"
        upload.ignored.append((filename.strip(), hint))
        upload.warnings.append(
            _violation(filename, f"regnearket er ikke en .xlsx og ignoreres; {hint}", "file_ignored")
        )
    else:
        upload.ignored.append((filename.strip(), ""))
        upload.warnings.append(
            _violation(
                filename,
                f"filen hører ikke til datakontrakten og ignoreres; kendte filer: {_KNOWN_FILES}",
                "file_ignored",
            )
        )


def _search_ignored_text(
    filename: str, read: Callable[[], bytes], upload: RawUpload, *, size: int | None, tabs: bool
) -> str | None:
    """A text file the upload holds besides the contract's (``borgere.csv``, ``noter.txt``, ``visits (1).csv``): when
    its text holds something CPR-like, its cells go to :attr:`RawUpload.extra_tables` for the importer's CPR rule.
    Returns the contract file whose columns its header has (:func:`contract_file_of_header`), or None.

    Bounded: the upload's ignored files are read only up to :data:`MAX_UNPACKED_BYTES` in all (a zip's members also
    with its check of the packing ratio), and only the rows with something CPR-like are kept. A file that cannot be
    read, or decoded as the contract's CSV files are (UTF-8 with or without BOM, no binary signature, no NUL byte),
    stays ignored with its warning, as before: it is not refused for being what it is."""
    if size is not None and upload.extra_bytes + size > MAX_UNPACKED_BYTES:
        log.info("%s is not searched for CPR numbers: the ignored files exceed %d bytes", filename, MAX_UNPACKED_BYTES)
        return None
    try:
        data = read()
    except (UnreadableFile, OSError) as error:
        log.info("%s is not searched for CPR numbers: %s", filename, error)
        return None
    upload.extra_bytes += len(data)
    if upload.extra_bytes > MAX_UNPACKED_BYTES:
        log.info("%s is not searched for CPR numbers: the ignored files exceed %d bytes", filename, MAX_UNPACKED_BYTES)
        return None
    decoded = _utf8_text(filename, data, locate=False)
    if isinstance(decoded, Violation):
        log.info("%s is not searched for CPR numbers: %s", filename, decoded.message)
        return None
    text = decoded[0]
    first_line, _, rest = text.lstrip("\r\n").partition("\n")
    if (hinted := excel_delimiter_hint(first_line)) is not None:
        delimiter, text = hinted, rest  # Excel's delimiter line, not a row (as in a contract file)
    elif tabs or first_line.count("\t") > max(first_line.count(","), first_line.count(";")):
        delimiter = "\t"
    else:
        delimiter = detect_delimiter(first_line)
    contract = contract_file_of_header(_text_rows(text, delimiter))
    if _CPR_LIKE.search(re.sub(INVISIBLE_RE, "", text.replace('"', ""))) is None:
        return contract  # nothing a cell could hold (a cell is a stretch of the text without its quotes)
    csv.field_size_limit(2**31 - 1)
    try:
        table = _extra_table(filename, _csv_reader(io.StringIO(text, newline=""), delimiter, strict=False))
    except csv.Error as error:  # not CSV after all: its lines, split at the delimiter
        log.info("%s: read line by line (%s)", filename, error)
        table = _extra_table(filename, (line.split(delimiter) for line in _LINE_BREAK.split(text)))
    if table is not None:
        upload.extra_tables.append(dataclasses.replace(table, delimiter=delimiter))
    return contract


def _text_rows(text: str, delimiter: str | None = None) -> Iterator[list[str]]:
    """The non-blank lines of ``text``, each read as one CSV row with ``delimiter`` (else the line's own), lazily:
    what :func:`contract_file_of_header` looks through."""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            yield next(_csv_reader([line], delimiter or detect_delimiter(line)), [])


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


def _search_ignored_sheet(
    source: str, read: Callable[[], tuple[list[list[str]], object, object, object]], upload: RawUpload
) -> str | None:
    """A workbook sheet the contract does not know (``Borgere``, ``Ark1``, a copy ``visits (2)``): when a cell holds
    something CPR-like, its cells go to :attr:`RawUpload.extra_tables` for the importer's CPR rule. Read with the
    bounds of a contract sheet (:func:`_check_sheet_size`); a sheet that cannot be read stays ignored with its
    warning, as before. Returns the contract file whose columns its header has (:func:`contract_file_of_header`),
    or None."""
    try:
        records = read()[0]
    except _SheetTooLarge as error:
        log.info("%s is not searched for CPR numbers: %s", source, error)
        return None
    except BaseException as error:
        if not _calamine_failed(error):
            raise
        log.info("%s is not searched for CPR numbers: %s", source, error)
        return None
    table = _extra_table(source, records)
    if table is not None:
        upload.extra_tables.append(table)
    return contract_file_of_header(r for r in records if "".join(r).strip())


def _extra_table(source: str, records: Iterable[list[str]]) -> RawTable | None:
    """An ignored file's or sheet's records (blank ones included, so row numbers are a spreadsheet's) as a RawTable
    of its header (the first non-blank record) and the records with something CPR-like in a cell, the header's own
    included; None when there are none. The importer judges these cells with the same detector as a contract
    file's."""
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        if header is None and "".join(record).strip():
            header = [composed(cell) for cell in record]
        if header is not None and _CPR_LIKE.search(re.sub(INVISIBLE_RE, "", "\t".join(record))) is not None:
            # the header row too: a list of numbers has none, and its first number would name no column
            body.append((number, [composed(cell).strip() for cell in record]))
    if header is None or not body:
        return None
    width = max([len(header), *(len(r) for _, r in body)])
    header += [""] * (width - len(header))
    frame = pd.DataFrame([r + [""] * (width - len(r)) for _, r in body], columns=list(range(width)), dtype=object)
    rows = np.fromiter((n for n, _ in body), dtype=np.int64, count=len(body))
    return RawTable(name="", source=source, header=tuple(header), frame=frame, rows=rows)


# --- CSV -----------------------------------------------------------------------------------------


#: Characters nobody sees: Unicode's invisible formatting characters (byte order mark, zero-width space and joiners,
#: word joiner, soft hyphen, the left-to-right and right-to-left marks Windows puts in the dates it formats, bidi
#: embeddings and isolates, invisible operators, tags) and the variation selectors. Around a value they are ignored
#: like spaces (``copy a.csv+b.csv`` puts b's BOM before its first cell); inside one they are a violation
#: (``data.importer``): "F\u200b1" would be stored as a new facility that looks exactly like F1.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
INVISIBLE = "".join(chr(code) for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))
INVISIBLE_RE = "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in _INVISIBLE_RANGES) + "]"


def bare_title(title: str) -> str:
    """A header cell without the spaces and invisible characters around it (a BOM, a zero-width space)."""
    bare, before = title.strip(), None
    while bare != before:
        before, bare = bare, bare.strip(INVISIBLE).strip()
    return bare


def loose_name(title: str) -> str:
    """A header cell as a column name, with spaces, hyphens and dots read as underscores ("Facility ID") and
    invisible characters dropped."""
    return re.sub(r"[\s.\-]+", "_", re.sub(INVISIBLE_RE, "", bare_title(title).lower()))


def composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC). The same letter can be one character or a letter and a combining
    mark ("å" or "a" + ring: macOS and some exports write the second); they look alike but compare unequal, so an id
    written one way in visits.csv and the other in facilities.csv was an "unknown facility_id" that showed the same
    value. Every file, sheet and pushed record is read composed."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _looks_like_utf16(body: bytes) -> bool:
    """Text saved as UTF-16 without its byte order mark: in its first bytes every other byte is NUL (ASCII letters
    and digits, as a header has them), which is no UTF-8 text and no binary file either."""
    start = body[:200]
    if len(start) < 4 or b"\x00" not in start:
        return False
    even, odd = start[0::2], start[1::2]
    return even.count(0) == len(even) or odd.count(0) == len(odd)


def _utf8_text(filename: str, data: bytes, *, locate: bool = True) -> tuple[str, bool] | Violation:
    """A file's text and whether it had a BOM, decoded as the contract's CSV files are (UTF-8 with or without BOM,
    composed), or the violation that says why it is no such text. ``locate``: name the row of an invalid byte."""
    had_bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if had_bom else data
    for signature, what in _SIGNATURES:
        if body.startswith(signature):
            return _violation(filename, f"filen er ikke en CSV-fil (den ligner {what}); {_CSV_HINT}", "file_not_csv")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(body):
        return _violation(
            filename,
            "filen er gemt som UTF-16 (Excel: 'Unicode-tekst'), ikke UTF-8; gem den i Excel som "
            "'CSV UTF-8 (kommasepareret)'",
            "file_not_utf8",
        )
    if b"\x00" in body:  # anywhere: a NUL byte cannot be stored (PostgreSQL refuses it)
        return _violation(
            filename, f"filen er ikke en CSV-fil (den indeholder binære data); {_CSV_HINT}", "file_not_csv"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        if not locate:
            return _violation(filename, "filen er ikke gemt som UTF-8", "file_not_utf8")
        line = _row_at(body[: error.start].decode("utf-8"))
        return _violation(
            filename,
            f"filen er ikke gemt som UTF-8 (ugyldigt tegn i række {line}); gem den i Excel som "
            "'CSV UTF-8 (kommasepareret)'",
            "file_not_utf8",
            row=line,
        )
    return composed(text.rstrip("\x1a")), had_bom  # a DOS end-of-file mark (Ctrl+Z), which older export tools write


def _decode(name: str, filename: str, data: bytes, upload: RawUpload) -> tuple[str, bool] | None:
    decoded = _utf8_text(filename, data)
    if isinstance(decoded, Violation):
        upload.violations.append(decoded)
        return None
    text, had_bom = decoded
    if not text.strip():
        columns = ", ".join(FILE_BY_NAME[name].column_names)
        upload.violations.append(
            _violation(
                filename,
                f"filen er tom; den skal mindst have en overskriftsrække med kolonnerne {columns}",
                "file_empty",
            )
        )
        return None
    return text, had_bom


def _row_at(before: str) -> int:
    """The spreadsheet row of the character after ``before`` (a CSV file's text up to it): records, not lines, as a
    quoted cell may span lines; an Excel ``sep=;`` line is not a row, blank lines are."""
    first = before.lstrip("\r\n").partition("\n")[0].strip().lower()
    hinted = excel_delimiter_hint(first) is not None and "\n" in before.lstrip("\r\n")
    csv.field_size_limit(2**31 - 1)
    try:
        # a character put after it makes the record it stands in the last one, also at the start of a line
        records = sum(1 for _ in _csv_reader(io.StringIO(before + "x", newline=""), detect_delimiter(first)))
    except csv.Error:
        records = before.count("\n") + 1
    return max(records - (1 if hinted else 0), 1)


def _csv_reader(lines: Iterable[str], delimiter: str, *, strict: bool = False) -> Iterator[list[str]]:
    """Python's CSV reader as every CSV text of an upload is read: a space after the delimiter is skipped, so that a
    quote after it opens a quoted cell (``"F1", "Egebakken, afd. 2"``, as some exports write) instead of being text
    (the header's names were '"name"', and the comma inside split the cell). Cells are stripped in any case."""
    return csv.reader(lines, delimiter=delimiter, strict=strict, skipinitialspace=True)


def excel_delimiter_hint(line: str) -> str | None:
    """The delimiter an Excel ``sep=;`` (or ``sep=,``) first line names, or None when ``line`` is no such hint."""
    hint = line.strip().lower()
    return hint[4] if len(hint) == 5 and hint.startswith("sep=") and hint[4] in ",;" else None


def detect_delimiter(header_line: str) -> str:
    """``;`` when the header row has more semicolons than commas, else ``,``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _parse_csv(name: str, filename: str, data: bytes, upload: RawUpload) -> RawTable | None:
    decoded = _decode(name, filename, data, upload)
    if decoded is None:
        return None
    text, had_bom = decoded
    first_line, _, rest = text.lstrip("\r\n").partition("\n")
    if (hinted := excel_delimiter_hint(first_line)) is not None:
        # Excel's delimiter hint line ("sep=;"): Excel hides it when it opens the file, so the header is
        # row 1 there, and it is here
        delimiter = hinted
        text = rest
        first_line = text.lstrip("\r\n").partition("\n")[0]
    else:
        delimiter = detect_delimiter(first_line)
    if "\t" in first_line and delimiter not in first_line:
        upload.violations.append(
            _violation(
                filename,
                "filen er adskilt med tabulator; den skal være adskilt med komma eller semikolon: gem den i Excel "
                "som 'CSV UTF-8 (kommasepareret)'",
                "file_tab_separated",
                row=1,
            )
        )
        return None
    header_row = _csv_header_further_down(name, text)
    if header_row is not None:
        # a title line above the header: one violation, not "row too long" for every row below it
        upload.violations.append(header_not_first(filename, header_row))
        return None
    table = _fast_table(name, filename, text, delimiter, had_bom)
    if table is not None:
        stray = _stray_quotes(table.source, table.header, table.frame, table.rows, delimiter) if '"' in text else []
        if stray:
            upload.violations.extend(stray)
            return None
    else:
        records = _csv_records(filename, text, delimiter, upload)
        if records is None:
            return None
        table = _table_from_records(name, filename, records, upload, delimiter=delimiter, had_bom=had_bom)
    return _without_text_formulas(table) if table is not None and '="' in text else table


#: Excel's text formula in a CSV cell: ="0042" (a quote inside written twice).
_TEXT_FORMULA = r'^="((?:[^"]|"")*)"$'


def _without_text_formulas(table: RawTable) -> RawTable:
    """``table`` with each cell written as Excel's text formula (``="0042"``, which case systems write so that Excel
    keeps an id's leading zeros) read as its text, as Excel shows it: read as written, facility_id '="F1"' was
    stored as a new tilbud and a postcode '="0800"' was refused."""
    frame = table.frame.copy()
    for column in frame.columns:
        cells = frame[column]
        found = cells.str.match(_TEXT_FORMULA).fillna(False)
        if found.any():
            inner = cells[found].str.slice(2, -1).str.replace('""', '"', regex=False).str.strip()
            frame.loc[found, column] = inner
    return dataclasses.replace(table, frame=frame)


def _blank_line(line: str) -> bool:
    """Whether a CSV line is a row of empty cells: nothing, or only delimiters, quotes and spaces (";;;;;" is how
    Excel saves an empty row that once held something). Skipped, above the header too, as a blank line is."""
    return not line.strip(' \t\r\n,;"')


def _csv_header_further_down(name: str, text: str) -> int | None:
    """The line of the real header when the first non-blank line lacks a required column and one of the next
    lines has them all; else None. Each line is split by its own delimiter (a title has none, or another)."""

    def cells(numbered: tuple[int, str]) -> tuple[int, list[str]]:
        number, line = numbered
        try:
            return number, next(_csv_reader([line], detect_delimiter(line)), [])
        except csv.Error:
            return number, []

    required = [c.name for c in FILE_BY_NAME[name].columns if c.required]
    lines = ((n, line) for n, line in enumerate(io.StringIO(text, newline=""), start=1) if not _blank_line(line))
    first = next(lines, None)
    if first is None or find_header_row(required, [cells(first)]) is not None:
        return None
    return find_header_row(required, map(cells, lines))


def _csv_records(filename: str, text: str, delimiter: str, upload: RawUpload) -> list[list[str]] | None:
    """The records of a CSV text (Python's csv module). A quote that is never closed is reported at the row
    where it opens (instead of the rest of the file silently becoming one cell)."""
    csv.field_size_limit(2**31 - 1)  # as long a cell as the fast path (pandas) reads; the default is 128 KB
    records: list[list[str]] = []
    for strict in (True, False):
        records = []
        reader = _csv_reader(io.StringIO(text, newline=""), delimiter, strict=strict)
        try:
            for record in reader:
                records.append(record)
            return records
        except csv.Error as error:
            row = len(records) + 1  # records include blank lines, so this is the spreadsheet row
            if "end of data" in str(error):
                message, rule = (
                    f'et anførselstegn (") i række {row} lukkes aldrig, så resten af filen bliver til én celle; '
                    "fjern anførselstegnet eller luk det",
                    "unclosed_quote",
                )
            elif strict:
                continue  # e.g. '"abc"def': read leniently, as Excel does
            else:
                message, rule = f"filen kan ikke læses som CSV (række {row}): {error}", "file_not_csv"
            upload.violations.append(_violation(filename, message, rule, row=row))
            return None
    return records


def _fast_table(name: str, filename: str, text: str, delimiter: str, had_bom: bool) -> RawTable | None:
    """pandas' C parser for the common case: no row wider than the header and no leading blank line.
    ``None`` sends the file to the careful path (Python's csv module), which reports such rows."""
    if not text or _blank_line(text.partition("\n")[0]):
        return None  # pandas would take the blank line for the header
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,  # as _csv_reader
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as error:
        log.info("%s: careful CSV parse (%s)", filename, error)
        return None
    if frame.empty:
        return None
    fields = _field_counts(text, delimiter)
    if len(fields) != len(frame):
        log.info("%s: careful CSV parse (records do not line up)", filename)
        return None
    header = [str(h) for h in frame.iloc[0].tolist()]  # unnamed columns are the importer's business
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = list(range(len(header)))
    body = body.fillna("")
    body = body.apply(lambda c: c.str.strip()) if len(body) and len(header) else body
    nonblank = (body != "").to_numpy().any(axis=1) if len(header) else np.zeros(len(body), dtype=bool)
    rows = np.arange(2, len(body) + 2, dtype=np.int64)[nonblank]
    body = body[nonblank].reset_index(drop=True)
    return RawTable(
        name=name,
        source=filename,
        header=tuple(header),
        frame=body,
        rows=rows,
        delimiter=delimiter,
        had_bom=had_bom,
        fields=fields[1:][nonblank],
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _field_counts(text: str, delimiter: str) -> np.ndarray:
    """The number of fields of each record of ``text`` (blank lines included, as pandas reads them): pandas
    pads a short row with empty cells, which then look like cells left empty on purpose. Without a quote in
    the text a record is a line (fast); with one, Python's csv module splits the records."""
    if '"' not in text:
        lines = _LINE_BREAK.split(text)
        if lines and lines[-1] == "":
            lines.pop()  # the line break that ends the last line
        return np.fromiter((line.count(delimiter) + 1 for line in lines), dtype=np.int64, count=len(lines))
    reader = _csv_reader(io.StringIO(text, newline=""), delimiter)
    try:
        return np.fromiter((max(len(record), 1) for record in reader), dtype=np.int64)
    except csv.Error:
        return np.zeros(0, dtype=np.int64)  # cannot line up: the careful path reports it


def _stray_quotes(
    source: str, header: Sequence[str], frame: pd.DataFrame, rows: np.ndarray, delimiter: str
) -> list[Violation]:
    """A quote that opens a cell by mistake (``"Hjortholm`` with no closing quote on its line) and is closed by a
    quote in a later row: the CSV rules make everything in between one cell, so the next row vanishes into this
    one, and when the closing quote stands in the same column the field count still fits. Such a cell spans lines
    *and* holds at least as many delimiters as a whole row has (the rest of its own row and the start of the
    next); a cell typed with Alt+Enter (``"Bostedet Egebakken␊afd. 2, Silkeborg"``) holds a line break and perhaps
    a comma, never a row's worth of them. One violation per such cell, at the row where the quote opens."""
    named = [i for i, title in enumerate(header) if str(title).strip()]
    if frame.empty or not named:
        return []
    row_delimiters = max(named[-1], 1)  # a row of the header's named columns has this many delimiters
    found: list[Violation] = []
    for pos in range(min(frame.shape[1], len(header))):
        text = frame.iloc[:, pos].fillna("").astype(str)
        if not text.str.contains("\n|\r", regex=True).any():
            continue
        bad = text.str.contains("\n|\r", regex=True) & (text.str.count(re.escape(delimiter)) >= row_delimiters)
        for index in np.flatnonzero(bad.to_numpy(dtype=bool)):
            cell = str(text.iat[index])
            first, _, after = cell.partition("\n") if "\n" in cell else cell.partition("\r")
            column = str(header[pos]).strip().lstrip("\ufeff").strip() or f"nr. {pos + 1}"
            swallowed = after.strip().splitlines()[0] if after.strip() else ""
            found.append(
                Violation(
                    file=source,
                    row=int(rows[index]),
                    column=column,
                    value=_preview(first),
                    rule="stray_quote",
                    message=(
                        'et anførselstegn (") åbner cellen uden at lukke den på linjen, så cellen fortsætter over '
                        f"flere linjer og opsluger det, der ligner de følgende rækker ('{_preview(swallowed)}'); "
                        'fjern anførselstegnet, eller luk det i samme celle (et anførselstegn i en tekst skrives "")'
                    ),
                )
            )
    return sorted(found, key=lambda v: v.row or 0)


def _preview(text: str, limit: int = 40) -> str:
    """The start of a long text as a message quotes it."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _trailing_fields_tolerated(
    header: Sequence[str], body: Sequence[tuple[int, Sequence[str]]], width: int, filled: np.ndarray, delimiter: str
) -> bool:
    """Whether the empty fields after a CSV file's last header cell are a habit of the file, not a shifted row: the
    header itself ends with empty cells (Excel's ``a;b;c;`` when a column to the right was once used), or a
    semicolon-separated file of several rows ends every row, and no header cell, with them (an export that ends each
    line with ``;``). Otherwise a row with an empty field too many is refused: an unquoted decimal comma
    (``T1,2025,15,5,``) or a ``;`` in a name shifts the values, and the empty last cell would hide it; in a comma file
    every row may be shifted alike, and in a file of one row the habit cannot be told from a shift."""
    if width and not str(header[-1]).strip():
        return True
    return delimiter == ";" and len(body) > 1 and not filled.any() and all(len(record) > width for _, record in body)


#: The contract's columns that hold a ``;``-separated list, by file, with an example of one.
_LIST_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    spec.name: tuple(
        (c.name, "I001;I002" if c.kind == Kind.ID_LIST else "sel107;sel108")
        for c in spec.columns
        if c.kind == Kind.ID_LIST or c.check == "competences"
    )
    for spec in FILE_BY_NAME.values()
}


def _too_long_cause(name: str, delimiter: str | None, header: Sequence[str]) -> str:
    """The likely cause of a CSV row with more fields than its header, in the words of the file's delimiter: a decimal
    comma in a comma-separated file; in a semicolon-separated one, a semicolon in a value, such as a list of ids
    (``I001;I002`` in inspector_ids), which must then stand in quotes."""
    if delimiter != ";":
        return "står der et decimaltal med komma uden anførselstegn i en kommasepareret fil"
    titles = {loose_name(str(t)) for t in header}
    lists = [(column, example) for column, example in _LIST_COLUMNS.get(name, ()) if column in titles]
    if not lists:
        return "står der et semikolon i en værdi uden anførselstegn (fx i et navn)"
    column, example = lists[0]
    return (
        f'står der et semikolon i en værdi uden anførselstegn, fx i {column} (en liste som "{example}" skal stå '
        "i anførselstegn i en semikolonsepareret fil; Excel sætter dem selv, når den gemmer filen)"
    )


def _table_from_records(
    name: str,
    source: str,
    records: list[list[str]],
    upload: RawUpload,
    *,
    delimiter: str | None,
    had_bom: bool,
) -> RawTable | None:
    """Header + records (lists of cell texts) -> a RawTable; blank records skipped, row numbers kept."""
    numbered = [(i + 1, r) for i, r in enumerate(records) if "".join(r).strip()]  # not blank
    if not numbered:
        columns = ", ".join(FILE_BY_NAME[name].column_names)
        upload.violations.append(
            _violation(
                source, f"filen er tom; den skal mindst have en overskriftsrække med kolonnerne {columns}", "file_empty"
            )
        )
        return None
    _, header_cells = numbered[0]
    header = list(header_cells)  # empty names (Excel's trailing ";;;") are the importer's business
    width = len(header)
    body = numbered[1:]
    rows = np.fromiter((n for n, _ in body), dtype=np.int64, count=len(body))
    widest = max((len(r) for _, r in body), default=0)
    padded = [r if len(r) == widest else [*r, *([""] * (widest - len(r)))] for _, r in body]
    frame = pd.DataFrame(padded, dtype=object) if body else pd.DataFrame(dtype=object)
    if delimiter is not None:
        stray = _stray_quotes(source, header, frame, rows, delimiter)
        if stray:
            # the rows after the quote are misread (fields shifted or swallowed): the quote is the one thing to fix
            upload.violations.extend(stray)
            return None
    if frame.shape[1] > width:
        filled = frame.iloc[:, width:].fillna("").astype(str).apply(lambda c: c.str.strip() != "").any(axis=1)
        extra = filled.to_numpy(dtype=bool)
        if delimiter is not None and not _trailing_fields_tolerated(header, body, width, extra, delimiter):
            # "T1,2025,15,5,": a decimal comma shifts 15,5 into two fields and the empty last cell hides it
            extra = np.fromiter((len(r) > width for _, r in body), dtype=bool, count=len(body))
        for pos in np.flatnonzero(extra):
            n_fields = len(body[pos][1])
            empty_end = not filled.iat[pos]
            upload.violations.append(
                Violation(
                    file=source,
                    row=int(rows[pos]),
                    column=None,
                    value=None,
                    rule="row_too_long",
                    message=(
                        f"rækken har {n_fields} felter, men overskriften har {width}; "
                        + _too_long_cause(name, delimiter, header)
                        + (", eller et skilletegn for meget sidst i rækken?" if empty_end else "?")
                    ),
                )
            )
        frame = frame.iloc[:, :width]
    for missing in range(int(frame.shape[1]), width):
        frame[missing] = ""
    frame.columns = list(range(width))
    frame = frame.fillna("")
    frame = frame.apply(lambda c: c.astype(str).str.strip()) if width and len(frame) else frame
    fields = None if delimiter is None else np.fromiter((len(r) for _, r in body), dtype=np.int64, count=len(body))
    return RawTable(
        name=name,
        source=source,
        header=tuple(header),
        frame=frame,
        rows=rows,
        delimiter=delimiter,
        had_bom=had_bom,
        fields=fields,
    )


# --- xlsx ----------------------------------------------------------------------------------------

#: The largest sheet read from a workbook, in cells from A1 to its last used cell. calamine allocates that
#: whole rectangle at once and aborts the process (no exception to catch) when the memory is not there: one
#: value typed in XFD1048576 asks for 17 billion cells. A full sheet of the widest contract file (Excel's
#: 1,048,576 rows) is under 16 million; the national dataset's largest sheet is 190,259 x 3. Memory grows
#: with the rectangle, filled or not (measured: 10 million cells 0.5 GB RSS, 50 million 2.0 GB), so the cap
#: is a full sheet of the widest file and no more.
MAX_SHEET_CELLS = 16_000_000

_NOT_XLSX = "filen kan ikke læses som Excel-arbejdsbog (.xlsx)"
_SHEET_DAMAGED = "arket kan ikke læses (arbejdsbogen er beskadiget); gem den igen i Excel"
# Every cell written as <c r="A1"...> with a column A-Z and a row below 1,000,000 (what Excel, LibreOffice and
# openpyxl write for a contract sheet): then the sheet is at most 26 x 999,999 cells and needs no counting.
_UNUSUAL_CELL = re.compile(rb'<c(?:[\t\r\n/>]| (?!r="[A-Z][0-9]{1,6}"))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_ANY_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
# A cell's own r attribute (not text inside another attribute's value): its column letters and row.
_CELL_REF = re.compile(
    rb"""<(?:[\w.-]+:)?c(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*=\s*["']([A-Za-z]+)([0-9]+)["']"""
)
_ERROR_TYPE = re.compile(rb"""t\s*=\s*["']e["']""")
# A cell's cached value, after its formula if it has one: <f>1/0</f><v>#DIV/0!</v>
_CACHED_VALUE = re.compile(rb"(?:<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>[^<]*</(?:[\w.-]+:)?f>))?<(?:[\w.-]+:)?v>([^<]*)</")


class _SheetTooLarge(Exception):
    """A sheet whose used range is larger than :data:`MAX_SHEET_CELLS`; the text is Danish."""


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold (calamine gives ``""`` for an empty cell)."""
    if isinstance(value, str):
        return composed(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()  # "13:45:00", as Excel shows a time
    if isinstance(value, dt.timedelta):  # a duration ("[t]:mm:ss"): "30:05:00", as Excel shows it
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float):
        # the 15 significant digits Excel shows and exports, not the 17 it stores: =0.1*30 is 3, not 3.0000000000000004
        value = float(f"{value:.15g}")
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


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
        where = f"til celle {column_letters(columns)}{rows}" if unreferenced <= 0 else f"over {_dots(rows)} rækker"
        raise _SheetTooLarge(
            f"arket er for stort til at blive læst: det går fra A1 {where} ({_dots(rows * columns)} celler, højst "
            f"{_dots(MAX_SHEET_CELLS)}); står der en værdi langt uden for tabellen? Slet rækkerne og kolonnerne "
            "efter tabellen (Ctrl+End viser den sidste celle) og gem igen"
        )


def _dots(number: int) -> str:
    return f"{number:,}".replace(",", ".")


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
    header_row = next((i for i, record in enumerate(records) if "".join(record).strip()), None)
    if header_row is None:
        return []
    header = records[header_row]
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


def _styled_cells(xml: bytes, styles: frozenset[int]) -> set[tuple[int, int]]:
    """The (row, column), 0-based, of the sheet's cells whose style is one of ``styles`` (a percent format, or
    another kind of number format)."""
    if not styles:
        return set()
    wanted = re.compile(rb"""\ss\s*=\s*["'](?:%b)["']""" % b"|".join(str(i).encode() for i in sorted(styles)))
    if wanted.search(xml) is None:  # one scan for the common case, a sheet without percent cells
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


def _sheet_records(
    book: CalamineWorkbook,
    archive: zipfile.ZipFile,
    title: str,
    part: str | None,
    percent_styles: frozenset[int] = frozenset(),
    date_styles: frozenset[int] = frozenset(),
    stale: bool = False,
) -> tuple[list[list[str]], dict[int, frozenset[int]], frozenset[int], dict[tuple[int, int], str]]:
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
    if _ERROR_TYPE.search(xml):
        for (row, column), text in _error_cells(xml).items():
            while len(records) <= row:
                records.append([])
            record = records[row]
            record.extend([""] * (column + 1 - len(record)))
            record[column] = text
    formulas = _formulas_without_value(xml, every=stale) if _FORMULA_TAG.search(xml) else {}
    return records, {column: frozenset(found) for column, found in percent.items()}, _hidden_rows(xml), formulas


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
        return "; den er en gammel Excel-fil (.xls): gem den i Excel som .xlsx (Excel-projektmappe)"
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
            parts = _sheet_parts(archive)
            percent_styles = _percent_styles(archive)
            date_styles = _date_only_styles(archive)
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
                    _sheet_records, book, archive, title, parts.get(title), percent_styles, date_styles, stale
                )
                _add_sheet(filename, title, read, upload, hidden=title in hidden, stale=stale)


def _add_sheet(
    filename: str,
    title: str,
    read: Callable[[], tuple[list[list[str]], dict[int, frozenset[int]], frozenset[int], dict[tuple[int, int], str]]],
    upload: RawUpload,
    *,
    hidden: bool = False,
    stale: bool = False,
) -> None:
    """One worksheet: a contract sheet, one given twice, or one that is not part of the contract. ``stale``: the
    workbook's stored formula values are not to be trusted (:func:`_recalculated_on_load`)."""
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
                "arket er skjult i Excel, men indlæses alligevel; slet det, hvis dets rækker ikke skal med",
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
        records, percent, hidden_rows, formulas = read()
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


def _warn_hidden_rows(source: str, table: RawTable, hidden: frozenset[int], upload: RawUpload) -> None:
    """Rows of the table an Excel filter (or the user) hides are read like the others, as a CSV export of the sheet
    would hold them; a user who filtered to "only these" must hear that the rest came along."""
    rows = sorted(hidden.intersection(int(r) for r in table.rows))
    if not rows:
        return
    shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
    upload.warnings.append(
        _violation(
            source,
            f"{_dots(len(rows))} {'række er skjult' if len(rows) == 1 else 'rækker er skjult'} i Excel (fx af et "
            f"filter), men indlæses alligevel: række {shown}; slet dem i arket, hvis de ikke skal med",
            "rows_hidden",
            row=rows[0],
        )
    )
