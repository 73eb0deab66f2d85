"""A contract CSV file into a :class:`~data.readers.raw.RawTable`: pandas' C parser for the common case, Python's
csv module for the careful path (which reports unclosed quotes and rows too long), a title above the header, a
tab-separated file, and Excel's text formulas (``="0042"``) read as the text Excel shows.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import logging
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME
from data.errors import Violation
from data.glossary import format_number_da
from data.readers.detection import find_header_row, header_not_first, looks_like_a_record
from data.readers.raw import RawTable, RawUpload, _preview, _violation
from data.readers.records import _other_headers, _stray_quotes, _table_from_records
from data.readers.text import (
    _LINE_BREAK,
    _blank_line,
    _csv_reader,
    _decode,
    _row_at,
    detect_delimiter,
    excel_delimiter_hint,
)

log = logging.getLogger(__name__)


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
        hint_line = first_line.strip()
        text = rest
        first_line = text.lstrip("\r\n").partition("\n")[0]
        other = "," if delimiter == ";" else ";"
        if other in first_line and delimiter not in first_line:
            # read with the hint's delimiter the header is one column: every required column "missing"
            words = {",": "komma", ";": "semikolon"}
            upload.violations.append(
                _violation(
                    filename,
                    f"første linje '{hint_line}' siger, at filen er adskilt med {words[delimiter]}, men overskriften "
                    f"er adskilt med {words[other]}; slet linjen '{hint_line}'",
                    "file_sep_line",
                    row=1,
                )
            )
            return None
    else:
        delimiter = detect_delimiter(first_line)
    if "|" in first_line and delimiter not in first_line:
        upload.violations.append(
            _violation(
                filename,
                "filen er adskilt med lodret streg (|); den skal være adskilt med komma eller semikolon: gem den som "
                "CSV (UTF-8) adskilt med komma eller semikolon",
                "file_pipe_separated",
                row=1,
            )
        )
        return None
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
    found = _csv_header_further_down(name, text)
    if found is not None:
        # a title line above the header: one violation, not "row too long" for every row below it
        upload.violations.append(header_not_first(filename, found[0], records_above=found[1]))
        return None
    if '\\"' in text and (escaped := _BACKSLASH_QUOTE.search(text)) is not None:
        # MySQL's SELECT … INTO OUTFILE writes a quote in a cell as \", not "": read as CSV, the cell is cut at it and
        # the rest glued on ('Bostedet \Egebo\""'), stored without a word
        upload.violations.append(
            _violation(
                filename,
                "et anførselstegn i en celle er skrevet med en omvendt skråstreg foran (\\\"), som MySQL's SELECT … "
                'INTO OUTFILE skriver det; i en CSV-fil skrives det som to anførselstegn (""), ellers læses cellen '
                'forkert: eksportér igen med FIELDS ESCAPED BY \'"\' (MySQL), eller ret \\" til "" i filen',
                "backslash_quote",
                row=_row_at(text[: escaped.start()]),
            )
        )
        return None
    if (wrapped := _wrapped_rows(filename, text, delimiter)) is not None:
        upload.violations.append(wrapped)  # one for the file, not "1 felt, men overskriften har 6" for every row
        return None
    table = _fast_table(name, filename, text, delimiter, had_bom)
    if table is not None:
        stray = _stray_quotes(table.source, table.header, table.frame, table.rows, delimiter) if '"' in text else []
        if stray:
            upload.violations.extend(stray)
            return None
        if (keep := _other_headers(name, filename, table.header, table.frame, table.rows, upload)) is not None:
            fields = None if table.fields is None else table.fields[keep]
            table = dataclasses.replace(
                table, frame=table.frame[keep].reset_index(drop=True), rows=table.rows[keep], fields=fields
            )
    else:
        records = _csv_records(filename, text, delimiter, upload)
        if records is None:
            return None
        table = _table_from_records(name, filename, records, upload, delimiter=delimiter, had_bom=had_bom)
    return _without_text_formulas(table) if table is not None and '="' in text else table


#: A quote escaped with a backslash inside a cell (MySQL's \"), followed by more of the cell: a backslash before a
#: quote that ends a cell ("C:\\") is a backslash.
_BACKSLASH_QUOTE = re.compile(r'\\"(?=[^",;\r\n])')
#: How many of a file's first non-blank lines are looked at for rows wrapped whole in quotes.
_WRAPPED_SAMPLE = 20


def _wrapped_row(line: str, delimiter: str) -> bool:
    """Whether a CSV line is one quoted cell holding the delimiter: a whole row put in quotes (``"V1,F1,2024-03-12"``),
    as a program that writes each line as one value does. ``"F1","Egebakken"`` is two cells."""
    stripped = line.strip()
    if len(stripped) < 3 or stripped[0] != '"' or stripped[-1] != '"' or delimiter not in stripped:
        return False
    try:
        cells = next(_csv_reader([stripped], delimiter), [])
    except csv.Error:
        return False
    return len(cells) == 1 and delimiter in cells[0]


def _wrapped_rows(filename: str, text: str, delimiter: str) -> Violation | None:
    """One violation for a CSV file whose rows each stand in quotes as one cell (the header, or most of the first
    rows): read as they are, every row is one field ("rækken har 1 felt, men overskriften har 6", or every required
    column missing), and nothing says that the quotes are the one thing to remove. The whole file is counted only
    when its first lines show it."""
    if '"' not in text:
        return None
    lines = ((n, line) for n, line in enumerate(_lines(text), start=1) if not _blank_line(line))
    sample = list(itertools.islice(lines, _WRAPPED_SAMPLE))
    wrapped = [(n, line) for n, line in sample if _wrapped_row(line, delimiter)]
    header_wrapped = bool(sample) and bool(wrapped) and wrapped[0][0] == sample[0][0]
    if not wrapped or (not header_wrapped and 2 * len(wrapped) < len(sample) - 1):
        return None
    first_row, first_line = wrapped[0]
    count = sum(1 for line in _lines(text) if _wrapped_row(line, delimiter))
    if count == 1:  # the header alone
        said = f"rækken står i anførselstegn som én celle ('{_preview(first_line)}'), så dens kolonner"
    else:
        said = (
            f"hver række står i anførselstegn som én celle ({format_number_da(count, 0)} rækker, den første række "
            f"{format_number_da(first_row, 0)}: '{_preview(first_line)}'), så kolonnerne"
        )
    return _violation(
        filename,
        f"{said} ikke kan skilles ad; fjern anførselstegnene om linjerne (fx i Notesblok med Erstat), eller gem "
        "filen igen som CSV fra det program, der lavede den",
        "row_quoted_whole",
        row=first_row,
    )


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


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line breaks, one at a time, as ``io.StringIO(text, newline="")`` gives them:
    a ``StringIO`` holds its text as four bytes a character (190 MB for a 47 MB file, to look at its first line)."""
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield text[start : match.end()]
        start = match.end()
    if start < len(text):
        yield text[start:]


