"""Two API edits of the same version at once: one is saved, the other answers 409, and what
is stored is the saved one (an acknowledged write is never silently lost)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from crosource.store import evaluations, portfolios
from crosource.store.tables import EvaluationRecord, PortfolioRecord
from tests.web.conftest import World


def _both_read_before_either_writes(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str
) -> None:
    """Hold the first two validations (after each request read version 1, before it writes)
    until both requests are there, so that they write at the same moment."""
    original: Callable[..., Any] = getattr(module, name)
    barrier = threading.Barrier(2)
    calls = iter(range(2))

    def held(*args: Any, **kwargs: Any) -> Any:
        if next(calls, None) is not None:
            barrier.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


def _at_once(send: Callable[[str], httpx.Response]) -> dict[str, int]:
    answers: dict[str, int] = {}

    def run(mark: str) -> None:
        answers[mark] = send(mark).status_code

    threads = [threading.Thread(target=run, args=(mark,)) for mark in ("11", "22")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _stored(world: World, model: Any, row_id: int) -> Any:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return session.get(model, row_id)


def test_two_portfolio_edits_of_one_version(seeded: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = seeded
    headers = {"X-CSRF-Token": world.sign_in("analyst@acme.test")}
    portfolio_id = world.portfolio_ids["Acme"]
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios/{portfolio_id}"
    document = _stored(world, PortfolioRecord, portfolio_id).document
    _both_read_before_either_writes(monkeypatch, portfolios, "document_to_portfolio")

    def send(mark: str) -> httpx.Response:
        changed = {**document, "sponsor": {**document["sponsor"], "name": f"Sponsor {mark}"}}
        return world.client.put(url, json={"document": changed, "version": 1}, headers=headers)

    answers = _at_once(send)
    assert sorted(answers.values()) == [200, 409], answers
    saved = next(mark for mark, status in answers.items() if status == 200)
    stored = _stored(world, PortfolioRecord, portfolio_id)
    assert (stored.version, stored.document["sponsor"]["name"]) == (2, f"Sponsor {saved}")


def test_two_evaluation_edits_of_one_version(
    seeded: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = seeded
    headers = {"X-CSRF-Token": world.sign_in("analyst@acme.test")}
    evaluation_id = world.ids["Acme"]["evaluation_id"]
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/evaluations/{evaluation_id}"
    document = _stored(world, EvaluationRecord, evaluation_id).document
    _both_read_before_either_writes(monkeypatch, evaluations, "document_to_evaluation")

    def send(mark: str) -> httpx.Response:
        changed = {**document, "smaa": {"samples": 1000, "seed": int(mark), "spread": 0.0}}
        return world.client.put(url, json={"document": changed, "version": 1}, headers=headers)

    answers = _at_once(send)
    assert sorted(answers.values()) == [200, 409], answers
    saved = next(mark for mark, status in answers.items() if status == 200)
    stored = _stored(world, EvaluationRecord, evaluation_id)
    assert (stored.version, stored.document["smaa"]["seed"]) == (2, int(saved))
