"""The one Jinja2 environment of the HTML reports: package templates, autoescaping, and the
helpers every template may use.

A report is a whole page (`base.html.j2`) for files and PDF, or a fragment inside a page of the
web application: `with fragment():` renders the same templates without the page around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crosource import __version__
from crosource.report import charts, labels

_LAYOUT: ContextVar[str] = ContextVar("report_layout", default="base.html.j2")

environment = Environment(
    loader=PackageLoader("crosource.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates are package files that change only with a new release: checking their mtimes
    # on every render cost a tenth of a page's time.
    auto_reload=False,
)
environment.globals.update(
    label=labels.model,
    short=lambda o: labels.MODEL_SHORT.get(o, o),
    colour=lambda o: labels.MODEL_COLOURS.get(o, "#607d8b"),
    function_label=labels.function,
    version=__version__,
    layout=_LAYOUT.get,
)


@contextmanager
def fragment() -> Iterator[None]:
    """Render reports as fragments (no <html>, header or footer; charts as Vega-Lite specs for
    the page to draw) within this block."""
    token = _LAYOUT.set("fragment.html.j2")
    embed = charts.EMBED.set(True)
    try:
        yield
    finally:
        charts.EMBED.reset(embed)
        _LAYOUT.reset(token)
