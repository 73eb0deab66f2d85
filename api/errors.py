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

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.pages import render_page, web_words
from api.schemas import DATABASE_INT_MAX, LONE_SURROGATE
from data.errors import TilsynsplanError, ValidationFailed
from data.glossary import DETAIL_RULE_DA, FIELD_DA, format_number_da
from reports.render import capitalise_first

log = logging.getLogger(__name__)


class AuthenticationRequired(TilsynsplanError):
    """The request needs an authorised user (a planner's token) and came without one."""

    code = "unauthorized"
    http_status = 401


class UploadTooLarge(TilsynsplanError):
    code = "upload_too_large"
    http_status = 413


class DuplicateJsonField(TilsynsplanError):
    """A JSON object of the request's body names a field twice (the parser would keep the last in silence)."""

    code = "invalid_request"
    http_status = 422

    @classmethod
    def of(cls, name: str, values: list[Any]) -> DuplicateJsonField:
        shown = ", ".join(_sent(v) for v in values[:3]) + (", …" if len(values) > 3 else "")
        text = f"'{_shown(name)}' står {len(values)} gange i samme JSON-objekt ({shown}); send hvert felt én gang"
        detail: dict[str, object] = {
            "location": "body",
            "field": _shown(name),
            "message": text,
            "type": "json_duplicate_key",
        }
        return cls("Forespørgslen er ugyldig: 1 fejl.", details=[detail])


def unique_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook``: the object, or :class:`DuplicateJsonField` when a name repeats."""
    out = dict(pairs)
    if len(out) < len(pairs):
        name = next(n for n in out if sum(1 for k, _ in pairs if k == n) > 1)
        raise DuplicateJsonField.of(name, [v for k, v in pairs if k == name])
    return out


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

    def printable(self) -> ApiError:
        """The error with every lone UTF-16 surrogate in its texts as U+FFFD: a value a client sent is echoed in
        messages and details, and a surrogate (``"\\udc00"`` in JSON) cannot be encoded as UTF-8, so the answer
        itself failed (a 500 in place of the 422)."""
        return dataclasses.replace(self, message=_printable(self.message), details=_printable(self.details))


def _printable(value: Any) -> Any:
    """``value`` (texts, lists and dicts of them) with each lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    return value


_DATE_FORM = "skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-11-01, ikke '{input}'"

# FastAPI's request-validation error types -> Danish text (``{...}`` filled from the error's ctx and
# ``{input}``, the value sent). A type missing here is still answered in Danish (``_UNKNOWN_DA``).
_PYDANTIC_DA: dict[str, str] = {
    "missing": "mangler",
    "int_parsing": "skal være et heltal",
    "int_type": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "int_parsing_size": "skal være et heltal, og '{input}' er for stort",
    "float_parsing": "skal være et tal",
    "float_type": "skal være et tal",
    "finite_number": "skal være et tal, ikke {input}",
    "bool_parsing": "skal være true eller false",
    "bool_type": "skal være true eller false",
    "string_type": "skal være en tekst",
    "string_unicode": "skal være en tekst i UTF-8 (en \\uXXXX-escape af en enlig surrogat, D800-DFFF, er intet tegn)",
    "date_parsing": _DATE_FORM,
    "date_from_datetime_parsing": _DATE_FORM,
    "date_type": _DATE_FORM,
    "date_from_datetime_inexact": (
        "skal være en dato på formen ÅÅÅÅ-MM-DD uden klokkeslæt, fx 2026-11-01, ikke '{input}'"
    ),
    "date_past": "skal være en dato før i dag, ikke '{input}'",
    "date_future": "skal være en dato efter i dag, ikke '{input}'",
    "datetime_parsing": "skal være et tidspunkt på formen ÅÅÅÅ-MM-DDTtt:mm:ss, ikke '{input}'",
    "datetime_from_date_parsing": "skal være et tidspunkt på formen ÅÅÅÅ-MM-DDTtt:mm:ss, ikke '{input}'",
    "datetime_type": "skal være et tidspunkt på formen ÅÅÅÅ-MM-DDTtt:mm:ss",
    "time_parsing": "skal være et klokkeslæt på formen tt:mm, ikke '{input}'",
    "time_type": "skal være et klokkeslæt på formen tt:mm",
    "list_type": "skal være en liste",
    "tuple_type": "skal være en liste",
    "set_type": "skal være en liste",
    "iterable_type": "skal være en liste",
    "dict_type": "skal være et objekt",
    "model_type": "skal være et objekt",
    "model_attributes_type": "skal være et objekt",
    "json_invalid": "er ikke gyldig JSON",
    "json_type": "skal være JSON-tekst",
    "none_required": "skal være null",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
    "less_than": "skal være mindre end {lt}",
    "multiple_of": "skal gå op i {multiple_of}",
    "too_short": "skal have mindst {min_length} {elements}",
    "too_long": "må højst have {max_length} {elements}",
    "string_too_short": "skal have mindst {min_length} tegn",
    "string_too_long": "må højst have {max_length} tegn",
    "string_pattern_mismatch": "har ikke formatet {pattern}",
    "literal_error": "skal være en af: {expected}",
    "enum": "skal være en af: {expected}",
    "extra_forbidden": "er ikke et kendt felt",
    "query_unknown": "er ikke en parameter her; tilladte: {allowed}",
    "query_repeated": "er sendt {count} gange ({values}); send den én gang",
    "uuid_parsing": "skal være et UUID, ikke '{input}'",
    "url_parsing": "skal være en URL, ikke '{input}'",
    "decimal_parsing": "skal være et tal",
}
_UNKNOWN_DA = "har en ugyldig værdi: '{input}'"
#: Types whose text above says what is allowed but not what came: the value sent is added (", ikke 'abc'"), so
#: every message names the value, as the import's do.
_ADD_SENT = frozenset(
    {
        "int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "decimal_parsing",
        "bool_parsing", "bool_type", "string_type", "datetime_type", "time_type",
        "list_type", "tuple_type", "set_type", "iterable_type", "dict_type", "model_type", "model_attributes_type",
        "greater_than_equal", "greater_than", "less_than_equal", "less_than", "multiple_of",
        "literal_error", "enum", "string_pattern_mismatch", "string_too_short", "string_too_long",
    }
)  # fmt: skip

