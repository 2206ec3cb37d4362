"""Every error of the API as {"error": {"code", "message", "details"}}, with a 4xx for bad input."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from crosource.io.errors import InvalidInput
from crosource.store.errors import Conflict, Invalid, NotFound


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status)


def _located(where: Any) -> str:
    return ".".join(str(part) for part in where)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"where": _located(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return error_response(422, "invalid_request", "the request is not valid", details)

    @app.exception_handler(InvalidInput)
    async def invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        details = [{"where": p.where, "message": p.message} for p in exc.problems]
        count = len(details)
        message = f"{count} problem{'s' if count != 1 else ''}; nothing was changed"
        return error_response(422, "invalid_input", message, details)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(Invalid)
    async def invalid_value(_: Request, exc: Invalid) -> JSONResponse:
        return error_response(422, "invalid_input", str(exc))

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return error_response(409, "conflict", str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "bad_method"}
        return error_response(exc.status_code, code.get(exc.status_code, "error"), str(exc.detail))
