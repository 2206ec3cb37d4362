"""The workflow a new user follows after `make demo`, in a real browser.

Open the setup link that the server prints, create the account, and go through the work: the
portfolio, its recommendation, scenarios with their Monte Carlo risk, the optimizer, provider
evaluation, RFPs and bids, the provider portal, and the PDF report. Each page is kept as a
screenshot (out/screenshots/) so that a person can look at it.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Live, shoot

EMAIL = "new.user@example.com"
PASSWORD = "a long passphrase for e2e"
MIDSIZE = "Corvane"


def _first_run(page: Page, live: Live, tag: str) -> None:
    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/login?next=/")
    shoot(page, f"{tag}-01-login")
    page.goto(f"{live.url}/setup/{live.setup_token}")
    expect(page.get_by_role("heading", name="Create the first account")).to_be_visible()
    shoot(page, f"{tag}-02-setup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Demo")).to_be_visible()
    shoot(page, f"{tag}-03-home")


def test_a_new_user_signs_up_and_sees_the_demo(page: Page, live: Live, database_url: str) -> None:
    tag = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    _first_run(page, live, tag)
    # The three example portfolios are on the home page.
    for name in ("Halcyon", "Aurelian", MIDSIZE):
        expect(page.get_by_role("link", name=name, exact=False).first).to_be_visible()
    # The setup link works only once.
    page.goto(f"{live.url}/setup/{live.setup_token}")
    expect(page.get_by_text("not valid")).to_be_visible()
    # Sign out and in again with the new account.
    page.goto(f"{live.url}/")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live.url}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Unknown email or wrong password")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Demo")).to_be_visible()


def _sign_up(page: Page, live: Live) -> None:
    page.goto(f"{live.url}/setup/{live.setup_token}")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Demo")).to_be_visible()


def test_the_assessment_builds_a_portfolio_and_recommends(page: Page, live: Live) -> None:
    _sign_up(page, live)
    page.get_by_role("link", name="Assessment").click()
    shoot(page, "assess-1-organisation")
    page.get_by_label("Sponsor name").fill("Orrery Bio")
    page.get_by_role("button", name="Save and continue").click()
    shoot(page, "assess-2-team")
    page.get_by_role("button", name="Save and continue").click()
    shoot(page, "assess-3-priorities")
    page.get_by_role("button", name="Save and continue").click()
    shoot(page, "assess-4-control")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Program 1 id").fill("ORB-1")
    page.get_by_label("Program 1 name").fill("ORB-1 in plaque psoriasis")
    page.get_by_label("Program 1 therapeutic area").select_option("immunology")
    shoot(page, "assess-5-programs")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Study id").fill("ORB-1-201")
    page.get_by_label("Start date").fill("2027-09-01")
    page.get_by_label("Patients", exact=True).fill("120")
    page.get_by_role("button", name="Save and continue").click()
    # A study without sites cannot be planned: the step says so at the field.
    expect(page.get_by_text("enter the number of sites in at least one region")).to_be_visible()
    shoot(page, "assess-6-studies-problem")
    page.get_by_label("North America").fill("12")
    page.get_by_label("Western Europe").fill("8")
    shoot(page, "assess-6-studies")
    page.get_by_role("button", name="Save and continue").click()
    shoot(page, "assess-7-review")
    page.get_by_role("button", name="Create the portfolio and see the recommendation").click()
    expect(page.get_by_role("heading", name="Recommendation", exact=False).first).to_be_visible()
    expect(page.get_by_text("ORB-1-201").first).to_be_visible()
    shoot(page, "assess-8-recommendation")


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


def test_import_compare_scenarios_optimize_and_download_the_pdf(
    page: Page, live: Live, tmp_path: Path
) -> None:
    _sign_up(page, live)
    page.get_by_role("link", name="Portfolios").first.click()
    # A broken file is refused with its problems, and nothing is added.
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXAMPLE.read_text().replace("oversight_fte:", "oversight_fte: -3 #"))
    page.get_by_label("Portfolio file").set_input_files(str(broken))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#pf-import-problems")).to_contain_text("oversight_fte")
    shoot(page, "import-1-refused")
    page.get_by_label("Portfolio file").set_input_files(str(EXAMPLE))
    page.get_by_label("Name", exact=False).first.fill("Halcyon, imported")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Halcyon, imported")).to_be_visible()
    shoot(page, "import-2-portfolio")

    page.get_by_role("link", name="Scenarios").first.click()
    page.get_by_label("Draws per scenario").fill("2000")
    shoot(page, "scenarios-1-form")
    page.get_by_role("button", name="Run the comparison").click()
    expect(page.locator("#job-status")).to_be_visible()
    shoot(page, "scenarios-2-running")
    # The run finishes in the background; the page follows it and shows the comparison.
    expect(page.get_by_role("link", name="PDF")).to_be_visible(timeout=120_000)
    expect(page.locator(".vega-chart svg").first).to_be_visible()
    expect(page.get_by_text("P90").first).to_be_visible()
    shoot(page, "scenarios-3-compared")

    page.get_by_role("link", name="Optimize").first.click()
    shoot(page, "optimize-1-form")
    page.get_by_role("button", name="Run the optimizer").click()
    expect(page.get_by_role("link", name="PDF")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("optimal", exact=False).first).to_be_visible()
    shoot(page, "optimize-2-plan")

    page.get_by_role("link", name="Reports").first.click()
    shoot(page, "reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_score_providers_compare_bids_and_a_provider_answers(
    page: Page, live: Live, browser: Browser
) -> None:
    _sign_up(page, live)
    page.get_by_role("link", name="Evaluate providers").click()
    shoot(page, "evaluate-1-list")
    page.get_by_role("link", name="Rare-disease CROs (example)").click()
    expect(page.locator(".vega-chart svg").first).to_be_visible()
    shoot(page, "evaluate-2-results")
    page.get_by_label("Add an evaluator").fill("Head of clinical operations")
    page.get_by_role("button", name="Open the pairwise form").click()
    cr = page.locator("#ahp-cr")
    pairs = page.locator("#ahp-form select")
    expect(pairs.first).to_be_visible()
    assert pairs.count() >= 3
    # Live feedback: each change recomputes the weights and the consistency ratio.
    pairs.nth(0).select_option(index=0)
    expect(cr).to_be_visible()
    before = cr.inner_text()
    pairs.nth(1).select_option(index=pairs.nth(1).locator("option").count() - 1)
    expect(cr).not_to_have_text(before)
    shoot(page, "evaluate-3-pairwise")
    page.get_by_role("button", name="Save these judgments").click()
    expect(page.get_by_text("Head of clinical operations").first).to_be_visible()
    shoot(page, "evaluate-4-saved")

    page.get_by_role("link", name="RFPs and bids").click()
    page.get_by_role("link", name="CRV-310-201", exact=False).first.click()
    expect(page.get_by_role("heading", name="Bids compared")).to_be_visible()
    shoot(page, "rfp-1-bids")
    page.get_by_role("button", name="Evaluate these bids").click()
    expect(page.locator(".vega-chart svg").first).to_be_visible()
    shoot(page, "rfp-2-evaluated")

    # The owner adds a provider's account; the provider signs in and sees only its portal.
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill("bids@meridian.example")
    page.get_by_label("Role", exact=True).select_option("provider")
    page.get_by_label("Provider id", exact=True).fill("meridian")
    page.get_by_label("First password", exact=True).fill("meridian passphrase 1")
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_text("is now a member")).to_be_visible()
    shoot(page, "members")

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    provider = context.new_page()
    provider.set_default_timeout(15_000)
    provider.goto(f"{live.url}/login")
    provider.get_by_label("Email").fill("bids@meridian.example")
    provider.get_by_label("Password").fill("meridian passphrase 1")
    provider.get_by_role("button", name="Sign in").click()
    expect(provider.get_by_role("heading", name="Invited RFPs")).to_be_visible()
    shoot(provider, "portal-1-invited")
    provider.get_by_role("link", name="CRV-310-201", exact=False).first.click()
    expect(provider.get_by_role("heading", name="Your bid")).to_be_visible()
    text = provider.content()
    assert "tessera" not in text and "kestrel" not in text
    shoot(provider, "portal-2-rfp")
    workspace = provider.url.split("/w/")[1].split("/")[0]
    refused = provider.goto(f"{live.url}/w/{workspace}/rfps")
    assert refused is not None and refused.status == 403
    refused = provider.goto(f"{live.url}/w/{workspace}/evaluations")
    assert refused is not None and refused.status == 403
    context.close()
