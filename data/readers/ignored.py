"""Files and sheets outside the contract: their text is searched for CPR-like numbers (the contract's rule holds
for the whole upload), and the cells of one that holds one are kept in
:attr:`~data.readers.raw.RawUpload.extra_tables` for the importer to judge; their header tells which contract
file they may be a renamed copy of. Bounded by :data:`~data.readers.limits.MAX_UNPACKED_BYTES` per upload.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from data.contract import CPR_PATTERN
from data.errors import Violation
from data.readers.cells import INVISIBLE_RE, composed
from data.readers.detection import contract_file_of_header
from data.readers.limits import MAX_UNPACKED_BYTES, _SheetTooLarge
from data.readers.raw import RawTable, RawUpload, UnreadableFile
from data.readers.sheet_xml import _calamine_failed
from data.readers.text import _LINE_BREAK, _csv_reader, _text_rows, _utf8_text, detect_delimiter, excel_delimiter_hint

log = logging.getLogger(__name__)


#: Ignored files whose text is searched for CPR numbers (the contract: "a value that looks like a CPR number anywhere in
#: an upload rejects the upload"). Only text: a PDF, an image or a .docx is not parsed (each format would need its own
#: parser of untrusted input, with its own ways to exhaust memory or time, and could still hide the number in a scan
#: or a compressed stream), so such files stay ignored with a warning as before; so do a workbook or a zip inside a
#: folder or zip (not unpacked).
_TEXT_EXTENSIONS = ("csv", "txt", "tsv")
#: A quick first test of an ignored file's or sheet's text (quotes removed, as the cells hold them): only when it finds
#: something are its cells kept, and the importer judges each cell as it judges a contract file's.
_CPR_LIKE = re.compile(CPR_PATTERN)


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
    upload.extra_headers[filename] = tuple(next(_text_rows(text, delimiter), []))
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


def _search_ignored_sheet(
    source: str, read: Callable[[], tuple[list[list[str]], object, object, object, object]], upload: RawUpload
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
