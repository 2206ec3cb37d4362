"""Browser sessions as the web layer sees them: the cookie, the signed-in user, CSRF tokens and
notices shown once.

The session cookie (`crosource_session`) holds only a random key; what it means lives in the
database (store/sessions.py), so every process sees at once that a session ended, and no secret
key is shared between processes. Before sign-in there is no session row: the sign-in and setup
forms are protected by a second random cookie (`crosource_login_csrf`) that the form must repeat
(a "double submit": another site can neither read nor set it).

`SessionMiddleware` loads a request's session once (before the handler, off the event loop) and,
when the answer starts, writes changed page state back and sets or clears the cookies. Handlers
use the functions below, never the cookie.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crosource.store import sessions as store
from crosource.store.sessions import SESSION_SECONDS, LiveSession

SESSION_COOKIE = "crosource_session"
LOGIN_CSRF_COOKIE = "crosource_login_csrf"
SCOPE_KEY = "crosource.session"
RANDOM = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
MAX_NOTICES = 5


@dataclass
class SessionState:
    """One request's session: loaded once, with what to write back when the answer starts."""

    cookie_key: str | None
    login_csrf_sent: str | None
    loaded: bool = False
    live: LiveSession | None = None
    changed: bool = False  # page state to write back
    new_key: str | None = None  # a session begun by this request: its cookie
    clear: bool = False  # the session ended: remove the cookie
    new_login_csrf: str | None = None


def state_of(scope: Scope) -> SessionState:
    """The request's session state, read from its cookies the first time it is asked for."""
    found = scope.get(SCOPE_KEY)
    if isinstance(found, SessionState):
        return found
    cookies: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies.update(cookie_parser(value.decode("latin-1")))
    key = cookies.get(SESSION_COOKIE)
    login = cookies.get(LOGIN_CSRF_COOKIE)
    state = SessionState(
        cookie_key=key if key and RANDOM.match(key) else None,
        login_csrf_sent=login if login and RANDOM.match(login) else None,
    )
    scope[SCOPE_KEY] = state
    return state


def load(scope: Scope, factory: sessionmaker[Session]) -> SessionState:
    """The state with its session looked up in the database (blocking: call it in a thread)."""
    state = state_of(scope)
    if not state.loaded:
        if state.cookie_key is not None:
            with factory() as db:
                state.live = store.live_session(db, key=state.cookie_key)
            state.clear = state.live is None  # a dead key: the browser may forget it
        state.loaded = True
    return state


def current(conn: HTTPConnection) -> LiveSession | None:
    """The request's live session, or None when it has none (or it ended or expired)."""
    state = conn.scope.get(SCOPE_KEY)
    return state.live if isinstance(state, SessionState) else None


def user_id(conn: HTTPConnection) -> int | None:
    live = current(conn)
    return live.user_id if live is not None else None


def begin(conn: HTTPConnection, db: Session, *, user_id: int) -> LiveSession:
    """Sign the browser in as this user with a new session (never the old key: no fixation);
    the session it had ends. The caller commits."""
    state = state_of(conn.scope)
    if state.live is not None:
        store.end_session(db, key_hash=state.live.key_hash)
    if db.get_bind().dialect.name == "sqlite" or secrets.randbelow(50) == 0:
        store.sweep(db)  # now and then (always on SQLite, where it is cheap) forget dead rows
    key, live = store.open_session(db, user_id=user_id)
    state.live, state.loaded, state.new_key, state.clear = live, True, key, False
    return live


def end(conn: HTTPConnection, db: Session) -> None:
    """Sign the browser out: its session ends in every process. The caller commits."""
    state = state_of(conn.scope)
    if state.live is not None:
        store.end_session(db, key_hash=state.live.key_hash)
    state.live, state.new_key, state.clear = None, None, True


def csrf(conn: HTTPConnection) -> str:
    """The signed-in session's CSRF token ("" without a session)."""
    live = current(conn)
    return live.csrf if live is not None else ""


def login_csrf(conn: HTTPConnection) -> str:
    """The CSRF token of the sign-in and setup forms, also set as a cookie that the form must
    repeat; one is made when the browser has none yet."""
    state = state_of(conn.scope)
    if state.new_login_csrf is None and state.login_csrf_sent is None:
        state.new_login_csrf = secrets.token_urlsafe(24)
    return state.new_login_csrf or state.login_csrf_sent or ""


def login_csrf_sent(conn: HTTPConnection) -> str:
    return state_of(conn.scope).login_csrf_sent or ""


def flash(conn: HTTPConnection, message: str, kind: str = "ok") -> None:
    """A notice shown once, on the next page the signed-in user sees."""
    live = current(conn)
    if live is None:
        return
    items = live.data.get("flash")
    notices = items if isinstance(items, list) else []
    live.data["flash"] = [*notices[-(MAX_NOTICES - 1) :], [kind, message]]
    state_of(conn.scope).changed = True


def take_notices(conn: HTTPConnection) -> list[Any]:
    """The notices waiting to be shown; they are then gone."""
    live = current(conn)
    if live is None or "flash" not in live.data:
        return []
    items = live.data.pop("flash")
    state_of(conn.scope).changed = True
    return items if isinstance(items, list) else []


def _cookie(name: str, value: str, max_age: int | None, secure: bool) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class SessionMiddleware:
    """Loads each request's session before it is handled, and writes back what changed."""

    def __init__(self, app: ASGIApp, *, factory: sessionmaker[Session], https_only: bool) -> None:
        self.app, self.factory, self.secure = app, factory, https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state = state_of(scope)
        if not state.loaded:
            await run_in_threadpool(load, scope, self.factory)

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                if state.changed and state.live is not None:
                    await run_in_threadpool(self._save, state.live)
                headers = MutableHeaders(scope=message)
                for cookie in self._cookies(state):
                    headers.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _save(self, live: LiveSession) -> None:
        with self.factory.begin() as db:
            store.save_data(db, key_hash=live.key_hash, data=live.data)

    def _cookies(self, state: SessionState) -> list[str]:
        made = []
        if state.new_key is not None:
            made.append(_cookie(SESSION_COOKIE, state.new_key, SESSION_SECONDS, self.secure))
        elif state.clear:
            made.append(_cookie(SESSION_COOKIE, "", 0, self.secure))
        if state.new_login_csrf is not None:
            made.append(_cookie(LOGIN_CSRF_COOKIE, state.new_login_csrf, None, self.secure))
        return made
