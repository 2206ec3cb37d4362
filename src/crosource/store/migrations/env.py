"""Alembic's entry point: runs migrations on the connection that crosource hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from crosource.store.db import make_engine
from crosource.store.migrate import include_name
from crosource.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    with make_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
        _run(connection)
