"""pydantic models for everything that enters or leaves the HTTP API (JSON keys in English).

Families per entity: ``...Create`` (what a client sends), ``...Public`` (what it receives). Each
``Public`` model has a ``from_...`` constructor from the service's result, so routes stay thin and
what leaves the API — in particular what a reader may not see — is decided here, in one place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, get_args

import pandas as pd
from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from api.services.imports import SOURCE_KINDS, source_kind
from api.services.risk import ScoreResult, TrainReport
from data.calendar import quarter_of
from data.enums import Authority, FacilityType, Ownership, Severity, VisitKind
from data.errors import Violation
from data.importer import ImportResult
from data.plan_store import PlanInfo, StoredPlan
from data.store import ImportBatch, ImportSummary, StatusReport
from models.evaluation import metric_rows
from models.explain import FacilityExplanation
from models.risk_model import TIERS
from planner.domain import VISIT_TIMING_COSTS, ReasonCode, VisitRole
from planner.staleness import ChangeKind, Freshness, PlanStaleness


def codes(values: Iterable[str], *, nullable: bool = False) -> dict[str, Any]:
    """``Field`` arguments that document a closed vocabulary's codes in OpenAPI (``enum``; with ``null`` when the
    field may be null). The schema only: what enters is checked by the data contract, as before, and what leaves
    is built from stored codes."""
    allowed: list[Any] = [str(v) for v in values]
    return {"json_schema_extra": {"enum": [*allowed, None] if nullable else allowed}}


#: The largest integer SQLite and PostgreSQL (BIGINT) store: an id above it can name no row, and a query with it
#: fails in the driver (OverflowError), so ids are checked against it where they enter.
DATABASE_INT_MAX = 2**63 - 1

PlanId = Annotated[int, Path(ge=1, le=DATABASE_INT_MAX, description="Planens id (et heltal ≥ 1).")]
#: Ids are text and may hold a ``/``: the routes take them as paths, so ``/`` and ``%2F`` both work.
FacilityId = Annotated[
    str, Path(description="Tilbuddets id (`facility_id` i facilities.csv); et `/` i id'et sendes som `%2F`.")
]
ConcernId = Annotated[
    str,
    Path(
        description="Fagsystemets id for henvendelsen (det `concern_id`, den blev sendt med); et `/` sendes som `%2F`."
    ),
]
AuthorityFilter = Annotated[
    str | None,
    Query(description="Kun ét socialtilsyn: nord, midt, syd, hovedstaden eller oest (det danske navn, fx Øst, også)."),
]
FacilityTypeFilter = Annotated[
    str | None,
    Query(description="Kun én tilbudstype fra datakontrakten (fx sel108, opholdssted) eller typens danske navn."),
]
#: A date that names a stored risk run (the lists and the risk report).
RunAsOf = Annotated[
    dt.date | None, Query(description="Skæringsdato ÅÅÅÅ-MM-DD: risikokørslen pr. den dag (standard: den seneste).")
]
#: A date the data are read as of (an explanation, a profile): what was known that day.
DataAsOf = Annotated[
    dt.date | None, Query(description="Skæringsdato ÅÅÅÅ-MM-DD: med det, der var kendt den dag (standard: i dag).")
]

# --- errors ------------------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    code: str = Field(description="Stable English identifier, e.g. `validation_failed`, `not_found`.")
    message: str = Field(description="What went wrong, in Danish.")
    details: list[dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "For `validation_failed`: one object per violation (file, row, column, value, rule, message; the "
            "message names what is allowed). For `invalid_request`: location (`body`, `query`, `path`), field, "
            "message and `type` (pydantic's error type, e.g. `missing`, `extra_forbidden`). Often empty."
        ),
    )


class ErrorResponse(BaseModel):
    """Every error, whatever its status: a stable English ``code``, a Danish ``message`` and ``details``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "validation_failed",
                        "message": "Upload afvist: 1 fejl. Intet er gemt.",
                        "details": [
                            {
                                "file": "concerns",
                                "row": 2,
                                "column": "severity",
                                "value": "critical",
                                "rule": "enum",
                                "message": "severity 'critical' er ukendt; tilladte værdier: low, medium, high",
                            }
                        ],
                    }
                },
                {
                    "error": {
                        "code": "invalid_request",
                        "message": "Forespørgslen er ugyldig: 1 fejl.",
                        "details": [
                            {
                                "location": "query",
                                "field": "offset",
                                "message": "'offset' skal være mindst 0",
                                "type": "greater_than_equal",
                            }
                        ],
                    }
                },
            ]
        }
    )

    error: ErrorBody


#: What each error status of the API means (its codes), for OpenAPI.
ERROR_STATUSES: dict[int, str] = {
    401: "`unauthorized`: a planner's request without credentials, or an `Authorization` header that is not "
    "`Bearer <token>`.",
    403: "`forbidden`: the bearer token is not one of the configured tokens (refused on every request).",
    404: "`not_found`: the facility, plan, inspector or locked visit does not exist.",
    409: "`no_data` (nothing imported yet), `not_computed` (a reader -- or a planner's browser sent by another "
    "site's page, `Sec-Fetch-Site: cross-site` -- asked for a risk run or model no planner has computed), "
    "`plan_infeasible` (the hard rules cannot all be kept) or `concurrent_write` (an upload or push was checked "
    "while another process stored conflicting keys; nothing was written: send it again, with `Retry-After`).",
    413: "`upload_too_large`: the body is larger than `TILSYNSPLAN_MAX_UPLOAD_MB`.",
    422: "`invalid_request` (a malformed request; details: location, field, message), `invalid_argument`, or "
    "`validation_failed` (the data contract; details are the violations).",
    500: "`internal_error` (logged with its stack trace, which the answer never holds) or `plan_check_failed`.",
    503: "`database_busy`: another process held the database; nothing was written: send the request again after "
    "`Retry-After` seconds. (`POST /plans` also: `plan_timeout`, no plan within the solver's time limit; a PDF "
    "report also: `server_busy`, it waited 60 s for its turn, with `Retry-After`.)",
}
#: The status of a request that waited too long for the database (``database_busy``, with ``Retry-After``).
DATABASE_BUSY = 503
#: What any request may answer: a bad token is refused on every request, and any request may fail.
EVERY_REQUEST = (401, 403, 500)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries: these statuses answer the one error shape (with what each means)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorResponse, "description": ERROR_STATUSES[status]}
        if status == DATABASE_BUSY:
            entry["headers"] = {
                "Retry-After": {"description": "Seconds to wait before sending again.", "schema": {"type": "integer"}}
            }
        out[status] = entry
    return out


