"""The platforms' own work: events (trainings, study days, platform meetings, projects' sessions), the
organisations' registrations (head counts, never names), attendances confirmed after the event, news to the
members and joint projects.

Coordinators keep them all; an organiser's editor keeps the events their organisation organises. Members-only
events and news are for signed-in callers; the public reads the others. Every write checks the version the
form showed (`Stale` otherwise) and goes to the change log with the key id and route.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TypeVar

from graph.errors import Forbidden, InvalidInput, NotFound, Stale
from graph.models import (
    Attendance,
    EventStatus,
    Location,
    NewsPost,
    Organisation,
    Project,
    Registration,
    Training,
    UpsertReport,
    Visibility,
)
from graph.reference import Reference
from graph.referral import Role
from graph.store import GraphStore
from graph.usecases.caller import Caller

Kept = TypeVar("Kept", Training, NewsPost, Project)
SINCE_EVER = datetime.min.replace(tzinfo=UTC)
"""Where a registration from before the queue (no time) stands: first."""


@dataclass(frozen=True)
class EventView:
    """An event as a caller may read it: its place only when the caller's clearance reaches it, and the
    places left after every registration."""

    event: Training
    location: Location | None
    registered: int
    waiting: int

    @property
    def places_left(self) -> int | None:
        return None if self.event.capacity is None else max(0, self.event.capacity - self.registered)

    def closed_to_registrations(self, today: date) -> str | None:
        """Why the event takes no registration (`event_closed`: held, cancelled or past; `registration_closed`:
        after the deadline), or None while it does: the one rule the use case and the agenda page read."""
        event = self.event
        if event.status in (EventStatus.HELD, EventStatus.CANCELLED) or event.held_on < today:
            return "event_closed"
        if event.registration_deadline and event.registration_deadline < today:
            return "registration_closed"
        return None

    @property
    def full(self) -> bool:
        return self.event.status is EventStatus.FULL or self.places_left == 0


class EventCases:
    """Events, registrations, attendances, news and projects."""

    def __init__(self, store: GraphStore, reference: Reference) -> None:
        self.store = store
        self.reference = reference
        self._registering = threading.Lock()
        """One registration at a time in this process: two at once must not both take the last place."""

    # --- reading ------------------------------------------------------------------------------------

    def events(
        self,
        caller: Caller,
        *,
        division: str | None = None,
        term: str | None = None,
        since: date | None = None,
    ) -> list[EventView]:
        """Events by date, those the caller may see: a division's include the arrondissement-wide ones."""
        found = [
            e
            for e in self.store.list(Training)
            if self._may_see(caller, e.members_only)
            and (division is None or not e.divisions or division in e.divisions)
            and (term is None or self._about(e.terms, term))
            and (since is None or e.held_on >= since)
        ]
        return [self._view(caller, e) for e in sorted(found, key=lambda e: (e.held_on, e.starts_at or time.min, e.id))]

    def event(self, caller: Caller, event_id: str) -> EventView:
        """A members-only event does not exist for the public: the very answer of an unknown id."""
        found = self.store.list(Training, ids=[event_id])
        if not found or not self._may_see(caller, found[0].members_only):
            raise NotFound(f"no event «{event_id}»")
        return self._view(caller, found[0])

    def registrations(self, event_id: str) -> list[Registration]:
        return [r for r in self.store.links(Registration) if r.training_id == event_id]

    def news(self, caller: Caller, *, division: str | None = None, term: str | None = None) -> list[NewsPost]:
        """The news the caller may read, latest first."""
        today = date.today()
        found = [
            n
            for n in self.store.list(NewsPost)
            if self._may_see(caller, n.members_only)
            and (n.published_on <= today or caller.role is Role.COORDINATOR)  # a post waits for its day
            and (division is None or not n.divisions or division in n.divisions)
            and (term is None or self._about(n.terms, term))
        ]
        return sorted(found, key=lambda n: (n.published_on, n.id), reverse=True)

    def projects(self) -> list[Project]:
        return self.store.list(Project)

    def version(self, kind: type[Kept], record_id: str) -> str:
        return self.store.get(kind, record_id).content_hash()

    @staticmethod
    def _may_see(caller: Caller, members_only: bool) -> bool:
        return not members_only or caller.role is not Role.PUBLIC

    def _about(self, terms: tuple[str, ...], term: str) -> bool:
        """A feed of a topic carries its narrower topics too (a training on sexual violence is about violence)."""
        wanted = {term, *self.reference.taxonomy.descendants(term)}
        return bool(wanted & set(terms))

    def _view(self, caller: Caller, event: Training) -> EventView:
        location = None
        if event.location_id:
            found = self.store.list(Location, ids=[event.location_id], clearance=_clearance(caller))
            location = found[0] if found else None
        registrations = self.registrations(event.id)
        waiting = sum(r.waiting for r in registrations)
        return EventView(event, location, sum(r.participants for r in registrations) - waiting, waiting)

    # --- writing ------------------------------------------------------------------------------------

    def save(self, caller: Caller, record: Kept, expected: str | None = None) -> UpsertReport:
        """Create (expected None and a new id) or save an event, a news post or a project."""
        self._require_keeper(caller, record)
        if expected is not None:
            stored = self.store.get(type(record), record.id)
            self._require_keeper(caller, stored)
            if stored.content_hash() != expected:
                raise Stale(f"«{record.id}» was changed meanwhile by someone else: nothing was written", stored)
        elif self.store.list(type(record), ids=[record.id]):
            raise InvalidInput(f"«{record.id}» exists already", parameter="id", code="slug")
        self._check_terms(record.terms)
        if isinstance(record, Training):
            self._check_audience(record)
            self._check_place(caller, record)
        return self.store.upsert([record], key_id=caller.key_id, route=caller.route)

    def delete(self, caller: Caller, kind: type[Kept], record_id: str, expected: str) -> None:
        """Delete an event (with its registrations and attendances), a news post or a project."""
        stored = self.store.get(kind, record_id)
        self._require_keeper(caller, stored)
        if stored.content_hash() != expected:
            raise Stale(f"«{record_id}» was changed meanwhile by someone else: nothing was written", stored)
        if isinstance(stored, Training):
            attached = [*self.registrations(record_id), *self._attendances(record_id)]
            for link in attached:
                self.store.remove_link(link, key_id=caller.key_id, route=caller.route)
        self.store.delete(kind, record_id, key_id=caller.key_id, route=caller.route)

    def register(self, caller: Caller, event_id: str, participants: int, today: date | None = None) -> Registration:
        """Register (or change) the caller's organisation's head count; beyond the places left, they wait."""
        org = caller.require_member_of_an_organisation("a registration")
        view = self.event(caller, event_id)
        today = today or date.today()
        _refuse_if_closed(view.closed_to_registrations(today))
        with self._registering:
            current = {r.organisation_id: r for r in self.registrations(event_id)}
            held = sum(r.participants - r.waiting for r in current.values())
            mine = current.get(org)
            later = mine is None or participants > mine.participants  # more places: at the back of the queue
            current[org] = Registration(
                organisation_id=org,
                training_id=event_id,
                participants=participants,
                registered_at=datetime.now(UTC) if later or mine is None else mine.registered_at,
                source=f"registration by {caller.key_id}",
            )
            return self._allot(caller, view.event, current, held)[org]

    def unregister(self, caller: Caller, event_id: str, today: date | None = None) -> None:
        """Withdraw the caller's organisation; those waiting move up into the places it leaves."""
        org = caller.require_member_of_an_organisation("a registration")
        view = self.event(caller, event_id)
        closed = view.closed_to_registrations(today or date.today())
        _refuse_if_closed(closed if closed == "event_closed" else None)  # withdrawing stays open after the deadline
        with self._registering:
            current = {r.organisation_id: r for r in self.registrations(event_id)}
            held = sum(r.participants - r.waiting for r in current.values())
            mine = current.pop(org, None)
            if mine is None:
                raise NotFound("your organisation is not registered for this event")
            self.store.remove_link(mine, key_id=caller.key_id, route=caller.route)
            self._allot(caller, view.event, current, held)

    def _allot(
        self, caller: Caller, event: Training, registrations: dict[str, Registration], held: int
    ) -> dict[str, Registration]:
        """The places in the order organisations registered (then by id): each gets what is left, the rest of
        its head count waits; an event said full keeps the places `held` before the change (none is added).
        Writes the registrations whose share changed, in one write."""
        left = event.capacity if event.status is not EventStatus.FULL else held
        allotted: dict[str, Registration] = {}
        for org, r in sorted(registrations.items(), key=lambda kv: (kv[1].registered_at or SINCE_EVER, kv[0])):
            seats = r.participants if left is None else min(r.participants, max(0, left))
            if left is not None:
                left -= seats
            allotted[org] = r.model_copy(update={"waiting": r.participants - seats})
        changed = [
            r for org, r in allotted.items() if registrations[org].waiting != r.waiting or org == caller.organisation_id
        ]
        if changed:
            self.store.add_links(changed, key_id=caller.key_id, route=caller.route)
        return allotted

    def confirm_attendance(self, caller: Caller, event_id: str, counts: dict[str, int]) -> UpsertReport:
        """After the event: the head counts that came, per organisation — the attendances the training-coverage
        analysis reads; the event is then held."""
        caller.require_coordinator("confirming attendances")
        event = self.store.get(Training, event_id)
        if event.held_on > date.today():
            raise InvalidInput("attendance is confirmed from the event's day", parameter="event", code="event_not_yet")
        unknown = sorted(set(counts) - {o.id for o in self.store.list(Organisation, ids=sorted(counts))})
        if unknown:
            raise InvalidInput(
                f"unknown organisations: {', '.join(unknown)}", parameter="organisation_id", code="missing"
            )
        links = [
            Attendance(organisation_id=org, training_id=event_id, participants=n, source="attendance confirmed")
            for org, n in sorted(counts.items())
            if n > 0
        ]
        report = self.store.add_links(links, key_id=caller.key_id, route=caller.route) if links else UpsertReport()
        for gone in (a for a in self._attendances(event_id) if counts.get(a.organisation_id) == 0):
            self.store.remove_link(gone, key_id=caller.key_id, route=caller.route)  # a zero corrects a count
        if event.status is not EventStatus.HELD:
            held = event.model_copy(update={"status": EventStatus.HELD})
            self.store.upsert([held], key_id=caller.key_id, route=caller.route)
        return report

    def _attendances(self, event_id: str) -> list[Attendance]:
        return [a for a in self.store.links(Attendance) if a.training_id == event_id]

    def _require_keeper(self, caller: Caller, record: Training | NewsPost | Project) -> None:
        """Coordinators keep everything; an organiser's editor keeps its organisation's events."""
        if caller.role is Role.COORDINATOR:
            return
        if isinstance(record, Training) and record.organiser_id and caller.role is Role.EDITOR:
            caller.require_writer(record.organiser_id)
            return
        raise Forbidden("events, news and projects are kept by the coordination (and events by their organiser)")

    def _check_audience(self, event: Training) -> None:
        """The audience is sectors and organisation types of the reference data: a stray code would be shown."""
        types = self.reference.organisation_types
        sectors = {t.sector for t in types.values()}
        for field, codes, known in (
            ("audience_sectors", event.audience_sectors, sectors),
            ("audience_types", event.audience_types, set(types)),
        ):
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise InvalidInput(f"unknown {field}: {', '.join(unknown)}", parameter=field, code="unknown_code")

    def _check_place(self, caller: Caller, event: Training) -> None:
        """An organiser's editor may hold its event at any place a member may read — a hidden one (a shelter's)
        answers exactly like an unknown id, so nobody learns that it exists."""
        place = event.location_id
        if not place or caller.role is Role.COORDINATOR:
            return
        if not self.store.list(Location, ids=[place], clearance=Visibility.NETWORK):
            self.store.check_references([event], unknown={Location: {place}})

    def _check_terms(self, terms: tuple[str, ...]) -> None:
        unknown = [c for c in terms if c not in self.reference.taxonomy.terms]
        if unknown:
            raise InvalidInput(f"unknown topics: {', '.join(unknown)}", parameter="terms", code="unknown_code")


def _clearance(caller: Caller) -> Visibility:
    """An event's place: public for everyone, network for members; a hidden one never (a shelter's rooms)."""
    return Visibility.PUBLIC if caller.role is Role.PUBLIC else Visibility.NETWORK


CLOSED = {
    "event_closed": "this event takes no registrations any more",
    "registration_closed": "registrations are closed",
}


def _refuse_if_closed(code: str | None) -> None:
    if code is not None:
        raise InvalidInput(CLOSED[code], parameter="event", code=code)
