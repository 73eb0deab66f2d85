"""``tilsynsplan plan``: plan a quarter (and the horizon after it), show, list and export stored plans.

``plan`` is a command group whose callback plans when no subcommand is given, so both
``tilsynsplan plan --quarter 2026Q4`` and ``tilsynsplan plan show 7`` work. The CLI is for planners
(authorised): unannounced dates are shown.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from api.cli_app import (
    DanishTyper,
    DataTable,
    OutputFormat,
    app,
    check_output_file,
    console,
    err_console,
    print_json,
    settings,
    writing,
)
from data.calendar import first_working_day, quarter_bounds
from data.enums import Authority
from data.errors import InvalidArgumentError, NoDataError
from data.glossary import (
    PLAN_STATUS_DA,
    and_more_da,
    danish_code,
    deadline_rule_da,
    format_count_da,
    format_date_da,
    format_number_da,
    format_percent_da,
    plan_scope_da,
    plan_top_group_da,
    top_split_da,
    upper_first,
    weeks_late_da,
)

if TYPE_CHECKING:  # the planner imports OR-Tools: only when a command runs
    from data.plan_store import StoredPlan

plan_app = DanishTyper(
    help="Besøgsplaner: planlæg et kvartal (--quarter), eller vis/list gemte planer.",
    no_args_is_help=False,
    rich_markup_mode="rich",
)
app.add_typer(plan_app, name="plan")

STATUS_DA = {
    **PLAN_STATUS_DA,
    "optimal": "optimal (bevist)",
    "best_effort": "med overskredne frister (bedst mulige plan)",
}
SHOWN_VISITS = 60
SHOWN_LATE = 20


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidArgumentError(f"{option} '{value}' er ikke en dato; brug ÅÅÅÅ-MM-DD, fx 2026-10-01.") from error


def _print_summary(stored: StoredPlan, names: dict[str, str]) -> None:
    from api.services import plans as plan_service
    from reports.build import missed_deadline_on

    a = stored.analysis
    scope = plan_scope_da(stored.authority, (s["authority"] for s in a.get("authorities", [])))
    console.print(
        f"[bold]Plan {stored.id}[/] for {stored.quarter} ({scope}), "
        f"opgjort {stored.as_of.isoformat()}: {format_number_da(stored.visit_count, 0)} besøg i horisonten"
    )
    console.print(
        f"Status: {STATUS_DA.get(stored.status, stored.status)}; mål {format_number_da(a['objective'], 0)}, "
        f"nedre grænse {format_number_da(a['bound'], 0)}, gap {format_percent_da(a['gap'], 2)}; "
        f"løsning {format_number_da(a['solve_seconds'], 1)} s, første gyldige plan efter "
        f"{format_number_da(a['first_solution_seconds'] or 0, 1)} s"
    )
    _print_late(stored)
    overdue = a.get("overdue", [])
    late_ids = {o["facility_id"] for o in a.get("late", [])}
    # only a deadline before the as-of date has passed; the planner also lists one it cannot keep from the plan's
    # start (before the quarter, before its first working day, or ruled out by the minimum gap), as the report does
    quarter_start = quarter_bounds(stored.quarter)[0]
    start = max(quarter_start, stored.as_of)
    why = {
        id(o): missed_deadline_on(dt.date.fromisoformat(o["deadline"]), stored.as_of, start, quarter_start)
        for o in overdue
    }
    # "visit them in the current quarter" only when the plan is made before its quarter (as the plan report says):
    # planned on its first day, a holiday, the current quarter is the plan's own, with no working day before it
    before_first_working_day = (
        f"Frist før første arbejdsdag i {stored.quarter} — besøg dem i indeværende kvartal"
        if stored.as_of < quarter_start
        else f"Frist før planens første arbejdsdag ({format_date_da(first_working_day(start))})"
    )
    # a deadline already passed when the plan is made before its quarter waits until the quarter unless visited now
    passed = "Frist allerede overskredet"
    if stored.as_of < quarter_start:
        passed += " — besøg dem i indeværende kvartal"
    for key, text in (
        ("passed", passed),
        ("before_quarter", f"Frist før {stored.quarter} begynder — besøg dem i indeværende kvartal"),
        ("before_first_working_day", before_first_working_day),
        ("before_first_possible_day", "Frist før første mulige besøgsdag (mindste afstand til et andet besøg)"),
    ):
        group = [o for o in overdue if why[id(o)] == key]
        if group:
            shown = ", ".join(f"{escape(str(o['facility_id']))} (frist {o['deadline']})" for o in group[:10])
            more = and_more_da(len(group) - 10)
            them = "det" if len(group) == 1 else "dem"
            # a best-effort plan places some after the quarter, or nowhere (``late``, listed above)
            later = sum(o["facility_id"] in late_ids for o in group)
            where = f"Planen lægger {them} først i kvartalet."
            if later == len(group):
                where = f"Kapaciteten rækker ikke til at besøge {them} i kvartalet (se de overskredne frister ovenfor)."
            elif later:
                where = (
                    f"Planen lægger {them} først i kvartalet, undtagen {format_number_da(later, 0)}, som "
                    "kapaciteten ikke rækker til i kvartalet (se de overskredne frister ovenfor)."
                )
            console.print(f"[yellow]{text}:[/] {format_number_da(len(group), 0)} tilbud: {shown}{more}. {where}")
    if not overdue:
        console.print("Ingen tilbud havde overskredet fristen for uanmeldt besøg ved planens start.")
    b = a["baseline"]
    ratio = "–" if b["ratio"] is None else format_number_da(b["ratio"], 2) + " ×"
    # the lateness is counted after each tilbud's risk target; one whose deadline cannot be kept has none (it is
    # visited at once): without saying so, "0 mod 0" read as "nothing late" when every visit was late
    above = "tilbuddet" if len(overdue) == 1 else f"de {format_number_da(len(overdue), 0)} tilbud"
    left_out = (
        f" (tal for de tilbud, hvis frist kan nås; {above} ovenfor, hvis frist ikke kan nås ved planens start, er ikke "
        "med)"
        if overdue
        else ""
    )
    planned = [stored.authority] if stored.authority else [s["authority"] for s in a.get("authorities", [])]
    top_group = plan_top_group_da(
        planned, b.get("top_share", 0.10), b.get("top_scope", "authority"), b.get("top_pool", ())
    )
    split = top_split_da(b.get("top_by_authority", {})) if b.get("top_scope") == "national" else ""
    counted = f"{b['top_decile_count']} tilbud" + (f": {split}" if split else "")
    console.print(
        f"{top_group[0].upper()}{top_group[1:]} ({counted}) besøgt i {stored.quarter}: "
        f"{format_percent_da(b['plan_top_decile_first_quarter'])} mod "
        f"{format_percent_da(b['baseline_top_decile_first_quarter'])} i rotationen ({ratio}); "
        f"risikovægtet forsinkelse {format_number_da(b['plan_risk_lateness'], 0)} mod "
        f"{format_number_da(b['baseline_risk_lateness'], 0)}{left_out}"
    )
    changes = plan_service.replan_changes(settings(), stored)
    if changes is not None:
        console.print(
            f"Genplan af plan {changes.parent_id}: af dens {format_number_da(changes.parent_visits, 0)} besøg fra "
            f"{changes.since.isoformat()} ligger {format_number_da(changes.kept, 0)} på samme dag, "
            f"{format_number_da(changes.moved, 0)} er flyttet og {format_number_da(changes.dropped, 0)} udgået; "
            f"{format_number_da(changes.added, 0)} besøg er nye."
        )
    for note in [*a.get("notes", []), *a.get("confidential_notes", [])]:  # the CLI is for planners
        console.print(f"[yellow]Bemærk:[/] {escape(note)}")
    _print_inspectors(stored, names)


def _print_data_changes(stored: StoredPlan) -> None:
    """What changed since the plan was made that matters to it, first and in yellow (the CLI is for planners: with
    the tilbud and days); nothing when the data did not change."""
    from api.services import plans as plan_service

    staleness = plan_service.plan_data_changes(settings(), stored)
    if not staleness.headline():
        return
    style = "bold yellow" if staleness.changed else "yellow"
    console.print(f"[{style}]{escape(staleness.headline())}[/]", highlight=False)
    for message in staleness.messages(authorised=True):
        console.print(f"[yellow]  – {escape(message)}[/]", highlight=False)
    if staleness.advice():
        console.print(escape(staleness.advice()), highlight=False)


def _print_late(stored: StoredPlan) -> None:
    """A best-effort plan: the deadlines it misses and the inspector-days missing, in yellow (a warning: the plan
    is stored, the command succeeds)."""
    a = stored.analysis
    late = a.get("late", [])
    if not late and stored.status != "best_effort":
        return
    unplaced = [o for o in late if o["planned_date"] is None]
    none = f", og {format_count_da(len(unplaced), 'frist', 'frister')} får intet besøg i horisonten" if unplaced else ""
    shortfall = a.get("shortfall", [])
    rule = deadline_rule_da(
        sum(int(s.get("first_visit", 0)) for s in shortfall), sum(len(s["facility_ids"]) for s in shortfall)
    )
    console.print(
        f"[bold yellow]Advarsel: bedst mulige plan med overskredne frister.[/] Kapaciteten rækker ikke til "
        f"{rule}: {format_number_da(len(late) - len(unplaced), 0)} besøg ligger efter fristen{none}. "
        "Alle andre regler er overholdt."
    )
    for s in shortfall:
        days = s.get("inspector_days")
        need = (
            "tilsynskonsulenter med kapacitet" if days is None else format_count_da(days, "tilsynsdag", "tilsynsdage")
        )
        console.print(
            f"[yellow]Mangler:[/] {danish_code(Authority, s['authority'])} mangler {need} i "
            f"{s['quarter'].replace('Q', 'K')} for at overholde "
            f"{deadline_rule_da(int(s.get('first_visit', 0)), len(s['facility_ids']))} "
            f"({format_number_da(len(s['facility_ids']), 0)} tilbud)" + (f"; {s['note']}." if s.get("note") else ".")
        )
    for o in late[:SHOWN_LATE]:
        planned = "intet besøg" if o["planned_date"] is None else f"planlagt {o['planned_date']}"
        console.print(
            f"[yellow]  {escape(str(o['facility_id']))}[/]: frist {o['deadline']}, {planned} "
            f"({weeks_late_da(o.get('weeks_late'))})"
        )
    if len(late) > SHOWN_LATE:
        console.print(
            f"[yellow]  …{and_more_da(len(late) - SHOWN_LATE)}[/] (alle: tilsynsplan plan "
            f"show {stored.id} --format json, "
            "feltet late)"
        )


def _inspector_names() -> dict[str, str]:
    """Stored inspectors' names by id; none when the data is gone (a plan outlives a re-import)."""
    from api.services.lookups import inspector_names

    try:
        return inspector_names(settings())
    except NoDataError:
        return {}


