"""Bring a database to the newest schema; every process calls this at start-up."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: processes starting together on one PostgreSQL database take turns.
MIGRATION_LOCK = 0x63726F73


def include_name(name: str | None, kind: str, parents: MutableMapping[Any, str | None]) -> bool:
    """procrastinate's tables share the schema but are its own (crosource.tasks.queue): never
    compared with ours, so that a generated migration would not drop them."""
    del parents
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _run(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def upgrade(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        # Rebuilding a table (SQLite's only way to change most things) drops the old one, which
        # with foreign keys on would cascade to its children's rows. The pragma is refused inside
        # a transaction, so it is set before the migration's own begins.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            with connection.begin():
                _run(connection)
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
        return
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        _run(connection)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
