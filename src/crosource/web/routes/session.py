"""Signing in and out, and who the current user is."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from crosource.store.users import authenticate, memberships_of
from crosource.web.deps import Actor, CurrentActor, DbSession, csrf_token
from crosource.web.errors import ApiError
from crosource.web.schemas import LoginIn, MembershipOut, MeOut

router = APIRouter(prefix="/api/v1", tags=["session"])


def _me(request: Request, actor: CurrentActor, session: DbSession) -> MeOut:
    if actor.token_member is not None:
        members = [actor.token_member]
        token = None
    else:
        members = memberships_of(session, user_id=actor.user.id)
        token = csrf_token(request)
    return MeOut(
        email=actor.user.email,
        csrf_token=token,
        memberships=[MembershipOut.model_validate(m) for m in members],
    )


@router.post("/session", response_model=MeOut)
def sign_in(body: LoginIn, request: Request, session: DbSession) -> MeOut:
    throttle = request.app.state.throttle
    key = body.email.strip().lower()
    wait = throttle.retry_after(key)
    if wait:
        raise ApiError(429, "throttled", f"too many failed sign-ins; try again in {wait} s")
    user = authenticate(session, email=body.email, password=body.password)
    if user is None:
        throttle.failed(key)
        raise ApiError(401, "unauthenticated", "unknown email or wrong password")
    throttle.succeeded(key)
    session.commit()  # keeps a rehashed password
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = user.id
    return _me(request, Actor(user, None), session)


@router.delete("/session", status_code=204)
def sign_out(request: Request, _: CurrentActor) -> Response:
    request.session.clear()
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(request: Request, actor: CurrentActor, session: DbSession) -> MeOut:
    return _me(request, actor, session)