# The json module's reasons (JSONDecodeError.msg, by prefix) in Danish.
_JSON_REASONS_DA: tuple[tuple[str, str], ...] = (
    ("Expecting value", "forventede en værdi"),
    ("Expecting property name enclosed in double quotes", "forventede et feltnavn i dobbelte anførselstegn"),
    ("Expecting ',' delimiter", "forventede et komma"),
    ("Expecting ':' delimiter", "forventede et kolon"),
    ("Extra data", "der står mere efter JSON-værdien"),
    ("Unterminated string", "en tekst i anførselstegn slutter aldrig"),
    ("Invalid \\uXXXX escape", "ugyldig \\uXXXX-escape i en tekst"),
    ("Invalid \\escape", "ugyldig escape med \\ i en tekst"),
    ("Invalid control character", "et kontroltegn (fx et linjeskift) står uden escape i en tekst"),
    ("Illegal trailing comma", "et komma står lige før slutningen af en liste eller et objekt"),
)
#: FastAPI's text for a body its parser gave up on (not its JSON syntax: that is a ``json_invalid`` error).
BODY_PARSE_FAILED = "There was an error parsing the body"
#: Top message of a request whose body is no JSON at all (bytes that are not UTF-8, nesting past the parser).
BODY_NOT_JSON = "Forespørgslen er ugyldig: kroppen skal være JSON i UTF-8 (Content-Type: application/json)."

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


def _sent(value: Any) -> str:
    """The value sent, as a message names it: a text or number quoted and cut, else what kind of JSON it was."""
    if isinstance(value, dict | list) or value is None or isinstance(value, bool):
        return _json_kind(value)
    return f"'{_shown(value)}'"


def _json_kind(value: Any) -> str:
    """What a decoded JSON value is, in Danish ("en liste")."""
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "et tal"
    if isinstance(value, str):
        return "en tekst"
    return "en liste" if isinstance(value, list) else "et objekt"


def _json_syntax_text(error: dict[str, Any], document: Any) -> str:
    """Where and why the body is no valid JSON: ``loc`` is ("body", character offset), ``document`` the text."""
    loc = list(error.get("loc", ()))
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    reason = str((error.get("ctx") or {}).get("error", ""))
    danish = next((da for en, da in _JSON_REASONS_DA if reason.startswith(en)), "")
    where = ""
    if pos is not None:
        where = f" ved tegn {pos + 1}"
        if isinstance(document, str):
            line, column = document.count("\n", 0, pos) + 1, pos - document.rfind("\n", 0, pos)
            where += f" (linje {line}, kolonne {column})"
    return f"Forespørgslens JSON er ugyldig{where}" + (f": {danish}" if danish else "")


