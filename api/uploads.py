"""What the HTTP API receives, made into what the importer reads: uploaded files written to a temporary
folder, and records pushed as JSON made into the raw table of their contract file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from starlette.datastructures import UploadFile

from api.errors import UploadTooLarge
from data.errors import InvalidArgumentError

CHUNK_BYTES = 1024 * 1024
SINGLE_FILE_SUFFIXES = (".zip", ".xlsx", ".xlsm")
MAX_NAME_BYTES = 255  # what a file system takes


def too_large(max_mb: int, files: bool = True) -> UploadTooLarge:
    """413 in the words of what was sent: files (an upload) or records pushed as JSON."""
    if files:
        return UploadTooLarge(
            f"Uploaden er større end {max_mb} MB, den største tilladte (TILSYNSPLAN_MAX_UPLOAD_MB). "
            "Del den op, eller zip CSV-filerne."
        )
    return UploadTooLarge(
        f"Forespørgslen er større end {max_mb} MB, den største tilladte (TILSYNSPLAN_MAX_UPLOAD_MB). "
        "Send posterne i flere mindre portioner."
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
