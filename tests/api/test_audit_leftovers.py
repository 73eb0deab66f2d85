"""Leftovers of the security and HTTP audit (helper "conf2"): what another site's page, a reader or a cheap request
could make the app do or tell."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.deps import SESSION_COOKIE
from tests.api.conftest import TOKEN
from tests.api.html_parse import Page

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