def _body_text(kind: str, error: dict[str, Any], content_type: str | None) -> str | None:
    """The message about the body as a whole (``loc`` just "body"), or None for the usual one."""
    if kind == "missing":
        return "Forespørgslen mangler en JSON-krop (Content-Type: application/json)"
    if kind not in {"model_attributes_type", "model_type", "dict_type"}:
        return None
    value = error.get("input")
    if isinstance(value, bytes | bytearray):  # not parsed: it did not come as JSON
        sent = f"med Content-Type '{content_type}'" if content_type else "uden Content-Type"
        return f"Forespørgslen skal være et JSON-objekt sendt med Content-Type: application/json (den kom {sent})"
    return f'Forespørgslen skal være et JSON-objekt ({{"felt": værdi, …}}), ikke {_json_kind(value)}'


def _is_form(content_type: str | None) -> bool:
    """Whether a request's body came as a form (``multipart/form-data``), the only way files come."""
    return (content_type or "").split(";")[0].strip().lower() == "multipart/form-data"


def file_fields(request: Request) -> frozenset[str]:
    """The names of the files the request's operation takes (``File(...)``): a request that did not send them as
    ``multipart/form-data`` is told so, not only that the field is missing."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    return frozenset(
        str(f.alias) for f in getattr(dependant, "body_params", ()) if isinstance(f.field_info, params.File)
    )


def _validation_detail(
    error: dict[str, Any],
    document: Any = None,
    content_type: str | None = None,
    file_fields: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One of FastAPI's request-validation errors as location, field and a Danish message naming the field (for a
    missing file, ``file_fields``, how files are sent)."""
    kind = str(error.get("type", ""))
    location, name = _location_text(error.get("loc", ()))
    if kind == "json_invalid" and location == "body":  # loc ("body", 21): a character offset, not a field
        return {"location": "body", "field": "", "message": _json_syntax_text(error, document), "type": kind}
    if location == "body" and not name and (whole := _body_text(kind, error, content_type)):
        return {"location": "body", "field": "", "message": whole, "type": kind}
    template = _PYDANTIC_DA.get(kind, _UNKNOWN_DA)
    raw_ctx = error.get("ctx") or {}
    ctx = {k: v for k, v in raw_ctx.items()}
    if "expected" in ctx:  # "'html' or 'pdf'"
        ctx["expected"] = str(ctx["expected"]).replace(" or ", " eller ")
    for key, value in ctx.items():  # limits: 0.0 -> "0", 0.5 -> "0,5"
        if isinstance(value, float):
            ctx[key] = str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    for key in ("min_length", "max_length"):  # 100000 -> "100.000", as the import's counts
        if isinstance(ctx.get(key), int):
            ctx[key] = format_number_da(ctx[key], 0)
    least = raw_ctx.get("min_length", raw_ctx.get("max_length"))
    ctx["elements"] = "element" if least == 1 else "elementer"
    value = error.get("input")
    if isinstance(value, float) and not math.isfinite(value):  # as JSON writes them
        value = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    ctx["input"] = _shown(value)
    try:
        text = template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        text = _UNKNOWN_DA.format(input=ctx["input"])
    if kind in _ADD_SENT and "input" in error:
        text += f", ikke {_sent(value)}"
    if kind == "less_than_equal" and raw_ctx.get("le") == DATABASE_INT_MAX:
        largest = f"{DATABASE_INT_MAX:,}".replace(",", ".")
        text = f"må højst være {largest}, det største heltal databasen kan gemme (et id), ikke {ctx['input']}"
    if "Expected UploadFile" in str(error.get("msg", "")):  # a multipart part without a filename arrives as text
        text = "skal være en fil med et filnavn, fx facilities.csv (multipart-feltet sendte tekst)"
    if kind == "extra_forbidden" and location == "body" and name == "dry_run":  # the body's one field is records
        text = "er ikke et felt i JSON: det er en parameter i adressen (?dry_run=true); intet er gemt"
    if kind == "missing" and location == "body" and name in file_fields and not _is_form(content_type):
        sent = f"den kom med Content-Type '{_shown(content_type)}'" if content_type else "den kom uden Content-Type"
        text = f"mangler: filerne sendes som multipart/form-data i feltet '{name}' ({sent})"
    subject = f"'{name}'" if name or location == "query" else "Forespørgslen"  # ?=1: the empty name as sent
    return {"location": location, "field": name, "message": f"{subject} {text}", "type": kind}


