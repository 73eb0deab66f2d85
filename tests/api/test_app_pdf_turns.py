"""PDF reports are rendered one at a time per server process and lane (WeasyPrint is CPU-bound: the national risk
list takes most of a minute), so readers asking for it at once cannot starve the server; a request that waits its
turn in vain is a 503 ``server_busy`` with ``Retry-After`` in the one error shape, and HTML is never held up. A short
PDF (a Tilbudsprofil) has a lane of its own and never waits for a long one (a plan, the national list)."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import reports as report_routes
from api.services import reports
from data.settings import Settings
from tests.api.conftest import AUTH


def test_a_second_pdf_waits_its_turn_and_is_told_to_come_back(
    loaded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendering, release = threading.Event(), threading.Event()

    def slow(html: str) -> bytes:
        rendering.set()
        assert release.wait(30)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(reports, "pdf_of_html", slow)
    monkeypatch.setattr(report_routes, "PDF_WAIT_S", 0.2)
    url = "/api/v1/reports/facility/F1"
    with TestClient(create_app(loaded)) as client:
        assert client.get(url, headers=AUTH).status_code == 200  # scores once (a planner may train)
        first: dict[str, int] = {}
        worker = threading.Thread(target=lambda: first.update(status=client.get(f"{url}?format=pdf").status_code))
        worker.start()
        assert rendering.wait(30)
        busy = client.get(f"{url}?format=pdf")
        html = client.get(url)
        release.set()
        worker.join(30)
        again = client.get(f"{url}?format=pdf")

    assert first == {"status": 200}
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
    error = busy.json()["error"]
    assert error["code"] == "server_busy"
    assert error["message"].startswith("Serveren laver allerede en PDF-rapport og har ventet 0 sekunder på tur")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert again.status_code == 200 and again.content == b"%PDF-1.7 test"  # the turn was given back


def test_a_short_pdf_does_not_wait_for_a_long_one(loaded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    rendering, release = threading.Event(), threading.Event()
    real = reports.pdf_of_html
    profile, card = "/api/v1/reports/facility/F1", "/api/v1/reports/model"
    with TestClient(create_app(loaded)) as client:
        assert client.get(profile, headers=AUTH).status_code == 200  # scores once (a planner may train)
        lengths = {url: len(client.get(url).text) for url in (profile, card)}
        long_url, short_url = sorted(lengths, key=lengths.__getitem__, reverse=True)
        assert lengths[long_url] > lengths[short_url]
        monkeypatch.setattr(report_routes, "LONG_PDF_CHARS", lengths[long_url])  # the longer one counts as long

        def slow_when_long(html: str) -> bytes:
            if len(html) >= lengths[long_url]:
                rendering.set()
                assert release.wait(30)
                return b"%PDF-1.7 long"
            return real(html)

        monkeypatch.setattr(reports, "pdf_of_html", slow_when_long)
        monkeypatch.setattr(report_routes, "PDF_WAIT_S", 0.2)
        first: dict[str, int] = {}
        worker = threading.Thread(target=lambda: first.update(status=client.get(f"{long_url}?format=pdf").status_code))
        worker.start()
        assert rendering.wait(30)
        short = client.get(f"{short_url}?format=pdf")  # while the long one holds its turn
        another_long = client.get(f"{long_url}?format=pdf")
        release.set()
        worker.join(30)

    assert short.status_code == 200 and short.content.startswith(b"%PDF-")
    assert another_long.status_code == 503  # long ones still one at a time
    assert first == {"status": 200}
