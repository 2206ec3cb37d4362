"""RFPs, the sponsor's side: send one (every problem shown), follow the bids, compare them at
the sponsor's quantities, close it, and turn the bids into an evaluation."""

from __future__ import annotations

from typing import Any

from crosource.store.users import add_member, create_user
from tests.web.conftest import PASSWORD, World
from tests.web.seed_evaluate import grid_csv


def test_send_an_rfp_from_the_page(seeded: World) -> None:
    world = seeded
    space, pid = world.workspaces["Acme"], world.ids["Acme"]["portfolio_id"]
    csrf = world.sign_in("analyst@acme.test")
    page = world.client.get(f"/w/{space}/rfps?portfolio_id={pid}")
    assert page.status_code == 200 and "HLN-204-102" in page.text and "Synapse" in page.text
    bad = world.client.post(
        f"/w/{space}/rfps",
        data={"csrf_token": csrf, "portfolio_id": str(pid), "title": "", "study_id": "X"},
    )
    assert bad.status_code == 422
    for text in ("title", "study_id", "invite at least one provider"):
        assert text in bad.text, text
    made = world.client.post(
        f"/w/{space}/rfps",
        data={
            "csrf_token": csrf,
            "portfolio_id": str(pid),
            "title": "Phase 1 safety",
            "study_id": "HLN-204-102",
            "invited": ["synapse", "quantis"],
        },
    )
    assert made.status_code == 200 and "Sent the RFP Phase 1 safety" in made.text
    assert made.text.count("awaited") == 2
    listing = world.client.get(f"/api/v1/workspaces/{space}/rfps").json()["items"]
    assert {r["title"] for r in listing} == {"Phase 1 safety", "Seeded RFP"}


def test_bids_compared_closed_and_evaluated(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    app: Any = world.client.app
    with app.state.sessions() as session:
        user = create_user(session, email="nb@acme.test", password=PASSWORD)
        add_member(
            session, user_id=user.id, workspace_id=space, role="provider", provider_id="northbridge"
        )
        session.commit()
    csrf = world.sign_in("nb@acme.test")
    answer = world.client.put(
        f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.csv", grid_csv("northbridge", scale=0.8).encode(), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200, answer.text

    csrf = world.sign_in("analyst@acme.test")
    status = world.client.get(f"/api/v1/workspaces/{space}/rfps/{rfp_id}").json()
    assert status["bids"] == {"meridian": True, "northbridge": True}
    compared = world.client.get(f"/api/v1/workspaces/{space}/rfps/{rfp_id}/comparison").json()
    assert {b["provider"] for b in compared["result"]["bids"]} == {"meridian", "northbridge"}
    assert compared["result"]["cheapest_quote"] == "northbridge"
    page = world.client.get(f"/w/{space}/rfps/{rfp_id}")
    assert "Evaluate these bids" in page.text and "line by line" in page.text

    evaluated = world.client.post(f"/w/{space}/rfps/{rfp_id}/evaluate", data={"csrf_token": csrf})
    assert evaluated.status_code == 200
    assert "Made the evaluation Bids: Seeded RFP" in evaluated.text
    assert "Cost" in evaluated.text and "northbridge" in evaluated.text

    closed = world.client.post(f"/w/{space}/rfps/{rfp_id}/close", data={"csrf_token": csrf})
    assert closed.status_code == 200 and "Closed the RFP" in closed.text
    csrf = world.sign_in("nb@acme.test")
    late = world.client.put(
        f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.csv", grid_csv("northbridge").encode(), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )
    assert late.status_code == 409


def test_one_bid_is_not_enough_to_evaluate(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    csrf = world.sign_in("owner@acme.test")
    answer = world.client.post(
        f"/api/v1/workspaces/{space}/rfps/{rfp_id}/evaluation", headers={"X-CSRF-Token": csrf}
    )
    assert answer.status_code == 422
    assert "two providers" in answer.json()["error"]["details"][0]["message"]