def _body_unreadable(exc: StarletteHTTPException) -> ApiError:
    """FastAPI's 400 'There was an error parsing the body': bytes that are not UTF-8, or JSON nested past the
    parser's limit. A malformed request like any other: 422 ``invalid_request`` in Danish."""
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        byte = cause.object[cause.start : cause.start + 1].hex()
        text = f"Forespørgslens krop er ikke UTF-8: byte {cause.start + 1} er 0x{byte}; send JSON i UTF-8"
    elif isinstance(cause, RecursionError):
        text = "Forespørgslens JSON er indlejret for dybt (for mange lister eller objekter inden i hinanden)"
    else:
        text = "Forespørgslens krop kan ikke læses som JSON; send JSON i UTF-8"
    detail = {"location": "body", "field": "", "message": text, "type": "json_invalid"}
    return ApiError(422, "invalid_request", BODY_NOT_JSON, [detail])


#: Top message of a multipart body (an upload) that cannot be parsed.
MULTIPART_NOT_READ = "Forespørgslen er ugyldig: kroppen kan ikke læses som multipart/form-data."
# Starlette's reasons for a multipart body it cannot parse (``MultiPartException``, by prefix) in Danish.
_MULTIPART_REASONS_DA: tuple[tuple[str, str], ...] = (
    ("Missing boundary", "Content-Type multipart/form-data mangler sin boundary (fx boundary=xyz)"),
    ("Invalid multipart data", "kroppen er ikke gyldig multipart/form-data (delene passer ikke til boundary)"),
    ("Too many files", "kroppen har for mange filer; send højst 1.000 ad gangen, eller zip dem"),
    ("Too many fields", "kroppen har for mange felter; højst 1.000"),
    ("Field exceeded maximum size", "et tekstfelt er større end 1 MB; send data som en fil med et filnavn"),
    ("Part exceeded maximum size", "et tekstfelt er større end 1 MB; send data som en fil med et filnavn"),
    ("The Content-Disposition header", "en del mangler sit feltnavn (Content-Disposition: form-data; name=…)"),
)


def _multipart_unreadable(reason: str) -> ApiError:
    """Starlette's 400 for a multipart body it cannot parse (English, and a status the API does not document): a
    malformed request like any other, 422 ``invalid_request`` in Danish."""
    danish = next((da for en, da in _MULTIPART_REASONS_DA if reason.startswith(en)), "kroppen kan ikke læses")
    text = f"Forespørgslens multipart-krop er ugyldig: {danish}"
    detail = {"location": "body", "field": "", "message": text, "type": "multipart_invalid"}
    return ApiError(422, "invalid_request", MULTIPART_NOT_READ, [detail])


def _from_http_exception(request: Request, exc: StarletteHTTPException) -> ApiError:
    if exc.status_code == 400 and isinstance(exc.__cause__, TilsynsplanError):  # raised while the body was read
        return describe(request, exc.__cause__)  # (a body past the size limit: 413), not "cannot be parsed"
    code, message = _STATUS_DA.get(exc.status_code, ("http_error", HTTPStatus(exc.status_code).phrase))
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = f"Siden eller ressourcen '{request.url.path}' findes ikke."
    elif exc.status_code == 405:  # Starlette names the methods of the first route of the path only
        given = headers.pop("allow", None) or headers.pop("Allow", None) or ""
        allowed = ", ".join(allowed_methods(request.app, request.scope)) or given
        if allowed:
            headers["Allow"] = allowed
        message = f"Metoden {request.method} er ikke tilladt for '{request.url.path}'."
        if allowed:
            message += f" Tilladt: {allowed}."
    elif exc.status_code == 400 and exc.detail == BODY_PARSE_FAILED:
        return _body_unreadable(exc)
    elif exc.status_code == 400 and isinstance(exc.__context__, MultiPartException):
        return _multipart_unreadable(str(exc.detail))
    elif isinstance(exc.detail, str) and exc.detail and exc.detail != HTTPStatus(exc.status_code).phrase:
        message = exc.detail  # raised by our own code with a Danish text
    return ApiError(exc.status_code, code, message, headers=headers)