def _csv_header_further_down(name: str, text: str) -> tuple[int, bool] | None:
    """The line of the real header when the first non-blank line lacks a required column and one of the next
    lines has them all, and whether that first line looks like a record (:func:`looks_like_a_record`); else None.
    Each line is split by its own delimiter (a title has none, or another)."""

    def cells(numbered: tuple[int, str]) -> tuple[int, list[str]]:
        number, line = numbered
        try:
            return number, next(_csv_reader([line], detect_delimiter(line)), [])
        except csv.Error:
            return number, []

    required = [c.name for c in FILE_BY_NAME[name].columns if c.required]
    lines = ((n, line) for n, line in enumerate(_lines(text), start=1) if not _blank_line(line))
    first = next(lines, None)
    if first is None or find_header_row(required, [first_cells := cells(first)]) is not None:
        return None
    row = find_header_row(required, map(cells, lines))
    return None if row is None else (row, looks_like_a_record(first_cells[1], required))


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
                    f'et anførselstegn (") i række {format_number_da(row, 0)} lukkes aldrig, så resten af filen '
                    "bliver til én celle; fjern anførselstegnet eller luk det",
                    "unclosed_quote",
                )
            elif strict:
                continue  # e.g. '"abc"def': read leniently, as Excel does
            else:
                message, rule = (
                    f"filen kan ikke læses som CSV (række {format_number_da(row, 0)}): {error}",
                    "file_not_csv",
                )
            upload.violations.append(_violation(filename, message, rule, row=row))
            return None
    return records


def _fast_table(name: str, filename: str, text: str, delimiter: str, had_bom: bool) -> RawTable | None:
    """pandas' C parser for the common case: no row wider than the header and no leading blank line.
    ``None`` sends the file to the careful path (Python's csv module), which reports such rows."""
    if not text or _blank_line(text.partition("\n")[0]):
        return None  # pandas would take the blank line for the header
    encoded = text.encode("utf-8")
    try:
        frame = pd.read_csv(
            io.BytesIO(encoded),  # the text as UTF-8 again: a StringIO took four bytes a character
            encoding="utf-8",
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
    fields = _field_counts(text, delimiter, encoded)
    del encoded
    if len(fields) != len(frame):
        log.info("%s: careful CSV parse (records do not line up)", filename)
        return None
    header = [str(h) for h in frame.iloc[0].tolist()]  # unnamed columns are the importer's business
    # a column at a time (a copy of the whole frame per step took 70 MB each for 2.2 million rows)
    body = pd.DataFrame(
        {i: frame.iloc[1:, i].fillna("").str.strip().reset_index(drop=True) for i in range(len(header))}
        if len(frame) > 1
        else {i: pd.Series(dtype=object) for i in range(len(header))},
        index=pd.RangeIndex(len(frame) - 1),
    )
    del frame
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


def _field_counts(text: str, delimiter: str, encoded: bytes | None = None) -> np.ndarray:
    """The number of fields of each record of ``text`` (blank lines included, as pandas reads them): pandas
    pads a short row with empty cells, which then look like cells left empty on purpose. Without a quote in
    the text a record is a line, counted in its UTF-8 bytes (``encoded``, where the delimiter and line breaks are
    one byte each and in no other character; a list of the lines took 150 MB for 2.2 million); with one, Python's
    csv module splits the records."""
    if '"' not in text:
        raw = np.frombuffer(text.encode("utf-8") if encoded is None else encoded, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)  # the position of each line's break
        if len(cr := np.flatnonzero(raw == 13)):
            cr = cr[~np.isin(cr + 1, ends)]  # "\r\n" is one line break, ending at its "\n"
            ends = np.sort(np.concatenate([ends, cr]))
        if len(raw) and (not len(ends) or ends[-1] != len(raw) - 1):
            ends = np.append(ends, len(raw))  # a last line without a line break
        if not len(ends):
            return np.zeros(0, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1] + 1))
        delimiters = np.flatnonzero(raw == ord(delimiter))
        return np.searchsorted(delimiters, ends) - np.searchsorted(delimiters, starts) + 1
    reader = _csv_reader(io.StringIO(text, newline=""), delimiter)
    try:
        return np.fromiter((max(len(record), 1) for record in reader), dtype=np.int64)
    except csv.Error:
        return np.zeros(0, dtype=np.int64)  # cannot line up: the careful path reports it
