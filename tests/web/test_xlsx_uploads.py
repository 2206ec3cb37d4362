"""A shared-strings bomb (tests/io/test_xlsx_parts.py) uploaded to the web application: the
portfolio import (API and page) and a bid grid upload refuse it with the part and its limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.io.test_xlsx_parts import LOCATED, shared_strings_bomb
from tests.web.conftest import World


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_strings_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_the_web_import_and_a_bid_upload_refuse_it(seeded: World, bomb: Path) -> None:
    world = seeded
    acme, rfp_id = world.workspaces["Acme"], world.ids["Acme"]["rfp_id"]
    content = bomb.read_bytes()
    csrf = world.sign_in("analyst@acme.test")
    answer = world.client.post(
        f"/api/v1/workspaces/{acme}/portfolios",
        files={"file": ("bomb.xlsx", content, "application/octet-stream")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 422, answer.text
    assert LOCATED in answer.text
    page = world.client.post(
        f"/w/{acme}/portfolios",
        data={"csrf_token": csrf},
        files={"file": ("bomb.xlsx", content, "application/octet-stream")},
    )
    assert page.status_code == 422 and LOCATED in page.text
    csrf = world.sign_in("cro@acme.test")
    grid = world.client.put(
        f"/api/v1/workspaces/{acme}/portal/rfps/{rfp_id}/bid",
        files={"file": ("grid.xlsx", content, "application/octet-stream")},
        headers={"X-CSRF-Token": csrf},
    )
    assert grid.status_code == 422 and LOCATED in grid.text
