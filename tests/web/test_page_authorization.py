"""The authorization matrix of the pages: every page route × every role × own and other workspace.

Each page route must appear in PAGES with the roles allowed; a route added without an entry fails
here. Anonymous visitors are sent to sign in (303 to /login); another workspace's pages answer 404
whatever the role; a role without the right gets 403; allowed roles get past authorization (a
POST with an empty form may still answer 4xx for its content, never 401, 403 or 404).
"""

from __future__ import annotations

from starlette.routing import Route

from crosource.web import pages, static_files
from tests.web.conftest import World
from tests.web.test_authorization import ROLE_EMAILS

SPONSOR = {"owner", "analyst", "viewer"}
EDITORS = {"owner", "analyst"}
EVERY_ROLE = {"owner", "analyst", "viewer", "provider"}
PROVIDER = {"provider"}

# (method, path) -> roles of the path's workspace allowed; None for pages outside workspaces.
PAGES: dict[tuple[str, str], set[str] | None] = {
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/logout"): None,
    ("GET", "/"): None,
    ("GET", "/setup/{token}"): None,
    ("POST", "/setup/{token}"): None,
    ("GET", "/static/vega-bundle.js"): None,
    # the home page sends a provider on to its portal (303), everyone else sees it
    ("GET", "/w/{workspace_id}"): EVERY_ROLE,
    # the workspace's own pages: audit trail and members for owners, API tokens for everyone
    ("GET", "/w/{workspace_id}/audit"): {"owner"},
    ("GET", "/w/{workspace_id}/members"): {"owner"},
    ("POST", "/w/{workspace_id}/members"): {"owner"},
    ("POST", "/w/{workspace_id}/members/{member_id}/role"): {"owner"},
    ("POST", "/w/{workspace_id}/members/{member_id}/remove"): {"owner"},
    ("GET", "/w/{workspace_id}/tokens"): EVERY_ROLE,
    ("POST", "/w/{workspace_id}/tokens"): EVERY_ROLE,
    ("POST", "/w/{workspace_id}/tokens/{token_id}/revoke"): EVERY_ROLE,
    # part A: portfolios (editors import and edit, owners delete), recommendation, providers,
    # the assessment wizard (a viewer sees why it cannot answer; editors answer)
    ("GET", "/w/{workspace_id}/portfolios"): SPONSOR,
    ("POST", "/w/{workspace_id}/portfolios"): EDITORS,
    ("GET", "/w/{workspace_id}/portfolios/template.xlsx"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/sponsor"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/sponsor/edit"): EDITORS,
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/sponsor"): EDITORS,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/study"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/study/edit"): EDITORS,
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/study"): EDITORS,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/yaml"): EDITORS,
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/yaml"): EDITORS,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/delete"): {"owner"},
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/delete"): {"owner"},
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/recommendation"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/providers"): SPONSOR,
    ("GET", "/w/{workspace_id}/assess"): SPONSOR,
    ("POST", "/w/{workspace_id}/assess"): EDITORS,
    ("POST", "/w/{workspace_id}/assess/finish"): EDITORS,
    ("POST", "/w/{workspace_id}/assess/restart"): EDITORS,
    # part B: scenarios, optimizer, runs and reports; editors start runs, sponsors read them
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/scenarios"): SPONSOR,
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/scenarios"): EDITORS,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/optimize"): SPONSOR,
    ("POST", "/w/{workspace_id}/p/{portfolio_id}/optimize"): EDITORS,
    ("GET", "/w/{workspace_id}/jobs/{job_id}"): SPONSOR,
    ("GET", "/w/{workspace_id}/jobs/{job_id}/status"): SPONSOR,
    ("POST", "/w/{workspace_id}/jobs/{job_id}/rerun"): EDITORS,
    ("POST", "/w/{workspace_id}/jobs/{job_id}/cancel"): EDITORS,
    ("GET", "/w/{workspace_id}/jobs/{job_id}/report.html"): SPONSOR,
    ("GET", "/w/{workspace_id}/jobs/{job_id}/report.pdf"): SPONSOR,
    ("GET", "/w/{workspace_id}/jobs/{job_id}/report.xlsx"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/reports"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/recommendation.html"): SPONSOR,
    ("GET", "/w/{workspace_id}/p/{portfolio_id}/recommendation.pdf"): SPONSOR,
    # part C: evaluations and RFPs for the sponsor, the portal for providers only
    ("GET", "/w/{workspace_id}/evaluations"): SPONSOR,
    ("POST", "/w/{workspace_id}/evaluations/import"): EDITORS,
    ("POST", "/w/{workspace_id}/evaluations/new"): EDITORS,
    ("GET", "/w/{workspace_id}/evaluations/{evaluation_id}"): SPONSOR,
    ("POST", "/w/{workspace_id}/evaluations/{evaluation_id}/delete"): EDITORS,
    ("GET", "/w/{workspace_id}/evaluations/{evaluation_id}/ahp"): EDITORS,
    ("POST", "/w/{workspace_id}/evaluations/{evaluation_id}/ahp/check"): EDITORS,
    ("POST", "/w/{workspace_id}/evaluations/{evaluation_id}/ahp"): EDITORS,
    ("POST", "/w/{workspace_id}/evaluations/{evaluation_id}/evaluators/remove"): EDITORS,
    ("GET", "/w/{workspace_id}/evaluations/{evaluation_id}/download"): SPONSOR,
    ("GET", "/w/{workspace_id}/evaluations/{evaluation_id}/yaml"): EDITORS,
    ("POST", "/w/{workspace_id}/evaluations/{evaluation_id}/yaml"): EDITORS,
    ("GET", "/w/{workspace_id}/rfps"): SPONSOR,
    ("POST", "/w/{workspace_id}/rfps"): EDITORS,
    ("GET", "/w/{workspace_id}/rfps/{rfp_id}"): SPONSOR,
    ("POST", "/w/{workspace_id}/rfps/{rfp_id}/close"): EDITORS,
    ("POST", "/w/{workspace_id}/rfps/{rfp_id}/evaluate"): EDITORS,
    ("POST", "/w/{workspace_id}/rfps/{rfp_id}/bids/{bid_id}/reject"): EDITORS,
    ("POST", "/w/{workspace_id}/rfps/{rfp_id}/bids/{bid_id}/remove"): EDITORS,
    ("GET", "/w/{workspace_id}/portal"): PROVIDER,
    ("GET", "/w/{workspace_id}/portal/rfps/{rfp_id}"): PROVIDER,
    ("GET", "/w/{workspace_id}/portal/rfps/{rfp_id}/template.csv"): PROVIDER,
    ("POST", "/w/{workspace_id}/portal/rfps/{rfp_id}/bid"): PROVIDER,
    ("POST", "/w/{workspace_id}/portal/rfps/{rfp_id}/answers"): PROVIDER,
}