def _print_inspectors(stored: StoredPlan, names: dict[str, str]) -> None:
    a = stored.analysis
    visits = a.get("visits_first_quarter_by_inspector", {})
    capacity = a.get("capacity_first_quarter_by_inspector", {})
    table = DataTable(
        "tilsynskonsulent",
        "besøg",
        "kapacitet",
        "udnyttelse",
        title=f"Kvartalets besøg pr. konsulent ({stored.quarter})",
    )
    for iid in sorted(visits):
        cap = int(capacity.get(iid, 0))
        n = int(visits[iid])
        if cap == 0 and n == 0:
            continue  # no capacity this quarter (e.g. left the team, or absent all quarter)
        table.add_row(_who(iid, names), str(n), str(cap), format_percent_da(n / cap) if cap else "–")
    if not table.rows:  # every inspector away all quarter: a header over no row said nothing
        console.print(f"Ingen tilsynskonsulent har kapacitet eller besøg i {stored.quarter} (fravær, 0 besøg om ugen).")
        return
    console.print(table)


def _who(inspector_id: str, names: dict[str, str]) -> str:
    """The inspector as "Anne Holm (I1)"; the id alone when the inspector is no longer in the data."""
    return f"{names[inspector_id]} ({inspector_id})" if inspector_id in names else inspector_id


