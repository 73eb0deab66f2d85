"""Import services shared by the CLI and the HTTP API: validate an upload, import it, report what is loaded.

"Today" (dates after it are refused) is ``settings.effective_today()`` (``TILSYNSPLAN_TODAY``).
References in an upload may point at rows already stored, and the rules that span files are checked on the
stored rows as the upload would update them, so validation reads the database when one exists (its facilities,
inspectors and visits, other tables only when the upload changes what their rows depend on; it never creates or
changes a database).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME
from data.errors import InvalidArgumentError, NotFoundError, StoredDataChanged, ValidationFailed, Violation, shown_value
from data.importer import ABSENT_FILE_WARNINGS, ImportResult, check_upload, read_upload
from data.readers import RawTable, RawUpload, composed
from data.settings import Settings
from data.store import (
    UNLOCK_SOURCE,
    WITHDRAWAL_SOURCE,
    CheckedAgainst,
    ImportBatch,
    ImportSummary,
    Progress,
    StatusReport,
    StoredTables,
    WithdrawnConcern,
    concern_owners,
    database,
    database_exists,
    database_status,
    empty_status,
    import_batches,
    import_stamp,
    loaded_authorities,
    newest_batch,
    save_upload,
)
from data.store import withdraw_concern as withdraw_stored_concern

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOutcome:
    """A stored upload: what was read (files, warnings) and what storing it changed."""

    result: ImportResult
    summary: ImportSummary


#: The largest integer the database stores (SQLite, PostgreSQL BIGINT): a batch id, a page size or offset past it
#: names nothing, and the driver fails on it (OverflowError).
BATCH_ID_MAX = 2**63 - 1


def validate_upload(settings: Settings, source: Path) -> ImportResult:
    """Check an upload against every rule of the data contract, also together with what is stored; stores nothing.

    Raises :class:`~data.errors.ValidationFailed` (every violation) when the upload is not valid.
    """
    return _checked_upload(settings, source)[1]


def _checked_upload(settings: Settings, source: Path) -> tuple[CheckedAgainst, ImportResult]:
    """:func:`validate_upload`, with the stored data it was checked against (read before the stored rows)."""
    today = settings.effective_today()
    if not database_exists(settings):
        return CheckedAgainst(None), read_upload(source, today=today)
    with database(settings) as engine:
        checked = newest_batch(engine)
        return checked, read_upload(source, today=today, existing=StoredTables(engine))


#: How many times an import is checked again when another import stored data between its check and its write.
CHECK_ATTEMPTS = 3


def _store_checked(
    settings: Settings, check: Callable[[], tuple[CheckedAgainst, ImportResult]], label: str, progress: Progress | None
) -> ImportOutcome:
    """Check with ``check`` and store the result, unless another import stored a batch in between: the check did not
    see it (:class:`~data.errors.StoredDataChanged`), so check again, up to :data:`CHECK_ATTEMPTS` times."""
    for attempt in range(1, CHECK_ATTEMPTS + 1):
        checked, result = check()
        try:
            with database(settings) as engine:
                summary = save_upload(engine, result, label, progress, checked_against=checked)
            return ImportOutcome(result=result, summary=summary)
        except StoredDataChanged:
            if attempt == CHECK_ATTEMPTS:
                raise
            log.info("another import stored data while %s was checked: checking it again", label)
    raise AssertionError("unreachable")  # pragma: no cover


def import_upload(
    settings: Settings,
    source: Path,
    *,
    progress: Progress | None = None,
    label: str | None = None,
) -> ImportOutcome:
    """Check an upload and, when valid, store it in one transaction (upsert by key).

    ``label`` names the upload in the import log (default: the path). Raises
    :class:`~data.errors.ValidationFailed` before anything is written when the upload is not valid. When another
    import stores data between the check and the write, the upload is checked again against it (two uploads each
    valid alone were both stored, together breaking a rule).
    """
    return _store_checked(settings, lambda: _checked_upload(settings, source), label or str(source), progress)


def status(settings: Settings) -> StatusReport:
    """What is loaded (an empty report when there is no database yet; none is created)."""
    if not database_exists(settings):
        return empty_status(settings)
    with database(settings) as engine:
        return database_status(engine, settings.effective_today())


def newest_import(settings: Settings) -> tuple[int, dt.datetime] | None:
    """The newest import batch (id, time), ``None`` before the first (one query; none is created)."""
    if not database_exists(settings):
        return None
    with database(settings) as engine:
        return import_stamp(engine)


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
    return composed(str(value).strip())


def records_upload(table: str, records: Sequence[Mapping[str, object]]) -> RawUpload:
    """Records a case system pushes (rows of the contract file ``table``) as the importer reads that file,
    named ``table`` with ``row`` the record's number (1 = the first), so that every violation and warning counts
    records, also in its message ("dublet: … som række 1"). Unlike a blank line of a CSV file, which a reader
    skips, a record whose every field is blank is kept: the contract's rules refuse it, field by field."""
    columns = FILE_BY_NAME[table].column_names
    cells = [[_cell(record.get(column)) for column in columns] for record in records]
    frame = pd.DataFrame(cells, columns=list(range(len(columns))), dtype=object)
    rows = np.arange(1, len(records) + 1, dtype=np.int64)
    raw = RawTable(name=table, source=table, header=tuple(columns), frame=frame, rows=rows)
    return RawUpload(tables={table: raw}, present={table})


