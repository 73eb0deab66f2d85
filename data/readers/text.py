"""CSV and text decoding: a file's bytes as the contract's CSV text (UTF-8 with or without BOM; binary files,
UTF-16, UTF-32 and invalid bytes refused with the row they stand in), the delimiter (Excel's ``sep=`` line, ``,`` or
``;``), and Python's CSV reader as every text of an upload is read.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Iterator

import numpy as np

from data.errors import Violation
from data.glossary import format_number_da
from data.readers.cells import composed
from data.readers.raw import RawUpload, _preview, _violation, empty_file_message

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "en Excel-arbejdsbog eller zip-fil"),
    (b"\xd0\xcf\x11\xe0", "en gammel Excel-fil (.xls)"),
    (b"%PDF", "en PDF-fil"),
    (b"\x89PNG", "et billede"),
    (b"\xff\xd8\xff", "et billede"),
)
_CSV_HINT = "gem den som CSV (UTF-8), adskilt med komma eller semikolon"


def _text_rows(text: str, delimiter: str | None = None) -> Iterator[list[str]]:
    """The non-blank lines of ``text``, each read as one CSV row with ``delimiter`` (else the line's own), lazily:
    what :func:`contract_file_of_header` looks through."""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            yield next(_csv_reader([line], delimiter or detect_delimiter(line)), [])


def _looks_like_utf16(body: bytes) -> bool:
    """Text saved as UTF-16 without its byte order mark: in its first bytes every other byte is NUL (ASCII letters
    and digits, as a header has them), which is no UTF-8 text and no binary file either."""
    start = body[:200]
    if len(start) < 4 or b"\x00" not in start:
        return False
    even, odd = start[0::2], start[1::2]
    return even.count(0) == len(even) or odd.count(0) == len(odd)


def _looks_like_utf32(body: bytes) -> bool:
    """Text saved as UTF-32 (with its byte order mark, which starts as UTF-16's little-endian one, or without): of
    every four bytes of an ASCII header three are NUL."""
    if body.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return True
    start = body[:200]
    if len(start) < 8:
        return False
    quarters = [start[i::4] for i in range(4)]
    nul = [q.count(0) == len(q) for q in quarters]
    return nul in ([False, True, True, True], [True, True, True, False])


def _utf8_text(filename: str, data: bytes, *, locate: bool = True) -> tuple[str, bool] | Violation:
    """A file's text and whether it had a BOM, decoded as the contract's CSV files are (UTF-8 with or without BOM,
    composed), or the violation that says why it is no such text. ``locate``: name the row of an invalid byte."""
    had_bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if had_bom else data
    for signature, what in _SIGNATURES:
        if body.startswith(signature):
            return _violation(filename, f"filen er ikke en CSV-fil (den ligner {what}); {_CSV_HINT}", "file_not_csv")
    if _looks_like_utf32(body):  # before UTF-16, which its byte order mark and NUL bytes look like too
        return _violation(
            filename,
            "filen er gemt som UTF-32, ikke UTF-8; gem den som 'CSV UTF-8 (kommasepareret)' i Excel eller som UTF-8 "
            "i det program, der har lavet den",
            "file_not_utf8",
        )
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(body):
        return _violation(
            filename,
            "filen er gemt som UTF-16 (Excel: 'Unicode-tekst'), ikke UTF-8; gem den i Excel som "
            "'CSV UTF-8 (kommasepareret)'",
            "file_not_utf8",
        )
    if b"\x00" in body:  # anywhere: a NUL byte cannot be stored (PostgreSQL refuses it)
        return _nul_violation(filename, body, locate=locate)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        if not locate:
            return _violation(filename, "filen er ikke gemt som UTF-8", "file_not_utf8")
        before = body[: error.start].decode("utf-8")
        line = _row_at(before)
        codec, read_as = _legacy_codec(body)
        column, value = _invalid_cell(before, body[error.start :], codec)
        where = f"række {format_number_da(line, 0)}" + (f", kolonne '{column}'" if column else "")
        return dataclasses.replace(
            _violation(
                filename,
                f"filen er ikke gemt som UTF-8 (ugyldigt tegn i {where}: '{_preview(value)}', her læst med "
                f"{read_as}); gem den i Excel som 'CSV UTF-8 (kommasepareret)'",
                "file_not_utf8",
                row=line,
            ),
            column=column,
            value=value,
        )
    return composed(text.rstrip("\x1a")), had_bom  # a DOS end-of-file mark (Ctrl+Z), which older export tools write


def _nul_violation(filename: str, body: bytes, *, locate: bool) -> Violation:
    """The violation for a file holding NUL bytes. A text with a few (an export tool's stray NUL in a cell, or NULs
    filling the end of a file cut short while it was saved or copied) is named where they stand: Excel opens such a
    file and shows nothing wrong, so 'binary data' left the user nothing to look for. Anything else is no CSV file."""
    binary = _violation(filename, f"filen er ikke en CSV-fil (den indeholder binære data); {_CSV_HINT}", "file_not_csv")
    count = body.count(b"\x00")
    at = body.find(b"\x00")
    if not locate or (count * 100 > len(body) and body[at:].strip(b"\x00")):
        return binary
    try:
        before = body[:at].decode("utf-8")
        body.replace(b"\x00", b"").decode("utf-8")
    except UnicodeDecodeError:
        return binary
    line = _row_at(before)
    if not body[at:].strip(b"\x00\r\n\t "):
        return _violation(
            filename,
            f"filen slutter med {format_number_da(count, 0)} NUL-tegn (byte 0) fra række {format_number_da(line, 0)}: "
            "sådan ser en fil ud, der blev afbrudt, mens den blev gemt eller kopieret, og rækker kan mangle; gem "
            "eller hent filen igen",
            "nul_byte",
            row=line,
        )
    column, value = _invalid_cell(before, body[at:])
    shown = _preview(value.replace("\x00", "␀"))
    where = f"række {format_number_da(line, 0)}" + (f", kolonne '{column}'" if column else "")
    more = "" if count == 1 else f" ({format_number_da(count, 0)} i alt; her det første)"
    return dataclasses.replace(
        _violation(
            filename,
            f"filen indeholder et NUL-tegn (byte 0, som Excel ikke viser) i {where}: '{shown}'{more}; det kan ikke "
            "gemmes: slet tegnet (fx i Notesblok), eller gem filen igen som CSV UTF-8 fra det program, der lavede den",
            "nul_byte",
            row=line,
        ),
        column=column,
        value=shown,
    )


def _decode(name: str, filename: str, data: bytes, upload: RawUpload) -> tuple[str, bool] | None:
    decoded = _utf8_text(filename, data)
    if isinstance(decoded, Violation):
        upload.violations.append(decoded)
        return None
    text, had_bom = decoded
    if not text.strip():
        upload.violations.append(_violation(filename, empty_file_message(name), "file_empty"))
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


#: The character sets of Excel's CSV formats other than "CSV UTF-8", and how a message names each: Danish Windows'
#: "CSV (semikolonsepareret)", "CSV (Macintosh)" and "CSV (MS-DOS)" (the DOS code page 850; 865's Danish letters are
#: the same bytes).
_LEGACY_CODECS = (
    ("cp1252", "Windows-tegnsæt, som Excels 'CSV (semikolonsepareret)' bruger"),
    ("mac_roman", "Mac-tegnsæt, som Excels 'CSV (Macintosh)' bruger"),
    ("cp850", "DOS-tegnsæt, som Excels 'CSV (MS-DOS)' bruger"),
)
_DANISH_LETTERS = frozenset("æøåÆØÅ")


def _legacy_codec(body: bytes) -> tuple[str, str]:
    """The character set (one of Excel's) a text that is not UTF-8 most likely has: the one in which most of its bytes
    above 127 are Danish letters (Windows first when none is). The Mac and DOS files were read as Windows text, which
    showed 'Søndergaard' as 'S¿ndergaard' or 'S›ndergaard' and named the wrong format to avoid."""
    counts = np.bincount(np.frombuffer(body, dtype=np.uint8), minlength=256)
    best, best_score = _LEGACY_CODECS[0], 0
    for entry in _LEGACY_CODECS:
        letters = [b for b in range(128, 256) if bytes([b]).decode(entry[0], errors="replace") in _DANISH_LETTERS]
        score = int(counts[letters].sum())
        if score > best_score:
            best, best_score = entry, score
    return best


def _invalid_cell(before: str, rest: bytes, codec: str = "cp1252") -> tuple[str | None, str]:
    """The column and the cell in which a CSV file's first byte that is no UTF-8 stands (``before``: the text up to it;
    ``rest``: the bytes from it), the cell read as Windows-1252, which is what a Danish Excel's "CSV
    (semikolonsepareret)" writes (``Søndergaard``). The column is None in the header or when no header is found."""
    first = before.lstrip("\r\n").partition("\n")[0].strip().lower()
    delimiter = detect_delimiter(first)
    header: list[str] | None = None
    cells: list[str] | None = None  # the record the byte stands in, up to it (the last one read)
    count = 0
    try:
        for record in _csv_reader(io.StringIO(before + "x", newline=""), delimiter):
            if not any(c.strip() for c in record) or (count == 0 and excel_delimiter_hint(",".join(record))):
                continue
            header = record if count == 0 else header
            cells, count = record, count + 1
    except csv.Error:
        cells = None
    tail = rest[:4096].decode(codec, errors="replace")  # the rest of the cell, not of the file
    cut = min((i for i in (tail.find(c) for c in (delimiter, '"', "\r", "\n")) if i >= 0), default=len(tail))
    if not cells:
        return None, tail[:cut].strip()
    value = (cells[-1][:-1] + tail[:cut]).strip()  # the cell so far (without the "x" put after it) and its rest
    header = header if header is not None and count > 1 else []
    column = header[len(cells) - 1].strip() if len(cells) <= len(header) else None
    return column or None, value


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


def _blank_line(line: str) -> bool:
    """Whether a CSV line is a row of empty cells: nothing, or only delimiters, quotes and spaces (";;;;;" is how
    Excel saves an empty row that once held something). Skipped, above the header too, as a blank line is."""
    return not line.strip(' \t\r\n,;"')


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
