"""docs/rules.md and docs/assumptions.md, written from the catalog so that the pages and the
data never disagree.

Regenerate with `python -m crosource.report.docs_gen docs`; a test fails when a committed page
differs from what the catalog gives.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from crosource import catalog
from crosource.engine.recommend.rules import rule_sets

INTRO = """# Recommendation rules

crosource recommends by adding up the weights of the rules that hold for a program or a (study,
function); the option with the highest score is chosen. Rules are data, in
`src/crosource/catalog/rules/*.yaml`: each has a permanent id, the option it supports, a weight,
a condition over the facts of the profile (listed at the end of this page), a reason template and
its basis in the guidance on outsourcing models. This page is generated from those files
(`python -m crosource.report.docs_gen docs`).

How a decision is made:

1. The facts of the profile are computed from the portfolio (see "Facts" below).
2. Every rule whose condition holds adds its weight to the option it supports.
3. Options that cannot be delivered are set aside (see "Availability, ties and providers").
4. The available option with the highest score is chosen; a tie is broken by the decision's
   documented order, and the tie is reported.
5. Counterfactuals: each input of the questionnaire (oversight staff, every preference, internal
   staff and maturity by function, the rare-disease flag) is changed alone, the nearest value
   first, and the smallest change that changes the choice is reported. Numbers are searched on a
   grid and the boundary is found by bisection, then rounded to two significant figures.

Conditions read `{field, op, value}` with the operators eq, ne, lt, le, gt, ge, in and not_in,
combined with all, any and not. Levels compare in the order low < medium < high.
"""

TITLES = {
    "relationship": "Relationship per program (strategic or tactical)",
    "program_model": "Delivery model per program (fso, fsp or hybrid)",
    "boutique_flag": "Boutique flag per program",
    "function_model": "Delivery model per (study, function) (in_house, fso, fsp or boutique)",
}


def condition_text(condition: Any) -> str:
    if "all" in condition:
        return " and ".join(condition_text(c) for c in condition["all"])
    if "any" in condition:
        return "(" + " or ".join(condition_text(c) for c in condition["any"]) + ")"
    if "not" in condition:
        return f"not ({condition_text(condition['not'])})"
    symbols = {
        "eq": "=",
        "ne": "≠",
        "lt": "<",
        "le": "≤",
        "gt": ">",
        "ge": "≥",
        "in": "in",
        "not_in": "not in",
    }
    value = condition["value"]
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f"`{condition['field']}` {symbols[condition['op']]} {shown}"


def render_rules() -> str:
    lines = [INTRO]
    for name, rules in rule_sets().items():
        lines.append(f"\n## {TITLES[name]}\n")
        if rules.threshold is not None:
            lines.append(
                f"The flag is raised when the weights reach {rules.threshold:g} and a "
                "boutique with expertise 3 or more in the area is a candidate.\n"
            )
        else:
            lines.append(
                f"Options: {', '.join(rules.options)}. Ties: {' > '.join(rules.tie_order)}.\n"
            )
        lines.append("| id | supports | weight | when | basis |")
        lines.append("| --- | --- | --- | --- | --- |")
        for rule in rules.rules:
            lines.append(
                f"| `{rule.id}` | {rule.supports} | {rule.weight:g} | "
                f"{condition_text(rule.when)} | {rule.basis} |"
            )
    lines.append("\n## Availability, ties and providers\n")
    lines.append(
        "These rules are applied by the engine itself and cited in reasons like the scored rules.\n"
    )
    lines.append("| id | what it says | basis |")
    lines.append("| --- | --- | --- |")
    for rule in catalog.load("rules/constraints")["rules"]:
        lines.append(f"| `{rule['id']}` | {rule['text']} | {rule['basis']} |")
    lines.append("\n## Questions for providers\n")
    lines.append("Asked when the condition holds for the sponsor or any of its programs.\n")
    lines.append("| id | when | question |")
    lines.append("| --- | --- | --- |")
    for question in catalog.load("provider_questions")["questions"]:
        lines.append(
            f"| `{question['id']}` | {condition_text(question['when'])} | {question['text']} |"
        )
    lines.append("\n## Facts\n")
    lines.append(
        "The facts rules read, computed by `engine/recommend/profile.py` and described "
        "in `catalog/features.yaml`.\n"
    )
    lines.append("| fact | type | meaning |")
    lines.append("| --- | --- | --- |")
    for feature in catalog.entries("features"):
        lines.append(f"| `{feature['id']}` | {feature['type']} | {feature['description']} |")
    return "\n".join(lines) + "\n"


ASSUMPTIONS_INTRO = """# Assumptions and their sources

