"""``tilsynsplan backtest``: does risk-based planning find problems sooner? (thin over ``api.services.backtest``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli_app import DataTable, app, console, err_console, print_json, settings
from api.services.backtest_defaults import (
    DEFAULT_QUARTERS,
    DEFAULT_TIME_LIMIT_S,
    MIN_PROBLEMS_FOR_VERDICT,
    TARGET_IMPROVEMENT,
    WITHIN_DAYS,
)
from data.enums import Authority, Ownership
from data.errors import InvalidArgumentError
from data.glossary import BACKTEST_POLICY_DA, danish_code, format_number_da, format_percent_da

if TYPE_CHECKING:  # the replay imports the risk model and the planner: only when the command runs
    from api.services.backtest import BacktestResult, PolicyMetrics

FORMATS = ("table", "json")


def _num(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else format_number_da(value, decimals)


def _pct(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else format_percent_da(value, decimals)


def _sooner(gain: float | None) -> str:
    """ "30,1 % hurtigere", or "66,9 % langsommere" when the risk policy was slower (a negative gain)."""
    if gain is None:
        return "–"
    return f"{_pct(abs(gain), 1)} {'hurtigere' if gain >= 0 else 'langsommere'}"


def _problems(n: int) -> str:
    """ "1 problem", "10 problemer"."""
    return f"{format_number_da(n, 0)} {'problem' if n == 1 else 'problemer'}"


def _compliance(m: PolicyMetrics) -> str:
    """The two-year cell, e.g. "100,0 % (1847/1847)"; no share when no deadline fell in the window."""
    if m.two_year_compliance is None:
        return "– (ingen frister i vinduet)"
    return f"{_pct(m.two_year_compliance, 1)} ({m.deadlines_checked - m.deadlines_missed}/{m.deadlines_checked})"


def print_result(result: BacktestResult) -> None:
    w = result.window
    quarters = (
        f"1 kvartal {w.quarters[0]}"
        if len(w.quarters) == 1
        else f"{len(w.quarters)} kvartaler {w.quarters[0]}–{w.quarters[-1]}"
    )
    console.print(
        f"[bold]Backtest på syntetisk Danmark[/] (frø {result.seed}, {format_number_da(result.facilities, 0)} tilbud, "
        f"data til {result.as_of.isoformat()}): {quarters} "
        f"genafspillet med samme tilsynskonsulenter og kapacitet for hver politik."
    )
    console.print(
        f"{_problems(result.spells)} ({'en periode' if result.spells == 1 else 'perioder'} i alvorligt dårlig "
        "tilstand) begyndte i vinduet."
    )
    if result.replan == "monthly":
        console.print(
            "Hver politik genplanlagde også ved kvartalets 2. og 3. måned med det, den vidste da (--replan monthly)."
        )
    table = DataTable(
        "politik",
        "besøg",
        "alvorlige fund",
        "problemer fundet",
        "dage til fund (fundne)",
        "dage uopdaget (alle)",
        f"fundet inden {WITHIN_DAYS} dage",
        "toårsreglen overholdt",
        title="Hvor hurtigt findes problemerne?",
    )
    for name, m in result.policies.items():
        table.add_row(
            BACKTEST_POLICY_DA.get(name, name),
            format_number_da(m.visits, 0),
            format_number_da(m.serious_findings, 0),
            f"{m.spells_found} af {m.spells} ({_pct(m.found_share)})",
            _num(m.mean_days_found, 1),
            _num(m.mean_days_censored, 1),
            _pct(m.found_within_90_share),
            _compliance(m),
        )
    console.print(table)
    console.print(
        "Dage uopdaget: fra problemets første måned til det findes; et problem, der aldrig findes, tæller til "
        "tilbuddet kommer ud af den dårlige tilstand eller vinduet slutter (en nedre grænse)."
    )
    overdue = max((m.overdue_at_start for m in result.policies.values()), default=0)
    if overdue:
        console.print(
            f"Toårsreglen: {format_number_da(overdue, 0)} tilbud var allerede over fristen, da vinduet begyndte "
            "(den fælles historiks, ikke politikkens); de tæller ikke med i andelen ovenfor, og planlæggeren "
            "besøger dem først muligt."
        )

    authorities = sorted({a for m in result.policies.values() for a in m.visits_by_authority})
    per_auth = DataTable("politik", *[danish_code(Authority, a) for a in authorities], title="Besøg pr. socialtilsyn")
    for name, m in result.policies.items():
        per_auth.add_row(
            BACKTEST_POLICY_DA.get(name, name),
            *[format_number_da(m.visits_by_authority.get(a, 0), 0) for a in authorities],
        )
    console.print(per_auth)

    owners = list(result.problems_by_ownership)
    own = DataTable("", *[danish_code(Ownership, o) for o in owners], title="Ejerform: andel af besøg og problemer")
    own.add_row("andel af tilbud", *[_pct(result.facilities_by_ownership.get(o)) for o in owners])
    own.add_row("andel af problemer (sandheden)", *[_pct(result.problems_by_ownership.get(o)) for o in owners])
    for name, m in result.policies.items():
        own.add_row(
            f"besøg: {BACKTEST_POLICY_DA.get(name, name)}", *[_pct(m.visits_by_ownership.get(o)) for o in owners]
        )
    console.print(own)

    for name, m in result.policies.items():
        for q in m.quarters:
            if q.left_out:
                console.print(
                    f"[yellow]{BACKTEST_POLICY_DA.get(name, name)}, {q.quarter}:[/] planlæggeren kunne ikke "
                    f"overholde alle frister og udelod {format_number_da(len(q.left_out), 0)} tilbud det "
                    f"kvartal ({q.infeasible})"
                )
    gain = result.improvement("mean_days_censored")
    gain_found = result.improvement("mean_days_found")
    interval = result.improvement_interval()
    if gain is not None:
        from api.services.backtest import TwoYearRule

        if result.too_few_problems:
            verdict = (
                f"[yellow]ikke afgjort[/] i denne verden: kun {_problems(result.spells)} begyndte i vinduet, for få "
                f"til en dom (mindst {MIN_PROBLEMS_FOR_VERDICT}); kør flere kvartaler (--quarters) eller en større "
                "verden (--facilities)"
            )
        else:
            verdict = ("[green]nået[/]" if result.target_met else "[red]ikke nået[/]") + " i denne verden"
        untested = (
            "; men toårsreglen blev ikke prøvet: ingen frister faldt i vinduet"
            if result.two_year_rule == TwoYearRule.VACUOUS
            else ""
        )
        spread = (
            f"; 95 %-interval for hvor meget hurtigere: {_pct(interval[0], 1)} til {_pct(interval[1], 1)}"
            if interval
            else ""
        )
        console.print(
            f"Risikobaseret mod rotation: problemer fundet {_sooner(gain)} (dage uopdaget, alle problemer"
            f"{spread}); {_sooner(gain_found)} (kun de fundne). Mål: mindst {_pct(TARGET_IMPROVEMENT)} hurtigere "
            f"med 100 % overholdt toårsregel — {verdict}{untested}."
        )
        width = (
            f": intervallet er {format_number_da(100 * (interval[1] - interval[0]), 1)} point bredt" if interval else ""
        )
        console.print(
            f"[dim]Én verdens tal afhænger af, hvilke problemer der opstod{width}; "
            "bench/backtest_seeds.py kører flere verdener og samler dem.[/]"
        )
    elif "risk" in result.policies and "rotation" in result.policies:
        console.print(
            "Risikobaseret mod rotation: intet at sammenligne — "
            + (
                "ingen problemer begyndte i vinduet."
                if result.spells == 0
                else "rotationen lod ingen problemer gå uopdaget hen."
            )
            + " Kør flere kvartaler (--quarters) eller en større verden (--facilities)."
        )
    console.print(
        f"Køretid {format_number_da(result.seconds, 0)} s (heraf generering "
        f"{format_number_da(result.generate_seconds, 0)} s); planlæggerens tidsgrænse "
        f"{format_number_da(result.time_limit_s, 0)} s pr. socialtilsyn og kvartal."
    )


@app.command("backtest")
def backtest(
    quarters: Annotated[
        int, typer.Option("--quarters", help="Kvartaler, der genafspilles før datasættets slutning.")
    ] = DEFAULT_QUARTERS,
    output_format: Annotated[str, typer.Option("--format", help="table eller json.")] = "table",
    seed: Annotated[int | None, typer.Option("--seed", help="Frø for verden (standard: TILSYNSPLAN_SEED).")] = None,
    facilities: Annotated[int, typer.Option("--facilities", help="Antal aktive tilbud i landet.")] = 2000,
    years: Annotated[int, typer.Option("--years", help="År med historik i den genererede verden.")] = 6,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="ÅÅÅÅ-MM-DD",
            help="Verdens skæringsdato, et kvartals første dag: genafspilningen slutter med kvartalet før "
            "(standard: så genafspilningen starter, når toårsreglen er indfaset).",
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Planlæggerens tidsgrænse i sekunder pr. socialtilsyn og kvartal.")
    ] = DEFAULT_TIME_LIMIT_S,
    replan: Annotated[
        str,
        typer.Option(
            "--replan",
            help="none: én plan pr. kvartal; monthly: genplanlæg også ved kvartalets 2. og 3. måned med det, "
            "der er kendt da (tager omkring tre gange så lang tid).",
        ),
    ] = "none",
) -> None:
    """Genafspil de seneste kvartaler: finder risikobaseret planlægning problemerne hurtigere end rotation?"""
    from api.services.backtest import run_backtest

    if output_format not in FORMATS:
        raise InvalidArgumentError(f"Formatet '{output_format}' findes ikke; vælg {' eller '.join(FORMATS)}.")
    day = None if as_of is None else as_of.date()
    if output_format == "json":
        result = run_backtest(
            settings(), quarters=quarters, seed=seed, facilities=facilities, years=years, as_of=day,
            time_limit_s=time_limit, replan=replan,
        )  # fmt: skip
        print_json(result.as_dict())
        return
    with err_console.status("Starter") as status:

        def step(message: str) -> None:
            status.update(f"Genafspiller: {message}")

        result = run_backtest(
            settings(), quarters=quarters, seed=seed, facilities=facilities, years=years, as_of=day,
            time_limit_s=time_limit, replan=replan, progress=step,
        )  # fmt: skip
    print_result(result)
