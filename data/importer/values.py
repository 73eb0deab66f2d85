"""One column's cells into typed values (:func:`_parse_column`), by the column's kind: enums, text and id lists,
booleans, dates, months, integers and decimals, with their bounds; invisible and control characters inside a value
(free text keeps an emoji's joiner), repeated ids in a list, and a postcode's leading zero that Excel dropped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from decimal import Decimal

import numpy as np
import pandas as pd

from data.contract import FALSE_WORDS, TRUE_WORDS, Column, Kind
from data.enums import VisitKind
from data.errors import Violation
from data.glossary import VISIT_KIND_DA, control_character_da, format_number_da
from data.importer.formats import _DATE_FORMAT, _INT_FORMAT, _MONTH_FORMAT, _PERCENT_SIGN_FORMAT, _THOUSANDS_FORMAT
from data.importer.hints import (
    SPECIAL_SPACE_RE,
    _date_hint,
    _did_you_mean,
    _month_hint,
    _month_not_date_hint,
    _no_such_date,
    special_space_hint,
)
from data.importer.parsed import _Parsed
from data.importer.report import _display, _num, _Report, _rows_da
from data.readers import INVISIBLE, INVISIBLE_RE, JOINING_RE, bare_title

#: Dates and months outside these years are refused (sentinels such as 9999-12-31 or Excel's 1899-12-30).
_YEARS = ("1900", "2199")
#: The largest decimal accepted: beyond it a number is no longer exact.
_MAX_INT = 2**53 - 1
#: The largest integer accepted: the contract's integers are stored in 32-bit INTEGER columns (``data.db``), and
#: PostgreSQL refuses a larger one when the rows are written, after the upload was found valid.
_MAX_DB_INT = 2**31 - 1
_BOOL_WORDS = "true/false, 1/0 eller ja/nej"
#: What to write in an empty required cell where an export leaves it empty for a reason of its own, by (file, column):
#: a long leave whose end is not known yet.
_REQUIRED_HINTS = {
    ("absences", "end"): (
        "; er fraværets slutdato ikke kendt, så skriv den dag, det forventes at slutte: en plan regner "
        "tilsynskonsulenten som fraværende til og med den"
    ),
}
#: A concern's severity written with its first letter, as a case system's list shows it (høj/middel/lav alike).
_SEVERITY_LETTERS = {"h": "high", "m": "medium", "l": "low"}
#: A yes or no written with its first letter, as case systems store a flag (J/N, Y/N, T/F): the word to write.
_BOOL_LETTERS = {"j": "ja", "y": "ja", "n": "nej", "t": "true", "f": "false"}
#: The first day of Excel's calendar (day 1), which case systems and spreadsheets write where a date is not known:
#: within the years allowed, so refused on its own (rule ``unknown_date``). No tilbud, visit or report of a
#: socialtilsyn is of that day; stored, an approved_on of 1900-01-01 let every visit lie after the approval.
_UNKNOWN_DATE = "1900-01-01"
#: Other first days of a calendar that systems write for "unknown", outside the years allowed: what each is.
_FIRST_DAYS = {
    "1899-12-30": "dag 0 i Access, VBA og Delphi",
    "1899-12-31": "dag 0 i Excel",
    "1753-01-01": "den første dag, SQL Server kan gemme",
    "0001-01-01": "den første dag, .NET kan gemme",
}
#: Words of a boolean column's own meaning that a case system writes in its place: "announced" is anmeldt/uanmeldt.
_BOOL_MEANINGS: dict[str, dict[str, bool]] = {"announced": {"anmeldt": True, "uanmeldt": False}}
#: Control characters (C0, DEL, C1). The whitespace among them (tab, line breaks) is stripped around a value like
#: a space; inside one they are a violation: "T10\n005" would be stored as a new tilbud that looks like T10005, and
#: a tab, a BEL or an escape code from an old system would end up in reports and exports. Free text (a name, a
#: target group) may hold a line break, as a spreadsheet cell typed with Alt+Enter does; an id or a key may not.
_CONTROL_RE = "[\x00-\x1f\x7f-\x9f\u2028\u2029]"  # and Unicode's line and paragraph separators, line breaks too
_CONTROL_BUT_LINE_BREAKS_RE = "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: What programs write for a missing value, as they write it: R's write.csv "NA", an SQL export "NULL" or "null",
#: Excel "#N/A" (a lookup that found nothing; an error cell of a workbook is read as its text), Python and pandas
#: "NaN", "nan", "None" and "<NA>", and "N/A". The whole cell, with its case: "Na" and "Nan" (names) are text. In an
#: optional column such a cell is read as empty, with one warning for the column; in a required one it is one
#: violation for the column, not a value checked cell by cell (:func:`_missing_markers`).
_MISSING_MARKERS = frozenset(
    {"NA", "N/A", "n/a", "#N/A", "#I/T", "NULL", "null", "Null", "NaN", "nan", "None", "<NA>", "\\N"}
)  # "#I/T": Danish Excel's #N/A ("ikke tilgængelig"), as its CSV export writes it; "\N": MySQL's SELECT … INTO OUTFILE
# and PostgreSQL's COPY (text format) write NULL so
#: Zero dates, in a date or month column only: MySQL's "0000-00-00" (with its time, or the month "0000-00"), a
#: database's NULL where a column may not be NULL, and Excel's day 0, "1900-01-00" ("00-01-1900" in Danish Excel), which
#: a formula shows for an empty cell it refers to. Neither is a day: markers of a missing value like NULL.
_ZERO_DATES = frozenset({"0000-00-00", "0000-00-00 00:00:00", "0000-00", "1900-01-00", "00-01-1900"})
#: SAS's and Stata's missing number, in a column of numbers, dates, months or yes/no only (a SAS date is a number): a
#: period alone, as PROC EXPORT writes a missing value unless told otherwise, and Stata's extended missing values
#: ".a" to ".z". A marker of a missing value like NULL; in a column of text a period is text.
_STATISTICS_MISSING_RE = r"\.[a-z]?"
_STATISTICS_KINDS = (Kind.INT, Kind.DECIMAL, Kind.DATE, Kind.MONTH, Kind.BOOL)
#: Excel's error values, as a cell shows them and a CSV export writes them (English and Danish Excel) or a workbook's
#: error cell is read, with what went wrong in Danish; #N/A and #I/T are missing values (:data:`_MISSING_MARKERS`).
#: A formula that failed: the value is not in the file, in any column, free text too (a name "#REF!" is no name).
_EXCEL_ERRORS: dict[str, str] = {
    **dict.fromkeys(("#DIV/0!", "#DIVISION/0!"), "formlen dividerer med 0 eller en tom celle"),
    **dict.fromkeys(("#REF!", "#REFERENCE!"), "formlen henviser til en celle, der er slettet"),
    **dict.fromkeys(("#VALUE!", "#VÆRDI!"), "formlen regner med tekst eller en værdi af forkert type"),
    **dict.fromkeys(("#NAME?", "#NAVN?"), "formlen bruger en funktion eller et navn, Excel ikke kender"),
    **dict.fromkeys(("#NUM!", "#NUMMER!"), "formlen giver et tal, Excel ikke kan regne med"),
    **dict.fromkeys(("#NULL!", "#NUL!"), "formlen henviser til to områder, der ikke overlapper"),
    **dict.fromkeys(("#SPILL!", "#OVERLØB!"), "formlens resultat kan ikke fylde cellerne ved siden af"),
    "#CALC!": "formlen kan ikke beregnes",
    "#GETTING_DATA": "dataene var ikke hentet, da filen blev gemt",
    "#FIELD!": "formlen henviser til et felt, der ikke findes",
    "#BLOCKED!": "formlen henter data, som Excel har blokeret",
    "#CONNECT!": "formlen kunne ikke hente data",
    "#BUSY!": "formlen var ikke færdig med at regne",
    "#UNKNOWN!": "formlen henviser til en datatype, Excel ikke kender",
}
#: LibreOffice Calc's error codes as its CSV export writes them ("Err:502": an invalid argument).
_CALC_ERROR_RE = re.compile(r"Err:[0-9]{3}")
#: What exports write for "no value"; in an optional column the cell should be left empty instead. Those not in
#: :data:`_MISSING_MARKERS` are refused with that hint: "-" is also how Excel's accounting format shows 0, and "?"
#: or "ukendt" were typed by a person, who can leave the cell empty.
_NOTHING_WORDS = frozenset({"na", "n/a", "n.a.", "#n/a", "-", "--", "null", "none", "nan", "nil", "?", "ukendt"})
#: A number as Excel shows one of 12 digits or more in a General cell, and saves it in a CSV file: 1,23457E+11 (Danish)
#: or 1.23457E+11. In an id the digits after the first six are gone.
_EXCEL_SCIENTIFIC_RE = re.compile(r"[+-]?\d(?:[.,]\d+)?E[+-]\d{1,3}", re.IGNORECASE)
_EXCEL_EXPONENT_RE = re.compile(r"\d[eE][+-]\d")
#: An id Excel read as a date: shown (and saved in a CSV file) as 03-dec or 3-dec-26, in Danish or English month
#: names; a workbook's date cell is read as 2026-12-03. No id of a tilsyn's is a date.
_MONTHS = "jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec"
_EXCEL_DATE_RE = re.compile(
    rf"[0-9]{{1,2}}[-. ](?:{_MONTHS})\.?(?:[-. ][0-9]{{2}}(?:[0-9]{{2}})?)?"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}(?: 00:00:00)?",
    re.IGNORECASE,
)
_EXCEL_DATE_NEAR_RE = re.compile(rf"[0-9][-. ](?:{_MONTHS})|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}", re.IGNORECASE)


def _range_rule(col: Column, noun: str) -> str:
    lo, hi = col.minimum, col.maximum
    if lo is not None and hi is not None:
        text = f"{noun} fra {_num(lo)} til {_num(hi)}"
    elif lo is not None:
        text = f"{noun} på mindst {_num(lo)}"
    elif hi is not None:
        text = f"{noun} på højst {_num(hi)}"
    else:
        text = noun
    if col.hint_da:
        text += f" ({col.hint_da})"
    return f"{col.name} skal være {text}"


def _parse_column(
    table: _Parsed, col: Column, text: pd.Series, report: _Report, today: dt.date, padded: np.ndarray | None = None
) -> pd.Series:
    """Typed values of one column (null where empty or invalid); violations reported. ``padded``: the cells a
    row too short does not have (reported for the row, not here)."""
    text = _visible(table, col, text, report)
    text, marked = _missing_markers(table, col, text, report)
    text, failed = _excel_errors(table, col, text, report)
    text, formulas = _formulas_as_text(table, col, text, report)
    marked = marked | failed | formulas
    text = _without_quotes(table, col, text, report)
    table.text[col.name] = text
    empty = (text == "").to_numpy()
    filled = ~empty
    if not col.nullable:
        missing = empty & ~marked if padded is None else empty & ~marked & ~padded
        hint = _REQUIRED_HINTS.get((table.spec.name, col.name), "")
        report.cells(table, missing, col.name, None, "required", f"{col.name} må ikke være tom{hint}")

    def nothing(pos: int) -> str:
        """The hint for "NA", "-" or "null" in an optional column: such a cell is left empty."""
        if col.nullable and text.iat[pos].lower() in _NOTHING_WORDS:
            return "; lad feltet stå tomt, hvis værdien ikke kendes"
        return ""

    if col.kind == Kind.ENUM:
        lower = text.str.lower()
        bad = filled & ~lower.isin(col.allowed).to_numpy()
        allowed = ", ".join(col.allowed)

        def enum_message(pos: int) -> str:
            value = text.iat[pos]
            if table.spec.name == "visits" and col.name == "kind" and (announced := _announced_as_kind(value)):
                return f"{col.name} '{_display(value)}' er ukendt; {announced}"
            hint = _did_you_mean(value, col.allowed)
            if col.name == "severity" and (code := _SEVERITY_LETTERS.get(value.lower())) in col.allowed:
                hint = f"skriv '{code}'; "  # H/M/L: høj/middel/lav and high/medium/low start alike
            return f"{col.name} '{_display(value)}' er ukendt; {hint}tilladte værdier: {allowed}"

        report.cells(table, bad, col.name, text, "enum", enum_message)
        return lower.astype(object).where(filled & ~bad, None)

    if col.kind in (Kind.TEXT, Kind.ID_LIST):
        if col.zero_padded_to is not None:
            text = _leading_zero_back(table, col, col.zero_padded_to, text, report)
        control = _control_characters(table, col, text, report)
        control = control | _special_spaces(table, col, text, report, ~control)
        control = control | _shortened_ids(table, col, text, report)
        _decimal_ids(table, col, text, report)  # the values kept: the references that match them are no error
        values = text.astype(object).where(~control, None)
        if col.pattern is not None:
            bad = filled & ~control & ~text.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
            rule = (
                f"{col.name} skal være {col.hint_da}" if col.hint_da else f"{col.name} skal have formen {col.pattern}"
            )
            report.cells(table, bad, col.name, text, "pattern", lambda p: rule + _pattern_hint(col, str(text.iat[p])))
            values = values.where(~bad, None)
        if col.max_length is not None:
            lengths = text.str.len()
            long = filled & ~control & (lengths > col.max_length).to_numpy()
            report.cells(
                table,
                long,
                col.name,
                text,
                "too_long",
                lambda p: f"{col.name} må højst have {col.max_length} tegn (værdien har {lengths.iat[p]} tegn)",
            )
            values = values.where(~long, None)
        if col.kind == Kind.ID_LIST:
            values = values.map(lambda s: ";".join(p.strip() for p in s.split(";") if p.strip()), na_action="ignore")
            values = values.where(values != "", None)  # ";" alone: no id, as the empty parts of "I1;;I2" are none
            values = values.where(~_repeated_in_list(table, col, values, report), None)
        return values.where(filled, None)

    if col.kind == Kind.BOOL:
        # "1.0" and "0.0" (a program that writes a yes/no column with empty cells as numbers, as pandas does; "1,0" in
        # Danish) are 1 and 0, as "24.0" is 24 in an integer column
        lower = text.str.lower()
        if re.search("[.,]", "".join(lower.tolist())):  # one scan of the whole column before a per-cell one
            lower = lower.str.replace(r"^([01])[.,]0+$", r"\1", regex=True)
        is_true = lower.isin(TRUE_WORDS).to_numpy()
        is_false = lower.isin(FALSE_WORDS).to_numpy()
        bad = filled & ~is_true & ~is_false
        meanings = _BOOL_MEANINGS.get(col.name, {})

        def bool_message(pos: int) -> str:
            meant = meanings.get(lower.iat[pos], meanings.get(_without_visit_word(lower.iat[pos])))
            hint = "" if meant is None else f"; skriv {'true' if meant else 'false'} ({lower.iat[pos]})"
            if lower.iat[pos] == "-1":  # Access and VBA store a yes as -1
                hint = "; -1 er 'ja' i Access og VBA, som filen kan komme fra: skriv true, 1 eller ja"
            if lower.iat[pos] in _BOOL_LETTERS:  # J/N, Y/N, T/F: a case system's flag
                hint = f"; skriv ordet helt ud ({_BOOL_LETTERS[lower.iat[pos]]} for '{text.iat[pos]}')"
            if lower.iat[pos] in _CHECK_MARKS:
                # a spreadsheet's check list: 'x' where yes, nothing where no (and an empty cell is no 'nej')
                hint = (
                    f"; et kryds ('{text.iat[pos]}') læses ikke: skriv ja, hvor der er kryds, og nej, hvor der ikke er"
                )
            return f"{col.name} skal være {_BOOL_WORDS}{hint or nothing(pos)}"

        report.cells(table, bad, col.name, text, "bool", bool_message)
        out = pd.Series([None] * len(text), dtype=object)
        out[is_true] = True
        out[is_false] = False
        return out

    if col.kind == Kind.DATE:
        well_formed = text.str.fullmatch(_DATE_FORMAT).fillna(False).to_numpy(dtype=bool)
        in_range = _years_in_range(text, well_formed, report, table, col)
        parsed = pd.to_datetime(text.where(in_range, None), format="%Y-%m-%d", errors="coerce")
        parsed = parsed.astype("datetime64[ns]")
        bad = filled & parsed.isna().to_numpy() & (in_range | ~well_formed)
        parsed = parsed.mask(_unknown_dates(table, col, text, (text == _UNKNOWN_DATE).to_numpy(), report))
        report.cells(
            table,
            bad,
            col.name,
            text,
            "date",
            lambda p: (
                f"{col.name} skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12"
                + (
                    _no_such_date(text.iat[p])
                    if well_formed[p]
                    else _date_hint(text.iat[p]) or _month_not_date_hint(text.iat[p]) or nothing(p)
                )
            ),
        )
        if col.not_after_today:
            late = (parsed > pd.Timestamp(today)).to_numpy()
            report.cells(
                table,
                late,
                col.name,
                text,
                "future_date",
                f"{col.name} ligger efter i dag ({today.isoformat()}); fremtidige datoer er ikke tilladt",
            )
        return parsed

    if col.kind == Kind.MONTH:
        well_formed = text.str.fullmatch(_MONTH_FORMAT).fillna(False).to_numpy(dtype=bool)
        in_range = _years_in_range(text, well_formed, report, table, col)
        first_days = text.str.slice(0, 7) + "-01"
        parsed = pd.to_datetime(first_days.where(in_range, None), format="%Y-%m-%d", errors="coerce")
        parsed = parsed.astype("datetime64[ns]")
        bad = filled & parsed.isna().to_numpy() & (in_range | ~well_formed)
        first_month = (first_days == _UNKNOWN_DATE).to_numpy()  # "1900-01", or "1900-01-01" from a workbook's date
        parsed = parsed.mask(_unknown_dates(table, col, text, first_month, report))
        report.cells(
            table,
            bad,
            col.name,
            text,
            "month",
            lambda p: (
                f"{col.name} skal være en måned på formen ÅÅÅÅ-MM, fx 2024-03"
                + (_month_hint(text.iat[p]) or nothing(p))
            ),
        )
        if col.not_after_today:
            this_month = pd.Timestamp(today.replace(day=1))
            late = (parsed > this_month).to_numpy()
            report.cells(
                table,
                late,
                col.name,
                text,
                "future_month",
                f"{col.name} ligger efter indeværende måned ({today:%Y-%m})",
            )
        return parsed

    if col.kind in (Kind.INT, Kind.DECIMAL):
        integer = col.kind == Kind.INT
        rule = _range_rule(col, "et heltal" if integer else "et tal")
        grouped = np.zeros(len(text), dtype=bool)
        if integer:
            grouped = text.str.fullmatch(_THOUSANDS_FORMAT).fillna(False).to_numpy(dtype=bool)
            well_formed = text.str.fullmatch(_INT_FORMAT).fillna(False).to_numpy(dtype=bool) & ~grouped
            cleaned = text.str.replace(r"[.,]0+$", "", regex=True).where(well_formed, None)
        else:
            has_comma = text.str.contains(",", regex=False).fillna(False).to_numpy(dtype=bool)
            table.decimal_comma = table.decimal_comma or bool(has_comma.any())
            cleaned = text.str.replace(",", ".", regex=False)
        # "15,5 %": what Excel's CSV export writes for a cell formatted as percent. The percent it shows, in a column
        # of percent (as a workbook's percent cell is read); in any other column refused with the fix.
        sign = text.str.fullmatch(_PERCENT_SIGN_FORMAT).fillna(False).to_numpy(dtype=bool)
        if sign.any():
            if col.percent:
                cleaned = cleaned.where(~sign, cleaned.str.replace(r"\s*%$", "", regex=True))
            else:
                cleaned = cleaned.where(~sign, None)
        numbers = pd.to_numeric(cleaned.where(filled, None), errors="coerce").astype("float64")
        finite = np.isfinite(numbers.to_numpy())
        largest = _MAX_DB_INT if integer else _MAX_INT
        huge = finite & (np.abs(numbers.to_numpy()) > largest)
        bad = filled & ~finite | huge
        if col.minimum is not None:
            bad |= finite & (numbers.to_numpy() < col.minimum)
        if col.maximum is not None:
            bad |= finite & (numbers.to_numpy() > col.maximum)
        thousands, ambiguous = np.full(len(text), np.nan), np.zeros(len(text), dtype=bool)
        if not integer:
            thousands, ambiguous = _thousands_readings(table, col, text, numbers)
            bad |= ambiguous & filled

        def message(pos: int) -> str:
            if grouped[pos]:
                return f"{rule}; skriv tallet uden tusindtalsseparator og decimaler (fx 1000, ikke 1.000)"
            if np.isfinite(thousands[pos]):
                return rule + _two_readings(table, text.iat[pos], numbers.iat[pos], thousands[pos], ambiguous[pos])
            if not integer and (group := re.fullmatch(_THOUSANDS_FORMAT, text.iat[pos])) is not None:
                return f"{rule}; skriv tallet uden tusindtalsseparator ({text.iat[pos].replace(group.group(1), '')})"
            if huge[pos]:
                return f"{rule}; tallet er for stort (højst {largest:,})".replace(",", ".")
            if sign[pos] and not col.percent:
                return f"{rule}; skriv tallet uden %-tegn"
            if col.name == "year" and re.match(_DATE_FORMAT, text.iat[pos]):
                return f"{rule}; skriv året alene ({text.iat[pos][:4]})"  # a cell Excel formats as a date ("åååå")
            span = re.fullmatch(r"([0-9]{4})\s*[/-]\s*([0-9]{2}|[0-9]{4})", text.iat[pos])
            if col.name == "year" and span is not None:
                # a school or financial year ("2024/25", "2024-2025"): which of the two years is the user's to say
                first = int(span.group(1))
                second = int(span.group(2)) if len(span.group(2)) == 4 else first // 100 * 100 + int(span.group(2))
                if second == first + 1:
                    return f"{rule}; '{text.iat[pos]}' spænder over to år: skriv ét år ({first} eller {second})"
            if integer and (scientific := _EXPONENT_NUMBER_RE.fullmatch(text.iat[pos])) is not None:
                # "1,5E+03": Excel's General format shows a number so in a narrow column, and a CSV file keeps it
                number = Decimal(scientific.group(0).replace(",", "."))
                whole = f" ({text.iat[pos]} er {int(number)})" if number == number.to_integral_value() else ""
                return (
                    f"{rule}; skriv hele tallet{whole}, uden eksponent: Excel kan have afrundet det, så vis alle "
                    "cifre i Excel, før filen gemmes"
                )
            scale = re.fullmatch(r"([0-9]+(?:[.,][0-9]+)?)\s*(/|af|ud af)\s*([0-9]+)", text.iat[pos])
            if scale is not None and col.maximum is not None and float(scale.group(3)) == col.maximum:
                # "4 af 5", "3/5": a score with its scale, as a report writes it
                return f"{rule}; skriv kun tallet ({scale.group(1)}), uden '{text.iat[pos][scale.end(1) :].strip()}'"
            span = re.fullmatch(r"([0-9]+)\s*[-–]\s*([0-9]+)", text.iat[pos])
            if integer and span is not None and int(span.group(1)) < int(span.group(2)):
                # "2-3" visits a week, "10-12" places: a range, where the column holds one number
                low, high = span.group(1), span.group(2)
                return f"{rule}; '{text.iat[pos]}' er et interval: skriv ét helt tal ({low} eller {high})"
            if integer and re.fullmatch(r"[0-9]+[.,][0-9]+", text.iat[pos]):
                # "2,5" visits a week for a part-time inspector, a score "3.5" averaged: the whole numbers near it
                written = float(text.iat[pos].replace(",", "."))
                near = [n for n in dict.fromkeys((math.floor(written), math.ceil(written))) if _within(col, n)]
                if near:
                    return f"{rule}; skriv et helt tal ({' eller '.join(str(n) for n in near)})"
            about = re.fullmatch(r"(ca\.?|cirka|omkring|~|≈)\s*([0-9]+(?:[.,][0-9]+)?)", text.iat[pos], re.IGNORECASE)
            if about is not None:  # "ca. 12", a number typed by hand with what it is short of
                return f"{rule}; skriv kun tallet ({about.group(2)}), uden '{about.group(1)}'"
            unit = re.fullmatch(_NUMBER_WITH_UNIT, text.iat[pos])
            if unit is not None and not (integer and re.search("[.,]", unit.group(1))):
                return f"{rule}; skriv kun tallet ({unit.group(1)}), uden '{unit.group(2)}'"  # "24 pladser", "18 pct."
            return rule + (
                _negative_hint(text.iat[pos]) or _coordinate_hint(table, col, pos, numbers.iat[pos]) or nothing(pos)
            )

        report.cells(table, bad, col.name, text, "int" if integer else "decimal", message)
        numbers = numbers.where(~bad, np.nan)
        if integer and col.not_after_today:
            late = (numbers > today.year).to_numpy()
            report.cells(
                table, late, col.name, text, "future_year", f"{col.name} ligger efter indeværende år ({today.year})"
            )
        return numbers

    raise AssertionError(f"unhandled kind {col.kind}")  # pragma: no cover


def _without_visit_word(value: str) -> str:
    """``value`` in lower case without a last word naming a visit ("Uanmeldt tilsyn", "Anmeldt besøg")."""
    return re.sub(r"\s+(?:tilsyn|besøg|tilsynsbesøg)$", "", value.strip().casefold())


def _announced_as_kind(value: str) -> str:
    """For a visit's ``kind`` written "Uanmeldt" or "Anmeldt tilsyn", as case systems name a visit: that the value
    belongs in ``announced``, and what ``kind`` holds; "" for anything else."""
    meant = _BOOL_MEANINGS["announced"].get(_without_visit_word(value))
    if meant is None:
        return ""
    kinds = [f"{kind.value} ({VISIT_KIND_DA[kind]})" for kind in VisitKind]
    return (
        f"'{_display(value)}' siger, om besøget var anmeldt, og hører til kolonnen announced "
        f"({'true' if meant else 'false'}); kind er besøgets art: {', '.join(kinds[:-1])} eller {kinds[-1]}"
    )


def _marked_cells(table: _Parsed, text: pd.Series, mask: np.ndarray) -> tuple[list[int], str, list[str], str]:
    """For one violation or warning per column about the cells of ``mask``: their first five rows, " m.fl. (N i
    alt)" when there are more, the values seen (each once, in order) and "1 celle" / "N celler"."""
    positions = np.flatnonzero(mask)
    rows = [int(table.raw.rows[p]) for p in positions[:5]]
    more = f" m.fl. ({format_number_da(len(positions), 0)} i alt)" if len(positions) > 5 else ""
    seen = list(dict.fromkeys(text.iloc[positions].tolist()))
    cells = "1 celle" if len(positions) == 1 else f"{format_number_da(len(positions), 0)} celler"
    return rows, more, seen, cells


