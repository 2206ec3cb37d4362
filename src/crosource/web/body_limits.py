"""Request bodies: who may send one, and how large it may be, decided before a byte is read.

`BodyGate` is the outermost middleware of the application. For a method that changes something
(POST, PUT, PATCH, DELETE) on a route that is not public, a caller with neither a live session
nor a valid API token is answered 401 (the sign-in page for a person) without reading the body.
Every body is then held to its route's cap: refused with 413 when its Content-Length says it is
larger, and cut off with 413 as soon as a streamed (chunked) body goes past the cap.

CAPS is the one table of routes and caps (docs/web.md lists it); a route not in it takes
DEFAULT_BYTES. Uploads are allowed the portfolio import limit (`CROSOURCE_MAX_UPLOAD_BYTES`) plus
room for the multipart framing and the form's other fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crosource.store.users import token_membership
from crosource.web import sessions
from crosource.web.errors import error_response

KB: Final = 1024
SIGN_IN_BYTES: Final = 16 * KB  # an email, a password and a CSRF token
DEFAULT_BYTES: Final = 1_000_000  # forms and JSON requests
DRAFT_BYTES: Final = 2_000_000  # an assessment's answers (1,000,000 characters of JSON at most)
MULTIPART_SLACK: Final = 64 * KB
UPLOAD: Final = -1  # the cap of an upload: the settings' upload limit plus MULTIPART_SLACK
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Cap:
    methods: frozenset[str]
    path: re.Pattern[str]
    limit: int  # bytes, or UPLOAD
    public: bool = False  # may be sent by someone not signed in


def _cap(methods: str, path: str, limit: int, *, public: bool = False) -> Cap:
    return Cap(frozenset(methods.split()), re.compile(f"^{path}$"), limit, public)


API = r"/api/v1/workspaces/\d+"
PAGE = r"/w/\d+"
CAPS: Final = (
    # Public: signing in and the first-run setup; nothing else is taken from a stranger.
    _cap("POST", r"/api/v1/session", SIGN_IN_BYTES, public=True),
    _cap("POST", r"/login", SIGN_IN_BYTES, public=True),
    _cap("POST", r"/setup/[^/]+", SIGN_IN_BYTES, public=True),
    # Files and whole documents.
    _cap("POST", API + r"/portfolios", UPLOAD),
    _cap("PUT", API + r"/portfolios/\d+", UPLOAD),
    _cap("POST", API + r"/evaluations", UPLOAD),
    _cap("PUT", API + r"/evaluations/\d+", UPLOAD),
    _cap("PUT", API + r"/portal/rfps/\d+/bid", UPLOAD),
    _cap("PUT", API + r"/assessment", DRAFT_BYTES),
    _cap("POST", PAGE + r"/portfolios", UPLOAD),
    _cap("POST", PAGE + r"/p/\d+/yaml", UPLOAD),
    _cap("POST", PAGE + r"/evaluations/import", UPLOAD),
    _cap("POST", PAGE + r"/evaluations/\d+/yaml", UPLOAD),
    _cap("POST", PAGE + r"/portal/rfps/\d+/bid", UPLOAD),
)


def cap_for(method: str, path: str, upload_bytes: int) -> tuple[int, bool]:
    """The route's cap in bytes, and whether it is public."""
    for cap in CAPS:
        if method in cap.methods and cap.path.match(path):
            limit = upload_bytes + MULTIPART_SLACK if cap.limit == UPLOAD else cap.limit
            return limit, cap.public
    return DEFAULT_BYTES, False


class TooLarge(Exception):
    """Raised into the application when a streamed body goes past its cap."""


def _unauthenticated(scope: Scope) -> Response:
    if scope["path"].startswith("/api/"):
        return error_response(401, "unauthenticated", "sign in first")
    from crosource.web.pages.common import sign_in_url

    target = sign_in_url("/")
    if Headers(scope=scope).get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _too_large(scope: Scope, limit: int) -> Response:
    message = f"the request is larger than {limit:,} bytes, the most this address takes"
    if scope["path"].startswith("/api/"):
        return error_response(413, "too_large", message)
    from crosource.web.errors import respond

    return respond(Request(scope), 413, "too_large", message.capitalize() + ".")


class BodyGate:
    def __init__(self, app: ASGIApp, *, factory: sessionmaker[Session], upload_bytes: int) -> None:
        self.app, self.factory, self.upload_bytes = app, factory, upload_bytes

    def _signed_in(self, scope: Scope) -> bool:
        """A live session, or a valid API token (blocking: runs in a thread)."""
        if sessions.load(scope, self.factory).live is not None:
            return True
        header = Headers(scope=scope).get("authorization", "")
        if not header.lower().startswith("bearer "):
            return False
        with self.factory() as db:
            return token_membership(db, secret=header[7:].strip()) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        limit, public = cap_for(method, path, self.upload_bytes)
        must_sign_in = method not in SAFE_METHODS and not public
        if must_sign_in and not await run_in_threadpool(self._signed_in, scope):
            await _unauthenticated(scope)(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            if declared.isdigit():
                await _too_large(scope, limit)(scope, receive, send)
            else:
                await error_response(400, "bad_request", "a bad Content-Length header")(
                    scope, receive, send
                )
            return
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the request on, counting the bytes of its body as the application reads them."""
        read, over, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal read, over
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    over = True
                    raise TooLarge()
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the application's answer to a cut-off body: ours is sent instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watched_send)
        except TooLarge:
            pass
        except Exception:
            if not over:
                raise  # a cut-off body may surface as any parsing error; others are real
        if over and not started:
            await _too_large(scope, limit)(scope, receive, send)
