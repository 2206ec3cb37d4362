"""Security headers on every response, and the API's documentation served from this site.

The pages load scripts, styles and images only from this site (no CDN: the application works
offline), so the Content-Security-Policy can refuse everything else, and inline scripts and
`eval` with it: an injected `<script>` or `onclick=` would not run. Behaviour the templates once
had inline lives in static/app.js; Vega's expressions are interpreted (`ast: true`), not compiled.
Inline styles stay allowed: the pages' `style=` attributes, the standalone reports' `<style>`
and the styles htmx and vega-embed insert; a style cannot run code.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crosource import __version__

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
SWAGGER = "5.35.0"  # swagger-ui-dist from npm, copied into static/ (files named by version)


class SecurityHeaders:
    """Adds HEADERS to every HTTP response that does not set them itself. Plain ASGI (not
    BaseHTTPMiddleware), so streamed responses pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI) -> None:
    """Wrap the whole middleware stack, outside even Starlette's error middleware, so that the
    page of an unexpected error (500) has the headers too; add_middleware would sit inside it."""
    build = app.build_middleware_stack

    def wrapped() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = wrapped  # type: ignore[method-assign]
    app.include_router(docs_router)


docs_router = APIRouter(include_in_schema=False)

DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crosource {__version__}: the JSON API</title>
<link rel="stylesheet" href="/static/swagger-ui-{SWAGGER}.css">
<link rel="icon" type="image/png" href="/static/swagger-favicon-{SWAGGER}.png">
<script src="/static/swagger-ui-bundle-{SWAGGER}.js" defer></script>
<script src="/static/swagger-init.js" defer></script>
</head>
<body>
<div id="swagger-ui"></div>
</body>
</html>
"""


@docs_router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Swagger UI, from this site's own copy: FastAPI's page loads it from a CDN and starts it
    with an inline script, neither of which the policy allows."""
    return HTMLResponse(DOCS_PAGE)
