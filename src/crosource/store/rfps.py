"""Requests for proposals and the bids that answer them, validated and audited.

An RFP asks some of a portfolio's providers to bid on one of its studies. Each invited provider
keeps one answer (a BidRecord): its bid grid and its questionnaire answers, which it may replace
while the RFP is open. A provider only ever reaches its own answer: every function that serves a
provider takes the provider's id and refuses RFPs it is not invited to as absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crosource import catalog
from crosource.engine.evaluate.bids import Bid, BidLine
from crosource.io.bids_io import parse_bids, read_grid
from crosource.io.errors import FileProblem, InvalidInput
from crosource.store import portfolios
from crosource.store.audit import add_created, record_change
from crosource.store.errors import Conflict, Invalid, NotFound, check_text
from crosource.store.scoped import in_workspace
from crosource.store.tables import BidRecord, Rfp

MAX_ANSWER = 4000
MAX_REASON = 1000
RFP_STATES = ("open", "closed")
# A bid the sponsor rejects is kept, with its reason, but left out of the comparison and the
# evaluation; the provider's next upload puts it back as received (docs/evaluation.md).
BID_STATES = ("received", "rejected")


def create_rfp(
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int,
    study_id: str,
    title: str,
    invited: list[str],
    actor_id: int | None = None,
) -> Rfp:
    """An open RFP for a study of the portfolio; every problem of the request is reported."""
    portfolio = portfolios.load(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    problems: list[FileProblem] = []
    try:
        title = check_text(title, "the title", 200)
    except Invalid as exc:
        problems.append(FileProblem("rfp", "title", str(exc)))
    studies = [s.id for s in portfolio.studies]
    if study_id not in studies:
        problems.append(
            FileProblem("rfp", "study_id", f"no study {study_id!r}; expected one of {studies}")
        )
    known = [p.id for p in portfolio.providers]
    if not invited:
        problems.append(FileProblem("rfp", "invited", "invite at least one provider"))
    for provider in invited:
        if provider not in known:
            problems.append(
                FileProblem("rfp", "invited", f"{provider!r} is not a provider of the portfolio")
            )
    if len(set(invited)) != len(invited):
        problems.append(FileProblem("rfp", "invited", "a provider is invited twice"))
    if problems:
        raise InvalidInput(problems)
    rfp = Rfp(
        workspace_id=workspace_id,
        portfolio_id=portfolio_id,
        study_id=study_id,
        title=title,
        invited=list(invited),
        status="open",
    )
    return add_created(
        session,
        rfp,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity="rfp",
        new={"title": title, "study_id": study_id, "invited": list(invited)},
    )


def get_rfp(session: Session, *, workspace_id: int, rfp_id: int) -> Rfp:
    return in_workspace(session, Rfp, workspace_id=workspace_id, row_id=rfp_id, what="RFP")


def invited_rfp(
    session: Session, *, workspace_id: int, rfp_id: int, provider_id: str | None
) -> Rfp:
    """An RFP as a provider may see it: one it is not invited to does not exist for it."""
    rfp = session.get(Rfp, rfp_id)
    if (
        rfp is None
        or rfp.workspace_id != workspace_id
        or provider_id is None
        or provider_id not in rfp.invited
    ):
        raise NotFound(f"no RFP {rfp_id} for you")
    return rfp


def list_rfps(
    session: Session,
    *,
    workspace_id: int,
    provider_id: str | None = None,
    for_provider: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[Rfp]:
    """The workspace's RFPs, newest first; for a provider, only those it is invited to."""
    query = select(Rfp).where(Rfp.workspace_id == workspace_id).order_by(Rfp.id.desc())
    rfps = list(session.scalars(query))
    if for_provider:
        # The invited list is JSON, queried alike on SQLite and PostgreSQL by filtering here.
        rfps = [r for r in rfps if provider_id is not None and provider_id in r.invited]
    return rfps[offset : offset + limit]


def close_rfp(session: Session, *, workspace_id: int, rfp_id: int, actor_id: int | None) -> Rfp:
    rfp = get_rfp(session, workspace_id=workspace_id, rfp_id=rfp_id)
    if rfp.status != "closed":
        rfp.status = "closed"
        record_change(
            session,
            workspace_id=workspace_id,
            user_id=actor_id,
            action="update",
            entity="rfp",
            entity_id=str(rfp.id),
            old={"status": "open"},
            new={"status": "closed"},
        )
    return rfp


