"""Static assets served by the application itself (it must work offline: no CDN).

htmx is a pinned copy in static/. vega-embed with Vega and Vega-Lite comes from vl-convert's
bundle (the version pinned in requirements.lock), built once per process and cached by browsers.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")
CACHE = "public, max-age=86400"
router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return bundle


@router.get("/static/vega-bundle.js")
def vega_script() -> Response:
    return Response(vega_bundle(), media_type="text/javascript", headers={"Cache-Control": CACHE})


def install_static(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Built in the background at start-up, so that the first chart page does not wait for it.
    threading.Thread(target=vega_bundle, name="vega-bundle", daemon=True).start()
