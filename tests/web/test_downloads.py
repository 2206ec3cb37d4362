"""Every download answers 200 with a correct Content-Disposition whatever the names: a portfolio
or evaluation named in Japanese (outside Latin-1, which HTTP headers are) or with quotes,
semicolons and a line break. RFC 6266/5987: an ASCII `filename` and the exact `filename*`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from crosource.store import evaluations, portfolios
from crosource.store.tables import EvaluationRecord, PortfolioRecord
from crosource.web.disposition import content_disposition
from tests.web.conftest import World
from tests.web.test_an_jobs import import_example, wait_for

JAPANESE = "日本の候補"
HOSTILE = 'Q3 "final"; v2\nfilename=evil.exe'
_HEADER = re.compile(
    r'^(attachment|inline); filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'([A-Za-z0-9%._~-]+)$'
)


def _check(header: str, expected: str) -> str:
    """The exact file name the header gives, after checking its form."""
    header.encode("latin-1")  # a header that cannot be sent was the 500
    found = _HEADER.match(header)
    assert found, header
    exact = unquote(found.group(3))
    assert expected in exact, (expected, exact)
    assert not set(exact) & set('"\\/;\n\r'), exact
    return exact


def test_the_header_for_any_name() -> None:
    assert content_disposition("plain-name", "yaml") == (
        "attachment; filename=\"plain-name.yaml\"; filename*=UTF-8''plain-name.yaml"
    )
    japanese = content_disposition(JAPANESE, "pdf")
    assert _check(japanese, JAPANESE) == f"{JAPANESE}.pdf"
    assert 'filename="download.pdf"' in japanese
    hostile = content_disposition(HOSTILE, "xlsx", "inline")
    assert hostile.startswith("inline; ") and hostile.count(";") == 2
    assert _check(hostile, "final") == "Q3 -final- v2-filename=evil.exe.xlsx"
    assert content_disposition("../../etc/passwd", "csv").count("/") == 0


def _rename(world: World, model: Any, row_id: int, name: str) -> None:
    # Straight into the row: names with a line break come from nowhere the store lets them in,
    # and downloads must not fail even so.
    app: Any = world.client.app
    with app.state.sessions() as session:
        session.get(model, row_id).name = name
        session.commit()


@pytest.mark.parametrize("name", [JAPANESE, HOSTILE])
def test_every_download_with_any_name(world: World, name: str) -> None:
    acme = world.workspaces["Acme"]
    pid = import_example(world)
    app: Any = world.client.app
    with app.state.sessions() as session:
        record = portfolios.load(session, workspace_id=acme, portfolio_id=pid)
        from crosource.services.evaluations import from_portfolio

        evaluation = evaluations.add_evaluation(
            session, workspace_id=acme, name="e", evaluation=from_portfolio(record)
        ).id
        session.commit()
    _rename(world, PortfolioRecord, pid, name)
    _rename(world, EvaluationRecord, evaluation, name)
    csrf = world.sign_in("analyst@acme.test")
    job = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios/{pid}/jobs",
        json={"kind": "simulate", "draws": 100, "seed": 1, "sensitivity": False},
        headers={"X-CSRF-Token": csrf},
    ).json()["id"]
    assert wait_for(world, acme, job)["state"] == "done"
    api, w = f"/api/v1/workspaces/{acme}", f"/w/{acme}"
    stem = name[:2]  # what survives of the name: at least its start
    downloads = [
        f"{api}/portfolios/{pid}/export?format=yaml",
        f"{api}/portfolios/{pid}/export?format=xlsx",
        f"{api}/jobs/{job}/report?format=html",
        f"{api}/jobs/{job}/report?format=pdf",
        f"{api}/jobs/{job}/report?format=xlsx",
        f"{w}/jobs/{job}/report.html",
        f"{w}/jobs/{job}/report.pdf",
        f"{w}/jobs/{job}/report.xlsx",
        f"{w}/p/{pid}/recommendation.html",
        f"{w}/p/{pid}/recommendation.pdf",
        f"{w}/evaluations/{evaluation}/download",
    ]
    for url in downloads:
        answer = world.client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        _check(answer.headers["content-disposition"], stem)
    template = world.client.get(f"{w}/portfolios/template.xlsx")
    assert template.status_code == 200
    _check(template.headers["content-disposition"], "crosource-portfolio-template")


def test_the_bid_template_download(seeded: World) -> None:
    space, rfp_id = seeded.workspaces["Acme"], seeded.ids["Acme"]["rfp_id"]
    seeded.sign_in("cro@acme.test")
    answer = seeded.client.get(f"/w/{space}/portal/rfps/{rfp_id}/template.csv")
    assert answer.status_code == 200
    _check(answer.headers["content-disposition"], "bid-HLN-204-201")
