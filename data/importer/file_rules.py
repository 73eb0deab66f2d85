"""Rules within one file, across its rows or between a row's cells: unique keys and row ids, a date not before another
of the same row, a lock from today on a working day, the competences list; and the warning for double-encoded
text (mojibake).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from data.authorities import suggest_code
from data.calendar import holiday_name, is_working_day
from data.contract import Kind
from data.enums import FacilityType
from data.errors import Violation
from data.glossary import format_number_da
from data.importer.parsed import _key_frame, _Parsed
from data.importer.report import _display, _fmt_date, _key_value, _num, _Report, _rows_da


def _check_unique_key(table: _Parsed, report: _Report) -> None:
    if table.spec.row_id is not None:
        _check_unique_row_id(table, report)
    if not all(k in table.present or not table.spec.column(k).required for k in table.spec.key):
        return
    keys, ok = _key_frame(table)
    if table.spec.row_id is not None:  # a row with an id is keyed by it: two reports may share a day and severity
        ok = ok & table.get(table.spec.row_id).isna().to_numpy()
    if not ok.any():
        return
    valid = keys[ok]
    dup = valid.duplicated(keep="first")
    if not dup.any():
        return
    first_pos = valid.reset_index().groupby(list(table.spec.key), sort=False)["index"].transform("min")
    dup_mask = np.zeros(table.n, dtype=bool)
    dup_mask[valid.index[dup.to_numpy()]] = True
    first_of = pd.Series(first_pos.to_numpy(), index=valid.index)
    key = table.spec.key
    label = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"

    def key_text(pos: int) -> str:
        """The key as the file writes it (a month "2023-11", not the date it is stored as)."""
        parts = [
            str(table.text[name].iat[pos]) if name in table.text else _key_value(keys.iat[pos, i])
            for i, name in enumerate(key)
        ]
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"

    values = pd.Series([key_text(p) if dup_mask[p] else "" for p in range(table.n)], dtype=object)
    frame = table.raw.frame

    def message(p: int) -> str:
        first = int(first_of[p])
        same = f"dublet: samme {label} som række {_rows_da([table.raw.rows[first]])}"
        # a row pasted twice is harmless to delete; a key used twice with other values has a wrong key in one row
        differ = [
            table.raw.header[i]
            for i in range(len(frame.columns))
            if table.raw.header[i].strip().casefold() not in key  # a key's cells match as the key rule reads them
            and str(frame.iat[p, i]).strip() != str(frame.iat[first, i]).strip()
        ]
        if not differ:
            return f"{same}; alle værdier er ens, så rækken er en kopi: slet den ene"
        return (
            f"{same}, men med andre værdier i {', '.join(differ)}; hver nøgle må kun forekomme én gang: ret nøglen "
            "i den række, der er forkert, eller slet den"
        )

    report.cells(table, dup_mask, key[0] if len(key) == 1 else ", ".join(key), values, "duplicate_key", message)


def _check_unique_row_id(table: _Parsed, report: _Report) -> None:
    """An id column (``concerns.concern_id``) names one record: the same id twice in one file is refused, also for two
    tilbud (an id is the case system's, unique across the table)."""
    name = table.spec.row_id
    assert name is not None
    ids = table.get(name)
    given = ids[ids.notna()]
    dup = given.duplicated(keep="first")
    if not dup.any():
        return
    first_of = given.index.to_series().groupby(given.astype(str).to_numpy(), sort=False).transform("min")
    mask = np.zeros(table.n, dtype=bool)
    mask[given.index[dup.to_numpy()]] = True
    report.cells(
        table,
        mask,
        name,
        table.text.get(name, ids),
        "duplicate_key",
        lambda p: (
            f"dublet: samme {name} som række {_rows_da([table.raw.rows[int(first_of[p])]])}; et {name} er én "
            "henvendelse og må kun forekomme én gang (en rettelse sendes med samme id i stedet for den gamle række)"
        ),
    )


def _check_not_before_same_row(table: _Parsed, report: _Report) -> None:
    """``not_before="approved_on"``: a date not before another date of the same row."""
    for col in table.spec.columns:
        if col.not_before is None or "." in col.not_before or col.name not in table.present:
            continue
        if col.not_before in table.present:
            _not_before_column(table, col.name, col.not_before, report)


#: Columns given as a pair: one without the other is no location (the planner needs both and used neither).
_PAIRS = (("lat", "lon"),)


def _check_pairs(table: _Parsed, report: _Report) -> None:
    """A coordinate without its other half: refused at the empty one. An invalid value is reported as such."""
    for first, second in _PAIRS:
        if first not in table.present or second not in table.present:
            continue
        for given, empty in ((first, second), (second, first)):
            _pair_column(table, given, empty, report)


def _pair_column(table: _Parsed, given: str, empty: str, report: _Report) -> None:
    values = table.values[given]
    bad = (values.notna() & (table.text[empty] == "")).to_numpy()
    report.cells(
        table,
        bad,
        empty,
        table.text[empty],
        "coordinate_pair",
        lambda p: (
            f"{empty} er tom, men {given} er udfyldt ({_num(values.iat[p])}); en placering kræver begge: udfyld "
            f"{empty}, eller lad begge stå tomme"
        ),
    )


def _not_before_column(table: _Parsed, name: str, other: str, report: _Report) -> None:
    a, b = table.values[name], table.values[other]
    bad = (a.notna() & b.notna() & (a < b)).to_numpy()
    report.cells(
        table,
        bad,
        name,
        a.map(_key_value),
        "not_before",
        lambda p: (
            f"{name} ({_fmt_date(a.iat[p])}) ligger før {other} ({_fmt_date(b.iat[p])}); "
            f"{name} skal være samme dag som eller efter {other}"
        ),
    )


def _check_lock_days(table: _Parsed, report: _Report, today: dt.date) -> None:
    """``locked_visits.csv``: an agreed visit from today on lies on a working day. A plan keeps a lock on its day
    and never has a visit on a weekend or public holiday, so the planner refuses such a lock (``planner.problem``)
    and every plan would fail; ``tilsynsplan lock`` refuses it too. A lock before today is history (the planner
    counts it as a past visit), and a day off of ``TILSYNSPLAN_DAYS_OFF`` (juleaftensdag) is a working day an
    agreed visit may lie on."""
    if "date" not in table.present:
        return
    days = table.values["date"]
    ahead = days.notna() & (days >= pd.Timestamp(today))
    # built as a bool Series, not by ``days.map``: mapping an empty datetime column (a header-only file, as
    # a small tilsyn with no agreed visits exports) returns a datetime column, and ``&`` with it raises
    weekend_or_holiday = [isinstance(d, pd.Timestamp) and not is_working_day(d.date()) for d in days]
    off = ahead & pd.Series(weekend_or_holiday, index=days.index, dtype=bool)

    def message(pos: int) -> str:
        day = days.iat[pos].date()
        why = holiday_name(day) or ("en lørdag" if day.weekday() == 5 else "en søndag")
        return (
            f"date ({day.isoformat()}) er {why}; et låst besøg fra i dag ({today.isoformat()}) og frem skal ligge på "
            "en arbejdsdag, for planen flytter det ikke og lægger aldrig besøg i weekenden eller på helligdage"
        )

    report.cells(table, off.to_numpy(dtype=bool), "date", days.map(_key_value), "working_day", message)


#: Danish for ``all`` in competences.
_ALL_WORDS = frozenset({"all", "alle", "alle typer", "alle tilbudstyper", "alle tilbud"})


def _check_competences(table: _Parsed, report: _Report) -> None:
    """``competences``: ``all`` or ``;``-separated facility types (the spec's named check)."""
    for col in table.spec.columns:
        if col.check == "competences" and col.name in table.present:
            _competences_column(table, col.name, report)


def _competences_column(table: _Parsed, name: str, report: _Report) -> None:
    allowed = {t.value for t in FacilityType}
    values = table.values[name]

    def normalise(text: object) -> object:
        if not isinstance(text, str):
            return text
        return ";".join(p.strip().lower() for p in text.split(";") if p.strip())

    # "all; ALL" is "all"; "all" beside a type ("all;sel108") is refused as such, not as an unknown type
    normal = values.map(normalise).map(lambda s: "all" if isinstance(s, str) and set(s.split(";")) == {"all"} else s)
    combined = normal.map(lambda s: isinstance(s, str) and s != "all" and "all" in s.split(";")).to_numpy(dtype=bool)
    bad_items = normal.map(
        lambda s: [] if not isinstance(s, str) or s == "all" else [i for i in s.split(";") if i not in allowed]
    )
    bad = bad_items.map(bool).to_numpy(dtype=bool)
    types = f"tilbudstyper adskilt med ';': {', '.join(sorted(allowed))}"

    def message(p: int) -> str:
        if combined[p]:
            return (
                f"{name}: 'all' står alene (alle tilbudstyper) og kan ikke kombineres med tilbudstyper; skriv "
                f"enten 'all' alene eller kun {types}"
            )
        return (
            f"{name}: {', '.join(repr(i) for i in bad_items.iat[p])} er ukendt; {meant(str(values.iat[p]))}"
            f"tilladt er 'all' eller {types}"
        )

    def meant(text: str) -> str:
        """ "skriv 'sel107;sel108'; " for a list written another way: "Alle", commas, the types' Danish names, and
        other separators ("sel108/sel109", "sel108 og sel109") when the list reads so only (a Danish type name may
        hold a slash: "efterskole/fri fag-/grundskole")."""
        for separators in (r"[;,]", r"[;,/|&+]|\s+(?:og|and)\s+"):
            if said := meant_split(text, separators):
                return said
        return ""

    def meant_split(text: str, separators: str) -> str:
        codes: list[str] = []
        for part in (p.strip() for p in re.split(separators, text) if p.strip()):
            low = " ".join(part.lower().split())
            code = "all" if low in _ALL_WORDS else low if low in allowed else suggest_code(part, tuple(sorted(allowed)))
            if code is None:
                return ""
            codes.append(code)
        written = ";".join(dict.fromkeys(codes))
        return f"skriv '{written}'; " if codes and ("all" not in codes or written == "all") else ""

    report.cells(table, bad, name, values, "competences", message)
    table.values[name] = normal.where(~bad, None)


#: UTF-8 read as Windows-1252 (or Latin-1) and saved as UTF-8 again: "ø" becomes "Ã¸", "Æ" "Ã†", "Å" "Ã…". An
#: "Ã" followed by what a UTF-8 continuation byte reads as in those encodings is never Danish text.
_MOJIBAKE = re.compile(
    "Ã["
    + re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore") + bytes(range(0x80, 0xC0)).decode("latin-1"))
    + "]"
)


def _mojibake_warnings(table: _Parsed, report: _Report) -> None:
    """A warning per text column whose cells look double-encoded ("KÃ¸benhavn"): the file was read as Windows-1252
    and saved as UTF-8 once more somewhere on its way. Stored as written (it is valid text), but named, with the
    text it most likely was."""
    for col in table.spec.columns:
        text = table.text.get(col.name)
        if col.kind != Kind.TEXT or text is None or "Ã" not in "".join(text.tolist()):
            continue
        hits = np.flatnonzero(text.str.contains(_MOJIBAKE, regex=True).fillna(False).to_numpy(dtype=bool))
        if len(hits) == 0:
            continue
        first = str(text.iat[int(hits[0])])
        try:
            meant = first.encode("cp1252").decode("utf-8")
        except UnicodeError:
            meant = ""
        rows = [int(table.raw.rows[p]) for p in hits[:5]]
        more = f" m.fl. ({format_number_da(len(hits), 0)} i alt)" if len(hits) > 5 else ""
        shown = _display(first)
        report.warnings.append(
            Violation(
                table.raw.source,
                rows[0],
                col.name,
                shown,
                "mojibake",
                f"teksten ser ud til at være kodet to gange: '{shown}'"
                + (f" skulle nok være '{_display(meant)}'" if meant else "")
                + " (filen er et sted åbnet som Windows-tekst og gemt som UTF-8 igen); den gemmes, som den står: "
                f"indlæs den oprindelige eksport i stedet; række {_rows_da(rows)}{more}",
            )
        )
