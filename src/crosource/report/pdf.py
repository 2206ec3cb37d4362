"""PDF reports: the standalone HTML report printed by WeasyPrint, with a stylesheet for paper.

The HTML reports are written for screens (wide tables, a coloured header band); the print
stylesheet below fits them to A4 landscape, keeps table rows and charts whole across pages and
repeats table headers, so that a board pack reads like a document rather than a screenshot.
"""

from __future__ import annotations

import re

PRINT_CSS = """
@page {
  size: A4 landscape;
  margin: 14mm 12mm 16mm;
  @bottom-left { content: string(title); font: 8pt sans-serif; color: #616e7c; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt sans-serif;
                  color: #616e7c; }
}
html, body { background: white; }
body { font-size: 9.5pt; line-height: 1.4; }
header { padding: 10mm 8mm 6mm; margin: 0 0 4mm; }
header h1 { string-set: title content(); font-size: 18pt; }
main { padding: 0; max-width: none; }
h2 { font-size: 13pt; margin: 6mm 0 3mm; break-after: avoid; }
h3 { break-after: avoid; }
.card { box-shadow: none; padding: 4mm 5mm; margin-bottom: 4mm; }
.tiles, .grid { display: block; }
.tiles::after, .grid::after { content: ""; display: block; clear: both; }
.tile { float: left; width: 23.5%; margin: 0 1.8% 3mm 0; break-inside: avoid; padding: 3mm 4mm; }
.grid > .card { float: left; width: 48.5%; margin-right: 1.5%; break-inside: avoid; }
.tile-value { font-size: 16pt; }
.grid > .card { break-inside: avoid; }
figure.chart { break-inside: avoid; }
.chart-svg, .scroll { overflow: visible; }
.chart-svg svg { max-width: 100%; height: auto; }
table { font-size: 8pt; width: 100%; }
td, th { overflow-wrap: break-word; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; }
th, td { padding: 3px 5px; }
td.cell { white-space: normal; }
table.grid th, table.grid td { font-size: 6.5pt; padding: 2px 3px; }
details > summary { display: none; }
details { display: block; }
a { color: inherit; text-decoration: none; }
footer { margin-top: 6mm; }
"""
_SVG_SIZE = re.compile(
    r'<svg style="[^"]*"([^>]*?) width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"'
)
# At most this wide and tall (96 px per inch): within a card on an A4 landscape page.
CHART_WIDTH_PX, CHART_HEIGHT_PX = 860.0, 520.0


def _scalable(found: re.Match[str]) -> str:
    # A chart drawn for a wide screen shrinks to the page with its proportions; WeasyPrint does
    # not derive a height from the viewBox, so both are set.
    width, height = float(found.group(2)), float(found.group(3))
    scale = min(1.0, CHART_WIDTH_PX / width, CHART_HEIGHT_PX / height)
    size = f"width:{width * scale:.0f}px;height:{height * scale:.0f}px"
    return f'<svg style="{size}"{found.group(1)}'


def html_to_pdf(html: str) -> bytes:
    """The PDF of a standalone HTML report (no external resources are fetched)."""
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    # After the report's own styles, so that the print rules win over them.
    html = _SVG_SIZE.sub(_scalable, html).replace(
        "</head>", f"<style>{PRINT_CSS}</style></head>", 1
    )

    # Reports are self-contained: only inline data may load, nothing from a network or a file.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"]))
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
