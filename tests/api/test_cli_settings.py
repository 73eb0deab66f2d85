from __future__ import annotations

import json

import pytest

from api.cli import main


def test_settings_json_lists_every_setting_and_hides_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILSYNSPLAN_API_TOKENS", '["hemmelig-token-1", "hemmelig-token-2"]')
    monkeypatch.setenv("TILSYNSPLAN_SOLVER_WORKERS", "3")
    with pytest.raises(SystemExit) as exit_info:
        main(["settings", "--format", "json"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "hemmelig-token" not in out
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["api_tokens"]["value"] == "(2 skjult)"
    assert rows["solver_workers"]["value"] == 3
    assert rows["solver_workers"]["default"] == 2
    assert rows["solver_workers"]["env"] == "TILSYNSPLAN_SOLVER_WORKERS"


def test_every_setting_is_explained_in_danish_and_unset_values_read_as_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli_app import console
    from api.commands.settings_cmd import HELP_DA
    from data.settings import Settings

    assert set(HELP_DA) == set(Settings.model_fields)  # a new setting needs its Danish help
    monkeypatch.delenv("TILSYNSPLAN_TODAY", raising=False)
    monkeypatch.setattr(console, "width", 400)
    with pytest.raises(SystemExit) as exit_info:
        main(["settings"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "Arbejdsmappe for den indbyggede database" in out and "Working folder" not in out
    today = next(line for line in out.splitlines() if "TILSYNSPLAN_TODAY " in line)
    assert "None" not in today and "│ –" in today


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TILSYNSPLAN_MIN_VISIT_GAP_DAYS", "abc", "TILSYNSPLAN_MIN_VISIT_GAP_DAYS=abc skal være et heltal"),
        ("TILSYNSPLAN_TOP_TIER_SHARE", "1.5", "TILSYNSPLAN_TOP_TIER_SHARE=1.5 må højst være 1,0"),
        ("TILSYNSPLAN_DAYS_OFF", "12-24", 'TILSYNSPLAN_DAYS_OFF skal skrives som JSON, fx \'["12-24", "12-31"]\''),
        ("TILSYNSPLAN_VISIT_INTERVAL_MONTHS", '{"opholdssted": 0}', "opholdssted: 0 måneder; tilladt 1-60"),
        ("TILSYNSPLAN_VISIT_INTERVAL_MONTHS", '{"plejehjem": 6}', "'plejehjem' skal være en af: 'sel107'"),
    ],
)
def test_a_bad_setting_is_named_in_danish_with_exit_code_2_not_a_traceback(
    variable: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as exit_info:
        main(["settings"])
    err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
    assert exit_info.value.code == 2, err
    assert err.startswith("Fejl: Ugyldig indstilling: ") and expected in err
    assert "Traceback" not in err and "ValidationError" not in err
