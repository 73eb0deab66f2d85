"""The entry point, :func:`read_upload_files`: what an upload holds (a folder, its sub-folders one level down, a
``.zip``, one ``.xlsx`` or one ``.csv``) and which reader each file goes to (a contract CSV file, a workbook, an
ignored file searched for CPR numbers, a contract file in the wrong format or under a near-miss name).
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import data.readers.limits as limits
from data.contract import FILE_BY_NAME
from data.errors import InvalidArgumentError
from data.glossary import format_number_da
from data.readers.csv_files import _parse_csv
from data.readers.detection import _contract_stem, _copy_of, _settle_copies
from data.readers.ignored import _TEXT_EXTENSIONS, _search_ignored_text
from data.readers.limits import MAX_PACKING_RATIO, _unpacked_too_large
from data.readers.raw import RawUpload, UnreadableFile, _violation
from data.readers.text import _CSV_HINT
from data.readers.workbook import _SAVE_AS_XLSX, _read_workbook

log = logging.getLogger(__name__)


_KNOWN_FILES = ", ".join(f"{name}.csv" for name in FILE_BY_NAME)
#: Spreadsheet files other than .xlsx: ignored in a folder with a hint to save them as .xlsx.
_OTHER_SPREADSHEETS = tuple(_SAVE_AS_XLSX)


#: Archives and packed files other than .zip, by the end of their name: what each is, in a message. None of them is
#: unpacked (the contract names .zip; a .7z or .rar needs a program of its own): each is named with what to do.
_ARCHIVES = (
    (".tar.gz", "et tar-arkiv pakket med gzip"),
    (".tgz", "et tar-arkiv pakket med gzip"),
    (".tar.bz2", "et tar-arkiv pakket med bzip2"),
    (".tar.xz", "et tar-arkiv pakket med xz"),
    (".tar", "et tar-arkiv"),
    (".7z", "et 7-Zip-arkiv"),
    (".rar", "et RAR-arkiv"),
    (".gz", "en fil pakket med gzip"),
    (".bz2", "en fil pakket med bzip2"),
    (".xz", "en fil pakket med xz"),
)


def _archive(name: str) -> str | None:
    """What ``name`` is when it names an archive or packed file other than .zip ("et 7-Zip-arkiv"), else None."""
    lowered = name.strip().lower()
    return next((what for end, what in _ARCHIVES if lowered.endswith(end) and len(lowered) > len(end)), None)


def _unpack_hint(what: str) -> str:
    """What to do with an archive (``what`` from :func:`_archive`): unpack it; a packed file is one file, an archive
    holds several."""
    if what.startswith("en fil"):
        return "pak den ud, og upload CSV-filen"
    return "pak det ud, og upload filerne (eller pak dem i en .zip)"


def read_upload_files(source: Path) -> RawUpload:
    """Read ``source`` (folder, ``.zip``, ``.xlsx`` or one ``.csv``) into raw tables.

    Raises :class:`InvalidArgumentError` when ``source`` does not exist or is none of these.
    """
    if not source.exists():
        raise InvalidArgumentError(f"'{source}' findes ikke; angiv en mappe med CSV-filer, en .zip eller en .xlsx")
    upload = RawUpload()
    if source.is_file() and source.suffix.lower() in (".zip", ".xlsx", ".xlsm") and source.stat().st_size == 0:
        # as damaged ("ikke en gyldig zip-fil") it sent the user to the program that made it, not to fetch it again
        upload.violations.append(
            _violation(
                source.name,
                "filen er tom (0 byte): en download eller kopi, der ikke blev færdig, efterlader sådan en; hent eller "
                "gem den igen",
                "file_empty",
            )
        )
        upload.refused_whole = True
        return upload
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
            f"'{source.name}' er ikke en .xlsx og kan ikke indlæses; {_SAVE_AS_XLSX[source.suffix.lower().lstrip('.')]}"
            " og indlæs den, eller gem arkene som CSV-filer i en mappe"
        )
    elif (what := _archive(source.name)) is not None:
        it = "den" if what.startswith("en fil") else "det"
        raise InvalidArgumentError(
            f"'{source.name}' er {what}, som ikke kan indlæses; pak {it} ud, og angiv "
            + ("CSV-filen" if it == "den" else "mappen (eller pak filerne i en .zip)")
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
            seen += (
                f" m.fl. ({format_number_da(len(upload.ignored), 0)} i alt)"
                if len(upload.ignored) > len(ignored)
                else ""
            )
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


#: Files an operating system or an office program leaves beside the user's (thumbnails, folder settings), passed over
#: like a hidden file, not warned about as ignored files.
_SYSTEM_FILES = frozenset({"__macosx", "thumbs.db", "desktop.ini", "ehthumbs.db"})


def _system_file(name: str) -> bool:
    """Whether ``name`` is a hidden file or folder (``.DS_Store``, ``._facilities.csv``), a file the system leaves in a
    folder, or Excel's owner file of an open workbook (``~$facilities.xlsx``, which holds the user's name only)."""
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_FILES


def _hidden_text(name: str) -> bool:
    """Whether ``name`` is a hidden text file someone saved (``.borgere.csv``, ``.noter.txt``): not one the system
    leaves (``.DS_Store``; ``._facilities.csv``, macOS's binary resource fork of a file copied to a foreign disk)."""
    stem, dot, ext = name[1:].rpartition(".")
    return name.startswith(".") and not name.startswith("._") and bool(stem and dot) and ext.lower() in _TEXT_EXTENSIONS


def _pass_hidden(name: str, read: Callable[[], bytes], upload: RawUpload, *, size: int | None) -> None:
    """A hidden text file is passed over as the system's hidden files are (it is no part of an export), but searched
    for CPR numbers as an ignored text file is (the upload must hold none), and named as not read: passed over without
    a word, ``.borgere.csv`` looked read, and its CPR numbers never refused the upload."""
    _search_ignored_text(name, read, upload, size=size, tabs=name.lower().endswith(".tsv"))
    upload.warnings.append(
        _violation(
            name,
            "filen er skjult (navnet begynder med et punktum) og er ikke indlæst; omdøb den uden punktummet, hvis den "
            "hører til uploaden",
            "file_hidden",
        )
    )


def _visible_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not _system_file(p.name))


