"""Provider isolation, exhaustively: two providers of the seeded portfolio bid on the same RFP;
each then asks every portal and sponsor route (pages and API) with the other's ids. Each gets
403 (sponsor routes) or 404 (an RFP it is not invited to), and no answer ever holds the other
provider's id, its prices, or any score of the sponsor's."""

from __future__ import annotations

from typing import Any

import pytest

from crosource.store import rfps
from crosource.store.users import add_member, create_user
from tests.web.conftest import PASSWORD, World
from tests.web.test_authorization import ROUTES
from tests.web.test_page_authorization import PAGES

ME = {"meridian": "cro@acme.test", "northbridge": "cro2@acme.test"}
# Prices no page prints unless it shows that provider's bid.
PRICES = {"meridian": ("16180", "16,180"), "northbridge": ("31337", "31,337")}
SPONSOR_WORDS = ("weighted_sum", "topsis", "acceptability", "rates_usd_per_fte_month", "scores")


def _grid(provider: str) -> bytes:
    price = PRICES[provider][0]
    return (
        "provider,line,function,driver,unit_price_usd,quantity\n"
        f"{provider},Project management,project_management,fte_month,{price},30\n"
        f"{provider},Site activation,site_management,per_site,4321,20\n"
    ).encode()


@pytest.fixture
def two_providers(seeded: World) -> dict[str, Any]:
    """Acme with a second provider user; a shared RFP both bid on, and one private RFP each."""
    world = seeded
    app: Any = world.client.app
    acme = world.workspaces["Acme"]
    with app.state.sessions() as session:
        user = create_user(session, email=ME["northbridge"], password=PASSWORD)
        add_member(
            session, user_id=user.id, workspace_id=acme, role="provider", provider_id="northbridge"
        )
        portfolio_id = world.ids["Acme"]["portfolio_id"]
        private = {
            provider: rfps.create_rfp(
                session,
                workspace_id=acme,
                portfolio_id=portfolio_id,
                study_id="HLN-204-102",
                title=f"Only for {provider}",
                invited=[provider],
            ).id
            for provider in ME
        }
        session.commit()
    shared = world.ids["Acme"]["rfp_id"]
    for provider, email in ME.items():
        csrf = world.sign_in(email)
        for rfp_id in (shared, private[provider]):
            answer = world.client.put(
                f"/api/v1/workspaces/{acme}/portal/rfps/{rfp_id}/bid",
                files={"file": ("grid.csv", _grid(provider), "text/csv")},
                headers={"X-CSRF-Token": csrf},
            )
            assert answer.status_code == 200, answer.text
    return {"world": world, "acme": acme, "shared": shared, "private": private}


def _other(provider: str) -> str:
    return next(p for p in ME if p != provider)


def _request(world: World, method: str, url: str, csrf: str) -> Any:
    headers = {"X-CSRF-Token": csrf}
    if url.endswith("/bid") and method in ("PUT", "POST"):
        files = {"file": ("grid.csv", _grid("meridian"), "text/csv")}
        return world.client.request(method, url, files=files, headers=headers)
    if url.endswith("/answers") and method == "PUT":
        body = {"answers": {"q.budget": "stated"}}
        return world.client.request(method, url, json=body, headers=headers)
    return world.client.request(method, url, headers=headers, follow_redirects=False)


def _clean(body: str, provider: str, where: str) -> None:
    other = _other(provider)
    assert other not in body, (where, other)
    for price in PRICES[other]:
        assert price not in body, (where, price)
    for word in SPONSOR_WORDS:
        assert word not in body, (where, word)


def test_each_provider_reaches_nothing_of_the_other(two_providers: dict[str, Any]) -> None:
    world: World = two_providers["world"]
    acme = two_providers["acme"]
    for provider, email in ME.items():
        csrf = world.sign_in(email)
        ids = {**world.ids["Acme"], "rfp_id": two_providers["private"][_other(provider)]}
        checked = 0
        for table in (ROUTES, PAGES):
            for (method, path), roles in table.items():
                if roles is None or "{workspace_id}" not in path:
                    continue
                url = path.format(**ids)
                answer = _request(world, method, url, csrf)
                status = answer.status_code
                if "provider" not in roles:
                    assert status == 403, (provider, method, path, status)
                elif "{rfp_id}" in path:
                    assert status == 404, (provider, method, path, status, answer.text[:300])
                else:  # its own lists and pages (the portal, its API tokens): allowed
                    assert status < 500 and status not in (401, 403, 404), (method, path)
                _clean(answer.text, provider, f"{method} {path}")
                checked += 1
        assert checked >= 30
        # Its own list names only the RFPs it is invited to.
        listing = world.client.get(f"/api/v1/workspaces/{acme}/portal/rfps").json()
        titles = {item["title"] for item in listing["items"]}
        assert titles == {"Seeded RFP", f"Only for {provider}"}


def test_on_the_shared_rfp_each_sees_only_its_own_bid(two_providers: dict[str, Any]) -> None:
    world: World = two_providers["world"]
    acme, shared = two_providers["acme"], two_providers["shared"]
    for provider, email in ME.items():
        world.sign_in(email)
        for url in (
            f"/api/v1/workspaces/{acme}/portal/rfps/{shared}/bid",
            f"/api/v1/workspaces/{acme}/portal/rfps/{shared}",
            f"/w/{acme}/portal/rfps/{shared}",
            f"/w/{acme}/portal",
            f"/w/{acme}/portal/rfps/{shared}/template.csv",
        ):
            answer = world.client.get(url)
            assert answer.status_code == 200, (url, answer.text[:300])
            _clean(answer.text, provider, url)
        own = world.client.get(f"/api/v1/workspaces/{acme}/portal/rfps/{shared}/bid").json()
        assert own["provider_id"] == provider
        assert own["quoted_total_usd"] == int(PRICES[provider][0]) * 30 + 4321 * 20
        page = world.client.get(f"/w/{acme}/portal/rfps/{shared}").text
        assert PRICES[provider][1] in page  # its own bid, shown back


def test_the_sponsor_sees_both_bids(two_providers: dict[str, Any]) -> None:
    world: World = two_providers["world"]
    acme, shared = two_providers["acme"], two_providers["shared"]
    world.sign_in("viewer@acme.test")
    bids = world.client.get(f"/api/v1/workspaces/{acme}/rfps/{shared}/bids").json()
    assert {b["provider_id"] for b in bids} == set(ME)
    page = world.client.get(f"/w/{acme}/rfps/{shared}").text
    assert "meridian" in page and "northbridge" in page
