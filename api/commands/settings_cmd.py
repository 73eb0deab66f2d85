"""``tilsynsplan settings``: every setting with its value, default and help."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli_app import DataTable, OutputFormat, app, console, print_json, settings
from data.settings import Settings

#: Settings whose values are never printed (bearer tokens).
SECRET_SETTINGS = frozenset({"api_tokens"})

#: The help a Danish user reads (the settings' own descriptions are the English developer docs).
HELP_DA: dict[str, str] = {
    "home": "Arbejdsmappe for den indbyggede database, modeller, planer og rapporter.",
    "database_url": (
        "Databasens SQLAlchemy-URL. Tom: en SQLite-fil tilsynsplan.db i arbejdsmappen. PostgreSQL: "
        "postgresql+psycopg://bruger:adgangskode@vært/database."
    ),
    "database_busy_timeout_s": (
        "Sekunder, der ventes på en SQLite-database, som en anden proces skriver i (en import, en plan, der gemmes), "
        "eller på en lås i PostgreSQL (dens lock_timeout), før kommandoen giver op med 'databasen er optaget' "
        "(exitkode 5, HTTP 503 med Retry-After); intet gemmes."
    ),
    "today": "Datoen, der regnes som i dag (senere datoer afvises; standarddato for opgørelser). Tom: dags dato.",
    "seed": "Tilfældigt frø for generatoren, modellen og planlæggeren.",
    "log_level": "Logniveau (DEBUG, INFO, WARNING, ERROR).",
    "risk_horizon_months": "Et alvorligt fund ved et besøg inden for så mange måneder er det, modellen forudsiger.",
    "risk_training_years": "Træningsvinduets længde før opgørelsesdatoen, i år.",
    "risk_min_positive_labels": (
        "Under så mange alvorlige fund i træningsvinduet bruges ekspertscoren i stedet for LightGBM (kold start)."
    ),
    "risk_top_factors": "Antal begrundelser pr. tilbud i lister.",
    "risk_learn_from": (
        "Hvad LightGBM-træerne lærer af: 'severity' (alvorsgraden: hvor lavt det laveste besøg i horisonten "
        "scorede) eller 'label' (alvorligt fund ja/nej). Risikoen kalibreres på alvorligt fund ja/nej i begge tilfælde."
    ),
    "visit_interval_default_months": "Højst så mange måneder mellem uanmeldte besøg (lovens minimum).",
    "visit_interval_months": (
        'Interval for uanmeldte besøg pr. tilbudstype i måneder, som JSON, fx {"sikret_doegninstitution": 12}.'
    ),
    "first_visit_months": "Et nyt tilbuds første besøg skal ligge inden for så mange måneder efter godkendelsen.",
    "plan_horizon_quarters": "Kvartaler i en plan; det første er det planlagte kvartal.",
    "min_visit_gap_days": "Mindst så mange dage mellem to besøg i samme tilbud.",
    "top_tier_share": (
        "Andel af tilbud (højeste risiko), der skal have et ekstra besøg næste kvartal, når kapaciteten rækker."
    ),
    "top_tier_scope": (
        "Hvorfra ekstrabesøgets tilbud tages: 'national' = de mest risikable af alle tilbud (risikolistens gruppe "
        "„høj\"), 'authority' = de mest risikable i hvert socialtilsyn."
    ),
    "days_off": (
        "Dage (MM-DD, hvert år), hvor planlæggeren ikke lægger besøg, selv om de er hverdage, som JSON. Standard: "
        "juleaftensdag og nytårsaftensdag. Aftalte (låste) besøg må stadig ligge der."
    ),
    "solver_time_limit_s": "Tidsgrænse for én CP-SAT-løsning, i sekunder.",
    "solver_workers": "CP-SAT-søgetråde.",
    "host": "Adressen, 'tilsynsplan serve' lytter på.",
    "port": "Porten, 'tilsynsplan serve' lytter på.",
    "api_tokens": (
        "Adgangsnøgler (bearer tokens) for autoriserede brugere (planlæggere) som JSON-liste. Kun de ser datoer for "
        "uanmeldte besøg og må uploade data eller lægge planer."
    ),
    "max_upload_mb": "Største upload, der modtages, i megabyte.",
}


def _shown(value: object) -> str:
    """A value as a user reads it: nothing set is "–", not Python's None; a list or a mapping as the JSON its
    environment variable takes (``["12-24", "12-31"]``, not Python's ``['12-24', '12-31']``), so it can be copied."""
    if value is None or value == "":
        return "–"
    if isinstance(value, list | tuple | dict | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return json.dumps(items, ensure_ascii=False, default=str)
    return str(value)


@app.command("settings")
def show_settings(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table eller json.")] = OutputFormat.TABLE,
) -> None:
    """Vis alle indstillinger: værdi, standardværdi og forklaring."""
    current = settings()
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(current, name)
        if name in SECRET_SETTINGS and value:
            value = f"({len(value)} skjult)"
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        rows.append(
            {
                "name": name,
                "env": f"TILSYNSPLAN_{name.upper()}",
                "value": value,
                "default": default,
                "help": HELP_DA.get(name, field.description or ""),
            }
        )
    if fmt == OutputFormat.JSON:
        print_json(rows)
        return
    table = DataTable("miljøvariabel", "værdi", "standard", "forklaring")
    for r in rows:
        table.add_row(r["env"], _shown(r["value"]), _shown(r["default"]), r["help"])
    console.print(table)
