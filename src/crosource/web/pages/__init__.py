"""Server-rendered pages (Jinja2 + HTMX): one module per part of the workflow."""

from crosource.web.pages import (
    analyses,
    assess,
    auth,
    evaluations,
    home,
    portal,
    portfolio,
    portfolios,
    recommendation,
    reports,
    rfps,
    workspace,
)

MODULES = (
    auth,
    home,
    workspace,
    portfolios,
    portfolio,
    recommendation,
    assess,
    analyses,
    reports,
    evaluations,
    rfps,
    portal,
)
