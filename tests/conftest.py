"""Fixtures shared by the test packages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import running_server


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """The URL of a throw-away PostgreSQL server started for the test module (see ``tests/postgres.py``)."""
    with running_server() as url:
        yield url
