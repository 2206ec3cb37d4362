"""Dates of a study's end, and the calendar years a provider is active, from month counts."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crosource.engine.costing.params import DAYS_PER_MONTH

FIRST_YEAR, LAST_YEAR = 1900, 2300
_JAN1 = np.array(
    [dt.date(y, 1, 1).toordinal() for y in range(FIRST_YEAR, LAST_YEAR + 1)], dtype=float
)


def end_ordinal(start_ordinal: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The day a study ends: its start plus its duration at 365.25/12 days a month."""
    return start_ordinal + months * DAYS_PER_MONTH


def year_of(ordinal: np.ndarray) -> np.ndarray:
    """Calendar year of (fractional) day ordinals, vectorised."""
    clipped = np.clip(ordinal, _JAN1[0], _JAN1[-1] - 1)
    # An estimate from the mean year length, corrected by at most one year either way.
    index = np.floor((clipped - _JAN1[0]) / 365.2425).astype(np.int64)
    index = np.clip(index, 0, len(_JAN1) - 2)
    index -= clipped < _JAN1[index]
    index += clipped >= _JAN1[np.minimum(index + 1, len(_JAN1) - 1)]
    years: np.ndarray = FIRST_YEAR + index
    return years


def date_of(ordinal: float) -> dt.date:
    return dt.date.fromordinal(int(np.floor(min(max(ordinal, _JAN1[0]), _JAN1[-1]))))


def active_years(start_year: np.ndarray, end_year: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Calendar years in which a provider has at least one active study.

    start_year: [studies]; end_year: [..., studies]; mask: [providers, studies] (the provider's
    studies). Returns [..., providers]: the count of distinct years covered by the union of its
    studies' [start year, end year] spans. A year y is covered when, among the studies started
    by y, the latest end is y or later: a running maximum over studies sorted by start year.
    """
    lead = end_year.shape[:-1]
    out = np.zeros((*lead, mask.shape[0]))
    if not mask.size or not mask.any():
        return out
    # Years as small offsets from the first start: the running maxima then move few bytes.
    base = int(start_year.min())
    offset = np.clip(end_year - base, -1, 127).astype(np.int8)
    for p in range(mask.shape[0]):
        mine = np.flatnonzero(mask[p])
        if not mine.size:
            continue
        order = mine[np.argsort(start_year[mine], kind="stable")]
        starts = start_year[order] - base
        latest = np.maximum.accumulate(offset[..., order], axis=-1)
        years = np.arange(starts[0], int(latest.max()) + 1)
        started = np.searchsorted(starts, years, side="right") - 1  # last study started by y
        out[..., p] = np.count_nonzero(latest[..., started] >= years.astype(np.int8), axis=-1)
    return out
