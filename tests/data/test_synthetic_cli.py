"""``tilsynsplan generate``: writes the contract's files and the truth, prints what it wrote, refuses bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from api.cli_app import console, err_console
from api.services.synthetic import world_config
from data.contract import FILES
from data.settings import Settings


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TILSYNSPLAN_TODAY", "2026-10-01")
    monkeypatch.setenv("TILSYNSPLAN_SEED", "11")
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 300)
    yield


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_generate_writes_data_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "dk"
    code, out, _ = run(capsys, "generate", str(out_dir), "--facilities", "40", "--years", "2")
    assert code == 0
    assert {p.name for p in (out_dir / "data").iterdir()} == {spec.filename for spec in FILES}
    assert {p.name for p in (out_dir / "truth").iterdir()} == {
        "facility_months.csv",
        "visit_findings.csv",
        "facilities.csv",
        "parameters.json",
    }
    # defaults from the settings: seed 11, as-of date = TILSYNSPLAN_TODAY
    assert "frø 11" in out and "til 2026-10-01" in out and "40 tilbud" in out
    rows = {
        cells[0]: cells[1]
        for cells in ([c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│"))
    }
    visits = (out_dir / "data" / "visits.csv").read_text(encoding="utf-8").splitlines()
    assert rows["visits.csv"] == f"{len(visits) - 1:,}".replace(",", ".")
    assert "truth" in out


def test_generate_refuses_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "generate", str(tmp_path / "x"), "--as-of", "2026-13-01")
    assert code == 2
    assert "'2026-13-01' er ikke en dato" in err
    code, _, err = run(capsys, "generate", str(tmp_path / "x"), "--facilities", "3")
    assert code == 2
    assert "Antal tilbud 3" in err and "10-100.000" in err
    assert not (tmp_path / "x").exists()


def test_world_config_uses_settings_defaults() -> None:
    s = Settings(seed=5, today="2026-03-02")  # type: ignore[arg-type]
    config = world_config(s)
    assert (config.seed, config.facilities, config.years, config.as_of) == (5, 2000, 6, s.today)
    assert world_config(s, seed=9, facilities=100, years=2).facilities == 100
