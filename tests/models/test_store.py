"""The model store: save, list, load the latest or a named version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data.dataset import Dataset
from data.errors import NotFoundError
from data.settings import Settings
from models.risk_model import RiskModel
from models.store import latest_version, list_models, load_model, save_model
from tests.models.conftest import AS_OF


def test_save_and_load_round_trip(tmp_path: Path, world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    ds, _ = world
    settings = Settings(home=tmp_path)
    with pytest.raises(NotFoundError, match="ingen trænet risikomodel"):
        load_model(settings)
    first = save_model(settings, fitted, extra={"fairness": {"note": "x"}})
    second = save_model(settings, fitted)
    assert first.version != second.version
    assert (first.path / "model.pkl").is_file() and (first.path / "meta.json").is_file()
    assert load_model(settings).version == second.version
    loaded = load_model(settings, first.version)
    assert loaded.meta["fairness"] == {"note": "x"}
    for key in ("training_window", "features", "hyperparameters", "metrics", "authority_offsets", "version"):
        assert key in loaded.meta
    pd.testing.assert_frame_equal(loaded.model.predict_proba(ds, AS_OF), fitted.predict_proba(ds, AS_OF))
    assert [m["version"] for m in list_models(settings)] == [first.version, second.version]
    assert latest_version(settings, as_of_on_or_before=dt.date(2025, 1, 1)) is None
    assert latest_version(settings, as_of_on_or_before=AS_OF) == second.version
    with pytest.raises(NotFoundError, match="findes ikke"):
        load_model(settings, "19990101T000000-deadbeef")
