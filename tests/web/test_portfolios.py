from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crosource.io.portfolio_io import load_portfolio
from crosource.store.users import create_api_token, user_by_email
from tests.web.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _upload(world: World, csrf: str | None, file: Path, workspace: str = "Acme") -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    with file.open("rb") as handle:
        return world.client.post(
            f"/api/v1/workspaces/{world.workspaces[workspace]}/portfolios",
            files={"file": (file.name, handle.read())},
            headers=headers,
        )


def test_import_list_read_export_round_trip(world: World, tmp_path: Path) -> None:
    csrf = world.sign_in("analyst@acme.test")
    made = _upload(world, csrf, EXAMPLES / "midsize-hybrid.xlsx")
    assert made.status_code == 201, made.text
    portfolio_id = made.json()["id"]
    base = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios"
    listed = world.client.get(base).json()
    assert [item["id"] for item in listed["items"]] == [portfolio_id]
    for fmt in ("yaml", "xlsx"):
        answer = world.client.get(f"{base}/{portfolio_id}/export", params={"format": fmt})
        assert answer.status_code == 200
        out = tmp_path / f"export.{fmt}"
        out.write_bytes(answer.content)
        assert load_portfolio(out) == load_portfolio(EXAMPLES / "midsize-hybrid.yaml")


def test_invalid_import_shows_every_problem_and_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    csrf = world.sign_in("analyst@acme.test")
    data = yaml.safe_load((EXAMPLES / "emerging-biotech.yaml").read_text(encoding="utf-8"))
    data["studies"][0]["phase"] = "phase 9"
    data["providers"][0]["id"] = 17
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    answer = _upload(world, csrf, bad)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert len(error["details"]) >= 2
    assert all(detail["where"] for detail in error["details"])
    listed = world.client.get(f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios")
    assert listed.json()["items"] == []
    wrong_type = tmp_path / "notes.txt"
    wrong_type.write_text("hello", encoding="utf-8")
    assert _upload(world, csrf, wrong_type).status_code == 422


def test_edit_checks_version_and_content(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    made = _upload(world, csrf, EXAMPLES / "emerging-biotech.yaml").json()
    url = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios/{made['id']}"
    document = world.client.get(url).json()["document"]
    document["sponsor"]["name"] = "Renamed"
    headers = {"X-CSRF-Token": csrf}
    ok = world.client.put(url, json={"version": 1, "document": document}, headers=headers)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = world.client.put(url, json={"version": 1, "document": document}, headers=headers)
    assert stale.status_code == 409
    broken = world.client.put(
        url, json={"version": 2, "document": {**document, "studies": 5}}, headers=headers
    )
    assert broken.status_code == 422
    assert world.client.get(url).json()["document"]["sponsor"]["name"] == "Renamed"


def test_roles_and_workspaces_are_enforced(world: World) -> None:
    acme = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios"
    assert world.client.get(acme).status_code == 401
    csrf = world.sign_in("viewer@acme.test")
    assert world.client.get(acme).status_code == 200
    assert _upload(world, csrf, EXAMPLES / "emerging-biotech.yaml").status_code == 403
    csrf = world.sign_in("cro@acme.test")
    assert world.client.get(acme).status_code == 403  # a provider never sees the portfolio
    csrf = world.sign_in("owner@other.test")
    assert world.client.get(acme).status_code == 404  # another workspace looks absent
    csrf = world.sign_in("analyst@acme.test")
    assert _upload(world, None, EXAMPLES / "emerging-biotech.yaml").status_code == 403


def test_api_token_needs_no_csrf_and_is_bound_to_its_workspace(world: World) -> None:
    with world.client.app.state.sessions() as session:  # type: ignore[attr-defined]
        user = user_by_email(session, email="analyst@acme.test")
        assert user is not None
        _, secret = create_api_token(
            session, user_id=user.id, workspace_id=world.workspaces["Acme"], name="script"
        )
        session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    acme = f"/api/v1/workspaces/{world.workspaces['Acme']}/portfolios"
    with (EXAMPLES / "emerging-biotech.yaml").open("rb") as handle:
        made = world.client.post(acme, files={"file": ("p.yaml", handle.read())}, headers=headers)
    assert made.status_code == 201, made.text
    other = f"/api/v1/workspaces/{world.workspaces['Other']}/portfolios"
    assert world.client.get(other, headers=headers).status_code == 404
    bad = {"Authorization": "Bearer cst_forged"}
    assert world.client.get(acme, headers=bad).status_code == 401


def test_owner_reads_the_audit_trail_of_an_edit(world: World) -> None:
    csrf = world.sign_in("owner@acme.test")
    made = _upload(world, csrf, EXAMPLES / "emerging-biotech.yaml").json()
    base = f"/api/v1/workspaces/{world.workspaces['Acme']}"
    document = world.client.get(f"{base}/portfolios/{made['id']}").json()["document"]
    document["sponsor"]["name"] = "Audited Bio"
    world.client.put(
        f"{base}/portfolios/{made['id']}",
        json={"version": 1, "document": document},
        headers={"X-CSRF-Token": csrf},
    )
    events = world.client.get(f"{base}/audit").json()["items"]
    latest = events[0]
    assert (latest["action"], latest["entity"], latest["entity_id"]) == (
        "update",
        "portfolio",
        str(made["id"]),
    )
    assert latest["new"]["sponsor"]["name"] == "Audited Bio"
    assert latest["old"]["sponsor"]["name"] != "Audited Bio"
    assert latest["user_id"] is not None
