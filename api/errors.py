"""The HTTP app's one error handler: every 4xx/5xx becomes one JSON shape, or a Danish HTML page for browsers.

JSON::

    {"error": {"code": "validation_failed", "message": "Upload afvist: 3 fejl. Intet er gemt.",
               "details": [{"file": "visits.csv", "row": 4, "column": "date", ...}, ...]}}

:func:`describe` turns any exception into an :class:`ApiError` (domain errors keep their ``code``,
``http_status``, Danish ``message`` and ``details``; FastAPI's request validation, unknown routes, wrong
methods and unexpected exceptions get a code and a Danish message here); :func:`handle_error` renders
it. Unexpected exceptions are logged with their stack trace and answered with a 500 that reveals
nothing of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.pages import render_page
from api.schemas import DATABASE_INT_MAX
from data.errors import DatabaseBusyError, TilsynsplanError, ValidationFailed

log = logging.getLogger(__name__)


class AuthenticationRequired(TilsynsplanError):
    """The request needs an authorised user (a planner's token) and came without one."""

    code = "unauthorized"
    http_status = 401


class UploadTooLarge(TilsynsplanError):
    code = "upload_too_large"
    http_status = 413


@dataclass(frozen=True)
class ApiError:
    """What one failed request answers: status, stable code, Danish message, details."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


# FastAPI's request-validation error types -> Danish text (``{...}`` filled from the error's ctx).
_PYDANTIC_DA: dict[str, str] = {
    "missing": "mangler",
    "int_parsing": "skal være et heltal",
    "int_type": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "string_type": "skal være en tekst",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "list_type": "skal være en liste",
    "dict_type": "skal være et objekt",
    "model_type": "skal være et objekt",
    "model_attributes_type": "skal være et objekt",
    "json_invalid": "er ikke gyldig JSON",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
    "less_than": "skal være mindre end {lt}",
    "too_short": "skal have mindst {min_length} elementer",
    "too_long": "må højst have {max_length} elementer",
    "string_too_short": "skal have mindst {min_length} tegn",
    "string_too_long": "må højst have {max_length} tegn",
    "string_pattern_mismatch": "har ikke formatet {pattern}",
    "literal_error": "skal være en af: {expected}",
    "enum": "skal være en af: {expected}",
    "extra_forbidden": "er ikke et kendt felt",
}

_STATUS_DA: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Forespørgslen kan ikke behandles."),
    401: ("unauthorized", "Kræver login."),
    403: ("forbidden", "Adgang nægtet."),
    404: ("not_found", "Siden eller ressourcen findes ikke."),
    405: ("method_not_allowed", "Metoden er ikke tilladt her."),
    406: ("not_acceptable", "Formatet kan ikke leveres."),
    409: ("conflict", "Konflikt med de gemte data."),
    413: ("upload_too_large", "Forespørgslen er for stor."),
    415: ("unsupported_media_type", "Indholdstypen understøttes ikke."),
    422: ("invalid_request", "Forespørgslen er ugyldig."),
    429: ("too_many_requests", "For mange forespørgsler; prøv igen om lidt."),
}

#: Seconds a client is asked to wait (``Retry-After``) when the database is held by another process.
RETRY_AFTER_BUSY_S = 5
INTERNAL_MESSAGE = "Der opstod en uventet fejl på serveren. Fejlen er logget; prøv igen, eller kontakt driften."


def _location_text(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """("body", "records", 0, "count") -> location "body", field "records[0].count"."""
    parts = list(loc)
    location = str(parts[0]) if parts else ""
    name = ""
    for part in parts[1:]:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return location, name


def _shown(value: Any, limit: int = 40) -> str:
    """A client's value as a message shows it: its text, cut at ``limit`` characters."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _validation_detail(error: dict[str, Any]) -> dict[str, Any]:
    location, name = _location_text(error.get("loc", ()))
    template = _PYDANTIC_DA.get(str(error.get("type", "")))
    ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "expected" in ctx:  # "'html' or 'pdf'"
        ctx["expected"] = str(ctx["expected"]).replace(" or ", " eller ")
    for key, value in ctx.items():  # limits: 0.0 -> "0", 0.5 -> "0,5"
        if isinstance(value, float):
            ctx[key] = str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    try:
        text = template.format(**ctx) if template else str(error.get("msg", "ugyldig værdi"))
    except (KeyError, IndexError):
        text = str(error.get("msg", "ugyldig værdi"))
    if error.get("type") == "less_than_equal" and (error.get("ctx") or {}).get("le") == DATABASE_INT_MAX:
        text = (
            f"må højst være {DATABASE_INT_MAX}, det største heltal databasen kan gemme (et id), "
            f"ikke {_shown(error.get('input'))}"
        )
    if "Expected UploadFile" in text:  # a multipart part without a filename arrives as a text field
        text = "skal være en fil med et filnavn, fx facilities.csv (multipart-feltet sendte tekst)"
    subject = f"'{name}'" if name else "Forespørgslen"
    return {"location": location, "field": name, "message": f"{subject} {text}", "type": error.get("type")}


def _from_http_exception(request: Request, exc: StarletteHTTPException) -> ApiError:
    code, message = _STATUS_DA.get(exc.status_code, ("http_error", HTTPStatus(exc.status_code).phrase))
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = f"Siden eller ressourcen '{request.url.path}' findes ikke."
    elif exc.status_code == 405:
        allowed = headers.get("allow") or headers.get("Allow") or ""
        message = f"Metoden {request.method} er ikke tilladt for '{request.url.path}'."
        if allowed:
            message += f" Tilladt: {allowed}."
    elif isinstance(exc.detail, str) and exc.detail and exc.detail != HTTPStatus(exc.status_code).phrase:
        message = exc.detail  # raised by our own code with a Danish text
    return ApiError(exc.status_code, code, message, headers=headers)


def describe(request: Request, exc: Exception) -> ApiError:
    """Any exception as the status, code, Danish message and details the client receives."""
    if isinstance(exc, TilsynsplanError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else {}
        if isinstance(exc, DatabaseBusyError):  # nothing is wrong: the same request works in a moment
            headers = {"Retry-After": str(RETRY_AFTER_BUSY_S)}
        return ApiError(exc.http_status, exc.code, exc.message, list(exc.details), headers)
    if isinstance(exc, RequestValidationError):
        details = [_validation_detail(dict(e)) for e in exc.errors()]
        return ApiError(422, "invalid_request", f"Forespørgslen er ugyldig: {len(details)} fejl.", details)
    if isinstance(exc, StarletteHTTPException):
        return _from_http_exception(request, exc)
    return ApiError(500, "internal_error", INTERNAL_MESSAGE)


def wants_html(request: Request) -> bool:
    """Browsers get HTML: web pages always unless JSON is asked for; ``/api`` only when HTML is asked for."""
    accept = request.headers.get("accept", "").lower()
    if "text/html" in accept:
        return True
    if "application/json" in accept:
        return False
    return not request.url.path.startswith("/api/")


def error_page(request: Request, error: ApiError) -> HTMLResponse:
    authorised = bool(getattr(request.state, "authorised", False))
    violations = error.code == ValidationFailed.code
    back = request.url.path if request.method == "POST" and not request.url.path.startswith("/api/") else None
    html = render_page(
        "web/error.html",
        authorised=authorised,
        error=error,
        violations=violations,
        back=back,
        title=_title(error.status),
    )
    return HTMLResponse(html, status_code=error.status, headers=error.headers)


def _title(status: int) -> str:
    return {401: "Log ind", 403: "Adgang nægtet", 404: "Findes ikke", 422: "Ugyldige data"}.get(
        status, "Fejl" if status < 500 else "Serverfejl"
    )


async def handle_error(request: Request, exc: Exception) -> Response:
    """The one handler for every error the app answers (registered for all exception types)."""
    error = describe(request, exc)
    if isinstance(exc, DatabaseBusyError):
        log.warning("%s %s -> 503: the database is held by another process", request.method, request.url.path)
    elif error.status >= 500:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    else:
        log.info("%s %s -> %s %s", request.method, request.url.path, error.status, error.code)
    if wants_html(request):
        return error_page(request, error)
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    for exc_type in (TilsynsplanError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_type, handle_error)
