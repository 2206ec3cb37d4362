"""The FastAPI application: settings, database (migrated at start-up), sessions and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from crosource import __version__
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.web.errors import install_handlers
from crosource.web.routes import audit, portfolios, session
from crosource.web.settings import Settings
from crosource.web.throttle import LoginThrottle

SESSION_COOKIE = "crosource_session"
SESSION_SECONDS = 8 * 3600  # assumption: a working day, then sign in again


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    upgrade(engine)  # before the first request: the schema is always the code's
    app = FastAPI(
        title="crosource",
        version=__version__,
        summary="Outsourcing decisions for clinical development: the JSON API.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = session_factory(engine)
    app.state.throttle = LoginThrottle(settings.login_attempts, settings.login_window_seconds)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=settings.https_only,
    )
    install_handlers(app)
    app.include_router(session.router)
    app.include_router(portfolios.router)
    app.include_router(audit.router)
    return app
