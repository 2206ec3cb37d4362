"""The report caches never serve one workspace's (or one database's) reports to another.

Audit finding: the caches were keyed by (portfolio id, version) and (run id, version); SQLite
gave a deleted portfolio's id to the next one, so another workspace's new portfolio got the
first one's recommendation PDF and its run page the first one's studies. Here ids, version and
time are forced to be the same (as a reused id would make them) to prove the key itself safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from crosource.io.portfolio_io import load_portfolio
from crosource.store import portfolios
from crosource.store.tables import Job, PortfolioRecord
from crosource.store.users import add_member, create_user
from crosource.store.workspaces import create_workspace
from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.report.test_pdf_excel import pdf_text
from tests.web.conftest import PASSWORD, World
from tests.web.test_an_jobs import import_example, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIRST = "Halcyon Neurotherapeutics"  # the sponsor of examples/emerging-biotech.yaml
SECOND = "Corvane Therapeutics"  # the sponsor of examples/midsize-hybrid.yaml


def _text(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def _own_portfolio(app: Any, *, workspace_id: int, portfolio_id: int, updated_at: datetime) -> None:
    """The second example stored under the given id, version 1 and time of change."""
    portfolio = load_portfolio(EXAMPLES / "midsize-hybrid.yaml")
    with app.state.sessions() as session:
        record = PortfolioRecord(
            id=portfolio_id,
            workspace_id=workspace_id,
            name="Second",
            document=portfolio.to_data(),
            studies=len(portfolio.studies),
            providers=len(portfolio.providers),
            version=1,
            updated_at=updated_at,
        )
        session.add(record)
        session.commit()


def _run(world: World, workspace_id: int, portfolio_id: int, csrf: str) -> int:
    started = world.client.post(
        f"/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}/jobs",
        json={"kind": "simulate", "draws": 200, "seed": 4, "sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    )
    assert started.status_code in (201, 202), started.text
    job_id = int(started.json()["id"])
    assert wait_for(world, workspace_id, job_id)["state"] == "done"
    return job_id


def _copy_job(app: Any, *, job_id: int, new_id: int) -> None:
    """The run stored again under another id (the id a deleted run had)."""
    with app.state.sessions() as session:
        job = session.get(Job, job_id)
        columns = {c.key: getattr(job, c.key) for c in Job.__table__.columns if c.key != "id"}
        session.add(Job(id=new_id, **columns))
        session.commit()


def test_a_reused_id_never_serves_another_workspaces_reports(world: World) -> None:
    app: Any = world.client.app
    acme, other = world.workspaces["Acme"], world.workspaces["Other"]
    csrf = world.sign_in("owner@acme.test")
    portfolio_id = import_example(world)
    job_id = _run(world, acme, portfolio_id, csrf)
    # Workspace 1 views every cached report: the recommendation (page, PDF), the run's page
    # (its report fragment) and the run's PDF.
    page = world.client.get(f"/w/{acme}/p/{portfolio_id}/recommendation")
    assert page.status_code == 200 and "HLN-204-102" in page.text  # its studies
    pdf = world.client.get(f"/w/{acme}/p/{portfolio_id}/recommendation.pdf")
    assert FIRST in _text(pdf.content)
    run_page = world.client.get(f"/w/{acme}/jobs/{job_id}")
    assert run_page.status_code == 200 and "HLN-204-102" in run_page.text  # its studies
    assert FIRST in _text(world.client.get(f"/w/{acme}/jobs/{job_id}/report.pdf").content)
    with app.state.sessions() as session:
        updated_at = session.get(PortfolioRecord, portfolio_id).updated_at
    deleted = world.client.delete(
        f"/api/v1/workspaces/{acme}/portfolios/{portfolio_id}",
        params={"version": 1},
        headers={"X-CSRF-Token": csrf},
    )
    assert deleted.status_code == 204

    # Workspace 2 gets another portfolio and run under the very same ids, version and time.
    _own_portfolio(app, workspace_id=other, portfolio_id=portfolio_id, updated_at=updated_at)
    csrf = world.sign_in("owner@other.test")
    second_run = _run(world, other, portfolio_id, csrf)
    if second_run != job_id:  # (a table that still reuses ids gives the same one by itself)
        _copy_job(app, job_id=second_run, new_id=job_id)

    page = world.client.get(f"/w/{other}/p/{portfolio_id}/recommendation")
    assert page.status_code == 200 and "CRV-310-101" in page.text and "HLN-204" not in page.text
    api = world.client.get(f"/api/v1/workspaces/{other}/portfolios/{portfolio_id}/recommendation")
    assert FIRST not in api.text and "CRV-" in api.text  # the second example's studies
    text = _text(world.client.get(f"/w/{other}/p/{portfolio_id}/recommendation.pdf").content)
    assert SECOND in text and FIRST not in text
    run_page = world.client.get(f"/w/{other}/jobs/{job_id}")
    assert run_page.status_code == 200
    assert "CRV-310-101" in run_page.text and "HLN-204" not in run_page.text
    text = _text(world.client.get(f"/w/{other}/jobs/{job_id}/report.pdf").content)
    assert SECOND in text and FIRST not in text


@contextmanager
def _app_on(url: str) -> Iterator[tuple[TestClient, int]]:
    """An application on its own database with one workspace and its owner, signed in."""
    app = create_app(Settings(database_url=url))
    with app.state.sessions() as session:
        workspace = create_workspace(session, name="Acme")
        user = create_user(session, email="owner@acme.test", password=PASSWORD)
        add_member(session, user_id=user.id, workspace_id=workspace.id, role="owner")
        session.commit()
        workspace_id = workspace.id
    with TestClient(app) as client:
        answer = client.post(
            "/api/v1/session", json={"email": "owner@acme.test", "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        yield client, workspace_id


def test_two_databases_in_one_process_never_share_reports(
    database_url: str, tmp_path: Path
) -> None:
    first_url = database_url
    second_url = f"sqlite:///{tmp_path / 'second.db'}"
    with _app_on(first_url) as (first, space), _app_on(second_url) as (second, space_2):
        assert space == space_2  # the same workspace id in both databases
        app: Any = first.app
        with app.state.sessions() as session:
            record = portfolios.import_portfolio_file(
                session, workspace_id=space, file=EXAMPLES / "emerging-biotech.yaml"
            )
            session.commit()
            portfolio_id, updated_at = record.id, record.updated_at
        _own_portfolio(
            second.app, workspace_id=space, portfolio_id=portfolio_id, updated_at=updated_at
        )
        url = f"/w/{space}/p/{portfolio_id}/recommendation"
        assert "HLN-204-102" in first.get(url).text
        page = second.get(url)
        assert "CRV-310-101" in page.text and "HLN-204" not in page.text
        text = _text(first.get(f"{url}.pdf").content)
        assert FIRST in text
        text = _text(second.get(f"{url}.pdf").content)
        assert SECOND in text and FIRST not in text
