"""The platforms' agenda, news and projects to read: JSON under /v1, and the feeds to subscribe to —
`/v1/events.ics` (per division, per topic or all) and `/v1/news.atom`.

Read-only, for anybody: the public reads the public events and news, a member (key or session) the
members-only ones too. An event's place is given only when the caller's clearance reaches its location;
a hidden address is never read here (`graph.usecases.events`). The writes are in routers/events.py.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.bootstrap import Relais
from api.feeds import Words, atom, calendar, event_url, in_french, news_url
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, LangDep, RelaisDep
from api.i18n import t
from graph.errors import InvalidInput, NotFound
from graph.models import NewsPost, Training
from graph.referral import Role
from graph.usecases.events import EventView

router = APIRouter(prefix="/v1", tags=["events"])

CALENDAR = "text/calendar; charset=utf-8"
CALENDAR_KEEPS_DAYS = 365
"""A subscribed calendar keeps the past year's events (they would vanish from it otherwise)."""

DivisionQuery = Annotated[str | None, Query(max_length=60, description="a division's id: huy, liege, verviers")]
TopicQuery = Annotated[str | None, Query(max_length=80, description="a topic's code (its narrower topics too)")]


Clock = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", description="the hour in Brussels, HH:MM", examples=["09:30"])]
"""A time of day without an offset: JSON Schema's «time» format wants one, an event's hour is Brussels'."""


class Named(BaseModel):
    id: str
    label: str


class PlaceOut(BaseModel):
    name: str
    address: str
    postcode: str
    commune: str


class EventOut(BaseModel):
    """An event as the caller may read it. `place` is null when there is none or the caller may not read it;
    `place_private` says which."""

    id: str
    title: str
    kind: str
    kind_label: str
    day: date
    starts_at: Clock | None
    ends_at: Clock | None
    when: str
    divisions: list[Named]
    topics: list[Named]
    audience: list[str]
    organiser: Named | None
    place: PlaceOut | None
    place_private: bool
    capacity: int | None
    registered: int
    waiting: int
    places_left: int | None
    full: bool
    registration_deadline: date | None
    status: str
    members_only: bool
    description: str
    project_id: str | None
    url: str


class NewsOut(BaseModel):
    """`language` is the one the title and body are written in (French where the asked one is missing)."""

    id: str
    title: str
    body: str
    language: str
    published_on: date
    topics: list[Named]
    divisions: list[Named]
    members_only: bool
    link: str | None
    url: str


class ProjectOut(BaseModel):
    id: str
    name: str
    partners: list[Named]
    topics: list[Named]
    starts_on: date
    ends_on: date | None
    status: str
    description: str


# --- events ------------------------------------------------------------------------------------------------


@router.get("/events", response_model=list[EventOut])
def events(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    lang: LangDep,
    division: DivisionQuery = None,
    topic: TopicQuery = None,
    since: date | None = None,
) -> list[EventOut]:
    """The events the caller may read, by date; a division's include the arrondissement-wide ones."""
    checked(relais, division, topic)
    found = relais.events.events(who, division=division, term=topic, since=since)
    return [event_out(relais, v, lang, base(request)) for v in found]


@router.get("/events.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def events_calendar(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    lang: LangDep,
    division: DivisionQuery = None,
    topic: TopicQuery = None,
) -> Response:
    """The agenda as iCalendar (RFC 5545) to subscribe to: all events, a division's or a topic's, from a year
    ago on. A calendar client cannot sign in: without a key it carries the public agenda."""
    checked(relais, division, topic)
    tag = feed_tag(request, relais, who, lang)
    if held := unchanged(request, tag, who):
        return held
    since = date.fromordinal(date.today().toordinal() - CALENDAR_KEEPS_DAYS)
    found = relais.events.events(who, division=division, term=topic, since=since)
    name = calendar_name(relais, lang, division, topic)
    body = calendar(found, Words(relais.reference, lang), name=name, base_url=base(request), now=datetime.now(UTC))
    return Response(body, media_type=CALENDAR, headers=feed_headers(tag, who, "relais-agenda.ics"))