def validator_headers(confidential: bool) -> dict[str, Any]:
    """The response headers of an answer that carries a validator (``api.conditional``); ``confidential``: a
    planner's answer may hold what a reader may not see."""
    planners = "no-store" if confidential else "private, no-cache"
    why = (
        "confidential: no cache may keep it; a case system that keeps the content in its own database still "
        "revalidates with the ETag"
        if confidential
        else "the planner's own client may keep it, a shared cache may not"
    )
    return {
        "ETag": {
            "description": "A strong validator of this answer's content (it changes whenever the content does, also "
            "with the viewer's role). Send it back in `If-None-Match` to get 304 while nothing changed.",
            "schema": {"type": "string"},
        },
        "Cache-Control": {
            "description": f"`no-cache` for a reader (keep it, but revalidate); `{planners}` for a planner ({why}).",
            "schema": {"type": "string", "enum": ["no-cache", planners]},
        },
    }


#: ``openapi_extra`` of an operation with a validator: the request header that makes it conditional.
IF_NONE_MATCH: dict[str, Any] = {
    "parameters": [
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "The `ETag` of an answer you keep (or several, comma-separated, or `*`): while the content "
            'is the same the answer is `304 Not Modified` without a body. Compared weakly (`W/"…"` names the same '
            "answer); text that is no entity-tag is ignored.",
            "schema": {"type": "string"},
            "example": '"3f2a9c0d5e6b7a8c9d0e1f2a3b4c5d6e"',
        }
    ]
}


