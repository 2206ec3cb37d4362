"""Pages: the assessment wizard, one step per page, saved as it goes (per user and workspace);
its last step makes the portfolio and shows its recommendation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crosource import catalog
from crosource.domain.taxonomy import FUNCTIONS, LEVELS, PHASES, REGIONS, STAGES, THERAPEUTIC_AREAS
from crosource.io.errors import FileProblem, InvalidInput
from crosource.services.assessment import (
    Draft,
    build_from_draft,
    draft_from_data,
    questions_by_id,
)
from crosource.services.assessment_steps import (
    STEP_KEYS,
    STEPS,
    read_step,
    row_count,
    step_for,
    step_index,
    step_preferences,
)
from crosource.services.assessment_values import values_of
from crosource.store import assessments
from crosource.store.errors import Conflict, Invalid
from crosource.web.deps import DbSession
from crosource.web.errors import ApiError
from crosource.web.pages.common import Csrf, SponsorEditor, SponsorReader, Viewer, flash, render

router = APIRouter(include_in_schema=False)
ACTIONS = ("next", "back", "add", "save")
DERIVED = ("q3_scope", "q5_global", "q6_therapeutic", "q16_concentration")


def _space(viewer: Viewer) -> int:
    assert viewer.workspace is not None
    return viewer.workspace.id


def _state(session: DbSession, viewer: Viewer) -> tuple[Draft, int]:
    """The user's draft and the furthest step reached."""
    stored = assessments.current_draft(session, workspace_id=_space(viewer), user_id=viewer.user.id)
    if stored is None:
        return Draft(), 0
    return draft_from_data(stored.answers), min(max(stored.step, 0), len(STEPS) - 1)


def _page(
    request: Request,
    viewer: Viewer,
    draft: Draft,
    reached: int,
    key: str,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    problems: list[FileProblem] | None = None,
    message: str = "",
    name: str | None = None,
) -> Response:
    index = step_index(key)
    context: dict[str, Any] = {}
    if key == "review":
        context = _review(draft)
    return render(
        request,
        "assess_step.html.j2",
        viewer=viewer,
        status=status,
        title=f"Assessment: {STEPS[index].title}",
        steps=STEPS,
        step=STEPS[index],
        index=index,
        reached=reached,
        values=values,
        errors=errors or {},
        rows=row_count(values),
        draft=draft,
        questions=questions_by_id(),
        preferences=step_preferences(key) if key in ("priorities", "control") else [],
        functions=[(f, catalog.by_id("functions")[f]) for f in FUNCTIONS],
        regions=[(r, catalog.label("regions", r)) for r in REGIONS],
        areas=[(a, catalog.label("therapeutic_areas", a)) for a in THERAPEUTIC_AREAS],
        levels=LEVELS,
        phases=PHASES,
        stages=STAGES,
        problems=problems if problems is not None else context.get("problems", []),
        message=message,
        step_for=step_for,
        name=name if name is not None else (draft.sponsor.name or ""),
        **{k: v for k, v in context.items() if k != "problems"},
    )


def _review(draft: Draft) -> dict[str, Any]:
    """What the review step shows: the estimated work when the answers are complete, or what
    is still missing."""
    try:
        portfolio = build_from_draft(draft)
    except InvalidInput as exc:
        return {"problems": exc.problems, "estimate": None, "derived": _derived()}
    estimate = [(s.id, s.program, sum(s.demand.values())) for s in portfolio.studies]
    return {"problems": [], "estimate": estimate, "derived": _derived()}


def _derived() -> list[dict[str, Any]]:
    questions = questions_by_id()
    return [questions[q] for q in DERIVED if q in questions]


@router.get("/w/{workspace_id}/assess", response_class=HTMLResponse)
def assess_page(
    request: Request,
    viewer: SponsorReader,
    session: DbSession,
    step: Annotated[str | None, Query(max_length=20)] = None,
    add: Annotated[bool, Query()] = False,
) -> Response:
    if not viewer.can_edit:
        return render(request, "assess_viewer.html.j2", viewer=viewer, title="Assessment")
    draft, reached = _state(session, viewer)
    key = step if step in STEP_KEYS and step_index(step) <= reached else STEP_KEYS[reached]
    return _page(request, viewer, draft, reached, key, values=values_of(key, draft, extra_row=add))


