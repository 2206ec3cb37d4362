"""The evaluation pages: import with every problem shown, start from a portfolio, the AHP form
with live consistency (the engine's figures, nothing saved), evaluators saved and removed."""

from __future__ import annotations

from typing import Any

import pytest

from crosource.engine.evaluate.ahp import matrix_from_judgments, priorities
from crosource.store import evaluations
from tests.engine.evaluate.test_ahp_published import CHAIRS, JUDGMENTS
from tests.web.conftest import World
from tests.web.test_ev_api import BROKEN, EXAMPLE

# Saaty's light-intensity chairs, played by four criteria of the catalog.
CRITERIA = ["quality", "cost", "scalability", "automation"]
AS_CRITERIA = dict(zip(CHAIRS, CRITERIA, strict=True))


def _pairs() -> dict[str, str]:
    return {
        f"{AS_CRITERIA[k.split('/')[0]]}/{AS_CRITERIA[k.split('/')[1]]}": str(v)
        for k, v in JUDGMENTS.items()
    }


def _stored(world: World, evaluation_id: int) -> Any:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return evaluations.get_record(
            session, workspace_id=world.workspaces["Acme"], evaluation_id=evaluation_id
        )


def _chairs_evaluation(world: World) -> int:
    app: Any = world.client.app
    document = {
        "schema": "crosource/evaluation@1",
        "criteria": [{"id": c, "direction": "benefit"} for c in CRITERIA],
        "weights": dict.fromkeys(CRITERIA, 0.25),
        "alternatives": [
            {"id": "x", "scores": dict.fromkeys(CRITERIA, 1)},
            {"id": "y", "scores": dict.fromkeys(CRITERIA, 2)},
        ],
    }
    with app.state.sessions() as session:
        record = evaluations.add_evaluation(
            session,
            workspace_id=world.workspaces["Acme"],
            name="Chairs",
            evaluation=evaluations.document_to_evaluation(document, "chairs"),
        )
        session.commit()
        return record.id


