"""Signing in with a key (a session cookie) and out (the session ends on the server)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.http.auth import SESSION_COOKIE, check_csrf, end_session, find_key, session_cookie
from api.http.deps import CallerDep
from api.http.routers.pages.common import page_language, render, same_origin
from api.i18n import t
from api.settings import Settings

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: CallerDep) -> HTMLResponse:
    return render(request, "login.html", who)


@router.post("/login", response_model=None)
def login(request: Request, key: Annotated[str, Form()], who: CallerDep) -> Response:
    settings: Settings = request.app.state.settings
    same_origin(request)
    found = find_key(key, settings)
    if found is None:
        return render(request, "login.html", who, status=401, error=t("err_key", page_language(request)))
    target = {"coordinator": "/coordination", "editor": "/organisation"}.get(found.role, "/")
    response = RedirectResponse(f"{target}?lang={page_language(request)}", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(found, settings),
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, who: CallerDep, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(who, csrf, request.app.state.settings)
    if who.session:
        end_session(who.session, request.app.state.settings)  # the cookie dies on the server, not only here
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
