"""Validators for a case system's nightly sync (``api.conditional``): every versioned answer carries a strong ETag,
``If-None-Match`` naming it answers 304 without a body, the ETag changes with the content (a new plan, a new scoring,
a push, an import, the viewer's role), and the import log tells what came in since the last sync."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.conditional import none_match, strong_etag
from api.services import imports
from api.services.imports import SOURCE_KINDS, parse_since, source_kind
from data.errors import InvalidArgumentError
from tests.api.conftest import AUTH, make_settings
from tests.api.test_app_errors import assert_error_shape
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder

API = "/api/v1"
#: Route -> Cache-Control of a planner's answer (a reader's is ``no-cache``); ``None``: planners only.
ROUTES: dict[str, tuple[str, bool]] = {
    "/plans/1": ("no-store", True),
    "/plans/1?quarter=2026Q4&inspector_id=I3": ("no-store", True),
    "/plans/1/analysis": ("no-store", True),
    "/plans": ("no-store", True),  # a planner's data_status may come from a change to an unannounced visit
    "/risk": ("private, no-cache", True),
    "/risk?format=csv&authority=midt&offset=1&top=2": ("private, no-cache", True),
    "/facilities/F1": ("private, no-cache", True),
    "/facilities/F1/explanation": ("private, no-cache", True),
    "/status": ("no-store", True),
    "/imports": ("no-store", True),
    "/locked-visits": ("no-store", False),
    "/locked-visits?facility_id=F5": ("no-store", False),
    "/plans/1/export.csv": ("no-store", False),
    "/plans/1/calendar.ics": ("no-store", False),
    "/plans/1/calendar.ics?inspector_id=I3": ("no-store", False),
}
READABLE = [path for path, (_, readers) in ROUTES.items() if readers]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset imported (a file import), a risk run, a locked unannounced visit and plan 1 (2026Q4)."""
    root = tmp_path_factory.mktemp("caching")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"), label=str(root / "in"))
    with TestClient(create_app(settings)) as c:
        lock = {"facility_id": "F5", "date": "2027-02-09", "inspector_id": "I3", "announced": False}
        assert c.post(f"{API}/locked-visits", json=lock, headers=AUTH).status_code == 201
        assert c.post(f"{API}/plans", json={"quarter": "2026Q4"}, headers=AUTH).status_code == 201
        yield c


def push(client: TestClient, facility_id: str = "F3", severity: str = "high") -> int:
    day = (AS_OF - dt.timedelta(days=2)).isoformat()
    record = {"facility_id": facility_id, "date": day, "severity": severity}
    response = client.post(f"{API}/concerns", json={"records": [record]}, headers=AUTH)
    assert response.status_code == 201, response.text
    return int(response.json()["batch_id"])


# --- the validator: If-None-Match per RFC 9110 ------------------------------------------------------------------


def test_if_none_match_compares_weakly_and_takes_lists_and_the_star() -> None:
    tag = strong_etag("x", 1)
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    assert none_match([tag], tag)
    assert none_match([f"W/{tag}"], tag)  # If-None-Match compares weakly (RFC 9110 §13.1.2)
    assert none_match([f'"abc", {tag}'], tag) and none_match(['"abc"', f" {tag} "], tag)  # a list, two lines
    assert none_match(["*"], tag) and none_match([" * "], tag)
    assert not none_match(['"abc"'], tag) and not none_match([], tag)
    assert not none_match([tag.strip('"')], tag)  # unquoted: no entity-tag
    assert not none_match(["garbage"], tag) and not none_match([""], tag)
    assert strong_etag("x", 1) == tag and strong_etag("x", 2) != tag and strong_etag("y", 1) != tag


