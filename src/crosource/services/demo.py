"""The demo workspace: the bundled example portfolios (and evaluation), loaded once.

Loading is idempotent: what the workspace already holds (by name) is left as it is, so a restart
of `crosource serve --demo` neither duplicates nor overwrites anyone's edits.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from crosource.io.portfolio_io import load_portfolio
from crosource.services.demo_evaluate import load_demo_evaluation, load_demo_rfp
from crosource.store import portfolios
from crosource.store.tables import PortfolioRecord, Workspace
from crosource.store.workspaces import create_workspace, find_workspace

EXAMPLE_PORTFOLIOS = ("emerging-biotech", "midsize-hybrid", "large-pharma")


def examples_folder() -> Path | None:
    """The repository's examples/ folder, when crosource runs from a checkout."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples"
        if (candidate / "midsize-hybrid.yaml").is_file():
            return candidate
    return None


def load_demo(session: Session, *, name: str, examples: Path) -> Workspace:
    """The demo workspace with every example portfolio in it; returns the workspace."""
    workspace = find_workspace(session, name=name) or create_workspace(session, name=name)
    held = {r.name for r in portfolios.list_records(session, workspace_id=workspace.id, limit=1000)}
    for stem in EXAMPLE_PORTFOLIOS:
        file = examples / f"{stem}.yaml"
        portfolio = load_portfolio(file)
        if portfolio.sponsor.name not in held:
            portfolios.add_portfolio(
                session,
                workspace_id=workspace.id,
                name=portfolio.sponsor.name,
                portfolio=portfolio,
            )
    session.flush()
    load_demo_evaluation(session, workspace_id=workspace.id, examples=examples)
    load_demo_rfp(session, workspace_id=workspace.id, examples=examples)
    session.flush()
    return workspace


def demo_portfolio(session: Session, *, workspace_id: int, name: str) -> PortfolioRecord | None:
    for record in portfolios.list_records(session, workspace_id=workspace_id, limit=1000):
        if record.name == name:
            return record
    return None
