"""Signing in and out in the browser, the first-run setup link, and the choice of workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.store import setup_link
from crosource.store.errors import Conflict, Invalid
from crosource.store.users import add_member, create_user
from crosource.store.workspaces import create_workspace, find_workspace
from crosource.web import sessions, throttle
from crosource.web.deps import DbSession
from crosource.web.errors import ApiError
from crosource.web.pages.common import (
    Csrf,
    LoginCsrf,
    PageUser,
    Viewer,
    render,
    safe_next,
    workspaces_of,
)

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=1024)]


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    if sessions.current(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request,
        "login.html.j2",
        login_csrf=sessions.login_csrf(request),
        next=safe_next(next),
        email="",
        error="",
    )


@router.post("/login", dependencies=[LoginCsrf])
def login(
    request: Request,
    session: DbSession,
    email: Text,
    password: Text,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    headers: dict[str, str] = {}
    try:
        user = throttle.sign_in(request, session, email=email, password=password)
        status, error = 401, "Unknown email or wrong password."
    except throttle.Throttled as exc:
        user, status = None, 429
        error = f"Too many sign-in attempts; try again in {exc.retry_after} s."
        headers["Retry-After"] = str(exc.retry_after)
    if user is None:
        page = render(
            request,
            "login.html.j2",
            status=status,
            login_csrf=sessions.login_csrf(request),
            next=safe_next(next),
            email=email,
            error=error,
        )
        page.headers.update(headers)
        return page
    sessions.begin(request, session, user_id=user.id)
    session.commit()
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, session: DbSession) -> Response:
    sessions.end(request, session)
    session.commit()
    return RedirectResponse("/login", status_code=303)


@router.get("/", response_class=HTMLResponse)
def choose_workspace(request: Request, user: PageUser, session: DbSession) -> Response:
    spaces = workspaces_of(session, user)
    if len(spaces) == 1:
        member, space = spaces[0]
        suffix = "/portal" if member.role == "provider" else ""
        return RedirectResponse(f"/w/{space.id}{suffix}", status_code=303)
    return render(request, "choose.html.j2", viewer=Viewer(user), spaces=spaces)


def _setup_target(request: Request, session: DbSession, token: str) -> str:
    if not setup_link.is_open(session, token=token):
        raise ApiError(404, "not_found", setup_link.DEAD)
    return str(request.app.state.setup_workspace)


@router.get("/setup/{token}", response_class=HTMLResponse)
def setup_page(request: Request, token: str, session: DbSession) -> Response:
    workspace = _setup_target(request, session, token)
    return render(
        request,
        "setup.html.j2",
        login_csrf=sessions.login_csrf(request),
        workspace=workspace,
        email="",
        error="",
    )


@router.post("/setup/{token}", dependencies=[LoginCsrf])
def setup(
    request: Request, token: str, session: DbSession, email: Text, password: Text, again: Text
) -> Response:
    """Make the first owner; the link then stops working. Checking the link (unused, and no
    account yet), making the owner and marking the link used are one transaction."""
    name = _setup_target(request, session, token)
    error = "The two passwords differ." if password != again else ""
    if not error:
        try:
            setup_link.use(session, token=token)
            user = create_user(session, email=email, password=password)
            workspace = find_workspace(session, name=name) or create_workspace(session, name=name)
            add_member(session, user_id=user.id, workspace_id=workspace.id, role="owner")
        except (Invalid, Conflict) as exc:
            session.rollback()
            error = str(exc)
    if error:
        return render(
            request,
            "setup.html.j2",
            status=422,
            login_csrf=sessions.login_csrf(request),
            workspace=name,
            email=email,
            error=error,
        )
    sessions.begin(request, session, user_id=user.id)
    session.commit()
    request.app.state.setup_token = None
    return RedirectResponse(f"/w/{workspace.id}", status_code=303)
