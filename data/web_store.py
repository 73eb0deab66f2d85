"""The web app's own state in the database: browser logins (``web_sessions``) and one-time form tokens
(``form_submissions``). Kept in the database, not in a process's memory, so a logout or a claimed form
counts in every worker process and survives a restart.

Only SHA-256 hashes of the session ids and form tokens are stored: the table gives nobody a session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from data.db import FormSubmissionRow, WebSessionRow

#: A claimed form token is forgotten after this long (a form is sent within minutes of being shown).
FORM_TOKEN_KEEP = dt.timedelta(days=1)


def digest(value: str) -> str:
    """The SHA-256 of ``value`` in hex (what the tables keep of a session id or form token)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A random, URL-safe value of 256 bits (a session id, a form token)."""
    return secrets.token_urlsafe(32)


# --- sessions --------------------------------------------------------------------------------------------


def create_session(engine: Engine, token_hash: str, now: dt.datetime, max_age: dt.timedelta) -> str:
    """Store a new session for the token of ``token_hash`` and return its id (the cookie's value).
    Expired sessions are removed on the way."""
    session_id = new_secret()
    with engine.begin() as conn:
        conn.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        conn.execute(
            insert(WebSessionRow).values(
                id_hash=digest(session_id), token_hash=token_hash, created_at=now, expires_at=now + max_age
            )
        )
    return session_id


def session_token_hash(engine: Engine, session_id: str, now: dt.datetime) -> str | None:
    """The token fingerprint of a live session, or None (unknown, logged out or expired)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(WebSessionRow.token_hash, WebSessionRow.expires_at).where(
                WebSessionRow.id_hash == digest(session_id)
            )
        ).first()
    if row is None or row.expires_at <= now:
        return None
    return str(row.token_hash)


def delete_session(engine: Engine, session_id: str) -> bool:
    """End a session (logout); whether there was one."""
    with engine.begin() as conn:
        return bool(conn.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == digest(session_id))).rowcount)


# --- one-time form tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormClaim:
    """The answer to claiming a form token: ``claimed`` when this request is the first to send the form;
    else the first send's ``result`` (None while it is still working)."""

    claimed: bool
    result: str | None = None


def claim_form(engine: Engine, token: str, form: str, now: dt.datetime) -> FormClaim:
    """Claim ``token`` for this request (one insert: two requests cannot both win, in any process)."""
    key = digest(token)
    try:
        with engine.begin() as conn:
            conn.execute(delete(FormSubmissionRow).where(FormSubmissionRow.created_at < now - FORM_TOKEN_KEEP))
            conn.execute(insert(FormSubmissionRow).values(token_hash=key, form=form, created_at=now))
        return FormClaim(claimed=True)
    except IntegrityError:
        found = form_state(engine, token)
        return FormClaim(claimed=False, result=found[1] if found else None)


def form_state(engine: Engine, token: str) -> tuple[bool, str | None] | None:
    """``(True, result)`` of a claimed token (result None while the first send works), or None when it is
    not claimed (never sent, or the first send failed and released it)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(FormSubmissionRow.result).where(FormSubmissionRow.token_hash == digest(token))
        ).first()
    return None if row is None else (True, row.result)


def finish_form(engine: Engine, token: str, result: str) -> None:
    """Note what the first send of the form made (e.g. ``/planer/7``), for the sends after it."""
    with engine.begin() as conn:
        conn.execute(
            update(FormSubmissionRow).where(FormSubmissionRow.token_hash == digest(token)).values(result=result)
        )


def release_form(engine: Engine, token: str) -> None:
    """The first send failed: forget the claim, so the same form may be sent again (it changed nothing)."""
    with engine.begin() as conn:
        conn.execute(delete(FormSubmissionRow).where(FormSubmissionRow.token_hash == digest(token)))
