"""The Typer application object, its global options and the shared console.

Command modules in ``api/commands/`` register their commands on :data:`app`; ``api.cli`` imports them
all and owns the one place where domain errors become messages and exit codes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from data.settings import Settings

app = typer.Typer(
    name="tilsynsplan",
    help="Risikobaseret tilsynsplanlægning for socialtilsynene: import, risiko, forklaringer og besøgsplaner.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

console = Console()
err_console = Console(stderr=True)


class _State:
    settings: Settings | None = None


_state = _State()


@contextmanager
def step_progress(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over ``total`` named steps; yields ``step(message)``, called as each step starts."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Starter", total=total)

        def step(message: str) -> None:
            progress.update(task, description=message, advance=1)

        yield step


def settings() -> Settings:
    """The settings for this CLI invocation (environment, overridden by the global options)."""
    if _state.settings is None:
        _state.settings = Settings()
    return _state.settings


@app.callback()
def _global_options(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Databasens URL (standard: SQLite i arbejdsmappen). Samme som TILSYNSPLAN_DATABASE_URL.",
            show_default=False,
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Arbejdsmappe (database, modeller, rapporter). Samme som TILSYNSPLAN_HOME."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log detaljer om fremdriften.")] = False,
) -> None:
    overrides: dict[str, object] = {}
    if database_url is not None:
        overrides["database_url"] = database_url
    if home is not None:
        overrides["home"] = home
    if verbose:
        overrides["log_level"] = "INFO"
    _state.settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(level=_state.settings.log_level, format="%(levelname)s %(name)s: %(message)s")
