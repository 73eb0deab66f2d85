"""What reading an upload produces: :class:`RawTable` (one contract file's cells as text) and :class:`RawUpload`
(every table, violation, warning and ignored file of one upload), and the small helpers every reader words its
violations with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME
from data.errors import Violation


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
    #: The first non-blank row of each ignored text file searched (its name -> the row's cells): a required file that
    #: is missing is named with an ignored file whose header holds its columns under other names ("besøg.csv").
    extra_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Bytes of ignored files read so far to search them (at most :data:`MAX_UNPACKED_BYTES` per upload).
    extra_bytes: int = 0
    #: The workbooks read (their names), so a contract file missing from one is named as the sheet it would be.
    workbooks: list[str] = field(default_factory=list)


class UnreadableFile(Exception):
    """A member of an upload that cannot be read (a damaged or encrypted zip member); the text is Danish."""


def _violation(file: str, message: str, rule: str, *, row: int | None = None) -> Violation:
    return Violation(file=file, row=row, column=None, value=None, rule=rule, message=message)


def empty_file_message(name: str) -> str:
    """What an empty file of the contract's ``name`` should hold: its required columns named as such (the optional
    ones listed apart: "mindst … med kolonnerne" named every column, as if each were needed), and for an optional file
    that a header alone says "none"."""
    spec = FILE_BY_NAME[name]
    required = [c.name for c in spec.columns if c.required]
    optional = [c.name for c in spec.columns if not c.required]
    message = f"filen er tom; den skal mindst have en overskriftsrække med kolonnerne {', '.join(required)}"
    if optional:
        message += f" (og gerne {'den valgfri' if len(optional) == 1 else 'de valgfri'} {', '.join(optional)})"
    if not spec.required:
        message += "; er der intet at sende, så skriv overskriften alene, eller udelad filen"
    return message


def _preview(text: str, limit: int = 40) -> str:
    """The start of a long text as a message quotes it."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
