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
    clipped = np.clip(ordinal, _JAN1[0], _JAN1[-1])
    years: np.ndarray = FIRST_YEAR + np.searchsorted(_JAN1, clipped, side="right") - 1
    return years


def date_of(ordinal: float) -> dt.date:
    return dt.date.fromordinal(int(np.floor(min(max(ordinal, _JAN1[0]), _JAN1[-1]))))


def active_years(start_year: np.ndarray, end_year: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Calendar years in which a provider has at least one active study.

    start_year: [studies]; end_year: [..., studies]; mask: [providers, studies] (the provider's
    studies). Returns [..., providers]: the count of distinct years covered by the union of its
    studies' [start year, end year] spans.
    """
    lead = end_year.shape[:-1]
    out = np.zeros((*lead, mask.shape[0]))
    if not mask.size:
        return out
    lo = int(start_year.min())
    hi = int(np.max(end_year)) if end_year.size else lo
    for p in range(mask.shape[0]):
        mine = mask[p]
        if not mine.any():
            continue
        starts, ends = start_year[mine], end_year[..., mine]
        for year in range(lo, hi + 1):
            out[..., p] += np.any((starts <= year) & (ends >= year), axis=-1)
    return out
