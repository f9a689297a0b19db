"""The platforms' life for coordinators: platforms with their members (/coordination/platforms) and trainings
with the head count each organisation sent (/coordination/trainings); kinds, divisions, dates and themes in
words. Writes through `PlatformCases`; a refused form shows the page again with what was typed and each
error next to its field (422; 412 when someone saved meanwhile).
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
from api.i18n import LANGUAGES_OF_THE_INTERFACE, t
from graph.errors import InvalidInput, Stale
from graph.models import Attendance, Membership, Platform, PlatformKind, Training

router = APIRouter(include_in_schema=False)

PLATFORM_LABELS = {"name": "net_platform_name", "platform_kind": "net_platform_kind", "division": "net_division"}
TRAINING_LABELS = {"title": "net_training_title", "held_on": "net_held_on", "organiser_id": "net_organiser"}
TRAINING_LABELS |= {"terms": "net_themes", "source": "net_source"}
PLATFORM_LABELS |= {"source": "net_source"}
FIELDS = {**{k: k for k in (*PLATFORM_LABELS, *TRAINING_LABELS)}, "participants": "participants", "role": "role"}
FIELDS |= {"organisation_id": "organisation_id"}


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


@router.get("/coordination/trainings", response_class=HTMLResponse, response_model=None)
def trainings_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _trainings(request, relais, who)


def _trainings(
    request: Request, relais: Relais, who: HttpCaller, failed: Failed | None = None, status: int = 200
) -> HTMLResponse:
    who.require_coordinator()
    lang = page_language(request)
    found = relais.platforms
    named = organisations_named(relais)
    names = {i: n for i, n, _ in named}
    terms = relais.reference.taxonomy.terms
    rows = []
    for x in sorted(found.trainings(), key=lambda x: (x.held_on, folded(x.title)), reverse=True):
        attended = sorted(found.attendances(x.id), key=lambda a: folded(names.get(a.organisation_id, "")))
        rows.append(
            {
                "x": x,
                "organiser": names.get(x.organiser_id or "", ""),
                "themes": [terms[c].label(lang) for c in x.terms if c in terms],
                "attended": [(a.organisation_id, names.get(a.organisation_id, ""), a.participants) for a in attended],
                "total": sum(a.participants for a in attended),
                "version": x.content_hash(),
                "typed": {**x.model_dump(mode="json"), "organiser_id": x.organiser_id or ""},
            }
        )
    return render(
        request,
        "network/trainings.html",
        who,
        status=status,
        rows=rows,
        organisations=named,
        organisers=[("", t("net_organiser_none", lang))] + [(i, n) for i, n, _ in named],
        themes=_themes(relais, lang),
        failed=failed,
        message=done_message(request, lang),
        opened=request.query_params.get("open", ""),
    )


def _themes(relais: Relais, lang: str) -> list[tuple[str, str, str]]:
    """Every term of the taxonomy by its label, found by its label in any language."""
    options = (
        (x.id, x.label(lang), " ".join(x.label(o) for o in LANGUAGES_OF_THE_INTERFACE))
        for x in relais.reference.taxonomy.terms.values()
    )
    return sorted(options, key=lambda o: folded(o[1]))


def _training_values(form: Mapping[str, Any]) -> dict[str, Any]:
    chosen = form.get("terms") or []
    return {
        **{k: text(form, k) for k in TRAINING_LABELS if k != "terms"},
        "terms": [chosen] if isinstance(chosen, str) else list(chosen),
    }


def _training(values: Mapping[str, Any], training_id: str) -> Training:
    return Training.model_validate(
        {
            "id": training_id,
            "title": values["title"],
            "held_on": values["held_on"] or None,
            "organiser_id": values["organiser_id"] or None,
            "terms": values["terms"],
            "source": values["source"],
        }
    )


@router.post("/coordination/trainings/add", response_model=None)
async def add_training(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    values = _training_values(form)

    def write() -> str:
        taken = [x.id for x in relais.platforms.trainings()]
        relais.platforms.save(who, _training(values, new_id(values["title"], taken)))
        return "net_done_training_created"

    return await _run(request, relais, who, Page("trainings", "new-training", values), write)


@router.post("/coordination/trainings/{training_id}/edit", response_model=None)
async def edit_training(training_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    values = _training_values(form)

    def write() -> str:
        relais.platforms.save(who, _training(values, training_id), expected=form_version(form))
        return "net_done_training_saved"

    return await _run(request, relais, who, Page("trainings", f"training-{training_id}", values), write)


@router.post("/coordination/trainings/{training_id}/attendances", response_model=None)
async def save_attendance(training_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """Adds an organisation's head count, or corrects it (the same organisation again)."""
    form = await posted(request, who)
    values = {"organisation_id": text(form, "organisation_id"), "participants": text(form, "participants")}

    def write() -> str:
        training = relais.platforms.record(Training, training_id)
        attendance = Attendance.model_validate({**values, "training_id": training_id, "source": training.source})
        relais.platforms.save_attendance(who, attendance)
        return "net_done_attendance_saved"

    return await _run(request, relais, who, Page("trainings", f"attendance-{training_id}", values), write)


