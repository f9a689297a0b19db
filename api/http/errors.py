"""The one place where errors become HTTP answers: RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import InvalidInput, RelaisError

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, instance: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


async def relais_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RelaisError)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInput):
        extra["errors"] = [
            {"parameter": p.column or exc.parameter, "detail": p.message, "suggestions": list(p.suggestions)}
            for p in exc.problems
        ]
    return problem(exc.status, exc.title, str(exc), request.url.path, **extra)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "parameter": ".".join(str(x) for x in e["loc"][1:]) or str(e["loc"][0]),
            "detail": e["msg"],
            "suggestions": [],
        }
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['parameter']}: {e['detail']}" for e in errors)
    return problem(422, "Invalid input", detail, request.url.path, errors=errors)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail), request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RelaisError, relais_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
