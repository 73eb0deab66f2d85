"""``tilsynsplan serve``: uvicorn on create_app; without configured tokens a session token is printed."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import commands  # noqa: F401  (registers the commands)
from api.cli_app import app
from api.deps import SESSION_COOKIE
from data.settings import Settings


def _serve(monkeypatch: pytest.MonkeyPatch, home: Path, tokens: str, *args: str) -> tuple[str, dict[str, Any]]:
    captured: dict[str, Any] = {}

    def fake_run(asgi: Any, host: str, port: int, log_level: str) -> None:
        captured.update(app=asgi, host=host, port=port, log_level=log_level)

    monkeypatch.setattr("uvicorn.run", fake_run)  # serve imports uvicorn when it runs
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(home))
    monkeypatch.setenv("TILSYNSPLAN_API_TOKENS", tokens)
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 0, result.output
    return result.output, captured


def test_serve_without_tokens_prints_a_session_token_that_logs_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    output, captured = _serve(monkeypatch, tmp_path, "[]", "--host", "0.0.0.0", "--port", "8123")
    assert "Ingen TILSYNSPLAN_API_TOKENS er sat." in output
    token = re.search(r"^\s{4}(\S{20,})$", output, re.MULTILINE)
    assert token is not None, output
    assert (captured["host"], captured["port"]) == ("0.0.0.0", 8123)
    client = TestClient(captured["app"])
    response = client.post("/login", data={"token": token.group(1)}, follow_redirects=False)
    assert response.status_code == 303 and SESSION_COOKIE in response.headers["set-cookie"]
    assert client.post("/login", data={"token": "gaet"}).status_code == 401


def test_serve_with_configured_tokens_prints_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    output, captured = _serve(monkeypatch, tmp_path, '["hemmelig-planlaegger"]')
    assert "Ingen TILSYNSPLAN_API_TOKENS" not in output and "hemmelig" not in output
    assert (captured["host"], captured["port"]) == ("127.0.0.1", 8000)
    client = TestClient(captured["app"])
    assert client.post("/login", data={"token": "hemmelig-planlaegger"}, follow_redirects=False).status_code == 303


def test_serve_warms_up_the_facility_pages_in_the_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    warmed: list[tuple[Path, str]] = []
    done = threading.Event()

    def fake_warm_up(settings: Settings) -> None:
        warmed.append((settings.home, threading.current_thread().name))
        done.set()

    monkeypatch.setattr("api.services.risk.warm_up", fake_warm_up)
    _serve(monkeypatch, tmp_path, '["hemmelig-planlaegger"]')
    assert done.wait(10)
    assert warmed == [(tmp_path, "warm-up")]  # the served home, in its own thread (the server does not wait)
