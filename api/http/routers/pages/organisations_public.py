"""A page per organisation (/organisations/{id}), opened from a finder card: its services, their contacts by
role, its addresses and partners — what the caller's role may see, never a hidden address."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.http.routers.pages.finder import hour
from api.i18n import language_name
from graph.errors import NotFound
from graph.models import Contact, Service
from graph.opening import BELGIUM, Opening, opening_at
from viz.texts import organisation_type

router = APIRouter(include_in_schema=False)


def by_role(contacts: tuple[Contact, ...]) -> dict[str, list[Contact]]:
    """Contacts grouped by their label (the desk or role they reach: «Accueil», «Service social»…); a contact
    without a label under ""."""
    groups: dict[str, list[Contact]] = {}
    for c in contacts:
        groups.setdefault(c.label, []).append(c)
    return groups


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    try:
        view = relais.referrals.organisation(who, organisation_id)
    except NotFound:
        return render(request, "finder/organisation.html", who, status=404, view=None)
    taxonomy = relais.reference.taxonomy
    now = datetime.now(BELGIUM)
    openings: dict[str, Opening] = {s.id: opening_at(s, now) for s in view.services}
    return render(
        request,
        "finder/organisation.html",
        who,
        view=view,
        type_label=organisation_type(relais.reference, view.organisation.type, lang),
        openings=openings,
        by_role=by_role,
        language_name=lambda code: language_name(code, lang),
        term_label=lambda code: taxonomy.terms[code].label(lang) if code in taxonomy.terms else "",
        communes=relais.reference.geography.communes,
        hour=lambda hhmm: hour(hhmm, lang),
        situations_of=_situations,
    )


def _situations(service: Service) -> tuple[str, ...]:
    return (*service.situations, *service.needs)
