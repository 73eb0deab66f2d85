"""Forms that create something (a plan, an import) are sent once: a double-click or a reload of the answer
sends the same form again, and that must not create a second plan.

Each such form carries a one-time token (``api.services.web_state.new_form_token``, a hidden field). The
first send claims it in the database (so it counts across worker processes) and runs the form's action; a
later send of the same token waits for the first and answers with its result (the browser shows the answer
to the last click). A first send that fails releases the token: it created nothing, and the same form may
be sent again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from api.services import web_state
from data.errors import FormInProgressError
from data.settings import Settings

#: How long a second send waits for the first one's result before answering 409 (a plan of all five
#: socialtilsyn at a long time limit takes a few minutes).
FORM_WAIT_S = 600.0
FORM_POLL_S = 0.5
#: The length of a well-formed form token (``new_form_token`` makes 43 characters); a form without one is
#: sent unguarded, as before.
FORM_TOKEN_LENGTH = range(20, 101)


@dataclass(frozen=True)
class Submitted:
    """What a send answered: ``result`` (e.g. ``/planer/7``) and whether this send made it (``first``) or
    found the result of an earlier send of the same form."""

    result: str
    first: bool


async def submit_once(
    settings: Settings,
    token: str,
    form: str,
    action: Callable[[], Awaitable[str]],
    *,
    values: str = "",
    wait_s: float | None = None,
) -> Submitted:
    """Run ``action`` (returning its result, e.g. the new plan's path) for the first send of ``token`` with
    these ``values`` (the form's fields) only: the same form sent with other values (changed after Back) is
    a new request."""
    if len(token) not in FORM_TOKEN_LENGTH:
        return Submitted(await action(), first=True)
    token = f"{token}|{values}"
    deadline = time.monotonic() + (FORM_WAIT_S if wait_s is None else wait_s)
    while True:
        earlier = await run_in_threadpool(web_state.claim, settings, token, form)
        if earlier is None:  # this send is the first
            try:
                result = await action()
            except BaseException:
                await run_in_threadpool(web_state.release, settings, token)
                raise
            await run_in_threadpool(web_state.finish, settings, token, result)
            return Submitted(result, first=True)
        if earlier:
            return Submitted(earlier, first=False)
        if time.monotonic() >= deadline:
            raise FormInProgressError(
                "Formularen er allerede sendt, og den første afsendelse arbejder stadig; der laves ikke en til. "
                "Se resultatet om lidt."
            )
        await asyncio.sleep(FORM_POLL_S)
