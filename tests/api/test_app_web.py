"""The web pages as a person sees them: overview, login, upload (violations table or summary)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from data.settings import Settings
from tests.api.conftest import TOKEN
from tests.api.html_parse import Page
from tests.data.test_importer import with_short_postcodes
from tests.fixtures.uploads import write_many_violations

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken_upload"


def form_files(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/csv")) for p in sorted(folder.iterdir())]


def test_overview_of_an_empty_home_says_nothing_is_loaded(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = Page(response.text)
    assert "Der er ikke indlæst data endnu." in page.text_of("no-data")
    assert {"/", "/upload", "/risiko", "/planer", "/modelkort", "/login"} <= set(page.links())


def test_overview_shows_what_is_loaded(client: TestClient, loaded: Settings) -> None:
    page = Page(client.get("/").text)
    rows = dict((r[0], r[1]) for r in page.table("loaded-authorities"))
    assert rows == {"Socialtilsyn Midt": "3", "Socialtilsyn Nord": "3"}
    assert "Seneste import #1" in page.text_of("loaded")
    # written as the rest of the app writes moments ("23. nov. 2026 kl. 08.21"), not "2026-11-23T08:21:14"
    assert re.search(r"Seneste import #1 \d{1,2}\. [a-z]{3}\.? \d{4} kl\. \d\d\.\d\d:", page.text_of("loaded"))
    assert not re.search(r"\d{4}-\d\d-\d\dT", page.text())


def test_a_missing_plan_is_a_web_404_that_links_to_the_plans(client: TestClient, loaded: Settings) -> None:
    # the store's message told a browser user to run 'tilsynsplan plan list'
    response = client.get("/planer/999")
    assert response.status_code == 404
    page = Page(response.text)
    assert page.text_of("error-message") == "Planen 999 findes ikke. Se de gemte planer under Planer."
    assert "/planer" in page.links() and "tilsynsplan" not in page.text_of("error-message")
    api = client.get("/planer/999", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_upload_page_sends_readers_to_login(client: TestClient) -> None:
    response = client.get("/upload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/upload"


def test_broken_upload_through_the_form_shows_every_violation(client: TestClient) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=form_files(BROKEN))
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("error-message") == "Upload afvist: 27 fejl. Intet er gemt."
    rows = page.table("violations")
    assert len(rows) == 27
    assert ["indicator_scores.csv", "2", "score", "7", "score skal være et heltal fra 1 til 5"] in rows
    assert "/upload" in page.links()  # back to the form


def test_an_upload_of_no_contract_file_names_the_file_in_the_form(client: TestClient) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files={"files": ("concerns_gammel.txt", b"x", "text/plain")})
    assert response.status_code == 422
    [row] = Page(response.text).table("violations")
    assert row[0] == "concerns_gammel.txt"
    assert "ignoreret: 'concerns_gammel.txt'" in row[-1]


def test_a_capped_report_in_the_form_gives_the_true_count(client: TestClient, tmp_path: Path) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=form_files(write_many_violations(tmp_path / "many", 1500)))
    assert response.status_code == 422
    page = Page(response.text)
    assert page.text_of("error-message") == "Upload afvist: 1.500 fejl; de første 1.000 vises. Intet er gemt."
    assert len(page.table("violations")) == 1000


def test_valid_upload_through_the_form_shows_the_summary(client: TestClient, small_folder: Path) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=form_files(small_folder))
    assert response.status_code == 200
    page = Page(response.text)
    assert page.text_of("upload-summary").startswith("Import #1 gemt")
    summary = {r[0]: r[1:] for r in page.table("summary-table")}
    assert summary["facilities.csv"][:2] == ["6", "6"]  # rows, new


def test_dry_run_through_the_form(client: TestClient, small_folder: Path) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=form_files(small_folder), data={"dry_run": "true"})
    assert response.status_code == 200
    assert Page(response.text).text_of("upload-summary").startswith("Uploaden er gyldig")
    assert "Der er ikke indlæst data endnu." in Page(client.get("/").text).text()


def test_form_without_files_asks_for_a_file(client: TestClient) -> None:
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files={"files": ("", b"", "application/octet-stream")})
    assert response.status_code == 422
    assert Page(response.text).text_of("error-message").startswith("Vælg mindst én fil")


def test_upload_form_post_without_login_is_a_401_page(client: TestClient, small_folder: Path) -> None:
    response = client.post("/upload", files=form_files(small_folder))
    assert response.status_code == 401
    page = Page(response.text)
    assert page.text_of("error-message").startswith("Kun autoriserede planlæggere")
    assert "/login" in page.links()


def test_the_forms_offer_only_the_socialtilsyn_whose_data_is_loaded(settings: Settings, tmp_path: Path) -> None:
    """A tilsyn that imports only its own files is not offered the other four (a plan or a filter for them
    finds no tilbud); before anything is loaded all five are offered."""
    from api.pages import authority_choices, plans_page
    from api.services import imports
    from tests.factories import midt_dataset
    from tests.fixtures.uploads import write_csv_folder

    assert [code for code, _ in authority_choices(settings)] == ["nord", "midt", "syd", "hovedstaden", "oest"]
    imports.import_upload(settings, write_csv_folder(midt_dataset(), tmp_path / "midt"), label="test")
    assert authority_choices(settings) == [("midt", "Socialtilsyn Midt")]
    assert plans_page(settings, False).authorities == [("midt", "Socialtilsyn Midt")]


def test_the_plan_form_takes_the_quarter_as_the_reports_print_it(client: TestClient, loaded: Settings) -> None:
    # the reports say "2027K1"; the form's pattern accepted only "2027Q1" (the server takes both)
    client.post("/login", data={"token": TOKEN})
    quarter = Page(client.get("/planer").text).by_id("quarter")
    assert quarter is not None
    pattern = quarter.attrs["pattern"]  # an HTML pattern must match the whole value
    assert all(re.fullmatch(pattern, q) for q in ("2027K1", "2027k4", "2027Q1", "2026q2"))
    assert not any(re.fullmatch(pattern, q) for q in ("2027K5", "27K1", "2027-1", "2027X1"))


def test_the_upload_fields_have_labels(client: TestClient) -> None:
    client.post("/login", data={"token": TOKEN})
    page = Page(client.get("/upload").text)
    labelled = {n.attrs.get("for") for n in page.root.iter() if n.tag == "label"}
    assert "files" in labelled and page.by_id("files") is not None


def test_a_wrong_token_is_shown_on_the_login_form_tied_to_the_field(client: TestClient) -> None:
    """The message was a plain paragraph (not announced, not tied to the field) naming an environment variable."""
    response = client.post("/login", data={"token": "forkert", "next": "/planer"})
    assert response.status_code == 401
    page = Page(response.text)
    error = page.by_id("login-error")
    assert error is not None and error.attrs.get("role") == "alert"
    assert error.text() == "Forkert token. Prøv igen, eller kontakt administratoren, hvis du ikke har et gyldigt token."
    token = page.by_id("token")
    assert token is not None and token.attrs.get("aria-describedby") == "login-error"
    assert token.attrs.get("aria-invalid") == "true"
    hidden = next(n for n in page.root.iter() if n.attrs.get("name") == "next")
    assert hidden.attrs["value"] == "/planer"  # where the user was going is kept


def _field(page: Page, element_id: str) -> dict[str, str | None]:
    node = page.by_id(element_id)
    assert node is not None, element_id
    return dict(node.attrs)


def test_a_plan_form_error_is_shown_beside_its_field_with_the_input_kept(client: TestClient, loaded: Settings) -> None:
    """Every plan form error was a separate page without the form: the choices were lost."""
    client.post("/login", data={"token": TOKEN})
    cases = {
        "quarter": ({"quarter": "2027K5", "authority": "nord", "time_limit_s": "7"}, "'2027K5' er ikke et kvartal"),
        "time_limit_s": ({"quarter": "2027K1", "authority": "nord", "time_limit_s": "0"}, "Tidsgrænsen skal være"),
        "plan-authority": ({"quarter": "2027K1", "authority": "xyz", "time_limit_s": "7"}, "Ukendt socialtilsyn 'xyz'"),
    }
    for field, (data, message) in cases.items():
        response = client.post("/planer", data=data)
        assert response.status_code == 422, field
        page = Page(response.text)
        assert page.by_id("plan-form") is not None  # the form itself, not an error page
        error = _field(page, f"{field}-error")
        assert error["role"] == "alert" and page.text_of(f"{field}-error").startswith(message), field
        attrs = _field(page, field)
        assert attrs["aria-describedby"] == f"{field}-error" and attrs["aria-invalid"] == "true", field
        assert _field(page, "quarter")["value"] == data["quarter"]
        assert _field(page, "time_limit_s")["value"] == data["time_limit_s"]
        selected = [n.attrs.get("value") for n in page.root.iter() if n.tag == "option" and "selected" in n.attrs]
        assert selected == ([data["authority"]] if field != "plan-authority" else []), field


def test_a_past_quarter_is_refused_on_the_form_in_danish_words(client: TestClient, loaded: Settings) -> None:
    # the planner's message said "Kvartalet 2020Q1 er allerede slut på opgørelsesdatoen 2026-10-01"
    client.post("/login", data={"token": TOKEN})
    page = Page(client.post("/planer", data={"quarter": "2020K1"}).text)
    assert page.text_of("quarter-error") == (
        "Kvartalet 2020K1 er allerede slut (i dag er 1. oktober 2026); vælg et kvartal, der slutter efter i dag."
    )


def test_a_refused_upload_is_shown_on_the_form_with_the_choices_kept(client: TestClient) -> None:
    """The violations were a separate page without the form; the dry-run choice was lost."""
    client.post("/login", data={"token": TOKEN})
    response = client.post("/upload", files=form_files(BROKEN), data={"dry_run": "true"})
    assert response.status_code == 422
    page = Page(response.text)
    assert page.by_id("upload-form") is not None
    error = _field(page, "error-message")
    assert error["role"] == "alert"
    assert _field(page, "files")["aria-describedby"] == "error-message files-chosen"
    assert "checked" in _field(page, "dry-run")
    assert "facilities.csv" in page.text_of("files-chosen")
    assert len(page.table("violations")) == 27


def test_every_page_has_a_skip_link_and_labelled_tables_that_scroll_by_themselves(
    client: TestClient, loaded: Settings
) -> None:
    """No skip link; none of the 30+ tables had a caption or label, and none sat in a scroll box, so at 320 px the
    whole page scrolled sideways."""
    client.post("/login", data={"token": TOKEN})
    client.post("/upload", files=form_files(BROKEN))  # a violations table
    for path in ("/", "/planer", "/risiko", "/tilbud/F1", "/modelkort"):
        page = Page(client.get(path).text)
        links = [n for n in page.root.iter() if n.tag == "a"]
        assert links[0].attrs.get("href") == "#main" and links[0].text() == "Spring til indholdet", path
        main = next(n for n in page.root.iter() if n.tag == "main")
        assert main.attrs.get("id") == "main", path
        tables = [n for n in page.root.iter() if n.tag == "table"]
        assert tables or path == "/planer", path  # no plan yet: no table
        for table in tables:
            assert table.attrs.get("aria-label"), (path, table.attrs)
            assert table.parent is not None and "table-scroll" in table.parent.attrs.get("class", ""), path


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_warning_text_has_a_contrast_of_at_least_4_5() -> None:
    """The 'forhøjet' badge had 3.80:1, plan warnings 4.01:1 and the deadline column 4.24:1 (WCAG 1.4.3)."""
    templates = Path(__file__).resolve().parents[2] / "reports" / "templates" / "partials"
    css = (templates / "style.css").read_text() + (templates / "report.css").read_text()
    colours = dict(re.findall(r"(--[a-z]+): (#[0-9a-f]{6})", css))
    badge = re.search(r"\.tier-elevated \{ background: (#[0-9a-f]{6}); color: var\(--warn\)", css)
    warnings = re.search(r"\.box\.warnings \{[^}]*background: (#[0-9a-f]{6})", css)
    assert badge and warnings
    for background in ("#ffffff", badge.group(1), warnings.group(1)):  # td.due, the badge, li.warning
        assert contrast(colours["--warn"], background) >= 4.5, background
    for name in ("--muted", "--bad", "--accent", "--ok", "--ink"):
        assert contrast(colours[name], "#ffffff") >= 4.5, name


def test_counts_on_the_upload_page_agree_with_their_words(client: TestClient, loaded: Settings, tmp_path: Path) -> None:
    """'Ingen fejl i 1 rækker', '1 rækker: 1 nye, 0 opdaterede'."""
    client.post("/login", data={"token": TOKEN})
    one = [("files", ("concerns.csv", b"facility_id,date,severity\nF1,2026-09-14,low\n", "text/csv"))]
    dry = Page(client.post("/upload", files=one, data={"dry_run": "true"}).text)
    assert "Ingen fejl i 1 række. Intet er gemt." in dry.text_of("upload-summary")
    stored = Page(client.post("/upload", files=one).text)
    assert stored.text_of("upload-counts") == "1 række: 1 ny, 0 opdaterede, 0 uændrede."


def test_the_upload_page_counts_every_warning_and_lists_at_most_100_of_a_kind(
    client: TestClient, small_folder: Path
) -> None:
    # 150 postcodes of three digits: the page listed all of them; now 100 and one row counting the other 50, and the
    # heading counts all 150
    with_short_postcodes(small_folder, 150)
    client.post("/login", data={"token": TOKEN})
    page = Page(client.post("/upload", files=form_files(small_folder), data={"dry_run": "true"}).text)
    assert "150 advarsler (uploaden er ikke afvist af dem)" in page.text()
    rows = page.table("warnings")
    assert len(rows) == 101
    assert "og 50 advarsler mere af samme slags" in " ".join(rows[-1])