def validated_responses(
    content: Mapping[str, Any] | None = None, *, confidential: bool = True, model: type[BaseModel] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries of an operation with a validator: 200 with ``ETag`` and ``Cache-Control``
    (and ``content``: other media types it may answer; ``model``: the JSON's schema, for a route that answers
    without a ``response_model``), and 304 without a body. ``confidential`` as the route's ``Conditional.answer``."""
    headers = validator_headers(confidential)
    ok: dict[str, Any] = {"headers": headers}
    if model is not None:
        ok["model"] = model
    if content:
        ok["content"] = dict(content)
    return {
        200: ok,
        304: {
            "description": "Not Modified: `If-None-Match` names this answer's current `ETag` (or is `*`); no body. "
            "Keep using the answer you have.",
            "headers": headers,
        },
    }


# --- health and status -------------------------------------------------------------------------------


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class DateRangePublic(BaseModel):
    first: dt.date | None
    last: dt.date | None


SOURCE_DESCRIPTION = (
    "What was imported, e.g. `push:concerns`, `upload: visits.csv` or `lås: T12043 2027-02-09` (planners only; null "
    "for a reader: a lock's label names the day of a visit that may be unannounced, a file's the server's folders)."
)


class LastImportPublic(BaseModel):
    """The newest import batch (an upload, a push, a lock)."""

    id: int
    imported_at: dt.datetime = Field(description="The server's local time with its UTC offset.")
    source: str | None = Field(description=SOURCE_DESCRIPTION)
    inserted: int
    updated: int
    unchanged: int
    warnings: int = Field(description="Warnings of the import (its answer listed them).")


class StatusPublic(BaseModel):
    database: str = Field(description="Database URL, password hidden (planners); the kind of database (readers).")
    rows: dict[str, int] = Field(description="Stored rows per contract file.")
    date_ranges: dict[str, DateRangePublic]
    facilities_per_authority: dict[str, int] = Field(description="Stored tilbud per authority, closed ones included.")
    active_per_authority: dict[str, int] = Field(description="Tilbud per authority that are not closed today.")
    imports: int
    last_import: LastImportPublic | None

    @classmethod
    def from_report(cls, report: StatusReport, authorised: bool = True) -> StatusPublic:
        """``authorised``: the full URL (host, path); a reader sees only the kind (``sqlite``, ``postgresql``)."""
        ranges = {k: DateRangePublic(first=a, last=b) for k, (a, b) in report.date_ranges.items()}
        kind = report.database.split(":", 1)[0].split("+", 1)[0]
        return cls(
            database=report.database if authorised else kind,
            rows=report.rows,
            date_ranges=ranges,
            facilities_per_authority=report.facilities_per_authority,
            active_per_authority=report.active_per_authority,
            imports=report.imports,
            last_import=None if report.last_import is None else _last_import(report.last_import, authorised),
        )


def _last_import(values: Mapping[str, Any], authorised: bool) -> LastImportPublic:
    """As stored (``imported_at`` the server's local time, naive: no instant a client can place) with the offset;
    the source only for planners."""
    at = values["imported_at"]
    moment = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    source = values["source"] if authorised else None
    return LastImportPublic(**{**values, "imported_at": with_offset(moment), "source": source})


class ImportTablePublic(BaseModel):
    """What one import did to one contract table, as stored with the batch."""

    rows: int = Field(description="Rows (records) of the table in the import.")
    inserted: int = Field(description="Rows with a new key.")
    updated: int = Field(description="Rows whose key was stored with other values (replaced).")
    unchanged: int = Field(description="Rows stored already, as sent.")


class ImportBatchPublic(BaseModel):
    """One import batch: an upload, a push, a lock or unlock, a withdrawn concern report, the demo's import, or an
    import of files on the server (the CLI's `tilsynsplan import`)."""

    id: int = Field(description="Ids grow with every import: `?since=<id>` lists the batches after it.")
    imported_at: dt.datetime = Field(description="The server's local time with its UTC offset.")
    kind: str = Field(
        description="`upload` (HTTP or the web page), `push` (`/use-of-force`, `/concerns`), `lock` (a locked "
        "visit), `unlock` (a lock removed), `demo`, `withdrawal` (a concern report withdrawn by its id), or `file` "
        "(an import of files on the server).",
        **codes(SOURCE_KINDS),
    )
    source: str | None = Field(description=SOURCE_DESCRIPTION)
    tables: dict[str, ImportTablePublic] = Field(description="Per contract table (`visits`, `concerns`, …).")
    inserted: int = Field(description="Sum over the tables.")
    updated: int = Field(description="Sum over the tables.")
    unchanged: int = Field(description="Sum over the tables.")
    warnings: int = Field(description="Warnings of the import (its answer listed them).")

    @classmethod
    def from_batch(cls, batch: ImportBatch, authorised: bool) -> ImportBatchPublic:
        tables = {name: ImportTablePublic(**counts) for name, counts in batch.tables.items()}
        return cls(
            id=batch.id,
            imported_at=with_offset(batch.imported_at),
            kind=source_kind(batch.source),
            source=batch.source if authorised else None,
            tables=tables,
            inserted=sum(t.inserted for t in tables.values()),
            updated=sum(t.updated for t in tables.values()),
            unchanged=sum(t.unchanged for t in tables.values()),
            warnings=batch.warnings,
        )


class ImportListPublic(BaseModel):
    count: int = Field(description="Batches in `batches` (this page).")
    total: int = Field(description="Batches after `since`, before `offset` and `top`.")
    batches: list[ImportBatchPublic] = Field(description="Newest first.")

    @classmethod
    def from_page(cls, total: int, batches: list[ImportBatch], authorised: bool) -> ImportListPublic:
        return cls(
            count=len(batches), total=total, batches=[ImportBatchPublic.from_batch(b, authorised) for b in batches]
        )


# --- uploads and pushes --------------------------------------------------------------------------------


class ViolationPublic(BaseModel):
    file: str
    row: int | None = Field(description="Spreadsheet row (header = 1); for pushed records the record (1 = first).")
    column: str | None
    value: str | None
    rule: str
    message: str = Field(description="What is wrong and what is allowed, in Danish.")
    more: int = Field(
        0,
        description="How many more warnings of the same rule this one stands for: an import lists at most 100 of "
        "one rule and counts the rest in one more (its message says so); 0 for every other.",
    )

    @classmethod
    def from_violation(cls, v: Violation) -> ViolationPublic:
        return cls(file=v.file, row=v.row, column=v.column, value=v.value, rule=v.rule, message=v.message, more=v.more)


class FileSummaryPublic(BaseModel):
    table: str = Field(description="Contract file, e.g. `visits`.")
    source: str = Field(description="The file as uploaded, e.g. `visits.csv` or `[data.xlsx]visits`.")
    rows: int
    inserted: int | None = Field(None, description="New rows stored (null for a dry run).")
    updated: int | None = None
    unchanged: int | None = None
    unknown_columns: list[str] = Field(default_factory=list, description="Columns kept aside (a warning).")


class UploadPublic(BaseModel):
    dry_run: bool
    batch_id: int | None = Field(None, description="The import batch (null for a dry run).")
    total_rows: int
    inserted: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    files: list[FileSummaryPublic]
    warnings: list[ViolationPublic]

    @classmethod
    def from_result(cls, result: ImportResult, summary: ImportSummary | None = None) -> UploadPublic:
        files = []
        for name in result.tables:
            report = result.files[name]
            table = summary.tables.get(name) if summary else None
            files.append(
                FileSummaryPublic(
                    table=name,
                    source=report.source,
                    rows=report.rows,
                    inserted=table.inserted if table else None,
                    updated=table.updated if table else None,
                    unchanged=table.unchanged if table else None,
                    unknown_columns=list(report.unknown_columns),
                )
            )
        return cls(
            dry_run=summary is None,
            batch_id=summary.batch_id if summary else None,
            total_rows=result.total_rows,
            inserted=summary.inserted if summary else None,
            updated=summary.updated if summary else None,
            unchanged=summary.unchanged if summary else None,
            files=files,
            warnings=[ViolationPublic.from_violation(w) for w in result.warnings],
        )


#: A UTF-16 surrogate alone: JSON may escape one (``"\ud800"``), but it is no character and no UTF-8 can hold it;
#: stored or echoed in an answer it failed with a 500.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _number_error(annotation: Any) -> str | None:
    """The error type of a field that takes a number and not true/false (``int``, ``float | None``), else None."""
    kinds = get_args(annotation) or (annotation,)
    if bool in kinds:
        return None
    if int in kinds:
        return "int_type"
    return "float_type" if float in kinds else None


class _Request(BaseModel):
    """A JSON body a client sends: a text holding a lone surrogate is refused by field, and so is ``true`` or
    ``false`` where a number belongs (pydantic reads them as 1 and 0: a wrong field stored one magtanvendelse, or
    re-planned plan 1). 422 ``invalid_request``."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_lone_surrogate(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            raise PydanticCustomError("string_unicode", "Input should be a valid string without lone surrogates")
        if isinstance(value, bool) and info.field_name is not None:
            kind = _number_error(cls.model_fields[info.field_name].annotation)
            if kind is not None:
                raise PydanticCustomError(kind, "Input should be a number, not true or false")
        return value


class _Record(_Request):
    model_config = ConfigDict(extra="forbid")


class UseOfForceCreate(_Record):
    """One month's count of magtanvendelser at one facility (the rules of `use_of_force.csv` apply)."""

    facility_id: str
    month: str = Field(description="`YYYY-MM`, not after this month.", examples=["2026-10"])
    count: int = Field(description="≥ 0.")
    kind: str | None = Field(None, description="Optional, e.g. `fastholdelse`.")


class ConcernCreate(_Record):
    """One bekymringshenvendelse (the rules of `concerns.csv` apply)."""

    facility_id: str
    date: str = Field(description="`YYYY-MM-DD`, not after today.", examples=["2026-11-02"])
    severity: str = Field(description="`low`, `medium` or `high`.", **codes(Severity))
    concern_id: str | None = Field(
        None,
        description=(
            "Optional: the case system's own id of the report (at most 64 characters). With it the report is "
            "stored by (facility_id, concern_id): a re-send is `unchanged`, another date or severity corrects it "
            "(`updated`), and `DELETE /concerns/{facility_id}/{concern_id}` withdraws it. One id names one report of "
            "one tilbud. Without it the key is (facility_id, date, severity)."
        ),
        examples=["HV-2026-00123"],
    )


class LockCreate(_Record):
    """A visit a planner has agreed: every plan keeps it on the day with the inspector."""

    facility_id: str
    date: dt.date = Field(description="A working day, not before today.", examples=["2027-02-09"])
    inspector_id: str
    announced: bool = Field(description="false: an unannounced visit, whose date only planners see.")


class LockPublic(BaseModel):
    facility_id: str
    date: dt.date
    inspector_id: str
    announced: bool


MAX_PUSH_RECORDS = 100_000


class UseOfForcePush(_Request):
    """Records are stored by key (facility_id, month, kind): sending a record again changes nothing (`unchanged`),
    a new count for the same key replaces the stored one (`updated`). All or nothing: one bad record refuses all."""

    # another field is refused: {"records": [...], "dry_run": true} stored the records (dry_run is a query parameter)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "records": [
                        {"facility_id": "T12043", "month": "2026-10", "count": 3, "kind": "fastholdelse"},
                        {"facility_id": "T12226", "month": "2026-10", "count": 0},
                    ]
                }
            ]
        },
    )

    records: list[UseOfForceCreate] = Field(min_length=1, max_length=MAX_PUSH_RECORDS)


