"""``tilsynsplan generate``: synthetic Denmark, written as the contract's CSV files plus the truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.cli_app import DataTable, app, console, settings, step_progress
from data.errors import InvalidArgumentError
from data.glossary import format_number_da


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidArgumentError(f"'{text}' er ikke en dato; brug formen ÅÅÅÅ-MM-DD, fx 2026-10-01.") from None


@app.command("generate")
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Mappe, hvor data/ og truth/ skrives.")],
    seed: Annotated[int | None, typer.Option("--seed", help="Tilfældigt frø (standard: TILSYNSPLAN_SEED).")] = None,
    facilities: Annotated[int, typer.Option("--facilities", help="Antal aktive tilbud i landet.")] = 2000,
    years: Annotated[int, typer.Option("--years", help="År med historik før skæringsdatoen.")] = 6,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Skæringsdato ÅÅÅÅ-MM-DD (standard: i dag / TILSYNSPLAN_TODAY).")
    ] = None,
) -> None:
    """Generér syntetisk Danmark: tilbud, besøg, fund og signaler med kendt sandhed."""
    from api.services.synthetic import STEPS, generate_to_dir, world_config

    config = world_config(settings(), seed=seed, facilities=facilities, years=years, as_of=_parse_date(as_of))
    with step_progress(STEPS) as step:
        result = generate_to_dir(out_dir, config, progress=step)

    console.print(
        f"Syntetisk Danmark (frø {config.seed}, {format_number_da(config.facilities, 0)} tilbud, "
        f"{config.years} års historik til {config.resolved_as_of().isoformat()}) "
        f"genereret på {format_number_da(result.seconds, 1)} s."
    )
    table = DataTable("fil", "rækker", title=f"Skrevet til {result.data_dir}")
    for name, rows in result.row_counts.items():
        table.add_row(name, format_number_da(rows, 0))
    console.print(table)
    console.print(
        f"Sandheden (latent kvalitet pr. måned, fund ved hvert besøg, parametre) ligger i {result.truth_dir} "
        "— den importeres aldrig."
    )
