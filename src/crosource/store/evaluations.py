"""Provider evaluations in the database: import, read, replace and delete, validated and audited.

An evaluation is kept as the document of its file (`crosource/evaluation@1`), so that what the
web stores is what `crosource evaluate` reads, and every change passes the domain's checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosource.domain.evaluation import Evaluation, evaluation_checks
from crosource.domain.validation import validate_model
from crosource.io.errors import FileProblem, InvalidInput, render_path
from crosource.io.evaluation_io import load_evaluation
from crosource.store.audit import add_created, record_change
from crosource.store.errors import Conflict, check_text
from crosource.store.scoped import by_name, check_version, in_workspace
from crosource.store.tables import EvaluationRecord


def document_to_evaluation(document: Any, name: str) -> Evaluation:
    evaluation, problems = validate_model(Evaluation, document, evaluation_checks)
    if evaluation is None:
        raise InvalidInput([FileProblem(name, render_path(p.path), p.message) for p in problems])
    return evaluation


def evaluation_to_document(evaluation: Evaluation) -> dict[str, Any]:
    """Plain data that validates back into the same evaluation."""
    return evaluation.model_dump(mode="json", by_alias=True, exclude_none=True)


def _name_taken(session: Session, workspace_id: int, name: str) -> bool:
    query = select(EvaluationRecord.id).where(
        EvaluationRecord.workspace_id == workspace_id, EvaluationRecord.name == name
    )
    return session.scalar(query) is not None


def free_name(session: Session, *, workspace_id: int, name: str) -> str:
    """The name, or the name with the first free number after it."""
    candidate, number = name[:190], 2
    while _name_taken(session, workspace_id, candidate):
        candidate = f"{name[:190]} ({number})"
        number += 1
    return candidate


def add_evaluation(
    session: Session,
    *,
    workspace_id: int,
    name: str,
    evaluation: Evaluation,
    actor_id: int | None = None,
) -> EvaluationRecord:
    name = check_text(name, "an evaluation's name", 200)
    if _name_taken(session, workspace_id, name):
        raise Conflict(f"this workspace already has an evaluation named {name!r}")
    record = EvaluationRecord(
        workspace_id=workspace_id, name=name, document=evaluation_to_document(evaluation)
    )
    return add_created(
        session,
        record,
        workspace_id=workspace_id,
        actor_id=actor_id,
        entity="evaluation",
        new={"name": name, "alternatives": len(evaluation.alternatives)},
    )


def import_evaluation_file(
    session: Session,
    *,
    workspace_id: int,
    file: Path,
    name: str | None = None,
    actor_id: int | None = None,
) -> EvaluationRecord:
    """Import a YAML or JSON file; an invalid one raises with every problem at its line."""
    evaluation = load_evaluation(file)
    return add_evaluation(
        session,
        workspace_id=workspace_id,
        name=name or file.stem,
        evaluation=evaluation,
        actor_id=actor_id,
    )


def get_record(session: Session, *, workspace_id: int, evaluation_id: int) -> EvaluationRecord:
    return in_workspace(
        session,
        EvaluationRecord,
        workspace_id=workspace_id,
        row_id=evaluation_id,
        what="evaluation",
    )


def load(session: Session, *, workspace_id: int, evaluation_id: int) -> Evaluation:
    record = get_record(session, workspace_id=workspace_id, evaluation_id=evaluation_id)
    return document_to_evaluation(record.document, f"evaluation {evaluation_id}")


def list_records(
    session: Session, *, workspace_id: int, limit: int = 100, offset: int = 0
) -> list[EvaluationRecord]:
    return by_name(session, EvaluationRecord, workspace_id=workspace_id, limit=limit, offset=offset)


def replace_document(
    session: Session,
    *,
    workspace_id: int,
    evaluation_id: int,
    document: Any,
    expected_version: int,
    actor_id: int | None = None,
) -> EvaluationRecord:
    """Replace an evaluation's content; refuse invalid content and edits of a stale copy."""
    record = get_record(session, workspace_id=workspace_id, evaluation_id=evaluation_id)
    evaluation = document_to_evaluation(document, f"evaluation {evaluation_id}")
    # After validating: refused content leaves the version unclaimed.
    check_version(session, record, expected_version, what="evaluation")
    old = record.document
    record.document = evaluation_to_document(evaluation)
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="update",
        entity="evaluation",
        entity_id=str(record.id),
        old=old,
        new=record.document,
    )
    return record


def delete_evaluation(
    session: Session,
    *,
    workspace_id: int,
    evaluation_id: int,
    expected_version: int,
    actor_id: int | None = None,
) -> None:
    """Delete an evaluation, only if it is still the version the user saw."""
    record = get_record(session, workspace_id=workspace_id, evaluation_id=evaluation_id)
    check_version(session, record, expected_version, what="evaluation")
    record_change(
        session,
        workspace_id=workspace_id,
        user_id=actor_id,
        action="delete",
        entity="evaluation",
        entity_id=str(record.id),
        old={"name": record.name, "document": record.document},
    )
    session.delete(record)
