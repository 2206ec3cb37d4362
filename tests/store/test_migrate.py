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


def test_a_deleted_rows_id_is_never_given_again(engine: Engine) -> None:
    """SQLite reused the id of a deleted last row (a cache keyed by id then served another
    workspace's report); AUTOINCREMENT on SQLite and sequences on PostgreSQL never go back."""
    from sqlalchemy import delete, insert, select

    from crosource.store.tables import PortfolioRecord, Workspace

    with engine.begin() as connection:
        space = connection.execute(insert(Workspace).values(name="A")).inserted_primary_key[0]
        row = {"workspace_id": space, "name": "p", "document": {}, "studies": 0, "providers": 0}
        first = connection.execute(insert(PortfolioRecord).values(**row)).inserted_primary_key[0]
        connection.execute(delete(PortfolioRecord))
        second = connection.execute(insert(PortfolioRecord).values(**row)).inserted_primary_key[0]
        assert second > first
        assert connection.scalar(select(PortfolioRecord.id)) == second


def test_upgrading_an_sqlite_database_keeps_every_row(tmp_path: object) -> None:
    """Rebuilding tables for AUTOINCREMENT must not cascade the old parents' deletion."""
    from pathlib import Path

    from alembic import command
    from sqlalchemy import func, select, text

    from crosource.store.db import make_engine
    from crosource.store.migrate import alembic_config
    from crosource.store.tables import Job, Membership, PortfolioRecord

    assert isinstance(tmp_path, Path)
    made = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with made.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        with connection.begin():
            command.upgrade(config, "0003")
        with connection.begin():
            for statement in (
                "INSERT INTO workspace (id, name, created_at) VALUES (1, 'A', '2026-01-01')",
                "INSERT INTO app_user (id, email, password_hash, created_at)"
                " VALUES (1, 'a@b.c', 'x', '2026-01-01')",
                "INSERT INTO membership (id, user_id, workspace_id, role)"
                " VALUES (1, 1, 1, 'owner')",
                "INSERT INTO portfolio (id, workspace_id, name, document, studies, providers,"
                " version, updated_at) VALUES (7, 1, 'p', '{}', 0, 0, 1, '2026-01-01')",
                "INSERT INTO job (id, workspace_id, kind, state, progress, request, created_at,"
                " portfolio_id, stage) VALUES (3, 1, 'simulate', 'done', 1, '{}', '2026-01-01', 7,"
                " '')",
            ):
                connection.execute(text(statement))
    upgrade(made)
    with made.connect() as connection:
        for table in (Membership, PortfolioRecord, Job):
            assert connection.scalar(select(func.count()).select_from(table)) == 1
        sql = connection.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'portfolio'"))
        assert "AUTOINCREMENT" in str(sql)
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    made.dispose()


def test_every_table_that_must_not_reuse_ids_is_autoincrement_after_all_migrations(
    tmp_path: object,
) -> None:
    """A later migration that rebuilds a table (SQLite's batch mode) must keep AUTOINCREMENT;
    0005 once rebuilt `job` without it and job ids came back."""
    from pathlib import Path

    from sqlalchemy import text

    from crosource.store.db import make_engine

    assert isinstance(tmp_path, Path)
    made = make_engine(f"sqlite:///{tmp_path / 'all.db'}")
    upgrade(made)
    declared = {
        name
        for name, table in Base.metadata.tables.items()
        if table.dialect_kwargs.get("sqlite_autoincrement")
    }
    assert {"job", "bid", "portfolio"} <= declared
    with made.connect() as connection:
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        made_sql = {str(name): str(sql) for name, sql in rows}
    assert sorted(n for n in declared if "AUTOINCREMENT" not in made_sql[n]) == []
    made.dispose()
