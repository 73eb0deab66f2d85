"""``tilsynsplan settings``: every setting with its value, default and help."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from api.cli_app import app, console, settings
from data.settings import Settings

#: Settings whose values are never printed (bearer tokens).
SECRET_SETTINGS = frozenset({"api_tokens"})


@app.command("settings")
def show_settings(
    fmt: Annotated[str, typer.Option("--format", help="table eller json.")] = "table",
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
                "help": field.description or "",
            }
        )
    if fmt == "json":
        console.print_json(json.dumps(rows, default=str))
        return
    table = Table("miljøvariabel", "værdi", "standard", "forklaring")
    for r in rows:
        table.add_row(r["env"], str(r["value"]), str(r["default"]), r["help"])
    console.print(table)
