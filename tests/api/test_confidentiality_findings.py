"""Findings of a confidentiality audit (helper "conf"): what a reader -- a tilbud, a leader, a case system without
the planner role -- could learn about an unannounced visit from answers that hide its day."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from api.conditional import strong_etag
from api.routes.plans import _version
from api.services import plans as plan_service
from data.settings import Settings
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.test_plan_data_changes import home, planned

__all__ = ["home", "planned"]  # fixtures


def test_a_readers_plan_etag_cannot_be_recomputed_from_a_guessed_unannounced_lock(
    planned: TestClient, home: object
) -> None:
    """The plan's ETag hashed the locked visits (tilbud, day, inspector, announced) with nothing secret: a reader who
    knows the rest of it (the plan's header, the newest import id, the days off, today: all public) could guess a
    lock of an unannounced visit -- its own tilbud, a quarter's days, a handful of inspectors -- and confirm the day
    by recomputing the ETag offline."""
    settings = make_settings(home)  # type: ignore[arg-type]
    visit = next(v for v in planned.get("/api/v1/plans/1", headers=AUTH).json()["visits"] if not v["announced"])
    lock = {"facility_id": visit["facility_id"], "date": visit["date"], "inspector_id": visit["inspector_ids"][0]}
    created = planned.post("/api/v1/locked-visits", json={**lock, "announced": False}, headers=AUTH)
    assert created.status_code == 201

    answer = planned.get("/api/v1/plans/1")
    assert answer.status_code == 200
    assert all(v["date"] is None for v in answer.json()["visits"] if not v["announced"])
    # what a reader knows: the import log's newest batch, the plan's header, the settings' days off and today
    newest = planned.get("/api/v1/imports").json()["batches"][0]["id"]
    header = _version(plan_service.plan_version(settings, 1))
    row = f"{lock['facility_id']}|{lock['date']}|{lock['inspector_id']}|False"
    guess = hashlib.sha256(row.encode("utf-8")).hexdigest()
    stamp = [newest, guess, list(settings.days_off), settings.effective_today()]
    assert answer.headers["ETag"] != strong_etag("plan", False, header, None, None, stamp)
    # the ETag still works for a nightly sync
    again = planned.get("/api/v1/plans/1", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_write_sent_from_another_site_does_not_ride_on_the_planners_session(
    client: TestClient, loaded: Settings
) -> None:
    """The session cookie (SameSite=Lax) was the only guard of a cookie-authenticated write: a page on a sibling
    host (same site, ``intranet.kommune.dk`` beside ``tilsyn.kommune.dk``) gets the cookie sent with its form or
    fetch, and could lock a visit or start a plan in the planner's name. The browser says where a request comes from
    (``Sec-Fetch-Site``); from another origin the cookie is not a credential."""
    assert client.post("/login", data={"token": TOKEN}).status_code == 200
    lock = {"facility_id": "F1", "date": "2026-10-06", "inspector_id": "I1", "announced": False}
    for site in ("same-site", "cross-site"):
        refused = client.post("/api/v1/locked-visits", json=lock, headers={"Sec-Fetch-Site": site})
        assert refused.status_code == 401, (site, refused.text)
        assert refused.json()["error"]["code"] == "unauthorized"
        page = client.post("/planer", data={"quarter": "2026Q4"}, headers={"Sec-Fetch-Site": site})
        assert page.status_code == 401 and "Log ind" in page.text
    assert client.get("/api/v1/locked-visits").json() == []  # nothing was locked
    # the planner's own pages still write, and a bearer token is no ambient credential
    own = client.post("/api/v1/locked-visits", json=lock, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 201
    assert (
        client.delete(
            "/api/v1/locked-visits/F1/2026-10-06", headers={**AUTH, "Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 204
    )
