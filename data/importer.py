"""The importer: an upload (folder of CSV files, ``.xlsx`` workbook or ``.zip``) checked against every rule
of the data contract and turned into a :class:`~data.dataset.Dataset`.

:func:`read_upload` reads the files (:mod:`data.readers`), checks every rule of ``DATA_CONTRACT.md`` as
expressed by the specs in :mod:`data.contract` and either returns an :class:`ImportResult` or raises
:class:`~data.errors.ValidationFailed` with *all* violations of the upload (the first
:data:`MAX_REPORTED` of them listed, and how many there were in all). Nothing here touches the database;
:func:`data.store.save_upload` stores a result.

Checks are vectorised with pandas (one pass per column and rule, never per cell over large files), so
a national upload of ~500,000 rows validates in seconds.

Import and upsert semantics (the decisions, also in the README):

- **Keys.** Every file has a key (``FileSpec.key``), which is also the table's primary key in storage.
  Files with an id use it (``facility_id``, ``visit_id``, ``inspector_id``). Files without one use
  their natural key: indicator scores ``(visit_id, indicator)``, theme scores ``(visit_id, theme)``,
  use of force ``(facility_id, month, kind)`` (an empty kind is the key ``""``), staff figures
  ``(facility_id, year)``, concerns ``(facility_id, date, severity)``, sanctions ``(facility_id, date,
  kind)``, absences ``(inspector_id, start, end)``, locked visits ``(facility_id, date)``. A key that
  occurs twice in one file is a violation (two rows the storage could not tell apart). A concern with the
  extension ``concern_id`` (the case system's id of the report) is identified by it instead: two reports on one
  day with one severity are two rows, a re-send with another date or severity updates the report, the same id
  twice in one file is a violation, and so is an id stored for another tilbud (``FileSpec.row_id``; storage:
  ``data.db.ConcernRow``).
- **Upsert.** A row whose key is not stored yet is inserted; a row whose key is stored is updated when
  any of its values differ and left alone when none do. Importing the same files twice therefore
  changes nothing; a newer export of the same facilities updates the changed rows.
- **Nothing is deleted.** Rows stored earlier but missing from a newer export stay. A re-import of a
  corrected file therefore fixes *values* (a wrong score, a wrong date of closure) but cannot remove
  a row whose *key* was wrong (a concern without ``concern_id`` entered on the wrong date stays under that
  date); such rows must be removed in the database. A concern sent with its ``concern_id`` can be withdrawn by
  it (:func:`data.store.withdraw_concern`).
- **Partial uploads.** References (``facility_id`` in visits, ``visit_id`` in scores, inspector ids)
  are resolved against the upload *plus* what is already stored (``existing``), so a month's new
  visits can be imported without re-sending every facility. A required file (facilities, visits) may
  therefore be left out when the database already holds rows of it.
- **Rules across files hold for the result.** The stored rows the upload leaves as they are are checked against
  the uploaded rows they refer to, with the same rules (see :func:`check_upload`): a newer export that moves a
  tilbud's ``approved_on`` after a visit stored earlier is refused at the uploaded row, naming the stored visit.
- **All or nothing.** One violation anywhere rejects the whole upload; storage happens in one
  transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from data.authorities import suggest_code
from data.calendar import holiday_name, is_working_day
from data.contract import CPR_PATTERN, FALSE_WORDS, FILE_BY_NAME, FILES, TRUE_WORDS, Column, FileSpec, Kind
from data.dataset import Dataset, absence_periods, date_of, empty_frame
from data.enums import Authority, FacilityType, Ownership, Theme
from data.errors import ValidationFailed, Violation, shown_value
from data.glossary import (
    control_character_da,
    danish,
    danish_code,
    format_count_da,
    format_number_da,
    some_ids_da,
)
from data.lock_rules import InspectorTerms, competent, lock_rule_problems, parse_competences
from data.quality_model import (
    ALL_INDICATOR_CODES,
    INDICATOR_BY_CODE,
    THEME_INFO,
    FacilityTraits,
    indicator_applies,
    theme_applies,
    theme_of_indicator,
)
from data.readers import (
    HEADER_SEARCH_ROWS,
    INVISIBLE,
    INVISIBLE_RE,
    RawTable,
    RawUpload,
    bare_title,
    column_letters,
    find_header_row,
    header_not_first,
    loose_name,
    read_upload_files,
)

log = logging.getLogger(__name__)

#: At most this many violations are listed; the rest are counted (``ValidationFailed.total``).
MAX_REPORTED = 1000
#: At most this many warnings of one kind (rule) are reported one by one; the rest are counted in one more.
MAX_WARNINGS_PER_RULE = 100
#: The unknown columns of a file a warning names; the others are counted.
MAX_NAMED_COLUMNS = 10
#: A given theme score that differs more than this from the value computed from indicators is a warning.
THEME_SCORE_TOLERANCE = 0.05

_CPR = re.compile(CPR_PATTERN)
_INVISIBLE = re.compile(INVISIBLE_RE)
_CPR_CANDIDATE = r"\d{6}[-\u2010-\u2015 ]?\d{4}"
_PLAIN_DECIMAL = r"-?\d+[.,]\d+"
_DATE_FORMAT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_MONTH_FORMAT = r"[0-9]{4}-[0-9]{2}(?:-01)?"  # "2026-06"; a workbook may turn it into the date 2026-06-01
_INT_FORMAT = r"[+-]?[0-9]+(?:[.,]0+)?"
# "1.000", "12,000", "1 000": a thousands separator (a space, also Excel's non-breaking one), or decimals?
_THOUSANDS_FORMAT = r"[+-]?[0-9]{1,3}(?:[., \u00a0\u202f][0-9]{3})+"
#: A number with a percent sign ("15,5 %", "15.5%"; Danish Excel puts a no-break space before the sign).
_PERCENT_SIGN_FORMAT = r"[+-]?[0-9]+(?:[.,][0-9]+)?\s*%"
#: Dates and months outside these years are refused (sentinels such as 9999-12-31 or Excel's 1899-12-30).
_YEARS = ("1900", "2199")
#: The largest decimal accepted: beyond it a number is no longer exact.
_MAX_INT = 2**53 - 1
#: The largest integer accepted: the contract's integers are stored in 32-bit INTEGER columns (``data.db``), and
#: PostgreSQL refuses a larger one when the rows are written, after the upload was found valid.
_MAX_DB_INT = 2**31 - 1
_BOOL_WORDS = "true/false, 1/0 eller ja/nej"
#: Words of a boolean column's own meaning that a case system writes in its place: "announced" is anmeldt/uanmeldt.
_BOOL_MEANINGS: dict[str, dict[str, bool]] = {"announced": {"anmeldt": True, "uanmeldt": False}}
_CLOSED_KINDS = (Kind.ENUM, Kind.DATE, Kind.MONTH, Kind.BOOL)
_MAX_VALUE_CHARS = 80
#: Control characters (C0, DEL, C1). The whitespace among them (tab, line breaks) is stripped around a value like
#: a space; inside one they are a violation: "T10\n005" would be stored as a new tilbud that looks like T10005, and
#: a tab, a BEL or an escape code from an old system would end up in reports and exports. Free text (a name, a
#: target group) may hold a line break, as a spreadsheet cell typed with Alt+Enter does; an id or a key may not.
_CONTROL_RE = "[\x00-\x1f\x7f-\x9f]"
_CONTROL_BUT_LINE_BREAKS_RE = "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: What exports write for "no value"; in an optional column the cell should be left empty instead.
_NOTHING_WORDS = frozenset({"na", "n/a", "n.a.", "#n/a", "-", "--", "null", "none", "nan", "nil", "?", "ukendt"})
_EXCEL_EPOCH = dt.date(1899, 12, 30)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileReport:
    """What was read from one file of the upload."""

    name: str  # contract name, "facilities"
    source: str  # the file as the user named it, "facilities.csv" / "[data.xlsx]facilities"
    rows: int
    delimiter: str | None  # "," or ";" (None for a workbook sheet)
    had_bom: bool
    decimal_comma: bool  # some decimal was written with a comma
    unknown_columns: tuple[str, ...] = ()  # kept aside: reported, not stored
    defaulted_columns: tuple[str, ...] = ()  # optional columns not in the file (their default is used)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "rows": self.rows,
            "delimiter": self.delimiter,
            "had_bom": self.had_bom,
            "decimal_comma": self.decimal_comma,
            "unknown_columns": list(self.unknown_columns),
            "defaulted_columns": list(self.defaulted_columns),
        }


@dataclass(frozen=True)
class ImportResult:
    """A valid upload: its rows (canonical dtypes), the warnings, and what was read from each file."""

    dataset: Dataset
    warnings: list[Violation]
    files: dict[str, FileReport]

    @property
    def tables(self) -> tuple[str, ...]:
        """The contract files present in the upload, in dependency order."""
        return tuple(spec.name for spec in FILES if spec.name in self.files)

    @property
    def total_rows(self) -> int:
        return sum(report.rows for report in self.files.values())


# --- helpers -------------------------------------------------------------------------------------


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-like number masked (``010203-1234`` -> ``010203-****``), also one with an invisible
    character inside (a zero-width space or a soft hyphen copied with it): such characters are then left out."""
    if _INVISIBLE.search(text) is not None and _CPR.search(visible := _INVISIBLE.sub("", text)) is not None:
        text = visible
    return _CPR.sub(lambda m: m.group(0)[:6] + "-****", text)