Every default parameter crosource uses, with its unit, meaning and source. A source that reads
"assumption" marks a stated assumption for the sponsor to set: the figure is a reasonable default,
not a published one. This page is generated from `src/crosource/catalog/assumptions.yaml` and
`demand_estimates.yaml` (`python -m crosource.report.docs_gen docs`).

## Cost model

A portfolio's `assumptions:` section overrides any of these by id (per-phase and per-model values
as maps: `amendment_rate: {"2": 1.2}` changes phase 2 only). The recommendation uses the duration
assumptions (start-up, activation window, non-enrolling sites, close-out), the FSP oversight share
and the value of time; the rest serve the cost model.
"""

RECOMMENDATION_ASSUMPTIONS = """
## Recommendation thresholds and defaults

These are assumptions of the recommendation engine (set in `engine/recommend/profile.py` and the
portfolio model), chosen to reflect the guidance's wording; each is stated here so that it can be
challenged.

| what | value | source |
| --- | --- | --- |
| A function counts as a strength of the sponsor | staff > 0 and maturity ≥ 3 | assumption |
| Demand fluctuation levels (coefficient of variation of monthly FTE) | low < 0.25 ≤ medium < 0.6 ≤ high | assumption |
| Time pressure levels (value of a day) | low < 50,000 USD ≤ medium < 150,000 USD ≤ high | assumption; the value of a day follows the cost model (Tufts CSDD, BIO) |
| Boutique expertise | therapeutic-area expertise ≥ 3 (rare-disease expertise counts for a rare-disease program) | assumption |
| Oversight need under FSP | FSP oversight share × peak external FTE, summed over functions | cost-model.md, component 2 |
| Preferences not given | medium (booleans: false) | assumption: neutral |
| `internal_cost_per_fte_month` not given | 18,000 USD | assumption (the example of portfolio.md) |
| Preclinical studies | timed like phase 1 | assumption |
| Staffing of a study | its effort spread evenly over its expected duration | assumption |
"""


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(
            f"{k}: {v:g}" if isinstance(v, int | float) else f"{k}: {v}" for k, v in value.items()
        )
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def render_assumptions() -> str:
    data = catalog.load("assumptions")
    sources: dict[str, str] = data["sources"]
    lines = [ASSUMPTIONS_INTRO]
    lines.append("| id | default | unit | meaning | source |")
    lines.append("| --- | --- | --- | --- | --- |")
    for item in data["assumptions"]:
        source = str(item["source"])
        for key, text in sources.items():
            source = source.replace(key, text.rstrip("."))
        lines.append(
            f"| `{item['id']}` | {_value(item['default'])} | {item['unit']} | "
            f"{item['meaning']} | {source} |"
        )
    lines.append(RECOMMENDATION_ASSUMPTIONS)
    estimates = catalog.load("demand_estimates")
    lines.append("## Demand estimates of `crosource assess`\n")
    lines.append(
        "When the questionnaire creates a portfolio, each study's effort by function is "
        "estimated as per_site × sites + per_patient × patients + per_month × expected "
        f"duration (source: {estimates['source']}; replace with your own figures).\n"
    )
    lines.append("| function | per site | per patient | per month |")
    lines.append("| --- | --- | --- | --- |")
    for function, k in estimates["functions"].items():
        lines.append(
            f"| {function} | {k['per_site']:g} | {k['per_patient']:g} | {k['per_month']:g} |"
        )
    return "\n".join(lines) + "\n"


PAGES = {"rules.md": render_rules, "assumptions.md": render_assumptions}


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for name, render in PAGES.items():
        (folder / name).write_text(render(), encoding="utf-8")
        print(f"Wrote {folder / name}")
