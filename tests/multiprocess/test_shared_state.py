"""What two web processes of one PostgreSQL database must share, seen over HTTP as a team sees it:
one working setup link for the database (usable on either process, dead once used), a session
made on one process that works on the other and ends on both when it signs out there, and one
sign-in throttle counting the attempts made on both."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import POSTGRES_URL, _admin
from tests.multiprocess.conftest import Cluster

pytestmark = pytest.mark.xdist_group("processes")
EMAIL, PASSWORD = "first@team.test", "a long and private passphrase"
LINK = re.compile(r"/setup/([A-Za-z0-9_-]{20,})")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two web processes started together on a new database without any account."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = {"CROSOURCE_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    running = Cluster(url, tmp_path_factory.mktemp("pair"), {**os.environ, **env})
    try:
        running.start_web()
        running.start_web()
        running.wait_for_webs()
        yield running
    finally:
        running.stop()
        _admin(f'DROP SCHEMA "{schema}" CASCADE')


def _printed_links(pair: Cluster) -> dict[str, str]:
    """The setup link each web process printed, by process name (the start-up text is written
    before the server listens, so it is there once both answer)."""
    found: dict[str, str] = {}
    for name, process in pair.processes.items():
        match = LINK.search(process.tail(200))
        if match:
            found[name] = match.group(1)
    return found


def _set_up(base: str, token: str) -> httpx.Response:
    browser = httpx.Client(base_url=base, timeout=30)
    form = browser.get(f"/setup/{token}")
    if form.status_code != 200:
        return form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    fields = {"csrf_token": csrf.group(1), "email": EMAIL, "password": PASSWORD, "again": PASSWORD}
    return browser.post(f"/setup/{token}", data=fields)


@pytest.fixture(scope="module")
def owner(pair: Cluster) -> str:
    """The first owner, made through the setup link on the process that did not print it (the
    link is the database's, not a process's). A fixture, since xdist may run tests in any order."""
    links = _printed_links(pair)
    assert len(links) == 1, pair.logs()  # the other process says a link was printed
    ((printer, token),) = links.items()
    made = _set_up(pair.webs[1 if printer == "web1" else 0], token)
    assert made.status_code == 303, made.text
    return token


def test_one_setup_link_for_the_database_usable_on_either_process(
    pair: Cluster, owner: str
) -> None:
    links = _printed_links(pair)
    assert list(links.values()) == [owner]
    other = next(name for name in pair.processes if name not in links)
    assert "Another crosource process" in pair.processes[other].tail(200)
    for base in pair.webs:  # used once: dead on both processes
        assert _set_up(base, owner).status_code == 404


def test_a_session_made_on_one_process_works_and_ends_on_the_other(
    pair: Cluster, owner: str
) -> None:
    first = httpx.Client(base_url=pair.webs[0], timeout=30)
    answer = first.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    csrf = answer.json()["csrf_token"]
    second = httpx.Client(base_url=pair.webs[1], timeout=30, cookies=first.cookies)
    assert second.get("/api/v1/me").json()["email"] == EMAIL
    assert second.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    # The cookie is still in the browser: it must not work anywhere any more.
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401


def test_the_sign_in_throttle_counts_attempts_on_both_processes(pair: Cluster, owner: str) -> None:
    """Five tries per email and address in 15 minutes (docs/web.md), wherever they land."""
    stranger = "someone-else@team.test"  # not the owner: the owner's own sign-in stays open
    statuses = []
    for attempt in range(7):
        base = pair.webs[attempt % 2]
        answer = httpx.post(
            f"{base}/api/v1/session", json={"email": stranger, "password": "wrong guess"}
        )
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            assert int(answer.headers["Retry-After"]) > 0
    assert statuses == [401] * 5 + [429] * 2
    # The stranger's guesses stop the stranger, not the owner signing in from the same place.
    owner = httpx.post(
        f"{pair.webs[1]}/api/v1/session", json={"email": EMAIL, "password": PASSWORD}
    )
    assert owner.status_code == 200
