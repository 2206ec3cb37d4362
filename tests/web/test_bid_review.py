"""The sponsor reviews bids: it may reject one (with a reason: the bid is kept but left out of
the comparison and the evaluation, and its provider sees why; uploading again puts it back as
received) or remove one (deleted). Both are audited, through the API and the RFP page, for
owners and analysts only. A bid holds at most MAX_BID_LINES lines, on upload too."""

from __future__ import annotations

from typing import Any

from crosource.io.bids_io import MAX_BID_LINES
from crosource.store.audit import list_events
from crosource.store.users import add_member, create_user
from tests.web.conftest import PASSWORD, World
from tests.web.seed_evaluate import grid_csv


def _second_bid(world: World, space: int, rfp_id: int) -> None:
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


def _upload(world: World, space: int, rfp_id: int, text: str) -> Any:
    csrf = world.sign_in("cro@acme.test")
    return world.client.put(
        f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.csv", text.encode(), "text/csv")},
        headers={"X-CSRF-Token": csrf},
    )


def _actions(world: World, space: int) -> list[tuple[str, str, Any]]:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return [
            (e.action, e.entity, e.new or e.old)
            for e in list_events(session, workspace_id=space, limit=20)
            if e.entity == "bid"
        ]


def test_reject_a_bid_through_the_api(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    bid_id = world.ids["Acme"]["bid_id"]
    api = f"/api/v1/workspaces/{space}/rfps/{rfp_id}"
    _second_bid(world, space, rfp_id)
    csrf = world.sign_in("analyst@acme.test")
    headers = {"X-CSRF-Token": csrf}
    listed = {b["provider_id"]: b for b in world.client.get(f"{api}/bids").json()}
    assert listed["meridian"]["id"] == bid_id and listed["meridian"]["status"] == "received"

    blank = world.client.post(f"{api}/bids/{bid_id}/reject", json={"reason": "  "}, headers=headers)
    assert blank.status_code == 422 and "reason" in blank.text
    rejected = world.client.post(
        f"{api}/bids/{bid_id}/reject", json={"reason": "prices in EUR"}, headers=headers
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "prices in EUR"
    compared = world.client.get(f"{api}/comparison").json()["result"]
    assert [b["provider"] for b in compared["bids"]] == ["northbridge"]  # left out, kept
    assert {b["provider_id"] for b in world.client.get(f"{api}/bids").json()} == {
        "meridian",
        "northbridge",
    }
    one = world.client.post(f"{api}/evaluation", headers=headers)
    assert one.status_code == 422 and "two providers" in one.text
    assert ("update", "bid", {"provider": "meridian", "status": "rejected"}) in [
        (a, e, {k: v.get(k) for k in ("provider", "status")}) for a, e, v in _actions(world, space)
    ]

    # The provider sees that and why; uploading again puts the bid back as received.
    csrf = world.sign_in("cro@acme.test")
    portal = f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}"
    own = world.client.get(f"{portal}/bid").json()
    assert own["status"] == "rejected" and own["status_reason"] == "prices in EUR"
    assert world.client.get(portal).json()["bid_status"] == "rejected"
    page = world.client.get(f"/w/{space}/portal/rfps/{rfp_id}")
    assert "rejected" in page.text and "prices in EUR" in page.text
    refused = world.client.post(
        f"{api}/bids/{bid_id}/reject", json={"reason": "x"}, headers={"X-CSRF-Token": csrf}
    )
    assert refused.status_code == 403
    again = _upload(world, space, rfp_id, grid_csv("meridian"))
    assert again.json()["status"] == "received" and again.json()["status_reason"] == ""
    world.sign_in("analyst@acme.test")
    compared = world.client.get(f"{api}/comparison").json()["result"]
    assert {b["provider"] for b in compared["bids"]} == {"meridian", "northbridge"}


def test_remove_a_bid_through_the_api(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    bid_id = world.ids["Acme"]["bid_id"]
    api = f"/api/v1/workspaces/{space}/rfps/{rfp_id}"
    csrf = world.sign_in("cro@acme.test")
    provider = world.client.delete(
        f"{api}/bids/{bid_id}?provider=meridian", headers={"X-CSRF-Token": csrf}
    )
    assert provider.status_code == 403
    csrf = world.sign_in("owner@acme.test")
    headers = {"X-CSRF-Token": csrf}
    wrong = world.client.delete(f"{api}/bids/{bid_id}?provider=northbridge", headers=headers)
    assert wrong.status_code == 409
    gone = world.client.delete(f"{api}/bids/{bid_id}?provider=meridian", headers=headers)
    assert gone.status_code == 204
    assert world.client.get(f"{api}/bids").json() == []
    assert world.client.get(f"{api}/comparison").json()["result"] is None
    again = world.client.delete(f"{api}/bids/{bid_id}?provider=meridian", headers=headers)
    assert again.status_code == 404
    assert _actions(world, space)[0][:2] == ("delete", "bid")
    world.sign_in("cro@acme.test")
    assert (
        world.client.get(f"/api/v1/workspaces/{space}/portal/rfps/{rfp_id}/bid").status_code == 404
    )


def test_reject_and_remove_from_the_rfp_page(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    bid_id = world.ids["Acme"]["bid_id"]
    here = f"/w/{space}/rfps/{rfp_id}"
    csrf = world.sign_in("viewer@acme.test")
    assert f"{here}/bids/{bid_id}/reject" not in world.client.get(here).text
    csrf = world.sign_in("analyst@acme.test")
    page = world.client.get(here).text
    assert f"{here}/bids/{bid_id}/reject" in page and f"{here}/bids/{bid_id}/remove" in page
    # Both ask before acting (an inline confirm() or, under a strict CSP, app.js's data-confirm).
    assert page.count("data-confirm=") + page.count("return confirm(") == 2
    blank = world.client.post(
        f"{here}/bids/{bid_id}/reject", data={"csrf_token": csrf, "reason": ""}
    )
    assert blank.status_code == 422 and "reason" in blank.text
    done = world.client.post(
        f"{here}/bids/{bid_id}/reject", data={"csrf_token": csrf, "reason": "late & incomplete"}
    )
    assert done.status_code == 200 and "Rejected the bid of meridian" in done.text
    assert "late &amp; incomplete" in done.text and "No bid to compare" in done.text
    unconfirmed = world.client.post(f"{here}/bids/{bid_id}/remove", data={"csrf_token": csrf})
    assert unconfirmed.status_code == 422
    removed = world.client.post(
        f"{here}/bids/{bid_id}/remove", data={"csrf_token": csrf, "confirm": "yes"}
    )
    assert removed.status_code == 200 and "Removed the bid of meridian" in removed.text
    assert [a for a, _, _ in _actions(world, space)][:2] == ["delete", "update"]


def test_an_upload_over_the_line_limit_is_refused(seeded: World) -> None:
    world = seeded
    space, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    rows = [grid_csv("meridian").splitlines()[0]]
    rows += [f"meridian,l{i},,per_site,10,1" for i in range(MAX_BID_LINES + 1)]
    answer = _upload(world, space, rfp_id, "\n".join(rows) + "\n")
    assert answer.status_code == 422
    assert "more than 5,000 lines" in answer.text
    csrf = world.sign_in("cro@acme.test")
    page = world.client.post(
        f"/w/{space}/portal/rfps/{rfp_id}/bid",
        data={"csrf_token": csrf},
        files={"file": ("grid.csv", ("\n".join(rows) + "\n").encode(), "text/csv")},
    )
    assert page.status_code == 422 and "more than 5,000 lines" in page.text
