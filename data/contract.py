"""The public data contract (``DATA_CONTRACT.md``) as data: files, columns, types and rules.

The importer checks uploads against these specs, the synthetic generator writes files that follow
them, the storage layer mirrors them, and docs/data.md documents them. Columns marked ``extension`` are
optional columns this product adds to the contract (allowed by it: "extend it with optional columns
when a feature needs them; never break it").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from data.enums import Authority, FacilityType, Ownership, SanctionKind, Severity, Theme, VisitKind


class Kind(StrEnum):
    TEXT = "text"
    ENUM = "enum"
    DATE = "date"
    MONTH = "month"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    ID_LIST = "id_list"  # ';'-separated ids


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # column must be present in the file
    nullable: bool = False  # an empty cell is allowed
    allowed: tuple[str, ...] = ()  # for ENUM
    minimum: float | None = None
    maximum: float | None = None
    not_after_today: bool = False  # dates / months
    references: str | None = None  # "facilities.facility_id"
    default: object = None  # value used when the cell (or optional column) is empty
    extension: bool = False  # an optional column added by Tilsynsplan, not in DATA_CONTRACT.md
    help: str = ""
    # --- rules the importer checks (besides kind, allowed, minimum/maximum, references) ---------
    # ``not_after_today`` on an INT column means a year not after today's year.
    pattern: str | None = None  # TEXT: the whole cell must match this regular expression
    max_length: int | None = None  # TEXT: at most this many characters (the database column's length)
    not_before: str | None = None  # "approved_on" (same row) or "facilities.approved_on" (via references)
    not_after: str | None = None  # "facilities.closed_on" (via references): not after the referenced row's value
    # "facilities.approved_on": a value before the referenced row's one is a warning, not an error (real exports
    # hold records from before a re-approval); a month is compared with the month of that date
    warn_before: str | None = None
    # "facilities.closed_on": a value after the referenced row's one (a month after its month) is a warning: a
    # concern, sanction or magtanvendelse dated after the tilbud closed is kept, but likely filed under the wrong id
    warn_after: str | None = None
    check: str | None = None  # a named rule of the importer: "indicator", "competences"
    hint_da: str = ""  # Danish words appended to the rule's message, e.g. "inden for Danmark"
    # DECIMAL: a number of percent (0-100). A workbook cell formatted as percent in Excel (0.155 shown as "15,5 %")
    # is read as the percent Excel shows (15.5), with a warning.
    percent: bool = False
    # TEXT with ``pattern``: a value of this many digits less than the pattern's (a postcode 0800 that Excel wrote as
    # 800, in a number cell or a CSV file it saved) is read with its leading zeros back, with a warning.
    zero_padded_to: int | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str  # "facilities" -> facilities.csv / sheet "facilities"
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique key within the file (and upsert key in storage)
    help: str = ""
    # An optional id column (an extension) that identifies a row in place of ``key`` where it is filled: such a row
    # is the same record whatever its other values (a correction updates it, it can be withdrawn by its id); a row
    # without it keeps ``key``. Unique across the table (not only within one facility). See ``data.store``'s
    # ``concern_key`` for how both kinds share one primary key.
    row_id: str | None = None
    # A required file that may hold its header only (visits.csv of a tilsyn whose tilbud are all new): the contract
    # requires the file, not a row in it. Accepted with a warning (``data.importer.EMPTY_FILE_WARNINGS``).
    header_only_allowed: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def order(self) -> tuple[str, ...]:
        """The columns that order the rows as stored rows are read back: the key, then ``row_id`` (rows with ids may
        share a key)."""
        return self.key if self.row_id is None else (*self.key, self.row_id)


def _enum(e: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in e)


FACILITY_ID_REF = "facilities.facility_id"
APPROVED_ON_REF = "facilities.approved_on"
CLOSED_ON_REF = "facilities.closed_on"
CPR_PATTERN = r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\u2010-\u2015 ]?\d{4}(?!\d)"
"""A value that looks like a Danish CPR number (``DDMMYY-XXXX``; the dash optional, or a space or another
dash such as Word's –) rejects an upload."""
UUID_PATTERN = r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])"
"""A UUID, as case systems name visits and tilbud: its hex digits hold a CPR-like run (``…-f0705081234a``) about once
in a thousand ids, which is an id, not a CPR number."""