def _page_routes() -> set[tuple[str, str]]:
    """Every (method, path) of the pages' routers and the static router."""
    found = set()
    for router in [m.router for m in pages.MODULES] + [static_files.router]:
        for route in router.routes:
            assert isinstance(route, Route)
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, router.prefix + route.path))
    return found


def test_every_page_is_in_the_matrix() -> None:
    assert _page_routes() == set(PAGES)


WORKSPACE_PAGES = [key for key, roles in PAGES.items() if roles is not None]


def _call(world: World, method: str, path: str, workspace: str, csrf: str | None) -> int:
    url = path.format(**world.ids[workspace])
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    answer = world.client.request(method, url, headers=headers, follow_redirects=False)
    if answer.status_code == 303 and answer.headers["location"].startswith("/login"):
        return 401
    return answer.status_code


def test_page_matrix(seeded: World) -> None:
    world = seeded
    for method, path in WORKSPACE_PAGES:
        assert _call(world, method, path, "Acme", None) == 401, (method, path)
    for role, email in ROLE_EMAILS.items():
        csrf = world.sign_in(email)
        for method, path in WORKSPACE_PAGES:
            allowed = PAGES[(method, path)]
            assert allowed is not None
            status = _call(world, method, path, "Acme", csrf)
            if role in allowed:
                assert status not in {401, 403, 404, 500}, (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)
            assert _call(world, method, path, "Other", csrf) == 404, (role, method, path)
