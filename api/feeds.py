"""The platforms' agenda and news in words, and as the feeds calendars and feed readers subscribe to:
iCalendar (RFC 5545, written with `icalendar`) and Atom (RFC 4287, written with `feedgen`).

Members subscribe instead of coming back to check. A calendar client cannot sign in, so a subscription
normally carries the public agenda; the routes pass the events the caller may read, and each event's place
only when the caller's clearance reaches it (`EventView.location`) — a hidden address never gets here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from icalendar import Calendar, Event, Timezone

from api.http.routers.pages.finder import hour
from api.i18n import t
from api.reasons import readable_date
from graph.models import EventStatus, NewsPost, Training
from graph.reference import Reference
from graph.usecases.events import EventView
from viz.texts import SECTOR_NAMES, organisation_type, say

BRUSSELS = ZoneInfo("Europe/Brussels")
PRODID = "-//Plateformes Violences - Province de Liege//Relais//FR"


@dataclass(frozen=True)
class Words:
    """An event's facts said in one language: the same sentences on the pages and in the calendar."""

    reference: Reference
    lang: str

    def kind(self, event: Training) -> str:
        return t(f"agenda_kind_{event.event_kind.value}", self.lang)

    def when(self, event: Training) -> str:
        """«jeudi 3 décembre 2026, 9 h 30 – 12 h»: the day with its weekday, then the hours when known."""
        weekday = t("agenda_weekdays", self.lang).split()[event.held_on.weekday()]
        day = f"{weekday} {readable_date(event.held_on, self.lang)}"
        if event.starts_at is None:
            return day
        start = self.clock(event.starts_at)
        if event.ends_at is None:
            return f"{day}, {t('agenda_from', self.lang).format(start=start)}"
        return f"{day}, {start} – {self.clock(event.ends_at)}"

    def clock(self, at: time) -> str:
        return hour(at.strftime("%H:%M"), self.lang)

    def day(self, on: date) -> str:
        return readable_date(on, self.lang)

    def topics(self, codes: Sequence[str]) -> list[str]:
        terms = self.reference.taxonomy.terms
        return [terms[c].label(self.lang) for c in codes if c in terms]

    def divisions(self, ids: Sequence[str]) -> str:
        known = self.reference.geography.divisions
        named = [known[d].label(self.lang) for d in ids if d in known]
        return ", ".join(named) if named else t("agenda_whole_arrondissement", self.lang)

    def audience(self, event: Training) -> list[str]:
        """The sectors and organisation types an event is meant for, in words."""
        sectors = [say(SECTOR_NAMES, s, self.lang) for s in event.audience_sectors if s in SECTOR_NAMES]
        types = [
            organisation_type(self.reference, c, self.lang)
            for c in event.audience_types
            if c in self.reference.organisation_types
        ]
        return [*sectors, *types]

    def place(self, view: EventView) -> str:
        """Where, when the caller may read it; «lieu communiqué aux inscrits» when the place is kept from them."""
        if view.location is None:
            key = "agenda_place_private" if view.event.location_id else "agenda_place_unknown"
            return t(key, self.lang)
        found = view.location
        commune = self.reference.geography.communes.get(found.commune)
        town = " ".join(x for x in (found.postcode, commune.name if commune else "") if x)
        return ", ".join(x for x in (found.name, found.address, town) if x)

    def seats(self, view: EventView) -> str:
        """Places left, «complet — liste d'attente», or nothing when the event takes everybody."""
        if view.full:
            return t("agenda_full_waiting", self.lang)
        if view.places_left is None:
            return ""
        if view.places_left == 1:
            return t("agenda_places_left_one", self.lang)
        return t("agenda_places_left", self.lang).format(n=view.places_left)

    def deadline(self, event: Training, today: date, *, alone: bool = True) -> str:
        """«Inscriptions jusqu'au 22 décembre 2026»; «jusqu'au …» under a heading that says «Inscriptions»."""
        if event.registration_deadline is None:
            return ""
        if event.registration_deadline < today:
            return t("agenda_deadline_passed", self.lang)
        key = "agenda_deadline" if alone else "agenda_until"
        return t(key, self.lang).format(day=self.day(event.registration_deadline))

    def status(self, event: Training) -> str:
        """Only what changes a reader's plans: cancelled, or held already."""
        if event.status in (EventStatus.CANCELLED, EventStatus.HELD):
            return t(f"agenda_status_{event.status.value}", self.lang)
        return ""


def event_url(base_url: str, event_id: str, lang: str) -> str:
    return f"{base_url}/agenda/{event_id}?lang={lang}"


def news_url(base_url: str, post_id: str, lang: str) -> str:
    return f"{base_url}/actualites/{post_id}?lang={lang}"


def in_french(post: NewsPost, lang: str) -> bool:
    """The post is shown in French because it was not written in the asked language."""
    return lang != "fr" and getattr(post, f"title_{lang}", None) is None


# --- iCalendar ---------------------------------------------------------------------------------------------


