"""Pages: a portfolio's recommendation (the report with its reasons and counterfactuals) and its
providers catalog."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crosource.services import portfolio_view
from crosource.services.recommendation import recommend_stored
from crosource.store import portfolios
from crosource.web.deps import DbSession, PortfolioId
from crosource.web.pages.common import SponsorReader, markup, render

router = APIRouter(include_in_schema=False)


@router.get("/w/{workspace_id}/p/{portfolio_id}/recommendation", response_class=HTMLResponse)
def recommendation_page(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    record = portfolios.get_record(
        session, workspace_id=viewer.workspace.id, portfolio_id=portfolio_id
    )
    made = recommend_stored(session, record=record)
    return render(
        request,
        "pf_recommendation.html.j2",
        viewer=viewer,
        title=f"Recommendation: {record.name}",
        portfolio=record,
        pf=made.portfolio,
        result=made.result,
        report=markup(made.fragment_html()),
        charts=True,
    )


@router.get("/w/{workspace_id}/p/{portfolio_id}/providers", response_class=HTMLResponse)
def providers_page(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    record = portfolios.get_record(
        session, workspace_id=viewer.workspace.id, portfolio_id=portfolio_id
    )
    portfolio = portfolios.document_to_portfolio(record.document, record.name)
    return render(
        request,
        "pf_providers.html.j2",
        viewer=viewer,
        title=f"Providers: {record.name}",
        portfolio=record,
        pf=portfolio,
        cards=portfolio_view.provider_cards(portfolio),
        coverage=portfolio_view.coverage_rows(portfolio),
    )