def _visit_table(stored: StoredPlan, limit: int | None, names: dict[str, str]) -> DataTable:
    _, q_end = quarter_bounds(stored.quarter)
    rows = stored.visits[stored.visits["date"] <= q_end].sort_values(["inspector_ids", "date", "facility_id"])
    title = f"Besøg i {stored.quarter} ({format_number_da(len(rows), 0)})"
    if limit is not None and len(rows) > limit:
        title += f"; de første {limit} vises, resten med --export"
        rows = rows.head(limit)
    table = DataTable("tilsynskonsulent", "dato", "tilbud", "anmeldt", "årsag", title=title)
    for r in rows.itertuples(index=False):
        who = ", ".join(_who(iid, names) for iid in str(r.inspector_ids).split(";"))
        table.add_row(who, r.date.isoformat(), str(r.facility_id), "ja" if r.announced else "nej", str(r.reason))
    return table


@plan_app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="Kvartalet der planlægges (planen der gælder), fx 2026Q4.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Hvad der vides pr. denne dato (ÅÅÅÅ-MM-DD). Standard: i dag.")
    ] = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help="Kun ét socialtilsyn: nord, midt, syd, hovedstaden, oest.")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Solverens tidsgrænse i sekunder (standard: indstillingen).")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Gem alle horisontens besøg som CSV (én række pr. besøg).")
    ] = None,
    replan_of: Annotated[
        int | None, typer.Option("--replan-of", help="Genplanlæg en gemt plan: flyt så få af dens besøg som muligt.")
    ] = None,
    allow_late: Annotated[
        bool,
        typer.Option(
            "--allow-late",
            help="Kan fristerne ikke overholdes (for lidt kapacitet), så gem den bedst mulige plan i stedet for at "
            "afvise: så få og så små overskridelser som muligt, vist i planen.",
        ),
    ] = False,
) -> None:
    """Planlæg kvartalets besøg (og horisonten efter) og gem planen; 'plan show ID' viser en gemt plan."""
    from api.services import plans as plan_service

    if ctx.invoked_subcommand is not None:
        return
    if quarter is None:
        upcoming = _upcoming_quarter()
        raise InvalidArgumentError(f"Angiv kvartalet med --quarter, fx --quarter {upcoming} (eller 'plan show ID').")
    day = _date(as_of, "--as-of")
    check_output_file(export, "--export", "plan.csv")
    with err_console.status("Planlægger …", spinner="dots") as status:
        stored = plan_service.create_plan(
            settings(),
            quarter,
            as_of=day,
            authority=authority,
            time_limit_s=time_limit,
            parent_plan_id=replan_of,
            progress=lambda message: status.update(f"{message} …"),
            allow_late=allow_late,
        )
    _print_summary(stored, _inspector_names())
    if export is not None:
        kept = f" Planen er gemt som plan {stored.id}; eksportér den med 'plan show {stored.id} --export FIL'."
        with writing(export, "--export", kept):
            path = plan_service.export_plan_csv(stored, export)
        console.print(f"Eksporteret {stored.visit_count} besøg til {escape(str(path))}", highlight=False)