def _missing_markers(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> tuple[pd.Series, np.ndarray]:
    """``text`` with the cells that hold a marker of a missing value (:data:`_MISSING_MARKERS`) made empty, and the
    mask of those cells. In an optional column they are read as empty, with one warning for the column naming the
    markers seen, how many and the first rows (never silently: a marker in a column may also mean that the export
    went wrong); in a required column they are one violation for the column saying what to write instead."""
    marked = text.isin(_MISSING_MARKERS).to_numpy(dtype=bool)
    if col.kind in (Kind.DATE, Kind.MONTH):
        marked = marked | text.isin(_ZERO_DATES).to_numpy(dtype=bool)
    statistics = np.zeros(len(text), dtype=bool)
    if col.kind in _STATISTICS_KINDS and "." in "".join(text.tolist()):
        statistics = text.str.fullmatch(_STATISTICS_MISSING_RE).fillna(False).to_numpy(dtype=bool)
        marked = marked | statistics
    if not marked.any():
        return text, marked
    rows, more, seen, cells = _marked_cells(table, text, marked)
    markers = ", ".join(f"'{m}'" for m in seen)
    programs = "(R skriver NA, en SQL-eksport NULL, Excel #N/A)"
    if _ZERO_DATES & set(seen):
        programs = "(en database skriver 0000-00-00, Excel 1900-01-00 for en tom celle, en SQL-eksport NULL)"
    if statistics.any():
        programs = "(SAS og Stata skriver ., R NA, en SQL-eksport NULL)"
    if "\\N" in seen:
        programs = "(MySQL og PostgreSQL skriver \\N, R NA, en SQL-eksport NULL)"
    if col.nullable:
        one = int(marked.sum()) == 1
        empty, empty_n, cells_da = ("tom", "tomt", "feltet") if one else ("tomme", "tomme", "felterne")
        meaning = " (et tomt felt læses som nej)" if col.kind == Kind.BOOL and col.default is False else ""
        report.warnings.append(
            Violation(
                table.raw.source,
                rows[0],
                col.name,
                seen[0],
                "missing_value_marker",
                f"{cells} i {col.name} med {markers} er læst som {empty}{meaning}: sådan skriver et program en "
                f"manglende værdi {programs}; række {_rows_da(rows)}{more}. Lad {cells_da} stå {empty_n} i filen, "
                "så forsvinder advarslen",
            )
        )
    else:
        report.add(
            Violation(
                table.raw.source,
                rows[0],
                col.name,
                seen[0],
                "missing_value_marker",
                f"{col.name} må ikke være tom, men {cells} har {markers}, som et program skriver for en manglende "
                f"værdi {programs}; skriv {_what_to_write(col)} i række "
                f"{_rows_da(rows)}{more}",
            )
        )
    return text.where(~marked, ""), marked


def _excel_errors(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> tuple[pd.Series, np.ndarray]:
    """``text`` with the cells that hold an error value of Excel (``#DIV/0!``, ``#VÆRDI!``; :data:`_EXCEL_ERRORS`)
    or LibreOffice (``Err:502``) made empty, and the mask of those cells, reported in one violation for the column
    naming the values, what each means, how many and the first rows: a formula failed, so the value is not in the
    file (refused in every column, free text too; read as a value, ``#REF!`` was stored as a tilbud's name and
    target group, and a number or a date read only the column's rule, ``places skal være et heltal``)."""
    joined = "\n".join(text.tolist())
    if "#" not in joined and "Err:" not in joined:  # one scan of the whole column before a per-cell one
        return text, np.zeros(len(text), dtype=bool)
    failed = (text.isin(_EXCEL_ERRORS) | text.str.fullmatch(_CALC_ERROR_RE)).to_numpy(dtype=bool)
    if not failed.any():
        return text, failed
    rows, more, seen, cells = _marked_cells(table, text, failed)
    meanings = "; ".join(
        f"{value}: {_EXCEL_ERRORS.get(value, 'LibreOffice fandt en fejl i formlen')}" for value in seen[:4]
    )
    gives = "" if col.kind in (Kind.TEXT, Kind.ID_LIST) else f", så den giver {_what_to_write(col)}"
    report.add(
        Violation(
            table.raw.source,
            rows[0],
            col.name,
            seen[0],
            "excel_error",
            f"{cells} i {col.name} har en fejlværdi fra regnearket i stedet for en værdi ({meanings}); række "
            f"{_rows_da(rows)}{more}. Ret formlen{gives}, eller skriv værdien ind, og gem filen igen",
        )
    )
    return text.where(~failed, ""), failed


#: A spreadsheet formula written as text: "=" and a function ("=SUM(", "=DATO(", "=HYPERLINK(") or a cell reference
#: ("=B2*2", "=$C$4"). Excel's text formula ="0042" is read as its text by the CSV reader before this.
_FORMULA_RE = re.compile(r"=\s*(?:[^\W\d][\w.]*\s*\(|\$?[A-Za-z]{1,3}\$?[0-9]+\b)")


def _formulas_as_text(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> tuple[pd.Series, np.ndarray]:
    """``text`` with the cells that hold a formula as text (:data:`_FORMULA_RE`) made empty, and their mask, reported in
    one violation for the column naming the first formula, how many and the first rows: the file holds the formula,
    not its value, as Excel saves a CSV file while it shows formulas (Formler > Vis formler) or a program writes them
    for Excel to calculate; '=B2*2' read only the column's rule. In free text (a name) it is one warning for the
    column and the text is stored as written: a name is the case system's as it stands (the exports for a person are
    formula-safe), but the user learns that the file may hold formulas instead of names."""
    if "=" not in "".join(text.tolist()):  # one scan of the whole column before a per-cell one
        return text, np.zeros(len(text), dtype=bool)
    found = text.str.match(_FORMULA_RE).to_numpy(dtype=bool)
    if not found.any():
        return text, found
    rows, more, seen, cells = _marked_cells(table, text, found)
    first = _display(seen[0])
    why = "Filen er gemt, mens Excel viste formlerne (Formler > Vis formler), eller af et program, der skriver formler"
    if _is_free_text(table, col):
        report.warnings.append(
            Violation(
                table.raw.source,
                rows[0],
                col.name,
                first,
                "formula_as_text",
                f"{cells} i {col.name} ligner en formel ('{first}') og er gemt, som det står; række {_rows_da(rows)}"
                f"{more}. Er filen gemt, mens Excel viste formlerne, eller af et program, der skriver formler, så gem "
                "den igen fra Excel med formlerne skjult",
            )
        )
        return text, np.zeros(len(text), dtype=bool)
    report.add(
        Violation(
            table.raw.source,
            rows[0],
            col.name,
            first,
            "formula_as_text",
            f"{cells} i {col.name} har en formel i stedet for dens værdi ('{first}'); række {_rows_da(rows)}{more}. "
            f"{why}: gem den igen fra Excel med formlerne skjult, eller skriv værdierne ind",
        )
    )
    return text.where(~found, ""), found


#: Quotes a value pasted from Word, Outlook or a web page may bring (typographic ones: “T1001”, „T1001“, ‘T1001’,
#: «T1001»), and straight ones an export left in the cell ('T1001', or """T1001""" in a CSV file).
_QUOTES = "\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a"
_QUOTES_RE = re.compile(f"[{_QUOTES}]")


def _without_quotes(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> pd.Series:
    """``text`` with the quotes around a value of an id, a key, a code, a date or a number taken off, each such cell
    reported with the value to write: refused, as the quotes are no part of an id (an own id “F1” was stored as a
    new tilbud, and every visit of F1 read 'findes ikke'), but read without them, so the one violation is not
    followed by others of the same cell (an unknown code, a missing reference). Free text keeps its quotes."""
    if _is_free_text(table, col) or _QUOTES_RE.search("".join(text.tolist())) is None:
        return text
    if col.kind == Kind.ID_LIST:
        bare = text.map(lambda s: ";".join(p.strip().strip(_QUOTES).strip() for p in s.split(";")))
    else:
        bare = text.str.strip(_QUOTES).str.strip()
    quoted = ((bare != text) & (bare != "")).to_numpy(dtype=bool)
    if not quoted.any():
        return text

    def message(pos: int) -> str:
        value = text.iat[pos]
        if value.startswith("'") and value[1:] == bare.iat[pos]:
            # what Excel's text prefix looks like when a program writes it into the file
            return (
                f"{col.name} begynder med ', som i Excel gemmer et tal som tekst, men her bliver en del af værdien; "
                f"skriv {bare.iat[pos]} uden '"
            )
        marks = " og ".join(dict.fromkeys(c for c in value if c in _QUOTES and c not in bare.iat[pos]))
        return (
            f"{col.name} står i anførselstegn ({marks}), som følger med, når en værdi kopieres fra Word, Outlook "
            f"eller en webside; skriv {bare.iat[pos]} uden anførselstegn"
        )

    report.cells(table, quoted, col.name, text, "quoted", message)
    return text.where(~quoted, bare)


def _what_to_write(col: Column) -> str:
    """What a required cell of ``col`` holds, in a message: "en dato på formen ÅÅÅÅ-MM-DD", "en af low, high"."""
    if col.kind == Kind.ENUM:
        return "en af " + ", ".join(col.allowed)
    return {
        Kind.DATE: "en dato på formen ÅÅÅÅ-MM-DD",
        Kind.MONTH: "en måned på formen ÅÅÅÅ-MM",
        Kind.INT: "et heltal",
        Kind.DECIMAL: "et tal",
        Kind.BOOL: _BOOL_WORDS,
    }.get(col.kind, "den rigtige værdi")


def _thousands_readings(
    table: _Parsed, col: Column, text: pd.Series, numbers: pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """A decimal column's values of a CSV file that read two ways, 1000 times apart: ``1.234`` in a file separated
    by semicolons (Danish Excel's, whose decimals are commas and whose thousands separator is a period) and ``1,234``
    in one separated by commas. Their reading with the separator as a thousands separator (NaN for every other
    cell), and the mask of those whose two readings both lie within the column's bounds: refused, as a guess would be
    wrong by a factor of 1000. Where only the decimal reading lies within them (every decimal column of the contract
    ends below 1000) it is the value; a workbook's number cells hold a decimal point and are never ambiguous."""
    thousands = np.full(len(text), np.nan)
    separator = {";": ".", ",": ","}.get(table.raw.delimiter or "")
    if separator is None or separator not in "".join(text.tolist()):
        return thousands, np.zeros(len(text), dtype=bool)
    mask = text.str.fullmatch(rf"[+-]?[1-9][0-9]{{0,2}}\{separator}[0-9]{{3}}").fillna(False).to_numpy(dtype=bool)
    thousands[mask] = pd.to_numeric(text[mask].str.replace(separator, "", regex=False), errors="coerce")

    def within(values: np.ndarray) -> np.ndarray:
        low = np.full(len(values), True) if col.minimum is None else values >= col.minimum
        return low & (True if col.maximum is None else values <= col.maximum)

    return thousands, mask & within(numbers.to_numpy()) & within(thousands)


def _two_readings(table: _Parsed, value: str, decimal: float, thousands: float, both: bool) -> str:
    """The hint for a value of :func:`_thousands_readings`: its two readings, and what it was read as."""
    point = "punktum" if table.raw.delimiter == ";" else "komma"
    written = _num(decimal) if table.raw.delimiter == ";" else _num(decimal).replace(",", ".")
    if both:
        return (
            f"; '{value}' kan læses som {_num(decimal)} ({point} som decimaltegn) og som {_num(thousands)} ({point} "
            f"som tusindtalsseparator), 1000 gange mere; skriv {written} eller {_num(thousands)}"
        )
    return (
        f"; '{value}' er læst som {_num(decimal)} ({point} som decimaltegn); med {point} som tusindtalsseparator "
        f"ville det være {_num(thousands)}"
    )


def _negative_hint(value: str) -> str:
    """What a negative number written the way an accounting system writes one is: with its minus after the digits
    ("5-", as SAP exports it) or in brackets ("(5)", Excel's accounting format); "" for any other text. No column of
    the contract holds a negative number, so such a value is refused, but read, its rule alone ("skal være et heltal
    på mindst 0") did not say that the file holds -5."""
    m = re.fullmatch(r"([0-9]+(?:[.,][0-9]+)?)\s*-|\(\s*([0-9]+(?:[.,][0-9]+)?)\s*\)", value)
    if m is None:
        return ""
    if m.group(1) is not None:
        return (
            f"; '{value}' er tallet -{m.group(1)}, med minustegnet efter tallet, som et økonomisystem (SAP) skriver det"
        )
    return f"; '{value}' er tallet -{m.group(2)}, i parentes, som Excels regnskabsformat viser et negativt tal"


#: The coordinate columns, each with its partner and what it is called in Danish.
_COORDINATES = {"lat": ("lon", "breddegrad"), "lon": ("lat", "længdegrad")}


def _coordinate_hint(table: _Parsed, col: Column, pos: int, number: float) -> str:
    """Why a coordinate lies outside Denmark, when it is plain: ``lat`` and ``lon`` swapped (each lies within the
    other's bounds, as GeoJSON and some maps write longitude first), a UTM coordinate in metres (Danish address data,
    DAWA, gives ETRS89 / UTM zone 32: 6223456 and 574321) or degrees with their sign ("56,15°"); "" otherwise."""
    if col.name not in _COORDINATES:
        return ""
    partner_name, noun = _COORDINATES[col.name]
    partner = table.spec.column(partner_name)
    header = [bare_title(t).lower() for t in table.raw.header]
    if np.isfinite(number) and partner_name in header:
        other = pd.to_numeric(
            str(table.raw.frame[header.index(partner_name)].iat[pos]).replace(",", "."), errors="coerce"
        )
        if np.isfinite(other) and _within(partner, number) and _within(col, other):
            other_noun = _COORDINATES[partner_name][1]
            return (
                f"; lat og lon ser ud til at være byttet om: {_num(number)} er en {other_noun} i Danmark, og "
                f"{partner_name} ({_num(other)}) en {noun}; byt værdierne (eller kolonnernes navne) om"
            )
    if np.isfinite(number) and abs(number) >= 100_000:
        return (
            "; tallet ligner en UTM-koordinat i meter (som danske adressedata, DAWA, giver den), ikke grader: skriv "
            f"{noun}en i grader (WGS84), fx {'56,15' if col.name == 'lat' else '10,21'}"
        )
    degrees = re.fullmatch(r"([+-]?[0-9]+(?:[.,][0-9]+)?)\s*°\s*[NSØEVW]?", str(table.text[col.name].iat[pos]))
    if degrees is not None:
        return f"; skriv kun tallet ({degrees.group(1)}), uden '°'"
    return ""


def _within(col: Column, value: float) -> bool:
    """Whether ``value`` lies within the column's bounds."""
    return (col.minimum is None or value >= col.minimum) and (col.maximum is None or value <= col.maximum)


#: A number with an exponent ("1e3", Excel's "1,5E+03").
_EXPONENT_NUMBER_RE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]{1,3}")
#: What a spreadsheet's check list marks a yes with.
_CHECK_MARKS = frozenset({"x", "✓", "✔", "☑", "√", "*"})


def _pattern_hint(col: Column, value: str) -> str:
    """The postcode to write for one as an export or a spreadsheet writes it: a number cell with decimals
    ("8600.0"), a country code ("DK-8600") or the town after it ("8600 Silkeborg"); "" for anything else."""
    for form, why in (
        (r"([0-9]+)[.,]0+", "postnummeret er gemt som et tal med decimaler"),
        (r"(?:dk|DK|Dk)\s*[-–]?\s*([0-9]+)", "uden landekode"),
        (r"([0-9]+)\s+[^\W\d_][^\d]*", "uden bynavn"),
    ):
        m = re.fullmatch(form, value)
        if m is not None and col.pattern is not None and re.fullmatch(col.pattern, m.group(1)):
            return f"; skriv {m.group(1)} ({why})"
    return ""


#: A number followed by a word, as a cell typed as text keeps it ("24 pladser", "18,5 pct.", "3 gange").
_NUMBER_WITH_UNIT = r"([+-]?[0-9]+(?:[.,][0-9]+)?)\s*([^\W\d_][^\W\d_ ]*\.?)"


def _leading_zero_back(table: _Parsed, col: Column, digits: int, text: pd.Series, report: _Report) -> pd.Series:
    """A value of one digit less than ``digits`` with the leading zero Excel drops put back (the postcode 0800 is
    800 in a number cell, and in a CSV file Excel saves), with a warning per cell; any other length is left to the
    column's pattern."""
    short = text.str.fullmatch(f"[0-9]{{{digits - 1}}}").fillna(False).to_numpy(dtype=bool)
    if not short.any():
        return text
    padded = text.where(~short, "0" + text)
    for pos in np.flatnonzero(short):
        report.warnings.append(
            Violation(
                table.raw.source,
                int(table.raw.rows[pos]),
                col.name,
                str(text.iat[pos]),
                f"{col.name}_leading_zero",
                f"{col.name} '{text.iat[pos]}' har {digits - 1} cifre og er læst som {padded.iat[pos]} (Excel fjerner "
                f"et foranstillet 0); skriv {col.name} med {digits} cifre, hvis det ikke er det rigtige",
            )
        )
    table.text[col.name] = padded
    return padded


def _years_in_range(
    text: pd.Series, well_formed: np.ndarray, report: _Report, table: _Parsed, col: Column
) -> np.ndarray:
    """Well-formed dates/months whose year is in ``_YEARS``; the others are reported (not as a format error)."""
    years = text.str.slice(0, 4)
    in_range = well_formed & ((years >= _YEARS[0]) & (years <= _YEARS[1])).to_numpy(dtype=bool)
    report.cells(
        table,
        well_formed & ~in_range,
        col.name,
        text,
        "date_range",
        lambda p: f"{col.name} skal ligge i årene {_YEARS[0]}-{_YEARS[1]}" + _sentinel_hint(col, text.iat[p]),
    )
    return in_range


def _unknown_dates(table: _Parsed, col: Column, text: pd.Series, unknown: np.ndarray, report: _Report) -> np.ndarray:
    """The cells of ``unknown`` (1900-01-01, a system's "unknown date") refused at the cell; returns ``unknown``."""
    what = "måned" if col.kind == Kind.MONTH else "dato"
    do = f"skriv den rigtige {what}" + (", eller lad feltet stå tomt, hvis den ikke kendes" if col.nullable else "")
    report.cells(
        table,
        unknown,
        col.name,
        text,
        "unknown_date",
        lambda p: (
            f"{text.iat[p]} står i mange systemer for en ukendt dato (og er dag 1 i Excels kalender), ikke for en "
            f"rigtig {col.name}; {do}"
        ),
    )
    return unknown


def _sentinel_hint(col: Column, value: str) -> str:
    """What to do with a date or month outside the years allowed: in an optional column leave it empty, and a day at
    the end of time (9999-12-31, 9999-12) is named as what many systems write for "no end date" (a tilbud that is not
    closed); in a required one it is not the date to write. A calendar's first day (1899-12-30, 1753-01-01,
    0001-01-01) is named as what many systems write for "unknown"."""
    if value[:10] in _FIRST_DAYS:
        why = _FIRST_DAYS[value[:10]]
        unknown = f"; {value} står i mange systemer for en ukendt dato ({why}): skriv den rigtige dato"
        return unknown + (", eller lad feltet stå tomt, hvis den ikke kendes" if col.nullable else "")
    end_of_time = value.startswith("9999-12")
    if not col.nullable:
        return f"; {value} er en pladsholder for 'ingen dato', ikke den dato, der skal stå her" if end_of_time else ""
    if end_of_time:
        return f"; {value} står i mange systemer for 'ingen slutdato': lad feltet stå tomt, hvis der ikke er nogen"
    return "; lad feltet stå tomt, hvis datoen ikke kendes"


def _visible(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> pd.Series:
    """``text`` without invisible characters; around a value they are ignored, inside one each cell is reported, but
    for the joiner and variation selectors of an emoji or a script's letter in free text, kept as written."""
    joined = "".join(text.tolist())  # one scan of the whole column (fast) before a per-cell one (slow)
    if re.search(INVISIBLE_RE, joined) is None:
        return text
    has = text.str.contains(INVISIBLE_RE, regex=True).fillna(False).to_numpy(dtype=bool)
    if _is_free_text(table, col):
        visible, stray = text.copy(), pd.Series("", index=text.index, dtype=object)
        for pos in np.flatnonzero(has):
            visible.iat[pos], stray.iat[pos] = _free_text_visible(text.iat[pos])
        inside = (stray != "").to_numpy(dtype=bool)
    else:
        cleaned = text.str.strip(INVISIBLE).str.strip().str.strip(INVISIBLE)
        inside = has & cleaned.str.contains(INVISIBLE_RE, regex=True).fillna(False).to_numpy(dtype=bool)
        visible, stray = cleaned.str.replace(INVISIBLE_RE, "", regex=True), cleaned

    def message(pos: int) -> str:
        codes = sorted({f"U+{ord(c):04X}" for c in stray.iat[pos] if c in INVISIBLE})
        return (
            f"{col.name} indeholder et usynligt tegn ({', '.join(codes)}), så værdien ikke er den, den ser ud til; "
            "skriv værdien igen (tegnet kommer ofte med, når tekst kopieres fra en webside)"
        )

    report.cells(table, inside, col.name, text, "invisible_character", message)
    return visible


def _free_text_visible(value: str) -> tuple[str, str]:
    """A free-text value without the invisible characters around it and those inside it that join nothing, and the
    latter (empty if none): the joiners and variation selectors of :data:`~data.readers.JOINING_RE` are kept, and a
    zero-width non-joiner between two letters (:func:`_between_letters`)."""
    kept = {m.start() + i for m in re.finditer(JOINING_RE, value) for i in range(len(m.group()))}
    kept |= {i for i, c in enumerate(value) if c == "\u200c" and _between_letters(value, i)}
    seen = [i for i, c in enumerate(value) if not c.isspace() and (c not in INVISIBLE or i in kept)]
    if not seen:
        return "", ""
    inner = range(seen[0], seen[-1] + 1)
    stray = "".join(value[i] for i in inner if value[i] in INVISIBLE and i not in kept)
    return "".join(value[i] for i in inner if value[i] not in INVISIBLE or i in kept), stray


def _between_letters(value: str, pos: int) -> bool:
    """Whether ``value[pos]`` stands between two letters (or a letter's marks): where a zero-width non-joiner (U+200C)
    is part of a word's spelling, as in Persian (``می\u200cخواهم``) and after a virama in some Indic scripts."""
    return (
        0 < pos < len(value) - 1
        and unicodedata.category(value[pos - 1])[0] in "LM"
        and unicodedata.category(value[pos + 1])[0] in "LM"
    )


def _repeated_in_list(table: _Parsed, col: Column, values: pd.Series, report: _Report) -> np.ndarray:
    """Lists that name an id twice ("I007;I007": the same inspector twice on one visit); each is reported."""
    repeated = values.map(
        lambda s: [] if not isinstance(s, str) else [i for i, n in Counter(s.split(";")).items() if n > 1]
    )
    bad = repeated.map(bool).to_numpy(dtype=bool)
    report.cells(
        table,
        bad,
        col.name,
        values,
        "repeated_in_list",
        lambda p: (
            f"{col.name} nævner {' og '.join(repr(i) for i in repeated.iat[p])} flere gange; hvert id må kun stå "
            "én gang i listen"
        ),
    )
    return bad


def _is_id(table: _Parsed, col: Column) -> bool:
    """Whether ``col`` holds ids (its file's own, a reference to another file's, or a list of them)."""
    return (
        col.kind == Kind.ID_LIST
        or col.references is not None
        or table.spec.key == (col.name,)
        or col.name == table.spec.row_id
    )


def _is_free_text(table: _Parsed, col: Column) -> bool:
    """Whether ``col`` holds free text (``name``, ``municipality``, ``target_group``, an inspector's ``name``): text
    that is no id, no part of its file's key and has no pattern or named rule, so may hold a line break or an emoji."""
    return col.kind == Kind.TEXT and not (_is_id(table, col) or col.name in table.spec.key or col.pattern or col.check)


def _excel_mangled(
    table: _Parsed, col: Column, text: pd.Series, near: re.Pattern[str], whole: re.Pattern[str]
) -> np.ndarray:
    """The cells of an id column one of whose ids (a list's parts one by one) is ``whole``; ``near`` finds the
    candidates in one scan of the column's text first."""
    bad = np.zeros(len(text), dtype=bool)
    if not _is_id(table, col) or near.search("\n".join(text.tolist())) is None:
        return bad
    for pos in np.flatnonzero(text.str.contains(near, regex=True).to_numpy(dtype=bool)):
        parts = text.iat[pos].split(";") if col.kind == Kind.ID_LIST else [text.iat[pos]]
        bad[pos] = any(whole.fullmatch(p.strip()) for p in parts)
    return bad


def _shortened_ids(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> np.ndarray:
    """Ids Excel wrote in scientific notation (``1,23457E+11``), or made a date (``3-12`` shown as ``03-dec``, a
    workbook's date cell ``2026-12-03``), each reported; the mask of those cells. Stored, such an id matched the
    references mangled the same way and lost the link to the case system's id (and two ids that share their first
    six digits became one)."""
    shortened = _excel_mangled(table, col, text, _EXCEL_EXPONENT_RE, _EXCEL_SCIENTIFIC_RE)
    report.cells(
        table,
        shortened,
        col.name,
        text,
        "id_shortened",
        lambda p: (
            f"{col.name} '{_display(text.iat[p])}' er et tal, som Excel har forkortet (videnskabelig notation): "
            "cifrene efter de første er tabt, og to id'er kan være blevet ens; formatér kolonnen som Tekst i Excel, "
            "før id'erne sættes ind, og gem filen igen"
        ),
    )
    dated = _excel_mangled(table, col, text, _EXCEL_DATE_NEAR_RE, _EXCEL_DATE_RE) & ~shortened
    report.cells(
        table,
        dated,
        col.name,
        text,
        "id_date",
        lambda p: (
            f"{col.name} '{_display(text.iat[p])}' ligner en dato, som Excel har lavet af et id (3-12 bliver til "
            "03-dec, når kolonnen ikke er formateret som Tekst); formatér kolonnen som Tekst i Excel, før id'erne "
            "sættes ind, og gem filen igen"
        ),
    )
    return shortened | dated


def _decimal_ids(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> None:
    """A file's own ids in a column of numbers written with decimals (``101.0``, as pandas writes an id column of
    numbers that has an empty cell, and Excel with the number format ``0,0``), in one violation for the column.
    Stored, the case system's next export (``101``) would have made each a second time. The values are kept, so the
    references that match them are no error. Only the own id: a reference that differs from a known id by its
    decimals is named with that id where it is checked, and a column with letters in its ids holds no numbers."""
    if table.spec.key != (col.name,) or ".0" not in "".join(text.tolist()):  # one scan before a per-cell one
        return
    decimal = text.str.fullmatch(r"[0-9]+\.0+").fillna(False).to_numpy(dtype=bool)
    digits = text.str.fullmatch(r"[0-9]*").fillna(False).to_numpy(dtype=bool)  # the empty cells too
    if not decimal.any() or not (decimal | digits).all():
        return
    rows, more, seen, _cells = _marked_cells(table, text, decimal)
    count = int(decimal.sum())
    ids = "1 id" if count == 1 else f"{format_number_da(count, 0)} id'er"
    whole = seen[0].split(".")[0]
    shown = ", ".join(f"'{_display(v)}'" for v in seen[:5])
    report.add(
        Violation(
            table.raw.source,
            rows[0],
            col.name,
            seen[0],
            "id_decimal",
            f"{ids} i {col.name} er skrevet som decimaltal ({shown}; "
            f"række {_rows_da(rows)}{more}): et program har gemt id-kolonnen som tal med decimaler (pandas gør det, "
            f"når kolonnen har tomme celler, Excel med talformatet 0,0), og den næste eksport, {whole}, ville blive "
            f"et nyt id; skriv id'erne uden decimaler ({whole})",
        )
    )


def _control_characters(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> np.ndarray:
    """Cells with a control character inside (a line break, a tab, BEL ...), each reported with the character
    named and where it stands; the mask of those cells. Around a value the whitespace ones are already stripped."""
    is_id = _is_id(table, col)
    pattern = re.compile(_CONTROL_BUT_LINE_BREAKS_RE if _is_free_text(table, col) else _CONTROL_RE)
    if pattern.search("".join(text.tolist())) is None:  # one scan of the whole column before a per-cell one
        return np.zeros(len(text), dtype=bool)
    bad = text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    shown = text.where(bad, "").str.replace(_CONTROL_RE, lambda m: _control_picture(m.group(0)), regex=True)

    def message(pos: int) -> str:
        value = str(text.iat[pos])
        first = pattern.search(value)
        assert first is not None
        chars = list(dict.fromkeys(pattern.findall(value)))
        before = value[: first.start()]
        where = "først i værdien" if not before else f"efter '{before[-20:]}'"
        why = " (et id med et styretegn bliver et nyt id, der ligner et andet)" if is_id else ""
        fix = (
            "skriv værdien på én linje"
            if {"\n", "\r", "\u2028", "\u2029"} & set(chars)
            else "skriv værdien igen uden tegnet"
        )
        return (
            f"{col.name} indeholder {' og '.join(control_character_da(c) for c in chars)} {where}; styretegn er "
            f"ikke tilladt i en værdi{why}: {fix}"
        )

    report.cells(table, bad, col.name, shown, "control_character", message)
    return bad


def _special_spaces(table: _Parsed, col: Column, text: pd.Series, report: _Report, among: np.ndarray) -> np.ndarray:
    """Cells of a file's own id or key (``among`` them) with a space inside that is not the plain one (a no-break
    space), each reported with the space named and where it stands; the mask of those cells. Refused, not made a plain
    space: an id is a key the other files and the case system match exactly, and "T\u00a01001" is another id than
    "T 1001" that looks the same (stored, it was a new tilbud beside the one the next export spells with a plain space,
    and the plans and risk scores the case system pulls would carry an id it does not have). Around a value such a
    space is stripped like any other. A reference is checked against the ids it may name instead, whose message names
    the known id it looks like (:meth:`~data.importer.cross_checks._CrossChecks._references_column`)."""
    own = col.name in table.spec.key or col.name == table.spec.row_id
    if not own or col.references is not None or col.kind != Kind.TEXT:
        return np.zeros(len(text), dtype=bool)
    if re.search(SPECIAL_SPACE_RE, "".join(text.tolist())) is None:  # one scan of the whole column first
        return np.zeros(len(text), dtype=bool)
    bad = among & text.str.contains(SPECIAL_SPACE_RE, regex=True).fillna(False).to_numpy(dtype=bool)
    shown = text.where(bad, "").str.replace(SPECIAL_SPACE_RE, lambda m: f"<U+{ord(m.group(0)):04X}>", regex=True)
    report.cells(
        table, bad, col.name, shown, "special_space", lambda p: f"{col.name} {special_space_hint(str(text.iat[p]))}"
    )
    return bad


def _control_picture(char: str) -> str:
    """A control character made visible in a quoted value: LF -> "␊", TAB -> "␉", DEL -> "␡", C1 -> "<U+0085>"."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else f"<U+{code:04X}>"
