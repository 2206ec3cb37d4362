"""Cancelling a run: a queued one at once, a running one at its next progress report; through the
API and the job's page, audited, refused once the run has finished."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from crosource.store import jobs
from crosource.store.tables import AuditEvent, Job
from tests.web.conftest import World
from tests.web.test_an_jobs import app_of, import_example

WAIT_SECONDS = 60.0


def _queued(world: World, pid: int) -> int:
    """A job row nobody runs yet (never submitted)."""
    with app_of(world).state.sessions.begin() as session:
        job = jobs.create_job(
            session,
            workspace_id=world.workspaces["Acme"],
            kind="simulate",
            request={"kind": "simulate", "draws": 1000},
            user_id=None,
            portfolio_id=pid,
        )
        return job.id


def _poll(world: World, acme: int, job_id: int, states: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        body: dict[str, Any] = world.client.get(f"/api/v1/workspaces/{acme}/jobs/{job_id}").json()
        if body["state"] in states:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_a_queued_run_is_cancelled_at_once_and_audited(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    job_id = _queued(world, pid)
    url = f"/api/v1/workspaces/{acme}/jobs/{job_id}/cancel"
    answer = world.client.post(url, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "cancelled"
    again = world.client.post(url, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409 and "already cancelled" in again.text
    with app_of(world).state.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cancel")).one()
        assert (event.entity, event.entity_id) == ("job", str(job_id))
        job = session.get(Job, job_id)
        assert job is not None and job.cancel_requested_at is not None and job.result is None


def test_a_running_run_stops_at_its_next_report(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    started = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "draws": 1_000_000, "sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    ).json()
    _poll(world, acme, started["id"], {"running"})
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/jobs/{started['id']}/cancel", headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 200 and answer.json()["state"] in ("running", "cancelled")
    body = _poll(world, acme, started["id"], {"cancelled", "done", "failed"})
    assert body["state"] == "cancelled" and body["result"] is None  # not a million draws later
    page = world.client.get(f"/w/{acme}/jobs/{started['id']}/status")
    assert "This run was cancelled" in page.text and "stopped while it was running" in page.text


def test_the_page_offers_cancel_to_editors_only(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    job_id = _queued(world, pid)
    page = world.client.get(f"/w/{acme}/jobs/{job_id}/status")
    assert "Cancel this run" in page.text and "confirm" in page.text  # asked before it is sent
    answer = world.client.post(
        f"/w/{acme}/jobs/{job_id}/cancel", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    shown = world.client.get(answer.headers["location"])
    assert "cancelled before it started" in shown.text
    world.sign_in("viewer@acme.test")
    other = _queued(world, pid)
    assert "Cancel this run" not in world.client.get(f"/w/{acme}/jobs/{other}/status").text