class ConcernPush(_Request):
    """A record with `concern_id` is stored by (facility_id, concern_id): sending it again changes nothing
    (`unchanged`), another date or severity corrects it (`updated`); the same id twice in one push, or an id stored
    for another tilbud, is refused. A record without one is stored by (facility_id, date, severity). All or nothing:
    one bad record refuses all."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "records": [
                        {
                            "facility_id": "T12043",
                            "date": "2026-11-02",
                            "severity": "high",
                            "concern_id": "HV-2026-00123",
                        }
                    ]
                }
            ]
        },
    )

    records: list[ConcernCreate] = Field(min_length=1, max_length=MAX_PUSH_RECORDS)


class PushPublic(BaseModel):
    table: str = Field(description="The contract file the records belong to, e.g. `concerns`.")
    records: int = Field(description="Records received.")
    dry_run: bool = Field(False, description="Only checked (`?dry_run=true`): nothing stored, the counts are null.")
    batch_id: int | None = Field(
        description="The import batch: every accepted push is one, also one that changed nothing (null: dry run)."
    )
    inserted: int | None = Field(description="Records with a new key.")
    updated: int | None = Field(description="Records whose key was stored with other values (replaced).")
    unchanged: int | None = Field(description="Records stored already, as sent (a re-send).")
    warnings: list[ViolationPublic]

    @classmethod
    def from_summary(cls, table: str, records: int, summary: ImportSummary) -> PushPublic:
        return cls(
            table=table,
            records=records,
            batch_id=summary.batch_id,
            inserted=summary.inserted,
            updated=summary.updated,
            unchanged=summary.unchanged,
            warnings=[ViolationPublic.from_violation(w) for w in summary.warnings],
        )

    @classmethod
    def from_check(cls, table: str, records: int, result: ImportResult) -> PushPublic:
        """A dry run: the records passed every rule; nothing was stored."""
        return cls(
            table=table,
            records=records,
            dry_run=True,
            batch_id=None,
            inserted=None,
            updated=None,
            unchanged=None,
            warnings=[ViolationPublic.from_violation(w) for w in result.warnings],
        )


# --- risk ----------------------------------------------------------------------------------------------


def clean_number(value: Any) -> float | None:
    """A float for JSON (``None`` for missing / NaN)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def clean_value(value: Any) -> Any:
    """A pandas / numpy cell as a plain JSON-able Python value."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class FactorPublic(BaseModel):
    """One reason: a Danish sentence with the facility's value and the comparison value."""

    feature: str
    text: str = Field(description="The reason in Danish, e.g. 'Magtanvendelser: 14 pr. plads …'.")
    value: float | None
    comparison: float | None
    shap: float = Field(description="Contribution to the model's log-odds (positive raises the risk).")

    @classmethod
    def from_factor(cls, factor: Mapping[str, Any]) -> FactorPublic:
        return cls(
            feature=str(factor.get("feature", "")),
            text=str(factor.get("text", "")),
            value=clean_number(factor.get("value")),
            comparison=clean_number(factor.get("comparison")),
            shap=clean_number(factor.get("shap")) or 0.0,
        )


class RiskScorePublic(BaseModel):
    facility_id: str
    name: str | None
    authority: str | None = Field(**codes(Authority, nullable=True))
    facility_type: str | None = Field(**codes(FacilityType, nullable=True))
    ownership: str | None = Field(
        description="Shown for auditing only; never a model input.", **codes(Ownership, nullable=True)
    )
    risk: float = Field(description="Probability (0-1) that the next visit finds a serious problem.")
    rank: int = Field(description="1 = riskiest (within the authority when filtered by one).")
    national_rank: int
    tier: str = Field(
        description="`høj` (top 10 % nationally), `forhøjet` (next 20 %), `normal`; equal risks share a tier, "
        "so a tier may hold more than its share.",
        **codes(TIERS),
    )
    top_factors: list[FactorPublic]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RiskScorePublic:
        return cls(
            facility_id=str(row["facility_id"]),
            name=clean_value(row.get("name")),
            authority=clean_value(row.get("authority")),
            facility_type=clean_value(row.get("facility_type")),
            ownership=clean_value(row.get("ownership")),
            risk=clean_number(row["risk"]) or 0.0,
            rank=int(row["rank"]),
            national_rank=int(row["national_rank"]),
            tier=str(row["tier"]),
            top_factors=[FactorPublic.from_factor(f) for f in (row.get("top_factors") or [])],
        )


