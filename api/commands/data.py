"""Data commands: ``validate``, ``import``, ``status`` (issue 2), ``withdraw-concern`` and ``imports`` (the log).

Exit codes (``api/cli.py``): 0 valid / imported; 1 the upload broke the data contract (every violation
is printed, nothing is stored); 2 bad argument (the path does not exist or is not a folder, .zip,
.xlsx or .csv); 3 the concern to withdraw is not stored; 5 the database is busy (another process holds it;
nothing is stored).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from api.cli_app import DataTable, OutputFormat, app, console, err_console, print_json, progress_bar, settings
from data.enums import Authority, Severity
from data.errors import Violation, warning_total
from data.glossary import danish_code, format_count_da

if TYPE_CHECKING:  # the services import pandas, SQLAlchemy and Alembic: only when a command runs
    from data.importer import ImportResult
    from data.store import StatusReport

MAX_WARNINGS_SHOWN = 50

SourceArg = Annotated[
    Path,
    typer.Argument(
        help="En mappe med CSV-filer, en .xlsx-arbejdsbog (ét ark pr. fil) eller en .zip med CSV-filer.",
        show_default=False,
    ),
]


def _delimiter_text(result: ImportResult, name: str) -> str:
    report = result.files[name]
    if report.delimiter is None:
        return "ark"
    parts = ["semikolon" if report.delimiter == ";" else "komma"]
    if report.decimal_comma:
        parts.append("decimalkomma")
    if report.had_bom:
        parts.append("BOM")
    return ", ".join(parts)


def print_warnings(warnings: list[Violation]) -> None:
    if not warnings:
        return
    total = warning_total(warnings)
    count = format_count_da(total, "advarsel", "advarsler")
    them = "den" if total == 1 else "dem"
    console.print(f"[yellow]{count}[/] (upload er ikke afvist af {them}):")
    for line in warning_lines(warnings):
        console.print(f"  {line}", highlight=False)


def warning_lines(warnings: list[Violation], limit: int = MAX_WARNINGS_SHOWN) -> list[str]:
    """The warnings to print, at most about ``limit``: every kind (rule) gets its share, so thousands of one kind
    (a theme score per row that differs from its indicators) do not hide the one of another kind below them; what is
    left out is counted per kind."""
    if len(warnings) <= limit:
        return [f"[yellow]•[/] {escape(str(w))}" for w in warnings]
    by_rule: dict[str, list[Violation]] = {}
    for warning in warnings:
        by_rule.setdefault(warning.rule, []).append(warning)
    share = max(3, limit // len(by_rule))
    lines: list[str] = []
    for group in by_rule.values():
        lines.extend(f"[yellow]•[/] {escape(str(w))}" for w in group[:share])
        if len(group) > share:
            more = warning_total(group[share:])  # the importer's count warning among them stands for its own rest
            lines.append(f"… og {format_count_da(more, 'advarsel', 'advarsler')} mere af samme slags")
    return lines


@app.command("validate")
def validate(source: SourceArg) -> None:
    """Kontrollér en upload mod datakontrakten uden at gemme noget (exit 0: gyldig, 1: fejl)."""
    with err_console.status("Kontrollerer filerne …"):
        from api.services import imports

        result = imports.validate_upload(settings(), source)
    table = DataTable("fil", "rækker", "format", "ukendte kolonner", title="Upload er gyldig")
    for name in result.tables:
        report = result.files[name]
        table.add_row(
            report.source,
            f"{report.rows:,}".replace(",", "."),
            _delimiter_text(result, name),
            ", ".join(report.unknown_columns),
        )
    console.print(table)
    print_warnings(result.warnings)
    console.print(f"[green]Ingen fejl[/] i {result.total_rows:,} rækker. Intet er gemt.".replace(",", "."))


@app.command("import")
def import_(source: SourceArg) -> None:
    """Kontrollér en upload og gem den i databasen i én transaktion (opdaterer rækker med samme nøgle)."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with progress_bar(*columns, transient=False) as bar:
        checking = bar.add_task("kontrol", total=None)
        tasks: dict[str, TaskID] = {}

        def progress(table: str, done: int, total: int) -> None:
            if not bar.tasks[checking].finished:
                bar.update(checking, total=1, completed=1)
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=max(total, 1))
            bar.update(tasks[table], completed=done if total else 1)

        from api.services import imports

        outcome = imports.import_upload(settings(), source, progress=progress, label=str(source))
    summary = outcome.summary
    table = DataTable("fil", "rækker", "nye", "opdaterede", "uændrede", title=f"Import #{summary.batch_id} gemt")
    for name, t in summary.tables.items():
        table.add_row(outcome.result.files[name].source, _n(t.rows), _n(t.inserted), _n(t.updated), _n(t.unchanged))
    table.add_row(
        "i alt",
        _n(outcome.result.total_rows),
        _n(summary.inserted),
        _n(summary.updated),
        _n(summary.unchanged),
        style="bold",
    )
    console.print(table)
    print_warnings(outcome.result.warnings)
    stale = imports.status(settings()).stale_note(settings().effective_today())
    if stale:
        err_console.print(f"[yellow]Bemærk:[/] {escape(stale)}")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _print_status(report: StatusReport) -> None:
    console.print(f"Database: {report.database}")
    if report.empty:
        console.print("Der er ikke indlæst data endnu. Brug [bold]tilsynsplan import MAPPE[/].")
        return
    rows = DataTable("fil", "rækker", title="Indlæst")
    for name, n in report.rows.items():
        rows.add_row(name, _n(n))
    console.print(rows)
    ranges = DataTable("data", "første", "seneste", title="Periode")
    for key, (first, last) in report.date_ranges.items():
        fmt = "%Y-%m" if key.endswith(".month") else "%Y-%m-%d"
        if first is None or last is None:  # a file the tilsyn did not bring (optional in the contract)
            ranges.add_row(key, "ingen rækker", "–")
        else:
            ranges.add_row(key, first.strftime(fmt), last.strftime(fmt))
    console.print(ranges)
    per = DataTable("tilsyn", "aktive tilbud", "i alt (med lukkede)", title="Tilbud pr. socialtilsyn")
    for authority, n in report.facilities_per_authority.items():
        per.add_row(danish_code(Authority, authority), _n(report.active_per_authority.get(authority, 0)), _n(n))
    console.print(per)
    if report.last_import:
        latest = report.last_import
        console.print(
            f"Seneste import #{latest['id']} {latest['imported_at']} fra {escape(str(latest['source']))}: "
            f"{_n(latest['inserted'])} nye, {_n(latest['updated'])} opdaterede, {_n(latest['unchanged'])} uændrede "
            f"({report.imports} importer i alt)",
            highlight=False,
        )


