"""The demo chain on a small synthetic world: every step runs, every report is written, and a second
run changes nothing in the imported data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from api.commands.demo import model_line
from api.services.demo import PDF_RISK_ROWS, run_demo
from data.risk_store import latest_risk_run, previous_risk_run
from data.settings import Settings
from data.store import open_database


@pytest.mark.slow
def test_demo_runs_the_whole_chain_and_is_rerunnable(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, today=dt.date(2026, 11, 22), solver_time_limit_s=10)
    steps: list[str] = []
    first = run_demo(settings, facilities=150, seed=7, progress=steps.append)

    assert list(first.seconds) == ["generate", "import", "train", "score", "plan", "reports"]
    assert len(steps) == 6
    assert first.plan is not None and first.plan.quarter == "2027Q1"
    assert first.world is not None and (first.world.data_dir / "facilities.csv").exists()
    names = sorted(w.path.name for w in first.reports)
    riskiest = first.scored.scores.iloc[0]["facility_id"] if first.scored is not None else None
    assert names == sorted(
        [
            "risikoliste.html",
            f"risikoliste-top{PDF_RISK_ROWS}.pdf",
            f"tilbudsprofil-{riskiest}.html",
            f"tilbudsprofil-{riskiest}.pdf",
            "kvartalsplan-2027Q1.html",
            "kvartalsplan-2027Q1.pdf",
            "modelkort.html",
            "modelkort.pdf",
        ]
    )
    for w in first.reports:
        data = w.path.read_bytes()
        assert data.startswith(b"%PDF") if w.fmt == "pdf" else b"<!doctype html>" in data[:100].lower()
        assert w.path.parent == settings.report_dir

    engine = open_database(settings)
    latest = latest_risk_run(engine)
    earlier = previous_risk_run(engine, before=dt.date(2026, 10, 1))
    assert latest is not None and latest.as_of == dt.date(2026, 11, 22)
    assert earlier is not None and earlier.as_of == dt.date(2026, 9, 30)  # for "change since last quarter"
    risk_html = (settings.report_dir / "risikoliste.html").read_text(encoding="utf-8")
    assert "Ændring siden 30. sep. 2026" in risk_html

    second = run_demo(settings, facilities=150, seed=7)
    assert second.imported is not None
    changed = {name: t.inserted + t.updated for name, t in second.imported.summary.tables.items()}
    assert set(changed.values()) == {0}, changed
    assert second.plan is not None and second.plan.id != first.plan.id


def test_the_next_step_opens_the_demo_just_made(tmp_path: Path) -> None:
    """With --home, 'serve' without it opens another working folder (the default), not the demo's."""
    from rich.console import Console

    from api.commands.demo import next_steps

    def shown(settings: Settings) -> str:
        console = Console(record=True, width=400)
        console.print(next_steps(settings), soft_wrap=True)
        return console.export_text()

    assert shown(Settings(home=Path(".tilsynsplan"), port=8000)).startswith(
        ".venv/bin/tilsynsplan serve starter webappen og API'et (http://127.0.0.1:8000)"
    )
    home = tmp_path / "my demo [bold]"
    assert shown(Settings(home=home, port=8080)).startswith(
        f".venv/bin/tilsynsplan --home '{home}' serve starter webappen og API'et (http://127.0.0.1:8080)"
    )


def test_the_demos_model_line_gives_the_blends_auc_when_the_risk_is_a_blend() -> None:
    """The demo printed LightGBM's AUC on the validation period as the risk model's also when the risk used is its
    blend with the expert score (the demo's own model, a lead of 1,4 standard errors: 0,818 blended, 0,815 alone)."""
    card = {"metrics": {"model": {"auc": 0.815}}, "blend": {"weight": 0.7, "shift": -0.2, "auc": 0.818}}
    assert model_line("V1", card, ("expert", 0.807)) == (
        "[bold]Risikomodel[/] V1: AUC 0,818 (LightGBM blandet med ekspertscoren; LightGBM alene 0,815) på den "
        "seneste periode mod 0,807 for den bedste baseline (ekspertscore)"
    )
    assert model_line("V1", {"metrics": card["metrics"]}, ("expert", 0.807)) == (
        "[bold]Risikomodel[/] V1: AUC 0,815 på den seneste periode mod 0,807 for den bedste baseline (ekspertscore)"
    )
    assert model_line("V1", card, None) == ""