# Denmark's bounding box incl. Bornholm and Christiansø (not Greenland / the Faroe Islands).
DK_LAT = (54.5, 57.8)
DK_LON = (8.0, 15.25)

FACILITIES = FileSpec(
    "facilities",
    required=True,
    key=("facility_id",),
    help="One row per approved facility (tilbud).",
    columns=(
        Column("facility_id", Kind.TEXT, max_length=64),
        Column("name", Kind.TEXT, max_length=300),
        Column("authority", Kind.ENUM, allowed=_enum(Authority)),
        Column("municipality", Kind.TEXT, nullable=True, max_length=100),
        Column(
            "postcode",
            Kind.TEXT,
            pattern=r"[0-9]{4}",
            hint_da="4 cifre",
            help="4 digits (3 digits are read with the leading zero Excel drops: 800 is 0800)",
            zero_padded_to=4,
        ),
        Column(
            "lat",
            Kind.DECIMAL,
            required=False,
            nullable=True,
            minimum=DK_LAT[0],
            maximum=DK_LAT[1],
            hint_da="inden for Danmark",
        ),
        Column(
            "lon",
            Kind.DECIMAL,
            required=False,
            nullable=True,
            minimum=DK_LON[0],
            maximum=DK_LON[1],
            hint_da="inden for Danmark",
        ),
        Column("facility_type", Kind.ENUM, allowed=_enum(FacilityType)),
        Column("ownership", Kind.ENUM, allowed=_enum(Ownership)),
        Column("places", Kind.INT, minimum=1),
        Column("target_group", Kind.TEXT, required=False, nullable=True, max_length=300),
        Column("approved_on", Kind.DATE, not_after_today=True),
        Column("closed_on", Kind.DATE, required=False, nullable=True, not_before="approved_on", help=">= approved_on"),
        Column("has_board", Kind.BOOL, required=False, nullable=True, default=False),
        Column("respite_only", Kind.BOOL, required=False, nullable=True, default=False),
        Column(
            "leader_since",
            Kind.DATE,
            required=False,
            nullable=True,
            not_after_today=True,
            not_before="approved_on",
            extension=True,
            help="Date the current leader took over (leader change is a risk signal).",
        ),
        Column(
            "last_unannounced_visit",
            Kind.DATE,
            required=False,
            nullable=True,
            not_after_today=True,
            not_before="approved_on",
            extension=True,
            help=(
                "Date of the last unannounced visit when it may predate visits.csv (a short export): the "
                "two-year deadline counts from the later of this and the unannounced visits in visits.csv."
            ),
        ),
    ),
)

VISITS = FileSpec(
    "visits",
    required=True,
    key=("visit_id",),
    header_only_allowed=True,
    columns=(
        Column("visit_id", Kind.TEXT, max_length=64),
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column(
            "date",
            Kind.DATE,
            not_after_today=True,
            not_before="facilities.approved_on",
            not_after="facilities.closed_on",
            help="not before the facility's approved_on, not after its closed_on",
        ),
        Column("announced", Kind.BOOL),
        Column("kind", Kind.ENUM, allowed=_enum(VisitKind)),
        Column("inspector_ids", Kind.ID_LIST, required=False, nullable=True, references="inspectors.inspector_id"),
    ),
)

INDICATOR_SCORES = FileSpec(
    "indicator_scores",
    required=False,
    key=("visit_id", "indicator"),
    columns=(
        Column("visit_id", Kind.TEXT, references="visits.visit_id"),
        Column(
            "indicator",
            Kind.TEXT,
            check="indicator",
            help="an indicator of the quality model that applies to the facility",
        ),
        Column("score", Kind.INT, minimum=1, maximum=5),
    ),
)

THEME_SCORES = FileSpec(
    "theme_scores",
    required=False,
    key=("visit_id", "theme"),
    columns=(
        Column("visit_id", Kind.TEXT, references="visits.visit_id"),
        Column("theme", Kind.ENUM, allowed=_enum(Theme)),
        Column("score", Kind.DECIMAL, minimum=1.0, maximum=5.0),
    ),
)

