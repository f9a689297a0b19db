"""The coordinators' dashboard at /coordination: one page of sections, each built by its own module.

gaps (`pages.gaps`): the gap list, the map and the coverage heatmap; upkeep (`pages.upkeep`): what is
out of date; records (`pages.records`): the organisation to edit; the change log here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages import activity, gaps, loop, records, upkeep
from api.http.routers.pages.common import page_language, render
from api.i18n import UI, t
from graph.referral import Role

router = APIRouter(include_in_schema=False)


@router.get("/coordination", response_class=HTMLResponse, response_model=None)
def coordination(
    request: Request, relais: RelaisDep, who: CallerDep, organisation: str | None = None, message: str | None = None
) -> Response:
    if who.role is Role.EDITOR:  # an organisation's staff: their own page, not the sign-in form again
        return RedirectResponse(f"/organisation?lang={page_language(request)}", status_code=303)
    if who.role is not Role.COORDINATOR:
        return RedirectResponse(f"/login?lang={page_language(request)}", status_code=303)
    return dashboard(request, relais, who, message=message, **records.edit_section(relais, organisation))


def dashboard(request: Request, relais: Relais, who: HttpCaller, status: int = 200, **context: Any) -> HTMLResponse:
    """The dashboard: every section's context, and `context` (the edit section, a message, errors)."""
    lang = page_language(request)
    return render(
        request,
        "coordination.html",
        who,
        status=status,
        **gaps.section(request, relais, who, lang),
        **upkeep.section(request, relais, who, lang),
        **loop.section(relais, who, lang),
        **activity.targets_section(relais, lang),
        action=lambda a: t(f"action_{a}", lang) if f"action_{a}" in UI else a,
        changes=relais.network.changes(who, limit=25),
        **context,
    )
