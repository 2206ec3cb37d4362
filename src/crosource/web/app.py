"""The FastAPI application: settings, database (migrated at start-up), sessions, pages and API."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from starlette.middleware.sessions import SessionMiddleware

from crosource import __version__
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.store.tables import User
from crosource.tasks.backend import make_backend
from crosource.web import pages, routes
from crosource.web.errors import install_handlers, respond
from crosource.web.settings import Settings
from crosource.web.static_files import install_static
from crosource.web.throttle import LoginThrottle

SESSION_COOKIE = "crosource_session"
SESSION_SECONDS = 8 * 3600  # assumption: a working day, then sign in again
log = logging.getLogger("crosource.web")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)  # before the first request: the schema is always the code's
    sessions = session_factory(engine)
    # Background analyses: threads here, or a queue for `crosource worker` on PostgreSQL.
    runner = make_backend(
        settings.job_backend, sessions, settings.database_url, settings.job_workers
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runner.shutdown()
        engine.dispose()

    app = FastAPI(
        title="crosource",
        version=__version__,
        summary="Outsourcing decisions for clinical development: the JSON API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.jobs = runner
    app.state.throttle = LoginThrottle(settings.login_attempts, settings.login_window_seconds)
    app.state.setup_token = None
    app.state.setup_workspace = settings.setup_workspace
    with sessions() as session:
        if not session.scalar(select(func.count()).select_from(User)):
            # First run: nobody can sign in yet, so a one-time link makes the first owner.
            app.state.setup_token = secrets.token_urlsafe(24)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=settings.https_only,
    )
    install_handlers(app)
    install_static(app)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return respond(request, 500, "internal", "an internal error; it has been logged")

    for module in routes.MODULES:
        app.include_router(module.router)
    for module in pages.MODULES:
        app.include_router(module.router)
    return app