def check_records(settings: Settings, table: str, records: Sequence[Mapping[str, object]]) -> ImportResult:
    """Check pushed records with the importer's rules against the stored data; stores nothing (a dry run, and the
    first half of :func:`push_records`). :class:`~data.errors.ValidationFailed` names each violation by ``file`` =
    ``table`` and ``row`` = record number.

    The records are checked as the raw table of their contract file (``records_upload``), not through a
    CSV file, whose reader dropped a record of blank fields and whose row numbers (record + 1) stayed in
    messages and warnings.
    """
    return _checked_records(settings, table, records)[1]


def _checked_records(
    settings: Settings, table: str, records: Sequence[Mapping[str, object]]
) -> tuple[CheckedAgainst, ImportResult]:
    """:func:`check_records`, with the stored data they were checked against (read before the stored rows)."""
    if table not in PUSHABLE_TABLES:
        raise InvalidArgumentError(f"'{table}' kan ikke indsendes som poster. Tilladt: {', '.join(PUSHABLE_TABLES)}.")
    if not records:
        raise InvalidArgumentError("Ingen poster at gemme: 'records' er tom.")
    raw, today = records_upload(table, records), settings.effective_today()
    checked = CheckedAgainst(None)
    try:
        if database_exists(settings):
            with database(settings) as engine:
                checked = newest_batch(engine)
                result = check_upload(raw, today=today, existing=StoredTables(engine))
        else:
            result = check_upload(raw, today=today)
    except ValidationFailed as refused:
        refused.warnings = _about_these_records(refused.warnings)
        raise
    return checked, dataclasses.replace(result, warnings=_about_these_records(result.warnings))


#: Warnings about an upload's files as a whole ("use_of_force.csv mangler og intet er gemt"): a push brings records of
#: one table, so every push of a concern answered them all again.
_ABSENT_FILE_RULES = frozenset(rule for _, rule, _ in ABSENT_FILE_WARNINGS)


def _about_these_records(warnings: list[Violation]) -> list[Violation]:
    return [w for w in warnings if w.rule not in _ABSENT_FILE_RULES]


def push_records(
    settings: Settings, table: str, records: Sequence[Mapping[str, object]], *, label: str | None = None
) -> ImportOutcome:
    """Check pushed records (:func:`check_records`) and store them in one transaction (upsert by key);
    :class:`~data.errors.ValidationFailed` (nothing stored) when any is invalid. ``label`` names the push in the
    import log (default ``push:<table>``)."""
    return _store_checked(settings, lambda: _checked_records(settings, table, records), label or f"push:{table}", None)


