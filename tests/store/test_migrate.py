from __future__ import annotations

from sqlalchemy import Engine, inspect

from crosource.store.migrate import current_revision, head_revision, upgrade
from crosource.store.tables import Base


def test_upgrade_reaches_head_and_creates_every_table(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    before = sorted(inspect(engine).get_table_names())
    upgrade(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert current_revision(engine) == head_revision()


def test_migrations_match_the_tables(engine: Engine) -> None:
    """A table changed in code without a migration would show up here as a difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
