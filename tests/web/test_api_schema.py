"""schemathesis over the generated OpenAPI: no generated request gets a 5xx.

Requests carry an analyst's API token, so they reach the handlers instead of stopping at sign-in,
and the workspace holds a real portfolio for ids to find.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from crosource.store import portfolios
from crosource.store.users import create_api_token, user_by_email
from tests.web.conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    app: Any = world.client.app
    with app.state.sessions() as session:
        user = user_by_email(session, email="analyst@acme.test")
        assert user is not None
        acme = world.workspaces["Acme"]
        portfolios.import_portfolio_file(
            session, workspace_id=acme, file=EXAMPLES / "emerging-biotech.yaml"
        )
        _, secret = create_api_token(session, user_id=user.id, workspace_id=acme, name="fuzz")
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_no_request_gets_a_server_error(world: World, bearer: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(headers=bearer)
            assert response.status_code < 500, (case.method, case.path, response.text[:500])

        check()
