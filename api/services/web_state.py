"""The web pages' logins and one-time form tokens (``data.web_store``), for the routes in ``api/routes/web.py``.

A login stores a random session id (the cookie) with the fingerprint of the token that logged in; a request
with the cookie is a planner's while the session exists and its token is still configured. ``/logout``
deletes the session, so a copy of the cookie is useless afterwards.

A form that creates something carries a one-time token (:func:`new_form_token`); :func:`claim`,
:func:`finish` and :func:`release` are the steps of ``api.forms.submit_once``, which runs the form's action
for the first send of the token only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from data.settings import Settings
from data.store import database, database_exists
from data.web_store import (
    claim_form,
    create_session,
    delete_session,
    finish_form,
    new_secret,
    release_form,
    session_token_hash,
)

#: A login lasts this long at most (the cookie's Max-Age and the stored session's expiry).
SESSION_MAX_AGE = dt.timedelta(hours=12)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_fingerprint(token: str) -> str:
    """What a session keeps of the token that logged in (a hash, never the token)."""
    return hashlib.sha256(f"tilsynsplan-session:{token}".encode()).hexdigest()


def start_session(settings: Settings, token: str) -> str:
    """A new session for ``token`` (already checked); its id is the cookie's value."""
    with database(settings) as engine:
        return create_session(engine, token_fingerprint(token), _now(), SESSION_MAX_AGE)


def session_valid(settings: Settings, session_id: str) -> bool:
    """Whether ``session_id`` is a live session of a token that is still configured."""
    if not session_id or len(session_id) > 200 or not database_exists(settings):
        return False
    with database(settings) as engine:
        fingerprint = session_token_hash(engine, session_id, _now())
    if fingerprint is None:
        return False
    return any(hmac.compare_digest(fingerprint, token_fingerprint(t)) for t in settings.api_tokens if t)


def end_session(settings: Settings, session_id: str) -> None:
    """Log out: the session is deleted (nothing to do for an unknown one)."""
    if session_id and len(session_id) <= 200 and database_exists(settings):
        with database(settings) as engine:
            delete_session(engine, session_id)


def new_form_token() -> str:
    """A fresh one-time token for a form that creates something (a hidden field of the form)."""
    return new_secret()


def claim(settings: Settings, token: str, form: str) -> str | None:
    """Claim a form token: None when this send is the first; else the first send's result ("" while it still
    works, or when it failed and released the token a moment ago: the next try claims it)."""
    with database(settings) as engine:
        found = claim_form(engine, token, form, _now())
    return None if found.claimed else (found.result or "")


def finish(settings: Settings, token: str, result: str) -> None:
    with database(settings) as engine:
        finish_form(engine, token, result)


def release(settings: Settings, token: str) -> None:
    with database(settings) as engine:
        release_form(engine, token)