def _masked(violation: Violation) -> Violation:
    """``violation`` with CPR-like numbers masked in every text a message quotes (ids, column and file names)."""
    return dataclasses.replace(
        violation,
        file=mask_cpr(violation.file),
        column=None if violation.column is None else mask_cpr(violation.column),
        value=None if violation.value is None else mask_cpr(violation.value),  # a reader's preview of a cell too
        message=mask_cpr(violation.message),
    )


def _display(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = mask_cpr(str(value))
    if text == "":
        return None
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _num(value: float) -> str:
    """A bound in a message, the Danish way (``54,5``; integers without decimals)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


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


def _fmt_date(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


class _Report:
    """Collects violations (capped) and warnings."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []
        self.total = 0
        #: (file, row) of rows reported as a whole (a row with more fields than the header): their cells are shifted,
        #: so a violation per cell would only repeat the one for the row
        self.whole_rows: set[tuple[str, int]] = set()
        #: (file, row, column) of cells reported by the reader (a workbook formula without its value): the importer
        #: reads them as empty, so a violation of its own there ("må ikke være tom") would only repeat it wrongly
        self.unknown_cells: set[tuple[str, int, str]] = set()

    def add(self, violation: Violation) -> None:
        self.total += 1
        if len(self.violations) < MAX_REPORTED:
            self.violations.append(violation)

    def cells(
        self,
        table: _Parsed,
        mask: np.ndarray | pd.Series,
        column: str | None,
        values: pd.Series | None,
        rule: str,
        message: str | Callable[[int], str],
    ) -> None:
        """One violation per row where ``mask`` holds. ``message`` is a text or a function of the row position."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) and self.whole_rows and rule != "cpr":  # a CPR number is named wherever it stands
            own = {row for file, row in self.whole_rows if file == table.raw.source}
            if own:
                positions = positions[~np.isin(table.raw.rows[positions], list(own))]
        if len(positions) and self.unknown_cells and column is not None:
            unknown = {row for file, row, name in self.unknown_cells if file == table.raw.source and name == column}
            if unknown:
                positions = positions[~np.isin(table.raw.rows[positions], list(unknown))]
        if len(positions) == 0:
            return
        room = max(MAX_REPORTED - len(self.violations), 0)
        self.total += len(positions)
        for pos in positions[:room]:
            self.violations.append(
                Violation(
                    file=table.raw.source,
                    row=int(table.raw.rows[pos]),
                    column=column,
                    value=None if values is None else _display(values.iat[pos]),
                    rule=rule,
                    message=message if isinstance(message, str) else message(int(pos)),
                )
            )

    def final_violations(self, order: dict[str, int]) -> list[Violation]:
        """The listed violations in file order, then row order (``self.total`` says how many there were)."""
        return sorted(self.violations, key=lambda v: (order.get(v.file, len(order)), v.row or 0))


@dataclass
class _Parsed:
    """One file after parsing: typed values per contract column (null where empty or invalid)."""

    spec: FileSpec
    raw: RawTable
    values: dict[str, pd.Series] = field(default_factory=dict)
    text: dict[str, pd.Series] = field(default_factory=dict)  # the cells as written (stripped), to quote them
    present: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    decimal_comma: bool = False

    @property
    def n(self) -> int:
        return len(self.raw.frame)

    def get(self, column: str) -> pd.Series:
        """Typed values of ``column``; all null when the column is absent."""
        if column in self.values:
            return self.values[column]
        return pd.Series([None] * self.n, dtype=object)


# --- the entry point ------------------------------------------------------------------------------


class StoredData(Protocol):
    """What is already stored, as the importer reads it: whether a table holds rows, and its rows (read only when a
    rule needs them). :class:`data.store.StoredTables` reads a database; a :class:`Dataset` is wrapped in one."""

    def has_rows(self, table: str) -> bool: ...

    def table(self, table: str) -> pd.DataFrame: ...


@dataclass(frozen=True)
class _StoredDataset:
    """A :class:`Dataset` held in memory as :class:`StoredData` (tests, and an upload checked without a database)."""

    dataset: Dataset

    def has_rows(self, table: str) -> bool:
        return not self.dataset.tables()[table].empty

    def table(self, table: str) -> pd.DataFrame:
        return self.dataset.tables()[table]


#: The stored tables an upload's references point into; read for every upload to a database that holds rows.
REFERENCE_TABLES = ("facilities", "inspectors", "visits")


def read_upload(source: Path, *, today: dt.date, existing: Dataset | StoredData | None = None) -> ImportResult:
    """Read and check an upload. ``existing`` is what is already stored: references may point into it, and the rules
    that span files are checked on the stored rows as the upload would update them (see :func:`check_upload`).

    Raises :class:`ValidationFailed` with every violation (and the warnings) when any rule is broken.
    """
    raw = read_upload_files(source)
    return check_upload(raw, today=today, existing=existing)


def check_upload(raw: RawUpload, *, today: dt.date, existing: Dataset | StoredData | None = None) -> ImportResult:
    """Check raw tables against the contract (see :func:`read_upload`).

    The rules that span files (a visit not before its tilbud's ``approved_on`` nor after its ``closed_on``, an
    indicator that applies to the visited tilbud, records dated before the approval, a theme score against the
    visit's indicators) are checked on the result of the import, the stored rows updated and extended by the
    upload: an uploaded row against the stored rows it refers to, and the stored rows the upload leaves as they are
    against the uploaded rows they refer to (a tilbud's new ``approved_on`` after a visit stored earlier). Such a
    conflict is reported at the uploaded row and names the stored one. Besides the reference tables, a stored table
    is read only when the upload changes a value its rows depend on (a tilbud's dates or type, a visit's tilbud), or
    sends scores of visits while scores of the other kind (theme, indicator) are stored.
    """
    if existing is None:
        stored: StoredData = _StoredDataset(Dataset.empty())
    elif isinstance(existing, Dataset):
        stored = _StoredDataset(existing)
    else:
        stored = existing
    report = _Report()
    report.warnings.extend(raw.warnings)
    for violation in raw.violations:
        report.add(violation)
        if violation.rule == "row_too_long" and violation.row is not None:
            report.whole_rows.add((violation.file, violation.row))
        elif violation.rule == "formula_without_value" and violation.row is not None and violation.column is not None:
            report.unknown_cells.add((violation.file, violation.row, violation.column))

    for spec in FILES:
        if raw.refused_whole:
            break  # nothing could be read: "missing" would only repeat it
        if spec.required and spec.name not in raw.present and not stored.has_rows(spec.name):
            report.add(
                Violation(
                    file=spec.filename,
                    row=None,
                    column=None,
                    value=None,
                    rule="file_missing",
                    message=_missing_file_message(spec, raw.workbooks),
                )
            )

    parsed: dict[str, _Parsed] = {}
    for spec in FILES:
        if spec.name in raw.tables:
            parsed[spec.name] = _parse_table(spec, raw.tables[spec.name], report, today)

    checks = _CrossChecks(parsed, stored, report, unreadable=raw.present - set(raw.tables))
    if "indicator_scores" in parsed:
        checks.indicators(parsed["indicator_scores"])  # also normalises codes ("4.A" -> "4.a")
    if "inspectors" in parsed:
        _check_competences(parsed["inspectors"], report)
    for table in parsed.values():
        _check_unique_key(table, report)
        _check_not_before_same_row(table, report)
        checks.references(table)
        checks.row_ids(table)
        checks.referenced_bounds(table)
    if "locked_visits" in parsed:
        _check_lock_days(parsed["locked_visits"], report, today)
        checks.locks(parsed["locked_visits"], today)
    checks.stored_locks(today)
    checks.stored_rows()
    checks.theme_score_warnings()
    checks.theme_not_applicable_warnings()
    for table in parsed.values():
        _check_cpr(table.raw, table, report)
        _mojibake_warnings(table, report)
    for extra in raw.extra_tables:
        _check_extra_cpr(extra, report)
    if not raw.refused_whole:
        report.warnings.extend(absent_file_warnings(raw.present | set(parsed), stored))
    for name, table in parsed.items():
        if name in EMPTY_FILE_WARNINGS and table.raw.frame.empty and not stored.has_rows(name):
            report.warnings.append(
                Violation(table.raw.source, None, None, None, f"no_{name}", EMPTY_FILE_WARNINGS[name])
            )

    order = {name: i for i, name in enumerate(_source_order(raw))}
    report.warnings = [_masked(w) for w in report.warnings]
    if report.total:
        violations = [_masked(v) for v in report.final_violations(order)]
        raise ValidationFailed(violations, shown_warnings(report.warnings), total=report.total)

    frames = {name: _typed_frame(table) for name, table in parsed.items()}
    files = {
        name: FileReport(
            name=name,
            source=mask_cpr(table.raw.source),  # the name of a file or workbook is answered and stored too
            rows=table.n,
            delimiter=table.raw.delimiter,
            had_bom=table.raw.had_bom,
            decimal_comma=table.decimal_comma,
            unknown_columns=tuple(table.unknown),
            defaulted_columns=tuple(c.name for c in table.spec.columns if c.name not in table.present),
        )
        for name, table in parsed.items()
    }
    dataset = Dataset.from_frames(frames)
    if "visits" in frames or "facilities" in frames:
        short = short_export_warning(dataset, _reference_dataset(stored), today)
        if short is not None:
            report.warnings.append(short)
    if "inspectors" in frames or "facilities" in frames:
        report.warnings.extend(competence_gap_warnings(dataset, _reference_dataset(stored), today))
    for name in CASE_TWIN_TABLES:
        if name in parsed:
            report.warnings.extend(case_twin_warnings(parsed[name], stored))
    return ImportResult(dataset=dataset, warnings=shown_warnings(report.warnings), files=files)


def _missing_file_message(spec: FileSpec, workbooks: list[str]) -> str:
    """ "den obligatoriske fil visits.csv mangler (kolonner: …)", naming the sheet when the upload is a workbook."""
    columns = ", ".join(spec.column_names)
    if len(workbooks) == 1:
        return (
            f"det obligatoriske ark {spec.name} mangler i {workbooks[0]} (et ark ved navn {spec.name}, som filen "
            f"{spec.filename} uden .csv; kolonner: {columns})"
        )
    return f"den obligatoriske fil {spec.filename} mangler (kolonner: {columns})"


def shown_warnings(warnings: list[Violation]) -> list[Violation]:
    """The warnings an import reports: :func:`upload_level_first`, and of each kind (rule) at most
    :data:`MAX_WARNINGS_PER_RULE`, the rest counted in one warning of that kind at the end. A foreign export whose
    theme scores all differ from its indicators gave 50,678 warnings, a 13 MB API answer and a web page listing
    every one; like the violations (:data:`MAX_REPORTED`) the first ones say what is wrong."""
    ordered = upload_level_first(warnings)
    kept: list[Violation] = []
    left_out: dict[str, list[Violation]] = {}
    seen: dict[str, int] = {}
    for w in ordered:
        seen[w.rule] = seen.get(w.rule, 0) + 1
        if seen[w.rule] <= MAX_WARNINGS_PER_RULE:
            kept.append(w)
        else:
            left_out.setdefault(w.rule, []).append(w)
    for rule, rest in left_out.items():
        files = sorted({w.file for w in rest})
        kept.append(
            Violation(
                files[0] if len(files) == 1 else ", ".join(files),
                None,
                rest[0].column if len({w.column for w in rest}) == 1 else None,
                None,
                rule,
                f"og {format_count_da(len(rest), 'advarsel', 'advarsler')} mere af samme slags"
                + _rows_between(rest)
                + f"; kun de første {MAX_WARNINGS_PER_RULE} vises enkeltvis",
                more=len(rest) - 1,
            )
        )
    return kept


def _rows_between(warnings: list[Violation]) -> str:
    """ " i række 102-50.679" of warnings in one file (their rows), else ""."""
    rows = [w.row for w in warnings if w.row is not None]
    if not rows or len({w.file for w in warnings}) > 1:
        return ""
    low, high = min(rows), max(rows)
    return f" i række {low}" if low == high else f" i række {format_number_da(low, 0)}–{format_number_da(high, 0)}"


def upload_level_first(warnings: list[Violation]) -> list[Violation]:
    """The warnings about the upload as a whole (no row: a missing file, a short export, a tilsyn no inspector
    may plan) before those about single rows, each group in its order: they say what the upload cannot do, and
    thousands of row warnings (a theme score per row that differs from its indicators) must not bury them below
    the first screenful of a CLI, the API's list or the web page."""
    return sorted(warnings, key=lambda w: w.row is not None)


#: Optional files whose absence changes what Tilsynsplan can do: (the files, either of which will do; the warning's
#: rule; what follows). Without a signal file every tilbud would read as having none (no magtanvendelser, no
#: concerns): that looks like zero, not like "not known", so an upload is told.
ABSENT_FILE_WARNINGS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("inspectors",),
        "planning_file_missing",
        "inspectors.csv mangler; data kan indlæses, men der kan ikke lægges en besøgsplan uden tilsynsførende",
    ),
    (
        ("indicator_scores", "theme_scores"),
        "signal_file_missing",
        "indicator_scores.csv og theme_scores.csv mangler, og intet er gemt: besøgene har ingen temaværdier, så "
        "kvaliteten kan ikke indgå i risikoen, og rapporterne viser den ikke",
    ),
    (
        ("use_of_force",),
        "signal_file_missing",
        "use_of_force.csv mangler og intet er gemt: magtanvendelser kan ikke indgå i risikoen, og rapporterne viser "
        "dem ikke",
    ),
    (
        ("staff_figures",),
        "signal_file_missing",
        "staff_figures.csv mangler og intet er gemt: personalegennemstrømning og sygefravær kan ikke indgå i "
        "risikoen, og rapporterne viser dem ikke",
    ),
    (
        ("concerns",),
        "signal_file_missing",
        "concerns.csv mangler og intet er gemt: bekymringshenvendelser kan ikke indgå i risikoen, og rapporterne "
        "viser dem ikke",
    ),
    (
        ("sanctions",),
        "signal_file_missing",
        "sanctions.csv mangler og intet er gemt: påbud, skærpet tilsyn og ophør kan ikke indgå i risikoen, og "
        "risikomodellen lærer kun af besøgenes temaværdier",
    ),
)


#: Required files that may hold their header only (``FileSpec.header_only_allowed``), and what follows when they do
#: and nothing of them is stored.
EMPTY_FILE_WARNINGS: dict[str, str] = {
    "visits": (
        "visits.csv har ingen rækker under overskriften: intet besøg er kendt, så i planen regnes hver frist fra "
        "tilbuddets godkendelsesdato, som for et tilbud, der aldrig er besøgt (tilbud godkendt for mere end to år "
        "siden er da forfaldne); indlæs besøgene, hvis tilbuddene er besøgt"
    ),
}


def absent_file_warnings(uploaded: set[str], stored: StoredData) -> list[Violation]:
    """A warning for each of :data:`ABSENT_FILE_WARNINGS` that is neither in the upload (``uploaded``: the
    contract names of its files, an empty file counts) nor stored."""
    return [
        Violation(f"{names[0]}.csv", None, None, None, rule, message)
        for names, rule, message in ABSENT_FILE_WARNINGS
        if not any(name in uploaded or stored.has_rows(name) for name in names)
    ]


def _reference_dataset(stored: StoredData) -> Dataset:
    """The stored tables an upload refers to (:data:`REFERENCE_TABLES`) as a Dataset; the others empty."""
    tables = {name: stored.table(name) for name in REFERENCE_TABLES if stored.has_rows(name)}
    return dataclasses.replace(Dataset.empty(), **tables)


#: Months an export must cover to show every active tilbud's last unannounced visit (the two-year rule).
SHORT_EXPORT_MONTHS = 24


def short_export_warning(upload: Dataset, existing: Dataset, today: dt.date) -> Violation | None:
    """A warning when the visits (stored and uploaded) begin less than two years before ``today`` and
    active tilbud approved before that have no unannounced visit in them nor a ``last_unannounced_visit``:
    their deadline would count from the approval and the plan would call them overdue."""
    visits = pd.concat([existing.visits, upload.visits], ignore_index=True)
    if visits.empty:
        return None  # no visit at all: the header-only visits.csv's warning says what follows
    fac = pd.concat(
        [
            existing.facilities[~existing.facilities["facility_id"].isin(upload.facilities["facility_id"])],
            upload.facilities,
        ],
        ignore_index=True,
    )
    active = fac["closed_on"].isna() | (fac["closed_on"] > pd.Timestamp(today))
    merged = existing.with_tables(facilities=fac, visits=visits)
    if merged.unannounced_visit_dates().empty:
        return _no_unannounced_warning(len(visits), fac[active & (fac["approved_on"] <= pd.Timestamp(today))], today)
    data_start = pd.Timestamp(visits["date"].min())
    if data_start <= pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS):
        return None
    known = set(merged.last_unannounced().index)
    candidates = fac[active & (fac["approved_on"] < data_start) & ~fac["facility_id"].astype(str).isin(known)]
    unknown = sorted(candidates["facility_id"].astype(str))
    if not unknown:
        return None
    cutoff = pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS)
    overdue = int((candidates["approved_on"] < cutoff).sum())
    return Violation(
        file="facilities.csv",
        row=None,
        column="last_unannounced_visit",
        value=None,
        rule="short_export",
        message=(
            f"besøgsdata begynder {data_start.date().isoformat()}, mindre end to år før i dag: "
            f"{format_number_da(len(unknown), 0)} aktive "
            f"tilbud godkendt før da har intet uanmeldt besøg i data ({some_ids_da(unknown)}), så toårsfristen "
            f"regnes fra godkendelsen og er for {format_number_da(overdue, 0)} af dem allerede overskredet i dag "
            f"({pd.Timestamp(today).date().isoformat()}): planen kalder dem forfaldne; "
            "angiv deres seneste uanmeldte besøg i facilities.csv, kolonnen last_unannounced_visit (valgfri)"
        ),
    )


