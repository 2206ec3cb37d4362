"""One of everything in a workspace, so that every route with ids in its path finds something.

`seed_workspace` returns the ids by the name of their path parameter (`portfolio_id`, `job_id`,
...); the authorization matrices format every route's path with them. A new kind of entity with
its own path parameter adds itself here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from crosource.store import jobs, portfolios
from crosource.store.users import add_member, create_api_token, create_user
from tests.web.seed_evaluate import seed_evaluate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def seed_workspace(session: Session, *, workspace_id: int) -> dict[str, int]:
    record = portfolios.import_portfolio_file(
        session, workspace_id=workspace_id, file=EXAMPLES / "emerging-biotech.yaml"
    )
    job = jobs.create_job(
        session,
        workspace_id=workspace_id,
        kind="simulate",
        request={"kind": "simulate", "draws": 100, "sensitivity": False, "portfolio_version": 1},
        user_id=None,
        portfolio_id=record.id,
    )
    jobs.finish(session, job.id, {"scenarios": []})
    # A member of its own, with a token, for the member and token pages to act on.
    extra = create_user(
        session, email=f"extra{workspace_id}@seed.test", password="seed password 123"
    )
    member = add_member(session, user_id=extra.id, workspace_id=workspace_id, role="viewer")
    token, _ = create_api_token(session, user_id=extra.id, workspace_id=workspace_id, name="seed")
    session.flush()
    return {
        "workspace_id": workspace_id,
        "portfolio_id": record.id,
        "job_id": job.id,
        "member_id": member.id,
        "token_id": token.id,
        **seed_evaluate(session, workspace_id=workspace_id, portfolio_id=record.id),
    }
