"""The demo's provider evaluation and RFP: the bundled evaluation example, and an RFP for study
CRV-310-201 of the mid-size example answered by the bids of examples/bids/CRV-310-201.csv.

Idempotent like the rest of the demo: what the workspace already holds (by name or title) is
left alone.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from crosource.io.evaluation_io import load_evaluation
from crosource.io.portfolio_io import load_portfolio
from crosource.store import evaluations, portfolios, rfps

EVALUATION_NAME = "Rare-disease CROs (example)"
RFP_TITLE = "CRV-310-201: phase 2, full service (example)"
RFP_STUDY = "CRV-310-201"
RFP_PORTFOLIO = "midsize-hybrid"


def load_demo_evaluation(session: Session, *, workspace_id: int, examples: Path) -> None:
    held = {
        r.name for r in evaluations.list_records(session, workspace_id=workspace_id, limit=1000)
    }
    file = examples / "evaluations" / "rare-disease.yaml"
    if EVALUATION_NAME not in held and file.is_file():
        evaluations.add_evaluation(
            session,
            workspace_id=workspace_id,
            name=EVALUATION_NAME,
            evaluation=load_evaluation(file),
        )


def _grids_by_provider(file: Path) -> dict[str, str]:
    """The example grid split into one CSV per provider: each provider uploads only its own."""
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
    header, at = rows[0], rows[0].index("provider")
    grids: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if row and len(row) > at and row[at].strip():
            grids.setdefault(row[at].strip(), [header]).append(row)
    texts = {}
    for provider, lines in grids.items():
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(lines)
        texts[provider] = out.getvalue()
    return texts


def load_demo_rfp(session: Session, *, workspace_id: int, examples: Path) -> None:
    if any(r.title == RFP_TITLE for r in rfps.list_rfps(session, workspace_id=workspace_id)):
        return
    grid = examples / "bids" / f"{RFP_STUDY}.csv"
    sponsor = load_portfolio(examples / f"{RFP_PORTFOLIO}.yaml").sponsor.name
    record = next(
        (
            r
            for r in portfolios.list_records(session, workspace_id=workspace_id, limit=1000)
            if r.name == sponsor
        ),
        None,
    )
    if record is None or not grid.is_file():
        return
    texts = _grids_by_provider(grid)
    rfp = rfps.create_rfp(
        session,
        workspace_id=workspace_id,
        portfolio_id=record.id,
        study_id=RFP_STUDY,
        title=RFP_TITLE,
        invited=list(texts),
    )
    with tempfile.TemporaryDirectory() as folder:
        for provider, text in texts.items():
            path = Path(folder) / f"{provider}.csv"
            path.write_text(text, encoding="utf-8")
            rfps.submit_bid(
                session,
                workspace_id=workspace_id,
                rfp_id=rfp.id,
                provider_id=provider,
                file=path,
                filename=f"{RFP_STUDY}-{provider}.csv",
            )
