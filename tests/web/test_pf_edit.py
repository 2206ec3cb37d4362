"""Editing a portfolio in its pages: the sponsor and a study inline (HTMX), the whole document
as YAML. Each save is validated in full and version-checked; a refused one changes nothing."""

from __future__ import annotations

import html
from typing import Any

from tests.web.conftest import World

HTMX = {"HX-Request": "true"}
STUDY = {
    "study": "HLN-204-201",
    "phase": "2",
    "start": "2027-06-01",
    "patients": "180",
    "enrollment_rate": "0.35",
    "treatment_followup_months": "4",
    "complexity": "high",
    "sites.north_america": "14",
    "sites.western_europe": "10",
    "sites.central_eastern_europe": "6",
}
SPONSOR = {
    "name": "Halcyon Neurotherapeutics",
    "stage": "clinical",
    "oversight_fte": "2.5",
    "internal_cost_per_fte_month": "19000",
    "control": "high",
    "flexibility": "medium",
    "budget_pressure": "high",
    "risk_sharing": "medium",
    "senior_attention": "high",
    "ai_maturity_required": "low",
    "portfolio_growth": "medium",
    "own_investigator_relationships": "yes",
}


def _base(world: World) -> str:
    return f"/w/{world.workspaces['Acme']}/p/{world.portfolio_ids['Acme']}"


def _document(world: World) -> tuple[int, dict[str, Any]]:
    body = world.client.get(
        f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios/{world.portfolio_ids['Acme']}"
    ).json()
    return body["version"], body["document"]


def _post(world: World, path: str, csrf: str, data: dict[str, str]) -> Any:
    return world.client.post(_base(world) + path, data=data, headers={**HTMX, "X-CSRF-Token": csrf})


def test_a_study_saved_inline_shows_its_row_and_the_new_version(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    form = world.client.get(f"{_base(world)}/study/edit", params={"study": "HLN-204-201"})
    assert form.status_code == 200 and 'name="patients"' in form.text
    answer = _post(world, "/study", csrf, {**STUDY, "version": "1", "pivotal": "yes"})
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<tr id="study-1">')
    assert 'id="pf-version" name="version" value="2" hx-swap-oob="true"' in answer.text
    version, document = _document(world)
    study = document["studies"][1]
    assert version == 2 and study["patients"] == 180 and study["pivotal"] is True
    assert (
        world.client.get(f"{_base(world)}/study", params={"study": "HLN-204-201"}).status_code
        == 200
    )


def test_an_invalid_study_shows_its_problems_and_changes_nothing(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("owner@acme.test")
    bad = {**STUDY, "version": "1", "patients": "lots", "start": "2027-02-30"}
    answer = _post(world, "/study", csrf, bad)
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "2 problems; nothing was saved." in text
    assert "expected a whole number" in text or "expected a number" in text
    assert "expected a date as YYYY-MM-DD" in text
    assert 'value="lots"' in text  # the form comes back as typed
    version, document = _document(world)
    assert version == 1 and document["studies"][1]["patients"] == 150


def test_a_stale_edit_answers_409_and_asks_for_a_reload(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    assert _post(world, "/study", csrf, {**STUDY, "version": "1"}).status_code == 200
    stale = _post(world, "/sponsor", csrf, {**SPONSOR, "version": "1"})
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.text and "reload" in stale.text
    version, document = _document(world)
    assert version == 2 and document["sponsor"]["oversight_fte"] == 1.5


def test_the_sponsor_saved_inline(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    assert world.client.get(f"{_base(world)}/sponsor/edit").status_code == 200
    answer = _post(world, "/sponsor", csrf, {**SPONSOR, "version": "1"})
    assert answer.status_code == 200 and "2.5 FTE" in answer.text
    version, document = _document(world)
    prefs = document["sponsor"]["preferences"]
    assert version == 2 and prefs["control"] == "high" and prefs["sponsor_systems"] is False
    bad = _post(world, "/sponsor", csrf, {**SPONSOR, "version": "2", "oversight_fte": "-1"})
    assert bad.status_code == 422 and "at least 0" in bad.text
    assert _document(world)[0] == 2


def test_viewers_get_no_edit_forms(seeded: World) -> None:
    world = seeded
    csrf = world.sign_in("viewer@acme.test")
    assert world.client.get(f"{_base(world)}/sponsor/edit").status_code == 403
    assert (
        world.client.get(f"{_base(world)}/study/edit", params={"study": "HLN-204-201"}).status_code
        == 403
    )
    assert _post(world, "/study", csrf, {**STUDY, "version": "1"}).status_code == 403
    assert _post(world, "/sponsor", csrf, {**SPONSOR, "version": "1"}).status_code == 403
    row = world.client.get(f"{_base(world)}/study", params={"study": "HLN-204-201"})
    assert row.status_code == 200 and "Edit" not in row.text
    assert _document(world)[0] == 1


def test_unknown_study_is_404(seeded: World) -> None:
    world = seeded
    world.sign_in("analyst@acme.test")
    answer = world.client.get(f"{_base(world)}/study/edit", params={"study": "NOPE"})
    assert answer.status_code == 404


def test_yaml_edit_saves_valid_text_and_shows_each_problem_of_invalid_text(
    seeded: World,
) -> None:
    world = seeded
    csrf = world.sign_in("analyst@acme.test")
    page = world.client.get(f"{_base(world)}/yaml")
    assert page.status_code == 200
    source = html.unescape(
        page.text.split('name="source"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    )
    assert "sponsor:" in source and "HLN-204-201" in source
    broken = source.replace("patients: 150", "patients: many").replace(
        "stage: clinical", "stage: galactic"
    )
    answer = world.client.post(
        f"{_base(world)}/yaml", data={"csrf_token": csrf, "version": "1", "source": broken}
    )
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "2 problems; nothing was saved." in text
    line = broken.splitlines().index("  patients: many") + 1
    assert f"line {line}, studies[1].patients" in text
    assert "patients: many" in text  # the text comes back as typed
    assert _document(world)[0] == 1
    renamed = source.replace("name: Halcyon Neurotherapeutics", "name: Halcyon Bio", 1)
    saved = world.client.post(
        f"{_base(world)}/yaml",
        data={"csrf_token": csrf, "version": "1", "source": renamed},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    version, document = _document(world)
    assert version == 2 and document["sponsor"]["name"] == "Halcyon Bio"
    stale = world.client.post(
        f"{_base(world)}/yaml", data={"csrf_token": csrf, "version": "1", "source": source}
    )
    assert stale.status_code == 409 and "changed meanwhile" in stale.text
    assert _document(world)[1]["sponsor"]["name"] == "Halcyon Bio"
