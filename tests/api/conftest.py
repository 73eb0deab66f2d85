"""Fixtures of the HTTP tests: an app on a temporary home, a client, the small dataset loaded or not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from data.settings import Settings
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder

TOKEN = "planner-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_settings(home: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"home": home, "database_url": "", "api_tokens": [TOKEN], "today": AS_OF}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def small_folder(tmp_path: Path) -> Path:
    """The small dataset written as a folder of CSV files."""
    return write_csv_folder(small_dataset(), tmp_path / "small")


@pytest.fixture
def loaded(settings: Settings, small_folder: Path) -> Settings:
    """Settings whose database holds the small dataset."""
    imports.import_upload(settings, small_folder, label="test")
    return settings


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI on an empty temporary home with the embedded database, its consoles 300 columns wide (no wrapping
    inside a message a test reads)."""
    from api.cli_app import console, err_console

    monkeypatch.setenv("TILSYNSPLAN_HOME", str(tmp_path))
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", "")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    return tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI with ``argv``: its exit code (0 when it returns), stdout and stderr."""
    from api.cli import main

    try:
        main(list(argv))
        code = 0
    except SystemExit as info:
        code = info.code if isinstance(info.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def planning_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment for the plan tests: today is the tests' AS_OF, a home under ``tmp_path`` with its own
    SQLite database, and consoles wide enough that no line is wrapped. Returns the home."""
    from api.cli_app import console, err_console

    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TILSYNSPLAN_DATABASE_URL", "")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    return tmp_path / "home"
