"""Import services shared by the CLI and the HTTP API: validate an upload, import it, report what is loaded.

"Today" (dates after it are refused) is ``settings.effective_today()`` (``TILSYNSPLAN_TODAY``).
References in an upload may point at rows already stored, and the rules that span files are checked on the
stored rows as the upload would update them, so validation reads the database when one exists (its facilities,
inspectors and visits, other tables only when the upload changes what their rows depend on; it never creates or
changes a database).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from data.contract import FILE_BY_NAME
from data.errors import InvalidArgumentError, ValidationFailed, Violation
from data.importer import ImportResult, read_upload
from data.settings import Settings
from data.store import (
    ImportSummary,
    Progress,
    StatusReport,
    StoredTables,
    database,
    database_exists,
    database_status,
    empty_status,
    loaded_authorities,
    save_upload,
)


@dataclass(frozen=True)
class ImportOutcome:
    """A stored upload: what was read (files, warnings) and what storing it changed."""

    result: ImportResult
    summary: ImportSummary


def validate_upload(settings: Settings, source: Path) -> ImportResult:
    """Check an upload against every rule of the data contract, also together with what is stored; stores nothing.

    Raises :class:`~data.errors.ValidationFailed` (every violation) when the upload is not valid.
    """
    today = settings.effective_today()
    if not database_exists(settings):
        return read_upload(source, today=today)
    with database(settings) as engine:
        return read_upload(source, today=today, existing=StoredTables(engine))


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
    with database(settings) as engine:
        summary = save_upload(engine, result, label or str(source), progress)
    return ImportOutcome(result=result, summary=summary)


def status(settings: Settings) -> StatusReport:
    """What is loaded (an empty report when there is no database yet; none is created)."""
    if not database_exists(settings):
        return empty_status(settings)
    with database(settings) as engine:
        return database_status(engine, settings.effective_today())


def authorities_loaded(settings: Settings) -> set[str]:
    """The socialtilsyn whose tilbud are stored (empty when there is no database yet; none is created)."""
    if not database_exists(settings):
        return set()
    with database(settings) as engine:
        return loaded_authorities(engine)


#: Contract files whose rows may be sent as records (``push_records``): a case system's magtanvendelser
#: and concerns, and a planner's locked (agreed) visits.
PUSHABLE_TABLES = ("use_of_force", "concerns", "locked_visits")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def records_csv(table: str, records: Sequence[Mapping[str, object]]) -> str:
    """Records (dicts keyed by the contract's column names) as the text of ``<table>.csv``."""
    columns = FILE_BY_NAME[table].column_names
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(record.get(c)) for c in columns] for record in records)
    return buffer.getvalue()


def _as_record_violation(v: Violation, table: str) -> Violation:
    """A violation in the temporary CSV, named by the pushed record instead (row 1 = the first record)."""
    if v.file != FILE_BY_NAME[table].filename:
        return v  # about another file (e.g. no facilities stored yet)
    row = None if v.row is None else v.row - 1
    return dataclasses.replace(v, file=table, row=row)


def push_records(
    settings: Settings, table: str, records: Sequence[Mapping[str, object]], *, label: str | None = None
) -> ImportOutcome:
    """Check records a case system pushes (rows of one contract file, e.g. ``use_of_force``) with the
    importer's rules against the stored data, and store them in one transaction (upsert by key).

    Raises :class:`~data.errors.ValidationFailed` (nothing stored) with every violation; in it ``file``
    is the table and ``row`` the record's position (1 = the first record).
    """
    if table not in PUSHABLE_TABLES:
        raise InvalidArgumentError(f"'{table}' kan ikke indsendes som poster. Tilladt: {', '.join(PUSHABLE_TABLES)}.")
    if not records:
        raise InvalidArgumentError("Ingen poster at gemme: 'records' er tom.")
    with tempfile.TemporaryDirectory(prefix="tilsynsplan-push-") as folder:
        path = Path(folder) / FILE_BY_NAME[table].filename
        path.write_text(records_csv(table, records), encoding="utf-8")
        try:
            return import_upload(settings, path, label=label or f"push:{table}")
        except ValidationFailed as error:
            violations = [_as_record_violation(v, table) for v in error.violations]
            warnings = [_as_record_violation(w, table) for w in error.warnings]
            raise ValidationFailed(violations, warnings, total=error.total) from None
