"""``tilsynsplan report risk|facility ID|plan ID|model [VERSION] --out FILE.html|FILE.pdf`` (thin over
``api.services.reports``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from api.cli_app import app, check_output_file, console, settings, writing
from data.errors import InvalidArgumentError
from data.glossary import format_number_da


@app.command("report")
def report(
    kind: Annotated[str, typer.Argument(help="Rapport: risk, facility, plan eller model.", show_default=False)],
    target: Annotated[
        str | None,
        typer.Argument(
            help="Tilbuddets id (facility), planens id (plan) eller modelversionen (model).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Fil der skrives: .html eller .pdf (formatet følger filtypen).", show_default=False
        ),
    ] = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help="Kun ét socialtilsyn (risk): nord, midt, syd, hovedstaden, oest.")
    ] = None,
    facility_type: Annotated[
        str | None, typer.Option("--type", help="Kun én tilbudstype (risk), fx opholdssted eller sel108.")
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="ÅÅÅÅ-MM-DD",
            help="Dato (ÅÅÅÅ-MM-DD) rapporten gælder pr. (risk, facility). Standard: i dag.",
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option("--top", help="Kun de N mest risikable i tabellen (risk); tal og grafer dækker hele listen."),
    ] = None,
    confidential: Annotated[
        bool,
        typer.Option(
            "--confidential/--no-confidential",
            help="Medtag fortrolige datoer for uanmeldte besøg (facility, plan). Kun til autoriserede læsere.",
        ),
    ] = False,
) -> None:
    """Skriv en rapport til ledelsen som HTML eller PDF: risikoliste, tilbudsprofil, kvartalsplan eller modelkort."""
    from api.services.reports import KINDS, write_report

    if kind not in KINDS:
        raise InvalidArgumentError(f"Ukendt rapport '{kind}'. Tilladt: {', '.join(KINDS)}.")
    if out is None:
        raise InvalidArgumentError("Angiv filen der skal skrives med --out FIL.html eller --out FIL.pdf.")
    if kind != "risk" and (authority or facility_type or top is not None):
        raise InvalidArgumentError("--authority, --type og --top gælder kun rapporten 'risk'.")
    # refused, not ignored: a plan is planned as of its own date and a model card is the stored model's, and
    # only a profile and a plan hold unannounced dates
    if kind in ("plan", "model") and as_of is not None:
        raise InvalidArgumentError(
            f"--as-of gælder kun rapporterne 'risk' og 'facility' (rapporten '{kind}' har sin egen dato)."
        )
    if kind in ("risk", "model") and confidential:
        raise InvalidArgumentError(
            f"--confidential gælder kun rapporterne 'facility' og 'plan' (rapporten '{kind}' har ingen fortrolige "
            "datoer)."
        )
    if kind == "risk" and target:
        raise InvalidArgumentError(f"Rapporten 'risk' tager intet id (fik '{target}'); brug --authority/--type.")
    check_output_file(out, "--out", f"{kind}.html")
    with writing(out, "--out"):
        written = write_report(
            settings(),
            kind,
            out,
            target,
            authority=authority,
            facility_type=facility_type,
            as_of=None if as_of is None else as_of.date(),
            authorised=confidential,
            top=top,
        )
    size = format_number_da(written.size / 1024, 0)
    console.print(
        f"[bold]{escape(written.title)}[/] skrevet til {escape(str(written.path))} ({written.fmt.upper()}, {size} kB, "
        f"{format_number_da(written.seconds, 1)} s)",
        highlight=False,
    )
    if confidential and kind in ("facility", "plan"):
        console.print("[yellow]Fortroligt:[/] rapporten indeholder datoer for uanmeldte besøg.")
