"""The ``tilsynsplan`` command. It only parses arguments and calls ``api.services``; domain errors are
translated to Danish messages and exit codes here, in one place.

Exit codes: 0 ok; 1 the input was refused (validation failed); 2 wrong usage / bad argument (also a working
folder that cannot be used, a database URL that cannot be read); 3 something needed is missing (no data, unknown
id, a database that cannot be reached); 4 the plan cannot meet the rules; 5 the database is busy (another process
holds it; nothing was written, try again); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import click
import typer
from rich.markup import escape

from api import commands  # noqa: F401  (registers every command on the app)
from api.cli_app import DataTable, Interrupted, app, date_formats_da, err_console, os_error_da, settings
from api.commands.data import warning_lines
from data.errors import (
    DatabaseBusyError,
    InvalidArgumentError,
    NoDataError,
    NotFoundError,
    TilsynsplanError,
    ValidationFailed,
    warning_total,
)
from data.glossary import format_count_da, format_number_da


def exit_code(error: TilsynsplanError) -> int:
    if isinstance(error, ValidationFailed):
        return 1
    if isinstance(error, DatabaseBusyError):
        return 5  # not 1: nothing is wrong with the upload, and the same command will work later
    if isinstance(error, InvalidArgumentError):
        return 2
    if isinstance(error, NoDataError | NotFoundError):
        return 3
    return 4


def render_error(error: TilsynsplanError) -> None:
    err_console.print(f"[bold red]Fejl:[/] {escape(error.message)}", highlight=False)
    if isinstance(error, ValidationFailed):
        shown = format_number_da(len(error.violations), 0)
        title = f"de første {shown} af {format_number_da(error.total, 0)} fejl" if error.truncated else f"{shown} fejl"
        table = DataTable("fil", "række", "kolonne", "værdi", "problem", title=title)
        for v in error.violations:
            table.add_row(v.file, "" if v.row is None else str(v.row), v.column or "", v.value or "", v.message)
        err_console.print(table)
        if error.warnings:
            err_console.print(
                f"[yellow]Desuden {format_count_da(warning_total(error.warnings), 'advarsel', 'advarsler')}:[/]"
            )
            for line in warning_lines(error.warnings):
                err_console.print(f"  {line}", highlight=False)
    else:
        # a detail the message already says is not printed again (a plan's infeasibility lists each tilsyn's
        # problem in the sentence and in the details, for the API's clients: the CLI printed it twice)
        new = [line for d in error.details if (line := detail_line(d, error.message))]
        for line in new[:50]:
            err_console.print(f"  • {escape(line)}", highlight=False)


def detail_line(detail: Mapping[str, object], message: str) -> str:
    """An error detail as the CLI prints it below the message, or ``""`` when the message already says it. A detail
    with a ``message`` prints that. One without is the message's facts for the API's clients (``{"field": "as_of",
    "value": "2030-01-01", "rule": "future_date"}``): left out when the message names its value, else printed as
    ``field: as_of, value: 2030-01-01`` -- never as a Python dict."""
    if "message" in detail:
        text = str(detail["message"])
        return "" if text in message else text
    value = detail.get("value")
    if value is not None and str(value) in message:
        return ""
    return ", ".join(f"{key}: {item}" for key, item in detail.items())


# click's usage errors (unknown option, missing argument, bad value, ...) in Danish. Typer >= 0.2x parses with its
# own copy of click, which writes these messages in English without gettext: there is no catalogue to hook, so
# click's message templates are translated here (click 8's wording too, for an older Typer). Each pattern must
# match the whole message, the first that matches wins; a ``detail`` group is translated again (the reason after
# "Invalid value for '--top': "). A message none matches is shown as click wrote it.
_NAME = r"'[^']*'(?: / '[^']*')*"  # click's parameter hint: '--format' or '-v' / '--verbose'
_USAGE_MESSAGES_DA: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), danish)
    for pattern, danish in (
        (r"No such option: (?P<option>\S+)", "Ukendt tilvalg: {option}"),
        (r"No such option: (?P<option>\S+) Did you mean (?P<hint>\S+)\?", "Ukendt tilvalg: {option}. Mente du {hint}?"),
        (
            r"No such option: (?P<option>\S+) \(Possible options: (?P<hint>.+)\)",
            "Ukendt tilvalg: {option}. Mente du {hint}?",
        ),
        (r"No such command (?P<command>'[^']*')\.", "Ukendt kommando {command}."),
        (
            r"No such command (?P<command>'[^']*')\. Did you mean (?P<hint>.+)\?",
            "Ukendt kommando {command}. Mente du {hint}?",
        ),
        (r"Missing command\.", "Angiv en kommando."),
        (rf"Missing argument (?P<name>{_NAME})\.(?P<detail>.*)", "Argumentet {name} mangler.{detail}"),
        (rf"Missing option (?P<name>{_NAME})\.(?P<detail>.*)", "Tilvalget {name} mangler.{detail}"),
        (r" Choose from:(?P<choices>.*)", " Vælg mellem:{choices}"),
        (rf"Invalid value for (?P<name>{_NAME}): (?P<detail>.*)", "Ugyldig værdi for {name}: {detail}"),
        (r"Invalid value: (?P<detail>.*)", "Ugyldig værdi: {detail}"),
        (r"Value error, (?P<detail>.*)", "{detail}"),  # a ValueError as pydantic (Typer's coercion) words it
        (r"(?P<value>'.*') is not one of (?P<choices>.*)\.", "{value} er ikke en af de tilladte værdier: {choices}."),
        (
            r"(?P<value>'.*') is not (?P<choice>'.*')\.",
            "{value} er ikke tilladt; den eneste tilladte værdi er {choice}.",
        ),
        (
            r"(?P<value>'.*') does not match the formats? (?P<formats>.*)\.",
            "{value} passer ikke til formatet {formats}.",
        ),
        (r"(?P<value>.*) is not a valid integer\.", "{value} er ikke et helt tal."),
        (r"(?P<value>.*) is not a valid float\.", "{value} er ikke et tal."),
        (r"(?P<value>.*) is not in the range (?P<range>.*)\.", "{value} ligger uden for intervallet {range}."),
        (r"Input should be greater than or equal to (?P<bound>\S+)", "skal være mindst {bound}"),
        (r"Input should be less than or equal to (?P<bound>\S+)", "skal være højst {bound}"),
        (r"Input should be greater than (?P<bound>\S+)", "skal være større end {bound}"),
        (r"Input should be less than (?P<bound>\S+)", "skal være mindre end {bound}"),
        (r"Input should be a valid integer(?:,.*)?", "skal være et helt tal"),
        (r"Input should be a valid number(?:,.*)?", "skal være et tal"),
        (r"(?:File|Directory|Path) (?P<path>'.*') does not exist\.", "{path} findes ikke."),
        (r"Option (?P<option>'[^']*') requires an argument\.", "Tilvalget {option} skal have en værdi."),
        (r"Option (?P<option>'[^']*') requires (?P<n>\d+) arguments\.", "Tilvalget {option} skal have {n} værdier."),
        (r"Option (?P<option>'[^']*') does not take a value\.", "Tilvalget {option} tager ingen værdi."),
        (r"Argument (?P<name>'[^']*') takes (?P<n>\d+) values\.", "Argumentet {name} skal have {n} værdier."),
        (r"Got unexpected extra argument \((?P<args>.*)\)", "Uventet ekstra argument: {args}"),
        (r"Got unexpected extra arguments \((?P<args>.*)\)", "Uventede ekstra argumenter: {args}"),
        (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "Uventet ekstra argument(er): {args}"),
    )
)


def usage_message_da(message: str) -> str:
    """click's English usage-error message in Danish; unchanged when no template matches it."""
    for pattern, danish in _USAGE_MESSAGES_DA:
        match = pattern.fullmatch(message)
        if match is not None:
            parts = match.groupdict()
            if "detail" in parts:
                parts["detail"] = usage_message_da(parts["detail"])
            if "formats" in parts:
                parts["formats"] = date_formats_da(parts["formats"])
            return danish.format(**parts)
    return message


