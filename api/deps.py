"""Dependencies of the HTTP routes as ``Annotated`` aliases: the settings, who is asking, planners only.

Authorised users (planners) are the holders of a token in ``settings.api_tokens``. A case system sends
``Authorization: Bearer <token>``; a browser logs in on ``/login`` and gets an HttpOnly, SameSite
cookie holding a random session id, stored server-side (``api.services.web_state``) until ``/logout``
deletes it. Everyone else is a reader: they see risk lists and plans, but an unannounced visit only
as its quarter.

- no credentials: a reader; a write answers 401;
- a bearer token that is not one of the configured tokens: 403 on every request (a misconfigured
  case system should notice rather than silently receive less);
- a session cookie of no live session (logged out, expired, or its token is no longer configured): a reader;
- a write whose ``Sec-Fetch-Site`` says another origin's page sent it: its session cookie is ignored (CSRF), and a
  login or logout is refused (403);
- a read (GET, HEAD) that another origin's page made the browser send with the session cookie: the planner reads,
  but it computes nothing a reader's request would not (``Viewer.may_compute``): scoring a date with no stored run
  or training a model stores it and costs up to a minute of CPU, and a sibling host's page could send one
  ``<img>`` a date (SameSite=Lax sends the cookie with it);
- an ``Authorization`` header of another scheme than Bearer: 401 on the API (a case system that sends
  ``Token …`` should be told), but ignored on the web pages: a reverse proxy with its own login (``Basic``)
  makes the browser send that header on every request, and it is the proxy's, not a credential of ours (every
  page answered 401 behind such a proxy).
"""

from __future__ import annotations

import hmac
import importlib.metadata
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from api.errors import AuthenticationRequired, unique_fields
from api.services.web_state import SESSION_MAX_AGE, session_valid
from data.errors import ForbiddenError, shown_value
from data.settings import Settings

SESSION_COOKIE = "tilsynsplan_session"
_API_PATHS = "/api/"  # the JSON API (api.app.API_PREFIX is /api/v1); the rest are web pages
SESSION_MAX_AGE_S = int(SESSION_MAX_AGE.total_seconds())


def app_version() -> str:
    try:
        return importlib.metadata.version("tilsynsplan")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Viewer:
    """Who is asking: ``authorised`` planners see confidential fields and may write."""

    authorised: bool
    via: str | None = None  # "bearer" | "cookie" | None
    #: Whether the request may compute what is not stored (score a date, train a model), which stores it: a
    #: planner's, except a read another origin's page made the browser send with the cookie (``from_another_site``).
    may_compute: bool = False


def known_token(settings: Settings, token: str) -> bool:
    """Whether ``token`` is one of the configured tokens (constant-time comparison)."""
    given = token.encode("utf-8")
    return any(hmac.compare_digest(given, t.encode("utf-8")) for t in settings.api_tokens if t)


def _is_bearer(header: str) -> bool:
    return header.strip().partition(" ")[0].lower() == "bearer"


