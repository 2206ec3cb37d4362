"""RFPs for the web: what a provider may see of a study, the questionnaire it answers, the bid
grid template, and (for the sponsor only) the bids compared and turned into an evaluation.

The split matters: `study_brief`, `questionnaire` and `grid_template` are the only views a
provider gets; nothing here hands a provider the portfolio, its rate cards or other bids.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from crosource import catalog
from crosource.domain.portfolio import Portfolio, Study
from crosource.engine.evaluate.bids import compare, evaluation_from_bids
from crosource.io.bids_io import COLUMNS
from crosource.io.errors import InvalidInput
from crosource.io.excel_cells import csv_text
from crosource.report.bids_html import bids_html
from crosource.report.templating import fragment
from crosource.services.recommendation import recommend_stored
from crosource.services.report_cache import cached, rfp_key
from crosource.store import evaluations, portfolios, rfps
from crosource.store.tables import EvaluationRecord, Rfp


def study_of(portfolio: Portfolio, study_id: str) -> Study:
    for study in portfolio.studies:
        if study.id == study_id:
            return study
    raise InvalidInput.single("rfp", f"the portfolio no longer has study {study_id!r}", "study_id")


def study_brief(session: Session, rfp: Rfp) -> dict[str, Any]:
    """What an invited provider may know of the study: no costs, rates, scores or plans."""
    portfolio = portfolios.load(
        session, workspace_id=rfp.workspace_id, portfolio_id=rfp.portfolio_id
    )
    study = study_of(portfolio, rfp.study_id)
    program = next((p for p in portfolio.programs if p.id == study.program), None)
    return {
        "study_id": study.id,
        "phase": study.phase,
        "therapeutic_area": program.therapeutic_area if program else None,
        "rare_disease": program.rare_disease if program else False,
        "regions": dict(study.regions),
        "sites": study.sites,
        "patients": study.patients,
        "start": study.start.isoformat(),
        "treatment_followup_months": study.treatment_followup_months,
        "functions": [f for f in study.demand if study.effort(f) > 0],
    }


def questionnaire(session: Session, rfp: Rfp) -> list[dict[str, str]]:
    """The catalog's questions that the sponsor's needs call for (all of them when none does)."""
    everything = catalog.load("provider_questions")["questions"]
    try:
        record = portfolios.get_record(
            session, workspace_id=rfp.workspace_id, portfolio_id=rfp.portfolio_id
        )
        # The recommendation of this version is usually made already (and costs a second or
        # more to make): every view of the RFP and the portal shares it.
        asked = set(recommend_stored(session, record=record).result.questions_for_providers)
    except (InvalidInput, ValueError, KeyError):
        asked = set()
    chosen = [q for q in everything if q["text"] in asked] or everything
    return [{"id": str(q["id"]), "text": str(q["text"])} for q in chosen]


def grid_template(provider_id: str, study: dict[str, Any]) -> str:
    """A CSV with the grid's columns and example lines, for the provider to fill in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    function = (study.get("functions") or ["project_management"])[0]
    rows: list[list[Any]] = [
        list(COLUMNS),
        [provider_id, "Project management", function, "fte_month", "20000", "40"],
        [provider_id, "Site activation", "", "per_site", "9000", study["sites"]],
        [provider_id, "screen_failure_rate", "", "assumption", "", "0.2"],
    ]
    # Ids come from the sponsor's portfolio; none may start a formula in the provider's sheet.
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return out.getvalue()


def comparison(session: Session, rfp: Rfp) -> dict[str, Any] | None:
    """The bids compared at the sponsor's quantities (the sponsor's view); None without bids.
    Rejected bids are left out."""
    answers = [a for a in rfps.answers_of(session, rfp_id=rfp.id) if rfps.is_received(a)]
    if not answers:
        return None
    portfolio = portfolios.load(
        session, workspace_id=rfp.workspace_id, portfolio_id=rfp.portfolio_id
    )
    study = study_of(portfolio, rfp.study_id)
    return compare(portfolio, study, [rfps.to_bid(a) for a in answers])


def comparison_fragment(session: Session, rfp: Rfp) -> str | None:
    """The comparison as a report fragment for the RFP page, made once for a portfolio version
    and a set of bids (rendering it took most of the page's time); None without bids."""
    answers = [a for a in rfps.answers_of(session, rfp_id=rfp.id) if rfps.is_received(a)]
    if not answers:
        return None
    record = portfolios.get_record(
        session, workspace_id=rfp.workspace_id, portfolio_id=rfp.portfolio_id
    )
    shown = [rfp.study_id] + [[a.provider_id, a.lines, a.assumptions, a.status] for a in answers]

    def make() -> str:
        result = comparison(session, rfp)
        assert result is not None  # the same received bids as above
        with fragment():
            return bids_html(result)

    return cached(rfp_key(session, record, rfp.id, shown, "rfp.fragment"), make)


def evaluate_bids(session: Session, rfp: Rfp, actor_id: int | None) -> EvaluationRecord:
    """A stored evaluation of the bidders: their portfolio scores plus the normalized cost."""
    result = comparison(session, rfp)
    if result is None or len(result["bids"]) < 2:
        raise InvalidInput.single("rfp", "an evaluation needs bids from at least two providers")
    portfolio = portfolios.load(
        session, workspace_id=rfp.workspace_id, portfolio_id=rfp.portfolio_id
    )
    document = evaluation_from_bids(portfolio, result)
    evaluation = evaluations.document_to_evaluation(document, "evaluation of the bids")
    name = evaluations.free_name(session, workspace_id=rfp.workspace_id, name=f"Bids: {rfp.title}")
    return evaluations.add_evaluation(
        session,
        workspace_id=rfp.workspace_id,
        name=name,
        evaluation=evaluation,
        actor_id=actor_id,
    )
