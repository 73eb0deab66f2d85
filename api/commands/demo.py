"""``tilsynsplan demo``: the whole chain on the built-in synthetic dataset, with the paths of what it wrote."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.markup import escape

from api.cli_app import DataTable, app, console, settings, step_progress
from data.enums import Authority
from data.glossary import RISK_SCORE_DA, danish_code, format_number_da, format_percent_da, plan_top_group_da
from data.settings import Settings


@app.command("demo")
def demo(
    facilities: Annotated[int, typer.Option("--facilities", help="Antal aktive tilbud i det syntetiske land.")] = 2000,
    seed: Annotated[int | None, typer.Option("--seed", help="Tilfældigt frø (standard: TILSYNSPLAN_SEED).")] = None,
) -> None:
    """Kør hele kæden på syntetisk Danmark: generér, importér, træn, scor, planlæg næste kvartal, skriv rapporter."""
    from api.services.demo import STEPS, run_demo

    current = settings()
    with step_progress(STEPS) as step:
        result = run_demo(current, facilities=facilities, seed=seed, progress=step)

    assert result.world and result.imported and result.trained and result.scored and result.plan
    world, plan = result.world, result.plan
    rows = sum(t.inserted + t.updated + t.unchanged for t in result.imported.summary.tables.values())
    console.print(
        f"[bold]Syntetisk Danmark[/]: {format_number_da(world.config.facilities, 0)} tilbud, frø {world.config.seed}, "
        f"data til {world.config.resolved_as_of().isoformat()} — {format_number_da(rows, 0)} rækker importeret "
        f"til {escape(str(current.resolved_database_url))}"
    )
    if line := model_line(result.trained.version, result.trained.card, result.trained.best_baseline()):
        console.print(line)
    top = result.scored.scores.head(5)
    table = DataTable(
        "nr.", "tilbud", "socialtilsyn", "risiko", "vigtigste grund", title="De fem mest risikable tilbud"
    )
    for r in top.itertuples(index=False):
        reason = r.top_factors[0]["text"] if r.top_factors else ""
        table.add_row(
            str(r.rank),
            f"{r.name} ({r.facility_id})",
            danish_code(Authority, r.authority).removeprefix("Socialtilsyn "),
            format_percent_da(r.risk, 1),
            reason,
        )
    console.print(table)
    baseline = plan.analysis["baseline"]
    top_group = plan_top_group_da(
        (s["authority"] for s in plan.analysis["authorities"]),
        baseline.get("top_share", 0.10),
        baseline.get("top_scope", "authority"),
        baseline.get("top_pool", ()),
    )
    console.print(
        f"[bold]Plan {plan.id}[/] for {plan.quarter}: {format_number_da(plan.visit_count, 0)} besøg i horisonten, "
        f"status {plan.status}, "
        f"gap {format_percent_da(plan.analysis['gap'], 2)}; "
        f"{top_group} besøgt i kvartalet: "
        f"{format_percent_da(baseline['plan_top_decile_first_quarter'])} mod "
        f"{format_percent_da(baseline['baseline_top_decile_first_quarter'])} ved rotation"
    )
    console.print(f"[bold]Rapporter[/] ({len(result.reports)}):")
    for w in result.reports:
        size = format_number_da(w.size / 1024, 0)
        # soft_wrap: a long path is never cut or broken by Rich, so it can be copied from the terminal
        line = f"  {w.title} ({w.fmt.upper()}, {size} kB): {w.path.resolve()}"
        console.print(escape(line), soft_wrap=True, highlight=False)
    timing = ", ".join(f"{name} {format_number_da(sec, 1)} s" for name, sec in result.seconds.items())
    console.print(f"Tid: {timing} — i alt {format_number_da(result.total_seconds, 1)} s")
    console.print(f"Næste skridt: {next_steps(current)}", soft_wrap=True, highlight=False)


def next_steps(current: Settings) -> str:
    """The commands that open what the demo made: with ``--home`` given, ``serve`` without it would open another
    working folder, so the command carries it (quoted for a shell)."""
    where = ""
    if current.home != Settings.model_fields["home"].default:
        where = escape(f" --home {shlex.quote(str(current.home))}")
    url = f"http://{current.host}:{current.port}"
    return (
        f"[bold].venv/bin/tilsynsplan{where} serve[/] starter webappen og API'et ({url}); "
        "[bold].venv/bin/tilsynsplan --help[/] viser alle kommandoer."
    )


def model_line(version: str, card: Mapping[str, Any], best: tuple[str, float] | None) -> str:
    """The demo's line on the trained model: its AUC on the validation period against the best baseline's; for a
    blend of LightGBM with the expert score (a lead within the noise) the blend's AUC, which is the risk used, with
    LightGBM's alone beside it. "" when either AUC is missing."""
    model_auc = (card.get("metrics") or {}).get("model", {}).get("auc")
    if model_auc is None or best is None:
        return ""
    blend = card.get("blend") or {}
    auc = f"AUC {format_number_da(model_auc, 3)}"
    if blend.get("auc") is not None:
        auc = (
            f"AUC {format_number_da(float(blend['auc']), 3)} (LightGBM blandet med ekspertscoren; LightGBM alene "
            f"{format_number_da(model_auc, 3)})"
        )
    return (
        f"[bold]Risikomodel[/] {version}: {auc} på den seneste periode mod {format_number_da(best[1], 3)} for den "
        f"bedste baseline ({RISK_SCORE_DA.get(best[0], best[0]).lower()})"
    )
