"""The first-run setup link: one per database, checked in the database when used, dead once any
account exists. Audit issue 10, finding 5."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from crosource.store import setup_link
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.store.tables import Membership, SetupToken, User, utcnow
from crosource.store.users import create_user
from crosource.web.app import create_app
from crosource.web.settings import Settings

PASSWORD = "a long setup passphrase"


def _form(client: TestClient, token: str, email: str) -> Any:
    page = client.get(f"/setup/{token}")
    assert page.status_code == 200, page.text
    csrf = client.cookies.get("crosource_login_csrf")
    return client.post(
        f"/setup/{token}",
        data={"email": email, "password": PASSWORD, "again": PASSWORD, "csrf_token": csrf or ""},
        follow_redirects=False,
    )


def test_the_link_is_dead_once_an_account_exists(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))
    token = app.state.setup_token
    assert isinstance(token, str)
    with app.state.sessions.begin() as session:  # e.g. `crosource user add` meanwhile
        create_user(session, email="first@acme.test", password=PASSWORD)
    client = TestClient(app)
    assert client.get(f"/setup/{token}").status_code == 404
    client.get("/login")
    answer = client.post(
        f"/setup/{token}",
        data={
            "email": "intruder@acme.test",
            "password": PASSWORD,
            "again": PASSWORD,
            "csrf_token": client.cookies.get("crosource_login_csrf") or "",
        },
    )
    assert answer.status_code == 404
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_two_processes_on_one_database_give_one_link(database_url: str) -> None:
    first = create_app(Settings(database_url=database_url))
    second = create_app(Settings(database_url=database_url))
    assert isinstance(first.state.setup_token, str)
    assert second.state.setup_token is None
    assert second.state.setup_pending  # it knows to say that a link was already printed
    assert TestClient(second).get(f"/setup/{first.state.setup_token}").status_code == 200


def test_simultaneous_starts_give_exactly_one_link(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = session_factory(engine)
    start = threading.Barrier(4)
    offered: list[str | None] = []

    def run() -> None:  # what create_app does at start-up, in four processes at once
        start.wait()
        with factory.begin() as session:
            offered.append(setup_link.offer(session))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(offered) == 4
    assert sum(isinstance(token, str) for token in offered) == 1


def test_the_link_works_once_and_marks_itself_used(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))
    token = app.state.setup_token
    client = TestClient(app)
    made = _form(client, token, "first@acme.test")
    assert made.status_code == 303, made.text
    with app.state.sessions() as session:
        row = session.get(SetupToken, 1)
        assert row is not None and row.used_at is not None and token not in row.token_hash
        assert session.scalar(select(func.count()).select_from(Membership)) == 1
    assert client.get("/api/v1/me").status_code == 200  # signed in as the new owner
    assert TestClient(app).get(f"/setup/{token}").status_code == 404


def test_a_restart_while_nobody_has_an_account_gives_a_new_link(database_url: str) -> None:
    first = create_app(Settings(database_url=database_url))
    with TestClient(first):
        pass  # started and stopped: a clean stop gives its link back
    second = create_app(Settings(database_url=database_url))
    assert isinstance(second.state.setup_token, str)
    client = TestClient(second)
    assert client.get(f"/setup/{first.state.setup_token}").status_code == 404
    assert _form(client, second.state.setup_token, "first@acme.test").status_code == 303


def test_a_link_left_by_a_crashed_process_is_replaced_after_a_while(database_url: str) -> None:
    first = create_app(Settings(database_url=database_url))  # never stopped cleanly
    with first.state.sessions.begin() as session:
        session.execute(update(SetupToken).values(created_at=utcnow() - timedelta(minutes=5)))
    second = create_app(Settings(database_url=database_url))
    assert isinstance(second.state.setup_token, str)
    assert TestClient(second).get(f"/setup/{first.state.setup_token}").status_code == 404


def test_two_people_using_the_link_at_once_make_one_owner(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url))
    token = app.state.setup_token
    clients = [TestClient(app), TestClient(app)]
    for client in clients:
        assert client.get(f"/setup/{token}").status_code == 200
    start = threading.Barrier(2)

    def use(n: int) -> int:
        client = clients[n]
        start.wait()
        answer = client.post(
            f"/setup/{token}",
            data={
                "email": f"person{n}@acme.test",
                "password": PASSWORD,
                "again": PASSWORD,
                "csrf_token": client.cookies.get("crosource_login_csrf") or "",
            },
            follow_redirects=False,
        )
        return int(answer.status_code)

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(use, range(2)))
    assert codes == [303, 404]
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