def _no_unannounced_warning(visits: int, active: pd.DataFrame, today: dt.date) -> Violation | None:
    """The warning when no visit in the data is unannounced and no tilbud has a ``last_unannounced_visit``: every
    active tilbud's deadline counts from its approval (an export that lost the announced flag, or a tilsyn whose
    export holds announced visits only), so the plan calls most of them overdue and may find no plan at all. None
    when every active tilbud was approved less than two years ago (then no deadline has passed for want of a visit)."""
    if active.empty:
        return None
    cutoff = pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS)
    old = int((active["approved_on"] < cutoff).sum())
    if old == 0:
        return None  # every deadline from an approval less than two years ago: nothing is overdue for want of a visit
    none_unannounced = (
        "det ene besøg i besøgsdata er ikke uanmeldt (announced er true)"
        if visits == 1
        else f"intet af de {format_number_da(visits, 0)} besøg i besøgsdata er uanmeldt (announced er true i dem alle)"
    )
    if len(active) == 1:
        deadlines = (
            "for det ene aktive tilbud regnes fristen for næste uanmeldte besøg fra godkendelsen, og den ligger mere "
            "end to år før i dag"
        )
        them = "det forfaldent"
    else:
        deadlines = (
            f"for alle {format_number_da(len(active), 0)} aktive tilbud regnes fristen for næste uanmeldte besøg fra "
            f"godkendelsen, og for {format_number_da(old, 0)} af dem ligger godkendelsen mere end to år før i dag"
        )
        them = "dem forfaldne"
    return Violation(
        file="visits.csv",
        row=None,
        column="announced",
        value=None,
        rule="no_unannounced_visit",
        message=(
            f"{none_unannounced}, og facilities.csv angiver ingen last_unannounced_visit: {deadlines} "
            f"({today.isoformat()}): planen kalder {them} og kan blive umulig at lægge; tjek kolonnen "
            "announced i visits.csv (false for et uanmeldt besøg), eller angiv tilbuddenes seneste uanmeldte besøg i "
            "facilities.csv, kolonnen last_unannounced_visit (valgfri)"
        ),
    )