def answers_of(session: Session, *, rfp_id: int) -> list[BidRecord]:
    query = select(BidRecord).where(BidRecord.rfp_id == rfp_id).order_by(BidRecord.provider_id)
    return list(session.scalars(query))


def answer_of(session: Session, *, rfp_id: int, provider_id: str) -> BidRecord | None:
    query = select(BidRecord).where(
        BidRecord.rfp_id == rfp_id, BidRecord.provider_id == provider_id
    )
    return session.scalar(query)


def has_bid(record: BidRecord | None) -> bool:
    return record is not None and bool(record.lines)


def is_received(record: BidRecord | None) -> bool:
    """A bid that counts: compared and evaluated (a rejected one is only shown)."""
    return has_bid(record) and record is not None and record.status != "rejected"


def get_bid(session: Session, *, workspace_id: int, rfp_id: int, bid_id: int) -> BidRecord:
    """A bid of one of the workspace's RFPs; any other id is absent."""
    rfp = get_rfp(session, workspace_id=workspace_id, rfp_id=rfp_id)
    record = session.get(BidRecord, bid_id)
    if record is None or record.rfp_id != rfp.id:
        raise NotFound(f"no bid {bid_id} in RFP {rfp_id}")
    return record


def reject_bid(
    session: Session,
    *,
    workspace_id: int,
    rfp_id: int,
    bid_id: int,
    reason: str,
    actor_id: int | None,
) -> BidRecord:
    """Set the bid aside with the reason its provider will read; kept, but no longer compared."""
    record = get_bid(session, workspace_id=workspace_id, rfp_id=rfp_id, bid_id=bid_id)
    try:
        reason = check_text(reason, "the reason", MAX_REASON)
    except Invalid as exc:
        raise InvalidInput.single("bid", str(exc), "reason") from None
    old = {"provider": record.provider_id, "status": record.status, "reason": record.status_reason}
    record.status, record.status_reason = "rejected", reason
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="bid",
        entity_id=str(record.id),
        old=old,
        new={"provider": record.provider_id, "status": "rejected", "reason": reason},
    )
    return record


def remove_bid(
    session: Session,
    *,
    workspace_id: int,
    rfp_id: int,
    bid_id: int,
    provider_id: str,
    actor_id: int | None,
) -> None:
    """Delete the bid; `provider_id` names its provider, so that a mistaken id removes nothing.
    The audit event keeps the bid's lines and answers."""
    record = get_bid(session, workspace_id=workspace_id, rfp_id=rfp_id, bid_id=bid_id)
    if record.provider_id != provider_id:
        raise Conflict(
            f"bid {bid_id} is the bid of {record.provider_id!r}, not {provider_id!r}; "
            "nothing was removed"
        )
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="delete",
        entity="bid",
        entity_id=str(record.id),
        old={
            "provider": record.provider_id,
            "status": record.status,
            "filename": record.filename,
            "lines": record.lines,
            "assumptions": record.assumptions,
            "answers": record.answers,
        },
    )
    session.delete(record)
    session.flush()


def to_bid(record: BidRecord) -> Bid:
    lines = [
        BidLine(
            record.provider_id,
            str(line["line"]),
            line.get("function"),
            str(line["driver"]),
            float(line["unit_price_usd"]),
            float(line["quantity"]),
        )
        for line in record.lines
    ]
    assumptions = {str(k): float(v) for k, v in record.assumptions.items()}
    return Bid(record.provider_id, lines, assumptions)


def quoted_total_usd(record: BidRecord) -> float:
    return sum(float(r["unit_price_usd"]) * float(r["quantity"]) for r in record.lines)


def _open_for(session: Session, workspace_id: int, rfp_id: int, provider_id: str | None) -> Rfp:
    rfp = invited_rfp(session, workspace_id=workspace_id, rfp_id=rfp_id, provider_id=provider_id)
    if rfp.status != "open":
        raise Conflict(f"RFP {rfp_id} is closed: it takes no more bids or answers")
    return rfp


def _add_answer(
    session: Session,
    record: BidRecord,
    workspace_id: int,
    actor_id: int | None,
    new: dict[str, Any],
) -> BidRecord:
    try:
        return add_created(
            session, record, workspace_id=workspace_id, actor_id=actor_id, entity="bid", new=new
        )
    except IntegrityError:  # the same provider's first answer sent twice at once
        raise Conflict("your answer was being saved from elsewhere; send it again") from None


