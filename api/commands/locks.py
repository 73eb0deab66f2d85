"""``tilsynsplan lock / unlock / locks``: the visits a planner has agreed, which every plan keeps."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape

from api.cli_app import DataTable, OutputFormat, app, console, print_json, settings
from data.dataset import to_records
from data.glossary import format_number_da

DateArg = Annotated[dt.datetime, typer.Argument(formats=["%Y-%m-%d"], help="Dato ÅÅÅÅ-MM-DD.", show_default=False)]


@app.command("lock")
def lock(
    facility_id: Annotated[str, typer.Argument(help="Tilbuddets id.", show_default=False)],
    day: DateArg,
    inspector: Annotated[str, typer.Option("--inspector", help="Tilsynskonsulentens id.", show_default=False)],
    announced: Annotated[bool, typer.Option("--announced/--unannounced", help="Anmeldt eller uanmeldt besøg.")] = True,
) -> None:
    """Lås et aftalt besøg: alle planer beholder det på datoen med konsulenten."""
    from api.services.locks import LOCK_WARNING, lock_visit

    outcome = lock_visit(settings(), facility_id, day.date(), inspector, announced=announced)
    verb = "opdateret" if outcome.summary.updated else ("uændret" if outcome.summary.unchanged else "låst")
    kind = "anmeldt" if announced else "uanmeldt"
    console.print(
        f"Besøg hos {escape(facility_id)} den {day.date().isoformat()} ({kind}, {escape(inspector)}) {verb}.",
        highlight=False,
    )
    for warning in outcome.summary.warnings:
        if warning.rule == LOCK_WARNING:
            console.print(f"[yellow]Advarsel:[/] {escape(warning.message)}", highlight=False)


@app.command("unlock")
def unlock(
    facility_id: Annotated[str, typer.Argument(help="Tilbuddets id.", show_default=False)],
    day: DateArg,
) -> None:
    """Lås et aftalt besøg op: næste plan (eller genplan) må flytte det."""
    from api.services.locks import unlock_visit

    unlock_visit(settings(), facility_id, day.date())
    console.print(
        f"Besøget hos {escape(facility_id)} den {day.date().isoformat()} er ikke længere låst.", highlight=False
    )


@app.command("locks")
def locks(
    facility_id: Annotated[str | None, typer.Option("--facility", help="Kun ét tilbud.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table eller json.")] = OutputFormat.TABLE,
) -> None:
    """Vis de låste (aftalte) besøg. Fortroligt: indeholder datoer for uanmeldte besøg."""
    from api.services.locks import locked_visits

    frame = locked_visits(settings(), facility_id)
    if fmt == OutputFormat.JSON:
        print_json(to_records(frame))
        return
    table = DataTable(
        "tilbud", "dato", "konsulent", "anmeldt", title=f"Låste besøg ({format_number_da(len(frame), 0)})"
    )
    for r in frame.itertuples(index=False):
        announced = "ja" if r.announced else "nej"
        table.add_row(str(r.facility_id), r.date.date().isoformat(), str(r.inspector_id), announced)
    console.print(table)