@plan_app.command("show")
def show(
    plan_id: Annotated[int, typer.Argument(help="Planens id (se 'plan list').")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table eller json")] = OutputFormat.TABLE,
    export: Annotated[Path | None, typer.Option("--export", help="Gem alle besøg som CSV.")] = None,
) -> None:
    """Vis en gemt plan: status, bund og gap, overskredne frister, sammenligning med rotationen, besøg."""
    from api.services import plans as plan_service

    check_output_file(export, "--export", "plan.csv")
    stored = plan_service.show_plan(settings(), plan_id)
    if fmt == OutputFormat.JSON:
        print_json(_as_json(stored))
    else:
        names = _inspector_names()  # one load of the stored inspectors for both tables
        _print_data_changes(stored)
        _print_summary(stored, names)
        console.print(_visit_table(stored, SHOWN_VISITS, names))
    if export is not None:
        with writing(export, "--export"):
            path = plan_service.export_plan_csv(stored, export)
        console.print(f"Eksporteret {stored.visit_count} besøg til {escape(str(path))}", highlight=False)


@plan_app.command("list")
def list_command(
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="table eller json (som GET /api/v1/plans).")
    ] = OutputFormat.TABLE,
) -> None:
    """List de gemte planer (nyeste først)."""
    from api.services import plans as plan_service
    from planner.staleness import Freshness

    rows = plan_service.plans(settings())
    freshness = plan_service.plans_freshness(settings(), rows, authorised=True)  # the CLI is a planner's
    if fmt == OutputFormat.JSON:
        from api.schemas import PlanListItemPublic

        print_json([PlanListItemPublic.from_listed(p, freshness[p.id]).model_dump(mode="json") for p in rows])
        return
    if not rows:
        upcoming = _upcoming_quarter()
        console.print(f"Ingen gemte planer endnu. Læg den første med 'tilsynsplan plan --quarter {upcoming}'.")
        return
    table = DataTable("id", "kvartal", "socialtilsyn", "opgjort", "status", "besøg", "forrige", "oprettet", "data")
    for p in rows:
        table.add_row(
            str(p.id),
            p.quarter,
            upper_first(plan_scope_da(p.authority, p.authorities)),
            p.as_of.isoformat(),
            PLAN_STATUS_DA.get(p.status, p.status),
            format_number_da(p.visit_count, 0),
            "" if p.parent_id is None else str(p.parent_id),
            p.created_at.isoformat(sep=" "),
            "ændret" if freshness[p.id] == Freshness.CHANGED else "",
        )
    console.print(table)
    if Freshness.CHANGED in freshness.values():
        console.print(
            "Data ændret: data er ændret, siden planen blev lavet, så den ikke længere passer til dem; "
            "'tilsynsplan plan show ID' siger, hvad der er ændret, og hvordan der genplanlægges.",
            highlight=False,
        )


