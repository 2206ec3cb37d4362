"""The authorization matrix: every API route × every role × own and other workspace.

Each route of the application must appear in ROUTES with the roles allowed to use it; a route
added without an entry fails here. Refusals are checked exactly (401 anonymous, 404 another
workspace, 403 a role without the right); allowed roles must get past authorization (their
answer may still be 4xx for the empty request body, but never 401, 403 or 404).
"""

from __future__ import annotations

from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.web.conftest import World

READERS = {"owner", "analyst", "viewer"}
EDITORS = {"owner", "analyst"}
PROVIDER = {"provider"}
ROLE_EMAILS = {
    "owner": "owner@acme.test",
    "analyst": "analyst@acme.test",
    "viewer": "viewer@acme.test",
    "provider": "cro@acme.test",
}

# (method, path) -> roles of the path's workspace allowed; None for routes outside workspaces.
ROUTES: dict[tuple[str, str], set[str] | None] = {
    ("POST", "/api/v1/session"): None,
    ("DELETE", "/api/v1/session"): None,
    ("GET", "/api/v1/me"): None,
    ("GET", "/api/v1/workspaces/{workspace_id}/portfolios"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/portfolios"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}"): READERS,
    ("PUT", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}/export"): READERS,
    ("GET", "/api/v1/workspaces/{workspace_id}/audit"): {"owner"},
    # members, for owners
    ("GET", "/api/v1/workspaces/{workspace_id}/members"): {"owner"},
    ("POST", "/api/v1/workspaces/{workspace_id}/members"): {"owner"},
    ("PATCH", "/api/v1/workspaces/{workspace_id}/members/{member_id}"): {"owner"},
    ("DELETE", "/api/v1/workspaces/{workspace_id}/members/{member_id}"): {"owner"},
    # part A: the recommendation for every sponsor role, deletion for owners, the assessment
    # (each user's own draft) for editors
    ("GET", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}/recommendation"): READERS,
    ("DELETE", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}"): {"owner"},
    ("GET", "/api/v1/workspaces/{workspace_id}/assessment"): EDITORS,
    ("PUT", "/api/v1/workspaces/{workspace_id}/assessment"): EDITORS,
    ("POST", "/api/v1/workspaces/{workspace_id}/assessment/finish"): EDITORS,
    # part B: analyses run by editors, read (with their reports) by every sponsor role
    ("POST", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}/jobs"): EDITORS,
    ("POST", "/api/v1/workspaces/{workspace_id}/portfolios/{portfolio_id}/price"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/jobs"): READERS,
    ("GET", "/api/v1/workspaces/{workspace_id}/jobs/{job_id}"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/jobs/{job_id}/cancel"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/jobs/{job_id}/report"): READERS,
    # part C: evaluations and RFPs for the sponsor, the portal for providers only
    ("GET", "/api/v1/workspaces/{workspace_id}/evaluations"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/evaluations"): EDITORS,
    ("POST", "/api/v1/workspaces/{workspace_id}/evaluations/from-portfolio"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/evaluations/{evaluation_id}"): READERS,
    ("PUT", "/api/v1/workspaces/{workspace_id}/evaluations/{evaluation_id}"): EDITORS,
    ("DELETE", "/api/v1/workspaces/{workspace_id}/evaluations/{evaluation_id}"): EDITORS,
    ("POST", "/api/v1/workspaces/{workspace_id}/evaluations/{evaluation_id}/run"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/ahp/consistency"): READERS,
    ("GET", "/api/v1/workspaces/{workspace_id}/rfps"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/rfps"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/close"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/bids"): READERS,
    ("GET", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/comparison"): READERS,
    ("POST", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/evaluation"): EDITORS,
    ("POST", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/bids/{bid_id}/reject"): EDITORS,
    ("DELETE", "/api/v1/workspaces/{workspace_id}/rfps/{rfp_id}/bids/{bid_id}"): EDITORS,
    ("GET", "/api/v1/workspaces/{workspace_id}/portal/rfps"): PROVIDER,
    ("GET", "/api/v1/workspaces/{workspace_id}/portal/rfps/{rfp_id}"): PROVIDER,
    ("PUT", "/api/v1/workspaces/{workspace_id}/portal/rfps/{rfp_id}/bid"): PROVIDER,
    ("GET", "/api/v1/workspaces/{workspace_id}/portal/rfps/{rfp_id}/bid"): PROVIDER,
    ("PUT", "/api/v1/workspaces/{workspace_id}/portal/rfps/{rfp_id}/answers"): PROVIDER,
}


def _api_routes() -> set[tuple[str, str]]:
    """Every (method, path) the application serves under /api, from its OpenAPI document."""
    app = create_app(Settings(database_url="sqlite://"))
    paths = app.openapi()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/")
        for method in operations
    }


def test_every_api_route_is_in_the_matrix() -> None:
    assert _api_routes() == set(ROUTES)


WORKSPACE_ROUTES = [key for key, roles in ROUTES.items() if roles is not None]


def _call(world: World, method: str, path: str, workspace: str, csrf: str | None) -> int:
    url = path.format(**world.ids[workspace])
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return world.client.request(method, url, headers=headers).status_code


def test_matrix(seeded: World) -> None:
    world = seeded
    for method, path in WORKSPACE_ROUTES:
        assert _call(world, method, path, "Acme", None) == 401, (method, path)
    for role, email in ROLE_EMAILS.items():
        csrf = world.sign_in(email)
        for method, path in WORKSPACE_ROUTES:
            allowed = ROUTES[(method, path)]
            assert allowed is not None
            status = _call(world, method, path, "Acme", csrf)
            if role in allowed:
                assert status not in {401, 403, 404}, (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)
            # Another workspace's data looks absent, whatever the role at home.
            assert _call(world, method, path, "Other", csrf) == 404, (role, method, path)
