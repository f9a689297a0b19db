"""The platforms' life for coordinators: platforms with their members (/coordination/platforms); kinds and
divisions in words. Writes through `PlatformCases`; a refused form shows the page again with what was typed
and each error next to its field (422; 412 when someone saved meanwhile). Trainings are events, kept on
/coordination/events (`events_admin`): the old /coordination/trainings leads there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import changed_since, deleted, folded, form_version, page_language, render
from api.http.routers.pages.links import (
    Failed,
    changed_notice,
    done_message,
    errors_in,
    organisations_named,
    posted,
    stale_sentence,
    text,
)
from api.http.routers.pages.record_forms import new_id
from api.i18n import t
from graph.errors import InvalidInput, Stale
from graph.models import Membership, Platform, PlatformKind

router = APIRouter(include_in_schema=False)

PLATFORM_LABELS = {"name": "net_platform_name", "platform_kind": "net_platform_kind", "division": "net_division"}
PLATFORM_LABELS |= {"source": "net_source"}
FIELDS = {**{k: k for k in PLATFORM_LABELS}, "role": "role", "organisation_id": "organisation_id"}


# --- platforms ------------------------------------------------------------------------------------------


@router.get("/coordination/platforms", response_class=HTMLResponse, response_model=None)
def platforms_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _platforms(request, relais, who)


def _platforms(
    request: Request, relais: Relais, who: HttpCaller, failed: Failed | None = None, status: int = 200
) -> HTMLResponse:
    who.require_coordinator()
    lang = page_language(request)
    found = relais.platforms
    named = organisations_named(relais)
    names = {i: n for i, n, _ in named}
    divisions = relais.reference.geography.divisions
    rows = []
    for p in sorted(found.platforms(), key=lambda p: folded(p.name)):
        members = sorted(found.members(p.id), key=lambda m: folded(names.get(m.organisation_id, "")))
        ids = {m.organisation_id for m in members}
        rows.append(
            {
                "p": p,
                "kind": t(f"net_pk_{p.platform_kind.value}", lang),
                "division": divisions[p.division].label(lang)
                if p.division in divisions
                else t("net_division_none", lang),
                "members": [
                    (m.organisation_id, names.get(m.organisation_id, ""), _role(m.role, lang)) for m in members
                ],
                "others": [o for o in named if o[0] not in ids],
                "version": p.content_hash(),
                "typed": {**p.model_dump(mode="json"), "division": p.division or ""},
            }
        )
    return render(
        request,
        "network/platforms.html",
        who,
        status=status,
        rows=rows,
        kinds=[(k.value, t(f"net_pk_{k.value}", lang)) for k in PlatformKind],
        divisions=[("", t("net_division_none", lang)), *_by_label((d.id, d.label(lang)) for d in divisions.values())],
        failed=failed,
        message=done_message(request, lang),
        opened=request.query_params.get("open", ""),
    )


def _by_label(options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(options, key=lambda o: folded(o[1]))


def _role(role: str, lang: str) -> str:
    return t("net_role_member", lang) if role == "member" else role


def _platform_values(form: Mapping[str, Any]) -> dict[str, str]:
    return {k: text(form, k) for k in PLATFORM_LABELS}


def _platform(values: Mapping[str, str], platform_id: str) -> Platform:
    return Platform.model_validate(
        {
            "id": platform_id,
            "name": values["name"],
            "platform_kind": values["platform_kind"] or None,
            "division": values["division"] or None,
            "source": values["source"],
        }
    )


@router.post("/coordination/platforms/add", response_model=None)
async def add_platform(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    values = _platform_values(form)

    def write() -> str:
        taken = [p.id for p in relais.platforms.platforms()]
        relais.platforms.save(who, _platform(values, new_id(values["name"], taken)))
        return "net_done_platform_created"

    return await _run(request, relais, who, Page("platforms", "new-platform", values), write)


@router.post("/coordination/platforms/{platform_id}/edit", response_model=None)
async def edit_platform(platform_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    values = _platform_values(form)

    def write() -> str:
        relais.platforms.save(who, _platform(values, platform_id), expected=form_version(form))
        return "net_done_platform_saved"

    return await _run(request, relais, who, Page("platforms", f"platform-{platform_id}", values), write)


@router.post("/coordination/platforms/{platform_id}/members", response_model=None)
async def add_member(platform_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    values = {"organisation_id": text(form, "organisation_id"), "role": text(form, "role")}

    def write() -> str:
        platform = relais.platforms.record(Platform, platform_id)
        membership = Membership.model_validate(
            {**values, "role": values["role"] or "member", "platform_id": platform_id, "source": platform.source}
        )
        relais.platforms.add_member(who, membership)
        return "net_done_member_added"

    return await _run(request, relais, who, Page("platforms", f"members-{platform_id}", values), write)


@router.post("/coordination/platforms/{platform_id}/members/{organisation_id}/remove", response_model=None)
async def remove_member(
    platform_id: str, organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep
) -> Response:
    await posted(request, who)

    def write() -> str:
        relais.platforms.remove_member(who, platform_id, organisation_id)
        return "net_done_member_removed"

    return await _run(request, relais, who, Page("platforms", f"members-{platform_id}", {}), write)


# --- trainings ------------------------------------------------------------------------------------------


@router.get("/coordination/trainings", response_model=None)
def trainings_page(request: Request) -> RedirectResponse:
    """Trainings are events now: one place to keep them (/coordination/events), the old address leads there."""
    return RedirectResponse(f"/coordination/events?lang={page_language(request)}", status_code=303)


# --- deleting, after a confirmation ------------------------------------------------------------------------


@router.get("/coordination/platforms/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_platform_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """What goes with a platform (its memberships), before it is deleted."""
    who.require_coordinator()
    platform = relais.platforms.record(Platform, record_id)
    return _confirm(request, who, "platforms", platform, platform.name, len(relais.platforms.members(record_id)))


def _confirm(request: Request, who: HttpCaller, what: str, record: Platform, name: str, n: int) -> HTMLResponse:
    lang = page_language(request)
    return render(
        request,
        "forms/confirm.html",
        who,
        title=t("net_delete_platform_title", lang).format(name=name),
        sentence=t("net_delete_platform_goes", lang).format(n=n),
        action=f"/coordination/{what}/{record.id}/delete",
        version=record.content_hash(),
        back=f"/coordination/{what}?lang={lang}",
        changed=changed_notice(request, lang),
    )


@router.post("/coordination/platforms/{record_id}/delete", response_model=None)
async def delete_platform(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, Platform, record_id)


async def _delete(request: Request, relais: Relais, who: HttpCaller, kind: type[Platform], record_id: str) -> Response:
    """A deletion confirmed after the record changed deletes nothing and shows the confirmation again."""
    form = await posted(request, who)
    if not await deleted(lambda: relais.platforms.delete(who, kind, record_id, expected=form_version(form))):
        return changed_since(f"/coordination/platforms/{record_id}/delete", request)
    query = urlencode({"lang": page_language(request), "done": "net_done_platform_deleted"})
    return RedirectResponse(f"/coordination/platforms?{query}", status_code=303)


# --- what the writes share -----------------------------------------------------------------------------


class Page:
    """Which page and which of its forms a write comes from, and what was typed in it."""

    def __init__(self, name: str, form: str, values: Mapping[str, Any]) -> None:
        self.name, self.form, self.values = name, form, values


async def _run(request: Request, relais: Relais, who: HttpCaller, page: Page, write: Callable[[], str]) -> Response:
    """Runs a write; a refusal shows the page again with what was typed and the errors, nothing written."""
    lang = page_language(request)
    try:
        done = await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        failed = Failed(page.form, page.values, errors_in(exc, lang, FIELDS))
        return await run_in_threadpool(_platforms, request, relais, who, failed, 422)
    except Stale as exc:
        stored = exc.current
        if not isinstance(stored, Platform):
            raise
        said = stale_sentence(stored.model_dump(mode="json"), page.values, PLATFORM_LABELS, lang)
        failed = Failed(page.form, page.values, {"": said}, stored.content_hash())
        return await run_in_threadpool(_platforms, request, relais, who, failed, 412)
    kept_open = page.form if page.form.startswith("members-") else ""
    query = urlencode({"lang": lang, "done": done} | ({"open": kept_open} if kept_open else {}))
    anchor = f"#{page.form.replace('members-', 'platform-')}" if kept_open else ""
    return RedirectResponse(f"/coordination/{page.name}?{query}{anchor}", status_code=303)