@pytest.mark.parametrize("path", list(ROUTES))
def test_the_same_request_with_the_etag_is_304_without_a_body(client: TestClient, path: str) -> None:
    first = client.get(API + path, headers=AUTH)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == ROUTES[path][0]
    again = client.get(API + path, headers=AUTH)
    assert again.headers["etag"] == etag and again.content == first.content  # strong: the same bytes

    unchanged = client.get(API + path, headers={**AUTH, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert unchanged.headers["cache-control"] == first.headers["cache-control"]
    assert unchanged.headers["vary"] == "Authorization, Cookie"

    head = client.head(API + path, headers={**AUTH, "If-None-Match": etag})
    assert (head.status_code, head.content, head.headers["etag"]) == (304, b"", etag)
    plain_head = client.head(API + path, headers=AUTH)
    assert (plain_head.status_code, plain_head.content, plain_head.headers["etag"]) == (200, b"", etag)


@pytest.mark.parametrize("path", READABLE)
def test_readers_get_their_own_etag_and_may_keep_the_answer(client: TestClient, path: str) -> None:
    planner = client.get(API + path, headers=AUTH)
    reader = client.get(API + path)
    assert reader.status_code == 200, reader.text
    assert reader.headers["etag"] != planner.headers["etag"]  # the fields differ, so must the validators
    assert reader.headers["cache-control"] == "no-cache"
    assert client.get(API + path, headers={"If-None-Match": planner.headers["etag"]}).status_code == 200
    unchanged = client.get(API + path, headers={"If-None-Match": reader.headers["etag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("W/{etag}", 304),  # weak comparison
        ("*", 304),  # any current representation
        ('"nope", {etag}', 304),  # one of a list
        ('"nope", W/"other"', 200),
        ('"nope"', 200),
        ("{bare}", 200),  # not quoted: no entity-tag, ignored
        ("garbage", 200),
    ],
)
def test_if_none_match_forms(client: TestClient, value: str, status: int) -> None:
    etag = client.get(f"{API}/plans/1", headers=AUTH).headers["etag"]
    header = value.format(etag=etag, bare=etag.strip('"'))
    response = client.get(f"{API}/plans/1", headers={**AUTH, "If-None-Match": header})
    assert response.status_code == status, header
    assert response.headers["etag"] == etag
    assert (response.content == b"") == (status == 304)


def test_if_none_match_sent_twice_is_one_list(client: TestClient) -> None:
    etag = client.get(f"{API}/status", headers=AUTH).headers["etag"]
    headers = [("authorization", AUTH["Authorization"]), ("if-none-match", '"nope"'), ("if-none-match", etag)]
    assert client.get(f"{API}/status", headers=headers).status_code == 304


def test_a_request_that_fails_is_not_answered_304(client: TestClient) -> None:
    """The request's own checks come first (RFC 9110 §13.2.1): ``*`` does not hide a 404, 422 or 401."""
    star = {"If-None-Match": "*"}
    assert client.get(f"{API}/plans/99", headers={**AUTH, **star}).status_code == 404
    assert client.get(f"{API}/plans/1", params={"inspector_id": "I9"}, headers={**AUTH, **star}).status_code == 404
    assert client.get(f"{API}/plans/1", params={"quarter": "2026-4"}, headers={**AUTH, **star}).status_code == 422
    assert client.get(f"{API}/risk", params={"authority": "vest"}, headers=star).status_code == 422
    assert client.get(f"{API}/plans/1/calendar.ics", headers=star).status_code == 401
    assert client.get(f"{API}/imports", params={"since": "i går"}, headers=star).status_code == 422


# --- the ETag changes with the content ------------------------------------------------------------------------


def test_filters_name_their_own_answer_and_a_danish_quarter_is_the_same(client: TestClient) -> None:
    def tag(**params: str) -> str:
        return client.get(f"{API}/plans/1", params=params, headers=AUTH).headers["etag"]

    whole, q4 = tag(), tag(quarter="2026Q4")
    assert len({whole, q4, tag(quarter="2027Q1"), tag(inspector_id="I3")}) == 4
    assert tag(quarter="2026K4") == tag(quarter="2026q4") == q4  # the same visits, the same validator
    risk = {
        client.get(f"{API}/risk", params=p).headers["etag"] for p in ({}, {"top": 2}, {"offset": 1}, {"format": "csv"})
    }
    assert len(risk) == 4
    assert (
        client.get(f"{API}/risk", params={"authority": "Midt"}).headers["etag"]
        == (client.get(f"{API}/risk", params={"authority": "midt"}).headers["etag"])
    )


def test_a_new_plan_changes_the_list_but_not_a_stored_plan(client: TestClient) -> None:
    plans = client.get(f"{API}/plans", headers=AUTH)
    plan = client.get(f"{API}/plans/1", headers=AUTH).headers["etag"]
    made = client.post(f"{API}/plans", json={"quarter": "2026Q4", "parent_plan_id": 1}, headers=AUTH)
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]
    after = client.get(f"{API}/plans", headers={**AUTH, "If-None-Match": plans.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != plans.headers["etag"]
    assert after.json()[0]["id"] == new_id
    assert client.get(f"{API}/plans/1", headers={**AUTH, "If-None-Match": plan}).status_code == 304  # a fixed version
    assert client.get(f"{API}/plans/{new_id}", headers={**AUTH, "If-None-Match": plan}).status_code == 200
    # the re-plan's calendar cancels plan 1's dropped visits: its own validator
    calendar = client.get(f"{API}/plans/{new_id}/calendar.ics", headers=AUTH)
    assert calendar.headers["etag"] != client.get(f"{API}/plans/1/calendar.ics", headers=AUTH).headers["etag"]


def test_a_new_scoring_of_the_same_run_changes_the_lists_etag(client: TestClient) -> None:
    """``POST /risk`` keeps the run's id; its new ``scored_at`` must make a new ETag."""
    before = client.get(f"{API}/risk")
    old = {path: client.get(API + path).headers["etag"] for path in ("/risk", "/risk?format=csv")}
    scored = client.post(f"{API}/risk", headers=AUTH)
    assert scored.status_code == 201 and scored.json()["run_id"] == before.json()["run_id"]
    for path, etag in old.items():
        after = client.get(API + path, headers={"If-None-Match": etag})
        assert after.status_code == 200, path
        assert after.headers["etag"] != etag
    assert client.get(f"{API}/risk").json()["scored_at"] == scored.json()["scored_at"]


def test_a_push_changes_the_status_the_import_log_and_the_calendar_but_not_the_risk_list(client: TestClient) -> None:
    """A push is an import: the status and the log say so; the calendar's names come from the stored tilbud and
    inspectors, which an import may change, so its validator names the newest import. The risk list is the stored
    run's until a planner scores again: a pushed concern changes none of its names, so it stays 304."""
    paths = ("/status", "/imports", "/plans/1/calendar.ics")
    before = {p: client.get(API + p, headers=AUTH).headers["etag"] for p in paths}
    reader = {p: client.get(API + p).headers["etag"] for p in ("/status", "/imports")}
    risk = client.get(f"{API}/risk").headers["etag"]
    plan = client.get(f"{API}/plans/1", headers=AUTH).headers["etag"]
    push(client, "F4", "medium")
    for path, etag in before.items():
        after = client.get(API + path, headers={**AUTH, "If-None-Match": etag})
        assert after.status_code == 200 and after.headers["etag"] != etag, path
    for path, etag in reader.items():
        assert client.get(API + path, headers={"If-None-Match": etag}).status_code == 200, path
    assert client.get(f"{API}/risk", headers={"If-None-Match": risk}).status_code == 304
    # the plan is the same, but its ``data_changes`` now counts the push (nothing the plan uses: no re-plan)
    after = client.get(f"{API}/plans/1", headers={**AUTH, "If-None-Match": plan})
    assert after.status_code == 200 and after.headers["etag"] != plan
    assert (after.json()["data_changes"]["status"], after.json()["data_changes"]["imports_since"]) == (
        "imports_only",
        1,
    )


def test_a_renamed_tilbud_changes_the_risk_lists_etag(client: TestClient, tmp_path: Path) -> None:
    """The list shows the stored tilbud's names beside the run's scores: an import that renames one changes it."""
    before = {p: client.get(API + p).headers["etag"] for p in ("/risk", "/risk?format=csv")}
    data = small_dataset()
    data.facilities.loc[data.facilities["facility_id"] == "F2", "name"] = "Nyt navn"
    folder = write_csv_folder(data, tmp_path / "renamed", tables=["facilities"])
    files = [("files", ("facilities.csv", (folder / "facilities.csv").read_bytes(), "text/csv"))]
    assert client.post(f"{API}/uploads", files=files, headers=AUTH).status_code == 201
    for path, etag in before.items():
        after = client.get(API + path, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["etag"] != etag, path
        assert "Nyt navn" in after.text


def test_an_upload_and_an_unlock_change_the_status(client: TestClient) -> None:
    """An unlock writes no import batch, but the status counts the locks: its ETag hashes the answer."""
    status = client.get(f"{API}/status", headers=AUTH).headers["etag"]
    lock = {"facility_id": "F2", "date": "2027-03-02", "inspector_id": "I1", "announced": True}
    locked = client.post(f"{API}/locked-visits", json=lock, headers=AUTH)
    assert locked.status_code == 201, locked.text
    with_lock = client.get(f"{API}/status", headers={**AUTH, "If-None-Match": status})
    assert with_lock.status_code == 200
    assert client.delete(f"{API}/locked-visits/F2/2027-03-02", headers=AUTH).status_code == 204
    unlocked = client.get(f"{API}/status", headers={**AUTH, "If-None-Match": with_lock.headers["etag"]})
    assert unlocked.status_code == 200 and unlocked.json()["rows"]["locked_visits"] == 1
    day = (AS_OF - dt.timedelta(days=3)).isoformat()
    csv = f"facility_id,date,severity\nF6,{day},low\n".encode()
    uploaded = client.post(
        f"{API}/uploads", files=[("files", ("concerns.csv", io.BytesIO(csv), "text/csv"))], headers=AUTH
    )
    assert uploaded.status_code == 201, uploaded.text
    assert client.get(f"{API}/status", headers={**AUTH, "If-None-Match": unlocked.headers["etag"]}).status_code == 200


def test_a_lock_and_an_unlock_change_the_locked_visits_etag(client: TestClient) -> None:
    """A case system syncing the agreed visits sees each lock and unlock; one tilbud's list only its own."""
    every = client.get(f"{API}/locked-visits", headers=AUTH)
    f5 = client.get(f"{API}/locked-visits?facility_id=F5", headers=AUTH).headers["etag"]
    lock = {"facility_id": "F2", "date": "2027-03-09", "inspector_id": "I1", "announced": True}
    assert client.post(f"{API}/locked-visits", json=lock, headers=AUTH).status_code == 201
    locked = client.get(f"{API}/locked-visits", headers={**AUTH, "If-None-Match": every.headers["etag"]})
    assert locked.status_code == 200 and len(locked.json()) == len(every.json()) + 1
    assert client.get(f"{API}/locked-visits?facility_id=F5", headers={**AUTH, "If-None-Match": f5}).status_code == 304
    assert client.delete(f"{API}/locked-visits/F2/2027-03-09", headers=AUTH).status_code == 204
    unlocked = client.get(f"{API}/locked-visits", headers={**AUTH, "If-None-Match": locked.headers["etag"]})
    assert unlocked.status_code == 200 and unlocked.json() == every.json()
    assert unlocked.headers["etag"] == every.headers["etag"]  # the ETag hashes the list: the same list, the same tag


# --- the import log -----------------------------------------------------------------------------------------------


def test_the_import_log_lists_every_batch_newest_first_with_its_counts(client: TestClient) -> None:
    batch = push(client)
    log = client.get(f"{API}/imports", headers=AUTH).json()
    ids = [b["id"] for b in log["batches"]]
    assert ids == sorted(ids, reverse=True) and ids[0] == batch
    assert log["total"] == log["count"] == len(ids) >= 3
    newest, first = log["batches"][0], log["batches"][-1]
    assert (newest["kind"], newest["source"]) == ("push", "push:concerns")
    assert set(newest["tables"]) == {"concerns"}
    assert newest["tables"]["concerns"]["rows"] == 1
    assert newest["inserted"] + newest["updated"] + newest["unchanged"] == 1
    assert first["kind"] == "file" and first["tables"]["facilities"]["inserted"] == 6
    moment = dt.datetime.fromisoformat(newest["imported_at"])
    assert moment.utcoffset() is not None  # an instant, with the server's offset
    kinds = {b["kind"] for b in log["batches"]}
    assert {"file", "lock", "push"} <= kinds <= set(SOURCE_KINDS)
    assert client.get(f"{API}/status", headers=AUTH).json()["last_import"]["id"] == batch


def test_the_import_log_since_a_batch_or_a_moment_and_paged(client: TestClient) -> None:
    last_seen = push(client, "F1")
    assert client.get(f"{API}/imports", params={"since": last_seen}).json() == {"count": 0, "total": 0, "batches": []}
    new = [push(client, "F2"), push(client, "F6", "low")]
    since = client.get(f"{API}/imports", params={"since": last_seen}, headers=AUTH).json()
    assert [b["id"] for b in since["batches"]] == new[::-1] and since["total"] == 2
    page = client.get(f"{API}/imports", params={"since": last_seen, "offset": 1, "top": 1}).json()
    assert ([b["id"] for b in page["batches"]], page["count"], page["total"]) == ([new[0]], 1, 2)
    whole = client.get(f"{API}/imports").json()
    assert client.get(f"{API}/imports", params={"offset": 1, "top": 2}).json()["batches"] == whole["batches"][1:3]
    # a moment: the batches imported at or after it, with Z, an offset or none (the server's local time)
    at = dt.datetime.fromisoformat(whole["batches"][0]["imported_at"])
    for text in (
        at.isoformat(),
        at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        at.replace(tzinfo=None).isoformat(),
    ):
        found = client.get(f"{API}/imports", params={"since": text}).json()["batches"]
        assert found and all(dt.datetime.fromisoformat(b["imported_at"]) >= at for b in found), text
        assert whole["batches"][0] in found
    future = (at + dt.timedelta(days=1)).isoformat()
    assert client.get(f"{API}/imports", params={"since": future}).json()["total"] == 0
    assert client.get(f"{API}/imports", params={"since": "2000-01-01"}).json()["total"] == whole["total"]


def test_the_import_log_refuses_what_names_no_batch_or_moment(client: TestClient) -> None:
    for since in ("i går", "-1", "2026-13-01", "9" * 30, "0001-01-01T00:00:00+14:00"):
        response = client.get(f"{API}/imports", params={"since": since})
        assert response.status_code == 422, since
        assert "since" in assert_error_shape(response.json(), "invalid_argument")["message"]
    for params in ({"top": 0}, {"offset": -1}, {"top": "x"}):
        response = client.get(f"{API}/imports", params=params)
        assert response.status_code == 422
        assert_error_shape(response.json(), "invalid_request")


def test_a_reader_sees_every_batch_but_not_its_source(client: TestClient) -> None:
    """A lock's label names the tilbud and the day of a visit that may be unannounced, a file import's label the
    server's folders: readers get the kind and the counts. (``/status`` showed a reader ``lås: F5 2027-02-09``.)"""
    planner = client.get(f"{API}/imports", headers=AUTH).json()["batches"]
    reader = client.get(f"{API}/imports").json()["batches"]
    assert [b["id"] for b in reader] == [b["id"] for b in planner]
    assert all(b["source"] is None for b in reader)
    assert [{**b, "source": None} for b in planner] == reader
    lock = [b for b in planner if b["kind"] == "lock"][-1]  # the oldest: the fixture's
    assert lock["source"] == "lås: F5 2027-02-09"
    assert "2027-02-09" not in client.get(f"{API}/imports").text
    assert client.get(f"{API}/status").json()["last_import"]["source"] is None
    assert client.get(f"{API}/status", headers=AUTH).json()["last_import"]["source"]


def test_the_kinds_follow_the_labels_the_writers_use() -> None:
    assert source_kind("upload: concerns.csv, visits.csv") == "upload"
    assert source_kind("push:use_of_force") == "push"
    assert source_kind("lås: T1 2027-02-09") == "lock"
    assert source_kind("demo: syntetisk Danmark") == "demo"
    assert source_kind("tilbagetrukket: concerns F2 HV-1") == "withdrawal"
    assert source_kind("/srv/eksport/2026-11.zip") == "file"
    assert parse_since(None) == (None, None, None) and parse_since(" 7 ") == (7, None, None)
    assert parse_since("2026-11-23")[:2] == (None, dt.datetime(2026, 11, 23))
    assert parse_since("2026-11-23T00:00:00+01:00").utc == dt.datetime(2026, 11, 22, 23)
    with pytest.raises(InvalidArgumentError):
        parse_since("٣")  # a digit, but no ASCII one


def test_the_import_log_of_a_home_without_a_database_is_empty(tmp_path: pytest.TempPathFactory) -> None:
    with TestClient(create_app(make_settings(tmp_path / "home"))) as c:  # type: ignore[operator]
        response = c.get(f"{API}/imports")
        assert response.json() == {"count": 0, "total": 0, "batches": []}
        assert c.get(f"{API}/imports", headers={"If-None-Match": response.headers["etag"]}).status_code == 304


# --- the document --------------------------------------------------------------------------------------------------


VALIDATED = [
    ("get", "/api/v1/plans"),
    ("get", "/api/v1/plans/{plan_id}"),
    ("get", "/api/v1/plans/{plan_id}/analysis"),
    ("get", "/api/v1/plans/{plan_id}/export.csv"),
    ("get", "/api/v1/plans/{plan_id}/calendar.ics"),
    ("get", "/api/v1/risk"),
    ("get", "/api/v1/facilities/{facility_id}"),
    ("get", "/api/v1/facilities/{facility_id}/explanation"),
    ("get", "/api/v1/status"),
    ("get", "/api/v1/imports"),
    ("get", "/api/v1/locked-visits"),
]


def test_the_document_has_the_validators_and_the_import_log(client: TestClient) -> None:
    spec = client.get(f"{API}/openapi.json").json()
    for method, path in VALIDATED:
        op = spec["paths"][path][method]
        assert "If-None-Match" in {p["name"] for p in op["parameters"] if p["in"] == "header"}, path
        assert "content" not in op["responses"]["304"], path  # no body
        for status in ("200", "304"):
            assert {"ETag", "Cache-Control"} <= set(op["responses"][status]["headers"]), (path, status)
    planners = {
        path: spec["paths"][path]["get"]["responses"]["200"]["headers"]["Cache-Control"]["schema"]["enum"]
        for _, path in VALIDATED
    }
    assert planners["/api/v1/risk"] == ["no-cache", "private, no-cache"]
    assert planners["/api/v1/plans/{plan_id}"] == ["no-cache", "no-store"]
    imports_op = spec["paths"]["/api/v1/imports"]["get"]
    assert {"since", "offset", "top"} <= {p["name"] for p in imports_op["parameters"]}
    assert imports_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ImportListPublic")
    batch = spec["components"]["schemas"]["ImportBatchPublic"]["properties"]
    assert batch["kind"]["enum"] == list(SOURCE_KINDS)
    assert batch["imported_at"]["format"] == "date-time"
    # the answers match the document: every documented field is sent, and nothing else
    sent = client.get(f"{API}/imports").json()["batches"][0]
    assert set(sent) == set(batch)
