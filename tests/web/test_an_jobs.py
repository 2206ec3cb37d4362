"""Analyses as background jobs, through the API and through the pages: the same numbers as the
CLI, impossible requests refused before any job exists, stale runs seen as failed, reruns."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crosource.store import jobs, portfolios
from crosource.store.tables import AuditEvent, Job, utcnow
from tests.web.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "emerging-biotech.yaml"
DRAWS, SEED = 200, 7
WAIT_SECONDS = 120.0


def cli(*args: str) -> dict[str, Any]:
    """`crosource ARGS --format json` on the example file: its `result`."""
    command = [sys.executable, "-m", "crosource", *args, str(EXAMPLE), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout)["result"]
    assert isinstance(result, dict)
    return result


@pytest.fixture(scope="module")
def cli_simulation() -> dict[str, Any]:
    return cli("simulate", "--draws", str(DRAWS), "--seed", str(SEED))


def app_of(world: World) -> Any:
    return world.client.app


def import_example(world: World, workspace: str = "Acme") -> int:
    with app_of(world).state.sessions() as session:
        record = portfolios.import_portfolio_file(
            session, workspace_id=world.workspaces[workspace], file=EXAMPLE
        )
        session.commit()
        return record.id


def wait_for(world: World, workspace_id: int, job_id: int) -> dict[str, Any]:
    """Poll the job until it is done or failed, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = world.client.get(f"/api/v1/workspaces/{workspace_id}/jobs/{job_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["state"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, f"job {job_id} still {body['state']}"
        time.sleep(0.2)


def job_count(world: World) -> tuple[int, int]:
    """Jobs, and audit events about jobs, in the database."""
    with app_of(world).state.sessions() as session:
        made = session.scalar(select(func.count()).select_from(Job)) or 0
        events = select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "job")
        return made, session.scalar(events) or 0


def test_simulate_through_the_api_equals_the_cli(
    world: World, cli_simulation: dict[str, Any]
) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "draws": DRAWS, "seed": SEED},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert started["state"] in ("queued", "running", "done")
    assert started["portfolio_version"] == 1
    done = wait_for(world, acme, started["id"])
    assert done["state"] == "done", done["error"]
    assert done["progress"] == 1.0
    assert done["result"] == cli_simulation
    listed = world.client.get(f"/api/v1/workspaces/{acme}/jobs?portfolio_id={pid}&kind=simulate")
    assert [j["id"] for j in listed.json()["items"]] == [started["id"]]
    assert world.client.get(f"/api/v1/workspaces/{acme}/jobs?kind=optimize").json()["items"] == []
    assert job_count(world) == (1, 1)


