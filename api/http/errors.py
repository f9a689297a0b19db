"""The one place where errors become HTTP answers: RFC 9457 problem+json.

`STATUS` is the only table of HTTP statuses for the project's errors (graph/errors.py draws the tree);
a subclass answers as its nearest listed ancestor. Errors that are our bug (5xx other than 503) are logged
with their traceback, and callers see a generic detail: never a query, a value or a stack.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.forms import ALIASES, say
from api.i18n import UI
from graph.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    RelaisError,
    Stale,
    StoreError,
    StoreUnavailable,
    TooMany,
    Unauthorized,
)

PROBLEM = "application/problem+json"

STATUS: dict[type[RelaisError], tuple[int, str]] = {
    InvalidInput: (422, "Invalid input"),
    NotFound: (404, "Not found"),
    Conflict: (409, "Conflict"),
    Stale: (412, "Precondition failed"),
    Unauthorized: (401, "Unauthorized"),
    Forbidden: (403, "Forbidden"),
    TooMany: (429, "Too many requests"),
    StoreUnavailable: (503, "Store unavailable"),
    StoreError: (500, "Internal error"),
    RelaisError: (500, "Internal error"),
}
"""HTTP status and title of each error class."""

INTERNAL_DETAIL = "Relais failed to answer; the error was logged. Please try again or tell the coordinators."

log = logging.getLogger("relais.api")


def status_of(exc: RelaisError) -> tuple[int, str]:
    """(status, title) of an error: its class's entry, else its nearest ancestor's."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return STATUS[RelaisError]


def problem(status: int, title: str, detail: str, instance: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


API_PATHS = ("/v1", "/hsds", "/static", "/docs", "/openapi")


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API): it gets the refusal as a page in its language."""
    return not request.url.path.startswith(API_PATHS) and "text/html" in request.headers.get("accept", "")


def page_answer(request: Request, status: int, problems: tuple[Problem, ...] = ()) -> Response:
    from api.http.routers.pages.common import error_page, page_language  # the pages import this module

    lang = page_language(request)
    return error_page(request, status, [say(p, lang) if p.code else "" for p in problems if p.code])


async def relais_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RelaisError)
    status, title = status_of(exc)
    if wants_page(request):
        if status >= 500 and status != 503:
            log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
        return page_answer(request, status, exc.problems if isinstance(exc, InvalidInput) else ())
    detail = str(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInput):
        lang = asked_language(request)
        extra["errors"] = [
            {"parameter": p.column or exc.parameter, "detail": said(p, lang), "suggestions": list(p.suggestions)}
            for p in exc.problems
        ]
        if lang is not None:
            detail = "\n".join(e["detail"] for e in extra["errors"]) or detail
    elif status == 503:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    elif status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
        detail = INTERNAL_DETAIL
    return problem(status, title, detail, request.url.path, **extra)


def asked_language(request: Request) -> str | None:
    """The language the caller asked for (`lang`, then Accept-Language); None when it asked none."""
    from api.http.deps import answer_language  # deps installs these handlers

    lang, accept = request.query_params.get("lang"), request.headers.get("accept-language")
    if not (lang or accept):
        return None
    try:
        return answer_language(lang, accept)
    except InvalidInput:
        return None


def said(problem: Problem, lang: str | None) -> str:
    """A problem in the caller's language when it has a code the catalogue says (api/texts/errors.toml)."""
    code = ALIASES.get(problem.code, problem.code)
    if lang is None or not code or (f"err_{code}" not in UI and code != "string_pattern_mismatch"):
        return problem.message
    return say(problem, lang)


def _context(error: Any) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, v) for k, v in (error.get("ctx") or {}).items() if k != "error"))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = asked_language(request)
    errors = [
        {
            "parameter": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]),
            "detail": said(Problem(e["msg"], code=e["type"], context=_context(e)), lang),
            "suggestions": [],
        }
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['parameter']}: {e['detail']}" for e in errors)
    return problem(422, "Invalid input", detail, request.url.path, errors=errors)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if wants_page(request):
        response = page_answer(request, exc.status_code)
    else:
        response = problem(exc.status_code, str(exc.detail), str(exc.detail), request.url.path)
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette names only the first matching route's)."""
    routes = request.app.router.routes
    return [
        method
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RelaisError, relais_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
