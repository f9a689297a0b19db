"""What every page shares: the page language, rendering with the catalogue, the static files."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from api.http.auth import CALLER, PUBLIC, HttpCaller, csrf_token
from api.i18n import LANG_NAMES, banner_texts, t
from api.reasons import day_month, readable_date
from api.settings import Settings
from graph.errors import InvalidInput, NotFound, Stale
from graph.referral import LANGUAGES

LANG_COOKIE = "relais_lang"
templates = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(), auto_reload=False)


def page_language(request: Request) -> str:
    """French unless the person chose another language (the switch sets a cookie)."""
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return wanted if wanted in LANGUAGES else "fr"


def render(request: Request, name: str, who: HttpCaller, status: int = 200, **context: Any) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    lang = page_language(request)

    def switch_url(code: str) -> str:
        params = dict(request.query_params) | {"lang": code}
        return f"{request.url.path}?{urlencode(params)}"

    html = templates.get_template(name).render(
        lang=lang,
        t=lambda key: t(key, lang),
        who=who,
        lang_names=LANG_NAMES,
        switch_url=switch_url,
        csrf=csrf_token(who.session, settings) if who.session else "",
        banner=banner_texts(getattr(request.app.state.relais, "served", None), lang),
        day=lambda d: day_month(d, lang),
        long_day=lambda d: readable_date(d if isinstance(d, date) else date.fromisoformat(str(d)), lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


router = APIRouter(include_in_schema=False)
STATIC = resources.files("api").joinpath("static")
STATIC_FILES = frozenset(f.name for f in STATIC.iterdir() if f.name.endswith((".css", ".js")))
"""Served by name: the files of api/static, nothing built from the request."""


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        raise NotFound(f"no static file «{name}»")
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return Response(
        STATIC.joinpath(name).read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"}
    )


def same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise InvalidInput("this form must be sent from Relais itself", parameter="origin")


def folded(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().casefold()


def form_version(form: Mapping[str, Any]) -> str:
    """The version of the record the form was opened on. Every page form sends one; a form without it (or
    with the API's «*», «whatever is stored») is treated as stale: a page never overwrites blindly."""
    version = str(form.get("version") or "").strip()
    if not version or version == "*":
        raise Stale("this form carries no version of the record: reload the page")
    return version


PAGE_STATUSES = frozenset({401, 403, 404, 405, 409, 412, 413, 422, 429, 500, 503})
"""Statuses with their own sentence on the error page; any other reads as 500."""


def error_page(request: Request, status: int, details: Sequence[str] = ()) -> HTMLResponse:
    """A refused page request as a page in the page's language, with a way back to the form (whose typed
    values the browser keeps): a browser would show problem+json as raw English text."""
    found = request.scope.get("state", {}).get(CALLER)
    who = found if isinstance(found, HttpCaller) else PUBLIC
    referer = request.headers.get("referer", "")
    same_site = urlsplit(referer).netloc == request.headers.get("host") and referer.startswith(("http:", "https:"))
    shown = status if status in PAGE_STATUSES else 500
    return render(
        request, "error.html", who, status=status, shown=shown, details=list(details), back=referer if same_site else ""
    )


async def deleted(delete: Callable[[], object]) -> bool:
    """Runs a confirmed deletion; False when the record changed after the confirmation was shown (nothing
    deleted: the confirmation is shown again, saying so)."""
    try:
        await run_in_threadpool(delete)
    except Stale:
        return False
    return True


def changed_since(confirmation: str, request: Request) -> RedirectResponse:
    return RedirectResponse(f"{confirmation}?changed=1&lang={page_language(request)}", status_code=303)
