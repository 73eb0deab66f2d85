"""What the HTTP API receives, made into what the importer reads: uploaded files written to a temporary
folder, and records pushed as JSON made into the raw table of their contract file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from starlette.datastructures import UploadFile

from api.errors import UploadTooLarge
from api.services.imports import PUSHABLE_TABLES, ImportOutcome
from data.contract import FILE_BY_NAME
from data.errors import InvalidArgumentError
from data.importer import ImportResult, check_upload
from data.readers import RawTable, RawUpload
from data.settings import Settings
from data.store import StoredTables, database, database_exists, save_upload

CHUNK_BYTES = 1024 * 1024
SINGLE_FILE_SUFFIXES = (".zip", ".xlsx", ".xlsm")
MAX_NAME_BYTES = 255  # what a file system takes


def too_large(max_mb: int) -> UploadTooLarge:
    return UploadTooLarge(
        f"Uploaden er større end {max_mb} MB, den største tilladte (TILSYNSPLAN_MAX_UPLOAD_MB). "
        "Del den op, eller zip CSV-filerne."
    )


def safe_name(filename: str | None) -> str:
    """The file's own name, without any folder a browser or client put in front of it."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    if not name or name in {".", ".."}:
        raise InvalidArgumentError("En af filerne har intet navn. Giv filerne navne som 'facilities.csv'.")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES or "\x00" in name:
        shown = name.replace("\x00", "")
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise InvalidArgumentError(
            f"Filnavnet '{shown}' er for langt eller ugyldigt. Giv filerne navne som 'facilities.csv'."
        )
    return name


async def spool_upload(files: Sequence[UploadFile], folder: Path, max_mb: int) -> Path:
    """Write ``files`` into ``folder``; return what the importer reads: the one ``.zip``/``.xlsx``, or
    the folder of CSV files. Raises when there is nothing, a name repeats, a zip/workbook comes with
    other files, or the files together exceed ``max_mb``."""
    files = [f for f in files if f.filename]  # a browser sends an unnamed empty part when none is chosen
    if not files:
        raise InvalidArgumentError("Vælg mindst én fil: en .zip med CSV-filer, en .xlsx eller en eller flere .csv.")
    names = [safe_name(f.filename) for f in files]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise InvalidArgumentError(f"Samme filnavn er valgt flere gange: {', '.join(repeated)}.")
    bundles = [n for n in names if n.lower().endswith(SINGLE_FILE_SUFFIXES)]
    if bundles and len(names) > 1:
        raise InvalidArgumentError(
            f"'{bundles[0]}' skal uploades alene: vælg én .zip eller .xlsx, eller CSV-filerne hver for sig."
        )
    budget = max_mb * 1024 * 1024
    for upload, name in zip(files, names, strict=True):
        with (folder / name).open("wb") as out:
            while chunk := await upload.read(CHUNK_BYTES):
                budget -= len(chunk)
                if budget < 0:
                    raise too_large(max_mb)
                out.write(chunk)
    return folder / bundles[0] if bundles else folder


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


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


def push_records(settings: Settings, table: str, records: Sequence[Mapping[str, object]]) -> ImportOutcome:
    """Check pushed records with the importer's rules against the stored data and store them in one
    transaction (upsert by key); :class:`~data.errors.ValidationFailed` (nothing stored) names each
    violation by ``file`` = ``table`` and ``row`` = record number.

    As ``api.services.imports.push_records`` but without its round trip through a CSV file, whose reader
    dropped a record of blank fields and whose row numbers (record + 1) stayed in messages and warnings.
    """
    if table not in PUSHABLE_TABLES:
        raise InvalidArgumentError(f"'{table}' kan ikke indsendes som poster. Tilladt: {', '.join(PUSHABLE_TABLES)}.")
    if not records:
        raise InvalidArgumentError("Ingen poster at gemme: 'records' er tom.")
    raw, today = records_upload(table, records), settings.effective_today()
    result: ImportResult
    if database_exists(settings):
        with database(settings) as engine:
            result = check_upload(raw, today=today, existing=StoredTables(engine))
    else:
        result = check_upload(raw, today=today)
    with database(settings) as engine:
        summary = save_upload(engine, result, f"push:{table}")
    return ImportOutcome(result=result, summary=summary)
