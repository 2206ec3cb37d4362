"""Reports of stored analyses and portfolios: HTML (a page or a fragment), PDF and Excel.

Everything here renders results that are already stored; nothing computes a cost except the
recommendation, which is cheap and always reflects the portfolio as it is now. PDFs take seconds
to print, so they are kept in a small in-process cache keyed by what they show.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from crosource.domain.portfolio import Portfolio
from crosource.report.templating import fragment
from crosource.services.recommendation import Recommended
from crosource.services.runs import has_result
from crosource.store.errors import Conflict
from crosource.store.tables import Job

# Assumption: a few reports per portfolio in use at once; a PDF is ~1 MB, a fragment less.
REPORT_CACHE_SIZE = 32
T = TypeVar("T")


def _check_reportable(job: Job) -> dict[str, Any]:
    if job.state in ("queued", "running"):
        raise Conflict(f"run {job.id} has not finished yet; its report is ready when it is done")
    if job.state == "failed":
        raise Conflict(f"run {job.id} failed, so it has no report: {job.error or 'no reason'}")
    if not has_result(job) or job.result is None:
        raise Conflict(f"run {job.id} finished without a result to report")
    return job.result


def job_html(job: Job, portfolio: Portfolio) -> str:
    """The whole standalone page of a finished run (static SVG charts), as downloaded."""
    from crosource.report.costing_html import costing_html
    from crosource.report.optimize_html import optimize_html

    result = _check_reportable(job)
    if job.kind == "optimize":
        return optimize_html(portfolio, result)
    return costing_html("simulate", portfolio, result)


def job_fragment(cache: ReportCache, job: Job, portfolio: Portfolio, version: int) -> str:
    """The same report inside a page of the application, with interactive charts; rendered
    once per run and portfolio version (a large run's report takes a few hundred ms)."""

    def render() -> str:
        with fragment():
            return job_html(job, portfolio)

    _check_reportable(job)
    return cache.get(("fragment", job.id, version), render)


def recommendation_html(recommended: Recommended) -> str:
    """The standalone recommendation report of a stored portfolio's (cached) recommendation."""
    from crosource.report.html import recommendation_html as render

    return render(recommended.portfolio, recommended.result)


def job_workbook(job: Job, portfolio: Portfolio, title: str) -> bytes:
    from crosource.report.excel import optimize_workbook, simulation_workbook

    result = _check_reportable(job)
    if job.kind == "optimize":
        return optimize_workbook(title, result, portfolio.currency)
    return simulation_workbook(title, result, portfolio.currency)


class ReportCache:
    """The last few reports rendered (PDFs, and run fragments for the pages), by what they show
    (a run and the portfolio version it names, or a portfolio version): a finished run never
    changes, so rendering the same report twice is never needed."""

    def __init__(self, size: int = REPORT_CACHE_SIZE) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                found: T = self.items[key]
                return found
        made = make()  # outside the lock: printing takes seconds and other reports may wait
        with self.lock:
            self.items[key] = made
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return made


def job_pdf(cache: ReportCache, job: Job, portfolio: Portfolio, version: int) -> bytes:
    from crosource.report.pdf import html_to_pdf

    _check_reportable(job)
    return cache.get(("job", job.id, version), lambda: html_to_pdf(job_html(job, portfolio)))


def recommendation_pdf(
    cache: ReportCache, recommended: Recommended, portfolio_id: int, version: int
) -> bytes:
    from crosource.report.pdf import html_to_pdf

    key = ("recommendation", portfolio_id, version)
    return cache.get(key, lambda: html_to_pdf(recommendation_html(recommended)))


_CACHE_LOCK = threading.Lock()


def cache_of(state: Any) -> ReportCache:
    """The PDF cache of one application (its `app.state`), made on first use: each application
    has its own, so two databases served by one process never share a report."""
    with _CACHE_LOCK:
        cache = getattr(state, "pdf_cache", None)
        if not isinstance(cache, ReportCache):
            cache = ReportCache()
            state.pdf_cache = cache
        return cache
