"""Signing in and out, and who the current user is."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from crosource.store.users import memberships_of
from crosource.web import sessions, throttle
from crosource.web.deps import Actor, CurrentActor, DbSession, csrf_token
from crosource.web.errors import ApiError, error_response
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


@router.post(
    "/session",
    response_model=MeOut,
    responses={429: {"description": "Too many attempts; wait for the Retry-After seconds."}},
)
def sign_in(body: LoginIn, request: Request, session: DbSession) -> MeOut | Response:
    try:
        user = throttle.sign_in(request, session, email=body.email, password=body.password)
    except throttle.Throttled as exc:
        answer = error_response(
            429, "throttled", f"too many sign-in attempts; try again in {exc.retry_after} s"
        )
        answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    if user is None:
        raise ApiError(401, "unauthenticated", "unknown email or wrong password")
    sessions.begin(request, session, user_id=user.id)
    session.commit()  # the new session, and a rehashed password
    return _me(request, Actor(user, None), session)


@router.delete("/session", status_code=204)
def sign_out(request: Request, _: CurrentActor, session: DbSession) -> Response:
    sessions.end(request, session)
    session.commit()
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(request: Request, actor: CurrentActor, session: DbSession) -> MeOut:
    return _me(request, actor, session)
