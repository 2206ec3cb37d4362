"""The API of part A: a portfolio's recommendation, its deletion, and the assessment's draft."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from crosource.store.tables import AuditEvent
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = {
    "sponsor": {
        "name": "Api Bio",
        "stage": "clinical",
        "internal": {"data_management": {"fte": 1.0, "maturity": 2}},
        "internal_cost_per_fte_month": 17000,
        "oversight_fte": 1,
        "preferences": {"control": "high"},
    },
    "programs": [{"id": "AB-1", "therapeutic_area": "oncology"}],
    "studies": [
        {
            "id": "AB-1-101",
            "program": "AB-1",
            "phase": "1",
            "start": "2027-01-01",
            "regions": {"north_america": 4},
            "patients": 30,
            "enrollment_rate": 0.5,
        }
    ],
}


def _api(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspaces['Acme']}"


def test_the_recommendation_is_the_cli_result(seeded: World) -> None:
    world = seeded
    world.sign_in("viewer@acme.test")
    answer = world.client.get(
        f"{_api(world)}/portfolios/{world.portfolio_ids['Acme']}/recommendation"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["portfolio_id"] == world.portfolio_ids["Acme"] and body["version"] == 1
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "crosource",
            "recommend",
            "examples/emerging-biotech.yaml",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    result = json.loads(ran.stdout)["result"]
    for key in ("programs", "assignments", "questions_for_providers"):
        assert body[key] == result[key], key
    missing = world.client.get(f"{_api(world)}/portfolios/999999/recommendation")
    assert missing.status_code == 404


def test_only_the_owner_deletes_and_only_the_version_seen(seeded: World) -> None:
    world = seeded
    url = f"{_api(world)}/portfolios/{world.portfolio_ids['Acme']}"
    csrf = world.sign_in("analyst@acme.test")
    headers = {"X-CSRF-Token": csrf}
    assert world.client.delete(url, params={"version": 1}, headers=headers).status_code == 403
    csrf = world.sign_in("owner@acme.test")
    headers = {"X-CSRF-Token": csrf}
    assert world.client.delete(url, headers=headers).status_code == 422
    stale = world.client.delete(url, params={"version": 3}, headers=headers)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert world.client.get(url).status_code == 200
    assert world.client.delete(url, params={"version": 1}, headers=headers).status_code == 204
    assert world.client.get(url).status_code == 404
    assert world.client.get(f"{url}/recommendation").status_code == 404
    app: Any = world.client.app
    with app.state.sessions() as session:
        event = session.query(AuditEvent).filter_by(entity="portfolio", action="delete").one()
        assert event.user_id is not None and event.old is not None


def test_the_assessment_draft_is_read_saved_and_finished(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    headers = {"X-CSRF-Token": csrf}
    url = f"{_api(world)}/assessment"
    empty = world.client.get(url).json()
    assert empty["step"] == 0 and empty["step_key"] == "sponsor" and empty["updated_at"] is None
    bad = {"step": 2, "answers": {"sponsor": {"stage": "galactic"}}}
    refused = world.client.put(url, json=bad, headers=headers)
    assert refused.status_code == 422
    wheres = [d["where"] for d in refused.json()["error"]["details"]]
    assert any("stage" in w for w in wheres)
    assert world.client.get(url).json()["updated_at"] is None
    partial = {"step": 1, "answers": {"sponsor": {"name": "Api Bio"}}}
    assert world.client.put(url, json=partial, headers=headers).status_code == 200
    incomplete = world.client.post(f"{url}/finish", json={}, headers=headers)
    assert incomplete.status_code == 422
    places = {d["where"] for d in incomplete.json()["error"]["details"]}
    assert places == {"programs", "studies"}
    saved = world.client.put(url, json={"step": 6, "answers": ANSWERS}, headers=headers)
    assert saved.status_code == 200 and saved.json()["step_key"] == "review"
    made = world.client.post(f"{url}/finish", json={"name": "From the API"}, headers=headers)
    assert made.status_code == 201, made.text
    portfolio = world.client.get(f"{_api(world)}/portfolios/{made.json()['id']}").json()
    assert portfolio["name"] == "From the API" and portfolio["studies"] == 1
    study = portfolio["document"]["studies"][0]
    assert study["demand"]["clinical_monitoring"] > 0  # estimated
    assert world.client.get(url).json()["updated_at"] is None  # the next one starts afresh
    world.client.put(url, json={"step": 6, "answers": ANSWERS}, headers=headers)
    again = world.client.post(f"{url}/finish", json={"name": "From the API"}, headers=headers)
    assert again.status_code == 409  # the name is taken; the draft stays
    assert world.client.get(url).json()["step"] == 6


def test_viewers_and_providers_have_no_assessment(world: World) -> None:
    for email in ("viewer@acme.test", "cro@acme.test"):
        csrf = world.sign_in(email)
        url = f"{_api(world)}/assessment"
        assert world.client.get(url).status_code == 403
        answer = world.client.put(url, json={"answers": {}}, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 403
