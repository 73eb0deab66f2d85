"""A re-plan's calendar, imported over the first plan's: the visits it moved keep their UIDs (a calendar moves
them), and those that left an inspector's calendar come as cancelled events there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from icalendar import Calendar

from api.app import create_app
from api.services import imports
from tests.api.conftest import AUTH, make_settings
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder


def events(client: TestClient, url: str) -> dict[str, dict[str, object]]:
    response = client.get(url, headers=AUTH)
    assert response.status_code == 200, response.text
    return {
        str(e["uid"]): {"date": e.decoded("dtstart"), "status": str(e["status"]), "sequence": e["sequence"]}
        for e in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_a_re_plan_moves_events_and_cancels_what_left_an_inspectors_calendar(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), tmp_path / "in"))
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH).status_code == 201
        first = client.get("/api/v1/plans/1", headers=AUTH).json()["visits"]
        mine = sorted(v["date"] for v in first if "I1" in v["inspector_ids"] and v["date"] < "2026-12-19")
        assert mine, "the small plan gives I1 visits before Christmas"
        before = events(client, "/api/v1/plans/1/calendar.ics?inspector_id=I1")
        # I1 becomes absent over all of them, whole weeks (a re-plan keeps a visit with its inspector a day later
        # in the same week when it can): the re-plan must move them, to another inspector or another week
        first_day, last_day = dt.date.fromisoformat(mine[0]), dt.date.fromisoformat(mine[-1])
        away_from = first_day - dt.timedelta(days=first_day.weekday())
        away_to = last_day + dt.timedelta(days=6 - last_day.weekday())
        absences = tmp_path / "abs"
        absences.mkdir()
        (absences / "absences.csv").write_text(f"inspector_id,start,end\nI1,{away_from},{away_to}\n", encoding="utf-8")
        files = [("files", ("absences.csv", (absences / "absences.csv").read_bytes()))]
        assert client.post("/api/v1/uploads", files=files, headers=AUTH).status_code == 201
        body = {"quarter": "2026Q4", "parent_plan_id": 1}
        assert client.post("/api/v1/plans", json=body, headers=AUTH).status_code == 201
        after = events(client, "/api/v1/plans/2/calendar.ics?inspector_id=I1")
        whole = events(client, "/api/v1/plans/2/calendar.ics")

    cancelled = {uid for uid, e in after.items() if e["status"] == "CANCELLED"}
    moved_away = {uid for uid, e in before.items() if away_from <= e["date"] <= away_to}  # type: ignore[operator]
    still_mine = {uid for uid, e in after.items() if e["status"] != "CANCELLED"}
    assert cancelled == moved_away - still_mine and cancelled
    for uid in moved_away & still_mine:  # moved to a day after the absence, in I1's calendar: the same event
        assert after[uid]["date"] > away_to  # type: ignore[operator]
    assert all(after[uid]["sequence"] == 2 for uid in cancelled)
    # not dropped: each is in the re-plan, another inspector's or another day, under the same UID
    assert all(uid in whole and whole[uid]["status"] != "CANCELLED" for uid in cancelled)