@router.get("/events/{event_id}.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def event_calendar(event_id: str, request: Request, relais: RelaisDep, who: CallerDep, lang: LangDep) -> Response:
    """One event to add to a calendar once."""
    view = relais.events.event(who, event_id)
    words = Words(relais.reference, lang)
    body = calendar([view], words, name=view.event.title, base_url=base(request), now=datetime.now(UTC))
    tag = feed_tag(request, relais, who, lang)
    return Response(body, media_type=CALENDAR, headers=feed_headers(tag, who, f"{event_id}.ics"))


@router.get("/events/{event_id}", response_model=EventOut)
def event(event_id: str, request: Request, relais: RelaisDep, who: CallerDep, lang: LangDep) -> EventOut:
    """A members-only event does not exist for the public (404)."""
    return event_out(relais, relais.events.event(who, event_id), lang, base(request))


# --- news and projects -------------------------------------------------------------------------------------


@router.get("/news", response_model=list[NewsOut])
def news(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    lang: LangDep,
    division: DivisionQuery = None,
    topic: TopicQuery = None,
) -> list[NewsOut]:
    """The news the caller may read, latest first, in the asked language where written, else in French."""
    checked(relais, division, topic)
    return [news_out(relais, p, lang, base(request)) for p in relais.events.news(who, division=division, term=topic)]


@router.get("/news.atom", response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
def news_feed(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    lang: LangDep,
    division: DivisionQuery = None,
    topic: TopicQuery = None,
) -> Response:
    """The news as an Atom feed (RFC 4287) for feed readers: public news without a key."""
    checked(relais, division, topic)
    tag = feed_tag(request, relais, who, lang)
    if held := unchanged(request, tag, who):
        return held
    posts = relais.events.news(who, division=division, term=topic)
    words = Words(relais.reference, lang)
    feed_url = f"{base(request)}{request.url.path}?{request.url.query}".rstrip("?")
    body = atom(posts, words, base_url=base(request), feed_url=feed_url, now=datetime.now(UTC))
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=feed_headers(tag, who))


@router.get("/news/{post_id}", response_model=NewsOut)
def news_post(post_id: str, request: Request, relais: RelaisDep, who: CallerDep, lang: LangDep) -> NewsOut:
    return news_out(relais, one_post(relais, who, post_id), lang, base(request))


@router.get("/projects", response_model=list[ProjectOut])
def projects(relais: RelaisDep, lang: LangDep) -> list[ProjectOut]:
    """The joint projects and partnerships; their partners count as cooperating on the map."""
    words = Words(relais.reference, lang)
    return [
        ProjectOut(
            id=p.id,
            name=p.name,
            partners=[Named(id=o, label=organisation_name(relais, o)) for o in p.partner_ids],
            topics=named_topics(words, p.terms),
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            status=p.status.value,
            description=p.description,
        )
        for p in sorted(relais.events.projects(), key=lambda p: (p.starts_on, p.id))
    ]


# --- what the routes and the pages share -------------------------------------------------------------------


def base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def checked(relais: Relais, division: str | None, topic: str | None) -> None:
    """An unknown division or topic is a mistake to say (422), not an empty agenda."""
    if division is not None and division not in relais.reference.geography.divisions:
        raise InvalidInput(f"unknown division «{division}»", parameter="division", code="unknown_code")
    if topic is not None and topic not in relais.reference.taxonomy.terms:
        raise InvalidInput(f"unknown topic «{topic}»", parameter="topic", code="unknown_code")


def calendar_name(relais: Relais, lang: str, division: str | None, topic: str | None) -> str:
    """«Agenda des Plateformes Violences (…) — Division de Verviers — Thème « Grossesse… »»."""
    parts = [t("agenda_calname", lang)]
    if division:
        label = relais.reference.geography.divisions[division].label(lang)
        parts.append(t("agenda_subscribe_division", lang).format(division=label))
    if topic:
        label = relais.reference.taxonomy.terms[topic].label(lang)
        parts.append(t("agenda_subscribe_topic", lang).format(topic=label))
    return " — ".join(parts)


def feed_tag(request: Request, relais: Relais, who: HttpCaller, lang: str) -> str:
    """A feed changes with the directory's version (registrations included), the day (places, deadlines, the
    year kept), the caller's reach and the question: calendars polling it get a 304 otherwise."""
    key = (
        f"{relais.store.version()}|{date.today()}|{who.role is Role.PUBLIC}|{lang}|{request.url.path}|"
        f"{sorted(request.query_params.multi_items())}"
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def feed_headers(tag: str, who: HttpCaller, filename: str | None = None) -> dict[str, str]:
    """A member's feed holds members-only entries: no shared cache keeps it."""
    headers = {
        "ETag": tag,
        "Cache-Control": "public, max-age=600" if who.role is Role.PUBLIC else "private, no-cache",
        "Vary": "Authorization, Cookie, Accept-Language",
    }
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return headers


def unchanged(request: Request, tag: str, who: HttpCaller) -> Response | None:
    """304 when the client holds this very feed already."""
    held = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    return Response(status_code=304, headers=feed_headers(tag, who)) if tag in held else None


def one_post(relais: Relais, who: HttpCaller, post_id: str) -> NewsPost:
    found = [p for p in relais.events.news(who) if p.id == post_id]
    if not found:
        raise NotFound(f"no news post «{post_id}»")  # a members-only post does not exist for the public
    return found[0]


def organisation_name(relais: Relais, organisation_id: str) -> str:
    try:
        return relais.directory.organisation(organisation_id).name
    except NotFound:
        return ""


def named_topics(words: Words, codes: tuple[str, ...]) -> list[Named]:
    terms = words.reference.taxonomy.terms
    return [Named(id=c, label=terms[c].label(words.lang)) for c in codes if c in terms]


def named_divisions(words: Words, ids: tuple[str, ...]) -> list[Named]:
    known = words.reference.geography.divisions
    return [Named(id=d, label=known[d].label(words.lang)) for d in ids if d in known]


def event_out(relais: Relais, view: EventView, lang: str, base_url: str) -> EventOut:
    event: Training = view.event
    words = Words(relais.reference, lang)
    place = view.location
    commune = relais.reference.geography.communes.get(place.commune) if place else None
    return EventOut(
        id=event.id,
        title=event.title,
        kind=event.event_kind.value,
        kind_label=words.kind(event),
        day=event.held_on,
        starts_at=_clock(event.starts_at),
        ends_at=_clock(event.ends_at),
        when=words.when(event),
        divisions=named_divisions(words, event.divisions),
        topics=named_topics(words, event.terms),
        audience=words.audience(event),
        organiser=Named(id=event.organiser_id, label=organisation_name(relais, event.organiser_id))
        if event.organiser_id
        else None,
        place=PlaceOut(
            name=place.name, address=place.address, postcode=place.postcode, commune=commune.name if commune else ""
        )
        if place
        else None,
        place_private=place is None and event.location_id is not None,
        capacity=event.capacity,
        registered=view.registered,
        waiting=view.waiting,
        places_left=view.places_left,
        full=view.full,
        registration_deadline=event.registration_deadline,
        status=event.status.value,
        members_only=event.members_only,
        description=event.description,
        project_id=event.project_id,
        url=event_url(base_url, event.id, lang),
    )


def news_out(relais: Relais, post: NewsPost, lang: str, base_url: str) -> NewsOut:
    words = Words(relais.reference, lang)
    return NewsOut(
        id=post.id,
        title=post.title_in(lang),
        body=post.body_in(lang),
        language="fr" if in_french(post, lang) else lang,
        published_on=post.published_on,
        topics=named_topics(words, post.terms),
        divisions=named_divisions(words, post.divisions),
        members_only=post.members_only,
        link=str(post.link) if post.link else None,
        url=news_url(base_url, post.id, lang),
    )


def _clock(at: time | None) -> str | None:
    return at.strftime("%H:%M") if at else None
