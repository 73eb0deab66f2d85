"""The Typer application object, its global options and the shared console.

Command modules in ``api/commands/`` register their commands on :data:`app`; ``api.cli`` imports them
all and owns the one place where domain errors become messages and exit codes. The help pages' own words
(``Brug:``, the panel titles, ``[standard: …]``, the ``--help`` option) are made Danish here, in one place.
"""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

from data.errors import InvalidArgumentError
from data.settings import Settings, load_settings

if TYPE_CHECKING:  # the types of Typer's own copy of click (an older Typer runs on click itself)
    from typer._click import Command as _TyperCommandBase
    from typer._click import Context, HelpFormatter
else:
    _TyperCommandBase = object

# The frame of Typer's help pages is English, and Typer has no setting for it: the usage line's "Usage:" and the
# help option's "Show this message and exit." are literals in its copy of click (no gettext), and the panel titles
# and markers of its rich help are module constants of ``typer.rich_utils``, passed through gettext once, when that
# module is imported (a catalogue would have to be installed process-wide before, and Typer ships none). So: the
# command and group classes below (Typer's supported ``cls=``) write the usage line and the help option,
# ``DanishTyper`` makes them and the Danish placeholders ([TILVALG]) the default of every app, and the rich
# constants are set when a help page is drawn (importing ``typer.rich_utils`` takes about 0.08 s, which a command
# that shows no help should not pay).
USAGE_PREFIX_DA = "Brug: "
OPTIONS_METAVAR_DA = "[TILVALG]"
SUBCOMMAND_METAVAR_DA = "KOMMANDO [ARGUMENTER]..."
HELP_OPTION_DA = "Vis denne hjælp og afslut."
#: ``typer.rich_utils`` constant -> its Danish text (the ``{}`` stay: Typer fills them in).
RICH_HELP_TEXTS_DA: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "Argumenter",
    "OPTIONS_PANEL_TITLE": "Tilvalg",
    "COMMANDS_PANEL_TITLE": "Kommandoer",
    "DEFAULT_STRING": "[standard: {}]",
    "REQUIRED_LONG_STRING": "[påkrævet]",
    "ENVVAR_STRING": "[miljøvariabel: {}]",
    "DEPRECATED_STRING": "(forældet) ",
}


def danish_rich_help() -> list[str]:
    """Set Typer's rich help texts to :data:`RICH_HELP_TEXTS_DA`; returns the names this Typer does not have.

    A Typer upgrade that renames a constant leaves that text English and the CLI working (a new name set here
    would be read by no one); ``tests/api/test_cli_help.py`` fails on a non-empty list.
    """
    try:
        from typer import rich_utils
    except ImportError:  # Typer without rich draws click's plain help pages, in English
        return sorted(RICH_HELP_TEXTS_DA)
    missing = []
    for name, text in RICH_HELP_TEXTS_DA.items():
        if isinstance(getattr(rich_utils, name, None), str):
            setattr(rich_utils, name, text)
        else:
            missing.append(name)
    return missing


#: strftime codes as a Danish user writes a date's form (ÅÅÅÅ-MM-DD), not as Python spells it (%Y-%m-%d).
_DATE_CODES_DA = {"%Y": "ÅÅÅÅ", "%m": "MM", "%d": "DD", "%H": "tt", "%M": "mm", "%S": "ss"}


def date_formats_da(formats: str) -> str:
    """click's list of date formats (``'%Y-%m-%d', '%d-%m-%Y'``) as a user types them: ``ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ``."""
    text = formats.replace("'", "")
    for code, danish in _DATE_CODES_DA.items():
        text = text.replace(code, danish)
    return text


class _DanishArgument(TyperArgument):
    """An argument whose type column shows a date's form as the product writes it: Typer shows an option's
    ``metavar`` there but an argument's strftime formats, so ``tilsynsplan lock --help`` read ``<%Y-%m-%d>``."""

    def display_type(self, ctx: Context) -> str:
        label = super().display_type(ctx)
        return date_formats_da(label) if self.type_descriptor.is_datetime else label


class Interrupted(Exception):
    """Ctrl-C while a command ran. Typer's copy of click turns ``KeyboardInterrupt`` into a silent ``Exit(130)``
    (the user saw nothing, not even that the command stopped); this passes it to ``api.cli``, which says so."""


class _DanishHelp(_TyperCommandBase):
    """A help page's frame in Danish, mixed in before Typer's command or group class (for mypy a click
    ``Command``, whose methods it overrides; at run time a plain mixin). It also hands Ctrl-C on as
    :class:`Interrupted`."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_DA
        return option

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The usage line, on help pages and above usage errors alike: ``Brug: tilsynsplan plan [TILVALG] …``."""
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX_DA)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        danish_rich_help()
        super().format_help(ctx, formatter)


