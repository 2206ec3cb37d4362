"""The one Jinja2 environment of the HTML reports: package templates, autoescaping, and the
helpers every template may use."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crosource import __version__
from crosource.report import labels

environment = Environment(
    loader=PackageLoader("crosource.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals.update(
    label=labels.model,
    short=lambda o: labels.MODEL_SHORT.get(o, o),
    colour=lambda o: labels.MODEL_COLOURS.get(o, "#607d8b"),
    function_label=labels.function,
    version=__version__,
)