def _read_folder(folder: Path, upload: RawUpload) -> None:
    """A folder's files, and the contract's CSV files one sub-folder down, as a zip's are read wherever they sit
    (``eksport/facilities.csv``); a file found twice (``visits.csv`` and ``gammel/visits.csv``) is refused
    naming both, as in a zip. Other files in sub-folders are left alone (a folder may hold anything)."""
    for path in sorted(p for p in folder.iterdir() if _hidden_text(p.name) and p.is_file()):
        _pass_hidden(path.name, path.read_bytes, upload, size=path.stat().st_size)
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
            and (not _system_file(PurePosixPath(m.filename).name) or _hidden_text(PurePosixPath(m.filename).name))
        ]
        too_large = _unpacked_too_large(path.name, members, "zip-filen", "én fil")
        if too_large is not None:
            upload.violations.append(too_large)
            upload.refused_whole = True
            return
        if len(members) > limits.MAX_ZIP_FILES:
            upload.violations.append(
                _violation(
                    path.name,
                    f"zip-filen indeholder {format_number_da(len(members), 0)} filer; en upload læses med højst "
                    f"{format_number_da(limits.MAX_ZIP_FILES, 0)} (datakontrakten har {len(FILE_BY_NAME)} filer): "
                    "zip kun datakontraktens filer",
                    "file_too_many",
                )
            )
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

            if _hidden_text(name):
                _pass_hidden(name, read, upload, size=member.file_size)
            else:
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
    what = _archive(filename)
    packed = stem.removesuffix(".gz").removesuffix(".bz2").removesuffix(".xz").removesuffix(".csv")
    if what is not None and packed in FILE_BY_NAME and filename.strip().lower() != packed:
        # "visits.csv.gz": ignored, the rest of the upload would be stored without it (and every score "findes ikke")
        refusal = _violation(
            filename,
            f"filen hedder {filename.strip()} og er {what.removeprefix('et ').removeprefix('en fil ')}; "
            f"{_unpack_hint(what).replace('CSV-filen', f'{packed}.csv')}",
            "file_name",
        )
        upload.other_formats.append((packed, refusal, f"filen er pakket og ignoreres; {packed}.csv indlæses"))
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
    elif what is not None:
        # "eksport.7z", "eksport.tar.gz": the contract names .zip; a 7-Zip or RAR archive needs a program of its own
        hint = f"{what} pakkes ikke ud; {_unpack_hint(what)}"
        upload.ignored.append((filename.strip(), hint))
        upload.warnings.append(_violation(filename, f"filen ignoreres: {hint}", "file_ignored"))
    elif ext in _OTHER_SPREADSHEETS:
        # "Eksport.xls": an old Excel file, or a workbook a case system names .xls; the contract names .xlsx
        hint = f"{_SAVE_AS_XLSX[ext]} og upload den alene"
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
