"""Hostile and absurd input to part A's forms and API: always a 4xx or a refusal in the page,
never a 500, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from crosource.domain.taxonomy import FUNCTIONS
from tests.web.conftest import World

ODD = ["", " ", "\x00", "1e400", "-0", "nan", "inf", "9" * 400, "é" * 5000, "<script>x</script>"]


def _version(world: World) -> int:
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios/{world.portfolio_ids['Acme']}"
    version: int = world.client.get(url).json()["version"]
    return version


@pytest.mark.parametrize("value", ODD)
def test_odd_values_in_every_form_field(seeded: World, value: str) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    space = world.workspaces["Acme"]
    base = f"/w/{space}/p/{world.portfolio_ids['Acme']}"
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    study = dict.fromkeys(
        ("phase", "start", "patients", "enrollment_rate", "sites.china", "complexity"), value
    )
    sponsor = dict.fromkeys(("name", "stage", "oversight_fte", "control", "flexibility"), value)
    calls: list[tuple[str, dict[str, str]]] = [
        (f"{base}/study", {"version": "1", "study": "HLN-204-201", **study}),
        (f"{base}/study", {"version": value, "study": value}),
        (f"{base}/sponsor", {"version": "1", **sponsor}),
        (f"{base}/yaml", {"version": "1", "source": value}),
        (
            f"/w/{space}/assess",
            {"step": "sponsor", "action": "next", "name": value, "stage": value},
        ),
        (f"/w/{space}/assess", {"step": value, "action": value}),
        (f"/w/{space}/assess/finish", {"name": value}),
        (f"/w/{space}/portfolios", {"name": value}),
    ]
    for url, data in calls:
        status = world.client.post(url, data=data, headers=headers).status_code
        assert 400 <= status < 500 or status == 303, (url, data, status)
    team = {f"fte.{f}": value for f in FUNCTIONS} | {"oversight_fte": value}
    world.client.post(
        f"/w/{space}/assess",
        data={"step": "sponsor", "action": "next", "name": "Ok", "stage": "clinical"},
        headers=headers,
    )
    answer = world.client.post(
        f"/w/{space}/assess", data={"step": "team", "action": "next", **team}, headers=headers
    )
    assert answer.status_code in (303, 422)
    assert _version(world) == 1


def test_numbers_too_large_for_the_engine_are_refused(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios/{world.portfolio_ids['Acme']}"
    document: dict[str, Any] = world.client.get(url).json()["document"]
    document["studies"][0]["patients"] = 10**400
    document["studies"][1]["regions"]["china"] = 2**63
    answer = world.client.put(
        url, json={"version": 1, "document": document}, headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 422
    wheres = {d["where"] for d in answer.json()["error"]["details"]}
    assert wheres == {"studies[0].patients", "studies[1].regions.china"}
    assert world.client.get(f"{url}/recommendation").status_code == 200
    page = world.client.post(
        f"/w/{world.workspaces['Acme']}/p/{world.portfolio_ids['Acme']}/study",
        data={
            "version": "1",
            "study": "HLN-204-102",
            "phase": "1",
            "start": "2026-10-01",
            "patients": "1e20",
            "enrollment_rate": "0.5",
            "treatment_followup_months": "3",
            "complexity": "medium",
            "sites.north_america": "8",
        },
        headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
    )
    assert page.status_code == 422 and "at most 10,000,000" in page.text


def test_odd_assessment_answers_through_the_api(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/assessment"
    headers = {"X-CSRF-Token": csrf}
    program = {"id": "P1", "therapeutic_area": "other", "name": "a\x00b", "modality": "x" * 10}
    answer = world.client.put(url, json={"answers": {"programs": [program]}}, headers=headers)
    assert answer.status_code < 500
    huge = {**program, "name": "x" * 2_000_000}
    answer = world.client.put(url, json={"answers": {"programs": [huge]}}, headers=headers)
    assert answer.status_code == 413
    finish = world.client.post(f"{url}/finish", json={"name": "\x00"}, headers=headers)
    assert 400 <= finish.status_code < 500