def test_invalid_import_shows_every_problem_and_adds_nothing(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    space = world.workspaces["Acme"]
    answer = world.client.post(
        f"/w/{space}/evaluations/import",
        files={"file": ("broken.yaml", BROKEN, "application/yaml")},
        data={"csrf_token": csrf},
    )
    assert answer.status_code == 422
    assert "Nothing was stored" in answer.text
    for text in ("line 4", "wizardry", "line 7", "scores run from 0 to 4", "line 8"):
        assert text in answer.text, text
    assert "No evaluation yet" in answer.text


def test_import_then_the_page_shows_ranks_and_charts(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    space = world.workspaces["Acme"]
    answer = world.client.post(
        f"/w/{space}/evaluations/import",
        files={"file": ("rare.yaml", EXAMPLE.read_bytes(), "application/yaml")},
        data={"csrf_token": csrf},
    )
    assert answer.status_code == 200  # followed the redirect to the evaluation's page
    page = answer.text
    assert "Imported the evaluation rare" in page
    for text in ("orphan-bridge", "excluded", "head_of_clinops", "Rank acceptability"):
        assert text in page, text
    assert 'class="vega-chart"' in page and "/static/vega-bundle.js" in page


def test_start_from_a_portfolio(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("owner@acme.test")
    space = world.workspaces["Acme"]
    answer = world.client.post(
        f"/w/{space}/evaluations/new",
        data={"csrf_token": csrf, "portfolio_id": str(world.ids["Acme"]["portfolio_id"])},
    )
    assert answer.status_code == 200
    for provider in ("meridian", "northbridge", "synapse", "quantis", "sentinel"):
        assert provider in answer.text
    assert "Senior-level access" in answer.text
    missing = world.client.post(f"/w/{space}/evaluations/new", data={"csrf_token": csrf})
    assert missing.status_code == 422 and "choose a portfolio" in missing.text


def test_live_feedback_is_the_engines_and_saves_nothing(world: World) -> None:
    eid = _chairs_evaluation(world)
    csrf = world.sign_in("analyst@acme.test")
    space = world.workspaces["Acme"]
    form = world.client.get(f"/w/{space}/evaluations/{eid}/ahp?evaluator=saaty")
    assert form.status_code == 200
    assert 'hx-trigger="change"' in form.text and "/ahp/check" in form.text
    answer = world.client.post(
        f"/w/{space}/evaluations/{eid}/ahp/check",
        data={**_pairs(), "evaluator": "saaty", "version": "1"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert answer.status_code == 200
    engine = priorities(matrix_from_judgments(CHAIRS, JUDGMENTS), CHAIRS)
    assert f"{engine.cr:.3f}" in answer.text
    assert f"{engine.lambda_max:.3f}" in answer.text
    for weight in engine.weights:
        assert f"{100 * weight:.1f}%" in answer.text
    assert "Revisit" in answer.text  # CR 0.14 > 0.10: the worst judgment is named
    assert "<html" not in answer.text  # a fragment
    stored = _stored(world, eid)
    assert stored.version == 1 and "pairwise" not in stored.document

    bad = world.client.post(
        f"/w/{space}/evaluations/{eid}/ahp/check",
        data={"quality/cost": "12"},
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert bad.status_code == 422 and "outside Saaty" in bad.text


def test_save_and_remove_evaluators(world: World) -> None:
    eid = _chairs_evaluation(world)
    csrf = world.sign_in("analyst@acme.test")
    space = world.workspaces["Acme"]
    saved = world.client.post(
        f"/w/{space}/evaluations/{eid}/ahp",
        data={**_pairs(), "evaluator": "saaty", "version": "1", "csrf_token": csrf},
    )
    assert saved.status_code == 200 and "Saved the judgments of saaty" in saved.text
    stored = _stored(world, eid)
    assert stored.version == 2 and "weights" not in stored.document
    assert stored.document["pairwise"][0]["evaluator"] == "saaty"
    second = dict.fromkeys(_pairs(), "1")
    world.client.post(
        f"/w/{space}/evaluations/{eid}/ahp",
        data={**second, "evaluator": "ops", "version": "2", "csrf_token": csrf},
    )
    assert [e["evaluator"] for e in _stored(world, eid).document["pairwise"]] == ["saaty", "ops"]
    stale = world.client.post(
        f"/w/{space}/evaluations/{eid}/ahp",
        data={**second, "evaluator": "ops", "version": "2", "csrf_token": csrf},
    )
    assert stale.status_code == 409
    for name, version in (("saaty", "3"), ("ops", "4")):
        removed = world.client.post(
            f"/w/{space}/evaluations/{eid}/evaluators/remove",
            data={"evaluator": name, "version": version, "csrf_token": csrf},
        )
        assert removed.status_code == 200, removed.text
    document = _stored(world, eid).document
    assert "pairwise" not in document
    assert document["weights"] == pytest.approx(dict.fromkeys(CRITERIA, 0.25))


def test_delete_from_the_page(world: World) -> None:
    eid = _chairs_evaluation(world)
    space = world.workspaces["Acme"]
    csrf = world.sign_in("viewer@acme.test")
    assert world.client.get(f"/w/{space}/evaluations/{eid}").status_code == 200
    refused = world.client.post(
        f"/w/{space}/evaluations/{eid}/delete", data={"version": "1", "csrf_token": csrf}
    )
    assert refused.status_code == 403
    csrf = world.sign_in("owner@acme.test")
    gone = world.client.post(
        f"/w/{space}/evaluations/{eid}/delete", data={"version": "1", "csrf_token": csrf}
    )
    assert gone.status_code == 200 and "Deleted the evaluation Chairs" in gone.text
    assert world.client.get(f"/w/{space}/evaluations/{eid}").status_code == 404


def test_edit_as_yaml_and_download(world: World) -> None:
    eid = _chairs_evaluation(world)
    space = world.workspaces["Acme"]
    csrf = world.sign_in("analyst@acme.test")
    source = world.client.get(f"/w/{space}/evaluations/{eid}/download")
    assert source.status_code == 200 and "crosource/evaluation@1" in source.text
    assert "attachment" in source.headers["content-disposition"]
    broken = source.text.replace("quality: 1", "quality: 9")
    bad = world.client.post(
        f"/w/{space}/evaluations/{eid}/yaml",
        data={"source": broken, "version": "1", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert "Nothing was saved" in bad.text and "scores run from 0 to 4" in bad.text
    assert "line " in bad.text
    assert _stored(world, eid).version == 1
    good = source.text.replace("quality: 1", "quality: 3")
    saved = world.client.post(
        f"/w/{space}/evaluations/{eid}/yaml",
        data={"source": good, "version": "1", "csrf_token": csrf},
    )
    assert saved.status_code == 200 and "Saved Chairs" in saved.text
    stored = _stored(world, eid)
    assert stored.version == 2 and stored.document["alternatives"][0]["scores"]["quality"] == 3


def test_an_evaluation_where_the_gates_leave_one_provider(world: World) -> None:
    app: Any = world.client.app
    document = {
        "schema": "crosource/evaluation@1",
        "criteria": [{"id": "quality"}, {"id": "cost", "direction": "cost"}],
        "weights": {"quality": 1, "cost": 1},
        "gates": [{"id": "insurance"}],
        "alternatives": [
            {"id": "x", "scores": {"quality": 3, "cost": 10}, "gates": {"insurance": True}},
            {"id": "y", "scores": {"quality": 2, "cost": 9}, "gates": {"insurance": False}},
        ],
    }
    with app.state.sessions() as session:
        record = evaluations.add_evaluation(
            session,
            workspace_id=world.workspaces["Acme"],
            name="Gated",
            evaluation=evaluations.document_to_evaluation(document, "gated"),
        )
        session.commit()
        eid = record.id
    world.sign_in("viewer@acme.test")
    page = world.client.get(f"/w/{world.workspaces['Acme']}/evaluations/{eid}")
    assert page.status_code == 200
    assert "nothing to rank" in page.text and "✗ fails" in page.text
    assert "Professional liability insurance" in page.text  # the catalog's gate description