@router.post("/w/{workspace_id}/assess", dependencies=[Csrf])
async def assess_save(
    request: Request,
    viewer: SponsorEditor,
    session: DbSession,
    step: Annotated[str, Form(max_length=20)],
    action: Annotated[str, Form(max_length=20)],
) -> Response:
    """Check the posted step; save it and move on when valid, else show it again with the
    messages at its fields (nothing saved)."""
    if step not in STEP_KEYS or not (action in ACTIONS or _removed(action) is not None):
        raise ApiError(422, "invalid_input", "unknown step or action; reload the page")
    draft, reached = _state(session, viewer)
    if step_index(step) > reached:
        raise ApiError(409, "conflict", "answer the earlier steps first; reload the page")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    remove = _removed(action)
    partial = action == "add" or remove is not None
    outcome = read_step(step, form, draft, remove, partial=partial)
    index = step_index(step)
    target = {"next": index + 1, "back": index - 1}.get(action, index)
    target = max(0, min(target, len(STEPS) - 1))
    space = _space(viewer)
    if outcome.draft is None:
        if action == "back":
            flash(
                request,
                f"Your changes to “{STEPS[index].title}” had problems and were not kept.",
                "error",
            )
            return RedirectResponse(f"/w/{space}/assess?step={STEP_KEYS[target]}", status_code=303)
        return _page(
            request,
            viewer,
            draft,
            reached,
            step,
            values=outcome.values,
            errors=outcome.errors,
            status=422,
        )
    assessments.save_draft(
        session,
        workspace_id=space,
        user_id=viewer.user.id,
        answers=outcome.draft.model_dump(mode="json"),
        step=max(reached, target),
    )
    session.commit()
    more = "&add=1" if action == "add" else ""
    return RedirectResponse(f"/w/{space}/assess?step={STEP_KEYS[target]}{more}", status_code=303)


def _removed(action: str) -> int | None:
    prefix, _, number = action.partition(":")
    if prefix == "remove" and number.isdigit() and len(number) <= 4:
        return int(number)
    return None


@router.post("/w/{workspace_id}/assess/finish", dependencies=[Csrf])
def assess_finish(
    request: Request,
    viewer: SponsorEditor,
    session: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Make the portfolio of the answers (audited) and show its recommendation."""
    draft, reached = _state(session, viewer)
    space = _space(viewer)
    try:
        portfolio = build_from_draft(draft)
        record = assessments.finish_draft(
            session,
            workspace_id=space,
            user_id=viewer.user.id,
            answers=draft.model_dump(mode="json"),
            step=len(STEPS) - 1,
            name=name.strip() or portfolio.sponsor.name,
            portfolio=portfolio,
        )
    except (InvalidInput, Conflict, Invalid) as exc:
        session.rollback()
        problems = exc.problems if isinstance(exc, InvalidInput) else []
        message = (
            "Some answers are missing or cannot be used; nothing was created."
            if problems
            else f"{exc}; nothing was created."
        )
        return _page(
            request,
            viewer,
            draft,
            reached,
            "review",
            values=values_of("review", draft),
            status=409 if isinstance(exc, Conflict) else 422,
            problems=problems,
            message=message,
            name=name,
        )
    session.commit()
    flash(
        request,
        f"Created {record.name}. Demand by function was estimated from sites, patients and "
        "duration (an assumption you can edit); add candidate providers to get provider "
        "suggestions.",
    )
    return RedirectResponse(f"/w/{space}/p/{record.id}/recommendation", status_code=303)


@router.post("/w/{workspace_id}/assess/restart", dependencies=[Csrf])
def assess_restart(request: Request, viewer: SponsorEditor, session: DbSession) -> Response:
    """Drop the answers given so far and start again."""
    if assessments.discard_draft(session, workspace_id=_space(viewer), user_id=viewer.user.id):
        session.commit()
        flash(request, "The earlier answers were dropped; the assessment starts afresh.")
    return RedirectResponse(f"/w/{_space(viewer)}/assess", status_code=303)