#: The methods a 405 may name, in the order it names them.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: Any, scope: Scope) -> list[str]:
    """Every method the routes of ``app`` answer at the path of ``scope`` (HEAD wherever GET): each is tried
    against the routes as the router would (Starlette's 405 names only the first route of the path)."""
    routes = list(getattr(getattr(app, "router", None), "routes", []))

    def answers(method: str) -> bool:
        probe = {**scope, "method": method}
        return any(route.matches(probe)[0] == Match.FULL for route in routes)

    found = {m for m in HTTP_METHODS if m != "HEAD" and answers(m)}
    if "GET" in found or answers("HEAD"):
        found.add("HEAD")
    return [m for m in HTTP_METHODS if m in found]


#: What a planner is told when a read that another site's page made the browser send found nothing stored: it
#: computes nothing (``api.deps.Viewer.may_compute``), and the services' text tells a reader to ask a planner.
NOT_COMPUTED_HERE_DA = (
    "Siden blev åbnet fra en side på et andet websted, så Tilsynsplan beregner intet nyt for den (en beregning "
    "gemmer resultatet og tager op til et minut). Åbn adressen fra Tilsynsplans egne sider, eller skriv den i "
    "adresselinjen, så beregnes den."
)


def not_computed_here(request: Request, error: ApiError) -> bool:
    """Whether ``error`` says a planner's read computed nothing because another site's page sent it."""
    return error.code == "not_computed" and bool(getattr(request.state, "computes_nothing_here", False))


#: Where a ``not_computed`` message's advice to a reader begins ("En planlægger beregner den …").
_READERS_ADVICE = " En planlægger "


def computed_nothing_here(message: str) -> str:
    """A ``not_computed`` message as a planner whose read another site sent is told it: without the advice to a
    reader, with why nothing was computed and how to compute it. Any other message is returned as it is."""
    cut = message.find(_READERS_ADVICE)
    return message if cut < 0 else f"{message[:cut]} {NOT_COMPUTED_HERE_DA}"


