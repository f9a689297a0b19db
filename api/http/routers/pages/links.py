"""An organisation's cooperation links (/coordination/links): listed with the partner's name, the kind and the
status in words; added, edited, confirmed, deleted after a confirmation; its referral counts beside them.

A coordinator keeps any organisation's links; an editor its own organisation's, and a link it declares waits
for the other end to confirm it (`NetworkCases.add_link`). A refused form shows the page again with what was
typed and each error next to its field (422; 412 when someone changed the link meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.forms import field_errors
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import changed_since, deleted, folded, form_version, page_language, render
from api.i18n import t
from api.reasons import MONTHS
from graph.errors import InvalidInput, Stale
from graph.models import Cooperation, CooperationKind, LinkStatus, ReferralFlow
from graph.referral import Role

router = APIRouter(include_in_schema=False)

LINK_FIELDS = ("cooperation", "since", "until", "source")
DONE = frozenset(
    {"link_added", "link_existed", "net_done_pending", "net_done_saved", "net_done_deleted", "net_done_confirmed"}
)
"""The messages a redirect may name (nothing else of the query reaches the page)."""
NETWORK_DONE = frozenset(
    {
        "net_done_platform_created",
        "net_done_platform_saved",
        "net_done_platform_deleted",
        "net_done_member_added",
        "net_done_member_removed",
    }
)


@dataclass(frozen=True)
class Failed:
    """A refused form: which one, what was typed, the sentence per field, the stored version to resend."""

    form: str
    values: Mapping[str, Any]
    errors: Mapping[str, str]
    version: str | None = None


# --- what the pages of the network share ----------------------------------------------------------------


async def posted(request: Request, who: HttpCaller) -> dict[str, Any]:
    """The form sent, once its CSRF token is checked; a field sent several times (a picker) as a list."""
    form = await request.form()
    check_csrf(who, str(form.get("csrf", "")), request.app.state.settings)
    return {k: (form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k)) for k in form}


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def errors_in(exc: InvalidInput | ValidationError, lang: str, fields: Mapping[str, str]) -> dict[str, str]:
    """Each problem under its form field (`fields` renames a record's field); the rest under ""."""
    return {k if k in fields.values() else "": v for k, v in field_errors(exc, lang, fields).items()}


def stale_sentence(stored: Mapping[str, Any], typed: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> str:
    """What someone else saved meanwhile, by the labels of the fields that differ from what was typed."""
    changed = [t(key, lang) for name, key in labels.items() if _plain(stored.get(name)) != _plain(typed.get(name))]
    if not changed:
        return t("net_stale_same", lang)
    return t("net_stale", lang).format(fields=", ".join(changed))


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    return "" if value is None else str(value)


def organisations_named(relais: Relais, leave_out: str | None = None) -> list[tuple[str, str, str]]:
    """Every organisation by name, accents aside: (id, name, searched) for the `one` picker."""
    named = sorted(relais.directory.organisations(), key=lambda o: folded(o.name))
    return [(o.id, o.name, o.name) for o in named if o.id != leave_out]


def done_message(request: Request, lang: str) -> str:
    done = request.query_params.get("done", "")
    return t(done, lang) if done in DONE | NETWORK_DONE else ""


# --- the links page -------------------------------------------------------------------------------------


@router.get("/coordination/links", response_class=HTMLResponse, response_model=None)
def links_page(request: Request, relais: RelaisDep, who: CallerDep, organisation: str = "") -> HTMLResponse:
    """`?organisation=ID` (an editor: its own by default); `&with=ID2` preselects the partner to add."""
    organisation = organisation or who.organisation_id or ""
    if not organisation:
        who.require_coordinator()
        return render(request, "network/links.html", who, org=None, choices=organisations_named(relais))
    return page(request, relais, who, organisation, request.query_params.get("with", ""))


def page(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    organisation_id: str,
    partner: str = "",
    failed: Failed | None = None,
    status: int = 200,
) -> HTMLResponse:
    who.require_writer(organisation_id)
    org = relais.directory.organisation(organisation_id)
    lang = page_language(request)
    found = relais.network.links(who, organisation_id)
    names = {o.id: o.name for o in relais.directory.organisations()}
    cooperations = sorted(
        (x for x in found if isinstance(x, Cooperation)),
        key=lambda x: folded(names.get(_other(x, organisation_id), "")),
    )
    flows = sorted((x for x in found if isinstance(x, ReferralFlow)), key=lambda x: (x.period, x.from_id), reverse=True)
    return render(
        request,
        "network/links.html",
        who,
        status=status,
        org=org,
        rows=[_row(x, organisation_id, names, who, lang) for x in cooperations],
        flows=[(period(x.period, lang), names.get(x.from_id, ""), names.get(x.to_id, ""), x.count) for x in flows],
        partners=organisations_named(relais, leave_out=organisation_id),
        chosen=partner,
        kinds=[(k.value, t(f"link_{k.value}", lang)) for k in CooperationKind],
        failed=failed,
        message=done_message(request, lang),
    )


def _other(link: Cooperation, organisation_id: str) -> str:
    return link.b if link.a == organisation_id else link.a


def _row(
    link: Cooperation, organisation_id: str, names: Mapping[str, str], who: HttpCaller, lang: str
) -> dict[str, Any]:
    partner = _other(link, organisation_id)
    pending = link.status is LinkStatus.PENDING
    return {
        "partner": partner,
        "partner_name": names.get(partner, partner),
        "kind": link.cooperation.value,
        "kind_label": t(f"link_{link.cooperation.value}", lang),
        "pending": pending,
        "waits_for": names.get(partner if link.requested_by == organisation_id else organisation_id, ""),
        "may_confirm": pending and (who.role is Role.COORDINATOR or link.requested_by != who.organisation_id),
        "since": link.since,
        "until": link.until,
        "source": link.source,
        "version": link.content_hash(),
        "typed": {
            "cooperation": link.cooperation.value,
            "since": link.since or "",
            "until": link.until or "",
            "source": link.source,
        },
    }


def period(code: str, lang: str) -> str:
    """A referral count's period in words: «2024», «1er trimestre 2024» (T1), «mars 2024»."""
    year, _, part = code.partition("-")
    if part.startswith("Q"):
        return t("net_quarter", lang).format(q=part[1:], year=year)
    if part:
        return f"{MONTHS.get(lang, MONTHS['fr']).split()[int(part) - 1]} {year}"
    return year


# --- writes ---------------------------------------------------------------------------------------------

FIELDS = {
    "a": "partner",
    "b": "partner",
    "cooperation": "cooperation",
    "since": "since",
    "until": "until",
    "source": "source",
}
"""A cooperation's fields → the form's (either end is the partner: the page's organisation is fixed)."""
LABELS = {"cooperation": "link_kind", "since": "net_since", "until": "net_until", "source": "net_source"}


def _cooperation(organisation: str, values: Mapping[str, str]) -> Cooperation:
    if not values["partner"]:
        raise InvalidInput("choose the partner", parameter="partner", code="missing")
    if values["partner"] == organisation:
        raise InvalidInput("an organisation cannot cooperate with itself", parameter="partner", code="self_link")
    return Cooperation.model_validate(
        {
            "a": organisation,
            "b": values["partner"],
            "cooperation": values["cooperation"] or None,
            "since": values["since"] or None,
            "until": values["until"] or None,
            "source": values["source"],
        }
    )


def _typed(form: Mapping[str, Any], partner: str) -> dict[str, str]:
    return {"partner": partner, **{k: text(form, k) for k in LINK_FIELDS}}


@router.post("/coordination/links/add", response_model=None)
async def add_link(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """A new cooperation; an editor's waits for the other end."""
    form = await posted(request, who)
    organisation = text(form, "organisation")
    values = _typed(form, text(form, "partner"))

    def write() -> str:
        link = _cooperation(organisation, values)
        report = relais.network.add_link(who, link)
        if relais.network.cooperation(who, link.a, link.b, link.cooperation).status is LinkStatus.PENDING:
            return "net_done_pending"
        return "link_added" if report.created else "link_existed"

    return await _run(request, relais, who, organisation, "add", values, write)


@router.post("/coordination/links/edit", response_model=None)
async def edit_link(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """Kind, dates and source of a link, from the version the form showed."""
    form = await posted(request, who)
    organisation, partner, old_kind = text(form, "organisation"), text(form, "partner"), text(form, "old_kind")
    values = _typed(form, partner)

    def write() -> str:
        before = relais.network.cooperation(who, organisation, partner, old_kind)
        after = _cooperation(organisation, values)
        relais.network.edit_link(who, before, after, expected=form_version(form))
        return "net_done_saved"

    return await _run(request, relais, who, organisation, f"edit-{partner}-{old_kind}", values, write)


@router.post("/coordination/links/confirm", response_model=None)
async def confirm_link(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """The other end agrees to a pending link."""
    form = await posted(request, who)
    organisation, partner = text(form, "organisation"), text(form, "partner")

    def write() -> str:
        link = relais.network.cooperation(who, organisation, partner, text(form, "kind"))
        relais.network.confirm_link(who, link)
        return "net_done_confirmed"

    return await _run(request, relais, who, organisation, "confirm", {}, write)


@router.get(
    "/coordination/links/{organisation}/{partner}/{kind}/delete", response_class=HTMLResponse, response_model=None
)
def confirm_deletion(
    organisation: str, partner: str, kind: str, request: Request, relais: RelaisDep, who: CallerDep
) -> HTMLResponse:
    """What goes, before the link is deleted."""
    who.require_writer(organisation)
    link = relais.network.cooperation(who, organisation, partner, kind)
    lang = page_language(request)
    names = {o.id: o.name for o in relais.directory.organisations()}
    back = f"/coordination/links?{urlencode({'organisation': organisation, 'lang': lang})}#links"
    return render(
        request,
        "forms/confirm.html",
        who,
        title=t("net_delete_link_title", lang).format(name=names.get(partner, "")),
        sentence=t("net_delete_link_goes", lang).format(kind=t(f"link_{link.cooperation.value}", lang)),
        action=f"/coordination/links/{organisation}/{partner}/{kind}/delete",
        version=link.content_hash(),
        back=back,
        changed=changed_notice(request, lang),
    )


@router.post("/coordination/links/{organisation}/{partner}/{kind}/delete", response_model=None)
async def delete_link(
    organisation: str, partner: str, kind: str, request: Request, relais: RelaisDep, who: CallerDep
) -> Response:
    """A deletion confirmed after the link changed deletes nothing and shows the confirmation again."""
    form = await posted(request, who)

    def remove() -> None:
        link = relais.network.cooperation(who, organisation, partner, kind)
        relais.network.remove_link(who, link, expected=form_version(form))

    if not await deleted(remove):
        return changed_since(f"/coordination/links/{organisation}/{partner}/{kind}/delete", request)
    query = urlencode({"organisation": organisation, "lang": page_language(request), "done": "net_done_deleted"})
    return RedirectResponse(f"/coordination/links?{query}#links", status_code=303)


def changed_notice(request: Request, lang: str) -> str:
    """On a confirmation shown again: the record changed since, nothing was deleted."""
    return t("net_delete_stale", lang) if request.query_params.get("changed") else ""


async def _run(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    organisation: str,
    form_id: str,
    values: dict[str, str],
    write: Callable[[], str],
) -> Response:
    """Runs a write; a refusal shows the page again with what was typed and the errors, nothing written."""
    lang = page_language(request)
    partner = values.get("partner", "")
    try:
        done = await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        failed = Failed(form_id, values, errors_in(exc, lang, FIELDS))
        return await run_in_threadpool(page, request, relais, who, organisation, partner, failed, 422)
    except Stale as exc:
        stored = exc.current
        if not isinstance(stored, Cooperation):
            raise
        said = stale_sentence(stored.model_dump(mode="json"), values, LABELS, lang)
        failed = Failed(form_id, values, {"": said}, stored.content_hash())
        return await run_in_threadpool(page, request, relais, who, organisation, partner, failed, 412)
    query = urlencode({"organisation": organisation, "lang": lang, "done": done})
    return RedirectResponse(f"/coordination/links?{query}#links", status_code=303)
