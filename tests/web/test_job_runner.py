"""The background job runner: a simulation runs to its result, and stops when the app does."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine

from crosource.services.analyses import SimulateRequest
from crosource.store import jobs, portfolios
from crosource.store.db import session_factory
from crosource.store.tables import Job
from crosource.store.workspaces import create_workspace
from crosource.web.jobs import JobRunner

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


def _job(engine: Engine, draws: int) -> tuple[int, int]:
    with session_factory(engine).begin() as session:
        space = create_workspace(session, name="Jobs")
        record = portfolios.import_portfolio_file(session, workspace_id=space.id, file=EXAMPLE)
        request = SimulateRequest(draws=draws, sensitivity=False)
        job = jobs.create_job(
            session,
            workspace_id=space.id,
            kind="simulate",
            request=request.model_dump(),
            user_id=None,
            portfolio_id=record.id,
        )
        return space.id, job.id


def _wait(engine: Engine, job_id: int, states: set[str], seconds: float = 120) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        with session_factory(engine)() as session:
            job = session.get(Job, job_id)
            assert job is not None
            if job.state in states:
                return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.state}"
        time.sleep(0.05)


def test_a_simulation_runs_to_its_result(engine: Engine) -> None:
    _, job_id = _job(engine, 500)
    runner = JobRunner(session_factory(engine))
    runner.submit(job_id)
    job = _wait(engine, job_id, {"done", "failed"})
    runner.shutdown()
    assert job.state == "done", job.error
    assert job.progress == 1.0 and job.result is not None
    assert [s["name"] for s in job.result["scenarios"]][:1] == ["recommended"]
    assert job.result["draws"] == 500


def test_shutting_down_stops_a_running_simulation(engine: Engine) -> None:
    _, job_id = _job(engine, 1_000_000)
    runner = JobRunner(session_factory(engine))
    runner.submit(job_id)
    _wait(engine, job_id, {"running"})
    runner.shutdown()
    job = _wait(engine, job_id, {"failed", "done"}, seconds=60)
    # Stopped at a chunk's end, not after the million draws.
    assert job.state == "failed" and job.error is not None and "interrupted" in job.error
    assert job.result is None
