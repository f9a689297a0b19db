"""The dashboard's upkeep: errors reported from the finder, records not verified for a year (verified here
one by one or in bulk), shelter places whose figure is too old."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language
from api.i18n import t
from graph.errors import InvalidInput, NotFound
from graph.models import Service
from graph.referral import capacity_fresh

router = APIRouter(include_in_schema=False)

QUEUE_ON_DASHBOARD = 5
"""Reports shown on the dashboard; the rest on /coordination/reports."""


def section(request: Request, relais: Relais, who: HttpCaller, lang: str) -> dict[str, Any]:
    """What templates/dashboard/upkeep.html shows."""
    reports = relais.upkeep.open_reports(who)
    return {
        "reports": reports[:QUEUE_ON_DASHBOARD],
        "reports_count": len(reports),
        "reason": lambda code: t(f"upkeep_reason_{code}", lang),
        "stale": relais.upkeep.stale(who),
        "expired_places": _expired_places(relais, who),
        "fresh_days": relais.settings.capacity_fresh_days,
    }


def _expired_places(relais: Relais, who: HttpCaller) -> list[tuple[Service, str]]:
    """The services with places whose figure is too old to be believed, oldest first, with their organisation."""
    today, days = date.today(), relais.settings.capacity_fresh_days
    names = {o.id: o.name for o in relais.directory.organisations()}
    old = [s for s in relais.directory.services(who) if s.capacity and not capacity_fresh(s.capacity, today, days)]
    old.sort(key=lambda s: (s.capacity.updated_at if s.capacity else today, s.name))
    return [(s, names.get(s.organisation_id, s.organisation_id)) for s in old]


@router.post("/coordination/verify", response_model=None)
def verify(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    record: Annotated[list[str] | None, Form()] = None,
    one: Annotated[str, Form()] = "",
) -> Response:
    """«Vérifié aujourd'hui» on one record (its own button) or on every ticked one, in one write."""
    check_csrf(who, csrf, request.app.state.settings)
    lang = page_language(request)
    chosen = [one] if one else (record or [])
    wanted = [tuple(item.split(":", 1)) for item in chosen if ":" in item]
    if not wanted:
        return _back(lang, t("upkeep_choose_records", lang))
    try:
        written = relais.upkeep.mark_verified(who, [(kind, id_) for kind, id_ in wanted])
    except (InvalidInput, NotFound):
        return _back(lang, t("upkeep_verify_gone", lang))
    return _back(lang, t("upkeep_verified_msg", lang).format(n=written.updated + written.unchanged))


def _back(lang: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"/coordination?{urlencode({'lang': lang, 'message': message})}#stale", status_code=303)
