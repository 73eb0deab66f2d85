"""Records (lists of cell texts) into a :class:`~data.readers.raw.RawTable`, shared by CSV files and workbook
sheets: blank records skipped with their row numbers kept, and the checks of a row's shape (more fields than the
header, with the likely cause in the file's delimiter; a stray quote that swallows the following rows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME, Kind
from data.errors import Violation
from data.glossary import format_number_da
from data.readers.cells import loose_name
from data.readers.raw import RawTable, RawUpload, _preview, _violation, empty_file_message


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
        upload.violations.append(_violation(source, empty_file_message(name), "file_empty"))
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
    if (keep := _other_headers(name, source, header, frame, rows, upload)) is not None:
        frame, rows = frame[keep].reset_index(drop=True), rows[keep]
        body = [record for record, kept in zip(body, keep, strict=True) if kept]
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


def _normal_title(cell: object) -> str:
    return str(cell).strip().lstrip("\ufeff").strip().lower()


def _other_headers(
    name: str, source: str, header: Sequence[str], frame: pd.DataFrame, rows: np.ndarray, upload: RawUpload
) -> np.ndarray | None:
    """Rows below the header that are a header with other columns (two exports put after one another, the second
    with fewer or more columns, or in another order), and the rows below each up to the next header: one violation
    at the second header, and the rows it heads left out (read under row 1's columns, each was a row too short or too
    long and a value in the wrong column: 'facility_id' findes ikke, date 'date'). A header equal to row 1 is the
    importer's (``header_repeated``: the rows below it are records). Their cells are kept in
    :attr:`RawUpload.extra_tables` for the CPR rule. Returns which rows to keep, or None when every row stays."""
    spec = FILE_BY_NAME[name]
    names = set(spec.column_names)
    if frame.empty or len(names) < 2:
        return None
    candidates = np.zeros(len(frame), dtype=bool)
    for pos in range(min(2, frame.shape[1])):  # a second header starts with a column name within its first two cells
        cells = frame[pos].fillna("").astype(str)
        joined = "\n".join(cells.tolist()).lower()
        if any(n in joined for n in names):  # a cheap look first: 2 million rows hold no column name
            lowered = (
                cells.str.strip().str.lstrip("\ufeff").str.strip().str.lower().str.replace(r"[\s.\-]+", "_", regex=True)
            )
            candidates |= lowered.isin(names).to_numpy(dtype=bool)
    if not candidates.any():
        return None
    own = [_normal_title(t) for t in header]
    while own and not own[-1]:
        own.pop()
    if not {c.name for c in spec.columns if c.required} <= {loose_name(t) for t in own}:
        return None  # row 1 is no header of this file (a title above the table): the importer names the header row
    heads: list[tuple[int, list[str]]] = []  # (position, the cells) of each header below row 1, this one's or other
    for at in np.flatnonzero(candidates).tolist():
        cells = [str(c) if c is not None else "" for c in frame.iloc[at].tolist()]
        normal = [_normal_title(c) for c in cells]
        while normal and not normal[-1]:
            normal.pop()
        filled = [c for c in normal if c]
        known = sum(loose_name(c) in names for c in filled)
        if normal == own:
            heads.append((at, []))  # row 1 again: the importer's; the rows below it are records
        elif known >= 2 and 2 * known >= len(filled):
            heads.append((at, cells[: len(normal)]))
    others = [(pos, cells) for pos, cells in heads if cells]
    if not others:
        return None
    keep = np.ones(len(frame), dtype=bool)
    ends = [pos for pos, _ in heads[1:]] + [len(frame)]
    for (pos, cells), end in zip(heads, ends, strict=True):
        if not cells:
            continue
        keep[pos:end] = False
        titles = [c.strip().lstrip("\ufeff").strip() for c in cells]
        theirs = {_normal_title(t) for t in titles if t}
        missing = [t.strip() for t in header if _normal_title(t) and _normal_title(t) not in theirs]
        extra = [t for t in titles if t and _normal_title(t) not in set(own)]
        parts = []
        if missing:
            parts.append("mangler " + ", ".join(missing))
        if extra:
            parts.append("har også " + ", ".join(extra))
        diff = "; ".join(parts) if parts else "de samme kolonner i en anden rækkefølge"
        below = rows[pos + 1 : end]
        if len(below) == 0:
            after = "Slet rækken"
        else:
            span = (
                f"række {format_number_da(int(below[0]), 0)}"
                if len(below) == 1
                else f"række {format_number_da(int(below[0]), 0)}–{format_number_da(int(below[-1]), 0)}"
            )
            after = (
                f"Rækkerne under den ({span}) følger den overskrift og er ikke kontrolleret: sæt udtrækkene sammen "
                "med de samme kolonner i samme rækkefølge som række 1, og slet den anden overskrift (eller upload "
                "dem hver for sig)"
            )
        upload.violations.append(
            _violation(
                source,
                f"rækken er en ny overskrift med andre kolonner end række 1 ({diff}); er to udtræk sat efter "
                f"hinanden? {after}",
                "header_other_columns",
                row=int(rows[pos]),
            )
        )
        if end > pos + 1:
            section = frame.iloc[pos + 1 : end, : len(cells)].reset_index(drop=True)
            section.columns = list(range(section.shape[1]))
            upload.extra_tables.append(
                RawTable(
                    name=name,
                    source=source,
                    header=tuple(titles),
                    frame=section.fillna("").astype(str),
                    rows=rows[pos + 1 : end],
                )
            )
    return keep
