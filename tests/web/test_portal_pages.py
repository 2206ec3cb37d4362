"""The provider portal's pages: the study as the provider may see it, the questionnaire, the
bid grid (template, every problem with its row and column, nothing stored when invalid)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from crosource.store import portfolios, rfps
from crosource.store.users import add_member, create_user
from crosource.store.workspaces import create_workspace
from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.web.conftest import PASSWORD, World
from tests.web.seed import EXAMPLES
from tests.web.seed_evaluate import grid_csv


def _bid(world: World) -> Any:
    app: Any = world.client.app
    with app.state.sessions() as session:
        record = rfps.answer_of(session, rfp_id=world.ids["Acme"]["rfp_id"], provider_id="meridian")
        return None if record is None else (list(record.lines), dict(record.answers))


def test_the_portal_shows_the_study_and_the_own_bid(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    world.sign_in("cro@acme.test")
    home = world.client.get(f"/w/{space}", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == f"/w/{space}/portal"
    listing = world.client.get(f"/w/{space}/portal")
    assert "Seeded RFP" in listing.text and "submitted" in listing.text
    page = world.client.get(f"/w/{space}/portal/rfps/{rfp_id}")
    assert page.status_code == 200
    for text in ("HLN-204-201", "Phase 2", "patients", "Functions in scope", "$940,000"):
        assert text in page.text, text
    template = world.client.get(f"/w/{space}/portal/rfps/{rfp_id}/template.csv")
    assert template.headers["content-type"].startswith("text/csv")
    lines = template.text.splitlines()
    assert lines[0] == "provider,line,function,driver,unit_price_usd,quantity"
    assert lines[1].startswith("meridian,")


def test_an_invalid_grid_shows_every_problem_and_stores_nothing(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    before = _bid(world)
    csrf = world.sign_in("cro@acme.test")
    grid = (
        "provider,line,function,driver,unit_price_usd,quantity\n"
        "meridian,PM,project_management,fte_month,lots,10\n"
        "northbridge,PM,project_management,fte_month,100,10\n"
    )
    answer = world.client.post(
        f"/w/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.csv", grid.encode(), "text/csv")},
        data={"csrf_token": csrf},
    )
    assert answer.status_code == 422
    assert "row 2, column unit_price_usd" in answer.text
    assert "row 3, column provider" in answer.text and "Nothing was stored" in answer.text
    assert _bid(world) == before
    wrong_kind = world.client.post(
        f"/w/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.pdf", b"%PDF", "application/pdf")},
        data={"csrf_token": csrf},
    )
    assert wrong_kind.status_code == 422 and _bid(world) == before


def test_upload_and_answer_from_the_pages(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    csrf = world.sign_in("cro@acme.test")
    answer = world.client.post(
        f"/w/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("new.csv", grid_csv("meridian", scale=2).encode(), "text/csv")},
        data={"csrf_token": csrf},
    )
    assert answer.status_code == 200 and "Your bid is in" in answer.text
    assert "$1.9M" in answer.text and "new.csv" in answer.text
    saved = world.client.post(
        f"/w/{space}/portal/rfps/{rfp_id}/answers",
        data={"csrf_token": csrf, "a:q.budget": "Every assumption is in the grid."},
    )
    assert saved.status_code == 200 and "Every assumption is in the grid." in saved.text
    stored = _bid(world)
    assert stored is not None and stored[1] == {"q.budget": "Every assumption is in the grid."}
    api = world.client.put(
        f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/answers",
        json={"answers": {"q.unknown": "x"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 422 and _bid(world) == stored


def test_a_grid_over_the_size_limit_is_refused(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, max_upload_bytes=300))
    with app.state.sessions() as session:
        space = create_workspace(session, name="Small").id
        record = portfolios.import_portfolio_file(
            session, workspace_id=space, file=EXAMPLES / "emerging-biotech.yaml"
        )
        rfp = rfps.create_rfp(
            session,
            workspace_id=space,
            portfolio_id=record.id,
            study_id="HLN-204-201",
            title="Small",
            invited=["meridian"],
        )
        user = create_user(session, email="m@small.test", password=PASSWORD)
        add_member(
            session, user_id=user.id, workspace_id=space, role="provider", provider_id="meridian"
        )
        session.commit()
        rfp_id = rfp.id
    with TestClient(app) as client:
        signed = client.post(
            "/api/v1/session", json={"email": "m@small.test", "password": PASSWORD}
        )
        csrf = signed.json()["csrf_token"]
        grid = grid_csv("meridian") * 3
        assert len(grid) > 300
        answer = client.put(
            f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid",
            files={"file": ("grid.csv", grid.encode(), "text/csv")},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 413
        page = client.post(
            f"/w/{space}/portal/rfps/{rfp_id}/bid",
            files={"file": ("grid.csv", grid.encode(), "text/csv")},
            data={"csrf_token": csrf},
        )
        assert page.status_code == 413
    with app.state.sessions() as session:
        assert rfps.answer_of(session, rfp_id=rfp_id, provider_id="meridian") is None


def test_an_excel_grid_is_accepted(seeded: World, tmp_path: Path) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    book = openpyxl.Workbook()
    sheet = book.active
    for row in grid_csv("meridian", scale=3).splitlines():
        cells = row.split(",")
        sheet.append([float(c) if c.replace(".", "").isdigit() else (c or None) for c in cells])
    path = tmp_path / "grid.xlsx"
    book.save(path)
    csrf = world.sign_in("cro@acme.test")
    answer = world.client.put(
        f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.xlsx", path.read_bytes(), "application/octet-stream")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["filename"] == "grid.xlsx" and len(body["lines"]) == 3
    assert body["quoted_total_usd"] == 3 * (20000 * 30 + 9000 * 20 + 2000 * 80)