class RiskListPublic(BaseModel):
    as_of: dt.date
    model_version: str
    run_id: int = Field(description="The stored risk run; scoring the same date with the same model again keeps it.")
    scored_at: dt.datetime | None = Field(
        description="When the run was scored (the server's local time with its UTC offset). A new scoring of the same "
        "date and model keeps `run_id` but not this: compare both to notice new scores."
    )
    trained_now: bool = Field(description="No model existed: one was trained for this request.")
    notes: list[str]
    count: int = Field(description="Rows in `scores` (this page).")
    total: int = Field(description="Rows of the list before `offset` and `top` (after `authority`, `facility_type`).")
    scores: list[RiskScorePublic] = Field(description="Riskiest first.")

    @classmethod
    def from_result(cls, result: ScoreResult) -> RiskListPublic:
        rows = [RiskScorePublic.from_row(r) for r in result.scores.to_dict(orient="records")]
        return cls(
            as_of=result.as_of,
            model_version=result.model_version,
            run_id=result.run_id,
            scored_at=None if result.scored_at is None else with_offset(result.scored_at),
            trained_now=result.trained_now,
            notes=list(result.notes),
            count=len(rows),
            total=len(rows) if result.total is None else result.total,
            scores=rows,
        )


#: As the CLI's ``score --format csv`` (docs/risk-model.md), ``top_factors`` last.
RISK_CSV_COLUMNS = (
    "facility_id", "name", "authority", "facility_type", "ownership", "risk", "rank", "national_rank", "tier"
)  # fmt: skip


def risk_csv(result: ScoreResult) -> str:
    """The risk list as CSV (UTF-8, comma): one row per facility, the reasons joined by ' | '."""
    frame = result.scores
    out = frame[list(RISK_CSV_COLUMNS)].assign(
        risk=frame["risk"].astype(float).round(6),
        top_factors=[" | ".join(str(f.get("text", "")) for f in (fs or [])) for fs in frame["top_factors"]],
    )
    text: str = out.to_csv(index=False, lineterminator="\n")
    return text


class ExplanationPublic(BaseModel):
    """Why one facility has its risk: every factor (largest first) and the top ones raising it."""

    facility_id: str
    name: str
    authority: str = Field(**codes(Authority))
    facility_type: str = Field(**codes(FacilityType))
    as_of: dt.date
    risk: float
    rank: int = Field(description="National rank of the risk scored now (1 = riskiest).")
    tier: str = Field(**codes(TIERS))
    margin: float = Field(description="The model's log-odds: base_value + sum of every factor's shap.")
    base_value: float
    model_version: str
    cold_start: bool = Field(description="True: the expert score (too few findings to train LightGBM).")
    factors: list[FactorPublic]
    top_factors: list[FactorPublic]

    @classmethod
    def from_explanation(cls, e: FacilityExplanation) -> ExplanationPublic:
        return cls(
            facility_id=e.facility_id,
            name=e.name,
            authority=e.authority,
            facility_type=e.facility_type,
            as_of=dt.date.fromisoformat(e.as_of),
            risk=e.risk,
            rank=e.rank,
            tier=e.tier,
            margin=e.margin,
            base_value=e.base_value,
            model_version=e.model_version,
            cold_start=e.cold_start,
            factors=[FactorPublic.from_factor(f) for f in e.factors],
            top_factors=[FactorPublic.from_factor(f) for f in e.top_factors],
        )


class FacilityPublic(BaseModel):
    """A facility's master data and its place in the latest risk list (``risk`` null when it is not
    active in that list)."""

    facility_id: str
    name: str
    authority: str = Field(**codes(Authority))
    municipality: str | None
    postcode: str | None
    facility_type: str = Field(**codes(FacilityType))
    ownership: str = Field(**codes(Ownership))
    places: int | None
    target_group: str | None
    approved_on: dt.date | None
    closed_on: dt.date | None
    has_board: bool | None
    respite_only: bool | None
    risk: RiskScorePublic | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any], risk: RiskScorePublic | None) -> FacilityPublic:
        values = {name: clean_value(record.get(name)) for name in cls.model_fields if name != "risk"}
        return cls(**values, risk=risk)


class TrainCreate(_Request):
    model_config = ConfigDict(extra="forbid")  # a misspelt "as_of" trained as of today, silently

    as_of: dt.date | None = Field(None, description="Train on what was known before this date (default today).")


class ScoreCreate(_Request):
    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(None, description="Score with what was known on this date (default today).")


class TrainPublic(BaseModel):
    version: str
    as_of: dt.date
    cold_start: bool
    metrics: dict[str, dict[str, Any]] = Field(
        description=(
            "Per score (model, baselines): AUC, precision top 10 %, … on the validation period. When LightGBM's lead "
            "over the expert score is within that period's noise, the risk used is their blend: `blend` (the risk "
            "model's figures) is then present and `model` is LightGBM alone."
        )
    )
    authority_offsets: dict[str, float]
    fairness: dict[str, Any]

    @classmethod
    def from_report(cls, report: TrainReport) -> TrainPublic:
        metrics = {
            str(row["score"]): {m: clean_number(v) for m, v in row.items() if m not in ("score", "blended")}
            for row in metric_rows(report.card)
        }
        offsets = {k: clean_number(v) or 0.0 for k, v in report.offsets().items()}
        return cls(
            version=report.version,
            as_of=report.as_of,
            cold_start=report.cold_start,
            metrics=metrics,
            authority_offsets=offsets,
            fairness=report.fairness.as_dict(),
        )


# --- plans ---------------------------------------------------------------------------------------------


