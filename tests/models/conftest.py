"""Shared fixtures for the risk model's tests: one small simulated world and one model fitted on it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.dataset import Dataset
from models.risk_model import RiskModel
from tests.models.sim import simulate

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def world() -> tuple[Dataset, pd.DataFrame]:
    return simulate(seed=3, facilities=200, years=6, as_of=AS_OF)


@pytest.fixture(scope="session")
def fitted(world: tuple[Dataset, pd.DataFrame]) -> RiskModel:
    ds, _ = world
    return RiskModel(n_estimators=60, min_positive_labels=20, snapshot_step_months=2, random_state=0).fit(ds, AS_OF)
