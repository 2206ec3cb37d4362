"""Pages: scenarios (Monte Carlo runs), the optimizer, and a run's progress and result.

A form starts a background job and goes to the job's page, which polls a small fragment every
second while the job runs; the fragment becomes the result (the costing or optimizer report with
interactive charts) when it is done, and stops polling.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from crosource.io.errors import InvalidInput
from crosource.services import runs
from crosource.services.analyses import AnalysisRequest, OptimizeRequest, SimulateRequest
from crosource.services.run_reports import job_fragment
from crosource.store import jobs, portfolios
from crosource.store.tables import Job, PortfolioRecord
from crosource.web.analyses_downloads import job_with_portfolio
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.pages.common import (
    Csrf,
    SponsorEditor,
    SponsorReader,
    Viewer,
    flash,
    markup,
    render,
)

router = APIRouter(include_in_schema=False)
log = logging.getLogger("crosource.web")
PortfolioId = Annotated[int, Path(ge=1, le=MAX_ID, description="The portfolio's id.")]
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="The job's id.")]
RUNS_SHOWN = 20
LABELS = {
    "scenarios": "Scenarios",
    "draws": "Draws per scenario",
    "seed": "Seed",
    "sensitivity": "Sensitivity",
    "objective": "Objective",
    "time_limit_s": "Time limit",
    "gap": "Accepted gap",
    "max_providers": "Most providers",
    "max_share": "Largest share of one provider",
    "oversight_limit": "Oversight capacity",
    "check_draws": "Monte Carlo check draws",
}
Problems = list[tuple[str, str]]
OPTIMIZE_FIELDS = (
    "objective",
    "time_limit_s",
    "gap_percent",
    "max_providers",
    "max_share_percent",
    "oversight_limit",
    "check_draws",
    "seed",
)


def _record(session: Session, viewer: Viewer, portfolio_id: int) -> PortfolioRecord:
    assert viewer.workspace is not None
    return portfolios.get_record(
        session, workspace_id=viewer.workspace.id, portfolio_id=portfolio_id
    )


def _runs(session: Session, viewer: Viewer, portfolio_id: int, kind: str) -> list[Job]:
    assert viewer.workspace is not None
    found = jobs.list_jobs(
        session,
        workspace_id=viewer.workspace.id,
        portfolio_id=portfolio_id,
        kind=kind,
        limit=RUNS_SHOWN,
    )
    session.commit()  # runs found stale are stored as failed
    return found


def _problems_of(error: ValidationError) -> Problems:
    found = []
    for e in error.errors():
        field = str(e["loc"][0]) if e["loc"] else ""
        found.append((LABELS.get(field, field or "form"), e["msg"]))
    return found


def _number(form: dict[str, Any], name: str, scale: float = 1.0) -> Any:
    """A number field as typed; blank means unset; text that is not a number is left to the
    request's validation, which names the field."""
    # People write 20,000 or 20 000; the thousands separators are not part of the number.
    text = str(form.get(name, "")).strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(text) / scale if scale != 1.0 else text
    except ValueError:
        return text


async def _form(request: Request) -> dict[str, Any]:
    data = await request.form()
    found: dict[str, Any] = {k: v for k, v in data.items() if isinstance(v, str)}
    found["scenarios"] = [v for v in data.getlist("scenarios") if isinstance(v, str)]
    return found


def simulate_request(form: dict[str, Any]) -> SimulateRequest:
    values = {
        "scenarios": form["scenarios"],
        "draws": _number(form, "draws"),
        "seed": _number(form, "seed"),
        "sensitivity": form.get("sensitivity") == "on",
    }
    return SimulateRequest.model_validate({k: v for k, v in values.items() if v is not None})