class PlanCreate(_Request):
    model_config = ConfigDict(extra="forbid")

    quarter: str = Field(
        description="The plan of record, `YYYYQn` or the Danish `YYYYKn` (stored as `YYYYQn`).", examples=["2027Q1"]
    )
    as_of: dt.date | None = Field(None, description="Plan with what was known on this date (default today).")
    authority: str | None = Field(None, description="Only one socialtilsyn (default: all five).")
    time_limit_s: float | None = Field(
        None, gt=0, le=3600, allow_inf_nan=False, description="Solver time limit in seconds (default: setting)."
    )
    parent_plan_id: int | None = Field(
        None, ge=1, le=DATABASE_INT_MAX, description="Re-plan: moving this plan's visits costs."
    )
    allow_late: bool = Field(
        False,
        description="When capacity is too short to keep every deadline: store the best-effort plan (status "
        "`best_effort`, the missed deadlines in `late`) instead of refusing with 409 `plan_infeasible`.",
    )


def with_offset(moment: dt.datetime) -> dt.datetime:
    """A stored time (the server's local time, naive) with the server's UTC offset: an RFC 3339 ``date-time``, as
    OpenAPI declares it (``2026-11-23T14:28:29+01:00``), not a time a client must guess the zone of."""
    return moment if moment.tzinfo is not None else moment.astimezone()


class PlanSummaryPublic(BaseModel):
    id: int
    created_at: dt.datetime = Field(description="When the plan was made: the server's local time with its UTC offset.")
    quarter: str
    as_of: dt.date
    authority: str | None
    status: str = Field(
        description="`optimal`, `feasible` (not proven optimal) or `best_effort` (planned with `allow_late`: "
        "deadlines are missed, see `late`)."
    )
    parent_id: int | None
    visit_count: int

    @classmethod
    def from_info(cls, info: PlanInfo | StoredPlan) -> PlanSummaryPublic:
        return cls(
            id=info.id,
            created_at=with_offset(info.created_at),
            quarter=info.quarter,
            as_of=info.as_of,
            authority=info.authority,
            status=info.status,
            parent_id=info.parent_id,
            visit_count=info.visit_count,
        )


class PlanListItemPublic(PlanSummaryPublic):
    """A stored plan in the list: its header and whether it still fits the data."""

    data_status: str = Field(
        description="`data_changes.status` of `GET /plans/{id}`: `unchanged`, `imports_only` or `changed` (the data "
        "changed since the plan was made in a way that matters to it: re-plan).",
        **codes(Freshness),
    )

    @classmethod
    def from_listed(cls, info: PlanInfo, status: Freshness) -> PlanListItemPublic:
        return cls(**PlanSummaryPublic.from_info(info).model_dump(), data_status=status.value)


class PlanVisitPublic(BaseModel):
    """One planned visit. For readers who are not authorised an unannounced visit shows only its
    quarter: ``date``, ``week`` and ``inspector_ids`` are null."""

    facility_id: str
    authority: str | None = Field(**codes(Authority, nullable=True))
    quarter: str = Field(description="`YYYYQn`.", examples=["2027Q1"])
    week: int | None = Field(description="ISO week number.")
    date: dt.date | None
    inspector_ids: list[str] | None
    announced: bool
    confidential: bool = Field(description="An unannounced visit: date, week and inspectors are confidential.")
    kind: str = Field(**codes(VisitKind))
    role: str | None = Field(description="Why the visit is in the plan (its slot).", **codes(VisitRole, nullable=True))
    reason_code: str | None = Field(
        description="Why it sits where it sits; `reason` says it in Danish.", **codes(ReasonCode, nullable=True)
    )
    reason: str = Field(description="Why the visit sits where it sits, in Danish.")
    locked: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any], day: dt.date, authorised: bool) -> PlanVisitPublic:
        """``row`` from ``visits_for_reader``; ``day`` the true date (only its quarter leaves for readers)."""
        hide = bool(row["confidential"]) and not authorised
        return cls(
            facility_id=str(row["facility_id"]),
            authority=clean_value(row.get("authority")),
            quarter=quarter_of(day),
            week=None if hide else day.isocalendar().week,
            date=None if hide else day,
            inspector_ids=None if hide else [i for i in str(row["inspector_ids"]).split(";") if i],
            announced=bool(row["announced"]),
            confidential=bool(row["confidential"]),
            kind=str(row["kind"]),
            role=clean_value(row.get("role")),
            reason_code=clean_value(row.get("reason_code")),
            reason=str(row["reason"]),
            locked=bool(row["locked"]),
        )


class LateVisitPublic(BaseModel):
    """A deadline a best-effort plan does not keep. For readers who are not authorised ``planned_date`` and
    ``weeks_late`` are null (with the deadline they would give the unannounced visit's week away)."""

    facility_id: str
    authority: str
    deadline: dt.date = Field(description="The due date the plan had to keep (an overdue tilbud's: the postponed one).")
    planned: bool = Field(description="A visit is planned (after the deadline); false: none in the horizon.")
    planned_date: dt.date | None
    weeks_late: int | None = Field(description="Calendar weeks from the deadline's week to the visit's.")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], authorised: bool) -> LateVisitPublic:
        planned = raw.get("planned_date")
        return cls(
            facility_id=str(raw["facility_id"]),
            authority=str(raw.get("authority", "")),
            deadline=dt.date.fromisoformat(str(raw["deadline"])),
            planned=planned is not None,
            planned_date=dt.date.fromisoformat(str(planned)) if planned is not None and authorised else None,
            weeks_late=raw.get("weeks_late") if authorised else None,
        )


class ShortfallPublic(BaseModel):
    """The inspector-days (tilsynsdage) one socialtilsyn lacks in a quarter to keep the deadlines of these tilbud."""

    authority: str
    quarter: str
    inspector_days: int | None = Field(description="Null when the socialtilsyn has no inspector with capacity.")
    facility_ids: list[str]
    message: str
    note: str = Field(
        "",
        description="Who alone may visit these tilbud (their type) and when they are away; empty when every "
        "inspector with capacity may (then it is days that lack). Also the end of `message`.",
    )
    first_visit: int = Field(
        0,
        description="How many of `facility_ids` miss a new tilbud's first-visit deadline "
        "(`TILSYNSPLAN_FIRST_VISIT_MONTHS` after approval); the rest miss the two-year rule.",
    )


