"""The platforms' agenda (/agenda, /agenda/{id}) and news (/actualites, /actualites/{id}) for anybody, with the
links to subscribe to them; a signed-in member registers its organisation for an event by head count.

The pages read what the API reads (`relais.events`) and say it with the calendar's words (`api.feeds.Words`):
a place only when the caller may read its address, else «lieu communiqué aux inscrits». A registration posts
(CSRF) to /coordination/registrations, a number of participants and never a name; a refused number shows the
event again with what was typed and the sentence next to the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.feeds import Words, in_french
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.feeds import base, calendar_name, one_post, organisation_name
from api.http.routers.pages.common import folded, page_language, render
from api.http.routers.pages.links import Failed, errors_in, posted, text
from api.i18n import t
from graph.errors import InvalidInput, NotFound
from graph.models import NewsPost, Registration, TermKind
from graph.referral import Role
from graph.usecases.events import EventView

router = APIRouter(include_in_schema=False)

DONE = frozenset({"agenda_done_registered", "agenda_done_unregistered"})
FIELDS = {"participants": "participants"}


# --- the agenda -------------------------------------------------------------------------------------------


@router.get("/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request, relais: RelaisDep, who: CallerDep, division: str = "", topic: str = ""
) -> HTMLResponse:
    """Events to come, chosen by division and topic in words; an unknown choice reads as «all»."""
    lang = page_language(request)
    division = division if division in relais.reference.geography.divisions else ""
    topic = topic if topic in relais.reference.taxonomy.terms else ""
    words = Words(relais.reference, lang)
    found = relais.events.events(who, division=division or None, term=topic or None, since=date.today())
    coming = relais.events.events(who, since=date.today())
    return render(
        request,
        "agenda/list.html",
        who,
        rows=[_row(v, words) for v in found],
        divisions=[("", t("agenda_all_divisions", lang)), *_divisions(relais, lang)],
        topics=_topics(relais, lang, coming),
        division=division,
        topic=topic,
        feeds=_feeds(request, relais, lang, division, topic),
    )


def _row(view: EventView, words: Words) -> dict[str, Any]:
    event = view.event
    return {
        "event": event,
        "when": words.when(event),
        "kind": words.kind(event),
        "divisions": words.divisions(event.divisions),
        "place": words.place(view),
        "seats": words.seats(view),
        "until": words.deadline(event, date.today(), alone=False),
        "topics": words.topics(event.terms),
        "audience": words.audience(event),
        "status": words.status(event),
        "full": view.full,
    }


def _divisions(relais: Relais, lang: str) -> list[tuple[str, str]]:
    return sorted(((d.id, d.label(lang)) for d in relais.reference.geography.divisions.values()), key=lambda o: o[1])


def _topics(relais: Relais, lang: str, coming: list[EventView]) -> dict[str, list[tuple[str, str]]]:
    """Every situation and need by its label, those of the events to come first: one subscribes to a topic
    before its first event is announced (an audience, «femme victime», is no topic)."""
    terms = relais.reference.taxonomy.terms
    with_events = {c for v in coming for c in v.event.terms if c in terms}
    topical = (c for c, term in terms.items() if c in with_events or term.term_kind is not TermKind.AUDIENCE)
    labelled = sorted(((c, terms[c].label(lang)) for c in topical), key=lambda o: folded(o[1]))
    return {
        "agenda_topics_coming": [o for o in labelled if o[0] in with_events],
        "agenda_topics_other": [o for o in labelled if o[0] not in with_events],
    }


def _feeds(request: Request, relais: Relais, lang: str, division: str, topic: str) -> list[dict[str, str]]:
    """The whole agenda, then the chosen division's and topic's, each as a webcal:// and an https address."""
    wanted: list[dict[str, str]] = [{"lang": lang}]
    if division:
        wanted.append({"division": division, "lang": lang})
    if topic:
        wanted.append({"topic": topic, "lang": lang})
    feeds = []
    for query in wanted:
        https = f"{base(request)}/v1/events.ics?{urlencode(query)}"
        name = calendar_name(relais, lang, query.get("division"), query.get("topic"))
        feeds.append({"name": name, "https": https, "webcal": "webcal://" + https.split("://", 1)[1]})
    return feeds


# --- an event, and registering one's organisation --------------------------------------------------------


