"""The assessment wizard end to end: each step saved as it goes, resumed where it was left, an
invalid answer shown at its field, and a portfolio equal to what `crosource assess` builds from
the same answers."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path
from typing import Any

from crosource.domain.taxonomy import FUNCTIONS
from crosource.io.portfolio_io import load_portfolio
from crosource.store.tables import Assessment, AuditEvent, PortfolioRecord
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]
PRIORITIES = {
    "flexibility": "high",
    "risk_sharing": "medium",
    "portfolio_growth": "high",
    "ai_maturity_required": "medium",
    "senior_attention": "high",
    "budget_pressure": "low",
}
CONTROL = {
    "control": "low",
    "sponsor_systems": "no",
    "central_data_management": "no",
    "own_investigator_relationships": "yes",
}
STUDY = {
    "s0.id": "AC-1-201",
    "s0.program": "AC-1",
    "s0.phase": "2",
    "s0.start": "2027-03-01",
    "s0.patients": "60",
    "s0.enrollment_rate": "0.2",
    "s0.treatment_followup_months": "6",
    "s0.complexity": "high",
    "s0.sites.north_america": "10",
    "s0.sites.western_europe": "5",
}
# The same answers as the terminal asks them, in its order (cli_assess.py).
CLI_ANSWERS = [
    "Acme Bio",
    "clinical",
    *[("2" if f == "clinical_monitoring" else "0") for f in FUNCTIONS[:3]],
    "3",  # maturity of clinical monitoring, asked right after its FTE
    *["0"] * (len(FUNCTIONS) - 3),
    "18000",
    "1.5",
    "high",  # flexibility
    "medium",  # risk sharing
    "high",  # growth
    "medium",  # AI
    "high",  # senior
    "low",  # budget
    "low",  # control
    "n",
    "n",
    "y",
    "1",
    "AC-1",
    "Acme one",
    "rare_disease",
    "y",
    "y",
    "1",
    "AC-1-201",
    "2",
    "2027-03-01",
    "north_america:10, western_europe:5",
    "60",
    "0.2",
    "6",
    "high",
    "n",
    "n",
    "n",
]


def _url(world: World) -> str:
    return f"/w/{world.workspaces['Acme']}/assess"


def _step(world: World, csrf: str, step: str, action: str = "next", **fields: str) -> Any:
    data = {"csrf_token": csrf, "step": step, "action": action, **fields}
    return world.client.post(_url(world), data=data, follow_redirects=False)


def _draft(world: World) -> Assessment | None:
    app: Any = world.client.app
    with app.state.sessions() as session:
        found: Assessment | None = (
            session.query(Assessment).filter(Assessment.portfolio_id.is_(None)).first()
        )
        return found


def _team() -> dict[str, str]:
    team = {f"fte.{f}": "0" for f in FUNCTIONS} | {f"maturity.{f}": "2" for f in FUNCTIONS}
    team |= {"fte.clinical_monitoring": "2", "maturity.clinical_monitoring": "3"}
    return team | {"oversight_fte": "1.5", "internal_cost_per_fte_month": "18000"}


def _answer_all(world: World, csrf: str) -> None:
    """Every step answered, with a detour through adding and removing a program row."""
    assert _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical").status_code == 303
    assert _step(world, csrf, "team", **_team()).status_code == 303
    assert _step(world, csrf, "priorities", **PRIORITIES).status_code == 303
    assert _step(world, csrf, "control", **CONTROL).status_code == 303
    program = {
        "rows": "1",
        "p0.id": "AC-1",
        "p0.name": "Acme one",
        "p0.therapeutic_area": "rare_disease",
        "p0.rare_disease": "yes",
        "p0.commercial_intent": "yes",
    }
    added = _step(world, csrf, "programs", "add", **program)
    assert added.headers["location"].endswith("?step=programs&add=1")
    page = world.client.get(added.headers["location"]).text
    assert 'name="p1.id"' in page and 'value="P2"' in page
    two = {**program, "rows": "2", "p1.id": "P2", "p1.therapeutic_area": "oncology"}
    assert _step(world, csrf, "programs", "remove:1", **two).status_code == 303
    assert _step(world, csrf, "programs", **program).status_code == 303
    assert _step(world, csrf, "studies", rows="1", **STUDY).status_code == 303


def test_the_wizard_saves_each_step_and_resumes_where_it_was_left(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    first = world.client.get(_url(world))
    assert first.status_code == 200 and 'aria-current="step">1. Your organisation' in first.text
    bad = _step(world, csrf, "sponsor", name="", stage="galactic")
    assert bad.status_code == 422
    text = html.unescape(bad.text)
    assert 'id="err-name"' in text and "cannot be empty" in text
    assert "expected one of: preclinical, clinical, commercial" in text
    assert _draft(world) is None  # nothing saved
    assert _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical").status_code == 303
    saved = _draft(world)
    assert saved is not None and saved.answers["sponsor"]["name"] == "Acme Bio"
    assert saved.step == 1
    # Signing in again later: the wizard opens at the step reached, with the answers kept.
    csrf = world.sign_in("analyst@acme.test")
    resumed = world.client.get(_url(world))
    assert 'aria-current="step">2. Your team' in resumed.text
    back = world.client.get(_url(world), params={"step": "sponsor"})
    assert 'value="Acme Bio"' in back.text
    ahead = world.client.get(_url(world), params={"step": "review"})
    assert 'aria-current="step">2. Your team' in ahead.text  # no skipping ahead
    # Another user of the workspace has a draft of their own.
    world.sign_in("owner@acme.test")
    assert 'aria-current="step">1. Your organisation' in world.client.get(_url(world)).text


def test_an_invalid_row_is_marked_at_its_field(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical")
    _step(world, csrf, "team", **_team())
    _step(world, csrf, "priorities", **PRIORITIES)
    _step(world, csrf, "control", **CONTROL)
    _step(world, csrf, "programs", rows="1", **{"p0.id": "AC-1", "p0.therapeutic_area": "oncology"})
    before = _draft(world)
    bad = _step(
        world, csrf, "studies", rows="1", **{**STUDY, "s0.patients": "0", "s0.sites.china": "x"}
    )
    assert bad.status_code == 422
    text = html.unescape(bad.text)
    assert 'id="err-s0-patients"' in text and "expected a whole number of at least 1" in text
    assert 'id="err-s0-sites-china"' in text
    after = _draft(world)
    assert before is not None and after is not None and after.answers == before.answers


def test_the_last_step_makes_the_portfolio_the_terminal_would(world: World, tmp_path: Path) -> None:
    csrf = world.sign_in("analyst@acme.test")
    _answer_all(world, csrf)
    review = world.client.get(_url(world))
    assert 'aria-current="step">7. Review' in review.text
    assert "Work the studies need (estimated)" in review.text
    done = world.client.post(
        f"{_url(world)}/finish", data={"csrf_token": csrf, "name": ""}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/recommendation")
    recommended = world.client.get(done.headers["location"])
    assert recommended.status_code == 200 and "Created Acme Bio" in recommended.text
    app: Any = world.client.app
    with app.state.sessions() as session:
        record = session.query(PortfolioRecord).one()
        assert record.name == "Acme Bio"
        finished = session.query(Assessment).one()
        assert finished.portfolio_id == record.id
        actions = {(e.entity, e.action) for e in session.query(AuditEvent)}
        assert {("portfolio", "create"), ("assessment", "finish")} <= actions
        document = record.document
    out = tmp_path / "cli.yaml"
    ran = subprocess.run(
        [sys.executable, "-m", "crosource", "assess", "--out", str(out)],
        input="\n".join(CLI_ANSWERS) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stderr + ran.stdout
    assert load_portfolio(out).to_data() == document
    # A new assessment starts from the beginning.
    assert 'aria-current="step">1. Your organisation' in world.client.get(_url(world)).text


def test_finishing_an_incomplete_assessment_says_what_is_missing(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical")
    answer = world.client.post(f"{_url(world)}/finish", data={"csrf_token": csrf})
    assert answer.status_code == 422
    assert "add at least one program" in answer.text and "add at least one study" in answer.text
    app: Any = world.client.app
    with app.state.sessions() as session:
        assert session.query(PortfolioRecord).count() == 0


def test_restart_drops_the_answers_and_viewers_cannot_answer(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical")
    restart = world.client.post(f"{_url(world)}/restart", data={"csrf_token": csrf})
    assert restart.status_code == 200 and _draft(world) is None
    csrf = world.sign_in("viewer@acme.test")
    page = world.client.get(_url(world))
    assert page.status_code == 200 and "an analyst or an owner answers" in page.text
    assert _step(world, csrf, "sponsor", name="X", stage="clinical").status_code == 403
    assert _draft(world) is None


def test_unknown_steps_and_actions_are_refused(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    assert _step(world, csrf, "nowhere", name="X").status_code == 422
    assert _step(world, csrf, "sponsor", "explode", name="X").status_code == 422
    assert _step(world, csrf, "studies", rows="1").status_code == 409  # not reached yet


def test_back_keeps_valid_answers_and_says_when_it_dropped_some(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    _step(world, csrf, "sponsor", name="Acme Bio", stage="clinical")
    back = _step(world, csrf, "team", "back", **{**_team(), "oversight_fte": "many"})
    assert back.status_code == 303 and back.headers["location"].endswith("?step=sponsor")
    page = world.client.get(back.headers["location"])
    assert "had problems and were not kept" in page.text
    draft = _draft(world)
    assert draft is not None and draft.answers["sponsor"]["oversight_fte"] is None
    _step(world, csrf, "team", "back", **_team())
    draft = _draft(world)
    assert draft is not None and draft.answers["sponsor"]["oversight_fte"] == 1.5
