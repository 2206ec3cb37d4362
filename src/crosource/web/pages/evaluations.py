"""Pages: provider evaluations. The list (import a file, start one from a portfolio), one
evaluation (criteria, gates, scores, weights, evaluators, ranks, SMAA, sensitivity) and the AHP
pairwise form whose consistency is checked as the judgments change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from crosource import catalog
from crosource.io.errors import InvalidInput
from crosource.report.evaluate_html import evaluation_html
from crosource.report.templating import fragment
from crosource.services import evaluations as service
from crosource.store import evaluations, portfolios
from crosource.store.errors import Conflict, Invalid
from crosource.store.tables import EvaluationRecord
from crosource.web.deps import MAX_ID, DbSession
from crosource.web.disposition import content_disposition
from crosource.web.pages import ev_forms
from crosource.web.pages.common import (
    Csrf,
    SponsorEditor,
    SponsorReader,
    Viewer,
    flash,
    markup,
    render,
)
from crosource.web.uploads_evaluate import EVALUATION_SUFFIXES, uploaded

router = APIRouter(include_in_schema=False)
EvaluationId = Annotated[int, Path(ge=1, le=MAX_ID)]
BASE = "/w/{workspace_id}/evaluations"


def _list_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    assert viewer.workspace is not None
    space = viewer.workspace.id
    return render(
        request,
        "ev_list.html.j2",
        viewer=viewer,
        status=status,
        title="Evaluate providers",
        records=evaluations.list_records(session, workspace_id=space, limit=500),
        portfolios=portfolios.list_records(session, workspace_id=space, limit=500),
        problems=problems or [],
    )


@router.get(BASE, response_class=HTMLResponse)
def evaluation_list(request: Request, viewer: SponsorReader, session: DbSession) -> Response:
    return _list_page(request, viewer, session)


@router.post(BASE + "/import", dependencies=[Csrf])
async def import_evaluation(
    request: Request, viewer: SponsorEditor, session: DbSession
) -> Response:
    """Import an evaluation file; when invalid, the list again with every problem."""
    assert viewer.workspace is not None
    form = await request.form()
    upload = form.get("file")
    name = ev_forms.text(form, "name").strip() or None
    try:
        file = upload if isinstance(upload, UploadFile) and upload.filename else None
        with uploaded(request, file, EVALUATION_SUFFIXES, "evaluation file") as (path, _):
            record = evaluations.import_evaluation_file(
                session,
                workspace_id=viewer.workspace.id,
                file=path,
                name=name,
                actor_id=viewer.user.id,
            )
    except InvalidInput as exc:
        session.rollback()
        return _list_page(request, viewer, session, exc.details(), 422)
    except (Conflict, Invalid) as exc:
        session.rollback()
        return _list_page(request, viewer, session, [{"where": "name", "message": str(exc)}], 422)
    session.commit()
    flash(request, f"Imported the evaluation {record.name}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{record.id}", status_code=303)


@router.post(BASE + "/new", dependencies=[Csrf])
async def new_evaluation(request: Request, viewer: SponsorEditor, session: DbSession) -> Response:
    """An evaluation of a portfolio's providers on the criteria they are all scored on."""
    assert viewer.workspace is not None
    form = await request.form()
    pid = ev_forms.text(form, "portfolio_id")
    if not pid.isdigit() or not 1 <= int(pid) <= MAX_ID:
        problem = {"where": "portfolio", "message": "choose a portfolio"}
        return _list_page(request, viewer, session, [problem], 422)
    record = portfolios.get_record(session, workspace_id=viewer.workspace.id, portfolio_id=int(pid))
    portfolio = portfolios.load(session, workspace_id=viewer.workspace.id, portfolio_id=record.id)
    try:
        evaluation = service.from_portfolio(portfolio)
        name = ev_forms.text(form, "name").strip() or evaluations.free_name(
            session, workspace_id=viewer.workspace.id, name=f"Providers of {record.name}"
        )
        created = evaluations.add_evaluation(
            session,
            workspace_id=viewer.workspace.id,
            name=name,
            evaluation=evaluation,
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        return _list_page(request, viewer, session, exc.details(), 422)
    except (Conflict, Invalid) as exc:
        session.rollback()
        return _list_page(request, viewer, session, [{"where": "name", "message": str(exc)}], 422)
    session.commit()
    flash(
        request, f"Started the evaluation {created.name}: set the weights with the pairwise form."
    )
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{created.id}", status_code=303)


@router.get(BASE + "/{evaluation_id}", response_class=HTMLResponse)
def evaluation_page(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorReader, session: DbSession
) -> Response:
    record, evaluation = ev_forms.loaded(session, viewer, evaluation_id)
    problems: list[dict[str, str]] = []
    result: dict[str, Any] | None = None
    report = None
    try:
        result = service.run_evaluation(evaluation, record.name)
        with fragment():
            report = markup(evaluation_html(record.name, result))
    except InvalidInput as exc:
        problems = exc.details()
    known_gates = catalog.by_id("gates")
    return render(
        request,
        "ev_detail.html.j2",
        viewer=viewer,
        charts=True,
        title=record.name,
        record=record,
        evaluation=evaluation,
        result=result,
        summary=service.summary(evaluation, result) if result else None,
        report=report,
        problems=problems,
        label=service.label,
        gate_text=lambda g: g.description or known_gates.get(g.id, {}).get("description", ""),
    )


@router.post(BASE + "/{evaluation_id}/delete", dependencies=[Csrf])
async def delete_evaluation(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    form = await request.form()
    record, _ = ev_forms.loaded(session, viewer, evaluation_id)
    name = record.name
    evaluations.delete_evaluation(
        session,
        workspace_id=viewer.workspace.id,
        evaluation_id=evaluation_id,
        expected_version=ev_forms.version(form),
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"Deleted the evaluation {name}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations", status_code=303)


@router.get(BASE + "/{evaluation_id}/ahp", response_class=HTMLResponse)
def ahp_form(
    request: Request,
    evaluation_id: EvaluationId,
    viewer: SponsorEditor,
    session: DbSession,
    evaluator: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Every pair of criteria on Saaty's scale, for one evaluator (a new one by a new name)."""
    record, evaluation = ev_forms.loaded(session, viewer, evaluation_id)
    names = [e.evaluator for e in evaluation.pairwise or []]
    chosen = (
        ev_forms.evaluator_name(evaluator) if evaluator.strip() else (names or ["evaluator"])[0]
    )
    given = service.judgments_of(evaluation, chosen)
    criteria = evaluation.criterion_ids
    judgments = {
        key: given.get(key, 1.0) for key in (f"{a}/{b}" for a, b in service.pairs(criteria))
    }
    feedback = service.consistency(criteria, judgments) if len(criteria) > 1 else None
    return render(
        request,
        "ev_ahp.html.j2",
        viewer=viewer,
        title=f"Pairwise judgments · {record.name}",
        record=record,
        evaluator=chosen,
        evaluators=names,
        is_new=chosen not in names,
        pairs=[
            (a, b, service.scale_options(service.label(a), service.label(b)))
            for a, b in service.pairs(criteria)
        ],
        selected={key: service.nearest_scale(v) for key, v in judgments.items()},
        feedback=feedback,
        label=service.label,
    )


@router.post(BASE + "/{evaluation_id}/ahp/check", dependencies=[Csrf])
async def ahp_check(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    """The live feedback: weights, lambda_max, CR, the judgment to revisit. Nothing is saved."""
    _, evaluation = ev_forms.loaded(session, viewer, evaluation_id)
    form = await request.form()
    criteria = evaluation.criterion_ids
    try:
        feedback = service.consistency(criteria, ev_forms.judgments(form, criteria))
    except InvalidInput as exc:
        return render(
            request,
            "ev_feedback.html.j2",
            status=422,
            feedback=None,
            problems=exc.details(),
        )
    return render(
        request, "ev_feedback.html.j2", feedback=feedback, problems=[], label=service.label
    )


@router.post(BASE + "/{evaluation_id}/ahp", dependencies=[Csrf])
async def ahp_save(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    record, evaluation = ev_forms.loaded(session, viewer, evaluation_id)
    form = await request.form()
    evaluator = ev_forms.evaluator_name(ev_forms.text(form, "evaluator"))
    version = ev_forms.version(form)
    document = service.with_judgments(
        evaluation, evaluator, ev_forms.judgments(form, evaluation.criterion_ids)
    )
    evaluations.replace_document(
        session,
        workspace_id=viewer.workspace.id,
        evaluation_id=record.id,
        document=document,
        expected_version=version,
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"Saved the judgments of {evaluator}; the weights now come from them.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{record.id}", status_code=303)


@router.post(BASE + "/{evaluation_id}/evaluators/remove", dependencies=[Csrf])
async def remove_evaluator(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    record, evaluation = ev_forms.loaded(session, viewer, evaluation_id)
    form = await request.form()
    evaluator = ev_forms.evaluator_name(ev_forms.text(form, "evaluator"))
    document = service.without_evaluator(evaluation, evaluator)
    evaluations.replace_document(
        session,
        workspace_id=viewer.workspace.id,
        evaluation_id=record.id,
        document=document,
        expected_version=ev_forms.version(form),
        actor_id=viewer.user.id,
    )
    session.commit()
    flash(request, f"Removed the evaluator {evaluator}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{record.id}", status_code=303)


@router.get(BASE + "/{evaluation_id}/download")
def download_evaluation(
    evaluation_id: EvaluationId, viewer: SponsorReader, session: DbSession
) -> Response:
    """The evaluation as its YAML file, for `crosource evaluate` or to edit and import."""
    record, _ = ev_forms.loaded(session, viewer, evaluation_id)
    return Response(
        service.document_text(record.document),
        media_type="application/yaml",
        headers={"Content-Disposition": content_disposition(record.name or "evaluation", "yaml")},
    )


def _yaml_page(
    request: Request,
    viewer: Viewer,
    record: EvaluationRecord,
    source: str,
    version: int,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "ev_yaml.html.j2",
        viewer=viewer,
        status=status,
        title=f"Edit {record.name}",
        record=record,
        source=source,
        version=version,
        problems=problems or [],
    )


@router.get(BASE + "/{evaluation_id}/yaml", response_class=HTMLResponse)
def edit_yaml(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    """Criteria, gates, scores and weights as the text of the evaluation file."""
    record, _ = ev_forms.loaded(session, viewer, evaluation_id)
    source = service.document_text(record.document)
    return _yaml_page(request, viewer, record, source, record.version)


@router.post(BASE + "/{evaluation_id}/yaml", dependencies=[Csrf])
async def save_yaml(
    request: Request, evaluation_id: EvaluationId, viewer: SponsorEditor, session: DbSession
) -> Response:
    assert viewer.workspace is not None
    record, _ = ev_forms.loaded(session, viewer, evaluation_id)
    form = await request.form()
    source = ev_forms.text(form, "source")[:1_000_000]
    version = ev_forms.version(form)
    try:
        document = service.document_from_text(source)
        evaluations.replace_document(
            session,
            workspace_id=viewer.workspace.id,
            evaluation_id=record.id,
            document=document,
            expected_version=version,
            actor_id=viewer.user.id,
        )
    except InvalidInput as exc:
        session.rollback()
        problems = exc.details()
        return _yaml_page(request, viewer, record, source, version, problems, 422)
    session.commit()
    flash(request, f"Saved {record.name}.")
    return RedirectResponse(f"/w/{viewer.workspace.id}/evaluations/{record.id}", status_code=303)
