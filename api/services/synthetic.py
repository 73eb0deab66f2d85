"""Synthetic Denmark as a service: generate a world and write it to a folder (shared by the CLI and the demo)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from data.contract import FILES
from data.errors import InvalidArgumentError
from data.settings import Settings
from data.synthetic import World, WorldConfig, generate_world, write_world

#: The steps ``generate_to_dir`` reports through ``progress`` (for a progress bar's total).
STEPS = 8


@dataclass(frozen=True)
class GeneratedWorld:
    """What ``generate_to_dir`` wrote."""

    world: World
    out_dir: Path
    data_dir: Path
    truth_dir: Path
    row_counts: dict[str, int]  # contract file -> rows written
    seconds: float

    @property
    def config(self) -> WorldConfig:
        return self.world.config


def world_config(
    settings: Settings,
    *,
    seed: int | None = None,
    facilities: int | None = None,
    years: int | None = None,
    as_of: dt.date | None = None,
) -> WorldConfig:
    """A ``WorldConfig`` with the settings' defaults (seed, today) for what is not given."""
    config = WorldConfig(
        seed=settings.seed if seed is None else seed,
        facilities=2000 if facilities is None else facilities,
        years=6 if years is None else years,
        as_of=as_of or settings.effective_today(),
    )
    config.validate()
    return config


def generate_to_dir(
    out_dir: Path, config: WorldConfig, *, progress: Callable[[str], None] | None = None
) -> GeneratedWorld:
    """Generate the world and write ``out_dir/data`` (the contract's files) and ``out_dir/truth``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidArgumentError(f"'{out_dir}' findes og er ikke en mappe; angiv en mappe til datasættet.")
    step = progress or (lambda _message: None)
    start = time.perf_counter()
    world = generate_world(config, progress=step)
    step("Skriver filer")
    write_world(world, out_dir)
    counts = {spec.filename: len(getattr(world.dataset, spec.name)) for spec in FILES}
    return GeneratedWorld(
        world=world,
        out_dir=out_dir,
        data_dir=out_dir / "data",
        truth_dir=out_dir / "truth",
        row_counts=counts,
        seconds=time.perf_counter() - start,
    )