def withdraw_concern(settings: Settings, facility_id: str, concern_id: str) -> WithdrawnConcern:
    """Withdraw the concern report ``concern_id`` of ``facility_id`` (sent by mistake): it is deleted, and the
    withdrawal is logged as an import batch (``data.store.withdraw_concern``). :class:`NotFoundError` when the tilbud
    has no report with that id, saying that only reports sent with a ``concern_id`` can be withdrawn so, or naming
    the tilbud the id is stored for. Spaces around either id are dropped, as an import drops them from a cell (a
    report sent as ``' HV-1 '`` is stored as ``HV-1``, and its case system withdraws it by the id it sent)."""
    facility_id, concern_id = composed(facility_id.strip()), composed(concern_id.strip())
    if database_exists(settings):
        with database(settings) as engine:
            done = withdraw_stored_concern(engine, facility_id, concern_id)
            if done is not None:
                return done
            owner = concern_owners(engine, [concern_id]).get(concern_id)
    else:
        owner = None
    shown, fid = shown_value(concern_id), shown_value(facility_id)
    if owner is not None:
        raise NotFoundError(
            f"Bekymringshenvendelsen med concern_id '{shown}' er gemt for tilbud '{shown_value(owner)}', ikke for "
            f"'{fid}'; træk den tilbage dér."
        )
    raise NotFoundError(
        f"Tilbud '{fid}' har ingen bekymringshenvendelse med concern_id '{shown}'. Kun en henvendelse, der er sendt "
        "med et concern_id, kan trækkes tilbage med det; en henvendelse uden id kendes kun på tilbud, dato og alvor."
    )


def withdraw_concern_at(settings: Settings, facility_id: str, concern_id: str) -> WithdrawnConcern:
    """:func:`withdraw_concern` for the HTTP path ``/concerns/{facility_id}/{concern_id}``, where either id may hold a
    ``/`` (the server decodes ``%2F`` before routing, so the path is split at its last ``/``): the split whose
    concern_id is stored for that tilbud is taken; without one, the last ``/`` divides them."""
    whole = f"{facility_id}/{concern_id}"
    splits = [(whole[:i], whole[i + 1 :]) for i, char in enumerate(whole) if char == "/"]
    if len(splits) > 1 and database_exists(settings):
        with database(settings) as engine:
            owners = concern_owners(engine, [c for _, c in splits])
        found = [(f, c) for f, c in splits if owners.get(c) == f]
        if len(found) == 1:
            facility_id, concern_id = found[0]
    return withdraw_concern(settings, facility_id, concern_id)


#: What an import batch was, told by the start of its label (written by ``api.routes.data`` for uploads,
#: :func:`push_records`, ``api.services.locks`` (locks and unlocks) and ``api.services.demo``; the CLI's
#: ``tilsynsplan import`` writes the path it read, which is ``file``).
SOURCE_KINDS = ("upload", "push", "lock", "unlock", "demo", "withdrawal", "file")
_SOURCE_PREFIXES = (
    ("upload:", "upload"),
    ("push:", "push"),
    ("lås:", "lock"),
    (f"{UNLOCK_SOURCE}:", "unlock"),  # data.store.unlock_visit: a locked visit unlocked
    ("demo:", "demo"),
    (f"{WITHDRAWAL_SOURCE}:", "withdrawal"),  # data.store.withdraw_concern: a concern report withdrawn
)


def source_kind(source: str) -> str:
    """The kind of an import batch by its label (one of :data:`SOURCE_KINDS`): what a reader may learn of it."""
    return next((kind for prefix, kind in _SOURCE_PREFIXES if source.startswith(prefix)), "file")


class Since(NamedTuple):
    """``since`` of the import log, parsed: a batch id, or a moment as the two columns of a batch's time compare it."""

    after_id: int | None
    #: the server's local time, naive: the bound for batches stored before revision 0005 (no UTC time)
    local: dt.datetime | None
    #: the moment in UTC, naive: the exact bound for every batch stored with its UTC time
    utc: dt.datetime | None


