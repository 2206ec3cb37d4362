"""A million-draw Monte Carlo run by `crosource worker` processes on PostgreSQL: one worker, then
two (docs/web.md, "Background analyses"; docs/deploy.md, "Workers").

Run: .venv/bin/python benchmarks/jobs.py [--example large-pharma] [--draws 1000000]
     [--workers 1 2] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

On a fresh schema of the PostgreSQL database, the example portfolio is stored and, for each count
of workers, that many `crosource worker` processes are started (BLAS threads pinned to 1) and
waited for; then the run (default scenarios, no tornado) is queued as the web application queues
it, and timed until its result is stored: compiling the plans in each worker, the parts, and the
merge. Prints seconds, draws per second and the speed-up over one worker, and checks that every
count of workers gave the same result.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from crosource.services.analyses import SimulateRequest
from crosource.store import jobs, portfolios
from crosource.store.db import make_engine, session_factory
from crosource.store.migrate import upgrade
from crosource.store.tables import Job, JobPart
from crosource.store.workspaces import create_workspace
from crosource.tasks.queue import QueueBackend, ensure_schema

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _workers_up(engine: object, count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with Session(engine) as session:  # type: ignore[call-overload]
            up = session.scalar(text("SELECT count(*) FROM procrastinate_workers"))
        if up >= count:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"only {up} of {count} workers started")
        time.sleep(0.2)


def run(
    url: str, portfolio_id: int, workspace_id: int, draws: int, workers: int
) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, "CROSOURCE_DATABASE_URL": url, "OPENBLAS_NUM_THREADS": "1"}
    env |= {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "crosource", "worker"]
    started = [
        subprocess.Popen([*command, "--name", f"bench{k + 1}"], env=env, stderr=subprocess.DEVNULL)
        for k in range(workers)
    ]
    engine = make_engine(url)
    sessions = session_factory(engine)
    try:
        _workers_up(engine, workers)
        backend = QueueBackend(sessions, url)
        request = SimulateRequest(draws=draws, seed=1, sensitivity=False)
        begin = time.perf_counter()
        with sessions.begin() as session:
            job = jobs.create_job(
                session,
                workspace_id=workspace_id,
                kind="simulate",
                request=request.model_dump(),
                user_id=None,
                portfolio_id=portfolio_id,
            )
            backend.submit(session, job.id)
            job_id = job.id
        while True:
            with sessions() as session:
                found = session.get(Job, job_id)
                assert found is not None
                if found.state not in jobs.ACTIVE:
                    break
            time.sleep(0.1)
        seconds = time.perf_counter() - begin
        assert found.state == "done", found.error
        with sessions() as session:
            parts = session.scalar(
                select(func.count()).select_from(JobPart).where(JobPart.job_id == job_id)
            )
            ran = session.scalars(
                select(JobPart.worker).where(JobPart.job_id == job_id).distinct()
            ).all()
        print(f"  {parts} parts, run by {sorted(w or '?' for w in ran)}")
        return seconds, found.result or {}
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        with engine.begin() as connection:  # the stopped workers' rows
            connection.execute(text("DELETE FROM procrastinate_workers"))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="large-pharma")
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    options = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(options.postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{options.postgres}?options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        ensure_schema(engine)
        with session_factory(engine).begin() as session:
            space = create_workspace(session, name="Bench")
            record = portfolios.import_portfolio_file(
                session, workspace_id=space.id, file=EXAMPLES / f"{options.example}.yaml"
            )
            ids = record.id, space.id
        engine.dispose()
        print(
            f"{options.example}: {options.draws:,} draws, default scenarios, {os.cpu_count()} cores"
        )
        results = []
        base = None
        for count in options.workers:
            seconds, result = run(url, *ids, options.draws, count)
            results.append(result)
            base = base or seconds
            print(
                f"{count} worker{'s' if count > 1 else ''}: {seconds:7.1f} s  "
                f"{options.draws / seconds:9,.0f} draws/s  speed-up {base / seconds:4.2f}"
            )
        same = all(r == results[0] for r in results)
        print(f"same result with every count of workers: {same}")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