@router.get("/agenda/{event_id}", response_class=HTMLResponse)
def event_page(event_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _event(request, relais, who, event_id)


def _event(
    request: Request, relais: Relais, who: HttpCaller, event_id: str, failed: Failed | None = None, status: int = 200
) -> HTMLResponse:
    lang = page_language(request)
    try:
        view = relais.events.event(who, event_id)
    except NotFound:
        return render(request, "agenda/event.html", who, status=404, view=None)
    words = Words(relais.reference, lang)
    event = view.event
    mine = _mine(relais, who, event_id)
    done = request.query_params.get("done", "")
    return render(
        request,
        "agenda/event.html",
        who,
        status=status,
        view=view,
        row=_row(view, words) | {"organiser": organisation_name(relais, event.organiser_id or "")},
        mine=mine,
        mine_said=_registration_said(mine, lang),
        may_register=view.closed_to_registrations(date.today()) is None,
        failed=failed,
        typed=failed.values if failed else {"participants": str(mine.participants if mine else 1)},
        message=t(done, lang) if done in DONE else "",
        ics=f"/v1/events/{event_id}.ics?lang={lang}",
    )


def _mine(relais: Relais, who: HttpCaller, event_id: str) -> Registration | None:
    if who.organisation_id is None or who.role is Role.PUBLIC:
        return None
    found = [r for r in relais.events.registrations(event_id) if r.organisation_id == who.organisation_id]
    return found[0] if found else None


def _registration_said(mine: Registration | None, lang: str) -> str:
    """«Votre organisation : 3 participants inscrits, dont 1 sur liste d'attente» — or «… sur liste d'attente»."""
    if mine is None:
        return ""
    said = t("agenda_yours_one", lang) if mine.participants == 1 else t("agenda_yours", lang)
    said = said.format(n=mine.participants)
    if mine.waiting and mine.waiting == mine.participants:
        return f"{said}, {t('agenda_yours_all_waiting', lang)}"
    if mine.waiting:
        return f"{said}, {t('agenda_yours_waiting', lang).format(n=mine.waiting)}"
    return said


@router.post("/coordination/registrations", response_model=None)
async def register(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """Registers (or changes) the caller's organisation's head count; beyond the places left, they wait."""
    form = await posted(request, who)
    event_id, values = text(form, "event"), {"participants": text(form, "participants")}

    def write() -> None:
        relais.events.register(who, event_id, _count(values["participants"]))

    return await _run(request, relais, who, event_id, values, write, "agenda_done_registered")


@router.post("/coordination/registrations/cancel", response_model=None)
async def unregister(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await posted(request, who)
    event_id = text(form, "event")
    return await _run(
        request, relais, who, event_id, {}, lambda: relais.events.unregister(who, event_id), "agenda_done_unregistered"
    )


def _count(typed: str) -> int:
    """A whole number as typed; anything else is said next to the field like pydantic's own refusals."""
    try:
        return int(typed)
    except ValueError:
        raise InvalidInput("a whole number of participants", parameter="participants", code="int_parsing") from None


async def _run(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    event_id: str,
    values: Mapping[str, str],
    write: Callable[[], object],
    done: str,
) -> Response:
    """A refused registration shows the event again with the typed number and the sentence next to it."""
    lang = page_language(request)
    await run_in_threadpool(relais.events.event, who, event_id)  # one the caller may not see is not found
    try:
        await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        failed = Failed("register", values, errors_in(exc, lang, FIELDS))
        return await run_in_threadpool(_event, request, relais, who, event_id, failed, 422)
    query = urlencode({"lang": lang, "done": done})
    return RedirectResponse(f"/agenda/{event_id}?{query}#registration", status_code=303)


# --- the news -------------------------------------------------------------------------------------------


@router.get("/actualites", response_class=HTMLResponse)
def news_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    posts = [_post(p, relais, lang) for p in relais.events.news(who)]
    return render(request, "agenda/news.html", who, posts=posts, feed=f"{base(request)}/v1/news.atom?lang={lang}")


@router.get("/actualites/{post_id}", response_class=HTMLResponse)
def news_post_page(post_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    try:
        post = one_post(relais, who, post_id)
    except NotFound:
        return render(request, "agenda/post.html", who, status=404, post=None)
    return render(request, "agenda/post.html", who, post=_post(post, relais, lang))


def _post(post: NewsPost, relais: Relais, lang: str) -> Mapping[str, Any]:
    words = Words(relais.reference, lang)
    return {
        "id": post.id,
        "title": post.title_in(lang),
        "body": post.body_in(lang),
        "in_french": in_french(post, lang),
        "published": t("agenda_published", lang).format(day=words.day(post.published_on)),
        "topics": words.topics(post.terms),
        "divisions": words.divisions(post.divisions),
        "members_only": post.members_only,
        "link": str(post.link) if post.link else "",
    }