def _merged(stored: pd.DataFrame, uploaded: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows as the import leaves them: the stored ones the upload does not replace, then the upload's."""
    kept = stored[~stored[key].astype(str).isin(uploaded[key].astype(str))]
    return pd.concat([kept, uploaded], ignore_index=True) if len(kept) else uploaded


#: Tables whose ids name something a planner recognises by eye (a tilbud, a tilsynskonsulent): two ids that differ
#: only in upper/lower case are two records, which is rarely what the tilsyn meant.
CASE_TWIN_TABLES = ("facilities", "inspectors")
#: At most this many case-twin warnings per file (each names one pair); the rest are counted in the last.
MAX_CASE_TWINS = 20


def case_twin_warnings(table: _Parsed, stored: StoredData) -> list[Violation]:
    """A warning for each id of ``table`` that differs from another id of the upload, or from a stored one, only in
    upper/lower case (``T10001`` and ``t10001``). Ids are compared exactly, as the contract says ("unique"), so the
    two are two tilbud (or two tilsynskonsulenter), each with its own visits and deadline: right when a case system
    really uses both, a double record when one was retyped or exported by another system. A warning, not a
    violation: the data are valid, and the tilsyn knows which it is."""
    key = table.spec.key[0]
    ids = table.get(key)
    given = ids[ids.notna()].astype(str)
    if given.empty:
        return []
    what = "tilbud" if table.spec.name == "facilities" else "tilsynskonsulenter"
    first: dict[str, tuple[str, int | None]] = {}
    if stored.has_rows(table.spec.name):
        uploaded = set(given)
        for other in stored.table(table.spec.name)[key].dropna().astype(str):
            if other not in uploaded:
                first.setdefault(other.casefold(), (other, None))
    out: list[Violation] = []
    pairs = 0
    for pos, value in given.items():
        seen = first.setdefault(value.casefold(), (value, int(table.raw.rows[int(pos)])))
        if seen[0] == value:
            continue  # itself, or an exact duplicate (refused as a dublet)
        pairs += 1
        if pairs > MAX_CASE_TWINS:
            continue
        where = "et id, der allerede er gemt" if seen[1] is None else f"række {seen[1]}"
        out.append(
            Violation(
                table.raw.source,
                int(table.raw.rows[int(pos)]),
                key,
                value,
                "id_differs_only_in_case",
                f"{key} '{value}' adskiller sig kun ved store og små bogstaver fra '{seen[0]}' ({where}): de læses "
                f"som to forskellige {what}; ret det ene id, hvis det er de samme",
            )
        )
    if pairs > MAX_CASE_TWINS:
        out[-1] = dataclasses.replace(
            out[-1],
            message=f"{out[-1].message} (og {format_number_da(pairs - MAX_CASE_TWINS, 0)} id mere af samme slags)",
        )
    return out


def competence_gap_warnings(upload: Dataset, existing: Dataset, today: dt.date) -> list[Violation]:
    """A warning for each socialtilsyn with active tilbud (on ``today``) of a type none of its tilsynskonsulenter
    with visits a week (``visits_per_week`` above 0) may visit: the planner refuses that tilsyn's plan (exit 4)
    until one has the competence (the others can be planned alone, which the warning says when there are any). None
    when no inspector is known at all (``absent_file_warnings`` says so)."""
    inspectors = _merged(existing.inspectors, upload.inspectors, "inspector_id")
    if inspectors.empty:
        return []
    fac = _merged(existing.facilities, upload.facilities, "facility_id")
    t = pd.Timestamp(today)
    active = fac[(fac["approved_on"] <= t) & (fac["closed_on"].isna() | (fac["closed_on"] > t))]
    working = inspectors[pd.to_numeric(inspectors["visits_per_week"], errors="coerce").fillna(0) > 0]
    out: list[Violation] = []
    affected: set[str] = set()
    for authority, group in active.groupby(active["authority"].astype(str), sort=True):
        staff = [
            parse_competences(c) for c in working.loc[working["authority"].astype(str) == authority, "competences"]
        ]
        where = danish_code(Authority, authority)
        if not staff:
            ids = sorted(group["facility_id"].astype(str))
            message = (
                f"{where} har {format_number_da(len(ids), 0)} aktive tilbud ({some_ids_da(ids)}), men ingen "
                "tilsynskonsulent med besøg "
                "om ugen i inspectors.csv: en plan, der omfatter socialtilsynet, afvises, til der er en"
            )
            out.append(Violation("inspectors.csv", None, "authority", authority, "no_inspector", message))
            affected.add(authority)
            continue
        for ftype, of_type in group.groupby(group["facility_type"].astype(str), sort=True):
            if any(competent(c, ftype) for c in staff):
                continue
            ids = sorted(of_type["facility_id"].astype(str))
            message = (
                f"{where} har {format_number_da(len(ids), 0)} aktive tilbud af typen "
                f"{danish_code(FacilityType, ftype)} "
                f"({some_ids_da(ids)}), men ingen af dens tilsynskonsulenter med besøg om ugen har kompetence til "
                f"typen (inspectors.csv, kolonnen competences): en plan, der omfatter {where}, afvises, til en har "
                "den"
            )
            out.append(Violation("inspectors.csv", None, "competences", ftype, "competence_missing", message))
            affected.add(authority)
    if set(active["authority"].astype(str)) - affected:
        others = "; de øvrige socialtilsyn kan planlægges hver for sig (tilsynsplan plan --authority)"
        out = [dataclasses.replace(v, message=v.message + others) for v in out]
    return out


def _source_order(raw: RawUpload) -> list[str]:
    by_name = {t.name: t.source for t in raw.tables.values()}
    ordered = [by_name.get(spec.name, spec.filename) for spec in FILES]
    return ordered + [v.file for v in raw.violations if v.file not in ordered]


# --- per file -------------------------------------------------------------------------------------


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
                Violation(
                    raw.source, 1, title, None, "column_twice", f"kolonnen '{name}' står flere gange i overskriften"
                )
            )
            continue
        # an unknown column given twice is two unknown columns: neither is read, so both are a warning only
        positions.setdefault(name, pos)
        if name not in spec._by_name:
            meant = loose_name(title)
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
                            f"kolonnen '{title.strip()}' skal hedde '{meant}'; ellers gemmes dens værdier ikke",
                        )
                    )
                continue
            table.unknown.append(shown_value(title.strip()))  # a header cell of 100,000 characters is cut
    if table.unknown:
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
        report.add(header_not_first(raw.source, header_row))
    else:
        table.raw = _without_misplaced_rows(spec, raw, positions, report)
        _check_short_rows(table.raw, report)
    had_rows = not raw.frame.empty  # before rows that are no records were taken out (they are reported)
    raw = table.raw
    own = [row for file, row in report.whole_rows if file == raw.source]
    whole = np.isin(raw.rows, own) if own else None
    for col in spec.columns:
        if col.name not in positions:
            if col.required and header_row is None:
                near = next((t.strip() for t in raw.header if loose_name(t) == col.name), None)
                report.add(
                    Violation(
                        raw.source,
                        1,
                        col.name,
                        None,
                        "column_missing",
                        f"den obligatoriske kolonne '{col.name}' mangler; filen skal have kolonnerne "
                        + ", ".join(c.name for c in spec.columns if c.required)
                        + ("" if near is None else f" (kolonnen '{near}' skal hedde '{col.name}')"),
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
            f"{_num(float(converted.iat[first]))} gemmes); række {', '.join(map(str, row_numbers))}{more}",
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


def _totals_rows(spec: FileSpec, frame: pd.DataFrame, positions: dict[str, int]) -> np.ndarray:
    """Rows whose first filled cell says "I alt" (or "Total", "Sum") and that leave a required column of the file
    empty: a sum below the table, no record (a tilbud named "Total" with its cells filled is one)."""
    required = [positions[c.name] for c in spec.columns if c.required and c.name in positions]
    said = frame.isin(_TOTAL_CELLS).to_numpy().any(axis=1)
    if not said.any() or not required:
        return np.zeros(len(frame), dtype=bool)
    for pos in np.flatnonzero(said):
        row = frame.iloc[pos]
        first = next((cell for cell in row if cell != ""), "")
        said[pos] = first in _TOTAL_CELLS and any(row.iat[p] == "" for p in required)
    return said


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
    totals = _totals_rows(spec, frame, positions) & ~repeated & ~other_row
    names = {",": "komma", ";": "semikolon"}
    for pos in np.flatnonzero(repeated | other_row | totals):
        if totals[pos]:
            word = next(cell for cell in frame.iloc[pos] if cell != "")
            rule, message = (
                "totals_row",
                f"rækken ligner en sumrække ('{_display(word)}') og er ingen post; slet den (eller flyt summen uden "
                "for tabellen)",
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
    keep = ~(repeated | other_row | totals)
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
    return find_header_row(required, zip(raw.rows[: len(below)].tolist(), below.itertuples(index=False), strict=True))


def _did_you_mean(value: str, allowed: tuple[str, ...]) -> str:
    """``"skriv 'paabud'; "`` when ``value`` is a Danish spelling of one allowed code (the contract takes codes)."""
    code = suggest_code(value, allowed)
    return f"skriv '{code}'; " if code is not None else ""


def _parse_column(
    table: _Parsed, col: Column, text: pd.Series, report: _Report, today: dt.date, padded: np.ndarray | None = None
) -> pd.Series:
    """Typed values of one column (null where empty or invalid); violations reported. ``padded``: the cells a
    row too short does not have (reported for the row, not here)."""
    text = _visible(table, col, text, report)
    table.text[col.name] = text
    empty = (text == "").to_numpy()
    filled = ~empty
    if not col.nullable:
        missing = empty if padded is None else empty & ~padded
        report.cells(table, missing, col.name, None, "required", f"{col.name} må ikke være tom")

    def nothing(pos: int) -> str:
        """The hint for "NA", "-" or "null" in an optional column: such a cell is left empty."""
        if col.nullable and text.iat[pos].lower() in _NOTHING_WORDS:
            return "; lad feltet stå tomt, hvis værdien ikke kendes"
        return ""

    if col.kind == Kind.ENUM:
        lower = text.str.lower()
        bad = filled & ~lower.isin(col.allowed).to_numpy()
        allowed = ", ".join(col.allowed)
        report.cells(
            table,
            bad,
            col.name,
            text,
            "enum",
            lambda p: (
                f"{col.name} '{_display(text.iat[p])}' er ukendt; {_did_you_mean(text.iat[p], col.allowed)}"
                f"tilladte værdier: {allowed}"
            ),
        )
        return lower.astype(object).where(filled & ~bad, None)

    if col.kind in (Kind.TEXT, Kind.ID_LIST):
        if col.zero_padded_to is not None:
            text = _leading_zero_back(table, col, col.zero_padded_to, text, report)
        control = _control_characters(table, col, text, report)
        values = text.astype(object).where(~control, None)
        if col.pattern is not None:
            bad = filled & ~control & ~text.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
            rule = (
                f"{col.name} skal være {col.hint_da}" if col.hint_da else f"{col.name} skal have formen {col.pattern}"
            )
            report.cells(table, bad, col.name, text, "pattern", rule)
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
        lower = text.str.lower()
        is_true = lower.isin(TRUE_WORDS).to_numpy()
        is_false = lower.isin(FALSE_WORDS).to_numpy()
        bad = filled & ~is_true & ~is_false
        meanings = _BOOL_MEANINGS.get(col.name, {})

        def bool_message(pos: int) -> str:
            meant = meanings.get(lower.iat[pos])
            hint = "" if meant is None else f"; skriv {'true' if meant else 'false'} ({lower.iat[pos]})"
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
        report.cells(
            table,
            bad,
            col.name,
            text,
            "date",
            lambda p: (
                f"{col.name} skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12"
                + ("; den dato findes ikke i kalenderen" if well_formed[p] else _date_hint(text.iat[p]) or nothing(p))
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

        def message(pos: int) -> str:
            if grouped[pos]:
                return f"{rule}; skriv tallet uden tusindtalsseparator og decimaler (fx 1000, ikke 1.000)"
            if huge[pos]:
                return f"{rule}; tallet er for stort (højst {largest:,})".replace(",", ".")
            if sign[pos] and not col.percent:
                return f"{rule}; skriv tallet uden %-tegn"
            return rule + nothing(pos)

        report.cells(table, bad, col.name, text, "int" if integer else "decimal", message)
        numbers = numbers.where(~bad, np.nan)
        if integer and col.not_after_today:
            late = (numbers > today.year).to_numpy()
            report.cells(
                table, late, col.name, text, "future_year", f"{col.name} ligger efter indeværende år ({today.year})"
            )
        return numbers

    raise AssertionError(f"unhandled kind {col.kind}")  # pragma: no cover


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
        f"{col.name} skal ligge i årene {_YEARS[0]}-{_YEARS[1]}"
        + ("; lad feltet stå tomt, hvis datoen ikke kendes" if col.nullable else ""),
    )
    return in_range


def _visible(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> pd.Series:
    """``text`` without invisible characters; around a value they are ignored, inside one each cell is reported."""
    joined = "".join(text.tolist())  # one scan of the whole column (fast) before a per-cell one (slow)
    if re.search(INVISIBLE_RE, joined) is None:
        return text
    has = text.str.contains(INVISIBLE_RE, regex=True).fillna(False).to_numpy(dtype=bool)
    cleaned = text.str.strip(INVISIBLE).str.strip().str.strip(INVISIBLE)
    inside = has & cleaned.str.contains(INVISIBLE_RE, regex=True).fillna(False).to_numpy(dtype=bool)

    def message(pos: int) -> str:
        codes = sorted({f"U+{ord(c):04X}" for c in cleaned.iat[pos] if c in INVISIBLE})
        return (
            f"{col.name} indeholder et usynligt tegn ({', '.join(codes)}), så værdien ikke er den, den ser ud til; "
            "skriv værdien igen (tegnet kommer ofte med, når tekst kopieres fra en webside)"
        )

    report.cells(table, inside, col.name, text, "invisible_character", message)
    return cleaned.str.replace(INVISIBLE_RE, "", regex=True)


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


def _control_characters(table: _Parsed, col: Column, text: pd.Series, report: _Report) -> np.ndarray:
    """Cells with a control character inside (a line break, a tab, BEL ...), each reported with the character
    named and where it stands; the mask of those cells. Around a value the whitespace ones are already stripped."""
    is_id = (
        col.kind == Kind.ID_LIST
        or col.references is not None
        or table.spec.key == (col.name,)
        or col.name == table.spec.row_id
    )
    free_text = not (is_id or col.name in table.spec.key or col.pattern or col.check)
    pattern = re.compile(_CONTROL_BUT_LINE_BREAKS_RE if free_text else _CONTROL_RE)
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
        fix = "skriv værdien på én linje" if {"\n", "\r"} & set(chars) else "skriv værdien igen uden tegnet"
        return (
            f"{col.name} indeholder {' og '.join(control_character_da(c) for c in chars)} {where}; styretegn er "
            f"ikke tilladt i en værdi{why}: {fix}"
        )

    report.cells(table, bad, col.name, shown, "control_character", message)
    return bad


def _control_picture(char: str) -> str:
    """A control character made visible in a quoted value: LF -> "␊", TAB -> "␉", DEL -> "␡", C1 -> "<U+0085>"."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else f"<U+{code:04X}>"


def _date_hint(text: str) -> str:
    """What a date in a common wrong spelling should have been written as ("" when none fits)."""
    m = re.fullmatch(r"([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4})", text)
    if m is not None:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag)" if month <= 12 and day <= 31 else ""
    # year first: Excel's "yyyy-m-d", slashes, or no separators at all ("20240312")
    m = re.fullmatch(r"([0-9]{4})(?:[-./]([0-9]{1,2})[-./]([0-9]{1,2})|([0-9]{2})([0-9]{2}))", text)
    if m is not None:
        year, month, day = int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag)"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?Z?", text):
        return f"; skriv datoen uden klokkeslæt ({text[:10]})"
    m = re.fullmatch(r"([0-9]{5})(?:[.,]0+)?", text)
    if m is not None:
        serial = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
        return (
            f"; tallet ligner et Excel-datonummer (svarer til {serial.isoformat()}): formatér kolonnen som dato "
            "i Excel, før filen gemmes"
        )
    return ""


def _month_hint(text: str) -> str:
    """What a month in a common wrong spelling should have been written as ("" when none fits)."""
    m = re.fullmatch(r"([0-9]{1,2})[-./]([0-9]{4})|([0-9]{4})(?:[-./]|[mM])([0-9]{1,2})", text)
    if m is not None:
        year, month = (int(m.group(2)), int(m.group(1))) if m.group(1) else (int(m.group(3)), int(m.group(4)))
        return f"; skriv {year:04d}-{month:02d} (år-måned)" if 1 <= month <= 12 else ""
    if re.fullmatch(_DATE_FORMAT, text):
        return f"; skriv {text[:7]} (måneden uden dag)"
    serial = _date_hint(text)
    return serial if "Excel-datonummer" in serial else ""


def _typed_frame(table: _Parsed) -> pd.DataFrame:
    """A valid table's values with defaults filled (``Dataset.from_frames`` makes the dtypes canonical)."""
    out: dict[str, pd.Series] = {}
    for col in table.spec.columns:
        if col.name not in table.present:
            continue
        values = table.values[col.name]
        if col.default is not None:
            values = values.where(values.notna(), col.default)
        elif col.kind == Kind.ID_LIST:
            values = values.where(values.notna(), "")  # the Dataset holds "" for no ids
        if col.kind == Kind.INT:
            values = values.astype("int64")
        out[col.name] = values
    return pd.DataFrame(out, index=pd.RangeIndex(table.n))


def _key_frame(table: _Parsed) -> tuple[pd.DataFrame, np.ndarray]:
    """The key columns (defaults filled) and a mask of rows whose whole key is valid."""
    columns: dict[str, pd.Series] = {}
    for name in table.spec.key:
        col = table.spec.column(name)
        values = table.get(name)
        if col.default is not None and name not in table.present:
            values = pd.Series([col.default] * table.n, dtype=object)
        elif col.default is not None:
            values = values.where(values.notna(), col.default)
        columns[name] = values
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.n))
    return frame, frame.notna().all(axis=1).to_numpy()


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
    report.cells(
        table,
        dup_mask,
        key[0] if len(key) == 1 else ", ".join(key),
        values,
        "duplicate_key",
        lambda p: (
            f"dublet: samme {label} som række {int(table.raw.rows[int(first_of[p])])}; "
            "hver nøgle må kun forekomme én gang"
        ),
    )


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
            f"dublet: samme {name} som række {int(table.raw.rows[int(first_of[p])])}; et {name} er én "
            "henvendelse og må kun forekomme én gang (en rettelse sendes med samme id i stedet for den gamle række)"
        ),
    )


def _key_value(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_not_before_same_row(table: _Parsed, report: _Report) -> None:
    """``not_before="approved_on"``: a date not before another date of the same row."""
    for col in table.spec.columns:
        if col.not_before is None or "." in col.not_before or col.name not in table.present:
            continue
        if col.not_before in table.present:
            _not_before_column(table, col.name, col.not_before, report)


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
        """ "skriv 'sel107;sel108'; " for a list written another way: "Alle", commas, the types' Danish names."""
        codes: list[str] = []
        for part in (p.strip() for p in re.split(r"[;,]", text) if p.strip()):
            low = " ".join(part.lower().split())
            code = "all" if low in _ALL_WORDS else low if low in allowed else suggest_code(part, tuple(sorted(allowed)))
            if code is None:
                return ""
            codes.append(code)
        written = ";".join(dict.fromkeys(codes))
        return f"skriv '{written}'; " if codes and ("all" not in codes or written == "all") else ""

    report.cells(table, bad, name, values, "competences", message)
    table.values[name] = normal.where(~bad, None)


def _check_cpr(raw: RawTable, table: _Parsed, report: _Report) -> None:
    """A CPR-like value in any cell (unknown columns included) rejects the upload; the number is masked."""
    for pos, title in enumerate(raw.header):
        if _CPR.search(title):
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
        hits[i] = _CPR.search(text.iat[i]) is not None
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
    elif title and _CPR.search(title) is None:
        column = title
    else:  # no title, or the hit is the header itself (a list of numbers without a header)
        column = column_letters(pos + 1) if sheet else f"nr. {pos + 1}"
    what, it, remove = (
        ("arket", "det", "slet arket fra arbejdsbogen") if sheet else ("filen", "den", "fjern filen fra uploaden")
    )
    found = "en værdi" if count == 1 else f"{format_number_da(count, 0)} værdier"
    report.add(
        Violation(
            raw.source,
            row,
            column,
            _display(cell),
            "cpr",
            f"{what} hører ikke til datakontrakten og ville blive ignoreret, men {found} i {it} ligner et CPR-nummer"
            + ("" if count == 1 else " (her den første)")
            + f"; en upload må ikke indeholde personoplysninger om borgere (kun antal): {remove}, eller slet "
            f"personoplysningerne i {it}",
        )
    )


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
                f"indlæs den oprindelige eksport i stedet; række {', '.join(map(str, rows))}{more}",
            )
        )


