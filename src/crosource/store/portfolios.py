"""Portfolios in the database: import, read, replace and export, every change validated and audited.

Documents pass through the domain's validation on the way in, so the database never holds a
portfolio that its file format would refuse, and export writes the same files as the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, defer

from crosource.domain.portfolio import Portfolio
from crosource.domain.validation import validate_portfolio
from crosource.io.errors import FileProblem, InvalidInput, render_path
from crosource.io.portfolio_io import load_portfolio, save_portfolio
from crosource.store.audit import add_created, record_change
from crosource.store.errors import Conflict, check_text
from crosource.store.scoped import by_name, check_version, in_workspace
from crosource.store.tables import Assessment, PortfolioRecord


def add_portfolio(
    session: Session,
    *,
    workspace_id: int,
    name: str,
    portfolio: Portfolio,
    actor_id: int | None = None,
) -> PortfolioRecord:
    name = check_text(name, "a portfolio's name", 200)
    taken = select(PortfolioRecord.id).where(
        PortfolioRecord.workspace_id == workspace_id, PortfolioRecord.name == name
    )
    if session.scalar(taken) is not None:
        raise Conflict(f"this workspace already has a portfolio named {name!r}")
    record = PortfolioRecord(workspace_id=workspace_id, name=name, document={})
    _store_document(record, portfolio)
    return add_created(
        session,
        record,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity="portfolio",
        new={"name": name, "studies": record.studies, "providers": record.providers},
    )


def import_portfolio_file(
    session: Session,
    *,
    workspace_id: int,
    file: Path,
    name: str | None = None,
    actor_id: int | None = None,
) -> PortfolioRecord:
    """Import a YAML, JSON or Excel file; an invalid one raises with every problem, adds nothing."""
    portfolio = load_portfolio(file)
    return add_portfolio(
        session,
        workspace_id=workspace_id,
        name=name or portfolio.sponsor.name,
        portfolio=portfolio,
        actor_id=actor_id,
    )


def get_record(session: Session, *, workspace_id: int, portfolio_id: int) -> PortfolioRecord:
    return in_workspace(
        session, PortfolioRecord, workspace_id=workspace_id, row_id=portfolio_id, what="portfolio"
    )


def load(session: Session, *, workspace_id: int, portfolio_id: int) -> Portfolio:
    record = get_record(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    return document_to_portfolio(record.document, f"portfolio {portfolio_id}")


def list_records(
    session: Session, *, workspace_id: int, limit: int = 100, offset: int = 0
) -> list[PortfolioRecord]:
    # Without their documents (the large example's is ~0.5 MB): listings show names and counts.
    return by_name(
        session,
        PortfolioRecord,
        workspace_id=workspace_id,
        limit=limit,
        offset=offset,
        options=(defer(PortfolioRecord.document),),
    )


def replace_document(
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int,
    document: Any,
    expected_version: int,
    actor_id: int | None = None,
) -> PortfolioRecord:
    """Replace a portfolio's content; refuse invalid content and edits made on a stale copy."""
    record = get_record(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    portfolio = document_to_portfolio(document, f"portfolio {portfolio_id}")
    # After validating: refused content leaves the version unclaimed.
    check_version(session, record, expected_version, what="portfolio")
    old = record.document
    _store_document(record, portfolio)
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="portfolio",
        entity_id=str(record.id),
        old=old,
        new=record.document,
    )
    return record


def delete_portfolio(
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int,
    expected_version: int,
    actor_id: int | None = None,
) -> None:
    """Delete a portfolio and what belongs to it (its runs, RFPs and bids, by the tables'
    cascades); the audit event keeps the document. Refused on a stale version."""
    record = get_record(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    check_version(session, record, expected_version, what="portfolio", then="delete it then")
    # A finished assessment points at the portfolio it made; left behind, it would turn back
    # into an unfinished draft when the reference is cleared.
    session.execute(delete(Assessment).where(Assessment.portfolio_id == portfolio_id))
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="delete",
        entity="portfolio",
        entity_id=str(record.id),
        old={"name": record.name, "version": record.version, "document": record.document},
    )
    session.delete(record)
    session.flush()


def export_portfolio_file(
    session: Session, *, workspace_id: int, portfolio_id: int, file: Path
) -> None:
    save_portfolio(load(session, workspace_id=workspace_id, portfolio_id=portfolio_id), file)


def document_to_portfolio(document: Any, name: str) -> Portfolio:
    portfolio, problems = validate_portfolio(document)
    if portfolio is None:
        raise InvalidInput([FileProblem(name, render_path(p.path), p.message) for p in problems])
    return portfolio


def _store_document(record: PortfolioRecord, portfolio: Portfolio) -> None:
    record.document = portfolio.to_data()
    record.studies = len(portfolio.studies)
    record.providers = len(portfolio.providers)
