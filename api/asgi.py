"""The shape the app's own ASGI middlewares share: wrap an app, act on HTTP requests, pass everything else on."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

#: The scope key ``api.app.HeadAsGet`` sets on a ``HEAD`` request it passes on as ``GET`` (:func:`is_head`).
HEAD_REQUEST = "tilsynsplan.head"


def is_head(request: Request) -> bool:
    """Whether the client sent ``HEAD`` (the route sees ``GET``): a route whose body is costly to make (a PDF) may
    then answer its headers without making it."""
    return bool(request.scope.get(HEAD_REQUEST))


class HttpMiddleware:
    """An ASGI middleware for HTTP requests: :meth:`http` handles each one; lifespan and websocket messages go
    straight on to the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
