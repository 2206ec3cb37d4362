"""The recommendation of a stored portfolio, remembered per portfolio version.

Recommending the large example takes more than a second and its report is a megabyte of HTML;
both depend only on the stored document, so a small in-process LRU keyed by the portfolio's
identity and version answers repeat views at once. The key also holds the time of the last
change, so that a deleted portfolio's id reused by a new one (SQLite does reuse them) never
finds the old result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crosource.domain.portfolio import Portfolio
from crosource.engine.recommend.engine import recommend
from crosource.engine.recommend.result import Recommendation
from crosource.report.html import recommendation_html
from crosource.report.templating import fragment
from crosource.store.portfolios import document_to_portfolio

CACHE_SIZE = 16  # assumption: a handful of portfolios viewed at a time; ~1 MB of HTML each


@dataclass(frozen=True)
class Recommended:
    portfolio: Portfolio
    result: Recommendation
    _html: list[str]  # the report fragment once rendered (one element), shared by repeat views

    def fragment_html(self) -> str:
        """The report as a fragment for a page (interactive charts), rendered once."""
        if not self._html:
            with fragment():
                self._html.append(recommendation_html(self.portfolio, self.result))
        return self._html[0]

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()


Key = tuple[int, int, str]
_cache: OrderedDict[Key, Recommended] = OrderedDict()
_computing: dict[Key, threading.Lock] = {}
_lock = threading.Lock()


def _key(portfolio_id: int, version: int, updated_at: datetime | None) -> Key:
    return (portfolio_id, version, updated_at.isoformat() if updated_at else "")


def recommend_stored(
    *,
    portfolio_id: int,
    version: int,
    updated_at: datetime | None,
    document: dict[str, Any],
) -> Recommended:
    """The recommendation of a stored portfolio's document, computed once per version."""
    key = _key(portfolio_id, version, updated_at)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        # Views arriving together for a version not yet computed wait for one computation
        # instead of each running the engine.
        gate = _computing.setdefault(key, threading.Lock())
    with gate:
        with _lock:
            found = _cache.get(key)
        if found is not None:
            return found
        try:
            portfolio = document_to_portfolio(document, f"portfolio {portfolio_id}")
            made = Recommended(portfolio, recommend(portfolio), [])
            with _lock:
                _cache[key] = made
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(key, None)
    return made


def forget(portfolio_id: int) -> None:
    """Drop every remembered version of a portfolio (after it was deleted)."""
    with _lock:
        for key in [k for k in _cache if k[0] == portfolio_id]:
            del _cache[key]


def cached_count() -> int:
    with _lock:
        return len(_cache)
