"""``bench/edge_worlds.py``: every edge world is a legal upload under the data contract (the importer's rules, as of
the world's today), so what the chain does with it is the product's behaviour, not a broken file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data.importer.check import read_upload
from tests.bench.scripts import load_script

edge = load_script("edge_worlds")
SMALL = [w for w in edge.WORLDS if w.name != "big_5000"]


@pytest.mark.parametrize("world", SMALL, ids=[w.name for w in SMALL])
def test_each_edge_world_is_a_valid_upload(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = edge.build(dataclasses.replace(world, facilities=150), tmp_path)
    result = read_upload(data, today=world.today)  # raises on any violation
    assert len(result.dataset.facilities) >= 10


def test_the_worlds_are_what_they_say(tmp_path: Path) -> None:
    tables = edge._read(edge.build(dataclasses.replace(edge.BY_NAME["all_announced"], facilities=150), tmp_path / "a"))
    assert set(tables["visits"]["announced"]) == {"true"}
    tables = edge._read(edge.build(dataclasses.replace(edge.BY_NAME["only_sikret"], facilities=150), tmp_path / "s"))
    assert set(tables["facilities"]["facility_type"]) == {"sikret_doegninstitution"}
    tables = edge._read(edge.build(dataclasses.replace(edge.BY_NAME["ten_tilbud"], facilities=150), tmp_path / "t"))
    assert len(tables["facilities"]) == 10 and set(tables["facilities"]["authority"]) == {"midt"}
