"""Report downloads of runs and recommendations: PDF, Excel and HTML through pages and API."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.report.test_pdf_excel import pdf_text
from tests.web.conftest import World
from tests.web.test_an_jobs import import_example, wait_for

SPONSOR = "Halcyon Neurotherapeutics"  # the emerging example's sponsor


def test_a_finished_run_downloads_as_pdf_excel_and_html(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    started = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "draws": 200, "seed": 4, "sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    ).json()
    done = wait_for(world, acme, started["id"])
    names = [s["name"] for s in done["result"]["scenarios"]]
    world.sign_in("viewer@acme.test")  # a viewer reads every report

    pdf = world.client.get(f"/w/{acme}/jobs/{started['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"Cost and completion risk: {SPONSOR}" in " ".join(pdf_text(pdf.content).split())
    again = world.client.get(f"/api/v1/workspaces/{acme}/jobs/{started['id']}/report?format=pdf")
    assert again.content == pdf.content  # the cached print

    xlsx = world.client.get(f"/api/v1/workspaces/{acme}/jobs/{started['id']}/report?format=xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    book = load_workbook(BytesIO(xlsx.content))
    assert [r[0] for r in book["Summary"].iter_rows(values_only=True)][1:] == names

    html = world.client.get(f"/w/{acme}/jobs/{started['id']}/report.html")
    assert html.status_code == 200 and html.text.startswith("<!doctype html>")
    assert "<svg" in html.text and "vega-chart" not in html.text  # static charts

    reports = world.client.get(f"/w/{acme}/p/{pid}/reports")
    assert f"/w/{acme}/jobs/{started['id']}/report.pdf" in reports.text
    assert "The optimizer has not run yet" in reports.text


def test_the_recommendation_downloads_as_pdf_and_html(world: World) -> None:
    world.sign_in("viewer@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    pdf = world.client.get(f"/w/{acme}/p/{pid}/recommendation.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert f"Sourcing recommendation: {SPONSOR}" in " ".join(pdf_text(pdf.content).split())
    html = world.client.get(f"/w/{acme}/p/{pid}/recommendation.html")
    assert html.status_code == 200 and f"Sourcing recommendation: {SPONSOR}" in html.text


def test_reports_of_runs_not_finished_or_failed_are_refused_plainly(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    acme, pid = world.workspaces["Acme"], import_example(world)
    started = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "scenarios": ["optimized"], "draws": 200, "gap": 1}
        | {"sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    )
    assert started.status_code == 422  # `gap` is an optimizer setting, not a simulation's
    wrong = world.client.get(f"/api/v1/workspaces/{acme}/jobs/999999/report?format=pdf")
    assert wrong.status_code == 404
    bad = world.client.get(f"/api/v1/workspaces/{acme}/jobs/1/report?format=docx")
    assert bad.status_code == 422