def optimize_request(form: dict[str, Any]) -> OptimizeRequest:
    values = {
        "objective": form.get("objective") or None,
        "time_limit_s": _number(form, "time_limit_s"),
        "gap": _number(form, "gap_percent", 100.0),
        "max_providers": _number(form, "max_providers"),
        "max_share": _number(form, "max_share_percent", 100.0),
        "oversight_limit": {"yes": True, "no": False}.get(str(form.get("oversight_limit"))),
        "check_draws": _number(form, "check_draws"),
        "seed": _number(form, "seed"),
    }
    required = {"check_draws", "seed"}
    return OptimizeRequest.model_validate(
        {k: v for k, v in values.items() if v is not None or k not in required}
    )


def _start(
    request: Request, session: Session, viewer: Viewer, portfolio_id: int, body: AnalysisRequest
) -> Response:
    assert viewer.workspace is not None
    job = runs.start(
        session,
        workspace_id=viewer.workspace.id,
        portfolio_id=portfolio_id,
        request=body,
        user_id=viewer.user.id,
    )
    request.app.state.jobs.submit(session, job.id)  # runs once the job is committed
    session.commit()
    flash(request, f"Run #{job.id} started: this page follows it until it is done.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/jobs/{job.id}", status_code=303)


def _scenarios_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    record: PortfolioRecord,
    values: dict[str, Any],
    problems: Problems,
    status: int = 200,
) -> HTMLResponse:
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {record.id}")
    return render(
        request,
        "an_scenarios.html.j2",
        viewer=viewer,
        status=status,
        title=f"Scenarios: {record.name}",
        portfolio=record,
        choices=runs.scenario_choices(portfolio),
        values=values,
        problems=problems,
        runs=_runs(session, viewer, record.id, "simulate"),
        describe=runs.describe,
        version_of=runs.version_of,
    )