def describe(request: Request, exc: Exception) -> ApiError:
    """Any exception as the status, code, Danish message and details the client receives."""
    if isinstance(exc, TilsynsplanError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else {}
        if exc.retry_after_s is not None:  # nothing is wrong: the same request works in a moment
            headers = {"Retry-After": str(exc.retry_after_s)}
        error = ApiError(exc.http_status, exc.code, exc.message, list(exc.details), headers)
        if not_computed_here(request, error):
            error = dataclasses.replace(error, message=computed_nothing_here(exc.message))
        return error
    if isinstance(exc, RequestValidationError):
        content_type = request.headers.get("content-type")
        files = file_fields(request)
        details = [_validation_detail(dict(e), exc.body, content_type, files) for e in exc.errors()]
        return ApiError(422, "invalid_request", f"Forespørgslen er ugyldig: {len(details)} fejl.", details)
    if isinstance(exc, StarletteHTTPException):
        return _from_http_exception(request, exc)
    return ApiError(500, "internal_error", INTERNAL_MESSAGE)


def accept_q(accept: str) -> dict[str, float]:
    """The media types of an ``Accept`` header with their q-values (1 when not given, or not a number)::

    "application/json, text/html;q=0.5" -> {"application/json": 1.0, "text/html": 0.5}
    """
    out: dict[str, float] = {}
    for part in accept.lower().split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
                q = 1.0 if math.isnan(q) else q
        out[media] = max(out.get(media, 0.0), q)
    return out


def wants_html(request: Request) -> bool:
    """Browsers get HTML: the one of ``text/html`` and ``application/json`` the ``Accept`` header prefers
    (by q-value; HTML when they are equal); when it names neither, web pages get HTML and ``/api`` JSON."""
    q = accept_q(request.headers.get("accept", ""))
    html, json = q.get("text/html", 0.0), q.get("application/json", 0.0)
    if html > 0 and html >= json:
        return True
    if json > 0:
        return False
    return not request.url.path.startswith("/api/")


def detail_row(detail: dict[str, Any]) -> tuple[str, str]:
    """An error detail as an error page shows it to a person: the field by its Danish name (the parameter in
    brackets, as the address bar has it) and the problem in words, never a Python dict."""
    name = str(detail.get("field") or "")
    label = FIELD_DA.get(name.split(".")[0].split("[")[0], "") if name else ""
    shown = f"{label} ({name})" if label else name or str(detail.get("location") or "")
    message = detail.get("message")
    if message:
        text = str(message)
        prefix = f"'{name}' "
        if name and text.startswith(prefix):  # "'top' skal være mindst 1": the field is in the first column
            text = capitalise_first(text.removeprefix(prefix))
        return shown, text
    value = detail.get("value")
    rule = DETAIL_RULE_DA.get(str(detail.get("rule") or ""), "er ikke tilladt")
    return shown, f"Værdien '{_shown(value, 60)}' {rule}." if value is not None else f"Værdien {rule}."


#: The message of a 401 on a web page: a person logs in (the API's hint of an Authorization header is for
#: case systems).
LOGIN_NEEDED_DA = "Kun autoriserede planlæggere har adgang. Log ind som planlægger for at fortsætte."


def _login_next(request: Request) -> str:
    """Where the login page sends the user back to: the page (or file) they asked for; a form's page for a
    refused POST."""
    path = request.url.path
    if request.method == "GET" and request.url.query:
        path += f"?{request.url.query}"
    return "/login?" + urlencode({"next": path})


#: Where a web page's error (an unknown tilbud, a bad filter) sends the person on: the list of the section it is
#: in (path prefix -> link), beside "Til overblikket".
SECTION_LINKS_DA: tuple[tuple[str, tuple[str, str]], ...] = (
    ("/tilbud/", ("/risiko", "Se risikolisten")),
    ("/risiko", ("/risiko", "Se hele risikolisten")),
    ("/planer/", ("/planer", "Se de gemte planer")),
)


def _section_links(path: str, status: int) -> list[tuple[str, str]]:
    if status not in {404, 422}:  # a bad id or filter; not a state the list itself is in (409: no data yet)
        return []
    return [link for prefix, link in SECTION_LINKS_DA if path.startswith(prefix)][:1]


def _here_link(request: Request, error: ApiError) -> list[tuple[str, str]]:
    """The same address as a link on the app's own page, for a read another site sent that computed nothing:
    followed from here, the browser says ``same-origin`` and the list is computed."""
    if not not_computed_here(request, error):
        return []
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return [(here, "Beregn her")]


def error_page(request: Request, error: ApiError) -> HTMLResponse:
    authorised = bool(getattr(request.state, "authorised", False))
    violations = error.code == ValidationFailed.code
    page = not request.url.path.startswith("/api/")  # a web page (not the API's answer shown to a browser)
    back = request.url.path if request.method == "POST" and page else None
    message = LOGIN_NEEDED_DA if error.code == AuthenticationRequired.code and error.status == 401 else error.message
    message = web_words(message) if page else message
    html = render_page(
        "web/error.html",
        authorised=authorised,
        error=error,
        message=message,
        detail_rows=[] if violations else [detail_row(d) for d in error.details],
        violations=violations,
        back=back,
        login_url=_login_next(request) if error.status == 401 else None,
        links=_here_link(request, error) + _section_links(request.url.path, error.status),
        title=_title(error.status),
    )
    return HTMLResponse(html, status_code=error.status, headers=error.headers)


def _title(status: int) -> str:
    return {401: "Log ind", 403: "Adgang nægtet", 404: "Findes ikke", 422: "Ugyldige data"}.get(
        status, "Fejl" if status < 500 else "Serverfejl"
    )


async def handle_error(request: Request, exc: Exception) -> Response:
    """The one handler for every error the app answers (registered for all exception types)."""
    error = describe(request, exc).printable()
    if isinstance(exc, TilsynsplanError) and exc.retry_after_s is not None:
        log.warning("%s %s -> %s %s: %s", request.method, request.url.path, error.status, error.code, exc.message)
    elif error.status >= 500:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    else:
        log.info("%s %s -> %s %s", request.method, request.url.path, error.status, error.code)
    if wants_html(request):
        return error_page(request, error)
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


class AnswerCrashes(HttpMiddleware):
    """The outermost middleware: an unexpected exception is answered here, by :func:`handle_error` (one log
    record with the stack trace, a 500 in the error shape), and goes no further.

    Starlette's own last resort (``ServerErrorMiddleware``, where a handler for ``Exception`` would go) sends
    the answer and then raises the exception again to the server, which logs it a second time ("Exception in
    ASGI application") and drops the keep-alive connection, so the client's next request on it fails. When
    the answer had already begun, nothing can be sent: the exception goes on and the server closes the
    connection (the client sees a cut-off answer, not a complete wrong one)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, noting_start)
        except Exception as exc:
            if started:
                raise
            response = await handle_error(Request(scope, receive), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Every error through :func:`handle_error`; add :class:`AnswerCrashes` last (outermost) for the rest."""
    for exc_type in (TilsynsplanError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(exc_type, handle_error)