class PlanChangePublic(BaseModel):
    """One kind of change since the plan was made that matters to it (``planner.staleness``)."""

    kind: str = Field(
        description="`closed` (a tilbud the plan visits closes before a planned visit), `new_facility` (an active "
        "tilbud the plan does not know: the first-visit rule), `visit_recorded` (a visit recorded that the plan does "
        "not have; an unannounced one moves the two-year deadline), `inspector` (an inspector the plan sends was "
        "removed, or changed socialtilsyn, competence or visits per week), `absence` (a planned visit on its "
        "inspector's absence), `day_off` (a planned visit on a day off the settings added), `locked` (a lock in the "
        "horizon the plan does not keep), `unlocked` (a visit the plan keeps locked is no longer locked).",
        **codes(ChangeKind),
    )
    count: int = Field(description="How many tilbud, visits or inspectors it concerns (readers too).")
    facility_ids: list[str] = Field(
        description="The tilbud concerned; for a reader without those whose unannounced visit's day or inspector "
        "the change would tell (they are in `count`)."
    )
    inspector_ids: list[str] = Field(description="The inspectors concerned (for a reader: not of unannounced visits).")
    message: str = Field(description="The change in Danish, as the plan page says it to this caller.")


class PlanDataChangesPublic(BaseModel):
    """Whether the data changed since the plan was made, and what that matters to the plan (no solve): the plan
    itself never changes; this part of the answer does."""

    status: str = Field(
        description="`unchanged` (nothing imported, locked or unlocked since the plan was made), `imports_only` "
        "(data imported since, none of it changes the plan's visits) or `changed` (re-plan: see `advice`).",
        **codes(Freshness),
    )
    imports_since: int = Field(description="Import batches since the plan's data were read (`GET /imports`).")
    last_import_at: dt.datetime | None = Field(description="The newest of them, with the server's UTC offset.")
    message: str = Field(description="One Danish sentence; empty when `unchanged`.")
    changes: list[PlanChangePublic]
    advice: str = Field(
        description="For `changed`: the re-plan command and API call for a planner, for a reader a sentence asking a "
        "planner to re-plan (Danish); else empty."
    )

    @classmethod
    def from_staleness(cls, staleness: PlanStaleness, authorised: bool) -> PlanDataChangesPublic:
        raw = staleness.as_dict(authorised)
        last = staleness.last_import_at
        return cls(**{**raw, "last_import_at": None if last is None else with_offset(last)})


class PlanPublic(PlanSummaryPublic):
    risk_run_id: int | None
    authorised: bool = Field(description="Whether confidential fields are shown (the caller is a planner).")
    replan_changes: dict[str, Any] | None = Field(
        None,
        description="A re-plan: how many of the parent's visits from `since` on lie on the same day (`kept`), "
        "were `moved`, `dropped` or `added` (as `tilsynsplan plan show --format json`).",
    )
    late: list[LateVisitPublic] = Field(
        default_factory=list,
        description="A best-effort plan: each visit after its deadline and each deadline with no visit (empty for "
        "any other plan).",
    )
    shortfall: list[ShortfallPublic] = Field(
        default_factory=list, description="A best-effort plan: the missing inspector-days per socialtilsyn and quarter."
    )
    data_changes: PlanDataChangesPublic | None = Field(
        None,
        description="Whether the data changed since the plan was made and what that matters to the plan (closed or "
        "new tilbud, recorded visits, inspectors, absences, days off, locks), with the re-plan to make; `status` "
        "`unchanged` when nothing did. Told to readers without the tilbud and day of an unannounced visit.",
    )
    visits: list[PlanVisitPublic]

    @classmethod
    def from_stored(
        cls,
        plan: StoredPlan,
        visits: pd.DataFrame,
        authorised: bool,
        changes: Mapping[str, Any] | None = None,
        data_changes: PlanStaleness | None = None,
    ) -> PlanPublic:
        """``visits``: ``visits_for_reader(plan, authorised)``; ``changes``: ``replan_changes(...).as_dict()``;
        ``data_changes``: ``plan_data_changes(...)``."""
        days = list(plan.visits["date"].loc[visits.index])  # the true dates, in the reader's order
        rows = visits.to_dict(orient="records")
        return cls(
            **PlanSummaryPublic.from_info(plan).model_dump(),
            risk_run_id=plan.risk_run_id,
            authorised=authorised,
            replan_changes=None if changes is None else dict(changes),
            late=[LateVisitPublic.from_dict(o, authorised) for o in plan.analysis.get("late", [])],
            shortfall=[ShortfallPublic(**s) for s in plan.analysis.get("shortfall", [])],
            data_changes=None
            if data_changes is None
            else PlanDataChangesPublic.from_staleness(data_changes, authorised),
            visits=[PlanVisitPublic.from_row(r, d, authorised) for r, d in zip(rows, days, strict=True)],
        )


class OverduePublic(BaseModel):
    """A tilbud whose deadline could not be kept any more at the plan's start: visited as early as possible."""

    facility_id: str = Field(description="The tilbud.")
    authority: str = Field(description="Its socialtilsyn.", **codes(Authority))
    deadline: dt.date = Field(description="The deadline that passed (or falls before the plan's first working day).")
    planned_date: dt.date | None = Field(description="The visit's day: planners only (null for a reader).")


class AnalysisLatePublic(OverduePublic):
    """A deadline a best-effort plan does not keep (as `late` of the plan)."""

    weeks_late: int | None = Field(description="Calendar weeks after the deadline's week: planners only.")


