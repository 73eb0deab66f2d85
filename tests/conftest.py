"""Fixtures shared by the test packages."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.postgres import running_server


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The URL of a throw-away PostgreSQL server started for the test module (see ``tests/postgres.py``)."""
    with running_server() as url:
        yield url


@pytest.fixture
def copenhagen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's local time is Danish (summer time ends 2026-10-25 at 03:00, which becomes 02:00 again)."""
    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