def test_simulate_through_the_page_form_equals_the_cli(
    world: World, cli_simulation: dict[str, Any]
) -> None:
    csrf = world.sign_in("owner@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    page = world.client.get(f"/w/{acme}/p/{pid}/scenarios")
    assert page.status_code == 200
    ticked = re.findall(r'name="scenarios" value="([^"]+)" checked', page.text)
    assert ticked == ["recommended", "fsp_core"]  # the CLI's default set for this portfolio
    form = {"csrf_token": csrf, "scenarios": ticked, "draws": str(DRAWS), "seed": str(SEED)}
    answer = world.client.post(
        f"/w/{acme}/p/{pid}/scenarios", data={**form, "sensitivity": "on"}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    deadline = time.monotonic() + WAIT_SECONDS
    while (
        'hx-trigger="every 1s"'
        in (status := world.client.get(f"/w/{acme}/jobs/{job_id}/status")).text
    ):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status.status_code == 200
    assert "report.pdf" in status.text and "Scenarios side by side" in status.text
    shown = world.client.get(f"/w/{acme}/jobs/{job_id}")
    assert "Cost-risk run" in shown.text and "P10" in shown.text and "fsp_core" in shown.text
    assert wait_for(world, acme, job_id)["result"] == cli_simulation
    runs = world.client.get(f"/w/{acme}/p/{pid}/scenarios")
    assert f"/w/{acme}/jobs/{job_id}" in runs.text


def test_optimize_job_on_the_emerging_example(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    answer = world.client.post(
        f"/w/{acme}/p/{pid}/optimize",
        data={"csrf_token": csrf, "objective": "cash", "check_draws": "200", "seed": "3"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    done = wait_for(world, acme, job_id)
    assert done["state"] == "done", done["error"]
    result = done["result"]
    expected = cli("optimize", "--check-draws", "200", "--seed", "3")
    assert result["status"] == expected["status"] == "optimal"
    assert result["plan"] == expected["plan"]
    assert result["cash_tco_usd"] == pytest.approx(expected["cash_tco_usd"])
    assert [s["name"] for s in result["check"]["scenarios"]] == ["recommended", "optimized"]
    assert result["check"] == expected["check"]
    page = world.client.get(f"/w/{acme}/jobs/{job_id}")
    assert "Optimizer run" in page.text and "optimal" in page.text


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "simulate", "scenarios": ["no_such_plan"], "draws": 200},
        {"kind": "simulate", "scenarios": ["all_fso:nobody"], "draws": 200},
        {"kind": "simulate", "scenarios": ["recommended", "recommended"], "draws": 200},
        {"kind": "simulate", "draws": 10},
        {"kind": "optimize", "gap": 2},
        {"kind": "launch"},
    ],
)
def test_an_impossible_request_is_refused_and_creates_no_job(
    world: World, body: dict[str, Any]
) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json=body,
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["details"], error
    if body.get("scenarios") and "no_such_plan" in body["scenarios"]:
        assert "unknown scenario 'no_such_plan'" in error["details"][0]["message"]
    assert job_count(world) == (0, 0)


def test_the_page_form_shows_why_a_scenario_is_impossible(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    form = {"csrf_token": csrf, "scenarios": ["all_fso:nobody"], "draws": "200", "seed": "1"}
    answer = world.client.post(f"/w/{acme}/p/{pid}/scenarios", data=form)
    assert answer.status_code == 422
    assert "unknown provider" in answer.text and "nobody" in answer.text
    nothing = {"csrf_token": csrf, "draws": "lots", "seed": "1"}
    answer = world.client.post(f"/w/{acme}/p/{pid}/scenarios", data=nothing)
    assert answer.status_code == 422
    assert "tick at least one scenario" in answer.text and "Draws per scenario" in answer.text
    answer = world.client.post(
        f"/w/{acme}/p/{pid}/optimize",
        data={"csrf_token": csrf, "objective": "cash", "max_share_percent": "150"},
    )
    assert answer.status_code == 422 and "Largest share of one provider" in answer.text
    assert job_count(world) == (0, 0)


def test_a_run_whose_process_died_is_seen_as_failed_and_can_run_again(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    with app_of(world).state.sessions() as session:
        job = jobs.create_job(
            session,
            workspace_id=acme,
            kind="simulate",
            request={"kind": "simulate", "draws": 200, "sensitivity": False},
            user_id=None,
            portfolio_id=pid,
        )
        job.state = "running"
        job.heartbeat_at = utcnow() - timedelta(seconds=jobs.STALE_SECONDS + 5)
        session.commit()
        job_id = job.id
    seen = world.client.get(f"/api/v1/workspaces/{acme}/jobs/{job_id}").json()
    assert seen["state"] == "failed" and "interrupted" in seen["error"]
    with app_of(world).state.sessions() as session:
        stored = session.get(Job, job_id)
        assert stored is not None and stored.state == "failed"
    page = world.client.get(f"/w/{acme}/jobs/{job_id}")
    assert "This run failed" in page.text and "Run it again" in page.text
    answer = world.client.post(
        f"/w/{acme}/jobs/{job_id}/rerun", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    again = int(answer.headers["location"].rsplit("/", 1)[1])
    done = wait_for(world, acme, again)
    assert done["state"] == "done" and done["request"]["draws"] == 200


def test_a_result_from_an_older_version_of_the_portfolio_says_so(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    started = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "draws": 200, "sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    ).json()
    wait_for(world, acme, started["id"])
    page = world.client.get(f"/w/{acme}/jobs/{started['id']}")
    assert "has changed since this run" not in page.text
    current = world.client.get(f"/api/v1/workspaces/{acme}/portfolios/{pid}").json()
    document = current["document"]
    document["sponsor"]["name"] = "Renamed Biotech"
    changed = world.client.put(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}",
        json={"version": 1, "document": document},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.text
    page = world.client.get(f"/w/{acme}/jobs/{started['id']}")
    assert "has changed since this run" in page.text and "version 1" in page.text


def test_a_finished_job_without_scenarios_is_shown_without_error(seeded: World) -> None:
    world = seeded
    world.sign_in("viewer@acme.test")
    ids = world.ids["Acme"]
    page = world.client.get(f"/w/{ids['workspace_id']}/jobs/{ids['job_id']}")
    assert page.status_code == 200 and "without a result to show" in page.text
    assert "Run it again" not in page.text  # a viewer reads, never runs
    report = world.client.get(f"/w/{ids['workspace_id']}/jobs/{ids['job_id']}/report.pdf")
    assert report.status_code == 409


def test_price_answers_expected_costs_and_refuses_unknown_scenarios(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    url = f"/api/v1/workspaces/{acme}/portfolios/{pid}/price"
    answer = world.client.post(url, json={"scenarios": []}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200, answer.text
    expected = cli("price")
    assert answer.json()["scenarios"] == expected["scenarios"]
    wrong = world.client.post(url, json={"scenarios": ["nope"]}, headers={"X-CSRF-Token": csrf})
    assert wrong.status_code == 422 and "nope" in wrong.text
    assert job_count(world) == (0, 0)
