"""Readers vs authorised planners: bearer tokens, the login cookie, 401 / 403."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import SESSION_COOKIE
from api.services.web_state import token_fingerprint
from data.settings import Settings
from tests.api.conftest import AUTH, TOKEN, make_settings
from tests.api.html_parse import Page
from tests.api.test_app_errors import assert_error_shape

PUSH = {"records": [{"facility_id": "F1", "date": "2026-09-14", "severity": "low"}]}


def test_write_without_token_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/concerns", json=PUSH)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = assert_error_shape(response.json(), "unauthorized")
    assert error["message"].startswith("Kun autoriserede planlæggere har adgang.")


def test_write_with_wrong_token_is_403(client: TestClient) -> None:
    response = client.post("/api/v1/concerns", json=PUSH, headers={"Authorization": "Bearer gaet"})
    assert response.status_code == 403
    error = assert_error_shape(response.json(), "forbidden")
    assert error["message"] == "Tokenet i Authorization-headeren er ikke gyldigt; adgang nægtet."


def test_a_wrong_token_is_refused_on_reads_too(client: TestClient) -> None:
    assert client.get("/api/v1/status", headers={"Authorization": "Bearer gaet"}).status_code == 403
    assert client.get("/api/v1/status").status_code == 200  # no token: a reader


def test_malformed_authorization_header_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/status", headers={"Authorization": f"Basic {TOKEN}"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Authorization-headeren skal have formen 'Bearer <token>'."


def test_a_proxys_basic_login_does_not_lock_the_web_pages(client: TestClient) -> None:
    """Behind a reverse proxy with its own login the browser sends ``Authorization: Basic …`` on every request:
    every web page answered 401 ("skal have formen 'Bearer <token>'"). On the pages it is not ours and is ignored
    (a reader, or the planner of the session cookie); the API still tells a case system its header is wrong."""
    basic = {"Authorization": "Basic dXNlcjpwYXNz"}
    page = client.get("/", headers=basic)
    assert page.status_code == 200 and "Bearer" not in page.text
    assert client.get("/login", headers=basic).status_code == 200
    cookie = _login_cookie(client)
    client.cookies.set(SESSION_COOKIE, cookie)
    try:
        assert 'action="/logout"' in client.get("/", headers=basic).text  # the session's planner
    finally:
        client.cookies.clear()
    assert client.get("/api/v1/status", headers=basic).status_code == 401


def test_no_configured_tokens_means_nobody_may_write(tmp_path: Path) -> None:
    client = TestClient(create_app(make_settings(tmp_path / "home", api_tokens=[])))
    assert client.post("/api/v1/concerns", json=PUSH).status_code == 401
    assert client.post("/api/v1/concerns", json=PUSH, headers=AUTH).status_code == 403


def test_login_sets_an_httponly_samesite_cookie_holding_no_token(client: TestClient) -> None:
    response = client.post("/login", data={"token": TOKEN, "next": "/upload"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/upload"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert TOKEN not in cookie and token_fingerprint(TOKEN) not in cookie
    page = Page(client.get("/").text)  # the client keeps the cookie
    assert page.by_id("logout") is not None and page.by_id("login") is None


def test_login_with_wrong_token_shows_the_form_again(client: TestClient) -> None:
    response = client.post("/login", data={"token": "forkert"})
    assert response.status_code == 401
    assert Page(response.text).text_of("login-error").startswith("Forkert token.")
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_login_never_redirects_to_another_site(client: TestClient) -> None:
    response = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_cookie_allows_writes_and_logout_removes_it(client: TestClient, small_folder: Path) -> None:
    client.post("/login", data={"token": TOKEN})
    files = [("files", (p.name, p.read_bytes())) for p in sorted(small_folder.iterdir())]
    assert client.post("/api/v1/uploads?dry_run=true", files=files).status_code == 200
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    client.cookies.clear()
    assert client.post("/api/v1/uploads?dry_run=true", files=files).status_code == 401


def _login_cookie(client: TestClient) -> str:
    response = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    client.cookies.clear()
    return str(response.cookies[SESSION_COOKIE])


def test_each_login_gets_its_own_session_and_logout_ends_it_on_the_server(client: TestClient) -> None:
    """The cookie was a hash of the token: the same for every login, and a copy kept working after /logout."""
    first, second = _login_cookie(client), _login_cookie(client)
    assert first != second
    copy = TestClient(client.app)  # another browser with a copy of the first login's cookie
    copy.cookies.set(SESSION_COOKIE, first)
    client.cookies.set(SESSION_COOKIE, first)
    assert "Logget ind som planlægger" in copy.get("/planer").text
    client.post("/logout", follow_redirects=False)
    # the copied cookie no longer opens anything; the other login is untouched
    assert "Logget ind som planlægger" not in copy.get("/planer").text
    assert copy.get("/api/v1/plans/1/export.csv").status_code == 401
    client.cookies.set(SESSION_COOKIE, second)
    assert "Logget ind som planlægger" in client.get("/planer").text


def test_a_session_survives_a_restart_of_the_server(settings: Settings) -> None:
    """Sessions live in the database: another worker process, or the server after a restart, knows them."""
    with TestClient(create_app(settings)) as one:
        cookie = _login_cookie(one)
    with TestClient(create_app(settings)) as other:
        other.cookies.set(SESSION_COOKIE, cookie)
        assert "Logget ind som planlægger" in other.get("/").text


def test_logout_by_get_only_offers_the_button(client: TestClient) -> None:
    """A link (or an image another page embeds) must not log a planner out."""
    client.post("/login", data={"token": TOKEN})
    response = client.get("/logout")
    assert response.status_code == 200 and "set-cookie" not in response.headers
    page = Page(response.text)
    assert page.by_id("logout-confirm") is not None
    assert "Logget ind som planlægger" in client.get("/").text
    nav_logout = Page(client.get("/").text).by_id("logout")
    assert nav_logout is not None and nav_logout.tag == "button"


def test_a_cookie_of_a_removed_token_makes_a_reader(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with TestClient(create_app(make_settings(home, api_tokens=["gammelt-token"]))) as old:
        old.post("/login", data={"token": "gammelt-token"})
        cookie = str(old.cookies[SESSION_COOKIE])
    client = TestClient(create_app(make_settings(home)))
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/api/v1/status").status_code == 200
    assert client.post("/api/v1/concerns", json=PUSH).status_code == 401


def test_a_made_up_cookie_makes_a_reader(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, token_fingerprint(TOKEN))  # the old cookie's value
    assert client.post("/api/v1/concerns", json=PUSH).status_code == 401


def test_answers_to_a_planner_are_not_stored_and_every_answer_varies_with_the_credentials(client: TestClient) -> None:
    """The same URL answers a reader and a planner differently; a planner's page (unannounced dates) must not
    survive logout in the browser's cache (Back showed it) or be kept by a proxy."""

    for path in ("/", "/planer"):
        reader = client.get(path)
        assert reader.status_code == 200, path
        assert reader.headers["vary"] == "Authorization, Cookie" and "cache-control" not in reader.headers
        planner = client.get(path, headers=AUTH)
        assert planner.headers["cache-control"] == "no-store", path
    # answers with an ETag (api.conditional): a reader's may be kept and revalidated; a planner's confidential one
    # never (the status names the database; the plans' data_status may come from a change to an unannounced visit)
    for path, planners in (("/api/v1/status", "no-store"), ("/api/v1/plans", "no-store")):
        reader = client.get(path)
        assert reader.headers["vary"] == "Authorization, Cookie" and reader.headers["cache-control"] == "no-cache"
        assert client.get(path, headers=AUTH).headers["cache-control"] == planners, path
    client.post("/login", data={"token": TOKEN})
    assert client.get("/planer").headers["cache-control"] == "no-store"  # by the session cookie
    assert client.get("/api/v1/health", headers={"Authorization": "Bearer gaet"}).headers["cache-control"] == "no-store"
    response = client.post("/logout", follow_redirects=False)
    assert response.headers["clear-site-data"] == '"cache"'
