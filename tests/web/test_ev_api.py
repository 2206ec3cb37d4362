"""The evaluations API: import (every problem, nothing added), read, replace, delete, run as the
CLI's JSON, and AHP consistency that matches the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosource.engine.evaluate.ahp import matrix_from_judgments, priorities
from crosource.engine.evaluate.evaluation import run
from crosource.io.evaluation_io import load_evaluation
from tests.engine.evaluate.test_ahp_published import CHAIRS, JUDGMENTS
from tests.web.conftest import World

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evaluations" / "rare-disease.yaml"
BROKEN = b"""schema: crosource/evaluation@1
criteria:
  - {id: quality}
  - {id: wizardry}
weights: {quality: 1, wizardry: 1}
alternatives:
  - {id: a, scores: {quality: 7, wizardry: 1}}
  - {id: b, scores: {quality: 2}}
"""


def _base(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspaces['Acme']}"


def _upload(world: World, csrf: str, content: bytes, name: str = "rare.yaml") -> Any:
    return world.client.post(
        f"{_base(world)}/evaluations",
        files={"file": (name, content, "application/yaml")},
        data={"name": "Rare disease"},
        headers={"X-CSRF-Token": csrf},
    )


def _audit_count(world: World) -> int:
    world.sign_in("owner@acme.test")
    return len(world.client.get(f"{_base(world)}/audit?limit=500").json()["items"])


def test_invalid_import_shows_every_problem_and_adds_nothing(world: World) -> None:
    before = _audit_count(world)
    csrf = world.sign_in("analyst@acme.test")
    answer = _upload(world, csrf, BROKEN)
    assert answer.status_code == 422
    details = answer.json()["error"]["details"]
    places = {d["where"] for d in details}
    assert {"line 4", "line 7", "line 8"} <= {p.split(",")[0] for p in places}, details
    assert len(details) >= 3
    assert world.client.get(f"{_base(world)}/evaluations").json()["items"] == []
    assert _audit_count(world) == before
    csrf = world.sign_in("analyst@acme.test")
    assert _upload(world, csrf, b"x", "notes.txt").status_code == 422


def test_import_read_replace_run_delete(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    created = _upload(world, csrf, EXAMPLE.read_bytes())
    assert created.status_code == 201, created.text
    eid = created.json()["id"]
    one = world.client.get(f"{_base(world)}/evaluations/{eid}").json()
    assert one["name"] == "Rare disease" and len(one["document"]["alternatives"]) == 4

    ran = world.client.post(
        f"{_base(world)}/evaluations/{eid}/run", headers={"X-CSRF-Token": csrf}
    ).json()
    assert ran["command"] == "evaluate" and ran["input"] == "Rare disease"
    expected = json.loads(json.dumps(run(load_evaluation(EXAMPLE))))
    assert ran["result"]["weights"] == pytest.approx(expected["weights"])
    assert ran["result"]["methods"]["topsis"]["ranks"] == expected["methods"]["topsis"]["ranks"]
    assert ran["result"]["excluded"] == {"aldergate": ["gcp_inspections"]}

    document = one["document"]
    document["smaa"]["seed"] = 3
    put = world.client.put(
        f"{_base(world)}/evaluations/{eid}",
        json={"version": 1, "document": document},
        headers={"X-CSRF-Token": csrf},
    )
    assert put.status_code == 200 and put.json()["version"] == 2
    stale = world.client.put(
        f"{_base(world)}/evaluations/{eid}",
        json={"version": 1, "document": document},
        headers={"X-CSRF-Token": csrf},
    )
    assert stale.status_code == 409
    bad = world.client.put(
        f"{_base(world)}/evaluations/{eid}",
        json={"version": 2, "document": {**document, "alternatives": []}},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422
    assert world.client.get(f"{_base(world)}/evaluations/{eid}").json()["version"] == 2

    viewer_csrf = world.sign_in("viewer@acme.test")
    refused = world.client.delete(
        f"{_base(world)}/evaluations/{eid}?version=2", headers={"X-CSRF-Token": viewer_csrf}
    )
    assert refused.status_code == 403
    csrf = world.sign_in("analyst@acme.test")
    gone = world.client.delete(
        f"{_base(world)}/evaluations/{eid}?version=2", headers={"X-CSRF-Token": csrf}
    )
    assert gone.status_code == 204
    assert world.client.get(f"{_base(world)}/evaluations/{eid}").status_code == 404


def test_consistency_matches_the_engine_on_saatys_example(world: World) -> None:
    csrf = world.sign_in("viewer@acme.test")
    answer = world.client.post(
        f"{_base(world)}/ahp/consistency",
        json={"criteria": CHAIRS, "judgments": JUDGMENTS},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    engine = priorities(matrix_from_judgments(CHAIRS, JUDGMENTS), CHAIRS)
    assert [found["weights"][c] for c in CHAIRS] == pytest.approx(list(engine.weights))
    assert found["cr"] == pytest.approx(engine.cr)
    assert found["lambda_max"] == pytest.approx(engine.lambda_max)
    assert round(found["lambda_max"], 2) == 4.39  # Saaty (1977)
    assert found["consistent"] is False
    assert engine.worst is not None and found["worst"]["pair"] == engine.worst.pair


@pytest.mark.parametrize(
    "body",
    [
        {"criteria": ["a", "b"], "judgments": {"a/b": 12}},
        {"criteria": ["a", "b", "c"], "judgments": {"a/b": 2}},
        {"criteria": ["a", "a"], "judgments": {"a/a": 2}},
        {"criteria": ["a", "b"], "judgments": {"a/x": 2}},
    ],
)
def test_consistency_refuses_judgments_that_give_no_weights(
    world: World, body: dict[str, Any]
) -> None:
    csrf = world.sign_in("analyst@acme.test")
    answer = world.client.post(
        f"{_base(world)}/ahp/consistency", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["message"]


def test_an_evaluation_from_a_portfolio(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    pid = world.ids["Acme"]["portfolio_id"]
    made = world.client.post(
        f"{_base(world)}/evaluations/from-portfolio",
        json={"portfolio_id": pid, "providers": ["meridian", "quantis", "sentinel"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    document = world.client.get(f"{_base(world)}/evaluations/{made.json()['id']}").json()
    assert [a["id"] for a in document["document"]["alternatives"]] == [
        "meridian",
        "quantis",
        "sentinel",
    ]
    criteria = {c["id"] for c in document["document"]["criteria"]}
    assert "quality" in criteria and "collaboration" not in criteria  # quantis has no score
    one = world.client.post(
        f"{_base(world)}/evaluations/from-portfolio",
        json={"portfolio_id": pid, "providers": ["meridian"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert one.status_code == 422
