"""Every response carries the security headers (a strict Content-Security-Policy, no sniffing,
no framing, no cross-site referrer), pages included and errors too; and nothing in the pages
needs an inline script, which that policy refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crosource.web.app import create_app
from crosource.web.settings import Settings
from tests.web.conftest import World

SRC = Path(__file__).resolve().parents[2] / "src" / "crosource"
EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
# What the policy must hold: scripts only from this site (no inline script, no eval).
POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
]


def _check(answer: object) -> None:
    headers = answer.headers  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (name, headers)
    policy = [part.strip() for part in headers["content-security-policy"].split(";")]
    for part in POLICY:
        assert part in policy, (part, policy)
    assert not any(
        "unsafe-eval" in p or (p.startswith("script-src") and "unsafe-inline" in p) for p in policy
    ), policy


def test_pages_api_static_files_and_errors_carry_the_headers(world: World) -> None:
    client = world.client
    _check(client.get("/login"))  # a page
    _check(client.get("/api/v1/workspaces/1/portfolios"))  # the API, refused (401)
    world.sign_in("viewer@acme.test")
    acme = world.workspaces["Acme"]
    api = client.get(f"/api/v1/workspaces/{acme}/portfolios")
    assert api.status_code == 200
    _check(api)
    _check(client.get(f"/w/{acme}/portfolios"))
    _check(client.get("/static/app.js"))  # a static file
    _check(client.get("/static/vega-bundle.js"))
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    _check(missing)
    _check(client.get("/static/no-such-file.js"))
    _check(client.get(f"/api/v1/workspaces/{acme}/portfolios/abc"))  # 422
    _check(client.get("/docs"))
    _check(client.get("/openapi.json"))


def test_an_unexpected_error_carries_the_headers(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/broken")
        assert answer.status_code == 500
        _check(answer)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=|hx-on[:-]|javascript:""", re.IGNORECASE)


@pytest.mark.parametrize("folder", ["web/templates", "report/templates"])
def test_no_template_has_an_inline_script(folder: str) -> None:
    """An inline script, an event handler attribute (onsubmit=...), hx-on or a javascript: link
    would be refused by the policy: behaviour lives in static/app.js."""
    files = sorted((SRC / folder).glob("*.j2"))
    assert files
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert not INLINE_SCRIPT.search(text), file
        assert not HANDLER.search(text), (file, HANDLER.search(text))