# --- across files ---------------------------------------------------------------------------------


class _Columns(Protocol):
    """Rows of one file as the rules across files read them: typed values per column. A parsed file of the upload,
    or stored rows (:class:`_StoredRows`)."""

    @property
    def spec(self) -> FileSpec: ...

    @property
    def values(self) -> dict[str, pd.Series]: ...

    @property
    def present(self) -> set[str]: ...


@dataclass(frozen=True)
class _StoredRows:
    """Stored rows of one file (every column), at positions 0..n-1."""

    spec: FileSpec
    frame: pd.DataFrame

    @property
    def values(self) -> dict[str, pd.Series]:
        return {name: self.frame[name] for name in self.spec.column_names}

    @property
    def present(self) -> set[str]:
        return set(self.spec.column_names)

    def key_text(self, pos: int | np.integer) -> str:
        """The row's key as a file writes it: ``V002131``, ``(F1, 2026-02-03, high)``; a row with an id by it
        (``(F1, concern_id HV-7)``)."""
        row_id = self.spec.row_id
        if row_id is not None and pd.notna(self.frame[row_id].iat[pos]):
            return f"({_key_value(self.frame[self.spec.key[0]].iat[pos])}, {row_id} {self.frame[row_id].iat[pos]})"
        parts = [
            f"{self.frame[name].iat[pos]:%Y-%m}" if self.spec.column(name).kind == Kind.MONTH else _key_value(value)
            for name in self.spec.key
            for value in (self.frame[name].iat[pos],)
        ]
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


