"""Starting analyses of stored portfolios: checked before anything is stored, versioned, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosource.domain.portfolio import OptimizeSettings
from crosource.engine.costing.plans import Planner
from crosource.io.errors import InvalidInput
from crosource.io.portfolio_io import load_portfolio
from crosource.services import runs
from crosource.services.analyses import OptimizeRequest, SimulateRequest
from crosource.store import portfolios
from crosource.store.audit import list_events
from crosource.store.tables import Job
from crosource.store.workspaces import create_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_choices_offer_every_scenario_and_tick_the_clis_default_set() -> None:
    portfolio = load_portfolio(EXAMPLES / "midsize-hybrid.yaml")
    choices = runs.scenario_choices(portfolio)
    names = [c.name for c in choices]
    assert {"recommended", "fsp_core", "in_house_max", "optimized", "fsp-data-core"} <= set(names)
    fso = [p.id for p in portfolio.providers if "fso" in p.models]
    assert [n for n in names if n.startswith("all_fso:")] == [f"all_fso:{p}" for p in fso]
    assert {c.name for c in choices if c.default} == set(Planner(portfolio).default_names())


def test_a_request_is_checked_on_the_portfolio() -> None:
    portfolio = load_portfolio(EXAMPLES / "emerging-biotech.yaml")
    runs.check_request(portfolio, SimulateRequest(scenarios=["recommended", "optimized"]))
    runs.check_request(portfolio, OptimizeRequest())
    with pytest.raises(InvalidInput, match="unknown scenario 'nope'"):
        runs.check_request(portfolio, SimulateRequest(scenarios=["recommended", "nope"]))
    with pytest.raises(InvalidInput) as twice:
        runs.check_request(portfolio, SimulateRequest(scenarios=["fsp_core", "fsp_core"]))
    assert twice.value.problems[0].where == "scenarios[1]"


def test_start_stores_the_version_and_an_audit_event(session: Session) -> None:
    space = create_workspace(session, name="Runs").id
    record = portfolios.import_portfolio_file(
        session, workspace_id=space, file=EXAMPLES / "emerging-biotech.yaml"
    )
    request = SimulateRequest(scenarios=["recommended"], draws=500, seed=3)
    job = runs.start(
        session, workspace_id=space, portfolio_id=record.id, request=request, user_id=None
    )
    session.commit()
    assert job.state == "queued" and job.kind == "simulate"
    assert runs.version_of(job) == record.version == 1
    assert runs.stored_request(job) == request
    assert runs.describe(job) == "recommended · 500 draws · seed 3"
    event = list_events(session, workspace_id=space)[0]
    assert (event.action, event.entity, event.entity_id) == ("create", "job", str(job.id))
    with pytest.raises(InvalidInput):
        runs.start(
            session,
            workspace_id=space,
            portfolio_id=record.id,
            request=SimulateRequest(scenarios=["nope"]),
            user_id=None,
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Job)) == 1


def test_the_optimizer_form_starts_from_the_portfolios_settings() -> None:
    portfolio = load_portfolio(EXAMPLES / "emerging-biotech.yaml")
    assert runs.optimize_defaults(portfolio).max_providers is None
    own = OptimizeSettings(max_providers=2, gap=0.01, objective="economic")
    start = runs.optimize_defaults(portfolio.model_copy(update={"optimize": own}))
    assert (start.max_providers, start.gap, start.objective) == (2, 0.01, "economic")
    assert start.oversight_limit is True and start.check_draws == OptimizeRequest().check_draws