class PlanAnalysisPublic(BaseModel):
    """What a plan costs and why (`tilsynsplan plan show --analysis`): the solve, each soft rule's cost, the tilbud past
    their deadline, the comparison with rotation and the capacity used. This document describes the answer; a plan
    stored by an older version may lack a field (`start`, `end`, `late`, …)."""

    model_config = ConfigDict(extra="allow")

    status: str = Field(description="`optimal`, `feasible` or `best_effort` (the worst over the socialtilsyn).")
    objective: float | None = Field(
        description="The plan's total cost (the sum of `rule_costs`); null for a reader (see `rule_costs`)."
    )
    bound: float | None = Field(description="The solver's lower bound on the cost; null for a reader.")
    gap: float = Field(description="(objective - bound) / objective: 0 is proven optimal.")
    solve_seconds: float = Field(
        description="Seconds the solve took: the flow, the model's build and CP-SAT (per authority `build_seconds` "
        "plus `seconds`)."
    )
    first_solution_seconds: float | None = Field(description="Seconds to the first complete plan.")
    authorities: list[dict[str, Any]] = Field(
        description="One solve per socialtilsyn: `authority`, `status`, `method`, `objective`, `bound`, `gap`, "
        "`seconds`, `build_seconds`, `first_solution_seconds`, `slots`, `variables`, `candidates` (`objective` and "
        "`bound` null for a reader)."
    )
    rule_costs: dict[str, int] = Field(
        description="Each soft rule's cost in the plan (`risk_lateness`, `early_visit`, `extra_top_tier`, "
        "`workload_balance`, `travel`, `stability`, `overdue_delay`, `tie_break`; a best-effort plan's "
        "`deadline_relaxed`, `first_visit_relaxed`). A reader does not get `overdue_delay`, `deadline_relaxed` and "
        "`first_visit_relaxed`: with one overdue or late tilbud they are the week of its visit, mostly unannounced."
    )
    overdue: list[OverduePublic] = Field(description="Tilbud whose deadline could not be kept at the plan's start.")
    baseline: dict[str, float | int | str | list[str] | dict[str, int] | None] = Field(
        description="The plan against rotation (oldest visit first) with the same capacity: `plan_risk_lateness`, "
        "`baseline_risk_lateness`, `top_decile_count`, `plan_top_decile_first_quarter`, "
        "`baseline_top_decile_first_quarter`, `ratio`, `baseline_missed_deadlines`, and the group the top-decile "
        "figures count: `top_share` (0.1), `top_scope` (`national`: the riskiest share of all tilbud in the risk "
        "run, whose socialtilsyn are `top_pool`; `authority`: of each socialtilsyn; a plan stored before 2026-11-25 "
        "has `authority`) and `top_by_authority`, how many of the group each socialtilsyn planned has."
    )
    check_ok: bool = Field(description="The independent checker accepted the plan.")
    violations: list[str] = Field(description="The checker's findings (empty for a reader: they may name dates).")
    visits_first_quarter_by_inspector: dict[str, int] = Field(
        description="Visits in the plan's quarter, by inspector (a reader: the announced visits of the inspectors "
        "who make any; who makes an unannounced visit is confidential)."
    )
    capacity_first_quarter_by_inspector: dict[str, int] = Field(
        description="Possible visits in the plan's quarter, by inspector (absences and holidays deducted); empty for a "
        "reader (beside the visits it would tell when a fully booked inspector's unannounced visits fall)."
    )
    notes: list[str] = Field(description="Notes of the planning, in Danish.")
    confidential_notes: list[str] = Field(
        description="Notes naming the weeks of locked visits: planners only (empty for a reader)."
    )
    weights: dict[str, int] = Field(description="The weights of the soft rules the plan was made with.")
    deadlines: dict[str, dt.date] = Field(
        description="Tilbud id -> the legal due date of its next unannounced visit (a new tilbud's first visit)."
    )
    utilisation_spread_first_quarter: float | None = Field(
        description="Percentage points between the most and the least used inspector of a socialtilsyn in the plan's "
        "quarter (the worst); null for a reader (over all visits, it would tell how the unannounced ones are split "
        "between the inspectors)."
    )
    late: list[AnalysisLatePublic] = Field(description="A best-effort plan's missed deadlines (else empty).")
    shortfall: list[ShortfallPublic] = Field(description="A best-effort plan's missing inspector-days (else empty).")
    start: dt.date | None = Field(None, description="The horizon's first day.")
    end: dt.date | None = Field(None, description="The horizon's last day.")


def analysis_for_reader(
    analysis: Mapping[str, Any], authorised: bool, announced_by_inspector: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """A plan's analysis; for readers who are not authorised the planned dates of overdue facilities and of
    late ones (with their weeks late) and the checker's messages (which may name dates) are left out, and the visits
    by inspector are the announced ones (``announced_by_inspector``), without the capacity by inspector: who makes
    an unannounced visit is confidential, and a full inspector's capacity would tell its day; nor the utilisation
    spread, worked out from those totals; nor the costs that price single visits' weeks
    (:data:`planner.domain.VISIT_TIMING_COSTS`: one overdue tilbud's cost was its visit's week, one late visit's its
    weeks late) or the totals and bounds they would follow from."""
    out = dict(analysis)
    if authorised:
        return out
    out["rule_costs"] = {k: v for k, v in (analysis.get("rule_costs") or {}).items() if k not in VISIT_TIMING_COSTS}
    out["objective"] = out["bound"] = None
    out["authorities"] = [{**a, "objective": None, "bound": None} for a in analysis.get("authorities", [])]
    out["visits_first_quarter_by_inspector"] = dict(announced_by_inspector or {})
    out["capacity_first_quarter_by_inspector"] = {}
    out["utilisation_spread_first_quarter"] = None  # the spread of the per-inspector totals a reader may not see
    out["overdue"] = [{**o, "planned_date": None} for o in analysis.get("overdue", [])]
    out["late"] = [{**o, "planned_date": None, "weeks_late": None} for o in analysis.get("late", [])]
    out["violations"] = []
    out["confidential_notes"] = []  # they name the weeks of locked visits, unannounced ones included
    return out
