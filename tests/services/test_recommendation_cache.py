"""The recommendation of a stored portfolio is computed once per version."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from crosource.engine.recommend.engine import recommend
from crosource.io.portfolio_io import load_portfolio
from crosource.services import recommendation

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "emerging-biotech.yaml"


def test_repeat_views_reuse_the_result_and_a_new_version_recomputes() -> None:
    portfolio = load_portfolio(EXAMPLE)
    document = portfolio.to_data()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    first = recommendation.recommend_stored(
        portfolio_id=900_001, version=1, updated_at=at, document=document
    )
    again = recommendation.recommend_stored(
        portfolio_id=900_001, version=1, updated_at=at, document=document
    )
    assert again is first
    assert first.to_json() == recommend(portfolio).to_json()
    assert first.fragment_html() is first.fragment_html()
    assert "<html" not in first.fragment_html()
    document["sponsor"]["preferences"]["control"] = "high"
    newer = recommendation.recommend_stored(
        portfolio_id=900_001, version=2, updated_at=at, document=document
    )
    assert newer is not first
    assert newer.portfolio.sponsor.preferences.control == "high"
    recommendation.forget(900_001)
    fresh = recommendation.recommend_stored(
        portfolio_id=900_001, version=2, updated_at=at, document=document
    )
    assert fresh is not newer


def test_the_cache_stays_small() -> None:
    document = load_portfolio(EXAMPLE).to_data()
    for n in range(recommendation.CACHE_SIZE + 3):
        recommendation.recommend_stored(
            portfolio_id=910_000 + n, version=1, updated_at=None, document=document
        )
    assert recommendation.cached_count() <= recommendation.CACHE_SIZE


def test_views_arriving_together_compute_once() -> None:
    document = load_portfolio(EXAMPLE).to_data()
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(
            pool.map(
                lambda _: recommendation.recommend_stored(
                    portfolio_id=920_000, version=1, updated_at=None, document=document
                ),
                range(4),
            )
        )
    assert all(m is made[0] for m in made)
