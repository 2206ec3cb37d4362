"""The JSON API under /api/v1: one router per resource."""

from crosource.web.routes import (
    audit,
    evaluations,
    jobs,
    members,
    portal,
    portfolios,
    recommend,
    reports,
    rfps,
    session,
)

MODULES = (
    session,
    portfolios,
    recommend,
    jobs,
    reports,
    evaluations,
    rfps,
    portal,
    members,
    audit,
)
