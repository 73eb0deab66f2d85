"""``--format json``: every command prints its JSON one way -- valid, UTF-8 with æøå as they are, indented by two,
and nothing else on stdout -- also on a narrow terminal, where Rich would colour and wrap."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rich.color import ColorSystem

from api.cli_app import console, err_console
from tests.api.conftest import planning_home
from tests.api.conftest import run_cli as run
from tests.api.test_cli_plan import load_data

COMMANDS = (
    ("settings",),
    ("locks",),
    ("status",),
    ("imports",),
    ("plan", "list"),
    ("plan", "show", "1"),
)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the small dataset, one lock and one plan (made once: planning takes a few seconds)."""
    tmp_path = tmp_path_factory.mktemp("json")
    with pytest.MonkeyPatch.context() as monkeypatch:
        home = planning_home(tmp_path, monkeypatch)
        load_data(home, tmp_path)
        assert _main(["lock", "F2", "2026-10-06", "--inspector", "I2"]) == 0
        assert _main(["plan", "--quarter", "2026Q4", "--time-limit", "5"]) == 0
    return home


def _main(argv: list[str]) -> int:
    """The CLI's exit code for ``argv`` (``run_cli`` needs capsys, which a module fixture cannot have)."""
    from api.cli import main

    try:
        main(argv)
    except SystemExit as info:
        return info.code if isinstance(info.code, int) else 1
    return 0


@pytest.fixture
def narrow_terminal(planned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI on ``planned``, its consoles a colour terminal 40 columns wide (as ``COLUMNS=40`` in a shell)."""
    planning_home(tmp_path, monkeypatch)
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(planned))
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 40)
        monkeypatch.setattr(c, "_force_terminal", True)
        monkeypatch.setattr(c, "_color_system", ColorSystem.TRUECOLOR)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
@pytest.mark.usefixtures("narrow_terminal")
def test_json_is_printed_one_way(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    assert "\x1b" not in out  # no colour codes (Rich coloured the JSON of settings, locks and plan show)
    data = json.loads(out)
    # one path: indent 2, æøå unescaped (plan list wrote \\u00e6), nothing before or after, no wrapped line
    assert out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert data  # not an empty answer


@pytest.mark.usefixtures("narrow_terminal")
def test_danish_letters_are_printed_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settings", "--format", "json")
    assert code == 0
    assert "\\u00" not in out and "Arbejdsmappe for den indbyggede database" in out
    assert any(letter in out for letter in "æøå")


@pytest.mark.usefixtures("narrow_terminal")
def test_status_and_imports_give_the_apis_answer_with_each_time_s_offset(
    capsys: pytest.CaptureFixture[str], planned: Path
) -> None:
    """`imports --format json` gave `imported_at` without an offset ('2026-11-24T13:19:25', a time a script must guess
    the zone of) and `status --format json` '+00:00' where the API says 'Z': both are now the API's answers."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from data.settings import Settings

    settings = Settings(home=planned, api_tokens=["t"])
    with TestClient(create_app(settings)) as client:
        api = {
            name: client.get(f"/api/v1/{name}", headers={"Authorization": "Bearer t"}).json()
            for name in ("status", "imports")
        }
    for name in ("status", "imports"):
        code, out, err = run(capsys, name, "--format", "json")
        assert code == 0, err
        assert json.loads(out) == api[name]
    stamps = [b["imported_at"] for b in api["imports"]["batches"]] + [api["status"]["last_import"]["imported_at"]]
    assert all(dt.datetime.fromisoformat(s).tzinfo is not None for s in stamps), stamps
