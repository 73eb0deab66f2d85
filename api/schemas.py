"""pydantic models for everything that enters or leaves the HTTP API (JSON keys in English).

Families per entity: ``...Create`` (what a client sends), ``...Public`` (what it receives). Each
``Public`` model has a ``from_...`` constructor from the service's result, so routes stay thin and
what leaves the API — in particular what a reader may not see — is decided here, in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from data.errors import Violation
from data.importer import ImportResult
from data.store import ImportSummary, StatusReport

# --- errors ------------------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    code: str = Field(description="Stable English identifier, e.g. `validation_failed`, `not_found`.")
    message: str = Field(description="What went wrong, in Danish.")
    details: list[dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "For `validation_failed`: one object per violation (file, row, column, value, rule, message). "
            "For `invalid_request`: location, field, message."
        ),
    )


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries: these statuses answer the one error shape."""
    return {status: {"model": ErrorResponse} for status in statuses}


# --- health and status -------------------------------------------------------------------------------


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class DateRangePublic(BaseModel):
    first: dt.date | None
    last: dt.date | None


class StatusPublic(BaseModel):
    database: str = Field(description="Database URL, password hidden.")
    rows: dict[str, int] = Field(description="Stored rows per contract file.")
    date_ranges: dict[str, DateRangePublic]
    facilities_per_authority: dict[str, int]
    imports: int
    last_import: dict[str, Any] | None

    @classmethod
    def from_report(cls, report: StatusReport) -> StatusPublic:
        ranges = {k: DateRangePublic(first=a, last=b) for k, (a, b) in report.date_ranges.items()}
        return cls(
            database=report.database,
            rows=report.rows,
            date_ranges=ranges,
            facilities_per_authority=report.facilities_per_authority,
            imports=report.imports,
            last_import=report.last_import,
        )


# --- uploads and pushes --------------------------------------------------------------------------------


class ViolationPublic(BaseModel):
    file: str
    row: int | None = Field(description="Spreadsheet row (header = 1); for pushed records the record (1 = first).")
    column: str | None
    value: str | None
    rule: str
    message: str = Field(description="What is wrong and what is allowed, in Danish.")

    @classmethod
    def from_violation(cls, v: Violation) -> ViolationPublic:
        return cls(file=v.file, row=v.row, column=v.column, value=v.value, rule=v.rule, message=v.message)


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


class _Record(BaseModel):
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
    severity: str = Field(description="`low`, `medium` or `high`.")


MAX_PUSH_RECORDS = 100_000


class UseOfForcePush(BaseModel):
    records: list[UseOfForceCreate] = Field(min_length=1, max_length=MAX_PUSH_RECORDS)


class ConcernPush(BaseModel):
    records: list[ConcernCreate] = Field(min_length=1, max_length=MAX_PUSH_RECORDS)


class PushPublic(BaseModel):
    table: str
    records: int
    batch_id: int
    inserted: int
    updated: int
    unchanged: int
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
