"""API: provider evaluations (list, import, read, replace, delete, run) and AHP consistency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from crosource import __version__
from crosource.services import evaluations as service
from crosource.store import evaluations, portfolios
from crosource.web.deps import MAX_ID, DbSession, Editor, Reader
from crosource.web.schemas_evaluate import (
    ConsistencyIn,
    ConsistencyOut,
    EvaluationDetail,
    EvaluationFromPortfolio,
    EvaluationOut,
    EvaluationPage,
    EvaluationRun,
    EvaluationUpdate,
)
from crosource.web.uploads_evaluate import EVALUATION_SUFFIXES, uploaded

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["evaluations"])
EvaluationId = Annotated[int, Path(ge=1, le=MAX_ID, description="The evaluation's id.")]


@router.get("/evaluations", response_model=EvaluationPage)
def list_evaluations(
    member: Reader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EvaluationPage:
    records = evaluations.list_records(
        session, workspace_id=member.workspace_id, limit=limit, offset=offset
    )
    items = [EvaluationOut.model_validate(r) for r in records]
    return EvaluationPage(items=items, limit=limit, offset=offset)


@router.post("/evaluations", response_model=EvaluationOut, status_code=201)
def import_evaluation(
    request: Request,
    member: Editor,
    session: DbSession,
    file: UploadFile,
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> EvaluationOut:
    """Import an evaluation file (.yaml, .yml, .json); an invalid file changes nothing."""
    with uploaded(request, file, EVALUATION_SUFFIXES, "evaluation file") as (path, _):
        record = evaluations.import_evaluation_file(
            session,
            workspace_id=member.workspace_id,
            file=path,
            name=name.strip() if name and name.strip() else None,
            actor_id=member.user_id,
        )
    session.commit()
    return EvaluationOut.model_validate(record)


@router.post("/evaluations/from-portfolio", response_model=EvaluationOut, status_code=201)
def evaluation_from_portfolio(
    body: EvaluationFromPortfolio, member: Editor, session: DbSession
) -> EvaluationOut:
    """Compare a portfolio's providers on the catalog criteria all of them are scored on,
    equally weighted (set the weights afterwards with judgments)."""
    portfolio = portfolios.load(
        session, workspace_id=member.workspace_id, portfolio_id=body.portfolio_id
    )
    record = portfolios.get_record(
        session, workspace_id=member.workspace_id, portfolio_id=body.portfolio_id
    )
    evaluation = service.from_portfolio(portfolio, body.providers)
    name = (body.name or "").strip() or evaluations.free_name(
        session, workspace_id=member.workspace_id, name=f"Providers of {record.name}"
    )
    created = evaluations.add_evaluation(
        session,
        workspace_id=member.workspace_id,
        name=name,
        evaluation=evaluation,
        actor_id=member.user_id,
    )
    session.commit()
    return EvaluationOut.model_validate(created)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationDetail)
def get_evaluation(
    evaluation_id: EvaluationId, member: Reader, session: DbSession
) -> EvaluationDetail:
    record = evaluations.get_record(
        session, workspace_id=member.workspace_id, evaluation_id=evaluation_id
    )
    return EvaluationDetail.model_validate(record)


@router.put("/evaluations/{evaluation_id}", response_model=EvaluationOut)
def replace_evaluation(
    evaluation_id: EvaluationId, body: EvaluationUpdate, member: Editor, session: DbSession
) -> EvaluationOut:
    record = evaluations.replace_document(
        session,
        workspace_id=member.workspace_id,
        evaluation_id=evaluation_id,
        document=body.document,
        expected_version=body.version,
        actor_id=member.user_id,
    )
    session.commit()
    return EvaluationOut.model_validate(record)


@router.delete("/evaluations/{evaluation_id}", status_code=204)
def delete_evaluation(
    evaluation_id: EvaluationId,
    member: Editor,
    session: DbSession,
    version: Annotated[int, Query(ge=1, le=MAX_ID, description="The version deleted.")],
) -> Response:
    evaluations.delete_evaluation(
        session,
        workspace_id=member.workspace_id,
        evaluation_id=evaluation_id,
        expected_version=version,
        actor_id=member.user_id,
    )
    session.commit()
    return Response(status_code=204)


@router.post("/evaluations/{evaluation_id}/run", response_model=EvaluationRun)
def run_evaluation(
    evaluation_id: EvaluationId, member: Reader, session: DbSession
) -> EvaluationRun:
    """Gates, weights, weighted sum, TOPSIS, SMAA and sensitivity, as the CLI's JSON."""
    record = evaluations.get_record(
        session, workspace_id=member.workspace_id, evaluation_id=evaluation_id
    )
    evaluation = evaluations.document_to_evaluation(record.document, record.name)
    result = service.run_evaluation(evaluation, record.name)
    return EvaluationRun(
        crosource=__version__, command="evaluate", input=record.name, result=result
    )


@router.post("/ahp/consistency", response_model=ConsistencyOut)
def ahp_consistency(body: ConsistencyIn, member: Reader) -> ConsistencyOut:
    """Weights, lambda_max, CI, CR and the judgment to revisit; nothing is saved."""
    del member
    found = service.consistency([c.strip() for c in body.criteria], body.judgments)
    return ConsistencyOut.model_validate(found)
