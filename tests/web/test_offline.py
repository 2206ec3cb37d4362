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
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="k"))
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
