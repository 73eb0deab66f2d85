"""Validators for a case system's nightly sync: an ``ETag`` on the answers whose content is versioned, and
``304 Not Modified`` (no body) when the request's ``If-None-Match`` names it (RFC 9110 §8.8.3, §13.1.2, §15.4.5).

A plan is 600+ kB and the national risk list 1.45 MB; a sync that polls every night downloaded both whole each
time. With the ETag of its last answer in ``If-None-Match`` it now gets 304 and an empty body until something
changed.

The ETag is strong and names the content: it is a hash of what the answer is made from (a plan's stored version,
a risk run's id and ``scored_at``, the newest import, the query's filters and page, the format, whether the viewer
is a planner -- planners and readers get different fields -- and the app's version, which may render differently),
or, for small answers, of the answer's data itself. The preconditions are evaluated after the request's own
checks (a bad filter is still 422, an unknown plan 404), as RFC 9110 §13.2.1 asks.

``Cache-Control`` (RFC 9111) per answer, chosen by :meth:`Conditional.answer`:

- a reader's answer (no credentials): ``no-cache``. Readers see only what anyone may see; a browser or a proxy
  may keep the answer but must ask again (with the ETag) before using it, so a new plan or a new scoring shows
  at once.
- a planner's answer that holds nothing a reader may not see (the risk list, the list of plans):
  ``private, no-cache``: the planner's own client may keep it and revalidate; a shared cache may not keep it.
- a planner's answer that may hold confidential data (a plan: unannounced dates and inspectors; its analysis,
  CSV and calendar; the status: the database's address; the import log: a lock's day): ``no-store``, as every
  answer to a request with credentials had before. A browser's copy on a shared PC outlived the logout (Back
  showed a plan's unannounced dates). ``no-store`` is addressed to caches: a case system that keeps the plan in
  its own database is no HTTP cache, and it still sends ``If-None-Match`` with the ETag it saved and gets 304.

``api.app.PrivateAnswers`` enforces the last rule for every answer to a request with credentials: it keeps only
``private, no-cache`` and writes ``no-store`` over anything else.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel

from api.deps import ViewerDep, app_version

#: Bumped when what an ETag is made of changes (old ETags must stop matching).
ETAG_SCHEME = "2"
NO_STORE = "no-store"
PRIVATE_REVALIDATE = "private, no-cache"
REVALIDATE = "no-cache"

#: An entity-tag (RFC 9110 §8.8.3): an optional weakness indicator and a quoted opaque tag.
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')


def strong_etag(kind: str, *parts: object) -> str:
    """A strong ETag (``"…"``, 32 hex digits of SHA-256) of the route ``kind`` and what its content is made from
    (JSON-able values; dates and times as ISO text)."""
    payload = json.dumps(
        [ETAG_SCHEME, app_version(), kind, *parts],
        default=str,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return '"' + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32] + '"'


def none_match(field_values: Sequence[str], etag: str) -> bool:
    """Whether ``If-None-Match`` (its field lines, each a comma-separated list) names ``etag`` (RFC 9110 §13.1.2):
    ``*`` names any current representation; entity-tags are compared weakly, so ``W/"x"`` names ``"x"``. Text
    that is no entity-tag is ignored: an unparseable header never answers 304."""
    opaque = etag.removeprefix("W/")
    for value in field_values:
        if value.strip() == "*":
            return True
        if opaque in _ENTITY_TAG.findall(value):
            return True
    return False


@dataclass(frozen=True)
class Conditional:
    """A request's ``If-None-Match`` and whether the viewer is a planner (the route's dependency ``ConditionalDep``)."""

    if_none_match: tuple[str, ...]
    authorised: bool

    def cache_control(self, *, confidential: bool) -> str:
        """The ``Cache-Control`` of the answer (see the module); ``confidential``: a planner's answer may hold what a
        reader may not see."""
        if not self.authorised:
            return REVALIDATE
        return NO_STORE if confidential else PRIVATE_REVALIDATE

    def headers(self, etag: str, *, confidential: bool) -> dict[str, str]:
        """``ETag`` and ``Cache-Control`` of an answer (a 200 and its 304 carry the same, RFC 9110 §15.4.5)."""
        return {"ETag": etag, "Cache-Control": self.cache_control(confidential=confidential)}

    def not_modified(self, etag: str, *, confidential: bool) -> Response | None:
        """A ``304`` (no body; ``ETag`` and ``Cache-Control``) when the request's ``If-None-Match`` names ``etag``,
        else ``None``."""
        if none_match(self.if_none_match, etag):
            return Response(status_code=304, headers=self.headers(etag, confidential=confidential))
        return None

    def answer_content(
        self, response: Response, kind: str, answer: BaseModel | Sequence[BaseModel], *, confidential: bool
    ) -> Response | None:
        """:meth:`answer` for a small answer whose ETag hashes the answer itself (its JSON), with the route ``kind``
        and the viewer's role (readers and planners get different fields)."""
        if isinstance(answer, BaseModel):
            content: object = answer.model_dump(mode="json")
        else:
            content = [a.model_dump(mode="json") for a in answer]
        return self.answer(response, strong_etag(kind, self.authorised, content), confidential=confidential)

    def answer(self, response: Response, etag: str, *, confidential: bool) -> Response | None:
        """:meth:`not_modified`, or ``None`` after putting the headers on ``response`` (the route's ``Response``
        parameter, whose headers FastAPI gives the answer it serialises) -- the route then answers as usual."""
        unchanged = self.not_modified(etag, confidential=confidential)
        if unchanged is None:
            response.headers.update(self.headers(etag, confidential=confidential))
        return unchanged


def conditional(request: Request, viewer: ViewerDep) -> Conditional:
    """The request's preconditions: every ``If-None-Match`` field line (a client may send the header more than
    once). The header is read here, not declared as a parameter: it is never refused (text that is no entity-tag is
    ignored), and a declared parameter would make FastAPI document a 422 it cannot answer. The OpenAPI document
    names it through ``api.schemas.IF_NONE_MATCH`` (``openapi_extra``)."""
    return Conditional(tuple(request.headers.getlist("if-none-match")), viewer.authorised)


ConditionalDep = Annotated[Conditional, Depends(conditional)]
