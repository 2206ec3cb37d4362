"""Signing in and out in the browser, the first-run setup link, and the choice of workspace."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.store.errors import Conflict, Invalid
from crosource.store.tables import User
from crosource.store.users import add_member, authenticate, create_user
from crosource.store.workspaces import create_workspace, find_workspace
from crosource.web.deps import DbSession, csrf_token
from crosource.web.errors import ApiError
from crosource.web.pages.common import (
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
    if "user_id" in request.session:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request,
        "login.html.j2",
        login_csrf=csrf_token(request),
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
    throttle = request.app.state.throttle
    key = email.strip().lower()
    wait = throttle.retry_after(key)
    error = ""
    user: User | None = None
    if wait:
        error = f"Too many failed sign-ins; try again in {wait} s."
    else:
        user = authenticate(session, email=email, password=password)
        if user is None:
            throttle.failed(key)
            error = "Unknown email or wrong password."
    if user is None:
        status = 429 if wait else 401
        return render(
            request,
            "login.html.j2",
            status=status,
            login_csrf=csrf_token(request),
            next=safe_next(next),
            email=email,
            error=error,
        )
    throttle.succeeded(key)
    session.commit()
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = user.id
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[LoginCsrf])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/", response_class=HTMLResponse)
def choose_workspace(request: Request, user: PageUser, session: DbSession) -> Response:
    spaces = workspaces_of(session, user)
    if len(spaces) == 1:
        member, space = spaces[0]
        suffix = "/portal" if member.role == "provider" else ""
        return RedirectResponse(f"/w/{space.id}{suffix}", status_code=303)
    return render(request, "choose.html.j2", viewer=Viewer(user), spaces=spaces)


def _setup_target(request: Request, token: str) -> str:
    expected = request.app.state.setup_token
    if not isinstance(expected, str) or not secrets.compare_digest(token, expected):
        raise ApiError(404, "not_found", "this setup link is not valid (it works only once)")
    return str(request.app.state.setup_workspace)


@router.get("/setup/{token}", response_class=HTMLResponse)
def setup_page(request: Request, token: str) -> Response:
    workspace = _setup_target(request, token)
    return render(
        request,
        "setup.html.j2",
        login_csrf=csrf_token(request),
        workspace=workspace,
        email="",
        error="",
    )


@router.post("/setup/{token}", dependencies=[LoginCsrf])
def setup(
    request: Request, token: str, session: DbSession, email: Text, password: Text, again: Text
) -> Response:
    """Make the first owner; the link then stops working."""
    name = _setup_target(request, token)
    error = "The two passwords differ." if password != again else ""
    if not error:
        try:
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
            login_csrf=csrf_token(request),
            workspace=name,
            email=email,
            error=error,
        )
    session.commit()
    request.app.state.setup_token = None
    request.session.clear()
    request.session["user_id"] = user.id
    return RedirectResponse(f"/w/{workspace.id}", status_code=303)
