"""Reading the evaluation pages' forms: every field checked, a problem named by its field."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from crosource.domain.evaluation import Evaluation
from crosource.io.errors import InvalidInput
from crosource.services import evaluations as service
from crosource.store import evaluations
from crosource.store.errors import Invalid, check_text
from crosource.store.tables import EvaluationRecord
from crosource.web.deps import MAX_ID
from crosource.web.pages.common import Viewer

PAGE_CONTROLS = {"csrf_token", "evaluator", "version"}


def text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def version(form: FormData) -> int:
    found = text(form, "version")
    if not found.isdigit() or not 1 <= int(found) <= MAX_ID:
        raise InvalidInput.single("form", "the form has no valid version; reload the page")
    return int(found)


def evaluator_name(value: str) -> str:
    try:
        return check_text(value, "the evaluator's name", 100)
    except Invalid as exc:
        raise InvalidInput.single("form", str(exc), "evaluator") from None


def judgments(form: FormData, criteria: list[str]) -> dict[str, float]:
    """The pairs of the form ("a/b" -> Saaty value); fields that are not pairs are refused."""
    wanted = {f"{a}/{b}" for a, b in service.pairs(criteria)}
    found: dict[str, float] = {}
    for key, value in form.multi_items():
        if key in PAGE_CONTROLS:
            continue
        if key not in wanted or not isinstance(value, str):
            raise InvalidInput.single(
                "form", f"{key!r} is not a pair of this evaluation's criteria"
            )
        found[key] = service.parse_scale(key, value)
    return found


def loaded(
    session: Session, viewer: Viewer, evaluation_id: int
) -> tuple[EvaluationRecord, Evaluation]:
    assert viewer.workspace is not None
    record = evaluations.get_record(
        session, workspace_id=viewer.workspace.id, evaluation_id=evaluation_id
    )
    return record, evaluations.document_to_evaluation(record.document, record.name)
