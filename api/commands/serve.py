"""``tilsynsplan serve``: the web pages and the JSON API (uvicorn on :func:`api.app.create_app`).

When no token is configured (``TILSYNSPLAN_API_TOKENS`` empty), a random token is generated for this
session and printed, like Jupyter does, so a local planner can log in on ``/login``.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from api.cli_app import app, console, settings


@app.command("serve")
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Adresse (standard: TILSYNSPLAN_HOST).", show_default=False)
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="Port (standard: TILSYNSPLAN_PORT).", show_default=False),
    ] = None,
) -> None:
    """Start websiderne og JSON-API'et (/api/v1) for planlæggere, ledere og fagsystemer."""
    current = settings()
    if not current.api_tokens:
        token = secrets.token_urlsafe(24)
        current = current.model_copy(update={"api_tokens": [token]})
        console.print(
            "Ingen TILSYNSPLAN_API_TOKENS er sat. Token for denne session (log ind på /login, "
            f"eller send 'Authorization: Bearer <token>'):\n\n    {token}\n",
            highlight=False,
        )
    address, number = host or current.host, port or current.port
    console.print(f"Tilsynsplan kører på http://{address}:{number}/  (API: /api/v1/docs; stop med Ctrl+C)")
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(current), host=address, port=number, log_level=current.log_level.lower())