def _bearer_token(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired("Authorization-headeren skal have formen 'Bearer <token>'.")
    return token.strip()


#: ``Sec-Fetch-Site`` values of a request another origin made the browser send (a sibling host is ``same-site``,
#: which SameSite=Lax lets the cookie ride along with).
_OTHER_ORIGIN = frozenset({"cross-site", "same-site"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def from_another_site(request: Request) -> bool:
    """Whether another origin's page made the browser send the request (its ``Sec-Fetch-Site``; a typed address or
    a bookmark is ``none``, a client that is no browser sends none)."""
    return request.headers.get("sec-fetch-site", "").strip().lower() in _OTHER_ORIGIN


def from_another_origin(request: Request) -> bool:
    """Whether a write was sent by another origin's page (the browser's ``Sec-Fetch-Site``): its session cookie
    is then no credential (cross-site request forgery), and ``/login`` and ``/logout``, which take none, refuse it.
    Browsers without the header rely on SameSite=Lax."""
    return request.method not in _SAFE_METHODS and from_another_site(request)


def get_viewer(request: Request, settings: SettingsDep) -> Viewer:
    """The viewer of this request (also noted on ``request.state`` for error pages)."""
    header = request.headers.get("authorization")
    if header and not _is_bearer(header) and not request.url.path.startswith(_API_PATHS):
        header = None  # a web page behind a proxy's own login (see the module docstring)
    if header:
        if not known_token(settings, _bearer_token(header)):
            raise ForbiddenError("Tokenet i Authorization-headeren er ikke gyldigt; adgang nægtet.")
        viewer = Viewer(authorised=True, via="bearer", may_compute=True)
    else:
        cookie = "" if from_another_origin(request) else request.cookies.get(SESSION_COOKIE, "")
        if cookie and session_valid(settings, cookie):
            viewer = Viewer(authorised=True, via="cookie", may_compute=not from_another_site(request))
        else:
            viewer = Viewer(authorised=False)
    request.state.authorised = viewer.authorised
    # the error handler tells such a planner why nothing was computed (``api.errors.not_computed_here``)
    request.state.computes_nothing_here = viewer.authorised and not viewer.may_compute
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def require_planner(viewer: ViewerDep) -> Viewer:
    """Writes and confidential exports: only authorised users (401 without credentials)."""
    if not viewer.authorised:
        raise AuthenticationRequired(
            "Kun autoriserede planlæggere har adgang. Send 'Authorization: Bearer <token>' eller log ind på /login."
        )
    return viewer


PlannerDep = Annotated[Viewer, Depends(require_planner)]


def known_query_parameters(request: Request) -> None:
    """An API request's query names only the operation's parameters, each once (422 ``invalid_request`` naming the
    unknown one and the allowed ones, or the repeated one and its values). A misspelt filter was ignored in silence:
    ``GET /risk?autority=midt`` answered the national list, which a case system would take for Midt's; a parameter
    sent twice was read as its last value: ``?dry_run=true`` added to an address holding ``dry_run=false`` stored the
    push. Names starting with ``_`` are left alone (a client's cache-buster, ``?_=1700000000``). The web pages are
    not checked (links carry tracking parameters)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = _query_names(route.dependant)
    allowed = sorted(names)
    sent = [name for name in request.query_params if not name.startswith("_")]
    errors: list[dict[str, Any]] = [
        {
            "type": "query_unknown",
            "loc": ("query", name),
            "msg": "unknown query parameter",
            "input": request.query_params[name],
            "ctx": {"allowed": ", ".join(allowed) if allowed else "ingen"},
        }
        for name in dict.fromkeys(sent)
        if name not in names
    ]
    for name in dict.fromkeys(sent):
        values = request.query_params.getlist(name)
        if name in names and not names[name] and len(values) > 1:
            shown = ", ".join(f"'{shown_value(v)}'" for v in values[:3]) + (", …" if len(values) > 3 else "")
            errors.append(
                {
                    "type": "query_repeated",
                    "loc": ("query", name),
                    "msg": "query parameter sent more than once",
                    "input": values,
                    "ctx": {"count": len(values), "values": shown},
                }
            )
    if errors:
        raise RequestValidationError(errors)


def _query_names(dependant: Dependant) -> dict[str, bool]:
    """The query parameters an operation reads (its own and those of its dependencies), each with whether it takes
    a list (``?x=1&x=2``)."""
    names = {p.alias: _is_list(p.field_info.annotation) for p in dependant.query_params}
    for sub in dependant.dependencies:
        names.update(_query_names(sub))
    return names


def _is_list(annotation: object) -> bool:
    """Whether a parameter's type is a list (or a tuple or set), optional or not."""
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_is_list(arg) for arg in get_args(annotation) if get_origin(annotation) in (Union, UnionType))


class JsonBodyRequest(Request):
    """A request whose JSON body refuses a field named twice in one object (``api.errors.DuplicateJsonField``, 422):
    ``{"severity": "high", "severity": "low"}`` was read as the last in silence. Parsed once, as FastAPI would."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), object_pairs_hook=unique_fields)
        return self._json


class ApiRoute(APIRoute):
    """The API's routes (``APIRouter(route_class=ApiRoute)``): JSON bodies are read by :class:`JsonBodyRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_json(request: Request) -> Response:
            return await handler(JsonBodyRequest(request.scope, request.receive))

        return strict_json
