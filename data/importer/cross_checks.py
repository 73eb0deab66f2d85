"""Rules across files and against what is stored (:class:`_CrossChecks`), checked on the result of the import:
references, row ids, dates within the referenced tilbud's approval and closing, locks a plan can keep, indicators
that apply to the visited tilbud, theme scores against the visit's indicators; and the stored rows the upload leaves
as they are against the uploaded rows they refer to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME, FILES, Column, FileSpec, Kind
from data.dataset import absence_periods, date_of, empty_frame
from data.enums import Authority, FacilityType, Theme
from data.errors import Violation
from data.glossary import danish, danish_code, format_count_da, format_number_da, some_ids_da
from data.importer.bounds import _BOUND_WARNING_RULE, _bound_what_da, _bound_why_da, _outside, _via
from data.importer.hints import (
    SPECIAL_SPACE_RE,
    _id_number,
    _indicator_hint,
    _look_alike_hint,
    _look_alike_key,
    _space_hint,
    _spaceless_key,
    special_space_hint,
)
from data.importer.parsed import _key_frame, _Parsed
from data.importer.quality import (
    _TRAIT_COLUMNS,
    _applies,
    _computed_theme_values,
    _not_applicable_message,
    _traits,
    _truthy,
)
from data.importer.report import _display, _fmt_date, _key_value, _num, _Report, _rows_da
from data.importer.stored import StoredData, _Columns, _key_strings, _StoredRows
from data.lock_rules import InspectorTerms, lock_rule_problems, parse_competences
from data.quality_model import ALL_INDICATOR_CODES, THEME_INFO, indicator_applies, theme_applies

#: A given theme score that differs more than this from the value computed from indicators is a warning.
THEME_SCORE_TOLERANCE = 0.05
#: More magtanvendelser than this per place in one month (one row of ``use_of_force.csv``) is a warning: more than one
#: for every resident every day of the month. The national figures (DOMAIN: about 11,700 a year from adult tilbud)
#: are a fraction of one per place per *year*, and the generator's busiest tilbud reaches 1.7 per place per month, so
#: a count past this is almost surely a cumulative total or another column than the month's count. A constant rather
#: than a multiple of what the upload's tilbud of the type report: a tilsyn's own export may hold few rows of a type,
#: and a cumulative column would raise that figure with it. The contract allows any count >= 0, so it is not refused.
MAX_FORCE_PER_PLACE_MONTH = 30
#: At most this many warnings of implausible magtanvendelser per file (each names one row); the rest are counted.
MAX_FORCE_WARNINGS = 20
_STORED_NOTE = "gemt ved en tidligere import, ikke i denne upload"


#: What the rows of a contract file are, said of the files that refer to it (:meth:`_CrossChecks.empty_file_references`;
#: ``facilities`` is the one required file refused with its header only).
_TARGET_WHAT_DA = {"facilities": "tilbud", "visits": "besøg", "inspectors": "tilsynskonsulenter"}
_TARGET_THEM_DA = {"facilities": "tilbuddene", "visits": "besøgene", "inspectors": "tilsynskonsulenterne"}


def _name_key(name: str) -> str:
    """A name as references are matched against it: any case, runs of spaces as one."""
    return " ".join(name.split()).casefold()


def _above(value: float, bound: float) -> str:
    """``value`` with the fewest decimals (up to three) that still show it above ``bound``: 241 magtanvendelser at 8
    places are "30,1" pr. plads, not "30" beside "over 30"."""
    for decimals in range(3):
        shown = format_number_da(value, decimals)
        if float(shown.replace(".", "").replace(",", ".")) > bound:
            return shown
    return format_number_da(value, 3)


class _CrossChecks:
    """Rules that look into other files of the upload or into what is stored, checked on the result of the import:
    the upload's rows against the rows they refer to (the upload's, else the stored ones), and the stored rows the
    upload leaves as they are against the uploaded rows they refer to (:meth:`stored_rows`)."""

    def __init__(self, parsed: dict[str, _Parsed], stored: StoredData, report: _Report, unreadable: set[str]) -> None:
        self.parsed = parsed
        self.unreadable = unreadable  # files present but unreadable: references into them are not checked
        self.stored = stored
        self.report = report
        self._known: dict[str, set[str]] = {}
        self._uploaded: dict[tuple[str, str], pd.Series] = {}
        self._untouched: dict[str, pd.DataFrame] = {}
        #: A required file uploaded with its header only and nothing stored (refused, ``file_no_rows``): the files whose
        #: rows refer to it and how many rows, said once in that violation (:meth:`empty_file_references`) instead of a
        #: violation per row.
        self._into_empty: dict[str, dict[str, int]] = {}
        self._names: dict[str, dict[str, list[str]]] = {}

    def known(self, reference: str) -> set[str]:
        """Values of ``file.column`` in the upload (valid cells) and in what is stored."""
        if reference not in self._known:
            target, column = reference.split(".")
            values: set[str] = set()
            if self.stored.has_rows(target):
                values = set(self.stored.table(target)[column].dropna().astype(str))
            if target in self.parsed:
                values |= set(self.parsed[target].get(column).dropna().astype(str))
            self._known[reference] = values
        return self._known[reference]

    def uploaded(self, target: str, column: str) -> pd.Series:
        """``column`` of the uploaded file ``target`` by its key, as it will be stored (a default for an empty cell);
        a duplicated key (reported) by its first row. Empty when ``target`` is not in the upload. A column the file
        does not have is stored only for new rows (a stored row keeps its value, ``data.store.save_upload``), so only
        those are here."""
        if target not in self.parsed:
            return pd.Series([], dtype=object)
        if (target, column) not in self._uploaded:
            key = FILE_BY_NAME[target].key[0]
            up = self.parsed[target]
            keys = up.get(key)
            ok = keys.notna().to_numpy()
            values = up.get(column)
            default = FILE_BY_NAME[target].column(column).default
            if default is not None:
                values = values.where(values.notna(), default)
            fresh = pd.Series(values.to_numpy()[ok], index=keys[ok].astype(str).to_numpy())
            fresh = fresh[~fresh.index.duplicated(keep="first")]
            if column not in up.present and self.stored.has_rows(target):
                fresh = fresh[~fresh.index.isin(self.stored.table(target)[key].astype(str))]
            self._uploaded[(target, column)] = fresh
        return self._uploaded[(target, column)]

    def lookup(self, target: str, column: str, *, stored_only: bool = False) -> pd.Series:
        """``column`` of file ``target`` by its key (upload wins over stored), e.g. approved_on by facility_id;
        ``stored_only``: as stored before this upload."""
        key = FILE_BY_NAME[target].key[0]
        stored = self.stored.table(target) if self.stored.has_rows(target) else empty_frame(target)
        series = pd.Series(stored[column].to_numpy(), index=stored[key].astype(str).to_numpy())
        if target in self.parsed and not stored_only:
            fresh = self.uploaded(target, column)
            series = pd.concat([series[~series.index.isin(fresh.index)], fresh])
        return series[~series.index.duplicated(keep="last")]

    def changed(self, target: str, columns: tuple[str, ...]) -> dict[str, str]:
        """Stored rows of ``target`` the upload changes in one of ``columns``: key -> the first such column."""
        out: dict[str, str] = {}
        if target not in self.parsed or not self.stored.has_rows(target):
            return out
        for column in columns:
            fresh = self.uploaded(target, column)
            old = self.lookup(target, column, stored_only=True)
            fresh = fresh[fresh.index.isin(old.index)]
            old = old.reindex(fresh.index)
            same = (fresh.to_numpy(dtype=object) == old.to_numpy(dtype=object)) | (fresh.isna() & old.isna()).to_numpy()
            for key in fresh.index[~np.asarray(same, dtype=bool)]:
                out.setdefault(str(key), column)
        return out

    def lock_terms(
        self, *, stored_only: bool = False, after_closing: bool = False
    ) -> Callable[[str, str, dt.date], list[str] | None]:
        """Why a plan could not keep a lock (``data.lock_rules``), read from the tilbud, inspectors and absences as the
        upload leaves them (``stored_only``: as stored before it). None when the tilbud or the inspector is not known
        (the reference rules report that). A lock after the closing day counts only with ``after_closing`` (a stored
        lock): an uploaded one is refused by the contract's bound instead."""
        authority = self.lookup("facilities", "authority", stored_only=stored_only)
        ftype = self.lookup("facilities", "facility_type", stored_only=stored_only)
        closed = self.lookup("facilities", "closed_on", stored_only=stored_only)
        i_authority = self.lookup("inspectors", "authority", stored_only=stored_only)
        i_competences = self.lookup("inspectors", "competences", stored_only=stored_only)
        frames = [self.stored.table("absences")] if self.stored.has_rows("absences") else []
        if "absences" in self.parsed and not stored_only:
            up = self.parsed["absences"]
            frames.append(pd.DataFrame({c: up.get(c).to_numpy() for c in ("inspector_id", "start", "end")}))
        periods = absence_periods(frames)

        def problems(facility_id: str, inspector_id: str, day: dt.date) -> list[str] | None:
            if facility_id not in authority.index or inspector_id not in i_authority.index:
                return None
            if pd.isna(authority[facility_id]) or pd.isna(ftype[facility_id]) or pd.isna(i_authority[inspector_id]):
                return None  # a cell the upload refuses (reported at it): nothing to judge the lock by
            closed_on = date_of(closed.get(facility_id))
            if closed_on is not None and closed_on < day and not after_closing:
                closed_on = None  # the contract's not_after bound reports an uploaded lock after it
            inspector = InspectorTerms(
                authority=str(i_authority[inspector_id]),
                competences=parse_competences(i_competences.get(inspector_id)),
                absences=periods.get(inspector_id, ()),
            )
            where = (str(authority[facility_id]), str(ftype[facility_id]), closed_on)
            return lock_rule_problems(facility_id, *where, inspector_id, inspector, day)

        return problems

    def locks(self, table: _Parsed, today: dt.date) -> None:
        """``locked_visits.csv``: a lock from today on must be one a plan can keep (``data.lock_rules``: the tilbud
        open on the day, the inspector of its socialtilsyn, with the competence for its type, not absent), as
        ``tilsynsplan lock`` and the planner require; stored, such a lock made every later plan fail. A lock after
        ``closed_on`` is already refused by the contract's bound; this adds a lock *on* the closing day."""
        if not {"facility_id", "inspector_id", "date"} <= table.present:
            return
        fids, iids, days = table.get("facility_id"), table.get("inspector_id"), table.get("date")
        ahead = fids.notna() & iids.notna() & days.notna() & (days >= pd.Timestamp(today))
        if not ahead.any():
            return
        terms = self.lock_terms()
        found: dict[int, list[str]] = {}
        for pos in np.flatnonzero(ahead.to_numpy(dtype=bool)):
            rules = terms(str(fids.iat[pos]), str(iids.iat[pos]), days.iat[pos].date())
            if rules:
                found[int(pos)] = rules
        mask = np.zeros(table.n, dtype=bool)
        mask[list(found)] = True
        self.report.cells(
            table,
            mask,
            "inspector_id",
            table.text.get("inspector_id", iids),
            "lock_rule",
            lambda p: (
                f"{'; '.join(found[p])}. En plan kan ikke beholde et låst besøg, hvis tilbuddet er lukket den dag, "
                "eller tilsynskonsulenten hører til et andet socialtilsyn, mangler kompetence til tilbudstypen eller "
                "er fraværende; vælg en anden tilsynskonsulent eller dato, eller udelad låsen"
            ),
        )

    #: The broken stored locks whose problems the warning spells out (the rest are counted by ``some_ids_da``).
    MAX_LOCK_REASONS = 3

    def stored_locks(self, today: dt.date) -> None:
        """Stored locks from today on that this upload's tilbud, inspectors or absences break (a plan could keep them
        before): one warning. They are kept (the upload may be right, and the lock then has to move), and the next
        plan names them; ``tilsynsplan unlock`` or a new ``tilsynsplan lock`` moves them."""
        if not self.stored.has_rows("locked_visits") or not {"facilities", "inspectors", "absences"} & set(self.parsed):
            return
        frame = self.untouched("locked_visits")
        if frame.empty:
            return
        after = self.lock_terms(after_closing=True)
        before = self.lock_terms(stored_only=True, after_closing=True)
        broken: list[str] = []
        why: list[str] = []  # each lock's problems, as a plan would name them
        for fid, iid, value in zip(frame["facility_id"], frame["inspector_id"], frame["date"], strict=True):
            day = date_of(value)
            if day is None or day < today:
                continue
            if (problems := after(str(fid), str(iid), day)) and not before(str(fid), str(iid), day):
                broken.append(f"{fid} {day.isoformat()}")
                why.append(", ".join(problems))
        if not broken:
            return
        one = len(broken) == 1
        shown = self.MAX_LOCK_REASONS
        reasons = why[0] if one else "; ".join(f"{b}: {w}" for b, w in zip(broken[:shown], why, strict=False))
        reasons += " …" if len(broken) > shown else ""
        self.report.warnings.append(
            Violation(
                "locked_visits.csv",
                None,
                None,
                None,
                "lock_rule_stored",
                f"{format_number_da(len(broken), 0)} {'gemt låst besøg' if one else 'gemte låste besøg'} "
                f"({some_ids_da(broken, 3)}) kan ikke holdes efter denne upload ({reasons}); "
                f"{'det' if one else 'de'} beholdes, men næste plan afvises, til {'det' if one else 'de'} flyttes "
                "(tilsynsplan lock) eller låses op (tilsynsplan unlock)",
            )
        )

    def untouched(self, name: str) -> pd.DataFrame:
        """Stored rows of ``name`` whose key the upload does not send (the upload's rows replace the others)."""
        if name not in self._untouched:
            stored = self.stored.table(name)
            if name in self.parsed and not stored.empty:
                spec = FILE_BY_NAME[name]
                keys, ok = _key_frame(self.parsed[name])
                if spec.row_id is None:
                    sent = pd.MultiIndex.from_frame(_key_strings(keys[ok], spec))
                    mine = pd.MultiIndex.from_frame(_key_strings(stored, spec))
                    stored = stored[~mine.isin(sent)]
                else:  # a row with an id is replaced by the row of that id, one without by its key
                    up_ids = self.parsed[name].get(spec.row_id)
                    sent = pd.MultiIndex.from_frame(_key_strings(keys[ok & up_ids.isna().to_numpy()], spec))
                    no_id = stored[spec.row_id].isna().to_numpy()
                    mine = pd.MultiIndex.from_frame(_key_strings(stored, spec))
                    replaced = (no_id & mine.isin(sent)) | stored[spec.row_id].isin(set(up_ids.dropna())).to_numpy()
                    stored = stored[~replaced]
            self._untouched[name] = stored
        return self._untouched[name]

    def visit_authority_warnings(self) -> None:
        """One warning for ``visits.csv`` when uploaded visits name only tilsynskonsulenter of another socialtilsyn than
        their tilbud's: most likely a tilbud id another socialtilsyn also uses (the visit then lands on its tilbud),
        else inspectors listed under the socialtilsyn they work for now. Stored as given: neither is certain."""
        if "visits" not in self.parsed or "inspector_ids" not in self.parsed["visits"].present:
            return
        table = self.parsed["visits"]
        facility_authority = self.lookup("facilities", "authority")
        inspector_authority = self.lookup("inspectors", "authority")
        found: list[tuple[int, str, str, str]] = []
        for pos, (facility_id, ids) in enumerate(
            zip(table.get("facility_id"), table.get("inspector_ids"), strict=True)
        ):
            if not isinstance(facility_id, str) or not isinstance(ids, str):
                continue
            own = facility_authority.get(facility_id)
            theirs = {inspector_authority.get(i) for i in ids.split(";")}
            if not isinstance(own, str) or not all(isinstance(a, str) for a in theirs) or own in theirs:
                continue
            others = " og ".join(sorted(danish_code(Authority, str(a)) for a in theirs))
            found.append((int(table.raw.rows[pos]), facility_id, danish_code(Authority, own), f"{ids} til {others}"))
        if not found:
            return
        row, facility_id, own, inspectors = found[0]
        self.report.warnings.append(
            Violation(
                table.raw.source,
                row,
                "inspector_ids",
                None,
                "visit_other_authority",
                f"{format_number_da(len(found), 0)} besøg har kun tilsynskonsulenter fra et andet socialtilsyn end "
                f"tilbuddets (række {some_ids_da([_rows_da([r[0]]) for r in found])}; i række {_rows_da([row])} hører "
                f"{facility_id} til {own}, {inspectors}): bruger et andet "
                "socialtilsyn samme tilbuds-id, så besøget er havnet hos det forkerte tilbud? Ellers står "
                "konsulenterne i inspectors.csv under det socialtilsyn, de arbejder i nu. Besøgene gemmes, som de står",
            )
        )

    def other_identities(self) -> None:
        """A stored tilbud or tilsynskonsulent that the upload gives both another socialtilsyn and another name is
        refused at its ``authority`` cell: another one under the same id, as when two socialtilsyn sharing the database
        number their inspectors alike (initials, I1, I2, …). Stored, it took over the other's row: Nord's inspector
        became Midt's, with Nord's visits, and Nord's plan lost an inspector without a word. A new name alone (a
        marriage, a new owner) or a move to another socialtilsyn alone is stored as an update."""
        for target, another, same in (
            ("facilities", "et andet tilbud", "det samme tilbud"),
            ("inspectors", "en anden tilsynskonsulent", "den samme tilsynskonsulent"),
        ):
            if target not in self.parsed or not self.stored.has_rows(target):
                continue
            key = FILE_BY_NAME[target].key[0]
            authority, name = self.uploaded(target, "authority"), self.uploaded(target, "name")
            old_authority = self.lookup(target, "authority", stored_only=True)
            old_name = self.lookup(target, "name", stored_only=True)
            both = authority.index.intersection(old_authority.index).intersection(name.index)
            for ident in both:
                new_a, old_a, new_n, old_n = authority[ident], old_authority[ident], name[ident], old_name.get(ident)
                if any(not isinstance(v, str) for v in (new_a, old_a, new_n, old_n)):
                    continue
                if new_a == old_a or " ".join(new_n.split()).casefold() == " ".join(old_n.split()).casefold():
                    continue
                row, cell = self.upload_cell(target, str(ident), "authority")
                self.report.add(
                    Violation(
                        FILE_BY_NAME[target].filename if row is None else self.parsed[target].raw.source,
                        row,
                        "authority",
                        cell,
                        "other_identity",
                        f"{key} '{_display(ident)}' er gemt for '{_display(old_n)}' i {danish_code(Authority, old_a)}; "
                        f"her står '{_display(new_n)}' i {danish_code(Authority, new_a)}: er det {another} med "
                        f"samme id? Socialtilsynene deler databasen, så et id skal være entydigt på tværs af dem; giv "
                        f"den ene et andet id (fx {new_a.upper()}-{ident}). Er det {same}, der har skiftet "
                        "både navn og socialtilsyn, så send navnet først og socialtilsynet i en upload bagefter",
                    )
                )

    def upload_cell(self, target: str, key: str, column: str) -> tuple[int | None, str | None]:
        """The spreadsheet row of ``key`` in the uploaded file ``target`` (its first row) and its cell in
        ``column`` as the file writes it."""
        table = self.parsed[target]
        hits = np.flatnonzero((table.get(FILE_BY_NAME[target].key[0]).astype(str) == key).to_numpy())
        if not len(hits):
            return None, None
        text = table.text.get(column)
        return int(table.raw.rows[hits[0]]), None if text is None else _display(text.iat[hits[0]])

    def row_ids(self, table: _Parsed) -> None:
        """An id (``concerns.concern_id``) stored for another tilbud is refused: an id names one report of one tilbud
        (the case system's id, not one per tilbud). Moving a report silently would hide a mistake in either send;
        the message says how to move it on purpose: withdraw it from the first tilbud, then send it again."""
        name = table.spec.row_id
        if name is None or name not in table.present or not self.stored.has_rows(table.spec.name):
            return
        ids, fids = table.get(name), table.get("facility_id")
        given = (ids.notna() & fids.notna()).to_numpy()
        if not given.any():
            return
        stored = self.stored.table(table.spec.name)
        stored = stored[stored[name].notna()]
        owners = pd.Series(stored["facility_id"].astype(str).to_numpy(), index=stored[name].astype(str).to_numpy())
        owners = owners[~owners.index.duplicated(keep="first")]
        owner = ids.astype(str).map(owners)
        bad = given & owner.notna().to_numpy() & (owner.astype(str) != fids.astype(str)).to_numpy()

        def message(p: int) -> str:
            cid, other, mine = ids.iat[p], owner.iat[p], fids.iat[p]
            return (
                f"{name} '{cid}' er gemt for tilbud {other} ({_STORED_NOTE}), ikke for {mine}: et {name} er én "
                f"henvendelse om ét tilbud; hører den til {mine}, så træk den først tilbage hos {other} "
                f"(tilsynsplan withdraw-concern {other} {cid}, eller DELETE /api/v1/concerns/{other}/{cid}) og send "
                "den igen"
            )

        self.report.cells(table, bad, name, table.text.get(name, ids), "row_id_other_facility", message)

    def _name_hint(self, target: str, values: list[str]) -> str:
        """The hint for a reference written as the name of a known tilbud or inspector ('Anne Holm' for I1, as a
        case system shows them and an export may keep): whose name each is, and to write the ids; "" when none is a
        name (only facilities and inspectors have names)."""
        if "name" not in FILE_BY_NAME[target].column_names:
            return ""
        if target not in self._names:
            by_name: dict[str, list[str]] = {}
            for key, name in self.lookup(target, "name").dropna().items():
                by_name.setdefault(_name_key(str(name)), []).append(str(key))
            self._names[target] = {name: sorted(ids) for name, ids in by_name.items()}
        named = [(v, self._names[target][_name_key(v)]) for v in values if _name_key(v) in self._names[target]]
        if not named:
            return ""
        whose = ", ".join(
            (f"'{v}' er navnet på " if i == 0 else f"'{v}' på ") + " og ".join(ids) for i, (v, ids) in enumerate(named)
        )
        what = ("id'et, som det står", "navnet") if len(named) == 1 else ("id'erne, som de står", "navnene")
        return f"; {whose}: skriv {what[0]} i {target}, ikke {what[1]}"

    def references(self, table: _Parsed) -> None:
        for col in table.spec.columns:
            if col.references is not None and col.name in table.present:
                self._references_column(table, col, col.references)

    def _references_column(self, table: _Parsed, col: Column, reference: str) -> None:
        target, target_column = reference.split(".")
        if target in self.unreadable:
            return  # already reported; every row would fail otherwise
        if FILE_BY_NAME[target].required and target not in self.parsed and not self.stored.has_rows(target):
            return  # the required file is missing (file_missing, or a file under another name): said once there
        if target in self.parsed and target_column not in self.parsed[target].present:
            return  # the target's column is missing (or its header is not in row 1): reported there already
        values = table.values[col.name]
        if self._refused_as_empty(target):
            given = values.map(lambda s: isinstance(s, str) and bool(s)) if col.kind == Kind.ID_LIST else values.notna()
            if rows := int(given.to_numpy(dtype=bool).sum()):
                referring = self._into_empty.setdefault(target, {})
                referring[table.raw.source] = referring.get(table.raw.source, 0) + rows
            return
        known = self.known(reference)
        where = f"{target} (hverken i denne upload eller i databasen)"
        if col.kind == Kind.ID_LIST:
            missing = values.map(
                lambda s: [] if not isinstance(s, str) else [i for i in s.split(";") if i not in known]
            )
            bad = missing.map(bool).to_numpy(dtype=bool)

            def separator_hint(ids: list[str]) -> str:
                """The hint for "I1,I2", "I1 I2", "I1/I2", "I1 | I2", "I1 & I2" or "I1 og I2" where each part is a
                known id: the wrong separator; for an inspector a visit names who no longer works there, how to keep
                the history."""
                parts = [p for i in ids for p in re.split(r"\s+(?:og|and)\s+|[,\s/|+&]+", i.strip()) if p]
                if len(parts) > len(ids) and all(p in known for p in parts):
                    return f"; adskil flere id'er med semikolon: {';'.join(parts)}"
                spaced = next((i for i in ids if re.search(SPECIAL_SPACE_RE, i)), None)
                if spaced is not None:  # "I\u00a01": a no-break space copied with the id
                    twin = "".join(spaced.split())
                    if twin in known:
                        return _space_hint(spaced, twin)
                    return f"; '{spaced}' {special_space_hint(spaced)}"
                if named := self._name_hint(target, ids):
                    return named
                if target == "inspectors":
                    return (
                        "; er det en tidligere tilsynskonsulent, så tilføj en række i inspectors.csv med "
                        "visits_per_week 0: besøgene bevares, og der planlægges ingen nye besøg til vedkommende"
                    )
                return ""

            self.report.cells(
                table,
                bad,
                col.name,
                values,
                "reference",
                lambda p: (
                    f"{col.name}: {', '.join(repr(i) for i in missing.iat[p])} findes ikke i {where}"
                    + separator_hint(missing.iat[p])
                ),
            )
        else:
            bad = (values.notna() & ~values.isin(known)).to_numpy()
            by_case: dict[str, str] | None = None
            by_number: dict[str, str] | None = None
            by_look: dict[str, str] = {}
            by_spaceless: dict[str, str] = {}

            def case_hint(value: object) -> str:
                """ "; den findes som 'F1'" for "f1" when an id differs from a known one only in upper/lower case, or
                for "42" or "42.0" when it is the number of a known id written another way ("0042", "42")."""
                nonlocal by_case, by_number
                if by_case is None or by_number is None:
                    by_case, by_number = {}, {}
                    for k in sorted(str(i) for i in known):
                        by_case.setdefault(k.casefold(), k)
                        if (number := _id_number(k)) is not None:
                            by_number.setdefault(number, k)
                        by_look.setdefault(_look_alike_key(k), k)
                        by_spaceless.setdefault(_spaceless_key(k), k)
                twin = by_case.get(str(value).casefold())
                if twin:
                    return f"; den findes som '{twin}' (id'er skelner mellem store og små bogstaver)"
                number = _id_number(str(value))
                twin = None if number is None else by_number.get(number)
                if twin:
                    return (
                        f"; den findes som '{twin}' (Excel fjerner foranstillede nuller fra et tal og kan skrive 42 "
                        "som 42.0: formatér id-kolonnen som tekst)"
                    )
                twin = by_look.get(_look_alike_key(str(value)))
                if twin:
                    return (
                        f"; et id, der ser ens ud, findes: '{twin}' ({_look_alike_hint(str(value), twin)}); skriv "
                        f"id'et, som det står i {target}"
                    )
                twin = by_spaceless.get(_spaceless_key(str(value)))
                if twin and any(c.isspace() for c in str(value)) and not any(c.isspace() for c in twin):
                    return _space_hint(str(value), twin)
                if re.search(SPECIAL_SPACE_RE, str(value)):  # no id it looks like: the file's own id was refused too
                    return f"; id'et {special_space_hint(str(value))}"
                return self._name_hint(target, [str(value)])

            self.report.cells(
                table,
                bad,
                col.name,
                values,
                "reference",
                lambda p: f"{col.name} '{_display(values.iat[p])}' findes ikke i {where}" + case_hint(values.iat[p]),
            )

    def _refused_as_empty(self, target: str) -> bool:
        """Whether ``target`` is a required file uploaded without records while nothing of it is stored: every
        reference into it would fail. With its header only it is refused as ``file_no_rows``; when its rows were all
        no records (a totals row, a note), each of them is refused, and the references are left until it has rows."""
        spec = FILE_BY_NAME[target]
        return (
            spec.required
            and not spec.header_only_allowed
            and target in self.parsed
            and self.parsed[target].n == 0
            and not self.stored.has_rows(target)
        )

    def empty_file_references(self) -> None:
        """The ``file_no_rows`` violation of a required file uploaded empty names the files that refer to it, which
        are not also reported row by row (a header-only ``facilities.csv`` beside the visits was one "findes ikke"
        per visit, magtanvendelse and concern)."""
        for target, referring in self._into_empty.items():
            source = self.parsed[target].raw.source
            rows = sum(referring.values())
            files = list(referring)
            named = files[0] if len(files) == 1 else f"{', '.join(files[:-1])} og {files[-1]}"
            message = (
                f"filen har ingen rækker under overskriften, men {format_count_da(rows, 'række', 'rækker')} i {named} "
                f"henviser til {_TARGET_WHAT_DA.get(target, 'rækker')} i den; indlæs {source} med "
                f"{_TARGET_THEM_DA.get(target, 'dem')}"
            )
            for i, violation in enumerate(self.report.violations):
                if violation.rule == "file_no_rows" and violation.file == source:
                    self.report.violations[i] = dataclasses.replace(violation, message=message)

    def referenced_bounds(self, table: _Parsed) -> None:
        """``not_before`` / ``not_after`` = "facilities.approved_on" / "facilities.closed_on": a date compared with
        the value in the row it references (violations); ``warn_before`` / ``warn_after``: the same comparisons as a
        warning."""
        for col in table.spec.columns:
            if col.name not in table.present:
                continue
            for rule, bound in (("not_before", col.not_before), ("not_after", col.not_after)):
                if bound is not None and "." in bound:
                    self._bound_column(table, col, rule, bound)
            for rule, bound in (("not_before", col.warn_before), ("not_after", col.warn_after)):
                if bound is not None:
                    self._bound_warning(table, col, bound, rule)

    def _referenced_bound(
        self, rows: _Columns, col: Column, bound: str, *, stored_only: bool = False
    ) -> tuple[pd.Series, pd.Series] | None:
        """The referencing ids and, per row, the referenced row's value of ``bound`` ("facilities.approved_on"; for
        a month column the first day of that value's month); None when the file does not reference ``bound``'s file.
        ``stored_only``: the referenced row as stored before this upload."""
        target, other = bound.split(".")
        via = _via(rows.spec, target)
        if via is None or via.name not in rows.present:
            return None
        ids = rows.values[via.name]
        keys = ids.where(ids.notna(), "").astype(str).to_numpy()
        source = self.lookup(target, other, stored_only=stored_only)
        limit = pd.Series(pd.to_datetime(source.reindex(keys).to_numpy(), errors="coerce"))
        if col.kind == Kind.MONTH:
            limit = limit.dt.to_period("M").dt.to_timestamp()
        return ids, limit

    def _stored_note(self, target: str, key: object) -> str:
        """A note that the referenced row ``key`` of ``target`` is stored, not uploaded ("" when it is uploaded)."""
        return "" if str(key) in self.uploaded(target, FILE_BY_NAME[target].key[0]).index else f" ({_STORED_NOTE})"

    def _bound_column(self, table: _Parsed, col: Column, rule: str, bound: str) -> None:
        found = self._referenced_bound(table, col, bound)
        if found is None:
            return
        ids, limit = found
        target, other = bound.split(".")
        values = table.values[col.name]
        side = "før" if rule == "not_before" else "efter"
        self.report.cells(
            table,
            _outside(values, limit, rule),
            col.name,
            values.map(_key_value),
            rule,
            lambda p: (
                f"{col.name} ({_fmt_date(values.iat[p])}) ligger {side} {other} ({_fmt_date(limit.iat[p])}) "
                f"for {ids.iat[p]} i {target}{self._stored_note(target, ids.iat[p])}"
            ),
        )

    def _bound_warning(self, table: _Parsed, col: Column, bound: str, rule: str) -> None:
        """One warning for the file: how many rows lie before (``not_before``) or after (``not_after``) the referenced
        value, and a few of their row numbers."""
        found = self._referenced_bound(table, col, bound)
        if found is None:
            return
        _, limit = found
        values = table.values[col.name]
        rows = table.raw.rows[_outside(values, limit, rule)]
        if len(rows) == 0:
            return
        target, other = bound.split(".")
        one = len(rows) == 1
        what = _bound_what_da(col, other, rule)
        self.report.warnings.append(
            Violation(
                table.raw.source,
                None,
                col.name,
                None,
                _BOUND_WARNING_RULE[rule],
                f"{format_number_da(len(rows), 0)} {'række har' if one else 'rækker har'} {what} i {target} "
                f"(række {some_ids_da([_rows_da([r]) for r in rows])}); {_bound_why_da(rule, one, stored=False)}",
            )
        )

    # --- stored rows against the upload --------------------------------------------------------------

    def stored_rows(self) -> None:
        """The stored rows the upload leaves as they are, against the uploaded rows they refer to: the same rules as
        for the upload's own rows (:meth:`referenced_bounds`, :meth:`indicators`), reported at the uploaded row that
        breaks them (a tilbud's new ``approved_on`` after a visit stored earlier) with the stored row named. Only
        what the upload breaks: a stored row that already broke a rule before (stored when the rule did not exist)
        is not reported on every import. References need no check here: an import never deletes a row."""
        for spec in FILES:
            for col in spec.columns:
                for rule, bound in (("not_before", col.not_before), ("not_after", col.not_after)):
                    # a stored lock after a new closing day is a warning (stored_locks): the lock has to go
                    lock_after_closing = spec.name == "locked_visits" and rule == "not_after"
                    if bound is not None and "." in bound and not lock_after_closing:
                        self._stored_bound(spec, col, rule, bound)
                for rule, bound in (("not_before", col.warn_before), ("not_after", col.warn_after)):
                    if bound is not None:
                        self._stored_bound_warning(spec, col, bound, rule)
                if col.check == "indicator":
                    self._stored_indicators(spec, col.name)

    def _affected(
        self, spec: FileSpec, col: Column, bound: str
    ) -> tuple[_StoredRows, pd.Series, pd.Series, pd.Series] | None:
        """Stored rows of ``spec`` the upload leaves as they are but whose referenced row changes its value of
        ``bound``; with the referencing ids and, per row, the value after and before the upload. None when there are
        none (nothing stored is read unless the upload changes such a value)."""
        target, other = bound.split(".")
        via = _via(spec, target)
        if via is None or not self.stored.has_rows(spec.name):
            return None
        changed = self.changed(target, (other,))
        if not changed:
            return None
        frame = self.untouched(spec.name)
        frame = frame[frame[via.name].astype(str).isin(changed)].reset_index(drop=True)
        if frame.empty:
            return None
        rows = _StoredRows(spec, frame)
        after = self._referenced_bound(rows, col, bound)
        before = self._referenced_bound(rows, col, bound, stored_only=True)
        assert after is not None and before is not None
        return rows, after[0], after[1], before[1]

    def _stored_bound(self, spec: FileSpec, col: Column, rule: str, bound: str) -> None:
        found = self._affected(spec, col, bound)
        if found is None:
            return
        rows, ids, after, before = found
        values = rows.frame[col.name]
        bad = _outside(values, after, rule) & ~_outside(values, before, rule)
        target, other = bound.split(".")
        side, allowed = ("efter", "før") if rule == "not_before" else ("før", "efter")
        for p in np.flatnonzero(bad):
            key = str(ids.iat[p])
            row, value = self.upload_cell(target, key, other)
            self.report.add(
                Violation(
                    self.parsed[target].raw.source,
                    row,
                    other,
                    value,
                    f"{rule}_stored",
                    f"{other} ({_fmt_date(after.iat[p])}) ligger {side} {col.name} ({_fmt_date(values.iat[p])}) i den "
                    f"gemte række {rows.key_text(p)} i {spec.filename} ({_STORED_NOTE}): {col.name} må ikke ligge "
                    f"{allowed} {other} for {key}; ret {other}, eller send rækken igen i {spec.filename} med en "
                    f"rettet {col.name}",
                )
            )

    def _stored_bound_warning(self, spec: FileSpec, col: Column, bound: str, rule: str) -> None:
        """One warning for the file: how many stored rows now lie before (after) the uploaded value, and which."""
        found = self._affected(spec, col, bound)
        if found is None:
            return
        rows, ids, after, before = found
        values = rows.frame[col.name]
        bad = np.flatnonzero(_outside(values, after, rule) & ~_outside(values, before, rule))
        if len(bad) == 0:
            return
        target, other = bound.split(".")
        cells = (self.upload_cell(target, str(ids.iat[p]), other)[0] for p in bad)
        uploaded_rows = sorted({r for r in cells if r is not None})
        one = len(bad) == 1
        self.report.warnings.append(
            Violation(
                self.parsed[target].raw.source,
                uploaded_rows[0] if len(uploaded_rows) == 1 else None,
                other,
                None,
                f"{_BOUND_WARNING_RULE[rule]}_stored",
                f"{format_number_da(len(bad), 0)} {'gemt række' if one else 'gemte rækker'} i {spec.filename} "
                f"({_STORED_NOTE}: {some_ids_da([rows.key_text(p) for p in bad], 3)}) får "
                f"{_bound_what_da(col, other, rule)}, som denne upload sætter (række "
                f"{some_ids_da([_rows_da([r]) for r in uploaded_rows])}); "
                f"{_bound_why_da(rule, one, stored=True, other=other)}",
            )
        )

    def _stored_indicators(self, spec: FileSpec, name: str) -> None:
        """Stored indicator scores of a visit the upload moves to another tilbud, or of a tilbud whose type (board,
        respite, ownership) the upload changes, that no longer apply."""
        if not self.stored.has_rows(spec.name):
            return
        moved = self.changed("visits", ("facility_id",))
        retyped = self.changed("facilities", _TRAIT_COLUMNS)
        if not moved and not retyped:
            return
        facility_of = self.lookup("visits", "facility_id")
        visits = set(moved) | set(facility_of.index[facility_of.astype(str).isin(retyped)])
        frame = self.untouched(spec.name)
        frame = frame[frame["visit_id"].astype(str).isin(visits)].reset_index(drop=True)
        if frame.empty:
            return
        rows = _StoredRows(spec, frame)
        visit_ids, codes = frame["visit_id"], frame[name]
        after, facility, traits = self._not_applicable(visit_ids, codes)
        before, _, _ = self._not_applicable(visit_ids, codes, stored_only=True)
        for p in np.flatnonzero(after & ~before):
            visit_id, facility_id = str(visit_ids.iat[p]), str(facility.iat[p])
            if visit_id in moved:
                target, key, column, why = "visits", visit_id, "facility_id", f"besøget {visit_id} flyttes til"
            else:
                target, key, column = "facilities", facility_id, retyped[facility_id]
                why = f"denne upload ændrer {column} for"
            row, value = self.upload_cell(target, key, column)
            self.report.add(
                Violation(
                    self.parsed[target].raw.source,
                    row,
                    column,
                    value,
                    "indicator_not_applicable_stored",
                    f"den gemte række {rows.key_text(p)} i {spec.filename} ({_STORED_NOTE}) gælder ikke længere, når "
                    f"{why} {facility_id}: "
                    + _not_applicable_message(str(codes.iat[p]), facility_id, str(traits.iat[p])),
                )
            )

    # --- the quality model -------------------------------------------------------------------------

    def _traits_by_facility(self, *, stored_only: bool = False) -> pd.Series:
        """Facility id -> a traits key ``type|board|respite|ownership`` (None when the type is invalid)."""
        ftype = self.lookup("facilities", "facility_type", stored_only=stored_only)
        board = self.lookup("facilities", "has_board", stored_only=stored_only).reindex(ftype.index)
        respite = self.lookup("facilities", "respite_only", stored_only=stored_only).reindex(ftype.index)
        owner = self.lookup("facilities", "ownership", stored_only=stored_only).reindex(ftype.index)
        keys = [
            None if not isinstance(t, str) else f"{t}|{_truthy(b)}|{_truthy(r)}|{o if isinstance(o, str) else ''}"
            for t, b, r, o in zip(ftype, board, respite, owner, strict=True)
        ]
        return pd.Series(keys, index=ftype.index, dtype=object)

    def _not_applicable(
        self, visit_ids: pd.Series, codes: pd.Series, *, stored_only: bool = False
    ) -> tuple[np.ndarray, pd.Series, pd.Series]:
        """Where an indicator does not apply to the visited tilbud; with each row's tilbud and its traits key."""
        facility, traits = self._visited(visit_ids, stored_only=stored_only)
        pair = traits.astype(object) + "#" + codes.astype(object)
        checkable = pair.notna()
        if not checkable.any():
            return np.zeros(len(codes), dtype=bool), facility, traits
        verdict = {p: _applies(p) for p in pd.unique(pair[checkable])}
        bad = (checkable & ~pair.map(verdict).fillna(True).astype(bool)).to_numpy()
        return np.asarray(bad, dtype=bool), facility, traits

    def _visited(self, visit_ids: pd.Series, *, stored_only: bool = False) -> tuple[pd.Series, pd.Series]:
        """Each row's visited tilbud and its traits key (``_traits_by_facility``), None where not known."""
        facility = visit_ids.map(self.lookup("visits", "facility_id", stored_only=stored_only))
        return facility, facility.map(self._traits_by_facility(stored_only=stored_only))

    def indicators(self, table: _Parsed) -> None:
        for col in table.spec.columns:
            if col.check == "indicator" and col.name in table.present:
                self._indicator_column(table, col.name)

    def _indicator_column(self, table: _Parsed, name: str) -> None:
        codes = table.values[name].map(lambda s: s.lower() if isinstance(s, str) else s)
        unknown = (codes.notna() & ~codes.isin(ALL_INDICATOR_CODES)).to_numpy()
        self.report.cells(
            table,
            unknown,
            name,
            codes,
            "indicator_unknown",
            lambda p: (
                f"{name} '{_display(codes.iat[p])}' findes ikke i kvalitetsmodellen; "
                + _indicator_hint(str(codes.iat[p]))
                + "tilladte værdier: "
                + ", ".join(ALL_INDICATOR_CODES)
            ),
        )
        codes = codes.where(~unknown, None)
        table.values[name] = codes
        if "visit_id" not in table.present:
            return
        visit_ids = table.values["visit_id"]
        bad, facility, traits = self._not_applicable(visit_ids, codes)

        def message(p: int) -> str:
            text = _not_applicable_message(codes.iat[p], str(facility.iat[p]), str(traits.iat[p]))
            refs = (("besøget", "visits", visit_ids.iat[p]), ("tilbuddet", "facilities", facility.iat[p]))
            stored = [what for what, target, key in refs if self._stored_note(target, key)]
            return text if not stored else f"{text} ({' og '.join(stored)} er {_STORED_NOTE})"

        # an indicator for tilbud with a board (8.c) refused only because facilities.csv has no has_board column (every
        # tilbud then counts as without a board): reported once, with the cause and how to fix it
        unboarded = self._board_by_default(facility) & np.asarray(
            [
                isinstance(t, str)
                and isinstance(c, str)
                and indicator_applies(c, dataclasses.replace(_traits(t), has_board=True))
                for t, c in zip(traits, codes, strict=True)
            ],
            dtype=bool,
        )
        self.report.cells(table, bad & ~unboarded, name, codes, "indicator_not_applicable", message)
        for code in sorted({str(c) for c in codes[bad & unboarded]}):
            rows = [str(r) for r in table.raw.rows[bad & unboarded & (codes == code).to_numpy(dtype=bool)]]
            one = len(rows) == 1
            self.report.add(
                Violation(
                    table.raw.source,
                    int(rows[0]),
                    name,
                    code,
                    "indicator_needs_has_board",
                    f"facilities.csv har ingen kolonne has_board, så alle tilbud regnes som uden bestyrelse, og "
                    f"indikator {code} gælder kun for private tilbud med en bestyrelse: "
                    f"{format_number_da(len(rows), 0)} {'række afvises' if one else 'rækker afvises'} "
                    f"(række {some_ids_da([_rows_da([int(r)]) for r in rows])}); tilføj kolonnen "
                    f"has_board i facilities.csv (true for et tilbud med en bestyrelse, ellers false), eller fjern "
                    f"{'rækken' if one else 'rækkerne'} med {code}",
                )
            )

    def _board_by_default(self, facility: pd.Series) -> np.ndarray:
        """Where the tilbud is uploaded in a facilities.csv without a has_board column and not stored: its has_board
        is the default (false), not a value anyone gave."""
        up = self.parsed.get("facilities")
        if up is None or "has_board" in up.present:
            return np.zeros(len(facility), dtype=bool)
        defaulted = set(self.uploaded("facilities", "has_board").index)  # a stored tilbud keeps its stored value
        return facility.map(lambda f: isinstance(f, str) and f in defaulted).to_numpy(dtype=bool)

    def force_count_warnings(self) -> None:
        """A month's count of magtanvendelser above :data:`MAX_FORCE_PER_PLACE_MONTH` per place of its tilbud (the
        upload's ``places``, else the stored): a warning naming the row, with what the type's other rows of the upload
        report (their median per place, when there are ten). At most :data:`MAX_FORCE_WARNINGS`; the last says how
        many more. The model would rank such a tilbud as if it were the busiest of its kind, not by its count (trees
        do not extrapolate), and the import said nothing."""
        table = self.parsed.get("use_of_force")
        if table is None or not {"facility_id", "count"} <= table.present or not table.n:
            return
        facility = table.get("facility_id").astype(object)
        places = pd.to_numeric(
            facility.map(self.lookup("facilities", "places")).where(facility.notna()), errors="coerce"
        )
        counts = pd.to_numeric(table.get("count"), errors="coerce")
        rate = (counts / places.where(places > 0)).to_numpy(dtype=float)
        flagged = np.flatnonzero(np.nan_to_num(rate, nan=0.0) > MAX_FORCE_PER_PLACE_MONTH)
        if not len(flagged):
            return
        ftype = facility.map(self.lookup("facilities", "facility_type")).astype(object)
        plausible = pd.Series(rate).where((counts > 0).to_numpy() & (rate <= MAX_FORCE_PER_PLACE_MONTH))
        typical = plausible.groupby(ftype.to_numpy()).agg(["median", "count"])
        out: list[Violation] = []
        for pos in flagged[:MAX_FORCE_WARNINGS].tolist():
            kind = ftype.iat[pos]
            compare = ""
            if isinstance(kind, str) and kind in typical.index and typical.at[kind, "count"] >= 10:
                compare = (
                    f"; tilbud af typen {danish(FacilityType(kind))} har i uploaden typisk "
                    f"{format_number_da(float(typical.at[kind, 'median']), 2)} pr. plads pr. måned"
                )
            count, seats = int(counts.iat[pos]), int(places.iat[pos])
            out.append(
                Violation(
                    table.raw.source,
                    int(table.raw.rows[pos]),
                    "count",
                    str(table.text.get("count", table.get("count")).iat[pos]),
                    "use_of_force_implausible",
                    f"{format_number_da(count, 0)} magtanvendelser på én måned i tilbuddet {facility.iat[pos]} med "
                    f"{format_number_da(seats, 0)} {'plads' if seats == 1 else 'pladser'} er "
                    f"{_above(float(rate[pos]), MAX_FORCE_PER_PLACE_MONTH)} pr. plads, mere end én pr. beboer hver "
                    f"dag (over {MAX_FORCE_PER_PLACE_MONTH} pr. plads pr. måned){compare}; det ligner et samlet "
                    "antal over flere måneder eller en anden kolonne end månedens antal. Rækken gemmes, som den står; "
                    "ret antallet, hvis det er en fejl",
                )
            )
        rest = len(flagged) - len(out)
        if rest > 0:
            out[-1] = dataclasses.replace(
                out[-1],
                message=f"{out[-1].message} (og {format_count_da(rest, 'række', 'rækker')} mere af samme slags)",
                more=rest,
            )
        self.report.warnings.extend(out)

    def theme_not_applicable_warnings(self) -> None:
        """A theme score of a theme the quality model never assesses for the visited tilbud's type (Organisation og
        ledelse for a kostskole): a warning per row, not a violation (the contract's ``theme`` is any of the seven,
        while an indicator must apply). It is stored as given and counts among the visit's theme values."""
        table = self.parsed.get("theme_scores")
        if table is None or not {"visit_id", "theme"} <= table.present:
            return
        themes = table.values["theme"]
        facility, traits = self._visited(table.values["visit_id"])
        verdict: dict[tuple[str, str], bool] = {}
        for pos in range(table.n):
            key, theme = traits.iat[pos], themes.iat[pos]
            if not isinstance(key, str) or not isinstance(theme, str):
                continue
            if (key, theme) not in verdict:
                verdict[(key, theme)] = theme_applies(Theme(theme), _traits(key))
            if verdict[(key, theme)]:
                continue
            info = THEME_INFO[Theme(theme)]
            self.report.warnings.append(
                Violation(
                    table.raw.source,
                    int(table.raw.rows[pos]),
                    "theme",
                    theme,
                    "theme_not_applicable",
                    f"temaet {info.name_da} gælder ikke for tilbuddet {facility.iat[pos]} "
                    f"({danish(_traits(key).facility_type)}) i kvalitetsmodellen: {info.source} Scoren gemmes som "
                    "givet og indgår i besøgets temaværdier; fjern rækken, hvis den er en fejl",
                )
            )

    def theme_score_warnings(self) -> None:
        """A given theme score that differs from the one computed from the same visit's indicators, in the result of
        the import: uploaded theme scores against the visit's indicators (uploaded and stored), and stored theme
        scores of a visit the upload sends indicators for."""
        indicators, themes = self.parsed.get("indicator_scores"), self.parsed.get("theme_scores")
        up_ind = self._score_frame(indicators, "indicator")
        up_given = self._score_frame(themes, "theme")
        # stored rows are read only when they are stored and the upload sends scores of the same visits
        stored_given = self._stored_scores("theme_scores", set(up_ind["visit_id"]))
        visits = set(up_given["visit_id"]) | set(stored_given["visit_id"])
        if not visits:
            return
        stored_ind = self._stored_scores("indicator_scores", visits)
        up_ind = up_ind[up_ind["visit_id"].isin(visits)]
        ind = pd.concat([up_ind.drop(columns="pos"), stored_ind], ignore_index=True)
        if ind.empty:
            return
        computed = _computed_theme_values(ind)
        if themes is not None:
            both = up_given.merge(computed, on=["visit_id", "theme"], how="inner")
            for r in both[(both["score"] - both["computed"]).abs() > THEME_SCORE_TOLERANCE].itertuples(index=False):
                self.report.warnings.append(
                    Violation(
                        themes.raw.source,
                        int(themes.raw.rows[int(r.pos)]),
                        "score",
                        _num(float(r.score)),
                        "theme_score_mismatch",
                        f"temascoren {_num(float(r.score))} for {danish(Theme(str(r.theme)))} afviger fra værdien "
                        f"beregnet ud fra besøgets indikatorer ({_num(round(float(r.computed), 2))}); den beregnede "
                        "værdi bruges",
                    )
                )
        if indicators is not None and not stored_given.empty:
            first_row = up_ind.drop_duplicates("visit_id").set_index("visit_id")["pos"]
            both = stored_given.merge(computed, on=["visit_id", "theme"], how="inner")
            for r in both[(both["score"] - both["computed"]).abs() > THEME_SCORE_TOLERANCE].itertuples(index=False):
                self.report.warnings.append(
                    Violation(
                        indicators.raw.source,
                        int(indicators.raw.rows[int(first_row[r.visit_id])]),
                        "visit_id",
                        str(r.visit_id),
                        "theme_score_mismatch_stored",
                        f"den gemte temascore {_num(float(r.score))} for {danish(Theme(str(r.theme)))} ved besøg "
                        f"{r.visit_id} i theme_scores.csv ({_STORED_NOTE}) afviger fra værdien beregnet ud fra "
                        f"besøgets indikatorer med denne upload ({_num(round(float(r.computed), 2))}); den beregnede "
                        "værdi bruges",
                    )
                )

    @staticmethod
    def _score_frame(table: _Parsed | None, what: str) -> pd.DataFrame:
        """``pos, visit_id, <what>, score`` of an uploaded score file's valid rows (empty without the file)."""
        columns = ["visit_id", what, "score"]
        if table is None or not set(columns) <= table.present:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in ["pos", *columns]})
        frame = pd.DataFrame({"pos": np.arange(table.n), **{c: table.values[c] for c in columns}})
        return frame.dropna()

    def _stored_scores(self, name: str, visits: set[str]) -> pd.DataFrame:
        """Stored rows of a score file for ``visits`` that the upload leaves as they are."""
        if not visits or not self.stored.has_rows(name):
            return empty_frame(name)
        frame = self.untouched(name)
        return frame[frame["visit_id"].astype(str).isin(visits)]