def render_usage_error(error: click.ClickException | typer.TyperException) -> None:
    """A usage error as click shows it -- usage line, help hint, message -- in Danish. ``error`` is click's or
    Typer's copy's ``ClickException`` (no common base class, the same shape); without a context only the message."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        # "Brug: tilsynsplan plan [TILVALG] …": the Danish command classes of api.cli_app write the usage line
        err_console.print(escape(ctx.get_usage()), highlight=False, soft_wrap=True)
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Prøv '{ctx.command_path} {ctx.help_option_names[0]}' for hjælp."
            err_console.print(escape(hint), highlight=False, soft_wrap=True)
        err_console.print()
    message = escape(usage_message_da(error.format_message()))
    err_console.print(f"[bold red]Fejl:[/] {message}", highlight=False, soft_wrap=True)


def environment_error_da(error: Exception) -> tuple[str, int] | None:
    """A failure of what the command runs on -- the working folder, the database -- as a Danish message and exit
    code, or None for anything else (a bug keeps its traceback). These reached the user as a Python traceback and
    exit code 1 ("upload refused"): a ``--home`` that is a file, a database URL SQLAlchemy cannot read, a PostgreSQL
    server that is down."""
    if isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename} kan ikke bruges: {os_error_da(error)}."
        path, home = Path(os.fsdecode(error.filename)).absolute(), Path(settings().home).absolute()
        if path == home or path in home.parents or home in path.parents:
            message += f" Arbejdsmappen er {home} (--home eller TILSYNSPLAN_HOME)."
        return message, 2
    if not type(error).__module__.startswith("sqlalchemy"):
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, OperationalError

    if isinstance(error, ArgumentError):
        return (
            "Databasens URL kan ikke læses (--database-url eller TILSYNSPLAN_DATABASE_URL); brug fx "
            "sqlite:////sti/tilsynsplan.db eller postgresql+psycopg://bruger:adgangskode@vært/database.",
            2,
        )
    if isinstance(error, OperationalError):
        url = make_url(settings().resolved_database_url).render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else ""
        return f"Databasen {url} kan ikke åbnes: {reason}", 3
    return None


def _is_help_request(error: Exception) -> bool:
    """``tilsynsplan`` alone: click raises NoArgsIsHelpError, a usage error whose message is the help page
    (click's and Typer's copy are different classes of that name)."""
    return any(cls.__name__ == "NoArgsIsHelpError" for cls in type(error).__mro__)


def main(argv: list[str] | None = None) -> None:
    try:
        result = app(args=argv, standalone_mode=False)
    except TilsynsplanError as error:
        render_error(error)
        sys.exit(exit_code(error))
    except (click.ClickException, typer.TyperException) as error:
        # Typer >= 0.2x parses with its own copy of click: a bad value, an unknown option or a missing
        # argument raises its UsageError, not click's. Shown as click shows it, in Danish, exit code 2 (wrong
        # usage); without this the user got a Python traceback and exit code 1 ("upload refused").
        if not hasattr(error, "format_message") or not hasattr(error, "show"):
            raise
        if _is_help_request(error):
            error.show()
        else:
            render_usage_error(error)
        sys.exit(int(getattr(error, "exit_code", 2)))
    except (click.exceptions.Exit, typer.Exit) as error:
        sys.exit(error.exit_code)
    except (Interrupted, click.Abort, typer.Abort):
        # Ctrl-C (or end of input at a prompt): the Danish command classes turn KeyboardInterrupt into
        # Interrupted (Typer's copy of click would exit 130 without a word), click into Abort. An import in
        # progress is rolled back by its transaction; nothing is half-written.
        err_console.print("Afbrudt.")
        sys.exit(130)
    except Exception as error:
        found = environment_error_da(error)
        if found is None:
            raise
        message, code = found
        err_console.print(f"[bold red]Fejl:[/] {escape(message)}", highlight=False)
        sys.exit(code)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
