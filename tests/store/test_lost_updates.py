"""Two edits of the same version at once: exactly one wins, the other is told (Conflict), and
the stored row is the winner's; never two acknowledged writes of which one silently vanished."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crosource.store import evaluations, portfolios
from crosource.store.db import session_factory
from crosource.store.errors import Conflict
from crosource.store.tables import EvaluationRecord, PortfolioRecord
from crosource.store.workspaces import create_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Edit = Callable[[Session, int, str], None]  # (session, row id, the editor's mark)


def _rename_portfolio(session: Session, row_id: int, mark: str) -> None:
    record = portfolios.get_record(session, workspace_id=1, portfolio_id=row_id)
    document = dict(record.document)
    document["sponsor"] = {**document["sponsor"], "name": mark}
    portfolios.replace_document(
        session, workspace_id=1, portfolio_id=row_id, document=document, expected_version=1
    )


def _delete_portfolio(session: Session, row_id: int, mark: str) -> None:
    portfolios.delete_portfolio(session, workspace_id=1, portfolio_id=row_id, expected_version=1)


def _reseed_evaluation(session: Session, row_id: int, mark: str) -> None:
    record = evaluations.get_record(session, workspace_id=1, evaluation_id=row_id)
    document = dict(record.document)
    document["smaa"] = {"samples": 1000, "seed": int(mark), "spread": 0.0}
    evaluations.replace_document(
        session, workspace_id=1, evaluation_id=row_id, document=document, expected_version=1
    )


def _delete_evaluation(session: Session, row_id: int, mark: str) -> None:
    evaluations.delete_evaluation(session, workspace_id=1, evaluation_id=row_id, expected_version=1)


def _seed(engine: Engine, kind: str) -> int:
    with session_factory(engine)() as session:
        workspace = create_workspace(session, name="Acme")
        assert workspace.id == 1
        if kind == "portfolio":
            row: Any = portfolios.import_portfolio_file(
                session, workspace_id=1, file=EXAMPLES / "emerging-biotech.yaml"
            )
        else:
            row = evaluations.import_evaluation_file(
                session, workspace_id=1, file=EXAMPLES / "evaluations" / "rare-disease.yaml"
            )
        session.commit()
        return int(row.id)


def _stored(engine: Engine, kind: str, row_id: int) -> Any:
    with session_factory(engine)() as session:
        model = PortfolioRecord if kind == "portfolio" else EvaluationRecord
        return session.get(model, row_id)


EDITS: dict[str, tuple[str, Edit, Edit]] = {
    "portfolio replaced twice": ("portfolio", _rename_portfolio, _rename_portfolio),
    "portfolio replaced and deleted": ("portfolio", _rename_portfolio, _delete_portfolio),
    "evaluation replaced twice": ("evaluation", _reseed_evaluation, _reseed_evaluation),
    "evaluation deleted and replaced": ("evaluation", _delete_evaluation, _reseed_evaluation),
}


def _winner_is_stored(engine: Engine, kind: str, row_id: int, edit: Edit, mark: str) -> None:
    stored = _stored(engine, kind, row_id)
    if edit in (_delete_portfolio, _delete_evaluation):
        assert stored is None
    elif kind == "portfolio":
        assert (stored.version, stored.document["sponsor"]["name"]) == (2, mark)
    else:
        assert (stored.version, stored.document["smaa"]["seed"]) == (2, int(mark))


@pytest.mark.parametrize("case", list(EDITS))
def test_interleaved_edits_of_one_version(engine: Engine, case: str) -> None:
    """Both sessions read version 1 before either writes; the second writer is refused."""
    kind, first_edit, second_edit = EDITS[case]
    row_id = _seed(engine, kind)
    factory = session_factory(engine)
    with factory() as first, factory() as second:
        # Both read the row (version 1) before either writes; held, so that each session
        # keeps the copy it read (its identity map holds rows only weakly).
        model = PortfolioRecord if kind == "portfolio" else EvaluationRecord
        read = [first.get(model, row_id), second.get(model, row_id)]
        assert [row.version if row else None for row in read] == [1, 1]
        first_edit(first, row_id, "11")
        first.commit()
        with pytest.raises(Conflict):
            second_edit(second, row_id, "22")
            second.flush()
        second.rollback()
    _winner_is_stored(engine, kind, row_id, first_edit, "11")


@pytest.mark.parametrize("case", list(EDITS))
def test_simultaneous_edits_of_one_version(engine: Engine, case: str) -> None:
    """Two threads past a barrier write at once: one succeeds, the other gets Conflict."""
    kind, first_edit, second_edit = EDITS[case]
    row_id = _seed(engine, kind)
    factory = session_factory(engine)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(edit: Edit, mark: str) -> None:
        with factory() as session:
            model = PortfolioRecord if kind == "portfolio" else EvaluationRecord
            read = session.get(model, row_id)  # held: both have read version 1
            assert read is not None and read.version == 1
            barrier.wait(timeout=10)
            try:
                edit(session, row_id, mark)
                session.commit()
                outcomes[mark] = "saved"
            except Conflict:
                session.rollback()
                outcomes[mark] = "conflict"

    threads = [
        threading.Thread(target=edit, args=(first_edit, "11")),
        threading.Thread(target=edit, args=(second_edit, "22")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(mark for mark, outcome in outcomes.items() if outcome == "saved")
    _winner_is_stored(engine, kind, row_id, first_edit if winner == "11" else second_edit, winner)