@router.post("/coordination/trainings/{training_id}/attendances/{organisation_id}/remove", response_model=None)
async def remove_attendance(
    training_id: str, organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep
) -> Response:
    await posted(request, who)

    def write() -> str:
        relais.platforms.remove_attendance(who, training_id, organisation_id)
        return "net_done_attendance_removed"

    return await _run(request, relais, who, Page("trainings", f"attendance-{training_id}", {}), write)


# --- deleting, after a confirmation ------------------------------------------------------------------------


@router.get("/coordination/platforms/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_platform_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """What goes with a platform (its memberships), before it is deleted."""
    who.require_coordinator()
    platform = relais.platforms.record(Platform, record_id)
    return _confirm(request, who, "platforms", platform, platform.name, len(relais.platforms.members(record_id)))


@router.get("/coordination/trainings/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_training_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """What goes with a training (its attendances), before it is deleted."""
    who.require_coordinator()
    training = relais.platforms.record(Training, record_id)
    return _confirm(request, who, "trainings", training, training.title, len(relais.platforms.attendances(record_id)))


def _confirm(
    request: Request, who: HttpCaller, what: str, record: Platform | Training, name: str, n: int
) -> HTMLResponse:
    lang = page_language(request)
    single = "platform" if what == "platforms" else "training"
    return render(
        request,
        "forms/confirm.html",
        who,
        title=t(f"net_delete_{single}_title", lang).format(name=name),
        sentence=t(f"net_delete_{single}_goes", lang).format(n=n),
        action=f"/coordination/{what}/{record.id}/delete",
        version=record.content_hash(),
        back=f"/coordination/{what}?lang={lang}",
        changed=changed_notice(request, lang),
    )


@router.post("/coordination/platforms/{record_id}/delete", response_model=None)
async def delete_platform(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, Platform, record_id)


@router.post("/coordination/trainings/{record_id}/delete", response_model=None)
async def delete_training(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, Training, record_id)


async def _delete(
    request: Request, relais: Relais, who: HttpCaller, kind: type[Platform] | type[Training], record_id: str
) -> Response:
    """A deletion confirmed after the record changed deletes nothing and shows the confirmation again."""
    form = await posted(request, who)
    name = "platforms" if kind is Platform else "trainings"
    if not await deleted(lambda: relais.platforms.delete(who, kind, record_id, expected=form_version(form))):
        return changed_since(f"/coordination/{name}/{record_id}/delete", request)
    query = urlencode({"lang": page_language(request), "done": f"net_done_{name[:-1]}_deleted"})
    return RedirectResponse(f"/coordination/{name}?{query}", status_code=303)


# --- what the writes share -----------------------------------------------------------------------------


class Page:
    """Which page and which of its forms a write comes from, and what was typed in it."""

    def __init__(self, name: str, form: str, values: Mapping[str, Any]) -> None:
        self.name, self.form, self.values = name, form, values


async def _run(request: Request, relais: Relais, who: HttpCaller, page: Page, write: Callable[[], str]) -> Response:
    """Runs a write; a refusal shows the page again with what was typed and the errors, nothing written."""
    lang = page_language(request)
    show = _platforms if page.name == "platforms" else _trainings
    labels = PLATFORM_LABELS if page.name == "platforms" else TRAINING_LABELS
    try:
        done = await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        failed = Failed(page.form, page.values, errors_in(exc, lang, FIELDS))
        return await run_in_threadpool(show, request, relais, who, failed, 422)
    except Stale as exc:
        stored = exc.current
        if not isinstance(stored, Platform | Training):
            raise
        said = stale_sentence(stored.model_dump(mode="json"), page.values, labels, lang)
        failed = Failed(page.form, page.values, {"": said}, stored.content_hash())
        return await run_in_threadpool(show, request, relais, who, failed, 412)
    kept_open = page.form if page.form.startswith(("members-", "attendance-")) else ""
    query = urlencode({"lang": lang, "done": done} | ({"open": kept_open} if kept_open else {}))
    anchor = f"#{page.form.replace('members-', 'platform-').replace('attendance-', 'training-')}" if kept_open else ""
    return RedirectResponse(f"/coordination/{page.name}?{query}{anchor}", status_code=303)
