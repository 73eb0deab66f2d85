"""Data routes: health, what is loaded, uploads (folder as zip, workbook or CSV files) and pushed records."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from api.conditional import ConditionalDep
from api.deps import ApiRoute, PlannerDep, SettingsDep, ViewerDep, app_version
from api.schemas import (
    DATABASE_INT_MAX,
    IF_NONE_MATCH,
    ConcernId,
    ConcernPush,
    FacilityId,
    HealthPublic,
    ImportListPublic,
    PushPublic,
    StatusPublic,
    UploadPublic,
    UseOfForcePush,
    error_responses,
    validated_responses,
)
from api.services import imports
from api.uploads import spool_upload
from data.settings import Settings

router = APIRouter(tags=["data"], route_class=ApiRoute)

UploadFiles = Annotated[
    list[UploadFile],
    File(
        description="En .zip med CSV-filer, én .xlsx (ét ark pr. fil) eller en eller flere .csv-filer.",
        json_schema_extra={"minItems": 1},  # none is refused (422): the schema says so, for clients and fuzzers
    ),
]

Top = Annotated[
    int | None, Query(ge=1, le=DATABASE_INT_MAX, description="Kun de N nyeste (fra `offset`): sidens størrelse.")
]
Offset = Annotated[
    int, Query(ge=0, le=DATABASE_INT_MAX, description="Spring de første N over (sider: `offset=100&top=100`).")
]


@router.get("/health", response_model=HealthPublic)
def health() -> HealthPublic:
    """The app is up."""
    return HealthPublic(version=app_version())


@router.get(
    "/status",
    response_model=StatusPublic,
    responses={**validated_responses(), **error_responses(503)},
    openapi_extra=IF_NONE_MATCH,
)
def status(
    settings: SettingsDep, viewer: ViewerDep, conditional: ConditionalDep, response: Response
) -> Response | StatusPublic:
    """What is loaded: rows per file, date ranges, facilities per authority, the last import (the database's
    address and the import's source only for planners). With `If-None-Match`: 304 while it is the same."""
    answer = StatusPublic.from_report(imports.status(settings), authorised=viewer.authorised)
    # small, and it changes with the day (active tilbud) and with locks (no import): the ETag hashes the answer
    return conditional.answer_content(response, "status", answer, confidential=True) or answer


@router.get(
    "/imports",
    response_model=ImportListPublic,
    responses={**validated_responses(), **error_responses(422, 503)},
    openapi_extra=IF_NONE_MATCH,
)
def list_imports(
    settings: SettingsDep,
    viewer: ViewerDep,
    conditional: ConditionalDep,
    response: Response,
    since: Annotated[
        str | None,
        Query(
            description="A batch id (the batches after it: the last id you saw) or a date-time (the batches "
            "imported at or after it; RFC 3339, without an offset the server's local time -- refused (422) in the "
            "hour repeated when summer time ends, which it names twice; compared with each batch's moment in UTC, for "
            "batches stored before that was kept with their local time: then a moment in that hour's first pass "
            "lists such batches from the hour's start).",
            examples=["41", "2026-11-23T02:00:00+01:00"],
        ),
    ] = None,
    top: Top = None,
    offset: Offset = 0,
) -> Response | ImportListPublic:
    """The import batches (uploads, pushes, locks), newest first, with what each stored per table: what came in
    since the last sync (`since`). Paged with `offset` and `top`; `total` counts the batches after `since`.
    A reader sees every batch's kind and counts but not its `source`. With `If-None-Match`: 304 while it is the
    same."""
    total, batches = imports.import_log(settings, since=since, offset=offset, top=top)
    answer = ImportListPublic.from_page(total, batches, viewer.authorised)
    return conditional.answer_content(response, "imports", answer, confidential=True) or answer


async def check_or_import(settings: Settings, files: Sequence[StarletteUpload], dry_run: bool) -> UploadPublic:
    """Spool the files to a temporary folder, then validate (dry run) or import them."""
    with tempfile.TemporaryDirectory(prefix="tilsynsplan-upload-") as folder:
        source = await spool_upload(files, Path(folder), settings.max_upload_mb)
        if dry_run:
            result = await run_in_threadpool(imports.validate_upload, settings, source)
            return UploadPublic.from_result(result)
        label = "upload: " + ", ".join(sorted(p.name for p in Path(folder).iterdir()))
        outcome = await run_in_threadpool(lambda: imports.import_upload(settings, source, label=label))
        return UploadPublic.from_result(outcome.result, outcome.summary)


@router.post("/uploads", status_code=201, response_model=UploadPublic, responses=error_responses(409, 413, 422, 503))
async def upload(
    files: UploadFiles,
    settings: SettingsDep,
    _: PlannerDep,
    response: Response,
    dry_run: Annotated[bool, Query(description="Kontrollér kun; gem intet (svarer 200).")] = False,
) -> UploadPublic:
    """Check an upload against the data contract and store it in one transaction (201), or only check
    it (`dry_run`, 200). Any violation: 422 listing every one (file, row, column, value, message)."""
    result = await check_or_import(settings, files, dry_run)
    if dry_run:
        response.status_code = 200
    return result


DryRun = Annotated[bool, Query(description="Kontrollér kun; gem intet (svarer 200, tællingerne er null).")]


def _push(
    settings: Settings, table: str, records: list[dict[str, object]], dry_run: bool, response: Response
) -> PushPublic:
    if dry_run:
        response.status_code = 200
        return PushPublic.from_check(table, len(records), imports.check_records(settings, table, records))
    outcome = imports.push_records(settings, table, records)
    return PushPublic.from_summary(table, len(records), outcome.summary)


@router.post("/use-of-force", status_code=201, response_model=PushPublic, responses=error_responses(409, 413, 422, 503))
def push_use_of_force(
    body: UseOfForcePush, settings: SettingsDep, _: PlannerDep, response: Response, dry_run: DryRun = False
) -> PushPublic:
    """A case system pushes monthly magtanvendelser counts; the rules of `use_of_force.csv` apply. All or nothing;
    stored by key, so a re-sent batch changes nothing. `dry_run` only checks (200)."""
    return _push(settings, "use_of_force", [r.model_dump() for r in body.records], dry_run, response)


@router.post("/concerns", status_code=201, response_model=PushPublic, responses=error_responses(409, 413, 422, 503))
def push_concerns(
    body: ConcernPush, settings: SettingsDep, _: PlannerDep, response: Response, dry_run: DryRun = False
) -> PushPublic:
    """A case system pushes bekymringshenvendelser; the rules of `concerns.csv` apply. All or nothing; stored by
    key, so a re-sent batch changes nothing. `dry_run` only checks (200)."""
    return _push(settings, "concerns", [r.model_dump() for r in body.records], dry_run, response)


@router.delete(
    "/concerns/{facility_id:path}/{concern_id:path}",
    status_code=204,
    response_class=Response,
    responses=error_responses(404, 422, 503),
)
def withdraw_concern(facility_id: FacilityId, concern_id: ConcernId, settings: SettingsDep, _: PlannerDep) -> Response:
    """Withdraw a bekymringshenvendelse sent by mistake, by the case system's id (`concern_id`): the report is deleted
    and the withdrawal logged as an import batch (what was removed, and when). Only a report sent with a `concern_id`
    can be withdrawn; 404 `not_found` when the tilbud has none with that id."""
    imports.withdraw_concern_at(settings, facility_id, concern_id)
    return Response(status_code=204)
