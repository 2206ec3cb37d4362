"""Every page works under the Content-Security-Policy in a real browser: nothing is refused
(an inline script, an event handler attribute, eval, a resource of another site), the charts
are drawn, the confirmations still ask, and /docs shows the API."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, Response, expect

from tests.e2e.conftest import Live, shoot
from tests.e2e.test_workflow import _sign_up

MAX_PAGES = 70
# Links that change something or download a file rather than show a page.
SKIP = (
    "/logout",
    "/sign-out",
    "/setup/",
    "/export",
    "/download",
    ".pdf",
    ".xlsx",
    ".yaml",
    ".html",
)


def _watch(page: Page) -> list[str]:
    """What went wrong in the browser: errors on its console (a refusal of the policy is one),
    errors of the pages' scripts, and resources of the pages that failed to load."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        text = message.text
        if text.startswith("Failed to load resource"):
            return  # told with its address by the response listener below
        if message.type == "error" or "Content Security Policy" in text or "Refused" in text:
            problems.append(f"{page.url}: {message.type}: {text}")

    def response(answer: Response) -> None:
        # The browser asks for /favicon.ico by itself; the application has none.
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            problems.append(f"{page.url}: {answer.status} for {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def _links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        parsed = urlparse(url)
        if f"{parsed.scheme}://{parsed.netloc}" != origin or any(s in parsed.path for s in SKIP):
            continue
        found.append(url)
    return found


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_works_under_the_policy(page: Page, live: Live) -> None:
    problems = _watch(page)
    _sign_up(page, live)
    # Every page reachable from the home page, breadth first, up to MAX_PAGES.
    seen: set[str] = set()
    queue = [f"{live.url}/"]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        answer = page.goto(url, timeout=90_000)  # a large report takes a while on a busy machine
        assert answer is not None and answer.status < 500, url
        assert "content-security-policy" in answer.headers, url
        if page.locator(".vega-chart").count():
            # Charts draw (Vega interprets its expressions: no eval under the policy).
            expect(page.locator(".vega-chart svg").first).to_be_attached()
        queue.extend(u for u in _links(page, live.url) if u not in seen)
    assert len(seen) >= 20, seen
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_charts_confirmations_and_the_api_documentation(page: Page, live: Live) -> None:
    problems = _watch(page)
    _sign_up(page, live)
    # An evaluation's page: its charts are drawn by vega-embed.
    page.get_by_role("link", name="Evaluate providers").first.click()
    page.locator("a[href*='/evaluations/']").first.click()
    expect(page.locator(".vega-chart svg").first).to_be_visible()
    shoot(page, "csp-evaluation-charts")
    # A confirmation answered no sends nothing; yes sends the form.
    here = page.url
    asked: list[str] = []

    def answer_no(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    page.get_by_role("button", name="Delete this evaluation").click()
    assert asked == ["Delete this evaluation?"]
    expect(page).to_have_url(here)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this evaluation").click()
    expect(page).not_to_have_url(here)

    page.goto(f"{live.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("crosource")
    expect(page.locator(".opblock").first).to_be_visible()
    shoot(page, "csp-api-docs")
    assert not problems, "\n".join(problems)
