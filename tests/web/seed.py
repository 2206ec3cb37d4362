"""One of everything in a workspace, so that every route with ids in its path finds something.

`seed_workspace` returns the ids by the name of their path parameter (`portfolio_id`, `job_id`,
...); the authorization matrices format every route's path with them. A new kind of entity with
its own path parameter adds itself here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from crosource.store import jobs, portfolios

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def seed_workspace(session: Session, *, workspace_id: int) -> dict[str, int]:
    record = portfolios.import_portfolio_file(
        session, workspace_id=workspace_id, file=EXAMPLES / "emerging-biotech.yaml"
    )
    job = jobs.create_job(
        session,
        workspace_id=workspace_id,
        kind="simulate",
        request={"kind": "simulate", "draws": 100},
        user_id=None,
        portfolio_id=record.id,
    )
    jobs.finish(session, job.id, {"scenarios": []})
    session.flush()
    return {"workspace_id": workspace_id, "portfolio_id": record.id, "job_id": job.id}
