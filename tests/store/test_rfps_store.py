"""RFPs and bids in the database: a provider bids only for itself, on RFPs it is invited to."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosource.io.errors import InvalidInput
from crosource.store import portfolios, rfps
from crosource.store.audit import list_events
from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import BidRecord
from crosource.store.workspaces import create_workspace
from tests.web.seed_evaluate import grid_csv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _setup(session: Session) -> tuple[int, int]:
    space = create_workspace(session, name="Acme").id
    record = portfolios.import_portfolio_file(
        session, workspace_id=space, file=EXAMPLES / "emerging-biotech.yaml"
    )
    rfp = rfps.create_rfp(
        session,
        workspace_id=space,
        portfolio_id=record.id,
        study_id="HLN-204-201",
        title="Phase 2",
        invited=["meridian", "northbridge"],
    )
    return space, rfp.id


def _grid(tmp_path: Path, text: str, name: str = "grid.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _bids(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(BidRecord)) or 0)


def test_create_reports_every_problem(session: Session) -> None:
    space = create_workspace(session, name="Acme").id
    record = portfolios.import_portfolio_file(
        session, workspace_id=space, file=EXAMPLES / "emerging-biotech.yaml"
    )
    with pytest.raises(InvalidInput) as caught:
        rfps.create_rfp(
            session,
            workspace_id=space,
            portfolio_id=record.id,
            study_id="NOPE",
            title=" ",
            invited=["meridian", "ghost"],
        )
    where = sorted(p.where for p in caught.value.problems)
    assert where == ["invited", "study_id", "title"]
    assert rfps.list_rfps(session, workspace_id=space) == []


def test_a_provider_bids_for_itself_and_replaces_its_bid(session: Session, tmp_path: Path) -> None:
    space, rfp_id = _setup(session)
    first = rfps.submit_bid(
        session,
        workspace_id=space,
        rfp_id=rfp_id,
        provider_id="meridian",
        file=_grid(tmp_path, grid_csv("meridian")),
        filename="grid.csv",
    )
    assert rfps.quoted_total_usd(first) == 20000 * 30 + 9000 * 20 + 2000 * 80
    assert first.assumptions == {"screen_failure_rate": 0.2}
    again = rfps.submit_bid(
        session,
        workspace_id=space,
        rfp_id=rfp_id,
        provider_id="meridian",
        file=_grid(tmp_path, grid_csv("meridian", scale=2)),
        filename="grid2.csv",
    )
    session.commit()
    assert again.id == first.id and _bids(session) == 1
    assert rfps.quoted_total_usd(again) == 2 * (20000 * 30 + 9000 * 20 + 2000 * 80)
    actions = [(e.action, e.entity) for e in list_events(session, workspace_id=space)]
    assert actions[:2] == [("update", "bid"), ("create", "bid")]


def test_rows_of_another_provider_refuse_the_whole_grid(session: Session, tmp_path: Path) -> None:
    space, rfp_id = _setup(session)
    text = grid_csv("meridian") + "northbridge,PM,project_management,fte_month,1,1\n"
    with pytest.raises(InvalidInput) as caught:
        rfps.submit_bid(
            session,
            workspace_id=space,
            rfp_id=rfp_id,
            provider_id="meridian",
            file=_grid(tmp_path, text),
            filename="grid.csv",
        )
    problems = caught.value.problems
    assert [p.where for p in problems] == ["row 6, column provider"]
    assert "northbridge" in problems[0].message
    assert _bids(session) == 0


def test_every_problem_of_a_grid_is_reported(session: Session, tmp_path: Path) -> None:
    space, rfp_id = _setup(session)
    text = (
        "provider,line,function,driver,unit_price_usd,quantity\n"
        "meridian,PM,project_management,fte_month,abc,10\n"
        "meridian,Visits,clinical_monitoring,per_lunch,100,10\n"
        "quantis,PM,project_management,fte_month,100,10\n"
    )
    with pytest.raises(InvalidInput) as caught:
        rfps.submit_bid(
            session,
            workspace_id=space,
            rfp_id=rfp_id,
            provider_id="meridian",
            file=_grid(tmp_path, text),
            filename="grid.csv",
        )
    where = {p.where for p in caught.value.problems}
    assert {"row 2, column unit_price_usd", "row 3, column driver"} <= where
    assert "row 4, column provider" in where
    assert _bids(session) == 0


def test_an_uninvited_provider_and_a_closed_rfp(session: Session, tmp_path: Path) -> None:
    space, rfp_id = _setup(session)
    with pytest.raises(NotFound):
        rfps.submit_bid(
            session,
            workspace_id=space,
            rfp_id=rfp_id,
            provider_id="quantis",
            file=_grid(tmp_path, grid_csv("quantis")),
            filename="grid.csv",
        )
    with pytest.raises(NotFound):
        rfps.invited_rfp(session, workspace_id=space, rfp_id=rfp_id, provider_id=None)
    rfps.close_rfp(session, workspace_id=space, rfp_id=rfp_id, actor_id=None)
    with pytest.raises(Conflict):
        rfps.save_answers(
            session,
            workspace_id=space,
            rfp_id=rfp_id,
            provider_id="meridian",
            answers={"q.budget": "all stated"},
        )
    assert _bids(session) == 0
    assert (
        rfps.list_rfps(session, workspace_id=space, provider_id="quantis", for_provider=True) == []
    )


def test_answers_are_checked_and_kept(session: Session) -> None:
    space, rfp_id = _setup(session)
    with pytest.raises(InvalidInput) as caught:
        rfps.save_answers(
            session,
            workspace_id=space,
            rfp_id=rfp_id,
            provider_id="meridian",
            answers={"q.nope": "x", "q.budget": "y" * 5000},
        )
    assert {p.where for p in caught.value.problems} == {"q.nope", "q.budget"}
    assert _bids(session) == 0
    record = rfps.save_answers(
        session,
        workspace_id=space,
        rfp_id=rfp_id,
        provider_id="meridian",
        answers={"q.budget": " All assumptions stated. ", "q.flexibility": ""},
    )
    assert record.answers == {"q.budget": "All assumptions stated."}
    assert not rfps.has_bid(record)
