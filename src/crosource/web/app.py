"""The FastAPI application: settings, database (migrated at start-up), sessions, pages and API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response

from crosource import __version__
from crosource.store import setup_link
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.tasks.backend import make_backend
from crosource.web import pages, routes
from crosource.web.body_limits import BodyGate
from crosource.web.errors import install_handlers, respond
from crosource.web.security import install_security_headers
from crosource.web.sessions import SessionMiddleware
from crosource.web.settings import Settings
from crosource.web.static_files import install_static
from crosource.web.throttle import Policy

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
        if app.state.setup_token:  # an unused link of this process: the next start makes one
            with sessions.begin() as session:
                setup_link.give_back(session, token=app.state.setup_token)
        runner.shutdown()
        engine.dispose()

    app = FastAPI(
        title="crosource",
        version=__version__,
        summary="Outsourcing decisions for clinical development: the JSON API.",
        lifespan=lifespan,
        # /docs is served from this site's own copy of Swagger UI (web/security.py); ReDoc,
        # which only comes from a CDN, is not offered.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.jobs = runner
    app.state.throttle = Policy(
        per_pair=settings.login_attempts,
        per_address=settings.login_attempts_per_address,
        per_email=settings.login_attempts_per_email,
        window_seconds=settings.login_window_seconds,
    )
    app.state.setup_workspace = settings.setup_workspace
    with sessions.begin() as session:
        # First run: nobody can sign in yet, so a one-time link makes the first owner. Only one
        # process of a database gets it (store/setup_link.py); the others know one is pending.
        app.state.setup_token = setup_link.offer(session)
        app.state.setup_pending = app.state.setup_token is None and not setup_link.any_user(session)
    if settings.secret_key:
        log.warning("CROSOURCE_SECRET_KEY is no longer used: sessions are kept in the database")
    # The session middleware sits inside the body gate, which is added last: the outermost.
    app.add_middleware(SessionMiddleware, factory=sessions, https_only=settings.https_only)
    app.add_middleware(BodyGate, factory=sessions, upload_bytes=settings.max_upload_bytes)
    install_handlers(app)
    install_static(app)
    install_security_headers(app)  # on every response, errors included

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return respond(request, 500, "internal", "an internal error; it has been logged")

    for module in routes.MODULES:
        app.include_router(module.router)
    for module in pages.MODULES:
        app.include_router(module.router)
    return app