#: The facility's values that decide which indicators apply to it (``FacilityTraits``).
_TRAIT_COLUMNS = ("facility_type", "has_board", "respite_only", "ownership")
_STORED_NOTE = "gemt ved en tidligere import, ikke i denne upload"


#: The warning's rule for a row before its tilbud's approval (``warn_before``) or after its closing (``warn_after``).
_BOUND_WARNING_RULE = {"not_before": "before_approval", "not_after": "after_closure"}


def _bound_what_da(col: Column, other: str, rule: str) -> str:
    """ "en date før tilbuddets approved_on", "en month efter måneden for tilbuddets closed_on"."""
    side = "før" if rule == "not_before" else "efter"
    return f"en {col.name} {side} {'måneden for ' if col.kind == Kind.MONTH else ''}tilbuddets {other}"


def _bound_why_da(rule: str, one: bool, *, stored: bool, other: str = "") -> str:
    """Why rows outside the tilbud's approval or closing are kept, and what to check."""
    it, them = ("den", "den") if one else ("de", "dem")
    kept = "beholdes" if stored else "indlæses"
    if rule == "not_before":
        check = f"at {other} er rigtig" if stored else f"at {it} hører til det rigtige tilbud"
        return f"{it} {kept}, for et tilbud kan være godkendt på ny efter {them}, men tjek, {check}"
    check = f"at {other} er rigtig" if stored else f"at {it} hører til det rigtige tilbud, og at closed_on er rigtig"
    return f"{it} {kept}, men tjek, {check}: et lukket tilbud får ingen risiko og intet besøg"


