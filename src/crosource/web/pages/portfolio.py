"""Pages: one portfolio's overview, with inline editing (HTMX) of the sponsor's and each study's
main fields, and the whole portfolio edited as YAML.

Every save replaces the stored document through the store (full validation, version check): an
invalid edit shows its problems where it was made and changes nothing; an edit made on a copy
that changed meanwhile answers 409 and asks for a reload.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource.domain.taxonomy import LEVELS, PHASES, REGIONS, STAGES
from crosource.io.errors import FileProblem, InvalidInput
from crosource.services import portfolio_edit, portfolio_view
from crosource.services.assessment import preference_questions
from crosource.store import portfolios
from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import PortfolioRecord
from crosource.web.deps import MAX_ID, DbSession, PortfolioId
from crosource.web.pages.common import (
    Csrf,
    SponsorEditor,
    SponsorReader,
    Viewer,
    flash,
    render,
)

router = APIRouter(include_in_schema=False)
BASE = "/w/{workspace_id}/p/{portfolio_id}"
StudyId = Annotated[str, Query(min_length=1, max_length=100, description="The study's id.")]
Version = Annotated[int, Form(ge=1, le=MAX_ID)]
STALE = (
    "This portfolio changed meanwhile (someone saved another edit); reload the page and edit again."
)


def _record(session: DbSession, viewer: Viewer, portfolio_id: int) -> PortfolioRecord:
    assert viewer.workspace is not None
    return portfolios.get_record(
        session, workspace_id=viewer.workspace.id, portfolio_id=portfolio_id
    )


def _context(viewer: Viewer, record: PortfolioRecord) -> dict[str, Any]:
    portfolio = portfolios.document_to_portfolio(record.document, record.name)
    return {
        "viewer": viewer,
        "portfolio": record,
        "pf": portfolio,
        "base": f"/w/{record.workspace_id}/p/{record.id}",
        "areas": {
            p.id: portfolio_view.label("therapeutic_areas", p.therapeutic_area)
            for p in portfolio.programs
        },
        "label": portfolio_view.label,
        "regions_text": portfolio_view.regions_text,
        "preferences": portfolio_view.preference_rows(portfolio),
        "internal": portfolio_view.internal_rows(portfolio),
        "levels": LEVELS,
        "phases": PHASES,
        "stages": STAGES,
        "regions": REGIONS,
        "questions": preference_questions(),
    }


@router.get(BASE, response_class=HTMLResponse)
def overview(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    context = _context(viewer, record)
    pf = context["pf"]
    return render(
        request,
        "pf_overview.html.j2",
        title=record.name,
        demand=portfolio_view.demand_table(pf),
        plans=portfolio_view.plan_rows(pf),
        **context,
    )


def _fragment(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    problems: list[FileProblem] | None = None,
    message: str = "",
    form: dict[str, str] | None = None,
    oob_version: bool = False,
    **extra: Any,
) -> Response:
    return render(
        request,
        template,
        status=status,
        problems=problems or [],
        message=message,
        form=form,
        oob_version=oob_version,
        **context,
        **extra,
    )


# The sponsor: shown, edited, saved.


@router.get(BASE + "/sponsor", response_class=HTMLResponse)
def sponsor_view(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorReader, session: DbSession
) -> Response:
    context = _context(viewer, _record(session, viewer, portfolio_id))
    return _fragment(request, "pf_sponsor.html.j2", context)


@router.get(BASE + "/sponsor/edit", response_class=HTMLResponse)
def sponsor_form(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorEditor, session: DbSession
) -> Response:
    context = _context(viewer, _record(session, viewer, portfolio_id))
    return _fragment(request, "pf_sponsor_form.html.j2", context)


@router.post(BASE + "/sponsor", dependencies=[Csrf])
async def sponsor_save(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: SponsorEditor,
    session: DbSession,
    version: Version,
) -> Response:
    record = _record(session, viewer, portfolio_id)
    form = _strings(await request.form())
    try:
        document = portfolio_edit.edit_sponsor(record.document, form)
        portfolio_edit.save(
            session, record=record, document=document, version=version, actor_id=viewer.user.id
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _refused(
            request, "pf_sponsor_form.html.j2", viewer, session, portfolio_id, exc, form
        )
    session.commit()
    context = _context(viewer, record)
    return _fragment(request, "pf_sponsor.html.j2", context, oob_version=True, saved=True)


# A study: its row, its form, its save.


def _study_context(context: dict[str, Any], study_id: str) -> dict[str, Any]:
    studies = context["pf"].studies
    for index, study in enumerate(studies):
        if study.id == study_id:
            return {**context, "s": study, "index": index}
    raise NotFound(f"no study {study_id!r} in this portfolio")


@router.get(BASE + "/study", response_class=HTMLResponse)
def study_row(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: SponsorReader,
    session: DbSession,
    study: StudyId,
) -> Response:
    context = _study_context(_context(viewer, _record(session, viewer, portfolio_id)), study)
    return _fragment(request, "pf_study_row.html.j2", context)


@router.get(BASE + "/study/edit", response_class=HTMLResponse)
def study_form(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: SponsorEditor,
    session: DbSession,
    study: StudyId,
) -> Response:
    context = _study_context(_context(viewer, _record(session, viewer, portfolio_id)), study)
    return _fragment(request, "pf_study_form.html.j2", context)


@router.post(BASE + "/study", dependencies=[Csrf])
async def study_save(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: SponsorEditor,
    session: DbSession,
    version: Version,
    study: Annotated[str, Form(min_length=1, max_length=100)],
) -> Response:
    record = _record(session, viewer, portfolio_id)
    form = _strings(await request.form())
    try:
        document = portfolio_edit.edit_study(record.document, study, form)
        portfolio_edit.save(
            session, record=record, document=document, version=version, actor_id=viewer.user.id
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _refused(
            request, "pf_study_form.html.j2", viewer, session, portfolio_id, exc, form, study
        )
    session.commit()
    context = _study_context(_context(viewer, record), study)
    return _fragment(request, "pf_study_row.html.j2", context, oob_version=True, saved=True)


def _refused(
    request: Request,
    template: str,
    viewer: Viewer,
    session: DbSession,
    portfolio_id: int,
    exc: InvalidInput | Conflict,
    form: dict[str, str],
    study: str | None = None,
) -> Response:
    """The form again, as typed, with what is wrong (422) or the news of a newer version (409)."""
    context = _context(viewer, _record(session, viewer, portfolio_id))
    if study is not None:
        context = _study_context(context, study)
    if isinstance(exc, Conflict):
        return _fragment(request, template, context, status=409, message=STALE, form=form)
    count = len(exc.problems)
    message = f"{count} problem{'s' if count != 1 else ''}; nothing was saved."
    return _fragment(
        request, template, context, status=422, problems=exc.problems, message=message, form=form
    )


def _strings(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


# The whole portfolio as YAML.


@router.get(BASE + "/yaml", response_class=HTMLResponse)
def yaml_page(
    request: Request, portfolio_id: PortfolioId, viewer: SponsorEditor, session: DbSession
) -> Response:
    record = _record(session, viewer, portfolio_id)
    return render(
        request,
        "pf_yaml.html.j2",
        viewer=viewer,
        title=f"Edit {record.name} as YAML",
        portfolio=record,
        source=portfolio_edit.document_yaml(record.document),
        version=record.version,
        problems=[],
        message="",
    )


@router.post(BASE + "/yaml", dependencies=[Csrf])
def yaml_save(
    request: Request,
    portfolio_id: PortfolioId,
    viewer: SponsorEditor,
    session: DbSession,
    version: Version,
    source: Annotated[str, Form()],
) -> Response:
    record = _record(session, viewer, portfolio_id)
    limit = request.app.state.settings.max_upload_bytes
    try:
        document = portfolio_edit.yaml_document(source, limit)
        portfolio_edit.save(
            session, record=record, document=document, version=version, actor_id=viewer.user.id
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        record = _record(session, viewer, portfolio_id)
        conflict = isinstance(exc, Conflict)
        problems = [] if conflict else exc.problems  # type: ignore[union-attr]
        count = len(problems)
        message = (
            STALE if conflict else f"{count} problem{'s' if count != 1 else ''}; nothing was saved."
        )
        return render(
            request,
            "pf_yaml.html.j2",
            viewer=viewer,
            status=409 if conflict else 422,
            title=f"Edit {record.name} as YAML",
            portfolio=record,
            source=source,
            version=version,
            problems=problems,
            message=message,
        )
    session.commit()
    flash(request, f"Saved {record.name} (version {record.version}).")
    return RedirectResponse(f"/w/{record.workspace_id}/p/{record.id}", status_code=303)
