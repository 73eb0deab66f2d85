"""``tilsynsplan serve``: the web pages and the JSON API (uvicorn on :func:`api.app.create_app`).

When no token is configured (``TILSYNSPLAN_API_TOKENS`` empty), a random token is generated for this
session and printed, like Jupyter does, so a local planner can log in on ``/login``.

As it starts, a background thread loads the stored data and scores every facility
(:func:`api.services.risk.warm_up`), so the first facility page or Tilbudsprofil PDF is as quick as the next.
"""

from __future__ import annotations

import errno
import secrets
import socket
import threading
from typing import Annotated

import typer

from api.cli_app import app, console, os_error_da, settings
from data.errors import InvalidArgumentError


def check_address(host: str, port: int) -> None:
    """Refuse a host and port the server cannot listen on before saying it runs: uvicorn printed "Tilsynsplan kører
    på …" first and then, in English, that the address was in use. (Free now is not free in a moment: a race
    still ends in uvicorn's own error.)"""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise InvalidArgumentError(f"Adressen '{host}' kan ikke bruges (--host): {error.strerror}.") from None
    family, kind, proto, _, where = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(
            socket.SOL_SOCKET, socket.SO_REUSEADDR, 1
        )  # as uvicorn binds: a closed port's TIME_WAIT is free
        try:
            probe.bind(where)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise InvalidArgumentError(
                    f"Porten {port} på {host} er optaget (kører tilsynsplan serve allerede?); vælg en anden med --port."
                ) from None
            raise InvalidArgumentError(f"{host}:{port} kan ikke bruges: {os_error_da(error)}.") from None


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
    address, number = host or current.host, port or current.port
    check_address(address, number)
    if not current.api_tokens:
        token = secrets.token_urlsafe(24)
        current = current.model_copy(update={"api_tokens": [token]})
        console.print(
            "Ingen TILSYNSPLAN_API_TOKENS er sat. Token for denne session (log ind på /login, "
            f"eller send 'Authorization: Bearer <token>'):\n\n    {token}\n",
            highlight=False,
        )
    console.print(f"Tilsynsplan kører på http://{address}:{number}/  (API: /api/v1/docs; stop med Ctrl+C)")
    import uvicorn

    from api.app import create_app
    from api.services import risk

    application = create_app(current)
    threading.Thread(target=risk.warm_up, args=(current,), name="warm-up", daemon=True).start()
    uvicorn.run(application, host=address, port=number, log_level=current.log_level.lower())
