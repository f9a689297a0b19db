"""The dashboard's upkeep: records not verified for long, shelter places whose figure is too old."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from graph.models import Service
from graph.referral import capacity_fresh


def section(request: Request, relais: Relais, who: HttpCaller, lang: str) -> dict[str, Any]:
    """What templates/dashboard/upkeep.html shows."""
    report, _ = relais.analysis.get()
    return {
        "stale": report.freshness["stale"],
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