def _outside(values: pd.Series, limit: pd.Series, rule: str) -> np.ndarray:
    """Where a date lies before (``not_before``) or after (``not_after``) its limit; never where either is missing."""
    beyond = values < limit if rule == "not_before" else values > limit
    return np.asarray((values.notna() & limit.notna() & beyond).to_numpy(), dtype=bool)


def _via(spec: FileSpec, target: str) -> Column | None:
    """The column of ``spec`` that references one row of file ``target`` (``facility_id`` -> facilities)."""
    return next(
        (
            c
            for c in spec.columns
            if c.references is not None and c.references.split(".")[0] == target and c.kind != Kind.ID_LIST
        ),
        None,
    )


def _key_strings(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Key columns as text, so an uploaded key (a year read as 2024.0) matches the stored one (2024)."""
    out: dict[str, pd.Series] = {}
    for name in spec.key:
        col, s = spec.column(name), frame[name]
        if col.kind in (Kind.DATE, Kind.MONTH):
            out[name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif col.kind == Kind.INT:
            out[name] = pd.to_numeric(s).astype("Int64").astype(str)
        else:
            out[name] = s.astype(str)
    return pd.DataFrame(out)


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
        for fid, iid, value in zip(frame["facility_id"], frame["inspector_id"], frame["date"], strict=True):
            day = date_of(value)
            if day is None or day < today:
                continue
            if after(str(fid), str(iid), day) and not before(str(fid), str(iid), day):
                broken.append(f"{fid} {day.isoformat()}")
        if not broken:
            return
        one = len(broken) == 1
        self.report.warnings.append(
            Violation(
                "locked_visits.csv",
                None,
                None,
                None,
                "lock_rule_stored",
                f"{format_number_da(len(broken), 0)} {'gemt låst besøg' if one else 'gemte låste besøg'} "
                f"({some_ids_da(broken, 3)}) kan ikke holdes efter denne upload (tilbuddet lukker, eller "
                "tilsynskonsulenten skifter socialtilsyn, mister kompetencen eller er fraværende); "
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

    def references(self, table: _Parsed) -> None:
        for col in table.spec.columns:
            if col.references is not None and col.name in table.present:
                self._references_column(table, col, col.references)

    def _references_column(self, table: _Parsed, col: Column, reference: str) -> None:
        target, target_column = reference.split(".")
        if target in self.unreadable:
            return  # already reported; every row would fail otherwise
        if target in self.parsed and target_column not in self.parsed[target].present:
            return  # the target's column is missing (or its header is not in row 1): reported there already
        known = self.known(reference)
        values = table.values[col.name]
        where = f"{target} (hverken i denne upload eller i databasen)"
        if col.kind == Kind.ID_LIST:
            missing = values.map(
                lambda s: [] if not isinstance(s, str) else [i for i in s.split(";") if i not in known]
            )
            bad = missing.map(bool).to_numpy(dtype=bool)

            def separator_hint(ids: list[str]) -> str:
                """The hint for "I1,I2" or "I1 I2" where each part is a known id: the wrong separator."""
                parts = [p for i in ids for p in re.split(r"[,\s]+", i.strip()) if p]
                if len(parts) > len(ids) and all(p in known for p in parts):
                    return f"; adskil flere id'er med semikolon: {';'.join(parts)}"
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
                return ""

            self.report.cells(
                table,
                bad,
                col.name,
                values,
                "reference",
                lambda p: f"{col.name} '{_display(values.iat[p])}' findes ikke i {where}" + case_hint(values.iat[p]),
            )

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
                f"(række {some_ids_da([str(r) for r in rows])}); {_bound_why_da(rule, one, stored=False)}",
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
                f"{some_ids_da([str(r) for r in uploaded_rows])}); "
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
                    f"(række {some_ids_da(rows)}); tilføj kolonnen "
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


def _id_number(text: str) -> str | None:
    """The number an id of digits stands for, as Excel may write it ("0042", "42" and "42.0" are "42"); None for an
    id with anything but digits."""
    match = re.fullmatch(r"([0-9]+)(?:\.0+)?", text)
    return None if match is None else match.group(1).lstrip("0") or "0"


def _indicator_hint(text: str) -> str:
    """``"skriv '4.a'; "`` for an indicator code written another way ("4a", "4. a", "Indikator 4.a"), else ""."""
    m = re.fullmatch(r"(?:indikator\s*)?0*([0-9]{1,2})\s*[.,]?\s*([a-z])\.?", text.strip().lower())
    code = None if m is None else f"{m.group(1)}.{m.group(2)}"
    return f"skriv '{code}'; " if code in ALL_INDICATOR_CODES else ""


def _truthy(value: object) -> bool:
    return bool(value) if isinstance(value, bool | np.bool_) else False


def _traits(key: str) -> FacilityTraits:
    ftype, board, respite, owner = key.split("|")
    return FacilityTraits(
        facility_type=FacilityType(ftype),
        has_board=board == "True",
        respite_only=respite == "True",
        ownership=Ownership(owner) if owner else None,
    )


def _applies(pair: str) -> bool:
    key, code = pair.split("#")
    return indicator_applies(code, _traits(key))


def _not_applicable_message(code: str, facility_id: str, key: str) -> str:
    traits = _traits(key)
    theme = theme_of_indicator(code)
    if not theme_applies(theme, traits):
        reason = THEME_INFO[theme].source
    else:
        reason = INDICATOR_BY_CODE[code].applicability.source
    kind = danish(traits.facility_type)
    if traits.respite_only:
        kind += ", kun aflastning"
    text = f"indikator {code} gælder ikke for tilbuddet {facility_id} ({kind})"
    return f"{text}: {reason}" if reason else text


def _computed_theme_values(ind: pd.DataFrame) -> pd.DataFrame:
    """Theme values per visit from indicator scores (seed 004: criterion mean, then theme mean)."""
    crit_of = {code: i.criterion for code, i in INDICATOR_BY_CODE.items()}
    d = ind.assign(criterion=ind["indicator"].map(crit_of), score=ind["score"].astype(float))
    crit = d.groupby(["visit_id", "criterion"], as_index=False)["score"].mean()
    theme_of_crit = {n: info.theme.value for info in THEME_INFO.values() for n in info.criteria}
    crit["theme"] = crit["criterion"].map(theme_of_crit)
    out = crit.groupby(["visit_id", "theme"], as_index=False)["score"].mean()
    return out.rename(columns={"score": "computed"})