@router.get("/w/{workspace_id}/p/{portfolio_id}/scenarios", response_class=HTMLResponse)
def scenarios(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {record.id}")
    defaults = {c.name for c in runs.scenario_choices(portfolio) if c.default}
    start = SimulateRequest()
    values = {
        "scenarios": defaults,
        "draws": start.draws,
        "seed": start.seed,
        "sensitivity": start.sensitivity,
    }
    return _scenarios_page(request, session, viewer, record, values, [])


@router.post(
    "/w/{workspace_id}/p/{portfolio_id}/scenarios",
    response_class=HTMLResponse,
    dependencies=[Csrf],
)
async def run_scenarios(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorEditor, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    form = await _form(request)
    values = {
        "scenarios": set(form["scenarios"]),
        "draws": form.get("draws", ""),
        "seed": form.get("seed", ""),
        "sensitivity": form.get("sensitivity") == "on",
    }
    problems: Problems = []
    if not form["scenarios"]:
        problems.append(("Scenarios", "tick at least one scenario to compare"))
    try:
        body = simulate_request(form)
    except ValidationError as exc:
        problems += _problems_of(exc)
    if not problems:
        try:
            return _start(request, session, viewer, portfolio_id, body)
        except InvalidInput as exc:
            session.rollback()
            problems = [(p.where, p.message) for p in exc.problems]
    return _scenarios_page(request, session, viewer, record, values, problems, 422)


def _optimize_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    record: PortfolioRecord,
    values: dict[str, Any],
    problems: Problems,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "an_optimize.html.j2",
        viewer=viewer,
        status=status,
        title=f"Optimize: {record.name}",
        portfolio=record,
        values=values,
        problems=problems,
        runs=_runs(session, viewer, record.id, "optimize"),
        describe=runs.describe,
        version_of=runs.version_of,
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:g}"


@router.get("/w/{workspace_id}/p/{portfolio_id}/optimize", response_class=HTMLResponse)
def optimize(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {record.id}")
    start = runs.optimize_defaults(portfolio)
    values = {
        "objective": start.objective,
        "time_limit_s": f"{start.time_limit_s:g}",
        "gap_percent": _percent(start.gap),
        "max_providers": start.max_providers or "",
        "max_share_percent": _percent(start.max_share),
        "oversight_limit": "yes" if start.oversight_limit else "no",
        "check_draws": start.check_draws,
        "seed": start.seed,
    }
    return _optimize_page(request, session, viewer, record, values, [])


@router.post(
    "/w/{workspace_id}/p/{portfolio_id}/optimize",
    response_class=HTMLResponse,
    dependencies=[Csrf],
)
async def run_optimizer(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorEditor, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    form = await _form(request)
    values = {k: str(form.get(k, "")) for k in OPTIMIZE_FIELDS}
    if form.get("objective") not in ("cash", "economic"):
        problems = [(LABELS["objective"], "choose cash cost or economic cost")]
        return _optimize_page(request, session, viewer, record, values, problems, 422)
    try:
        body = optimize_request(form)
    except ValidationError as exc:
        return _optimize_page(request, session, viewer, record, values, _problems_of(exc), 422)
    return _start(request, session, viewer, portfolio_id, body)


def _job_context(request: Request, session: Session, viewer: Viewer, job_id: int) -> dict[str, Any]:
    assert viewer.workspace is not None
    job, record, portfolio = job_with_portfolio(
        session, workspace_id=viewer.workspace.id, job_id=job_id
    )
    report = None
    unreadable = False
    if runs.has_result(job):
        try:
            report = markup(job_fragment(session, job, record, portfolio))
        except (KeyError, TypeError, ValueError, IndexError):
            # A result stored by another version of the program: say so rather than fail.
            log.exception("the result of job %s cannot be shown", job.id)
            unreadable = True
    return {
        "job": job,
        "portfolio": record,
        "changed": runs.changed_since(job, record),
        "used_version": runs.version_of(job),
        "report": report,
        "unreadable": unreadable,
        "settings": runs.stored_request(job),
    }


@router.get("/w/{workspace_id}/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: JobId, viewer: SponsorReader, session: DbSession
) -> Response:
    context = _job_context(request, session, viewer, job_id)
    kind = "Cost-risk run" if context["job"].kind == "simulate" else "Optimizer run"
    return render(
        request,
        "an_job.html.j2",
        viewer=viewer,
        title=f"{kind} #{job_id}",
        charts=True,
        **context,
    )


@router.get("/w/{workspace_id}/jobs/{job_id}/status", response_class=HTMLResponse)
def job_status(
    request: Request, job_id: JobId, viewer: SponsorReader, session: DbSession
) -> Response:
    """The part of the job page that changes: polled every second while the run is active."""
    return render(
        request,
        "an_job_status.html.j2",
        viewer=viewer,
        **_job_context(request, session, viewer, job_id),
    )


@router.post(
    "/w/{workspace_id}/jobs/{job_id}/cancel", response_class=HTMLResponse, dependencies=[Csrf]
)
def cancel(request: Request, job_id: JobId, viewer: SponsorEditor, session: DbSession) -> Response:
    assert viewer.workspace is not None
    job = runs.cancel(
        session,
        workspace_id=viewer.workspace.id,
        job_id=job_id,
        user_id=viewer.user.id,
        backend=request.app.state.jobs,
    )
    session.commit()
    if job.state == "cancelled":
        flash(request, f"Run #{job_id} is cancelled: it had not started.")
    else:
        flash(request, f"Run #{job_id} will stop within a few seconds, at its next step.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/jobs/{job_id}", status_code=303)


@router.post(
    "/w/{workspace_id}/jobs/{job_id}/rerun", response_class=HTMLResponse, dependencies=[Csrf]
)
def rerun(request: Request, job_id: JobId, viewer: SponsorEditor, session: DbSession) -> Response:
    assert viewer.workspace is not None
    job = runs.start_again(
        session, workspace_id=viewer.workspace.id, job_id=job_id, user_id=viewer.user.id
    )
    request.app.state.jobs.submit(session, job.id)  # runs once the job is committed
    session.commit()
    flash(request, f"Run #{job.id} started with the settings of run #{job_id}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/jobs/{job.id}", status_code=303)
