from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio
from crosource.store import portfolios
from crosource.store.audit import list_events
from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import PortfolioRecord
from crosource.store.workspaces import create_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["emerging-biotech", "midsize-hybrid", "large-pharma"])
def test_examples_round_trip_through_the_database(
    session: Session, tmp_path: Path, example: str
) -> None:
    workspace = create_workspace(session, name="Demo")
    record = portfolios.import_portfolio_file(
        session, workspace_id=workspace.id, file=EXAMPLES / f"{example}.xlsx"
    )
    session.commit()
    session.expunge_all()
    for suffix in (".yaml", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        portfolios.export_portfolio_file(
            session, workspace_id=workspace.id, portfolio_id=record.id, file=out
        )
        assert load_portfolio(out) == load_portfolio(EXAMPLES / f"{example}.yaml")
    stored = session.get(PortfolioRecord, record.id)
    assert stored is not None
    assert stored.studies == len(load_portfolio(EXAMPLES / f"{example}.yaml").studies)


def test_invalid_import_changes_nothing(session: Session, tmp_path: Path) -> None:
    workspace = create_workspace(session, name="Demo")
    session.commit()
    bad = tmp_path / "bad.yaml"
    text = (EXAMPLES / "emerging-biotech.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("phase: ", "phase: X", 1), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        portfolios.import_portfolio_file(session, workspace_id=workspace.id, file=bad)
    assert any("phase" in str(problem) for problem in caught.value.problems)
    assert portfolios.list_records(session, workspace_id=workspace.id) == []


def test_replace_validates_checks_version_and_audits(session: Session) -> None:
    workspace = create_workspace(session, name="Demo")
    record = portfolios.import_portfolio_file(
        session, workspace_id=workspace.id, file=EXAMPLES / "emerging-biotech.yaml", name="P"
    )
    session.commit()
    document = dict(record.document)
    document["sponsor"] = {**document["sponsor"], "name": "Renamed Bio"}

    def replace(new: dict[str, object]) -> PortfolioRecord:
        return portfolios.replace_document(
            session,
            workspace_id=workspace.id,
            portfolio_id=record.id,
            document=new,
            expected_version=1,
        )

    broken = {**document, "studies": "none"}
    with pytest.raises(InvalidInput):
        replace(broken)
    assert record.version == 1

    replace(document)
    session.commit()
    assert record.version == 2
    loaded = portfolios.load(session, workspace_id=workspace.id, portfolio_id=record.id)
    assert loaded.sponsor.name == "Renamed Bio"

    with pytest.raises(Conflict, match="changed since version 1"):
        replace(document)
    update = list_events(session, workspace_id=workspace.id)[0]
    assert (update.action, update.entity) == ("update", "portfolio")
    assert update.old is not None and update.new is not None
    assert update.old["sponsor"]["name"] != "Renamed Bio"
    assert update.new["sponsor"]["name"] == "Renamed Bio"


def test_other_workspace_cannot_reach_a_portfolio(session: Session) -> None:
    mine = create_workspace(session, name="Mine")
    theirs = create_workspace(session, name="Theirs")
    record = portfolios.import_portfolio_file(
        session, workspace_id=mine.id, file=EXAMPLES / "emerging-biotech.yaml"
    )
    session.commit()
    with pytest.raises(NotFound):
        portfolios.load(session, workspace_id=theirs.id, portfolio_id=record.id)
    assert portfolios.list_records(session, workspace_id=theirs.id) == []


def test_duplicate_names_are_refused(session: Session) -> None:
    workspace = create_workspace(session, name="Demo")
    with pytest.raises(Conflict):
        create_workspace(session, name="Demo")
    portfolios.import_portfolio_file(
        session, workspace_id=workspace.id, file=EXAMPLES / "emerging-biotech.yaml", name="P"
    )
    with pytest.raises(Conflict):
        portfolios.import_portfolio_file(
            session, workspace_id=workspace.id, file=EXAMPLES / "midsize-hybrid.yaml", name="P"
        )
