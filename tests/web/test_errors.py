"""Errors reach people as pages and scripts as the API's error shape; a clash is a 409."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from crosource.web.app import create_app
from crosource.web.settings import Settings


def _clash() -> None:
    raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed: portfolio.name"))


def test_a_unique_clash_is_a_conflict_not_a_server_error(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    # Two requests creating the same name at once: the later one meets the database's refusal.
    # (GET: a POST from someone not signed in would be refused before reaching the route.)
    app.add_api_route("/api/v1/clash", _clash, methods=["GET"])
    app.add_api_route("/clash", _clash, methods=["GET"])
    with TestClient(app) as client:
        api = client.get("/api/v1/clash")
        assert api.status_code == 409
        assert api.json()["error"]["code"] == "conflict"
        page = client.get("/clash")
        assert page.status_code == 409
        assert "reload and try again" in page.text and "<html" in page.text


def test_unknown_pages_and_routes_answer_404_in_their_shape(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    with TestClient(app) as client:
        api = client.get("/api/v1/nothing-here")
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
        page = client.get("/nothing-here")
        assert page.status_code == 404 and "Not found" in page.text
