"""Plan routes: create (planners), list, visits with confidential fields hidden for readers, analysis,
CSV export and calendar (planners), and the plan pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from api.app import create_app
from api.services import imports
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_errors import assert_error_shape
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder

HIDDEN_DAY = '<td class="nowrap">fortrolig</td>'
WEEK_PLAN = 'aria-label="Besøg pr. tilsynskonsulent og uge"'


def week_plan(html: str) -> str:
    """The plan page's section of visits per inspector and week."""
    assert WEEK_PLAN in html
    return html.split(WEEK_PLAN, 1)[1].split("</section>", 1)[0]


@pytest.fixture(scope="module")
def plan_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The small dataset loaded and plan 1 (2026Q4) made through the API; no risk run before it."""
    root = tmp_path_factory.mktemp("plans")
    settings = make_settings(root / "home", solver_time_limit_s=5.0)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/plans", json={"quarter": "2026Q4"}, headers=AUTH)
        assert response.status_code == 201, response.text
        yield client


@pytest.fixture(scope="module")
def full_plan(plan_client: TestClient) -> dict:
    return plan_client.get("/api/v1/plans/1", headers=AUTH).json()


def test_creating_a_plan_needs_a_planner(plan_client: TestClient) -> None:
    response = plan_client.post("/api/v1/plans", json={"quarter": "2027Q1"})
    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthorized")


def test_bad_plan_requests(plan_client: TestClient) -> None:
    response = plan_client.post("/api/v1/plans", json={"quarter": "2026K5"}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "'2026K5' er ikke et kvartal; brug formen ÅÅÅÅKn eller ÅÅÅÅQn, fx 2026K4 eller 2026Q4"
    )
    response = plan_client.post("/api/v1/plans", json={"quarter": "2027Q1", "parent_plan_id": 99}, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("Planen 99 findes ikke")
    response = plan_client.post("/api/v1/plans", json={"quarter": "2027Q1", "time_limit_s": 0}, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == "'time_limit_s' skal være større end 0, ikke '0'"


def test_the_rotation_comparison_says_which_group_it_counts(plan_client: TestClient) -> None:
    # the top tier drawn from the whole risk run (the data's two tilsyn), the risk list's "høj"
    base = plan_client.get("/api/v1/plans/1/analysis", headers=AUTH).json()["baseline"]
    assert (base["top_share"], base["top_scope"], base["top_pool"]) == (0.1, "national", ["midt", "nord"])
    assert base["top_decile_count"] == 1  # ceil(10 % of 6)
    reader = plan_client.get("/api/v1/plans/1/analysis").json()["baseline"]
    assert reader["top_scope"] == "national" and reader["top_pool"] == ["midt", "nord"]


def test_the_planner_sees_every_field(full_plan: dict) -> None:
    assert full_plan["quarter"] == "2026Q4" and full_plan["authorised"] is True
    assert full_plan["visit_count"] == len(full_plan["visits"]) > 0
    unannounced = [v for v in full_plan["visits"] if not v["announced"]]
    assert unannounced, "the small dataset's plan has unannounced visits"
    for v in unannounced:
        day = dt.date.fromisoformat(v["date"])
        assert v["confidential"] is True and v["inspector_ids"]
        assert v["week"] == day.isocalendar().week
        assert v["quarter"] == f"{day.year}Q{(day.month - 1) // 3 + 1}"


def test_a_reader_sees_an_unannounced_visit_only_as_its_quarter(plan_client: TestClient, full_plan: dict) -> None:
    reader = plan_client.get("/api/v1/plans/1").json()
    assert reader["authorised"] is False
    assert len(reader["visits"]) == len(full_plan["visits"])

    def key(v: dict) -> tuple:
        return (v["facility_id"], v["quarter"], v["announced"], v["date"] if v["announced"] else "")

    for seen, truth in zip(sorted(reader["visits"], key=key), sorted(full_plan["visits"], key=key), strict=True):
        assert seen["facility_id"] == truth["facility_id"] and seen["quarter"] == truth["quarter"]
        if truth["announced"]:
            assert seen["date"] == truth["date"]
        else:
            assert (seen["date"], seen["week"], seen["inspector_ids"]) == (None, None, None)
    assert not set(re.findall(r"\d{4}-\d{2}-\d{2}", str([v for v in reader["visits"] if v["confidential"]])))
    # the planner's list is by date; the reader's must not be, or its order would tell the hidden dates' order
    order = [(v["authority"], v["facility_id"], v["confidential"]) for v in reader["visits"]]
    assert order == sorted(order)
    assert [v["facility_id"] for v in full_plan["visits"]] != [v["facility_id"] for v in reader["visits"]]


#: What in a reason narrows a visit's day beyond its quarter: a date, a week, "the plan's first weeks".
NARROWS = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\. (?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|dec)|\buger?\b",
    re.IGNORECASE,
)


def test_a_readers_reason_does_not_narrow_an_unannounced_visit_beyond_its_quarter(
    plan_client: TestClient, full_plan: dict
) -> None:
    # the planner's reason for an overdue tilbud said "besøges i planens første uger, senest 31. december 2026",
    # and a deadline's "senest 20. januar 2027": readers were promised the quarter only
    hidden = [v for v in full_plan["visits"] if v["confidential"]]
    assert any(NARROWS.search(v["reason"]) for v in hidden)  # planners keep the full reason
    assert any("første uger" in v["reason"] for v in hidden)
    reader = [v for v in plan_client.get("/api/v1/plans/1").json()["visits"] if v["confidential"]]
    assert reader and not [v["reason"] for v in reader if NARROWS.search(v["reason"])]
    codes = {v["reason_code"] for v in reader}
    assert "overdue" in codes
    assert {v["reason"] for v in reader if v["reason_code"] == "overdue"} == {
        "Fristen for uanmeldt besøg var overskredet eller kunne ikke nås ved planens start"
    }
    # the plan page (and its PDF: the same report) gives readers the same reasons, also in the deadline table
    page = Page(plan_client.get("/planer/1").text)
    for table in ("confidential-visits", "deadlines"):
        rows = page.root.find_all("table", **{"class": table})[0].with_attr("data-facility-id")
        reasons = [r.find_all("td")[-1].text() for r in rows]
        assert reasons and not [r for r in reasons if NARROWS.search(r)], table


def test_plan_list_and_unknown_plan(plan_client: TestClient) -> None:
    plans = plan_client.get("/api/v1/plans").json()
    assert plans[-1]["id"] == 1 and plans[-1]["quarter"] == "2026Q4"
    response = plan_client.get("/api/v1/plans/99")
    assert response.status_code == 404
    assert assert_error_shape(response.json(), "not_found")["message"].startswith("Planen 99 findes ikke")


def test_analysis_hides_planned_dates_from_readers(plan_client: TestClient) -> None:
    full = plan_client.get("/api/v1/plans/1/analysis", headers=AUTH).json()
    reader = plan_client.get("/api/v1/plans/1/analysis").json()
    assert {"rule_costs", "bound", "gap", "baseline"} <= set(reader)
    # every cost but those that price single visits' weeks (overdue tilbud, mostly unannounced), which the total and
    # the bound would give back
    assert full["overdue"] and "overdue_delay" in full["rule_costs"]
    assert reader["rule_costs"] == {k: v for k, v in full["rule_costs"].items() if k != "overdue_delay"}
    assert reader["objective"] is None and reader["bound"] is None and full["objective"] is not None
    # an ETag saved from the answer before readers lost those costs does not get a 304 over the old body
    from api.conditional import strong_etag
    from api.routes.plans import _version
    from api.services import plans as plan_service

    settings = plan_client.app.state.settings  # type: ignore[attr-defined]
    before = strong_etag("analysis", False, _version(plan_service.plan_version(settings, 1)))
    again = plan_client.get("/api/v1/plans/1/analysis", headers={"If-None-Match": before})
    assert again.status_code == 200 and again.json()["rule_costs"] == reader["rule_costs"]
    assert [o["facility_id"] for o in reader["overdue"]] == [o["facility_id"] for o in full["overdue"]]
    assert all(o["planned_date"] is None for o in reader["overdue"])
    assert all(o["planned_date"] for o in full["overdue"])


def test_csv_export_is_for_planners(plan_client: TestClient, full_plan: dict) -> None:
    assert plan_client.get("/api/v1/plans/1/export.csv").status_code == 401
    response = plan_client.get("/api/v1/plans/1/export.csv", headers=AUTH)
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == full_plan["visit_count"]
    assert list(rows[0])[:6] == ["facility_id", "date", "inspector_ids", "announced", "kind", "reason"]
    assert {r["date"] for r in rows} == {v["date"] for v in full_plan["visits"]}


def test_calendar_per_inspector(plan_client: TestClient, full_plan: dict) -> None:
    assert plan_client.get("/api/v1/plans/1/calendar.ics").status_code == 401
    whole = Calendar.from_ical(plan_client.get("/api/v1/plans/1/calendar.ics", headers=AUTH).content)
    assert len(list(whole.walk("VEVENT"))) == full_plan["visit_count"]
    response = plan_client.get("/api/v1/plans/1/calendar.ics?inspector_id=I3", headers=AUTH)
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    expected = sorted(v["date"] for v in full_plan["visits"] if "I3" in v["inspector_ids"])
    assert sorted(e.decoded("dtstart").isoformat() for e in events) == expected
    assert all(str(e["summary"]).endswith(")") and "tilsynsbesøg:" in str(e["summary"]) for e in events)
    unknown = plan_client.get("/api/v1/plans/1/calendar.ics?inspector_id=I9", headers=AUTH)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "Tilsynskonsulent 'I9' findes ikke i databasen."


def test_plan_page_hides_unannounced_days_from_readers(plan_client: TestClient, full_plan: dict) -> None:
    in_quarter = [v for v in full_plan["visits"] if v["quarter"] == "2026Q4" and not v["announced"]]
    reader = plan_client.get("/planer/1")
    assert reader.status_code == 200
    # A reader sees no unannounced visit in any inspector's weeks (that would give the date away): they
    # are listed apart, without date, week or inspector.
    weeks = week_plan(reader.text)
    assert "uanmeldt" not in "".join(part.split("</table>", 1)[0] for part in weeks.split('class="week-plan"')[1:])
    assert "Hvem der aflægger et uanmeldt besøg, og hvornår, er fortroligt" in weeks  # the note says why
    apart = reader.text.split('class="confidential-visits"', 1)[1].split("</table>", 1)[0]
    assert apart.count("data-facility-id=") == len(in_quarter)
    assert "Log ind" in Page(reader.text).text_of("plan-files")
    plan_client.post("/login", data={"token": TOKEN})
    planner = plan_client.get("/planer/1")
    assert HIDDEN_DAY not in planner.text and 'class="confidential-visits"' not in planner.text
    assert week_plan(planner.text).count('<td class="nowrap">') == len(in_quarter)
    assert "/api/v1/plans/1/calendar.ics" in Page(planner.text).links()
    plan_client.cookies.clear()


def test_plans_page_and_form(plan_client: TestClient) -> None:
    reader = Page(plan_client.get("/planer").text)
    assert reader.by_id("plan-form") is None
    assert reader.table("plans-table")[-1][:2] == ["Plan 1", "2026K4"]  # as the reports write a quarter
    plan_client.post("/login", data={"token": TOKEN})
    assert Page(plan_client.get("/planer").text).by_id("plan-form") is not None
    response = plan_client.post(
        "/planer", data={"quarter": "2027q1", "authority": "nord", "time_limit_s": "5"}, follow_redirects=False
    )
    assert response.status_code == 303 and re.fullmatch(r"/planer/\d+", response.headers["location"])
    bad = plan_client.post("/planer", data={"quarter": "2027Q1", "time_limit_s": "hurtigt"})
    assert bad.status_code == 422
    assert Page(bad.text).text_of("time_limit_s-error") == "Tidsgrænsen 'hurtigt' er ikke et tal (sekunder)."
    plan_client.cookies.clear()


def test_notes_naming_locked_weeks_reach_planners_only() -> None:
    from api.schemas import analysis_for_reader

    analysis = {"notes": ["T1 lukker 2027-01-15"], "confidential_notes": ["Låste besøg … I23 i ugen fra 2027-03-08"]}
    assert analysis_for_reader(analysis, authorised=False)["confidential_notes"] == []
    assert analysis_for_reader(analysis, authorised=False)["notes"] == ["T1 lukker 2027-01-15"]
    assert analysis_for_reader(analysis, authorised=True) == analysis


def test_the_plan_page_offers_a_csv_for_danish_excel(plan_client: TestClient, full_plan: dict) -> None:
    """The plan page's only CSV was the API's: English columns, codes, commas and no BOM."""
    assert plan_client.get("/planer/1/plan.csv").status_code == 401  # unannounced dates: planners only
    plan_client.post("/login", data={"token": TOKEN})
    page = Page(plan_client.get("/planer/1").text)
    assert page.text_of("plan-csv") == "CSV til Excel" and page.by_id("plan-api-csv") is None  # not for Excel
    assert "/api/v1/plans/1/export.csv" in page.text_of("plan-files")
    response = plan_client.get("/planer/1/plan.csv")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    assert 'filename="plan-1-2026K4.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Dato", "Uge", "Kvartal", "Tilbuds-id", "Tilbud"]
    assert len(rows) - 1 == len(full_plan["visits"])
    assert {r[8] for r in rows[1:]} <= {"anmeldt", "uanmeldt"} and {r[10] for r in rows[1:]} <= {"ja", "nej"}
    plan_client.cookies.clear()


def test_plans_of_one_quarter_and_socialtilsyn_have_titles_of_their_own(plan_client: TestClient) -> None:
    """Every plan of 2027K1 for Nord had the title and heading "Kvartalsplan 2027K1 — Socialtilsyn Nord"."""
    ids = []
    for _ in range(2):
        response = plan_client.post("/api/v1/plans", json={"quarter": "2027Q1", "authority": "nord"}, headers=AUTH)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    titles, headings = set(), set()
    for plan_id in ids:
        html = plan_client.get(f"/planer/{plan_id}").text
        titles.add(re.search(r"<title>(.*?)</title>", html, re.S).group(1))  # type: ignore[union-attr]
        headings.add(re.search(r"<h1>(.*?)</h1>", html, re.S).group(1))  # type: ignore[union-attr]
        assert "Oprettet " in Page(html).text()
    assert len(titles) == len(headings) == 2
    assert f"Plan {ids[0]} · Kvartalsplan 2027K1 — Socialtilsyn Nord — Tilsynsplan" in titles


def test_the_plan_pdf_link_says_what_it_is(plan_client: TestClient) -> None:
    """The link text was the bare word "PDF"."""
    for authorised in (False, True):
        if authorised:
            plan_client.post("/login", data={"token": TOKEN})
        page = Page(plan_client.get("/planer/1").text)
        assert page.text_of("plan-pdf") == "Plan som PDF"
    plan_client.cookies.clear()


def test_the_plan_pdf_lays_out_its_long_tables_with_fixed_columns() -> None:
    """WeasyPrint's automatic table layout measured every cell's text: more than half of the plan PDF's 10-15 s
    (``bench/plan_pdf_speed.py``)."""
    from reports.render import render_template

    css = render_template("partials/report.css")
    print_css = css.split("@media print", 1)[1]
    assert "table.week-plan, table.deadlines, table.confidential-visits { table-layout: fixed; }" in print_css


def test_a_reader_gets_no_cost_that_prices_one_visits_week_nor_the_totals_it_follows_from() -> None:
    """A reader was given `overdue_delay` (1000 x the weeks to an overdue tilbud's visit, mostly unannounced) and a
    best-effort plan's `deadline_relaxed` (its weeks late, which the reader's `late` list hides): with one such
    tilbud, the week of its unannounced visit. The total and the bound would give them back (total minus the rest)."""
    from api.schemas import analysis_for_reader

    analysis = {
        "objective": 6010.0,
        "bound": 6000.0,
        "gap": 0.0017,
        "rule_costs": {"risk_lateness": 10, "overdue_delay": 3000, "deadline_relaxed": 3000, "tie_break": 0},
        "authorities": [{"authority": "nord", "objective": 6010.0, "bound": 6000.0, "gap": 0.0017, "seconds": 1.0}],
    }
    reader = analysis_for_reader(analysis, authorised=False)
    assert reader["rule_costs"] == {"risk_lateness": 10, "tie_break": 0}
    assert reader["objective"] is None and reader["bound"] is None and reader["gap"] == 0.0017
    assert reader["authorities"] == [
        {"authority": "nord", "objective": None, "bound": None, "gap": 0.0017, "seconds": 1.0}
    ]
    assert analysis_for_reader(analysis, authorised=True) == analysis
    assert analysis["rule_costs"]["overdue_delay"] == 3000  # the stored analysis is not changed
