"""A fresh, migrated database per test: an SQLite file, and a PostgreSQL schema of its own.

PostgreSQL is the local server (127.0.0.1:5432, database `test`, or CROSOURCE_TEST_POSTGRES_URL);
.ci/run starts it. Each test gets a new schema, dropped afterwards, so parallel workers never meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "CROSOURCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_engine(schema: str) -> Engine:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def _drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'crosource.db'}")
        upgrade(made)
        yield made
        made.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    made = _postgres_engine(schema)
    try:
        upgrade(made)
        yield made
    finally:
        made.dispose()
        _drop_schema(schema)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as opened:
        yield opened