def _upcoming_quarter() -> str:
    from data.calendar import next_quarter

    return next_quarter(settings().effective_today())


def _as_json(stored: StoredPlan) -> dict[str, Any]:
    from api.schemas import LateVisitPublic, PlanDataChangesPublic, PlanSummaryPublic
    from api.services import plans as plan_service

    visits = plan_service.visits_for_reader(stored, authorised=True)
    changes = plan_service.replan_changes(settings(), stored)
    data_changes = plan_service.plan_data_changes(settings(), stored)
    return {
        "id": stored.id,
        # the times as the API and plan list give them: the server's local time with its UTC offset
        "created_at": PlanSummaryPublic.from_info(stored).model_dump(mode="json")["created_at"],
        "quarter": stored.quarter,
        "as_of": stored.as_of.isoformat(),
        "authority": stored.authority,
        "status": stored.status,
        "parent_id": stored.parent_id,
        "replan_changes": None if changes is None else changes.as_dict(),
        # what changed since the plan was made, as the API's ``data_changes``
        "data_changes": PlanDataChangesPublic.from_staleness(data_changes, True).model_dump(mode="json"),
        # a best-effort plan's missed deadlines, as the API's ``late``
        "late": [LateVisitPublic.from_dict(o, True).model_dump(mode="json") for o in stored.analysis.get("late", [])],
        "risk_run_id": stored.risk_run_id,
        "settings": stored.settings,
        "analysis": stored.analysis,
        "visits": [  # as GET /api/v1/plans/{id}: inspector_ids a list
            {
                **r,
                "date": None if r["date"] is None else r["date"].isoformat(),
                "inspector_ids": [i for i in str(r["inspector_ids"] or "").split(";") if i],
            }
            for r in visits.to_dict(orient="records")
        ],
    }
