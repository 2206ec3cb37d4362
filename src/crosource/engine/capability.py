"""Which providers can deliver a (study, function) under a model, and at what rate."""

from __future__ import annotations

from crosource.domain.portfolio import Portfolio, Provider, Study
from crosource.domain.taxonomy import SITE_FACING_FUNCTIONS


def weighted_rate(provider: Provider, study: Study, function: str) -> float | None:
    """The provider's rate for the function, weighted by the study's share of sites per region."""
    sites = study.sites
    regions = {r: n for r, n in study.regions.items() if n > 0} or dict(study.regions)
    total = sites if sites > 0 else len(regions)
    value = 0.0
    for region, count in regions.items():
        rate = provider.rate(function, region)
        if rate is None:
            return None
        value += rate * ((count if sites > 0 else 1) / total)
    return value


def offers_model(provider: Provider, model: str) -> bool:
    """A boutique-kind provider offers the boutique model whatever its `models` list says: the
    boutique model is engaging a specialist for its niche, full-service or functional."""
    return model in provider.models or (model == "boutique" and provider.kind == "boutique")


def can_deliver(provider: Provider, study: Study, function: str, model: str) -> bool:
    if not offers_model(provider, model) or function not in provider.functions:
        return False
    if function in SITE_FACING_FUNCTIONS:
        needed = {r for r, n in study.regions.items() if n > 0}
        return needed <= set(provider.regions)
    return True


def capable(portfolio: Portfolio, study: Study, function: str, model: str) -> list[Provider]:
    """Providers able to deliver, cheapest first; unpriced ones last; ties by expertise, id."""
    area = portfolio.program(study.program).therapeutic_area

    def key(provider: Provider) -> tuple[float, float, float, str]:
        rate = weighted_rate(provider, study, function)
        expertise = float(provider.therapeutic_areas.get(area, 0))
        quality = float(provider.scores.get("quality", 2))
        return (rate if rate is not None else float("inf"), -expertise, -quality, provider.id)

    found = [p for p in portfolio.providers if can_deliver(p, study, function, model)]
    return sorted(found, key=key)
