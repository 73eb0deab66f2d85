"""``bench/alien_world.py``: the independent world's files import without a violation or a warning, and the
generator is deterministic per seed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data.importer.check import read_upload
from tests.bench.scripts import load_script

alien = load_script("alien_world")
DAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize("variant", ["a", "b", "c"])
def test_each_variant_writes_a_valid_upload_and_a_truth_the_product_never_sees(variant: str, tmp_path: Path) -> None:
    data = alien.generate(variant, 7, tmp_path, DAY, facilities=40)
    result = read_upload(data, today=DAY)  # raises on any violation
    absent = set(alien.VARIANTS[variant].absent)
    # the only warnings: an optional signal file left out on purpose is said to be missing
    assert sorted((w.rule, w.file) for w in result.warnings) == sorted(
        ("signal_file_missing", f"{a}.csv") for a in absent
    )
    assert result.dataset.facilities.shape[0] == 40 and len(result.dataset.visits) > 40
    assert absent.isdisjoint(result.tables) and {"theme_scores", "sanctions", "inspectors"} <= set(result.tables)
    truth = pd.read_csv(tmp_path / "truth.csv")
    months = alien.VARIANTS[variant].years * 12 + alien.HORIZON
    assert len(truth) == 40 * months and not (data / "truth.csv").exists()
    assert truth["bad"].between(0, 1).all() and truth["bad"].sum() > 0


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first = alien.generate("b", 3, tmp_path / "1", DAY, facilities=30)
    second = alien.generate("b", 3, tmp_path / "2", DAY, facilities=30)
    other = alien.generate("b", 4, tmp_path / "3", DAY, facilities=30)
    for name in ("facilities.csv", "visits.csv", "theme_scores.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / "visits.csv").read_bytes() != (other / "visits.csv").read_bytes()


def test_the_small_tilsyn_keeps_the_expert_score_when_lightgbm_ranks_no_better_than_chance(tmp_path: Path) -> None:
    # variant c, seed 1, as `tilsynsplan train` fits it (seed 42): LightGBM ranked the later period 0,490 and was
    # kept because the expert score ranked it 0,398; against the truth it ranked 0,454, the expert score 0,717
    from data.settings import Settings
    from models.risk_model import RiskModel

    data = alien.generate("c", 1, tmp_path, DAY)
    ds = read_upload(data, today=DAY).dataset
    model = RiskModel.from_settings(Settings(home=tmp_path / "home", today=DAY)).fit(ds, DAY)
    assert model.cold_start_
    assert "ikke bedre end en tilfældig rækkefølge (AUC 0,490" in model.cold_start_reason_
