"""Personal-data screening: a CPR-like value in any cell or header of a contract file, unknown columns included, or
in a file or sheet the upload holds besides the contract's, rejects the upload; one detector (:func:`_cpr_hits`)
for every cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.contract import Kind
from data.errors import Violation
from data.glossary import format_number_da
from data.importer.masking import _INVISIBLE, has_cpr, mask_cpr
from data.importer.parsed import _Parsed
from data.importer.report import _display, _Report
from data.readers import INVISIBLE_RE, RawTable, column_letters

_CPR_CANDIDATE = r"\d{6}[-\u2010-\u2015 ]?\d{4}"
_PLAIN_DECIMAL = r"-?\d+[.,]\d+"
_CLOSED_KINDS = (Kind.ENUM, Kind.DATE, Kind.MONTH, Kind.BOOL)


def _check_cpr(raw: RawTable, table: _Parsed, report: _Report) -> None:
    """A CPR-like value in any cell (unknown columns included) rejects the upload; the number is masked."""
    for pos, title in enumerate(raw.header):
        if has_cpr(title):
            report.add(
                Violation(
                    raw.source,
                    1,
                    mask_cpr(title.strip()),
                    None,
                    "cpr",
                    "kolonneoverskriften ligner et CPR-nummer; en upload må ikke indeholde personoplysninger om "
                    "borgere (kun antal)",
                )
            )
        text = raw.frame[pos].reset_index(drop=True)
        name = title.strip().lower()
        if name in table.values and table.spec.column(name).kind in _CLOSED_KINDS:
            # A valid enum, date, month or boolean cannot hold a number: look only at the invalid cells.
            unparsed = table.values[name].isna().to_numpy()
            if not unparsed.any():
                continue
            text = text.where(unparsed, "")
        hits = _cpr_hits(text)
        if not hits.any():
            continue
        report.cells(
            table,
            hits,
            title.strip(),
            text,
            "cpr",
            "værdien ligner et CPR-nummer; en upload må ikke indeholde personoplysninger om borgere (kun antal)",
        )


def _cpr_hits(text: pd.Series) -> np.ndarray:
    """Which of the cells ``text`` (stripped strings) hold a CPR-like number: the one detector for every cell of an
    upload, a contract file's and an ignored file's or sheet's alike. A plain decimal (a coordinate with ten
    decimals, ``56.0102031234``) is no CPR number."""
    hits = np.zeros(len(text), dtype=bool)
    if _INVISIBLE.search("".join(text.tolist())) is not None:  # "0101\u200b90-1234" is one too
        text = text.str.replace(INVISIBLE_RE, "", regex=True)
    candidates = text.str.contains(_CPR_CANDIDATE, regex=True).fillna(False).to_numpy(dtype=bool)
    if not candidates.any():
        return hits
    decimal = text.str.fullmatch(_PLAIN_DECIMAL).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(candidates & ~decimal):
        hits[i] = has_cpr(text.iat[i])
    return hits


def _check_extra_cpr(raw: RawTable, report: _Report) -> None:
    """A file or sheet the upload holds besides the contract's (ignored otherwise; the reader keeps the rows of one
    with something CPR-like, :attr:`RawUpload.extra_tables`) rejects the upload when a cell holds a CPR-like number,
    judged as a contract file's cell is (:func:`_cpr_hits`). One violation for the file: the first such cell (row,
    column, the masked value) and how many there are; what to do is to remove the file or the personal data."""
    sheet = raw.delimiter is None
    first: tuple[int, int, str] | None = None  # row, column position, cell
    count = 0
    for pos in range(len(raw.header)):
        text = raw.frame[pos]
        hits = np.flatnonzero(_cpr_hits(text))
        count += len(hits)
        if len(hits) and (first is None or int(raw.rows[hits[0]]) < first[0]):
            first = (int(raw.rows[hits[0]]), pos, str(text.iat[hits[0]]))
    if first is None:
        return
    row, pos, cell = first
    title = raw.header[pos].strip()
    if len(raw.header) == 1:
        column: str | None = None  # a text of one column (notes): the row says where
    elif title and not has_cpr(title):
        column = title
    else:  # no title, or the hit is the header itself (a list of numbers without a header)
        column = column_letters(pos + 1) if sheet else f"nr. {pos + 1}"
    what, it, remove = (
        ("arket", "det", "slet arket fra arbejdsbogen") if sheet else ("filen", "den", "fjern filen fra uploaden")
    )
    found = "en værdi" if count == 1 else f"{format_number_da(count, 0)} værdier"
    of_many = "" if count == 1 else " (her den første)"
    if raw.name:  # the rows below a second header in a contract file (data.readers.records._other_headers)
        problem = f"{found} under den anden overskrift ligner et CPR-nummer{of_many}"
        advice = ""
    else:
        problem = f"{what} hører ikke til datakontrakten og ville blive ignoreret, men {found} i {it} ligner et "
        problem += f"CPR-nummer{of_many}"
        advice = f": {remove}, eller slet personoplysningerne i {it}"
    message = f"{problem}; en upload må ikke indeholde personoplysninger om borgere (kun antal){advice}"
    report.add(Violation(raw.source, row, column, _display(cell), "cpr", message))
