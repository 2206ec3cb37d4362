"""The recommendation of a stored portfolio is computed once per version, in the report cache
keyed by what makes it unique (database, workspace, portfolio, version, content)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session

from crosource.engine.recommend.engine import recommend
from crosource.io.portfolio_io import load_portfolio
from crosource.services import recommendation, report_cache
from crosource.services.report_cache import REPORTS, ReportCache, portfolio_key
from crosource.store import portfolios
from crosource.store.tables import PortfolioRecord
from crosource.store.workspaces import create_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "emerging-biotech.yaml"


def _stored(session: Session) -> PortfolioRecord:
    workspace = create_workspace(session, name="Acme")
    record = portfolios.import_portfolio_file(session, workspace_id=workspace.id, file=EXAMPLE)
    session.commit()
    return record


def test_repeat_views_reuse_the_result_and_a_new_version_recomputes(session: Session) -> None:
    record = _stored(session)
    first = recommendation.recommend_stored(session, record=record)
    assert recommendation.recommend_stored(session, record=record) is first
    assert first.to_json() == recommend(load_portfolio(EXAMPLE)).to_json()
    assert first.fragment_html() is first.fragment_html()
    assert "<html" not in first.fragment_html()
    document = dict(record.document)
    document["sponsor"] = {**document["sponsor"], "preferences": {"control": "high"}}
    portfolios.replace_document(
        session,
        workspace_id=record.workspace_id,
        portfolio_id=record.id,
        document=document,
        expected_version=1,
    )
    session.commit()
    newer = recommendation.recommend_stored(session, record=record)
    assert newer is not first
    assert newer.portfolio.sponsor.preferences.control == "high"
    report_cache.forget_portfolio(session, workspace_id=record.workspace_id, portfolio_id=record.id)
    assert recommendation.recommend_stored(session, record=record) is not newer


def test_the_key_holds_the_database_and_the_content(session: Session, tmp_path: Path) -> None:
    """Same ids, version and workspace: another document or another database is another key."""
    record = _stored(session)
    key = portfolio_key(session, record, "recommendation")
    assert key == portfolio_key(session, record, "recommendation")
    other = PortfolioRecord(
        id=record.id,
        workspace_id=record.workspace_id,
        name=record.name,
        version=record.version,
        document={**record.document, "studies": []},
    )
    assert portfolio_key(session, other, "recommendation") != key
    from crosource.store.db import make_engine, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with session_factory(engine)() as elsewhere:
        moved = portfolio_key(elsewhere, record, "recommendation")
    engine.dispose()
    assert moved != key and moved.digest == key.digest


def test_the_cache_stays_small() -> None:
    cache = ReportCache(size=3)
    keys = [report_cache.Key("sqlite:/x.db", 1, n, 1, "recommendation", 0, "d") for n in range(5)]
    for key in keys:
        cache.get(key, lambda: b"report")
    assert len(cache) == 3
    assert len(REPORTS) <= report_cache.CACHE_SIZE


def test_views_arriving_together_compute_once() -> None:
    cache = ReportCache()
    key = report_cache.Key("sqlite:/x.db", 1, 1, 1, "recommendation", 0, "d")
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return made

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: cache.get(key, make), range(4)))
    assert made == [1] and all(answer is answers[0] for answer in answers)


def test_an_rfps_report_key_holds_the_bids_it_shows(session: Session) -> None:
    """The RFP page's comparison is kept per RFP and per set of bids: a bid set aside, changed
    or added is another key, the same bids the same key."""
    from crosource.services.report_cache import rfp_key

    record = _stored(session)
    bids = ["S1", ["meridian", [{"unit_price_usd": 1}], {}, "received"]]
    key = rfp_key(session, record, 5, bids, "rfp.fragment")
    assert key == rfp_key(session, record, 5, list(bids), "rfp.fragment")
    rejected = ["S1", ["meridian", [{"unit_price_usd": 1}], {}, "rejected"]]
    assert key != rfp_key(session, record, 5, rejected, "rfp.fragment")
    assert key != rfp_key(session, record, 6, bids, "rfp.fragment")
    assert key.kind != portfolio_key(session, record, "recommendation").kind
