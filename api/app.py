"""The HTTP app: a JSON API under ``/api/v1`` for case systems and scripts, and Danish web pages for
planners and leaders. Both are thin layers over ``api.services`` (the same functions the CLI calls).

``create_app(settings)`` builds the app; ``tilsynsplan serve`` runs it with uvicorn, and so can
``uvicorn --factory api.app:create_app`` (settings then come from the environment).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from fastapi import Depends, FastAPI
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import HEAD_REQUEST, HttpMiddleware
from api.conditional import NO_STORE, PRIVATE_REVALIDATE
from api.deps import SESSION_COOKIE, app_version, get_viewer, known_query_parameters
from api.errors import AnswerCrashes, allowed_methods, handle_error, install_error_handlers
from api.routes import data, locks, plans, reports, risk, web
from api.schemas import EVERY_REQUEST, error_responses
from api.uploads import too_large
from data.settings import Settings

API_PREFIX = "/api/v1"
#: Room for multipart boundaries and form fields on top of the files themselves.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class BodySizeLimit(HttpMiddleware):
    """Refuse a request whose declared body exceeds ``max_mb`` before it is read (413, the error shape). A body
    without a declared length (``Transfer-Encoding: chunked``) is counted as it arrives and refused the same way
    once it passes the limit: a pushed JSON body was otherwise read whole into memory, however large."""

    def __init__(self, app: ASGIApp, max_mb: int) -> None:
        super().__init__(app)
        self.max_mb = max_mb

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.max_mb * 1024 * 1024 + MULTIPART_OVERHEAD_BYTES
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        files = not headers.get(b"content-type", b"").lower().startswith(b"application/json")
        if length.isdigit():
            if int(length) > limit:
                response = await handle_error(Request(scope, receive), too_large(self.max_mb, files))
                await response(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # raised where the body is read; answered as 413 (``api.errors``)
                    raise too_large(self.max_mb, files)
            return message

        await self.app(scope, counted, send)


class HeadAsGet(HttpMiddleware):
    """Answer ``HEAD`` wherever ``GET`` is answered (FastAPI's routes take only the methods they name): the
    ``GET`` response's status and headers without its body. Elsewhere ``HEAD`` goes on to a 405 naming the
    path's methods; its body is dropped too. The request is marked (``api.asgi.is_head``), so a route whose body
    is costly (a PDF report) answers the headers without making it."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        as_get = {**scope, "method": "GET", HEAD_REQUEST: True}
        answers_get = "GET" in allowed_methods(scope.get("app"), as_get)
        await self.app(as_get if answers_get else scope, receive, without_body)


class PrivateAnswers(HttpMiddleware):
    """The same URL answers a reader and a planner differently (unannounced dates only for planners), so every
    answer says it varies with the credentials (``Vary: Authorization, Cookie``), and an answer to a request that
    carries them (a bearer token or the session cookie) must not be stored by the browser or a proxy
    (``Cache-Control: no-store``): after logging out on a shared PC, Back showed a plan's unannounced dates.

    The one exception is an answer a route marked ``private, no-cache`` (``api.conditional``: a planner's answer
    that holds nothing a reader may not see, such as the risk list): the planner's own client may keep it and must
    revalidate it with its ``ETag``; a shared cache may not keep it. Anything else is overwritten with ``no-store``,
    so a route that forgets to choose stores nothing."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        names = {name.lower() for name, _ in scope.get("headers", [])}
        cookies = b"; ".join(v for n, v in scope.get("headers", []) if n.lower() == b"cookie")
        credentials = b"authorization" in names or SESSION_COOKIE.encode() + b"=" in cookies

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("Vary", "Authorization, Cookie")
                if credentials and headers.get("Cache-Control") != PRIVATE_REVALIDATE:
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, marked)


#: What every answer says about how a browser may use it: never inside another site's frame (the plan form, the
#: upload and "Log ud" laid under a page's own buttons: clickjacking), never guessed as another type than it is (an
#: error or a CSV echoing what a client sent), and a ``Referer`` only to this site (its addresses hold ids and
#: filters; the login page uses it to return a person to the page they came from).
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "frame-ancestors 'none'"),
    ("Referrer-Policy", "same-origin"),
)


class SecurityHeaders(HttpMiddleware):
    """Every answer carries :data:`SECURITY_HEADERS` (the pages, the API, the files and the errors, a crash's too:
    this is the outermost middleware). ``frame-ancestors`` is the only policy set: the pages' small inline scripts
    and the API documentation's scripts from a CDN stay allowed."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, marked)


class LocalRedirects(HttpMiddleware):
    """A redirect to this site says only the path (``Location: /api/v1/plans``): Starlette's trailing-slash
    redirect (``/api/v1/plans/`` → ``/api/v1/plans``) wrote an absolute address from the request's ``Host`` header,
    so a request with a forged ``Host`` got a redirect to another site (and a cache in front could keep it for
    everyone). The app's own redirects are paths already; one to another host would be left as it is."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = Request(scope).headers.get("host", "")

        async def local(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = MutableHeaders(scope=message)
                target = urlsplit(headers.get("location", ""))
                if target.scheme in ("http", "https") and host and target.netloc.lower() == host.lower():
                    headers["location"] = urlunsplit(("", "", target.path or "/", target.query, target.fragment))
            await send(message)

        await self.app(scope, receive, local)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for ``settings`` (default: from the environment)."""
    settings = settings if settings is not None else Settings()
    app = FastAPI(
        title="Tilsynsplan",
        version=app_version(),
        description=(
            "Risikobaseret tilsynsplanlægning for socialtilsynene. Læsere (ledere, fagsystemer) henter "
            "risikolister og planer; autoriserede planlæggere (`Authorization: Bearer <token>`) uploader "
            "data, træner modellen, laver planer og ser uanmeldte besøgsdatoer. Every error answers "
            '`{"error": {"code", "message", "details"}}`.'
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        dependencies=[Depends(get_viewer)],  # every request: a bad token is refused, error pages know the viewer
        responses=error_responses(*EVERY_REQUEST),
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_mb=settings.max_upload_mb)
    app.add_middleware(HeadAsGet)
    app.add_middleware(PrivateAnswers)
    app.add_middleware(LocalRedirects)
    app.add_middleware(AnswerCrashes)  # a crash anywhere is answered by the one handler
    app.add_middleware(SecurityHeaders)  # outside it: the answer to a crash carries them too
    for module in (data, risk, plans, locks, reports):
        app.include_router(
            module.router,
            prefix=API_PREFIX,
            dependencies=[Depends(known_query_parameters)],  # a misspelt filter is refused, not ignored
            responses=error_responses(422),
        )
    app.include_router(web.router)
    return app
