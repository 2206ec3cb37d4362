"""The queue backend on PostgreSQL: deferred with the job's transaction, run by a worker (here in
this process, until the queue is empty), split in parts that merge into the numbers of one run,
cancelled in the queue, and a stalled task put back in the queue."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from crosource.services import analyses
from crosource.services.analyses import SimulateRequest
from crosource.store import job_parts, jobs, portfolios
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.store.tables import Job
from crosource.store.workspaces import create_workspace
from crosource.tasks.backend import BackendError, choose
from crosource.tasks.queue import QueueBackend
from crosource.tasks.worker import rescue_stalled, worker_app
from tests.conftest import postgres_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    made = make_engine(pg_url)
    upgrade(made)
    yield made
    made.dispose()


def _start(engine: Engine, backend: QueueBackend, request: SimulateRequest) -> int:
    with session_factory(engine).begin() as session:
        space = create_workspace(session, name=f"Q{uuid.uuid4().hex[:6]}")
        record = portfolios.import_portfolio_file(session, workspace_id=space.id, file=EXAMPLE)
        job = jobs.create_job(
            session,
            workspace_id=space.id,
            kind="simulate",
            request=request.model_dump(),
            user_id=None,
            portfolio_id=record.id,
        )
        backend.submit(session, job.id)
        return job.id


def _work(url: str, engine: Engine, name: str = "w1") -> None:
    """A worker in this process that stops once the queue is empty."""
    app = worker_app(url)

    async def main() -> None:
        async with app.open_async():
            await app.run_worker_async(
                wait=False,
                name=name,
                additional_context={"sessions": session_factory(engine)},
                install_signal_handlers=False,
                listen_notify=False,
            )

    asyncio.run(main())


def _job(engine: Engine, job_id: int) -> Job:
    with session_factory(engine)() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _quantile(path: str) -> bool:
    """Numbers read off the histograms' counts: equal to the bit."""
    last = path.rsplit(".", 1)[-1]
    quantiles = ("p10", "p50", "p90", "min", "max", "probability_a_cheaper")
    return last.startswith(quantiles) or ".histogram." in path


def _close(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats within 1e-12 relative (sums in another order); quantiles must be equal."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not _quantile(path):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-9), path
    else:
        assert a == b, path


def test_auto_is_the_queue_on_postgresql_only() -> None:
    assert choose("auto", "postgresql") == "procrastinate"
    assert choose("auto", "sqlite") == "inprocess"
    with pytest.raises(BackendError, match="needs PostgreSQL"):
        choose("procrastinate", "sqlite")


def test_a_split_run_through_the_queue_equals_one_run(pg_url: str, engine: Engine) -> None:
    backend = QueueBackend(session_factory(engine), pg_url)
    request = SimulateRequest(draws=200_000, seed=11, sensitivity=False)
    job_id = _start(engine, backend, request)
    assert _job(engine, job_id).state == "queued" and _job(engine, job_id).runner == "procrastinate"
    _work(pg_url, engine)
    job = _job(engine, job_id)
    assert job.state == "done", job.error
    assert job.attempts == 1 and job.progress == 1.0
    with session_factory(engine)() as session:
        parts = job_parts.list_parts(session, job_id)
        portfolio = portfolios.load(
            session, workspace_id=job.workspace_id, portfolio_id=job.portfolio_id or 0
        )
    assert len(parts) == 3 and all(p.state == "done" and p.worker == "w1" for p in parts)
    assert all(p.summary is None for p in parts)  # merged, then dropped
    one = analyses.run(request, portfolio, lambda d, t: None, lambda s: None)
    assert job.result is not None
    _close(one, job.result)


def test_a_queued_job_cancelled_leaves_the_queue(pg_url: str, engine: Engine) -> None:
    backend = QueueBackend(session_factory(engine), pg_url)
    job_id = _start(engine, backend, SimulateRequest(draws=1000, sensitivity=False))
    with session_factory(engine).begin() as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert jobs.request_cancel(session, job)
        backend.cancel(session, job_id)
    with engine.connect() as connection:
        status = connection.scalar(text("SELECT status FROM procrastinate_jobs"))
    assert status == "cancelled"
    _work(pg_url, engine)
    assert _job(engine, job_id).state == "cancelled" and _job(engine, job_id).result is None


def test_a_stalled_task_is_queued_again_and_run(pg_url: str, engine: Engine) -> None:
    """A task left "doing" by a worker that is gone (no heartbeat) runs again elsewhere."""
    backend = QueueBackend(session_factory(engine), pg_url)
    job_id = _start(engine, backend, SimulateRequest(draws=1000, sensitivity=False))
    with engine.begin() as connection:  # as a worker killed mid-task leaves it
        connection.execute(text("UPDATE procrastinate_jobs SET status = 'doing'"))
        connection.execute(
            text("UPDATE job SET state = 'running', attempts = 1 WHERE id = :id"), {"id": job_id}
        )
    app = worker_app(pg_url)

    async def rescue_once() -> None:
        async with app.open_async():
            rescuer = asyncio.create_task(rescue_stalled(app, 3))
            await asyncio.sleep(1.5)
            rescuer.cancel()

    asyncio.run(rescue_once())
    _work(pg_url, engine)
    job = _job(engine, job_id)
    assert job.state == "done", job.error
    assert job.attempts == 2  # counted: the start that died and the retry


def test_the_queue_schema_is_made_once_beside_the_tables(engine: Engine) -> None:
    """In the URL's schema, once; migrations never see procrastinate's tables as ours."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from crosource.store.migrate import include_name
    from crosource.store.tables import Base
    from crosource.tasks.queue import ensure_schema

    assert ensure_schema(engine) is True
    assert ensure_schema(engine) is False
    with engine.connect() as connection:
        schema = connection.scalar(text("SELECT current_schema()"))
        found = connection.scalar(
            text("SELECT to_regclass('procrastinate_jobs')::text"),
        )
        assert found == "procrastinate_jobs" and schema != "public"  # found in the schema only
        assert connection.scalar(text("SELECT to_regclass('public.procrastinate_jobs')")) is None
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []


def test_processes_starting_together_make_the_queue_schema_once(pg_url: str) -> None:
    """Four starters at once on a new database: one makes the schema, the others find it (the
    check once read the catalog cache, stale after waiting for the lock, and three failed)."""
    import threading

    from crosource.tasks.queue import ensure_schema

    engines = [make_engine(pg_url) for _ in range(4)]
    for made in engines[:1]:
        upgrade(made)
    barrier = threading.Barrier(len(engines))
    made_it: list[bool] = []
    errors: list[BaseException] = []

    def start(made: Engine) -> None:
        barrier.wait()
        try:
            made_it.append(ensure_schema(made))
        except BaseException as exc:  # the failure under test; reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(made,)) for made in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for made in engines:
        made.dispose()
    assert errors == []
    assert sorted(made_it) == [False, False, False, True]
