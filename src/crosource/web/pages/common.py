"""What every page needs: its templates, who is signed in, their workspace and role, CSRF.

Pages and the JSON API share the browser's session (sessions.py). A page that needs a user
redirects to the sign-in page; a workspace the user does not belong to answers 404, a role without
the right 403, both as pages. Every form that changes something carries the session's CSRF token
(a hidden field, or the X-CSRF-Token header that static/app.js adds to HTMX requests).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from crosource import __version__
from crosource.report import labels
from crosource.store.tables import Membership, User, Workspace
from crosource.store.users import membership, memberships_of
from crosource.web import sessions
from crosource.web.deps import CSRF_HEADER, MAX_ID, DbSession
from crosource.web.errors import ApiError

FORM_CSRF = "csrf_token"
WorkspaceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The workspace's id.")]


class SignInNeeded(Exception):
    """A page asked for by someone not signed in: the handler sends them to sign in."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


templates = Environment(
    loader=PackageLoader("crosource.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates are package files that change only with a new release: checking their mtimes
    # on every render cost a tenth of a page's time.
    auto_reload=False,
)
templates.globals.update(
    version=__version__,
    model_label=labels.model,
    function_label=labels.function,
    colour=lambda o: labels.MODEL_COLOURS.get(o, "#607d8b"),
)


def money(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return "–"
    sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    if abs(value) >= 1e6:
        return f"{sym}{value / 1e6:,.1f}M"
    return f"{sym}{value:,.0f}"


templates.filters["money"] = money


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of a page and, on a workspace's pages, their membership of it."""

    user: User
    member: Membership | None = None
    workspace: Workspace | None = None

    @property
    def role(self) -> str | None:
        return self.member.role if self.member else None

    @property
    def can_edit(self) -> bool:
        return self.role in ("owner", "analyst")

    @property
    def is_provider(self) -> bool:
        return self.role == "provider"


def signed_in_user(request: Request, session: DbSession) -> User:
    user_id = sessions.user_id(request)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target)
    return user


PageUser = Annotated[User, Depends(signed_in_user)]


def workspace_viewer(workspace_id: WorkspaceId, user: PageUser, session: DbSession) -> Viewer:
    member = membership(session, user_id=user.id, workspace_id=workspace_id)
    workspace = session.get(Workspace, workspace_id)
    if member is None or workspace is None:
        raise ApiError(404, "not_found", f"no workspace {workspace_id}")
    return Viewer(user, member, workspace)


def viewer_in(*roles: str) -> Callable[[Viewer], Viewer]:
    def check(viewer: Annotated[Viewer, Depends(workspace_viewer)]) -> Viewer:
        if viewer.role not in roles:
            raise ApiError(403, "forbidden", f"the {viewer.role} role cannot see this page")
        return viewer

    return check


SponsorReader = Annotated[Viewer, Depends(viewer_in("owner", "analyst", "viewer"))]
SponsorEditor = Annotated[Viewer, Depends(viewer_in("owner", "analyst"))]
Owner = Annotated[Viewer, Depends(viewer_in("owner"))]
ProviderViewer = Annotated[Viewer, Depends(viewer_in("provider"))]


async def _sent_csrf(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        form = await request.form()
        value = form.get(FORM_CSRF)
        sent = value if isinstance(value, str) else ""
    return sent


def _same(sent: str, expected: str) -> bool:
    return bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())


async def check_login_csrf(request: Request) -> None:
    """Refuse a sign-in or setup form that does not repeat the browser's sign-in CSRF cookie."""
    if not _same(await _sent_csrf(request), sessions.login_csrf_sent(request)):
        raise ApiError(403, "csrf", "this form has expired; reload the page and try again")


async def check_csrf(request: Request) -> None:
    """The CSRF check of a signed-in user's form: someone not signed in is sent to sign in
    first (they have no session, so the check itself could only refuse them)."""
    if sessions.current(request) is None:
        raise SignInNeeded("/")
    if not _same(await _sent_csrf(request), sessions.csrf(request)):
        raise ApiError(403, "csrf", "this form has expired; reload the page and try again")


Csrf = Depends(check_csrf)
LoginCsrf = Depends(check_login_csrf)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once, on the next page the user sees."""
    sessions.flash(request, message, kind)


def render(
    request: Request,
    template: str,
    *,
    viewer: Viewer | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page of the application: the template in the layout, with the navigation it needs."""
    html = templates.get_template(template).render(
        request=request,
        viewer=viewer,
        csrf=sessions.csrf(request),
        messages=sessions.take_notices(request),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def workspaces_of(session: DbSession, user: User) -> list[tuple[Membership, Workspace]]:
    found = []
    for member in memberships_of(session, user_id=user.id):
        workspace = session.get(Workspace, member.workspace_id)
        if workspace is not None:
            found.append((member, workspace))
    return found


def sign_in_url(target: str) -> str:
    return "/login?next=" + quote(target, safe="/")


def safe_next(target: str | None) -> str:
    """Only paths of this site are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def markup(html: str) -> Markup:
    return Markup(html)
