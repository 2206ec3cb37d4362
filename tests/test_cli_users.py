"""`crosource user add` in a subprocess, as a person or a script runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from crosource.store.db import make_engine, session_factory
from crosource.store.tables import Membership, User
from crosource.store.users import authenticate

PASSWORD = "correct horse battery staple"


def run(database: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crosource", "user", "add", *args, "--database", database]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)


def test_user_add_makes_owner_then_adds_existing_user(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'web.db'}"
    made = run(
        database, "ann@example.com", "--role", "owner", "--workspace", "Acme", stdin=PASSWORD
    )
    assert made.returncode == 0, made.stderr
    assert "Made workspace 'Acme'" in made.stderr
    again = run(database, "ann@example.com", "--role", "viewer", "--workspace", "Beta")
    assert again.returncode == 0, again.stderr
    assert "existing user" in again.stderr
    engine = make_engine(database)
    with session_factory(engine)() as session:
        assert authenticate(session, email="ann@example.com", password=PASSWORD) is not None
        roles = session.scalars(select(Membership.role).order_by(Membership.id)).all()
        assert roles == ["owner", "viewer"]
    engine.dispose()


def test_user_add_refuses_bad_input_and_changes_nothing(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'web.db'}"
    short = run(database, "bob@example.com", "--role", "owner", "--workspace", "A", stdin="short")
    assert short.returncode == 2
    assert "at least 12 characters" in short.stderr
    assert "Traceback" not in short.stderr
    no_provider = run(
        database, "bob@example.com", "--role", "provider", "--workspace", "A", stdin=PASSWORD
    )
    assert no_provider.returncode == 2
    assert "provider id" in no_provider.stderr
    bad_role = run(database, "bob@example.com", "--role", "admin", "--workspace", "A")
    assert bad_role.returncode == 2
    engine = make_engine(database)
    with session_factory(engine)() as session:
        assert session.scalars(select(User)).all() == []
    engine.dispose()
