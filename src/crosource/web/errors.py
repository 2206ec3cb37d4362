"""Every error as {"error": {"code", "message", "details"}} on the API, or as a page elsewhere;
a 4xx for bad input, never a 500 for it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from crosource.io.errors import InvalidInput
from crosource.store.errors import Conflict, Invalid, NotFound

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Changed meanwhile",
    413: "Too large",
    422: "Cannot be used",
    429: "Too many attempts",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status)


def _located(where: Any) -> str:
    return ".".join(str(part) for part in where)


def respond(
    request: Request, status: int, code: str, message: str, details: Any = None
) -> Response:
    """The error as JSON for the API, as a page for a person (or an HTMX fragment)."""
    if request.url.path.startswith("/api/"):
        return error_response(status, code, message, details)
    from crosource.web.pages.common import render

    template = "error_fragment.html.j2" if request.headers.get("hx-request") else "error.html.j2"
    return render(
        request,
        template,
        status=status,
        title=TITLES.get(status, "Error"),
        message=message,
        details=details or [],
    )


def install_handlers(app: FastAPI) -> None:
    from crosource.web.pages.common import SignInNeeded, sign_in_url

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        target = sign_in_url(exc.target)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return respond(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        details = [{"where": _located(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return respond(request, 422, "invalid_request", "the request is not valid", details)

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput) -> Response:
        details = exc.details()
        count = len(details)
        message = f"{count} problem{'s' if count != 1 else ''}; nothing was changed"
        return respond(request, 422, "invalid_input", message, details)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return respond(request, 404, "not_found", str(exc))

    @app.exception_handler(Invalid)
    async def invalid_value(request: Request, exc: Invalid) -> Response:
        return respond(request, 422, "invalid_input", str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        return respond(request, 409, "conflict", str(exc))

    @app.exception_handler(IntegrityError)
    async def clash(request: Request, exc: IntegrityError) -> Response:
        # Two requests creating the same name at the same moment: the database keeps one and
        # refuses the other; that is a conflict for the later one, not a server error.
        del exc
        message = "this clashes with a change made at the same moment; reload and try again"
        return respond(request, 409, "conflict", message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "bad_method"}
        status = exc.status_code
        return respond(request, status, code.get(status, "error"), str(exc.detail))