def parse_since(value: str | None) -> Since:
    """``since`` of the import log: a batch id (digits) or a date-time (RFC 3339; without an offset the server's
    local time; a date alone is its midnight).

    Every batch stores its moment in UTC (revision 0005), which is compared exactly. Batches stored before keep only
    their local time without an offset, so the hour repeated when summer time ends holds both passes' batches alike:
    for them a moment with an offset in the hour's first pass counts from the start of the repeated hour (one stored
    at 02:10 may be the second 02:10, after the first 02:30), so no batch after it is left out -- one of the first
    pass may come again. A local time in the repeated hour without an offset is refused: it names two moments."""
    if value is None or not value.strip():
        return Since(None, None, None)
    text = value.strip()
    if text.isascii() and text.isdigit():
        batch = int(text)
        if batch > BATCH_ID_MAX:
            raise InvalidArgumentError(f"since '{shown_value(text)}' er større end noget batch-id.")
        return Since(batch, None, None)
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
            local = moment.astimezone().replace(tzinfo=None)
            repeated = _repeated_hour(local)
            first_pass = repeated is not None and moment == local.replace(fold=0).astimezone()  # the same instant
            legacy = _start_of_repeat(local, repeated) if first_pass and repeated is not None else local
            return Since(None, legacy, utc)
        repeated = _repeated_hour(moment)
        utc = moment.astimezone(dt.UTC).replace(tzinfo=None)  # one moment, unless refused below
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range by the offset
        raise InvalidArgumentError(
            f"since '{shown_value(text)}' er hverken et batch-id (et heltal) eller et tidspunkt som "
            "2026-11-23T02:00:00+01:00."
        ) from None
    if repeated is not None:
        first, second = (moment.replace(fold=fold).astimezone().isoformat() for fold in (0, 1))
        raise InvalidArgumentError(
            f"since '{shown_value(text)}' er tvetydigt: kl. {moment:%H:%M:%S} den {moment:%d.%m.%Y} kommer to gange, "
            f"da sommertiden slutter, som {first} og som {second}. Skriv tidspunktet med UTC-forskydning, eller brug "
            "et batch-id."
        )
    return Since(None, moment, utc)


def _start_of_repeat(local: dt.datetime, length: dt.timedelta) -> dt.datetime:
    """The first local time (to the second) of the repeated hour ``local`` lies in, ``length`` long: the earliest
    a batch of its second pass can be stored at."""
    low, high = local - length, local  # low is before the repeat, high in it
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _repeated_hour(middle) is None:
            low = middle
        else:
            high = middle
    return high


def _repeated_hour(local: dt.datetime) -> dt.timedelta | None:
    """For a naive local time that the server's clock shows twice (the hour repeated when summer time ends): how far
    apart the two moments are; else ``None``."""
    earlier, later = (local.replace(fold=fold).astimezone() for fold in (0, 1))
    offset_earlier, offset_later = earlier.utcoffset(), later.utcoffset()
    if offset_earlier is None or offset_later is None or offset_earlier <= offset_later:
        return None  # one moment, or the hour skipped in spring (no stored time lies in it)
    return offset_earlier - offset_later


def import_log(
    settings: Settings, *, since: str | None = None, offset: int = 0, top: int | None = None
) -> tuple[int, list[ImportBatch]]:
    """The import log, newest first, after ``since`` (:func:`parse_since`: the batches after a batch id, or those
    imported at or after a moment), paged; ``(0, [])`` when there is no database yet (none is created)."""
    parsed = parse_since(since)
    if top is not None and top < 1:
        raise InvalidArgumentError(f"top skal være mindst 1 (fik {top}).")
    if offset < 0:
        raise InvalidArgumentError(f"offset skal være mindst 0 (fik {offset}).")
    for name, value in (("top", top), ("offset", offset)):  # past it the database's LIMIT/OFFSET overflows
        if value is not None and value > BATCH_ID_MAX:
            largest = f"{BATCH_ID_MAX:,}".replace(",", ".")
            raise InvalidArgumentError(
                f"{name} må højst være {largest}, det største heltal databasen kan gemme, ikke {shown_value(value)}."
            )
    if not database_exists(settings):
        return 0, []
    with database(settings) as engine:
        return import_batches(
            engine, after_id=parsed.after_id, since=parsed.local, since_utc=parsed.utc, offset=offset, top=top
        )
