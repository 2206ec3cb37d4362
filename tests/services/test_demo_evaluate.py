"""The demo's evaluation and RFP: loaded once, with the three example bids, each provider's
own, and compared at the sponsor's quantities."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from crosource.io.portfolio_io import load_portfolio
from crosource.services import rfps as rfp_service
from crosource.services.demo import load_demo
from crosource.services.demo_evaluate import EVALUATION_NAME, RFP_STUDY
from crosource.store import evaluations, rfps

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_demo_holds_the_evaluation_and_the_rfp_once(session: Session) -> None:
    workspace = load_demo(session, name="Demo", examples=EXAMPLES)
    load_demo(session, name="Demo", examples=EXAMPLES)  # idempotent
    session.commit()
    names = [r.name for r in evaluations.list_records(session, workspace_id=workspace.id)]
    assert names == [EVALUATION_NAME]
    found = rfps.list_rfps(session, workspace_id=workspace.id)
    assert len(found) == 1
    rfp = found[0]
    assert rfp.study_id == RFP_STUDY and rfp.invited == ["meridian", "tessera", "kestrel"]
    providers = {p.id for p in load_portfolio(EXAMPLES / "midsize-hybrid.yaml").providers}
    assert set(rfp.invited) <= providers
    answers = rfps.answers_of(session, rfp_id=rfp.id)
    assert {a.provider_id for a in answers} == set(rfp.invited)
    for answer in answers:
        assert answer.lines and all(line["line"] for line in answer.lines)
        assert answer.assumptions  # the stated screen failure and dropout came along
    result = rfp_service.comparison(session, rfp)
    assert result is not None and result["cheapest_normalized"] == "tessera"