def _foreign_rows(rows: list[tuple[Any, ...]], provider_id: str) -> list[FileProblem]:
    """Rows of the grid that name another provider: a provider bids only for itself."""
    if not rows:
        return []
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    if "provider" not in header:
        return []
    at = header.index("provider")
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        value = str(row[at] or "").strip() if at < len(row) else ""
        if value and value != provider_id:
            problems.append(
                FileProblem(
                    "bid grid",
                    f"row {number}, column provider",
                    f"{value!r} is another provider; you may only bid as {provider_id!r}",
                )
            )
    return problems


def submit_bid(
    session: Session,
    *,
    workspace_id: int,
    rfp_id: int,
    provider_id: str | None,
    file: Path,
    filename: str,
    actor_id: int | None = None,
) -> BidRecord:
    """Store or replace the provider's bid grid; an invalid grid raises and stores nothing."""
    rfp = _open_for(session, workspace_id, rfp_id, provider_id)
    assert provider_id is not None  # invited_rfp refused a provider without an id
    rows = read_grid(file)  # once: a workbook is not unpacked twice
    problems = _foreign_rows(rows, provider_id)
    try:
        bids = [b for b in parse_bids(rows, str(file)) if b.provider == provider_id]
    except InvalidInput as exc:  # reported with the rows of other providers, if any
        problems += [FileProblem("bid grid", p.where, p.message) for p in exc.problems]
    if problems:
        raise InvalidInput(problems)
    if not bids:
        raise InvalidInput.single("bid grid", f"no bid lines for {provider_id!r}")
    bid = bids[0]
    lines = [
        {
            "line": line.line,
            "function": line.function,
            "driver": line.driver,
            "unit_price_usd": line.unit_price_usd,
            "quantity": line.quantity,
        }
        for line in bid.lines
    ]
    record = answer_of(session, rfp_id=rfp.id, provider_id=provider_id)
    new = {"provider": provider_id, "lines": len(lines), "filename": filename[:200]}
    if record is None:
        record = BidRecord(
            rfp_id=rfp.id,
            provider_id=provider_id,
            lines=lines,
            assumptions=dict(bid.assumptions),
            answers={},
            filename=filename[:200],
        )
        return _add_answer(session, record, workspace_id, actor_id, new)
    old = {
        "provider": provider_id,
        "lines": len(record.lines),
        "filename": record.filename,
        "status": record.status,
    }
    record.lines, record.assumptions, record.filename = lines, dict(bid.assumptions), filename[:200]
    # A new grid is a new bid: one rejected before is received again, its reason dropped.
    record.status, record.status_reason = "received", ""
    new = {**new, "status": "received"}
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="bid",
        entity_id=str(record.id),
        old=old,
        new=new,
    )
    return record


def question_ids() -> list[str]:
    return [str(q["id"]) for q in catalog.load("provider_questions")["questions"]]


def save_answers(
    session: Session,
    *,
    workspace_id: int,
    rfp_id: int,
    provider_id: str | None,
    answers: dict[str, str],
    actor_id: int | None = None,
) -> BidRecord:
    """Store the provider's questionnaire answers (question id -> text); blanks are dropped."""
    rfp = _open_for(session, workspace_id, rfp_id, provider_id)
    assert provider_id is not None
    known = set(question_ids())
    problems = []
    kept: dict[str, str] = {}
    for key, text in answers.items():
        if key not in known:
            problems.append(FileProblem("answers", key, "not a question of the questionnaire"))
            continue
        text = text.strip()
        if len(text) > MAX_ANSWER:
            problems.append(FileProblem("answers", key, f"at most {MAX_ANSWER} characters"))
        elif "\x00" in text:
            problems.append(FileProblem("answers", key, "cannot hold NUL characters"))
        elif text:
            kept[key] = text
    if problems:
        raise InvalidInput(problems)
    record = answer_of(session, rfp_id=rfp.id, provider_id=provider_id)
    if record is None:
        record = BidRecord(
            rfp_id=rfp.id, provider_id=provider_id, lines=[], assumptions={}, answers=kept
        )
        return _add_answer(
            session, record, workspace_id, actor_id, {"provider": provider_id, "answers": kept}
        )
    old = dict(record.answers)
    record.answers = kept
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="bid",
        entity_id=str(record.id),
        old={"provider": provider_id, "answers": old},
        new={"provider": provider_id, "answers": kept},
    )
    return record
