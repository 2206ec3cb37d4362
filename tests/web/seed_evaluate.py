"""Part C's share of the seed: an evaluation, and an open RFP with the provider user's bid.

The RFP invites meridian (the provider of tests/web/conftest.py's provider user) and northbridge,
and holds meridian's bid, so that the portal's routes find something to show their provider.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from crosource.services.evaluations import from_portfolio
from crosource.store import evaluations, portfolios, rfps

STUDY = "HLN-204-201"
PROVIDER = "meridian"
OTHER_PROVIDER = "northbridge"


def grid_csv(provider: str, *, scale: float = 1.0) -> str:
    """A small valid bid grid for STUDY, priced by `scale`."""
    return (
        "provider,line,function,driver,unit_price_usd,quantity\n"
        f"{provider},Project management,project_management,fte_month,{20000 * scale:.0f},30\n"
        f"{provider},Site activation,site_management,per_site,{9000 * scale:.0f},20\n"
        f"{provider},Data management,data_management,per_patient_enrolled,{2000 * scale:.0f},80\n"
        f"{provider},screen_failure_rate,,assumption,,0.2\n"
    )


def submit_grid(
    session: Session, *, workspace_id: int, rfp_id: int, provider: str, text: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grid.csv"
        path.write_text(text, encoding="utf-8")
        rfps.submit_bid(
            session,
            workspace_id=workspace_id,
            rfp_id=rfp_id,
            provider_id=provider,
            file=path,
            filename="grid.csv",
        )


def seed_evaluate(session: Session, *, workspace_id: int, portfolio_id: int) -> dict[str, int]:
    portfolio = portfolios.load(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    evaluation = evaluations.add_evaluation(
        session,
        workspace_id=workspace_id,
        name="Seeded evaluation",
        evaluation=from_portfolio(portfolio),
    )
    rfp = rfps.create_rfp(
        session,
        workspace_id=workspace_id,
        portfolio_id=portfolio_id,
        study_id=STUDY,
        title="Seeded RFP",
        invited=[PROVIDER, OTHER_PROVIDER],
    )
    submit_grid(
        session,
        workspace_id=workspace_id,
        rfp_id=rfp.id,
        provider=PROVIDER,
        text=grid_csv(PROVIDER),
    )
    session.flush()
    bid = rfps.answer_of(session, rfp_id=rfp.id, provider_id=PROVIDER)
    assert bid is not None
    return {"evaluation_id": evaluation.id, "rfp_id": rfp.id, "bid_id": bid.id}
