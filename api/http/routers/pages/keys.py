"""Keys in the dashboard: the same KeyRing and the same rules as `relais keys`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import folded, page_language, render
from api.http.routers.pages.dashboard import coordination
from api.i18n import t
from api.keys import ROLES, KeyRing
from api.settings import Settings
from graph.errors import InvalidInput, NotFound
from graph.referral import Role

router = APIRouter(include_in_schema=False)

# The keys file stamps each key's creation and revocation (created_at, revoked_at); the log line below says
# which coordinator's key did it. A new key is shown once, in the answer to the form, never in a URL.

keys_log = logging.getLogger("relais.keys")


def _key_ring(request: Request) -> KeyRing:
    return KeyRing(request.app.state.settings.keys_file)


@router.get("/coordination/keys", response_class=HTMLResponse, response_model=None)
def keys_page(request: Request, relais: RelaisDep, who: CallerDep, revoked: str | None = None) -> Response:
    if who.role is not Role.COORDINATOR:
        return coordination(request, relais, who)  # the dashboard's answer: editors to their page, others to sign in
    lang = page_language(request)
    done = revoked and any(k.id == revoked and k.revoked_at for k in _key_ring(request).all())
    return _keys_page(request, relais, who, message=t("keys_revoked_msg", lang).format(id=revoked) if done else "")


@router.post("/coordination/keys", response_model=None)
def create_key(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Creates a key and shows it once, in this answer (not stored, not cached)."""
    who.require_coordinator("creating a key")
    settings: Settings = request.app.state.settings
    check_csrf(who, csrf, settings)
    typed = {"role": role, "organisation": organisation.strip(), "label": label.strip()}
    known = {o.id for o in relais.directory.organisations()}
    try:
        key, token = _key_ring(request).create(
            settings, role, typed["organisation"] or None, typed["label"], organisation_exists=known.__contains__
        )
    except InvalidInput as exc:
        field, error = _key_error(exc, typed, page_language(request))
        return _keys_page(request, relais, who, 422, errors={field: error}, typed=typed)
    keys_log.info("key %s (%s %s) created by key %s", key.id, key.role, key.organisation_id or "", who.key_id)
    response = _keys_page(request, relais, who, created=key, token=token, typed={"role": role})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/coordination/keys/{key_id}/revoke", response_model=None)
def revoke_key(
    key_id: str,
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Revokes a key once «je confirme» is ticked: its sessions end with the next request."""
    who.require_coordinator("revoking a key")
    check_csrf(who, csrf, request.app.state.settings)
    lang = page_language(request)
    ring = _key_ring(request)
    found = next((k for k in ring.all() if k.id == key_id), None)
    if found is None:
        raise NotFound(f"no key «{key_id}»")
    if confirm != "yes":
        return _keys_page(request, relais, who, 422, errors={key_id: t("keys_err_confirm", lang)})
    if found.revoked_at is None:  # revoked once: the first stamp stays
        ring.revoke(key_id)
        keys_log.info("key %s revoked by key %s", key_id, who.key_id)
    query = urlencode({"lang": lang, "revoked": key_id})
    return RedirectResponse(f"/coordination/keys?{query}#keys", status_code=303)


def _key_error(exc: InvalidInput, typed: Mapping[str, str], lang: str) -> tuple[str, str]:
    """(the form field, the sentence in the page's language) for a key the KeyRing refused."""
    if exc.parameter != "org":
        return "role", t("keys_err_role", lang)
    if typed["role"] == "editor" and not typed["organisation"]:
        return "organisation", t("keys_err_org_needed", lang)
    if typed["role"] != "editor":
        return "organisation", t("keys_err_org_only_editor", lang)
    return "organisation", t("keys_err_org_unknown", lang).format(org=typed["organisation"])


def _keys_page(request: Request, relais: Relais, who: HttpCaller, status: int = 200, **context: Any) -> HTMLResponse:
    """The keys of the keys file (active first, newest first; never the keys themselves) and the forms."""
    lang = page_language(request)
    organisations = sorted(relais.directory.organisations(), key=lambda o: (folded(o.name), o.id))
    keys = sorted(reversed(_key_ring(request).all()), key=lambda k: k.revoked_at is not None)
    return render(
        request,
        "keys.html",
        who,
        status=status,
        roles={role: t(f"keys_role_{role}", lang) for role in ROLES},
        organisations=organisations,
        names={o.id: o.name for o in organisations},
        keys=keys,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )
