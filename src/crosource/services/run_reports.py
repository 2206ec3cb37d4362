"""Reports of stored analyses and portfolios: HTML (a page or a fragment), PDF and Excel.

Everything here renders results that are already stored; nothing computes a cost except the
recommendation, which is cheap and always reflects the portfolio as it is now. PDFs take seconds
to print and a large run's fragment a few hundred ms, so they are kept in the report cache
(services/report_cache.py) under what they show.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crosource.domain.portfolio import Portfolio
from crosource.report.templating import fragment
from crosource.services.recommendation import Recommended
from crosource.services.report_cache import cached, job_key, portfolio_key
from crosource.services.runs import has_result
from crosource.store.errors import Conflict
from crosource.store.tables import Job, PortfolioRecord


def _check_reportable(job: Job) -> dict[str, Any]:
    if job.state in ("queued", "running"):
        raise Conflict(f"run {job.id} has not finished yet; its report is ready when it is done")
    if job.state == "failed":
        raise Conflict(f"run {job.id} failed, so it has no report: {job.error or 'no reason'}")
    if not has_result(job) or job.result is None:
        raise Conflict(f"run {job.id} finished without a result to report")
    return job.result


def job_html(job: Job, portfolio: Portfolio) -> str:
    """The whole standalone page of a finished run (static SVG charts), as downloaded."""
    from crosource.report.costing_html import costing_html
    from crosource.report.optimize_html import optimize_html

    result = _check_reportable(job)
    if job.kind == "optimize":
        return optimize_html(portfolio, result)
    return costing_html("simulate", portfolio, result)


def job_fragment(session: Session, job: Job, record: PortfolioRecord, portfolio: Portfolio) -> str:
    """The same report inside a page of the application, with interactive charts; rendered
    once per run and portfolio version (a large run's report takes a few hundred ms)."""

    def render() -> str:
        with fragment():
            return job_html(job, portfolio)

    _check_reportable(job)
    return cached(job_key(session, record, job, "run.fragment"), render)


def recommendation_html(recommended: Recommended) -> str:
    """The standalone recommendation report of a stored portfolio's (cached) recommendation."""
    from crosource.report.html import recommendation_html as render

    return render(recommended.portfolio, recommended.result)


def job_workbook(job: Job, portfolio: Portfolio, title: str) -> bytes:
    from crosource.report.excel import optimize_workbook, simulation_workbook

    result = _check_reportable(job)
    if job.kind == "optimize":
        return optimize_workbook(title, result, portfolio.currency)
    return simulation_workbook(title, result, portfolio.currency)


def job_pdf(session: Session, job: Job, record: PortfolioRecord, portfolio: Portfolio) -> bytes:
    from crosource.report.pdf import html_to_pdf

    _check_reportable(job)
    key = job_key(session, record, job, "run.pdf")
    return cached(key, lambda: html_to_pdf(job_html(job, portfolio)))


def recommendation_pdf(
    session: Session, record: PortfolioRecord, recommended: Recommended
) -> bytes:
    from crosource.report.pdf import html_to_pdf

    key = portfolio_key(session, record, "recommendation.pdf")
    return cached(key, lambda: html_to_pdf(recommendation_html(recommended)))
