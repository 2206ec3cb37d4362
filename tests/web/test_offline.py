"""The application works offline: no page loads anything from another site (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from crosource.web.app import create_app
from crosource.web.settings import Settings

SRC = Path(__file__).resolve().parents[2] / "src" / "crosource"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_no_template_or_static_file_refers_to_another_site() -> None:
    files = [
        *sorted((SRC / "web" / "templates").glob("*.j2")),
        *sorted((SRC / "report" / "templates").glob("*.j2")),
        *sorted((SRC / "web" / "static").glob("*.css")),
        SRC / "web" / "static" / "app.js",
    ]
    assert len(files) > 10
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), file
        assert not CSS_IMPORT.search(text), file


def test_scripts_are_served_by_the_application(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with TestClient(app) as client:
        page = client.get("/login")
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts and all(s.startswith("/static/") for s in scripts)
        for script in scripts:
            assert client.get(script).status_code == 200, script
        bundle = client.get("/static/vega-bundle.js")
        assert bundle.status_code == 200
        assert "window.vegaEmbed" in bundle.text
        assert bundle.headers["content-type"].startswith("text/javascript")


def test_the_api_documentation_is_served_by_the_application(tmp_path: Path) -> None:
    """/docs (Swagger UI) loads its script, style and icon from this site, with no inline
    script (the Content-Security-Policy refuses one); /redoc, which would need a CDN, is gone."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with TestClient(app) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert not EXTERNAL.search(page.text), page.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), page.text
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert client.get(asset).status_code == 200, asset
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/redoc").status_code == 404
