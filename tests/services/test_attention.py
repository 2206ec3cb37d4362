"""What needs attention on a workspace's home: failed runs, portfolios without cost risk, bids
awaited (questionnaire answers alone are not a bid)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from crosource.services.attention import attention_items
from crosource.store import jobs, portfolios, rfps
from crosource.store.workspaces import create_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"
GRID = (
    "provider,line,function,driver,unit_price_usd,quantity\n"
    "meridian,Monitoring,clinical_monitoring,per_visit,2500,100\n"
)


def test_attention_names_each_item_and_where_to_act(session: Session, tmp_path: Path) -> None:
    space = create_workspace(session, name="Attention").id
    record = portfolios.import_portfolio_file(session, workspace_id=space, file=EXAMPLE)
    job = jobs.create_job(
        session,
        workspace_id=space,
        kind="optimize",
        request={"kind": "optimize"},
        user_id=None,
        portfolio_id=record.id,
    )
    jobs.fail(session, job.id, "the solver ran out of time")
    rfp = rfps.create_rfp(
        session,
        workspace_id=space,
        portfolio_id=record.id,
        study_id="HLN-204-201",
        title="Phase 2",
        invited=["meridian", "northbridge"],
    )
    rfps.save_answers(
        session,
        workspace_id=space,
        rfp_id=rfp.id,
        provider_id="northbridge",
        answers={rfps.question_ids()[0]: "We use AI-assisted data review."},
    )
    grid = tmp_path / "meridian.csv"
    grid.write_text(GRID)
    rfps.submit_bid(
        session,
        workspace_id=space,
        rfp_id=rfp.id,
        provider_id="meridian",
        file=grid,
        filename="meridian.csv",
    )
    session.flush()
    items = {i.what: i for i in attention_items(session, workspace_id=space)}
    failed = items[f"Optimize run {job.id} failed"]
    assert failed.why == "the solver ran out of time" and failed.link.endswith(f"/jobs/{job.id}")
    assert f"{record.name}: no cost risk yet" in items
    awaited = items["RFP Phase 2: 1 bid(s) awaited"]
    assert awaited.why == "not yet received from northbridge"
    # Once a simulation has finished, the portfolio no longer waits for one.
    done = jobs.create_job(
        session,
        workspace_id=space,
        kind="simulate",
        request={"kind": "simulate"},
        user_id=None,
        portfolio_id=record.id,
    )
    jobs.finish(session, done.id, {"scenarios": []})
    session.flush()
    assert f"{record.name}: no cost risk yet" not in {
        i.what for i in attention_items(session, workspace_id=space)
    }