USE_OF_FORCE = FileSpec(
    "use_of_force",
    required=False,
    key=("facility_id", "month", "kind"),
    columns=(
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column("month", Kind.MONTH, not_after_today=True, warn_before=APPROVED_ON_REF, warn_after=CLOSED_ON_REF),
        Column("count", Kind.INT, minimum=0),
        Column("kind", Kind.TEXT, required=False, nullable=True, default="", max_length=60),
    ),
)

STAFF_FIGURES = FileSpec(
    "staff_figures",
    required=False,
    key=("facility_id", "year"),
    columns=(
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column("year", Kind.INT, minimum=1990, not_after_today=True, help="not after this year"),
        Column("staff_turnover_pct", Kind.DECIMAL, nullable=True, minimum=0, maximum=100, percent=True),
        Column("sickness_absence_pct", Kind.DECIMAL, nullable=True, minimum=0, maximum=100, percent=True),
    ),
)

CONCERNS = FileSpec(
    "concerns",
    required=False,
    key=("facility_id", "date", "severity"),
    row_id="concern_id",
    columns=(
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column("date", Kind.DATE, not_after_today=True, warn_before=APPROVED_ON_REF, warn_after=CLOSED_ON_REF),
        Column("severity", Kind.ENUM, allowed=_enum(Severity)),
        Column(
            "concern_id",
            Kind.TEXT,
            required=False,
            nullable=True,
            max_length=64,
            extension=True,
            help=(
                "The case system's own id of the report (henvendelse). A row with it is that report: sent again it "
                "changes nothing, with another date or severity it is corrected, and it can be withdrawn by its id. "
                "Unique: one id, one report, one tilbud. A row without it is keyed by (facility_id, date, severity)."
            ),
        ),
    ),
)

SANCTIONS = FileSpec(
    "sanctions",
    required=False,
    key=("facility_id", "date", "kind"),
    columns=(
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column("date", Kind.DATE, not_after_today=True, warn_before=APPROVED_ON_REF, warn_after=CLOSED_ON_REF),
        Column("kind", Kind.ENUM, allowed=_enum(SanctionKind)),
    ),
)

INSPECTORS = FileSpec(
    "inspectors",
    required=False,  # required for planning, not for import
    key=("inspector_id",),
    columns=(
        Column("inspector_id", Kind.TEXT, max_length=64),
        Column("name", Kind.TEXT, max_length=200),
        Column("authority", Kind.ENUM, allowed=_enum(Authority)),
        Column("competences", Kind.TEXT, check="competences", help="';'-separated facility types, or 'all'"),
        Column("visits_per_week", Kind.INT, minimum=0),
        Column(
            "postcode",
            Kind.TEXT,
            required=False,
            nullable=True,
            pattern=r"[0-9]{4}",
            hint_da="4 cifre",
            zero_padded_to=4,
        ),
    ),
)

ABSENCES = FileSpec(
    "absences",
    required=False,
    key=("inspector_id", "start", "end"),
    columns=(
        Column("inspector_id", Kind.TEXT, references="inspectors.inspector_id"),
        Column("start", Kind.DATE),
        Column("end", Kind.DATE, not_before="start", help=">= start"),
    ),
)

LOCKED_VISITS = FileSpec(
    "locked_visits",
    required=False,
    key=("facility_id", "date"),
    columns=(
        Column("facility_id", Kind.TEXT, references=FACILITY_ID_REF),
        Column("date", Kind.DATE, not_after="facilities.closed_on"),
        Column("inspector_id", Kind.TEXT, references="inspectors.inspector_id"),
        Column("announced", Kind.BOOL),
    ),
)

#: Every file of the contract, in dependency order (a file only references files before it).
FILES: tuple[FileSpec, ...] = (
    FACILITIES,
    INSPECTORS,
    VISITS,
    INDICATOR_SCORES,
    THEME_SCORES,
    USE_OF_FORCE,
    STAFF_FIGURES,
    CONCERNS,
    SANCTIONS,
    ABSENCES,
    LOCKED_VISITS,
)
FILE_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}

TRUE_WORDS = frozenset({"true", "1", "ja", "yes", "sand"})
FALSE_WORDS = frozenset({"false", "0", "nej", "no", "falsk"})