@app.command("status")
def status(
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table: tabeller til mennesker; json: til scripts.")
    ] = OutputFormat.TABLE,
) -> None:
    """Vis hvad der er indlæst: rækker pr. fil, perioder, tilbud pr. socialtilsyn og seneste import."""
    from api.services import imports

    report = imports.status(settings())
    if output == OutputFormat.JSON:
        from api.schemas import StatusPublic  # the API's answer, so times carry their offset the same way

        print_json(StatusPublic.from_report(report).model_dump(mode="json"))
    else:
        _print_status(report)
        stale = report.stale_note(settings().effective_today())
        if stale:
            err_console.print(f"[yellow]Bemærk:[/] {escape(stale)}")


@app.command(
    "withdraw-concern",
    # one string per paragraph: Typer's rich help keeps a docstring's line breaks, so the command list and this
    # page broke the sentence where the source line ended
    help="Træk en bekymringshenvendelse tilbage, som er sendt ved en fejl.\n\n"
    "Den slettes, og tilbagetrækningen logges som en import. Kun en henvendelse, der er sendt med concern_id, "
    "kan trækkes tilbage.",
)
def withdraw_concern(
    facility_id: Annotated[str, typer.Argument(help="Tilbuddets id.", show_default=False)],
    concern_id: Annotated[
        str, typer.Argument(help="Henvendelsens id i fagsystemet (kolonnen concern_id).", show_default=False)
    ],
) -> None:
    """Withdraw a concern sent by mistake (deleted; the withdrawal is logged as an import)."""
    from api.services import imports

    done = imports.withdraw_concern(settings(), facility_id, concern_id)
    console.print(
        f"Bekymringshenvendelsen {escape(done.concern_id)} hos {escape(done.facility_id)} "
        f"({done.date.isoformat()}, {danish_code(Severity, done.severity)}) er trukket tilbage "
        f"(logget som import #{done.batch_id}).",
        highlight=False,
    )


@app.command("imports")
def imports_log(
    top: Annotated[int, typer.Option("--top", min=1, help="Vis de N nyeste.")] = 20,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Kun importer efter import nr. N, eller fra et tidspunkt (ÅÅÅÅ-MM-DDTtt:mm)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table: en tabel til mennesker; json: til scripts.")
    ] = OutputFormat.TABLE,
) -> None:
    """Vis importloggen, nyeste først: uploads, push fra fagsystemer, låse og tilbagetrukne henvendelser."""
    from api.services import imports

    total, batches = imports.import_log(settings(), since=since, top=top)
    if output == OutputFormat.JSON:
        from api.schemas import ImportListPublic  # the API's answer: each time with its UTC offset, the sums

        print_json(ImportListPublic.from_page(total, batches, authorised=True).model_dump(mode="json"))
        return
    if not batches:
        console.print("Ingen importer" + (" efter det angivne" if since else "") + ".")
        return
    table = DataTable(title=f"Importer ({_n(len(batches))} af {_n(total)}, nyeste først)")
    for header in ("nr.", "tidspunkt", "kilde", "filer", "nye", "opdaterede", "uændrede", "advarsler"):
        numeric = header in {"nr.", "nye", "opdaterede", "uændrede", "advarsler"}
        table.add_column(header, justify="right" if numeric else "left", no_wrap=header == "tidspunkt")
    for b in batches:
        counts = {k: sum(int(t.get(k, 0)) for t in b.tables.values()) for k in ("inserted", "updated", "unchanged")}
        table.add_row(
            str(b.id),
            b.imported_at.strftime("%Y-%m-%d %H:%M"),
            b.source,
            ", ".join(sorted(b.tables)) if len(b.tables) <= 2 else f"{len(b.tables)} filer",
            _n(counts["inserted"]),
            _n(counts["updated"]),
            _n(counts["unchanged"]),
            _n(b.warnings),
        )
    console.print(table)