def calendar(views: Sequence[EventView], words: Words, *, name: str, base_url: str, now: datetime) -> bytes:
    """One VCALENDAR with a VEVENT per event; times in Europe/Brussels with its VTIMEZONE, all-day when the
    event has no hours."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    for view in views:
        cal.add_component(_vevent(view, words, base_url, now))
    days = [v.event.held_on for v in views] or [now.date()]
    first, last = min(days) - timedelta(days=366), max(days) + timedelta(days=366)
    if views:
        cal.add_missing_timezones(first_date=first, last_date=last)
    else:  # RFC 5545 wants one component at least: an agenda with nothing announced yet keeps its time zone
        cal.add_component(Timezone.from_tzid("Europe/Brussels", first_date=first, last_date=last))
    return bytes(cal.to_ical())


def _vevent(view: EventView, words: Words, base_url: str, now: datetime) -> Event:
    event = view.event
    vevent = Event()
    vevent.add("uid", f"{event.id}@relais")
    vevent.add("dtstamp", now.astimezone(UTC))
    if event.starts_at is None:
        vevent.add("dtstart", event.held_on)
        vevent.add("dtend", event.held_on + timedelta(days=1))
    else:
        vevent.add("dtstart", datetime.combine(event.held_on, event.starts_at, BRUSSELS))
        if event.ends_at is not None:
            vevent.add("dtend", datetime.combine(event.held_on, event.ends_at, BRUSSELS))
    vevent.add("summary", event.title)
    vevent.add("description", _description(view, words))
    if view.location is not None:
        vevent.add("location", words.place(view))
    vevent.add("status", "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED")
    vevent.add("url", event_url(base_url, event.id, words.lang))
    for topic in words.topics(event.terms):
        vevent.add("categories", topic)
    return vevent


def _description(view: EventView, words: Words) -> str:
    """What a calendar shows under the title: kind, topics, divisions, places left, the event's own text."""
    lang, event = words.lang, view.event
    lines = [words.kind(event), words.status(event)]
    topics = words.topics(event.terms)
    if topics:
        lines.append(f"{t('agenda_topics', lang)}{t('finder_colon', lang)} {', '.join(topics)}")
    lines.append(f"{t('agenda_where', lang)}{t('finder_colon', lang)} {words.divisions(event.divisions)}")
    if view.location is None and event.location_id:
        lines.append(t("agenda_place_private", lang))
    lines += [words.seats(view), words.deadline(event, date.today()), event.description]
    return "\n".join(line for line in lines if line)


# --- Atom ----------------------------------------------------------------------------------------------------


def atom(posts: Sequence[NewsPost], words: Words, *, base_url: str, feed_url: str, now: datetime) -> bytes:
    """The news as an Atom feed in the asked language, each post in French where it has no translation."""
    lang = words.lang
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(t("agenda_news", lang))
    feed.subtitle(t("agenda_news_intro", lang))
    feed.author({"name": t("agenda_author", lang)})
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.link(href=f"{base_url}/actualites?lang={lang}", rel="alternate", type="text/html")
    feed.language(lang)
    feed.updated(max((_updated(p) for p in posts), default=now))
    links: dict[str, list[dict[str, str]]] = {}
    for post in reversed(posts):  # feedgen puts each new entry first: the latest ends on top
        entry = feed.add_entry()
        entry_id = f"{base_url}/actualites/{post.id}"  # the same post in every language's feed
        entry.id(entry_id)
        marked = f" {t('agenda_in_french', lang)}" if in_french(post, lang) else ""
        entry.title(post.title_in(lang) + marked)
        entry.updated(_updated(post))
        entry.published(_moment(post.published_on))
        links[entry_id] = [{"href": news_url(base_url, post.id, lang), "rel": "alternate", "type": "text/html"}]
        if post.link:
            links[entry_id].append({"href": str(post.link), "rel": "related"})
        entry.content(post.body_in(lang), type="text")
        for topic in words.topics(post.terms):
            entry.category(term=topic)
    french = {f"{base_url}/actualites/{p.id}" for p in posts if in_french(p, lang)}
    return _entries_fixed(bytes(feed.atom_str(pretty=True)), links, french)


ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _entries_fixed(document: bytes, links: dict[str, list[dict[str, str]]], french: set[str]) -> bytes:
    """Each entry's links with their `rel` and `type` (feedgen 1.0 drops them, which makes two «alternate»
    links, against RFC 4287 §4.1.1), and `xml:lang="fr"` on a post read in French in another language's feed."""
    ElementTree.register_namespace("", ATOM[1:-1])
    root = ElementTree.fromstring(document)
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        for old in entry.findall(f"{ATOM}link"):
            entry.remove(old)
        for attributes in links.get(entry_id, []):
            ElementTree.SubElement(entry, f"{ATOM}link", attributes)
        if entry_id in french:
            entry.set(XML_LANG, "fr")
    ElementTree.indent(root)
    return bytes(ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), BRUSSELS)


def _updated(post: NewsPost) -> datetime:
    """When the post last changed (the store's time of its last save), so feed readers see an edit."""
    return post.modified_at or _moment(post.published_on)
