"""A real server and a real browser: uvicorn on a free loopback port, Debian's Chromium driven by
Playwright. Screenshots of every page visited are kept in out/screenshots/ (a test artifact).

The server is the one `crosource serve --demo` starts: a fresh database (SQLite file or a
PostgreSQL schema, from the shared `database_url` fixture), the example portfolios loaded into the
workspace Demo, and a first-run setup link.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from crosource.services.demo import examples_folder, load_demo
from crosource.web.app import create_app
from crosource.web.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


@dataclass
class Live:
    url: str
    app: Any
    setup_token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live(database_url: str) -> Iterator[Live]:
    app = create_app(Settings(database_url=database_url, job_backend="inprocess"))
    examples = examples_folder()
    assert examples is not None
    with app.state.sessions.begin() as session:
        load_demo(session, name="Demo", examples=examples)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", app, str(app.state.setup_token))
    finally:
        server.should_exit = True
        thread.join(timeout=15)


# Per module, not per session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and a later test of the same worker calling asyncio.run() would then fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def shoot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot of what the user sees now."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    target = ARTIFACTS / f"{safe}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