class DanishCommand(_DanishHelp, TyperCommand):
    """A Typer command whose help page is Danish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            # Typer makes its arguments itself (no ``cls=``); the Danish one only changes how help shows the type
            if type(param) is TyperArgument:
                param.__class__ = _DanishArgument


class DanishGroup(_DanishHelp, TyperGroup):
    """A Typer group whose help page is Danish."""


class DanishTyper(typer.Typer):
    """``typer.Typer`` whose group and commands draw Danish help pages; use it for the app and every sub-app."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", DanishGroup)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR_DA)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR_DA)
        super().__init__(**kwargs)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or DanishCommand, **kwargs)


app = DanishTyper(
    name="tilsynsplan",
    help="Risikobaseret tilsynsplanlægning for socialtilsynene: import, risiko, forklaringer og besøgsplaner.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# emoji=False: a name as stored (Rich turned "Tilbuddet :smile: Nord" into an emoji; escape() guards only brackets)
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


class OutputFormat(StrEnum):
    """``--format`` of the commands that print a table or JSON: a choice, so a wrong value names the allowed ones."""

    TABLE = "table"
    JSON = "json"


def print_json(data: object) -> None:
    """``--format json``: the one way every command prints JSON -- indented by two, UTF-8 with æøå as they are,
    dates and other values as text, nothing else on stdout. Not through Rich: on a terminal it coloured the JSON
    (escape codes a copy or ``| tee`` kept), and the commands that printed with ``json.dumps`` differed in
    escaping and indentation."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def progress_bar(*columns: str | ProgressColumn, transient: bool = True) -> Progress:
    """A progress display for long work, on stderr (stdout holds the result a script reads) and only on a terminal:
    on a pipe or in a log file Rich printed a blank line, or the finished bars, into the result."""
    return Progress(*columns, console=err_console, transient=transient, disable=not err_console.is_terminal)


class DataTable(Table):
    """A Rich table whose text cells are shown as they are. Rich reads a plain string cell as markup, so a tilbud
    named ``Bofællesskabet [Nord]``, a workbook ``Data [v2].xlsx`` or a message quoting ``[/x]`` lost its brackets
    or stopped the command with a MarkupError; every table the CLI prints holds data, never markup."""

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in renderables), **kwargs)


class _State:
    settings: Settings | None = None


_state = _State()


@contextmanager
def step_progress(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over ``total`` named steps; yields ``step(message)``, called as each step starts."""
    with progress_bar(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("Starter", total=total)

        def step(message: str) -> None:
            progress.update(task, description=message, advance=1)

        yield step


def check_output_file(path: Path | None, option: str, example: str) -> None:
    """Refuse an output path that cannot be a file before any work is done (a plan would otherwise be
    stored and its export fail with a traceback): a folder, or a parent that is a file."""
    if path is None:
        return
    if path.is_dir():
        raise InvalidArgumentError(f"{option} {path} er en mappe; angiv en fil, fx {path / example}.")
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InvalidArgumentError(f"{option} {path}: {parent} er en fil, ikke en mappe.")


#: Why a file could not be written, in Danish (by errno; anything else as the system says it).
_OS_ERRORS_DA = {
    errno.ENOENT: "stien findes ikke og kan ikke oprettes",
    errno.EACCES: "ingen skriveadgang",
    errno.EPERM: "ingen skriveadgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "der er ikke plads på disken",
    errno.EISDIR: "det er en mappe",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.EEXIST: "der ligger en fil med det navn, ikke en mappe",
}


def os_error_da(error: OSError) -> str:
    """Why a path could not be used, in Danish (by errno; anything else as the system says it)."""
    return _OS_ERRORS_DA.get(error.errno or 0, error.strerror or str(error))


@contextmanager
def writing(path: Path, option: str, stored: str = "") -> Iterator[None]:
    """Say in Danish why ``path`` could not be written (no permission, a read-only or virtual file system),
    naming what was stored anyway (``stored``), instead of a traceback."""
    try:
        yield
    except OSError as error:
        reason = os_error_da(error)
        raise InvalidArgumentError(f"{option} {path} kan ikke skrives: {reason}.{stored}") from None


def settings() -> Settings:
    """The settings for this CLI invocation (environment, overridden by the global options)."""
    if _state.settings is None:
        _state.settings = load_settings()
    return _state.settings


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"tilsynsplan {version('tilsynsplan')}")
        raise typer.Exit()


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
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Vis versionen og afslut."),
    ] = False,
) -> None:
    overrides: dict[str, object] = {}
    if database_url is not None:
        overrides["database_url"] = database_url
    if home is not None:
        overrides["home"] = home
    if verbose:
        overrides["log_level"] = "INFO"
    _state.settings = load_settings(**overrides)
    logging.basicConfig(level=_state.settings.log_level, format="%(levelname)s %(name)s: %(message)s")
