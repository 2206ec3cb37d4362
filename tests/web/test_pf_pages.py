"""Portfolio pages: the list and its import (every problem shown, nothing added), the template,
the overview, the recommendation and the providers; deletion by owners only."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from crosource.store.tables import AuditEvent, PortfolioRecord
from tests.web.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _page(world: World, workspace: str = "Acme") -> str:
    return f"/w/{world.workspaces[workspace]}"


def _import(world: World, csrf: str, name: str, content: bytes, label: str = "") -> Any:
    return world.client.post(
        f"{_page(world)}/portfolios",
        data={"csrf_token": csrf, "name": label},
        files={"file": (name, content)},
        follow_redirects=False,
    )


def _count(world: World) -> int:
    app: Any = world.client.app
    with app.state.sessions() as session:
        return int(session.query(PortfolioRecord).count())


def test_a_valid_file_is_imported_and_listed(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    content = (EXAMPLES / "midsize-hybrid.xlsx").read_bytes()
    answer = _import(world, csrf, "midsize.xlsx", content, "Corvane 2027")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"{_page(world)}/p/")
    overview = world.client.get(answer.headers["location"])
    assert "Imported Corvane 2027" in overview.text
    listed = world.client.get(f"{_page(world)}/portfolios").text
    assert "Corvane 2027" in listed
    assert "export?format=xlsx" in listed and "export?format=yaml" in listed


def test_an_invalid_yaml_shows_every_problem_with_its_line_and_adds_nothing(
    world: World,
) -> None:
    csrf = world.sign_in("analyst@acme.test")
    data = yaml.safe_load((EXAMPLES / "emerging-biotech.yaml").read_text(encoding="utf-8"))
    data["studies"][0]["phase"] = "phase 9"
    data["studies"][1]["program"] = "NOPE"
    data["sponsor"]["oversight_fte"] = -1
    answer = _import(world, csrf, "broken.yaml", yaml.safe_dump(data, sort_keys=False).encode())
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "3 problems in the file; nothing was imported." in text
    assert "broken.yaml" in text and "/tmp" not in text  # the name the user gave, not ours
    for place in ("studies[0].phase", "studies[1].program", "sponsor.oversight_fte"):
        assert place in text
    assert text.count("<td><code>line ") == 3
    assert _count(world) == 0


def test_an_invalid_workbook_shows_sheet_row_and_column(world: World, tmp_path: Path) -> None:
    csrf = world.sign_in("owner@acme.test")
    bad = tmp_path / "bad.xlsx"
    shutil.copy(EXAMPLES / "emerging-biotech.xlsx", bad)
    book = openpyxl.load_workbook(bad)
    book["Studies"]["F2"] = -5
    book["Studies"]["C3"] = "phase 9"
    book.save(bad)
    answer = _import(world, csrf, "bad.xlsx", bad.read_bytes())
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert "sheet Studies, row 2, column patients" in text
    assert "sheet Studies, row 3, column phase" in text
    assert "unknown value 'phase 9'" in text
    assert _count(world) == 0


def test_wrong_kind_no_file_duplicate_name_and_too_large_change_nothing(world: World) -> None:
    csrf = world.sign_in("analyst@acme.test")
    wrong = _import(world, csrf, "notes.txt", b"hello")
    assert wrong.status_code == 422 and "is not a portfolio file" in wrong.text
    empty = world.client.post(f"{_page(world)}/portfolios", data={"csrf_token": csrf})
    assert empty.status_code == 422 and "Choose a file" in empty.text
    content = (EXAMPLES / "emerging-biotech.yaml").read_bytes()
    assert _import(world, csrf, "a.yaml", content).status_code == 303
    again = _import(world, csrf, "a.yaml", content)
    assert again.status_code == 409 and "Give the portfolio another name" in again.text
    app: Any = world.client.app
    app.state.settings.max_upload_bytes = 100
    try:
        big = _import(world, csrf, "b.yaml", content, "Other name")
    finally:
        app.state.settings.max_upload_bytes = 10_000_000
    assert big.status_code == 413
    assert _count(world) == 1


def test_viewers_see_no_import_form_and_cannot_post(world: World) -> None:
    csrf = world.sign_in("viewer@acme.test")
    page = world.client.get(f"{_page(world)}/portfolios")
    assert page.status_code == 200 and 'type="file"' not in page.text
    content = (EXAMPLES / "emerging-biotech.yaml").read_bytes()
    assert _import(world, csrf, "a.yaml", content).status_code == 403
    assert _count(world) == 0


def test_the_excel_template_downloads_with_its_readme(world: World, tmp_path: Path) -> None:
    world.sign_in("viewer@acme.test")
    answer = world.client.get(f"{_page(world)}/portfolios/template.xlsx")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    out = tmp_path / "template.xlsx"
    out.write_bytes(answer.content)
    assert "README" in openpyxl.load_workbook(out).sheetnames


def test_overview_recommendation_and_providers(seeded: World) -> None:
    world = seeded
    world.sign_in("viewer@acme.test")
    base = f"{_page(world)}/p/{world.portfolio_ids['Acme']}"
    overview = world.client.get(base)
    assert overview.status_code == 200
    text = html.unescape(overview.text)
    for expected in ("Halcyon Neurotherapeutics", "HLN-204-201", "Clinical monitoring", "1.5 FTE"):
        assert expected in text
    assert "Edit sponsor" not in text and "Edit as YAML" not in text and ">Delete<" not in text
    recommended = world.client.get(f"{base}/recommendation")
    assert recommended.status_code == 200
    assert "Full-service CRO" in recommended.text and "Strategic" in recommended.text
    assert 'class="report"' in recommended.text and "<html" not in recommended.text[200:]
    providers = html.unescape(world.client.get(f"{base}/providers").text)
    for expected in ("Meridian Global Research", "Large CRO", "Rate card", "26,500", "Quality"):
        assert expected in providers


def test_the_owner_deletes_after_typing_the_name(seeded: World) -> None:
    world = seeded
    pid = world.portfolio_ids["Acme"]
    url = f"{_page(world)}/p/{pid}/delete"
    csrf = world.sign_in("analyst@acme.test")
    assert world.client.get(url).status_code == 403
    refused = world.client.post(
        url, data={"csrf_token": csrf, "version": "1", "confirm": "Halcyon Neurotherapeutics"}
    )
    assert refused.status_code == 403
    csrf = world.sign_in("owner@acme.test")
    assert "Type <strong>Halcyon Neurotherapeutics</strong>" in world.client.get(url).text
    wrong = world.client.post(url, data={"csrf_token": csrf, "version": "1", "confirm": "yes"})
    assert wrong.status_code == 422
    stale = world.client.post(
        url, data={"csrf_token": csrf, "version": "7", "confirm": "Halcyon Neurotherapeutics"}
    )
    assert stale.status_code == 409
    assert world.client.get(f"{_page(world)}/p/{pid}").status_code == 200
    done = world.client.post(
        url,
        data={"csrf_token": csrf, "version": "1", "confirm": "Halcyon Neurotherapeutics"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert world.client.get(f"{_page(world)}/p/{pid}").status_code == 404
    app: Any = world.client.app
    with app.state.sessions() as session:
        event = (
            session.query(AuditEvent)
            .filter_by(action="delete", entity="portfolio", entity_id=str(pid))
            .one()
        )
        assert event.old is not None and event.old["document"]["sponsor"]["name"]
