"""Report files as HTTP answers, shared by the pages and the API: a run's report (HTML, PDF,
Excel) and a portfolio's recommendation (HTML, PDF)."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from crosource.domain.portfolio import Portfolio
from crosource.services import run_reports
from crosource.services.recommendation import recommend_stored
from crosource.store import jobs, portfolios
from crosource.store.errors import Conflict
from crosource.store.tables import Job, PortfolioRecord
from crosource.web.disposition import content_disposition

JobFormat = Literal["html", "pdf", "xlsx"]
RecommendationFormat = Literal["html", "pdf"]
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80].strip("-")
    return cleaned or "portfolio"


def file_response(content: bytes | str, format: str, stem: str) -> Response:
    # HTML opens in the browser; PDF and Excel are saved as files.
    disposition = content_disposition(stem, format, "inline" if format == "html" else "attachment")
    return Response(content, media_type=MEDIA[format], headers={"Content-Disposition": disposition})


def job_with_portfolio(
    session: Session, *, workspace_id: int, job_id: int
) -> tuple[Job, PortfolioRecord, Portfolio]:
    job = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id)
    session.commit()  # a run found stale is stored as failed
    if job.portfolio_id is None:
        raise Conflict(f"run {job_id} belongs to no portfolio")
    record = portfolios.get_record(
        session, workspace_id=workspace_id, portfolio_id=job.portfolio_id
    )
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {record.id}")
    return job, record, portfolio


def job_report(
    request: Request, session: Session, *, workspace_id: int, job_id: int, format: JobFormat
) -> Response:
    job, record, portfolio = job_with_portfolio(session, workspace_id=workspace_id, job_id=job_id)
    stem = f"{slug(record.name)}-{'cost-risk' if job.kind == 'simulate' else 'optimized'}-{job.id}"
    if format == "html":
        return file_response(run_reports.job_html(job, portfolio), format, stem)
    if format == "pdf":
        return file_response(run_reports.job_pdf(session, job, record, portfolio), format, stem)
    title = f"{record.name}: run {job.id} ({job.kind})"
    return file_response(run_reports.job_workbook(job, portfolio, title), format, stem)


def recommendation_report(
    request: Request,
    session: Session,
    *,
    workspace_id: int,
    portfolio_id: int,
    format: RecommendationFormat,
) -> Response:
    record = portfolios.get_record(session, workspace_id=workspace_id, portfolio_id=portfolio_id)
    recommended = recommend_stored(session, record=record)
    stem = f"{slug(record.name)}-recommendation-v{record.version}"
    if format == "html":
        return file_response(run_reports.recommendation_html(recommended), format, stem)
    pdf = run_reports.recommendation_pdf(session, record, recommended)
    return file_response(pdf, format, stem)
