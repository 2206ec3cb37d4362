"""Two web processes and two workers on one PostgreSQL schema, as a team deploys crosource: a
Monte Carlo started on one web process is watched on the other, split across both workers with
the numbers of one process; a run is cancelled; a worker killed mid-run loses nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crosource.services import analyses
from crosource.services.analyses import SimulateRequest
from crosource.store import portfolios
from crosource.store.tables import Job, JobPart
from tests.multiprocess.conftest import Client, Cluster
from tests.tasks.test_queue import _close

# One cluster for the module: with `pytest -n N --dist loadgroup` its tests stay on one worker.
pytestmark = pytest.mark.xdist_group("processes")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "midsize-hybrid.yaml"
SPLIT = {"kind": "simulate", "draws": 200_000, "seed": 3, "sensitivity_draws": 200}
WAIT_SECONDS = 90.0


@pytest.fixture(scope="module")
def portfolio_id(cluster: Cluster) -> int:
    return _import(cluster.client(0))


def _import(client: Client) -> int:
    space = client.workspace()
    with EXAMPLE.open("rb") as file:
        answer = client.post(
            f"/api/v1/workspaces/{space}/portfolios",
            files={"file": (EXAMPLE.name, file, "application/yaml")},
        )
    assert answer.status_code == 201, answer.text
    found: int = answer.json()["id"]
    return found


def _start(client: Client, portfolio_id: int, body: dict[str, Any]) -> int:
    space = client.workspace()
    answer = client.post(f"/api/v1/workspaces/{space}/portfolios/{portfolio_id}/jobs", json=body)
    assert answer.status_code == 202, answer.text
    found: int = answer.json()["id"]
    return found


def _wait(
    cluster: Cluster, client: Client, job_id: int, states: set[str], seconds: float = WAIT_SECONDS
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        answer = client.get(f"/api/v1/workspaces/{client.workspace()}/jobs/{job_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["state"] in states:
            return body
        assert time.monotonic() < deadline, f"{body['state']} {body['stage']}\n{cluster.logs()}"
        time.sleep(0.3)


def _parts(cluster: Cluster, job_id: int) -> list[JobPart]:
    with Session(cluster.engine) as session:
        query = select(JobPart).where(JobPart.job_id == job_id).order_by(JobPart.part)
        return list(session.scalars(query))


def _job(cluster: Cluster, job_id: int) -> Job:
    with Session(cluster.engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _one_process(cluster: Cluster, portfolio_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The same run in this process, whole, on the stored portfolio."""
    with Session(cluster.engine) as session:
        record = session.get(portfolios.PortfolioRecord, portfolio_id)
        assert record is not None
        portfolio = portfolios.document_to_portfolio(record.document, "stored")
    request = SimulateRequest.model_validate(body)
    return analyses.run(request, portfolio, lambda d, t: None, lambda s: None)


def test_a_run_split_across_two_workers_is_one_process_run(
    cluster: Cluster, portfolio_id: int
) -> None:
    first, second = cluster.client(0), cluster.client(1)
    job_id = _start(first, portfolio_id, SPLIT)
    seen = _wait(cluster, second, job_id, {"running", "done", "failed"})  # the other process
    assert seen["state"] != "failed", seen["error"]
    done = _wait(cluster, second, job_id, {"done", "failed", "cancelled"})
    assert done["state"] == "done", f"{done['error']}\n{cluster.logs()}"
    parts = _parts(cluster, job_id)
    assert len(parts) == 3 and all(p.state == "done" for p in parts)
    assert {p.worker for p in parts} == {"w1", "w2"}, [(p.part, p.worker) for p in parts]
    assert _job(cluster, job_id).attempts == 1
    _close(_one_process(cluster, portfolio_id, SPLIT), done["result"])


def test_a_running_job_is_cancelled_from_the_other_web_process(
    cluster: Cluster, portfolio_id: int
) -> None:
    first, second = cluster.client(0), cluster.client(1)
    body = {"kind": "simulate", "draws": 1_000_000, "seed": 4, "sensitivity": False}
    job_id = _start(first, portfolio_id, body)
    deadline = time.monotonic() + WAIT_SECONDS
    while not any(p.state == "running" and p.part > 0 for p in _parts(cluster, job_id)):
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.2)
    space = second.workspace()
    answer = second.post(f"/api/v1/workspaces/{space}/jobs/{job_id}/cancel")
    assert answer.status_code == 200, answer.text
    stopped = _wait(cluster, first, job_id, {"done", "failed", "cancelled"}, seconds=30)
    assert stopped["state"] == "cancelled" and stopped["result"] is None
    # The parts not started left the queue; those running stopped at their next report.
    ids = [p.queue_id for p in _parts(cluster, job_id)[1:]]
    deadline = time.monotonic() + 30
    while set(_queue_states(cluster, ids)) - {"cancelled", "succeeded"}:
        assert time.monotonic() < deadline, _queue_states(cluster, ids)
        time.sleep(0.3)
    assert "cancelled" in _queue_states(cluster, ids)
    page = first.get(f"/w/{space}/jobs/{job_id}/status")
    assert "This run was cancelled" in page.text


def test_a_worker_killed_mid_run_loses_nothing(cluster: Cluster, portfolio_id: int) -> None:
    """Its part is queued again once its heartbeat is old and runs on the other worker: the
    result is the same, to the bit, as the run that nothing interrupted."""
    first = cluster.client(0)
    job_id = _start(first, portfolio_id, SPLIT)
    deadline = time.monotonic() + WAIT_SECONDS
    victim = None
    while victim is None:
        running = [p for p in _parts(cluster, job_id) if p.state == "running" and p.part > 0]
        victim = running[0] if running else None
        assert time.monotonic() < deadline, cluster.logs()
        time.sleep(0.05)
    assert victim.worker in ("w1", "w2")
    os.kill(cluster.processes[victim.worker].popen.pid, signal.SIGKILL)
    done = _wait(cluster, first, job_id, {"done", "failed", "cancelled"})
    assert done["state"] == "done", f"{done['error']}\n{cluster.logs()}"
    parts = {p.part: p for p in _parts(cluster, job_id)}
    assert parts[victim.part].attempts == 2 and parts[victim.part].worker != victim.worker
    assert _job(cluster, job_id).attempts == 2
    earlier = [j for j in _jobs_like(cluster, job_id) if j.state == "done"]
    if earlier:  # the uninterrupted run of the first test, same settings: the same numbers
        assert earlier[0].result == done["result"]


def _jobs_like(cluster: Cluster, job_id: int) -> list[Job]:
    mine = _job(cluster, job_id)
    with Session(cluster.engine) as session:
        found = session.scalars(select(Job).where(Job.id != job_id, Job.kind == "simulate"))
        return [
            j
            for j in found
            if j.request.get("draws") == mine.request.get("draws")
            and j.request.get("seed") == mine.request.get("seed")
        ]


def _queue_states(cluster: Cluster, ids: list[int | None]) -> list[str]:
    """The states of these tasks in procrastinate's queue."""
    with Session(cluster.engine) as session:
        found = session.execute(
            text("SELECT status FROM procrastinate_jobs WHERE id = ANY(:ids)"),
            {"ids": [i for i in ids if i is not None]},
        )
        return [str(row[0]) for row in found]
