"""The ``tilsynsplan`` command. It only parses arguments and calls ``api.services``; domain errors are
translated to Danish messages and exit codes here, in one place.

Exit codes: 0 ok; 1 the input was refused (validation failed); 2 wrong usage / bad argument;
3 something needed is missing (no data, unknown id); 4 the plan cannot meet the rules.
"""

from __future__ import annotations

import sys

import click
import typer
from rich.table import Table

from api import commands  # noqa: F401  (registers every command on the app)
from api.cli_app import app, err_console
from data.errors import InvalidArgumentError, NoDataError, NotFoundError, TilsynsplanError, ValidationFailed


def exit_code(error: TilsynsplanError) -> int:
    if isinstance(error, ValidationFailed):
        return 1
    if isinstance(error, InvalidArgumentError):
        return 2
    if isinstance(error, NoDataError | NotFoundError):
        return 3
    return 4


def render_error(error: TilsynsplanError) -> None:
    err_console.print(f"[bold red]Fejl:[/] {error.message}")
    if isinstance(error, ValidationFailed):
        table = Table("fil", "række", "kolonne", "værdi", "problem", title=f"{len(error.violations)} fejl")
        for v in error.violations:
            table.add_row(v.file, "" if v.row is None else str(v.row), v.column or "", v.value or "", v.message)
        err_console.print(table)
        if error.warnings:
            err_console.print(f"[yellow]Desuden {len(error.warnings)} advarsler:[/]")
            for w in error.warnings[:50]:
                err_console.print(f"  • {w}", highlight=False)
    else:
        for detail in error.details[:50]:
            err_console.print(f"  • {detail.get('message', detail)}")


def main(argv: list[str] | None = None) -> None:
    try:
        result = app(args=argv, standalone_mode=False)
    except TilsynsplanError as error:
        render_error(error)
        sys.exit(exit_code(error))
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except typer.TyperException as error:
        # Typer >= 0.2x parses with its own copy of click: a bad value, an unknown option or a missing
        # argument raises its UsageError, not click's. Shown as click shows it, exit code 2 (wrong usage);
        # without this the user got a Python traceback and exit code 1 ("upload refused").
        show = getattr(error, "show", None)
        if show is None:
            raise
        show()
        sys.exit(int(getattr(error, "exit_code", 2)))
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
    except click.Abort:
        err_console.print("Afbrudt.")
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
