"""Import services shared by the CLI and the HTTP API: validate an upload, import it, report what is loaded.

"Today" (dates after it are refused) is ``settings.effective_today()`` (``TILSYNSPLAN_TODAY``).
References in an upload may point at rows already stored, so validation reads the database's
facilities, inspectors and visits when a database exists (it never creates or changes one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data.dataset import Dataset
from data.importer import ImportResult, read_upload
from data.settings import Settings
from data.store import (
    ImportSummary,
    Progress,
    StatusReport,
    database_exists,
    database_status,
    empty_status,
    load_reference_data,
    open_database,
    save_upload,
)


@dataclass(frozen=True)
class ImportOutcome:
    """A stored upload: what was read (files, warnings) and what storing it changed."""

    result: ImportResult
    summary: ImportSummary


def stored_references(settings: Settings) -> Dataset | None:
    """Facilities, inspectors and visits already stored (``None`` when there is no database yet)."""
    if not database_exists(settings):
        return None
    engine = open_database(settings)
    try:
        return load_reference_data(engine)
    finally:
        engine.dispose()


def validate_upload(settings: Settings, source: Path) -> ImportResult:
    """Check an upload against every rule of the data contract; stores nothing.

    Raises :class:`~data.errors.ValidationFailed` (every violation) when the upload is not valid.
    """
    return read_upload(source, today=settings.effective_today(), existing=stored_references(settings))


def import_upload(
    settings: Settings,
    source: Path,
    *,
    progress: Progress | None = None,
    label: str | None = None,
) -> ImportOutcome:
    """Check an upload and, when valid, store it in one transaction (upsert by key).

    ``label`` names the upload in the import log (default: the path). Raises
    :class:`~data.errors.ValidationFailed` before anything is written when the upload is not valid.
    """
    result = validate_upload(settings, source)
    engine = open_database(settings)
    try:
        summary = save_upload(engine, result, label or str(source), progress)
    finally:
        engine.dispose()
    return ImportOutcome(result=result, summary=summary)


def status(settings: Settings) -> StatusReport:
    """What is loaded (an empty report when there is no database yet; none is created)."""
    if not database_exists(settings):
        return empty_status(settings)
    engine = open_database(settings)
    try:
        return database_status(engine)
    finally:
        engine.dispose()
