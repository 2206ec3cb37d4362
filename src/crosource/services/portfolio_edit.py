"""Changing a stored portfolio from the pages: an uploaded file, a study's or the sponsor's main
fields, or the whole document as YAML text. Each change goes through the store's full
validation and version check, and an invalid one raises with every problem and changes nothing.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crosource.domain.taxonomy import LEVELS, PHASES, REGIONS, STAGES
from crosource.domain.validation import validate_portfolio
from crosource.io import yaml_io
from crosource.io.errors import FileProblem, InvalidInput
from crosource.io.portfolio_io import EXCEL_SUFFIXES, YAML_SUFFIXES
from crosource.services.assessment import (
    MAX_PATIENTS,
    MAX_SITES_PER_REGION,
    choice,
    date,
    number,
    preference_questions,
    text,
)
from crosource.store import portfolios
from crosource.store.tables import PortfolioRecord

Form = Mapping[str, str]
STUDY_FIELDS = (
    "phase",
    "start",
    "patients",
    "enrollment_rate",
    "treatment_followup_months",
    "complexity",
)
STUDY_FLAGS = ("adaptive_design", "pivotal", "feasibility_only")


class TooLarge(Exception):
    """An upload over the size limit (the page answers 413)."""


def import_upload(
    session: Session,
    *,
    workspace_id: int,
    filename: str,
    content: bytes,
    name: str | None,
    actor_id: int | None,
) -> PortfolioRecord:
    """Import an uploaded portfolio file; its problems name the file as the user called it."""
    shown = Path(filename or "upload").name[:120] or "upload"
    suffix = Path(shown).suffix.lower()
    if suffix not in YAML_SUFFIXES | EXCEL_SUFFIXES:
        raise InvalidInput.single(
            shown, "is not a portfolio file; expected a .yaml, .yml, .json or .xlsx file"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return portfolios.import_portfolio_file(
                session, workspace_id=workspace_id, file=path, name=name, actor_id=actor_id
            )
        except InvalidInput as exc:
            raise InvalidInput(
                [FileProblem(shown, p.where, p.message) for p in exc.problems]
            ) from None


def _parse(form: Form, name: str, parse: Any, problems: list[FileProblem], label: str) -> Any:
    try:
        return parse(form.get(name, "").strip())
    except ValueError as exc:
        problems.append(FileProblem("form", label, str(exc)))
        return None


def edit_sponsor(document: dict[str, Any], form: Form) -> dict[str, Any]:
    """The document with the sponsor's main fields as posted; InvalidInput at each bad field."""
    problems: list[FileProblem] = []
    changed = copy.deepcopy(document)
    sponsor = changed.setdefault("sponsor", {})
    sponsor["name"] = _parse(form, "name", text, problems, "sponsor name")
    sponsor["stage"] = _parse(form, "stage", choice(STAGES), problems, "stage")
    sponsor["oversight_fte"] = _parse(
        form, "oversight_fte", number(), problems, "oversight staff (FTE)"
    )
    sponsor["internal_cost_per_fte_month"] = _parse(
        form, "internal_cost_per_fte_month", number(1), problems, "internal cost per FTE-month"
    )
    preferences = dict(sponsor.get("preferences") or {})
    for name, question in preference_questions():
        if question["kind"] == "bool":
            preferences[name] = form.get(name, "") == "yes"
        else:
            preferences[name] = _parse(form, name, choice(LEVELS), problems, name)
    sponsor["preferences"] = preferences
    if problems:
        raise InvalidInput(problems)
    return changed


def edit_study(document: dict[str, Any], study_id: str, form: Form) -> dict[str, Any]:
    """The document with one study's main fields as posted; InvalidInput at each bad field."""
    changed = copy.deepcopy(document)
    studies = changed.get("studies") or []
    found = [s for s in studies if isinstance(s, dict) and s.get("id") == study_id]
    if not found:
        raise InvalidInput.single("form", f"the portfolio has no study {study_id!r}", "study")
    study = found[0]
    problems: list[FileProblem] = []
    parsers: dict[str, Any] = {
        "phase": choice(PHASES),
        "start": date,
        "patients": number(1, whole=True, maximum=MAX_PATIENTS),
        "enrollment_rate": number(0.001),
        "treatment_followup_months": number(),
        "complexity": choice(LEVELS),
    }
    labels = {
        "enrollment_rate": "patients per site per month",
        "treatment_followup_months": "treatment and follow-up (months)",
    }
    for name, parse in parsers.items():
        study[name] = _parse(form, name, parse, problems, labels.get(name, name))
    if study["patients"] is not None:
        study["patients"] = int(study["patients"])
    regions: dict[str, int] = {}
    for region in REGIONS:
        sites = _parse(form, f"sites.{region}", _optional_sites, problems, f"sites in {region}")
        if sites:
            regions[region] = sites
    if not regions and not any(p.where.startswith("sites in") for p in problems):
        problems.append(FileProblem("form", "sites", "enter the sites of at least one region"))
    study["regions"] = regions
    for flag in STUDY_FLAGS:
        study[flag] = form.get(flag, "") == "yes"
    if problems:
        raise InvalidInput(problems)
    return changed


def _optional_sites(value: str) -> int:
    return int(number(0, whole=True, maximum=MAX_SITES_PER_REGION)(value)) if value else 0


def yaml_document(source: str, limit: int) -> dict[str, Any]:
    """The document written as YAML text; InvalidInput with each problem at its line."""
    name = "YAML"
    if len(source.encode("utf-8")) > limit:
        raise InvalidInput.single(name, f"is larger than {limit:,} bytes")
    if "\x00" in source:
        raise InvalidInput.single(name, "cannot hold NUL characters")
    data, locate = yaml_io.parse_yaml(source, name)
    portfolio, problems = validate_portfolio(data)
    if portfolio is None:
        raise InvalidInput([FileProblem(name, locate(p.path), p.message) for p in problems])
    return portfolio.to_data()


def document_yaml(document: dict[str, Any]) -> str:
    return yaml_io.dump_yaml(document)


def save(
    session: Session,
    *,
    record: PortfolioRecord,
    document: dict[str, Any],
    version: int,
    actor_id: int,
) -> PortfolioRecord:
    """Replace the document (full validation; Conflict when the version is stale)."""
    return portfolios.replace_document(
        session,
        workspace_id=record.workspace_id,
        portfolio_id=record.id,
        document=document,
        expected_version=version,
        actor_id=actor_id,
    )
