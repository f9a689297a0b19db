"""The API's documentation page, /docs (Swagger UI), working offline under the pages' CSP.

FastAPI's own pages load Swagger UI and Redoc from a CDN and start them with an inline script, both of
which `script-src 'self'` refuses (the README promises /docs; it was blank). Here the files come from
the `fastapi-offline` distribution, served by name under /docs-assets/, and Swagger UI is started by
api/static/docs-init.js, which reads the OpenAPI address from the page. There is no /redoc: Redoc's
pages always load the Redocly logo from its CDN.
"""

from __future__ import annotations

from html import escape
from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response

from graph.errors import NotFound

ASSETS = resources.files("fastapi_offline").joinpath("static")
MEDIA = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
ASSET_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}
"""Served by name: nothing from the request reaches the file system."""


def docs_asset(name: str) -> Response:
    if name not in ASSET_FILES:
        raise NotFound(f"no documentation file «{name}»")
    media = MEDIA[name[name.rindex(".") :]]
    return Response(
        ASSETS.joinpath(name).read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=86400"}
    )


def install_docs(app: FastAPI) -> None:
    """/docs over the app's OpenAPI, with files served by the app itself."""
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(app.title)} — documentation</title>
<link rel="icon" type="image/png" href="/docs-assets/favicon.png">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{escape(app.openapi_url or "/openapi.json")}"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>"""
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/docs-assets/{name}", docs_asset, methods=["GET"])
    router.add_api_route("/docs", lambda: HTMLResponse(page), methods=["GET"])
    app.include_router(router)
