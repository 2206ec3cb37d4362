"""Evaluations in the database: import with every problem at its line, version checks, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosource.io.errors import InvalidInput
from crosource.io.evaluation_io import load_evaluation
from crosource.store import evaluations
from crosource.store.audit import list_events
from crosource.store.errors import Conflict, NotFound
from crosource.store.tables import EvaluationRecord
from crosource.store.workspaces import create_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evaluations" / "rare-disease.yaml"

BROKEN = """schema: crosource/evaluation@1
criteria:
  - {id: quality}
  - {id: wizardry}
weights: {quality: 1, wizardry: 1}
alternatives:
  - {id: a, scores: {quality: 7, wizardry: 1}}
  - {id: b, scores: {quality: 2}}
"""


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(EvaluationRecord)) or 0)


def test_import_round_trips_the_example(session: Session) -> None:
    space = create_workspace(session, name="Acme").id
    record = evaluations.import_evaluation_file(
        session, workspace_id=space, file=EXAMPLE, name="Rare", actor_id=None
    )
    session.commit()
    loaded = evaluations.load(session, workspace_id=space, evaluation_id=record.id)
    assert loaded == load_evaluation(EXAMPLE)
    events = list_events(session, workspace_id=space)
    assert (events[0].action, events[0].entity) == ("create", "evaluation")


def test_invalid_import_reports_every_problem_with_its_line(
    session: Session, tmp_path: Path
) -> None:
    space = create_workspace(session, name="Acme").id
    file = tmp_path / "broken.yaml"
    file.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        evaluations.import_evaluation_file(session, workspace_id=space, file=file)
    messages = [f"{p.where}: {p.message}" for p in caught.value.problems]
    assert any("wizardry" in m and "line 4" in m for m in messages), messages
    assert any("scores run from 0 to 4" in m and "line 7" in m for m in messages), messages
    assert any("no score for wizardry" in m and "line 8" in m for m in messages), messages
    assert _count(session) == 0


def test_replace_checks_the_version_and_the_content(session: Session) -> None:
    space = create_workspace(session, name="Acme").id
    record = evaluations.import_evaluation_file(session, workspace_id=space, file=EXAMPLE)
    document = dict(record.document)
    document["smaa"] = {"samples": 1000, "seed": 7, "spread": 0.0}
    evaluations.replace_document(
        session, workspace_id=space, evaluation_id=record.id, document=document, expected_version=1
    )
    assert record.version == 2 and record.document["smaa"]["seed"] == 7
    with pytest.raises(Conflict):
        evaluations.replace_document(
            session,
            workspace_id=space,
            evaluation_id=record.id,
            document=document,
            expected_version=1,
        )
    with pytest.raises(InvalidInput):
        evaluations.replace_document(
            session,
            workspace_id=space,
            evaluation_id=record.id,
            document={**document, "criteria": []},
            expected_version=2,
        )
    assert record.version == 2


def test_delete_needs_the_current_version_and_other_workspaces_see_nothing(
    session: Session,
) -> None:
    space = create_workspace(session, name="Acme").id
    other = create_workspace(session, name="Other").id
    record = evaluations.import_evaluation_file(session, workspace_id=space, file=EXAMPLE)
    with pytest.raises(NotFound):
        evaluations.get_record(session, workspace_id=other, evaluation_id=record.id)
    with pytest.raises(Conflict):
        evaluations.delete_evaluation(
            session, workspace_id=space, evaluation_id=record.id, expected_version=5
        )
    evaluations.delete_evaluation(
        session, workspace_id=space, evaluation_id=record.id, expected_version=1
    )
    session.commit()
    assert _count(session) == 0
    assert list_events(session, workspace_id=space)[0].action == "delete"


def test_names_are_unique_in_a_workspace(session: Session) -> None:
    space = create_workspace(session, name="Acme").id
    evaluations.import_evaluation_file(session, workspace_id=space, file=EXAMPLE, name="Same")
    with pytest.raises(Conflict):
        evaluations.import_evaluation_file(session, workspace_id=space, file=EXAMPLE, name="Same")
    assert evaluations.free_name(session, workspace_id=space, name="Same") == "Same (2)"
