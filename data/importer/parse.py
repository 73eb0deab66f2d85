"""One contract file's raw table into a :class:`~data.importer.parsed._Parsed` (:func:`_parse_table`): its header
(invisible characters, a column twice, near-miss and unknown columns, a header below row 1, required columns
missing), the rows that are no records (the header again, another delimiter, a totals row, a row too short), each
column's values, and percent cells read as Excel shows them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from data.contract import FALSE_WORDS, TRUE_WORDS, Column, FileSpec, Kind
from data.errors import Violation, shown_value
from data.glossary import format_number_da
from data.importer.hints import _danish_column
from data.importer.parsed import _Parsed
from data.importer.report import _display, _num, _Report, _rows_da
from data.importer.values import _parse_column
from data.readers import (
    HEADER_SEARCH_ROWS,
    INVISIBLE,
    INVISIBLE_RE,
    RawTable,
    bare_title,
    column_letters,
    find_header_row,
    header_not_first,
    looks_like_a_record,
    loose_name,
)

#: The unknown columns of a file a warning names; the others are counted.
MAX_NAMED_COLUMNS = 10


def _parse_table(spec: FileSpec, raw: RawTable, report: _Report, today: dt.date) -> _Parsed:
    table = _Parsed(spec=spec, raw=raw)
    positions: dict[str, int] = {}
    for pos, title in enumerate(raw.header):
        name = bare_title(title).lower()
        if re.search(INVISIBLE_RE, name) and loose_name(name) in spec._by_name:
            # "closed\u200b_on" is not closed_on and would be ignored; an unknown column stays a warning, never an error
            codes = sorted({f"U+{ord(c):04X}" for c in name if c in INVISIBLE})
            report.add(
                Violation(
                    raw.source,
                    1,
                    title.strip(),
                    None,
                    "invisible_character",
                    f"kolonneoverskriften indeholder et usynligt tegn ({', '.join(codes)}), så den ikke er den, den "
                    "ser ud til; skriv overskriften igen",
                )
            )
            name = re.sub(INVISIBLE_RE, "", name)  # reported once here, not again as a missing or unknown column
        if not name:
            if (raw.frame[pos] != "").any():
                report.warnings.append(
                    Violation(
                        raw.source,
                        1,
                        None,
                        None,
                        "unnamed_column",
                        f"kolonne nr. {pos + 1} har ingen overskrift; dens værdier gemmes ikke",
                    )
                )
            continue
        if name in positions and name in spec._by_name:
            report.add(
                Violation(raw.source, 1, title, None, "column_twice", _column_twice(raw, name, positions[name], pos))
            )
            continue
        # an unknown column given twice is two unknown columns: neither is read, so both are a warning only
        positions.setdefault(name, pos)
        if name not in spec._by_name:
            meant = _meant_column(spec, title) or loose_name(title)
            if meant in spec._by_name and all(bare_title(t).lower() != meant for t in raw.header):
                # "closed on" for closed_on: ignored, closed tilbud would be stored as active (as a near-miss file
                # name is refused); a required column's near miss is named where it is reported missing
                if not spec.column(meant).required:
                    report.add(
                        Violation(
                            raw.source,
                            1,
                            title.strip(),
                            None,
                            "column_name",
                            f"{_rename(spec, title, meant)}; ellers gemmes dens værdier ikke",
                        )
                    )
                continue
            table.unknown.append(shown_value(title.strip()))  # a header cell of 100,000 characters is cut
    headerless = _no_header(spec, raw, positions)
    if headerless is not None:
        report.add(headerless)
    elif table.unknown:
        # an export of every field a case system has lists hundreds: the first ones are named, the rest counted
        listed = ", ".join(table.unknown[:MAX_NAMED_COLUMNS])
        rest = len(table.unknown) - MAX_NAMED_COLUMNS
        if rest > 0:
            listed += f" og {format_number_da(rest, 0)} flere"
        count = f"{format_number_da(len(table.unknown), 0)} " if rest > 0 else ""
        report.warnings.append(
            Violation(
                raw.source,
                1,
                listed,
                None,
                "unknown_columns",
                f"{count}ukendte kolonner gemmes ikke: {listed} (kendte: {', '.join(spec.column_names)})",
            )
        )
    header_row = _header_further_down(spec, raw, positions)
    if header_row is not None:
        required = [c.name for c in spec.columns if c.required]
        report.add(header_not_first(raw.source, header_row, records_above=looks_like_a_record(raw.header, required)))
    else:
        table.raw = _without_misplaced_rows(spec, raw, positions, report)
        _check_short_rows(table.raw, report)
    had_rows = not raw.frame.empty  # before rows that are no records were taken out (they are reported)
    raw = table.raw
    own = [row for file, row in report.whole_rows if file == raw.source]
    whole = np.isin(raw.rows, own) if own else None
    for col in spec.columns:
        if col.name not in positions:
            if col.required and header_row is None and headerless is None:
                near = next(
                    (t.strip() for t in raw.header if _meant_column(spec, t) == col.name),
                    None,
                )
                report.add(
                    Violation(
                        raw.source,
                        1,
                        col.name,
                        None,
                        "column_missing",
                        f"den obligatoriske kolonne '{col.name}' mangler; filen skal have kolonnerne "
                        + ", ".join(c.name for c in spec.columns if c.required)
                        + ("" if near is None else f" ({_rename(spec, near, col.name)})"),
                    )
                )
            continue
        table.present.add(col.name)
        text = raw.frame[positions[col.name]].reset_index(drop=True)
        if col.percent and raw.percent.get(positions[col.name]):
            text = _percent_as_shown(table, col, text, raw.percent[positions[col.name]], report)
        # cells a short row does not have: the row is reported once (_check_short_rows), not once per cell
        padded = None if raw.fields is None else raw.fields <= positions[col.name]
        values = _parse_column(table, col, text, report, today, padded)
        if whole is not None and col.name not in spec.key and col.name != spec.row_id:
            # the row's cells are shifted: a value from it would only raise follow-on errors in other files
            values = values.where(~whole, None) if values.dtype == object else values.where(~whole)
        table.values[col.name] = values
    _fraction_warnings(table, report)
    if spec.required and not had_rows and not spec.header_only_allowed:
        report.add(Violation(raw.source, None, None, None, "file_no_rows", "filen har ingen rækker under overskriften"))
    return table


def _column_twice(raw: RawTable, name: str, first: int, again: int) -> str:
    """ "kolonnen 'date' står flere gange i overskriften (kolonne C og G); …", with whether the two hold the same
    values (an SQL query's "SELECT *" over a join repeats the key it joins on: either may go) or where they differ
    (two versions of the column: the right one must stay)."""
    where = f"kolonne {column_letters(first + 1)} og {column_letters(again + 1)}"
    said = f"kolonnen '{name}' står flere gange i overskriften ({where})"
    if first not in raw.frame.columns or again not in raw.frame.columns:
        return said + "; slet den ene"
    left, right = raw.frame[first].str.strip(), raw.frame[again].str.strip()
    differ = np.flatnonzero((left != right).to_numpy())
    if len(differ) == 0:
        return (
            f"{said} med de samme værdier i alle rækker (som en SQL-forespørgsel med SELECT * over en join giver); "
            "slet den ene"
        )
    pos = int(differ[0])
    return (
        f"{said}, og værdierne er forskellige i {format_number_da(len(differ), 0)} "
        f"{'række' if len(differ) == 1 else 'rækker'} (fx række {_rows_da([int(raw.rows[pos])])}: "
        f"'{_display(left.iat[pos]) or ''}' og '{_display(right.iat[pos]) or ''}'); behold den rigtige, og slet den "
        "anden"
    )


def _no_header(spec: FileSpec, raw: RawTable, positions: dict[str, int]) -> Violation | None:
    """The one violation for a file without a header, whose row 1 is a record ("V1", "F1", "2024-03-12", …), as SQL
    Server Management Studio saves a result unless told to include the column names: it was one "mangler" per
    required column and the record's values listed as unknown columns. None when row 1 names a contract column,
    nearly names one, or holds no record (a title, no digit in any cell)."""
    required = [c.name for c in spec.columns if c.required]
    if any(name in spec._by_name for name in positions) or not looks_like_a_record(raw.header, required):
        return None
    cells = [bare_title(t) for t in raw.header]
    if not _holds_values(cells) or any(_meant_column(spec, c) for c in cells if c):
        return None
    if _header_further_down(spec, raw, positions) is not None:
        return None
    shown = [f"'{_display(c)}'" for c in cells if c]
    first = ", ".join(shown[:4]) + (", …" if len(shown) > 4 else "")
    return Violation(
        raw.source,
        1,
        None,
        None,
        "header_missing",
        f"filen har ingen overskrift: række 1 ligner en post ({first}), "
        f"ikke kolonnernes navne; indsæt en overskrift i række 1 med kolonnernes navne i den rækkefølge, kolonnerne "
        f"står (filen skal have kolonnerne {', '.join(required)}; SQL Server Management Studio gemmer dem kun, når "
        "'Include column headers when copying or saving the results' er slået til)",
    )


#: A cell that is a value, not a column's name: a date or a month, or an id of letters and digits ("F1", "V-0012").
_DATE_OR_MONTH_CELL = re.compile(r"[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?|[0-9]{1,2}[-./][0-9]{1,2}[-./][0-9]{2,4}")
_ID_CELL = re.compile(r"[^\W\d_]{1,6}[-_]?[0-9]+")
_NUMBER_ALONE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def _holds_values(cells: list[str]) -> bool:
    """Whether a row holds a record's values: a date or a month, or an id of letters and digits beside a number. A
    header with years in its names ("Sygefravær 2024", a pivot table's "2022", "2023") holds neither."""
    if any(_DATE_OR_MONTH_CELL.fullmatch(c) for c in cells):
        return True
    return any(_ID_CELL.fullmatch(c) for c in cells) and any(_NUMBER_ALONE.fullmatch(c) for c in cells)


def _meant_column(spec: FileSpec, title: str) -> str | None:
    """The contract column a header cell names or nearly names: with spaces, hyphens or dots for underscores (``closed
    on``), in Danish (``Dato``), or written together, as a .NET or Java case system names a field (``FacilityId``,
    ``closedon``), each also with a unit or a footnote mark after it (``sickness_absence_pct (%)``, ``places*``,
    ``sygefravær i %``, as a report's table heads a column); None when it names none."""
    loose = loose_name(title)
    if loose in spec._by_name:
        return loose
    if (danish := _danish_column(spec.name, loose)) is not None:
        return danish
    together = [c.name for c in spec.columns if c.name.replace("_", "") == loose.replace("_", "")]
    if len(together) == 1:
        return together[0]
    name, decoration = _undecorated(title)
    if decoration and (meant := _meant_column(spec, name)) is not None:
        return meant
    qualified = _QUALIFIED_RE.fullmatch(bare_title(title))
    if qualified is not None:
        return _meant_column(spec, qualified.group(1) or qualified.group(2))
    aggregated = _aggregated(title)
    return None if aggregated is None else _meant_column(spec, aggregated[1])


#: A column name qualified by its table, as an SQL query ("visits.facility_id", "v.date") or Power BI
#: ("visits[facility_id]") names it.
_QUALIFIED_RE = re.compile(r"[^\W\d]\w*\.([^\W\d]\w*)|[^\W\d][\w ]*\[([^\[\]]+)\]")


#: A column name summarised, as a pivot table, Power BI or an SQL query without an alias heads it: "Sum af count",
#: "Sum of count", "Antal af visit_id", "Count of visit_id", "Første facility_id", "Earliest date", "SUM(count)".
_AGGREGATED_RE = re.compile(
    r"((?:sum|antal|count|antal \(forskellige\)|count \(distinct\)|gennemsnit|average|median|min|max|minimum"
    r"|maksimum|maximum)\s+(?:af|of)|første|sidste|first|last|tidligste|seneste|earliest|latest)\s+(\S.*)"
    r"|((?:sum|count|avg|min|max|first|last))\s*\(\s*(?:distinct\s+)?([^()]+?)\s*\)",
    re.IGNORECASE,
)


def _aggregated(title: str) -> tuple[str, str] | None:
    """How a summarised column's head summarises ("Sum af") and the name it summarises ("count"), or None."""
    m = _AGGREGATED_RE.fullmatch(bare_title(title))
    if m is None:
        return None
    return (m.group(1), m.group(2)) if m.group(1) else (f"{m.group(3)}(…)", m.group(4))


#: What a table's head puts after a column's name: a unit in brackets ("(%)", "[antal]", "(ÅÅÅÅ-MM-DD)"), a percent
#: sign ("%", "i %") or a footnote mark ("*", "†", "¹").
_DECORATION_RE = re.compile(r"(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]|[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+|(?<=\s)i\s*%|%))+\s*$")
#: Units that say a percent column holds percent.
_PERCENT_UNITS = frozenset({"%", "i %", "pct", "pct.", "procent"})


def _undecorated(title: str) -> tuple[str, str]:
    """A header cell without the unit or footnote mark after its name (:data:`_DECORATION_RE`), and what was taken
    off ("" when nothing was, or nothing but it is there)."""
    bare = bare_title(title)
    m = _DECORATION_RE.search(bare)
    if m is None or m.start() == 0:
        return bare, ""
    return bare[: m.start()], m.group(0).strip()


def _rename(spec: FileSpec, title: str, meant: str) -> str:
    """ "kolonnen 'closed on' skal hedde 'closed_on'", and for a header with a unit or a footnote mark what to leave
    out; a percent column whose unit is not percent ("(dage)") says what its values must be, as renaming alone would
    store days as percent."""
    said = f"kolonnen '{title.strip()}' skal hedde '{meant}'"
    aggregated = _aggregated(title)
    if aggregated is not None and _meant_column(spec, aggregated[1]) == meant:
        # a pivot table's or Power BI's "Antal af visit_id" holds a count, not the ids; a sum or a minimum is the value
        # only where each row is one record
        return (
            f"{said}; overskriften '{aggregated[0]}' viser, at kolonnen er opsummeret (som en pivottabel, Power BI "
            "eller en SQL-forespørgsel gør det): eksportér feltet uden opsummering (i Power BI: 'Opsummer ikke'), så "
            "hver række er én post med sin egen værdi"
        )
    name, decoration = _undecorated(title)
    if not decoration or loose_name(name) == loose_name(title) or _meant_column(spec, name) != meant:
        return said  # no unit: "visits[kind]" names its table
    said += f", uden '{decoration}'"
    unit = decoration.strip("()[] ").lower()
    if spec.column(meant).percent and unit not in _PERCENT_UNITS and not re.fullmatch(r"[*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+", unit):
        said += f", og dens værdier skal være procent (0-100), ikke '{unit}'"
    return said


def _percent_as_shown(table: _Parsed, col: Column, text: pd.Series, rows: frozenset[int], report: _Report) -> pd.Series:
    """A percent column's workbook cells that Excel formats as percent, read as the percent Excel shows: 0.155 in a
    cell formatted ``0.0%`` is "15,5 %" on screen and 15.5 here (stored as 0.155 it would read as 0.155 %, and every
    tilbud would look as if it had almost no turnover). One warning for the column, with the first rows."""
    shown = np.isin(table.raw.rows, np.fromiter(rows, dtype=np.int64, count=len(rows)))
    converted = text.copy()
    for pos in np.flatnonzero(shown):
        try:
            number = Decimal(str(text.iat[pos]))
        except InvalidOperation:
            shown[pos] = False
            continue
        converted.iat[pos] = format((number * 100).normalize(), "f")
    positions = np.flatnonzero(shown)
    if len(positions) == 0:
        return text
    first = int(positions[0])
    row_numbers = [int(table.raw.rows[p]) for p in positions[:5]]
    more = f" m.fl. ({format_number_da(len(positions), 0)} i alt)" if len(positions) > 5 else ""
    report.warnings.append(
        Violation(
            table.raw.source,
            row_numbers[0],
            col.name,
            None,
            "percent_format",
            f"cellerne er formateret som procent i Excel og er læst som det procenttal, Excel viser "
            f"(værdien {_num(float(text.iat[first]))} vises som {_num(float(converted.iat[first]))} %, og "
            f"{_num(float(converted.iat[first]))} gemmes); række {_rows_da(row_numbers)}{more}",
        )
    )
    return converted


#: A percent column with at least this many values, all between 0 and 1, is read as written with a warning.
FRACTION_WARNING_MIN_VALUES = 5


def _fraction_warnings(table: _Parsed, report: _Report) -> None:
    """A percent column (0-100) whose values all lie between 0 and 1: fractions (0.155 for 15.5 %), as a case system
    may export them. Below 1 % turnover or sickness absence at every tilbud is no real figure, and read as written
    every tilbud looked as if it had almost none; they are stored as written (the file may be right), with a warning
    per column."""
    for col in table.spec.columns:
        if not col.percent or col.name not in table.present:
            continue
        values = table.values[col.name].dropna()
        if len(values) < FRACTION_WARNING_MIN_VALUES or not (values <= 1).all() or not (values > 0).any():
            continue
        report.warnings.append(
            Violation(
                table.raw.source,
                None,
                col.name,
                None,
                "percent_as_fraction",
                f"alle {format_number_da(len(values), 0)} værdier i {col.name} ligger mellem 0 og 1, men kolonnen er "
                "i procent (0-100): er de skrevet som brøker (0,155 for 15,5 %)? Så skal de ganges med 100; de er "
                "indlæst, som de står",
            )
        )


#: What the first cell of a totals row says ("I alt", "Total:"), in lower case.
_TOTAL_WORDS = ("i alt", "ialt", "i alt i alt", "total", "totalt", "totaler", "sum", "summa", "sum i alt", "hovedtotal")
_TOTAL_CELLS = frozenset(
    form
    for word in _TOTAL_WORDS
    for cased in (word, word.upper(), word.capitalize(), word.title())
    for form in (cased, cased + ":")
)


def _says_total(cell: str) -> bool:
    """Whether a cell labels a sum: "I alt", "Total:", and longer labels a spreadsheet or a pivot table writes ("Antal
    i alt", "Total antal", "Sum af count")."""
    text = cell.strip().rstrip(":").strip().lower()
    return (
        cell in _TOTAL_CELLS
        or text.endswith(" i alt")
        or text.startswith(("i alt ", "total ", "totalt ", "sum af ", "sum of "))
    )


_NUMBER_CELL = re.compile(r"[-+]?[0-9][0-9.,\s]*%?")


def _totals_rows(spec: FileSpec, frame: pd.DataFrame, positions: dict[str, int], *, sheet: bool = True) -> np.ndarray:
    """Rows whose first filled cell says "I alt" (or "Total", "Sum", "Antal i alt") and that leave a required column of
    the file empty: a sum below the table, no record (a tilbud named "Total" with its cells filled is one). Also the
    table's last rows when they hold numbers only and no key (Excel's AutoSum under a column, without a label), when
    ``sheet``: a file or a sheet, not records a case system pushed (whose fields are named one by one)."""
    required = [positions[c.name] for c in spec.columns if c.required and c.name in positions]
    if not required or frame.empty:
        return np.zeros(len(frame), dtype=bool)
    said = frame.isin(_TOTAL_CELLS).to_numpy().any(axis=1)
    said[-3:] = True  # the last rows are looked at whatever their words: a sum sits below the table
    keys = [positions[k] for k in spec.key if k in positions]
    for pos in np.flatnonzero(said):
        row = frame.iloc[pos]
        filled = [cell for cell in row if cell != ""]
        first = filled[0] if filled else ""
        leaves_required_empty = any(row.iat[p] == "" for p in required)
        said[pos] = leaves_required_empty and bool(first) and _says_total(first)
    for last in range(len(frame) - 1, max(len(frame) - 4, -1) if sheet else len(frame) - 1, -1):  # from the bottom up
        row = frame.iloc[last]
        filled = [cell for cell in row if cell != ""]
        numbers_only = bool(filled) and all(_NUMBER_CELL.fullmatch(c) for c in filled)
        if said[last] or (numbers_only and keys and all(row.iat[p] == "" for p in keys)):
            said[last] = True
        else:
            break
    return said


def _note_rows(spec: FileSpec, frame: pd.DataFrame, positions: dict[str, int], *, sheet: bool) -> np.ndarray:
    """The last rows of a file or sheet that hold one cell of words and leave a required column empty: a note below
    the table ("Kilde: Fagsystem X, udtrukket 1. okt 2026"), no record. A cell without a space (an id typed alone)
    stays a record, checked cell by cell."""
    notes = np.zeros(len(frame), dtype=bool)
    required = [positions[c.name] for c in spec.columns if c.required and c.name in positions]
    if not sheet or len(required) < 2:
        return notes
    for pos in range(len(frame) - 1, max(len(frame) - 4, -1), -1):  # from the bottom up
        row = frame.iloc[pos]
        filled = [cell for cell in row if cell != ""]
        if len(filled) != 1 or not re.search(r"[^\W\d_].*\s", filled[0]) or _NUMBER_CELL.fullmatch(filled[0]):
            break
        notes[pos] = True
    return notes


#: What a row of units below a header holds (a statistics export's "%", "antal", "(dage)", the form of a date).
_UNIT_CELL = re.compile(
    r"%|pct\.?|procent|antal|stk\.?|dage|år|kr\.?|åååå(?:-mm(?:-dd)?)?|yyyy(?:-mm(?:-dd)?)?|ja/nej|tekst|\([^()]*\)|\[[^\[\]]*\]",
    re.IGNORECASE,
)
#: What a row of types below a header holds: the type of each column in words, as a data dictionary, a SAS or SPSS
#: export, R's or pandas' column types or a hand-made template write them ("id", "tekst", "dato", "heltal",
#: "character", "Date", "integer", "varchar(64)", "int64"), in brackets or not.
_TYPE_WORD = (
    r"id|nøgle|kode|code|key|tekst|text|string|str|chr|char|character|(?:n?var)?char\s*\(\s*[0-9]+\s*\)|object"
    r"|dato|date|datetime|dato/tid|dato og tid|tidspunkt|timestamp|måned|month|år|year|periode"
    r"|heltal|integer|int|int32|int64|bigint|smallint|tal|number|numeric|num|decimal|decimaltal|float|float64|double"
    r"|real|bool|boolean|logical|logisk|ja/nej|sand/falsk|true/false|kategori|category|factor|enum|liste|list"
)
_TYPE_CELL = re.compile(
    rf"(?:{_TYPE_WORD})|\((?:{_TYPE_WORD})\)|\[(?:{_TYPE_WORD})\]|<(?:{_TYPE_WORD})>", re.IGNORECASE
)
_NUMBER_KINDS = (Kind.INT, Kind.DECIMAL, Kind.DATE, Kind.MONTH)
#: A line under a column's name, as sqlcmd, SQL*Plus and a Markdown table write one below the header ("-----", "====",
#: ":---:").
_UNDERLINE_CELL = re.compile(r":?[-=_]{2,}:?|\+?[-=]+(?:\+[-=]+)*\+?")
#: How many rows below a row of explanations are compared with it.
_EXPLAINED_ROWS = 50


def _units_row(spec: FileSpec, frame: pd.DataFrame, positions: dict[str, int], *, sheet: bool = True) -> str | None:
    """What the first row holds when it is no record but a second header row, or None: "streger" when it underlines
    the header's names ("-----", as sqlcmd writes it); "enheder" when it holds units
    below the header ("%", "antal", "(dage)", "ÅÅÅÅ-MM-DD") and nothing else, one of them in a column of numbers or
    dates (a statistics export's second header row: it was one violation per column, "facility_id må ikke være tom",
    "staff_turnover_pct skal være et tal", none saying why); "datatyper" when it holds the columns' types in words
    ("id", "tekst", "dato", "heltal", "character", "Date"); "forklaringer" when it explains the columns in words
    ("Besøgets id", "Dato for besøget", …) where the rows below it hold numbers and dates (``sheet``: a file or a
    sheet, not records pushed one by one)."""
    if frame.empty:
        return None
    row = frame.iloc[0]
    # the contract's columns only: positions also holds the unknown ones, whose cells a units row may fill too
    filled = {name: row[pos].strip() for name, pos in positions.items() if row[pos].strip() and name in spec._by_name}
    if len(filled) >= 2 and all(_UNDERLINE_CELL.fullmatch(c.strip()) for c in row if c.strip()):
        return "streger"
    kinds = {name: spec.column(name).kind for name in filled if name in spec._by_name}
    if not filled or not any(kind in _NUMBER_KINDS for kind in kinds.values()):
        return None
    for what, cell in (("enheder", _UNIT_CELL), ("datatyper", _TYPE_CELL)):
        if all(cell.fullmatch(c) or _UNIT_CELL.fullmatch(c) for c in filled.values()) and all(
            c.strip() == "" or cell.fullmatch(c.strip()) or _UNIT_CELL.fullmatch(c.strip()) for c in row
        ):
            return what
    if sheet and _explains_columns(spec, frame, positions, filled):
        return "forklaringer"
    return None


def _explains_columns(spec: FileSpec, frame: pd.DataFrame, positions: dict[str, int], filled: dict[str, str]) -> bool:
    """Whether the first row, ``filled`` as it is, explains the columns in words instead of holding a record: words in
    two cells or more, no digit in a column of numbers or dates nor in an id (a record's id, "F1", "V0012", has
    one), no yes/no or code a column allows, while the rows below it mostly hold digits in those columns. A record
    with a word for its date ("ukendt") beside an id of digits is checked cell by cell, as any record."""
    if len(filled) < 2 or not all(re.search(r"[^\W\d_]", c) for c in filled.values()):
        return False
    numeric = [name for name in filled if spec.column(name).kind in _NUMBER_KINDS]
    keys = [name for name in filled if name in spec.key or spec.column(name).references is not None]
    if any(re.search("[0-9]", filled[name]) for name in numeric + keys):
        return False
    for name, cell in filled.items():
        col = spec.column(name)
        if col.kind == Kind.BOOL and cell.lower() in TRUE_WORDS | FALSE_WORDS:
            return False
        if col.kind == Kind.ENUM and cell.lower() in col.allowed:
            return False
    below = frame.iloc[1 : 1 + _EXPLAINED_ROWS]
    for name in numeric:
        cells = below[positions[name]].str.strip()
        cells = cells[cells != ""]
        if cells.empty or cells.str.contains("[0-9]", regex=True).mean() < 0.5:
            return False
    return True


def _fields_da(n: int) -> str:
    return "1 felt" if n == 1 else f"{n} felter"


def _without_misplaced_rows(spec: FileSpec, raw: RawTable, positions: dict[str, int], report: _Report) -> RawTable:
    """``raw`` without rows that are not records, each reported once instead of once per column: the header again
    (two exports put after one another), a row separated by the other delimiter (a line edited by hand) and a totals
    row below a table ("I alt" and a sum, the record's other cells empty)."""
    frame = raw.frame
    if frame.empty or len(positions) < 2:
        return raw

    def own_name(cells: pd.Series, name: str) -> np.ndarray:
        return np.array(cells.str.lstrip("\ufeff").str.strip().str.lower() == name, dtype=bool)

    first, first_pos = next(iter(positions.items()))  # one column first; the others only where it holds its name
    if first in "\n".join(frame[first_pos].tolist()).lower():
        repeated = own_name(frame[first_pos], first)
    else:
        repeated = np.zeros(len(frame), dtype=bool)
    if repeated.any():
        below = frame[repeated]
        repeated[repeated] = np.logical_and.reduce([own_name(below[p], n) for n, p in positions.items()])
    other_row = np.zeros(len(frame), dtype=bool)
    other = "," if raw.delimiter == ";" else ";"
    if raw.delimiter is not None and frame.shape[1] > 2 and other in "".join(frame[0].tolist()):
        alone = (frame.iloc[:, 1:] == "").all(axis=1).to_numpy()
        other_row = alone & (frame[0].str.count(other) >= max(2, frame.shape[1] // 2)).to_numpy()
    totals = _totals_rows(spec, frame, positions, sheet=raw.source != raw.name) & ~repeated & ~other_row
    notes = _note_rows(spec, frame, positions, sheet=raw.source != raw.name) & ~repeated & ~other_row & ~totals
    units = np.zeros(len(frame), dtype=bool)
    second_header = _units_row(spec, frame, positions, sheet=raw.source != raw.name)
    units[0] = second_header is not None
    units &= ~repeated & ~other_row & ~totals & ~notes
    names = {",": "komma", ";": "semikolon"}
    for pos in np.flatnonzero(repeated | other_row | totals | notes | units):
        if units[pos]:
            cells = [f"'{_display(cell)}'" for cell in frame.iloc[pos] if cell.strip()]
            shown = ", ".join(cells[:6]) + (", …" if len(cells) > 6 else "")
            rule, message = (
                "units_row",
                f"rækken ligner en række med {second_header} under overskriften ({shown}) og er ingen post; slet den",
            )
            if second_header == "streger":  # sqlcmd's line under the header
                message = (
                    f"rækken er en streg under overskriften ({shown}), som sqlcmd og andre SQL-værktøjer skriver den, "
                    "og er ingen post; slet den"
                )
        elif notes[pos]:
            note = next(cell for cell in frame.iloc[pos] if cell != "")
            rule, message = (
                "note_row",
                f"rækken har kun tekst i én celle ('{_display(note)}') og ligner en note under tabellen, ingen post; "
                "slet den (eller flyt noten uden for tabellen), eller udfyld rækken, hvis den er en post",
            )
        elif totals[pos]:
            filled = [cell for cell in frame.iloc[pos] if cell != ""]
            what = (
                f"'{_display(filled[0])}'"
                if _says_total(filled[0])
                else "den har kun tal: " + ", ".join(f"'{_display(c)}'" for c in filled)
            )
            rule, message = (
                "totals_row",
                f"rækken ligner en sumrække ({what}) og er ingen post; slet den (eller flyt summen uden for tabellen)",
            )
        elif repeated[pos]:
            rule, message = (
                "header_repeated",
                "rækken gentager overskriften (er to udtræk sat efter hinanden?); slet rækken",
            )
        else:
            rule, message = (
                "row_other_delimiter",
                f"rækken er adskilt med {names[other]}, men filen (overskriften) med {names[str(raw.delimiter)]}; "
                "brug samme skilletegn i hele filen",
            )
        report.add(Violation(raw.source, int(raw.rows[pos]), None, None, rule, message))
    keep = ~(repeated | other_row | totals | notes | units)
    if keep.all():
        return raw
    fields = None if raw.fields is None else raw.fields[keep]
    return dataclasses.replace(raw, frame=frame[keep].reset_index(drop=True), rows=raw.rows[keep], fields=fields)


def _check_short_rows(raw: RawTable, report: _Report) -> None:
    """A CSV row with fewer fields than the header (up to its last named column): the reader pads it with empty
    cells, which would erase an optional value stored before or hide a split row (a line break that is not in
    quotes ends the row early). One violation for the row, as for a row with too many fields."""
    named = [i for i, title in enumerate(raw.header) if bare_title(title)]
    if raw.fields is None or not named:
        return
    width = named[-1] + 1
    for pos in np.flatnonzero(raw.fields < width):
        report.add(
            Violation(
                raw.source,
                int(raw.rows[pos]),
                None,
                None,
                "row_too_short",
                f"rækken har {_fields_da(int(raw.fields[pos]))}, men overskriften har {width}; mangler der felter "
                "sidst i rækken, eller er et linjeskift i en celle ikke sat i anførselstegn?",
            )
        )


def _header_further_down(spec: FileSpec, raw: RawTable, positions: dict[str, int]) -> int | None:
    """The spreadsheet row of the real header when row 1 lacks required columns and one of the next rows has
    them all (a title above the table, as a workbook often has); else None."""
    required = {c.name for c in spec.columns if c.required}
    if required <= set(positions):
        return None
    below = raw.frame.head(HEADER_SEARCH_ROWS)
    found = find_header_row(required, zip(raw.rows[: len(below)].tolist(), below.itertuples(index=False), strict=True))
    if found is not None or len(raw.frame) <= HEADER_SEARCH_ROWS or not looks_like_a_record(raw.header, required):
        return found
    # records in row 1: a file sorted with its header among the rows (Excel sorts so when it is not told that row 1 is
    # the header), which puts the header anywhere; a title above the table stands in the first rows
    name = min(required)
    hits = np.zeros(len(raw.frame), dtype=bool)
    for pos in raw.frame.columns:
        column = raw.frame[pos]
        if name in "\n".join(column.tolist()).lower():
            hits |= (column.str.strip().str.lower() == name).to_numpy(dtype=bool)
    positions_found = np.flatnonzero(hits)
    return find_header_row(
        required, ((int(raw.rows[p]), raw.frame.iloc[p].tolist()) for p in positions_found[:HEADER_SEARCH_ROWS])
    )
