"""What needs a sponsor's attention in a workspace, each item with why and where to act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosource.store import jobs
from crosource.store.tables import BidRecord, Job, PortfolioRecord, Rfp, utcnow

RECENT_DAYS = 14  # assumption: failures older than two weeks are no longer news


@dataclass(frozen=True)
class Attention:
    what: str
    why: str
    link: str


def attention_items(session: Session, *, workspace_id: int) -> list[Attention]:
    items: list[Attention] = []
    base = f"/w/{workspace_id}"
    since = utcnow() - timedelta(days=RECENT_DAYS)
    for job in jobs.list_jobs(session, workspace_id=workspace_id, limit=50):
        created = jobs.as_utc(job.created_at)
        if job.state == "failed" and created is not None and created >= since:
            items.append(
                Attention(
                    f"{job.kind.capitalize()} run {job.id} failed",
                    job.error or "no reason recorded",
                    f"{base}/jobs/{job.id}",
                )
            )
    records = session.execute(
        select(PortfolioRecord.id, PortfolioRecord.name).where(
            PortfolioRecord.workspace_id == workspace_id
        )
    ).all()
    analysed = set(
        session.scalars(
            select(Job.portfolio_id).where(
                Job.workspace_id == workspace_id, Job.kind == "simulate", Job.state == "done"
            )
        )
    )
    for record in records:
        if record.id not in analysed:
            items.append(
                Attention(
                    f"{record.name}: no cost risk yet",
                    "no Monte Carlo run of its scenarios has finished",
                    f"{base}/p/{record.id}/scenarios",
                )
            )
    open_rfps = session.scalars(
        select(Rfp).where(Rfp.workspace_id == workspace_id, Rfp.status == "open")
    )
    for rfp in open_rfps:
        # Questionnaire answers alone are not a bid: only a record with a grid's lines counts
        # (counted by the database: a bid may hold 5,000 lines).
        query = select(BidRecord.provider_id).where(
            BidRecord.rfp_id == rfp.id, func.json_array_length(BidRecord.lines) > 0
        )
        received = set(session.scalars(query))
        missing = [p for p in rfp.invited if p not in received]
        if missing:
            items.append(
                Attention(
                    f"RFP {rfp.title}: {len(missing)} bid(s) awaited",
                    "not yet received from " + ", ".join(missing),
                    f"{base}/rfps/{rfp.id}",
                )
            )
    return items
