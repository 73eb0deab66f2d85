"""Every setting has a default and a help text, and the README documents it."""

from __future__ import annotations

from pathlib import Path

from data.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_help() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no help text"
        assert not field.is_required(), f"setting {name} has no default"


def test_every_setting_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [n for n in Settings.model_fields if f"TILSYNSPLAN_{n.upper()}" not in text]
    assert missing == [], f"settings missing from README.md: {missing}"


def test_environment_prefix(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TILSYNSPLAN_VISIT_INTERVAL_MONTHS", '{"sel107": 12}')
    monkeypatch.setenv("TILSYNSPLAN_SOLVER_WORKERS", "4")
    s = Settings()
    assert s.interval_months("sel107") == 12
    assert s.interval_months("sel108") == 24
    assert s.solver_workers == 4
