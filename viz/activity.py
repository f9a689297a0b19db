"""The figures of the platforms' year: the activity report of one year and one division (or the arrondissement).

What the coordination's annual report needs, counted over organisations only (never people): the events held,
by kind, with the organisations and participants (head counts) they reached; the organisations and sectors
reached; the training coverage per topic before the year and at its end; the cooperation links created in the
year (from the change log); the joint projects running; the news published. Pure: the page reads the records
through the use cases and hands them here with the analysis snapshot; the template puts the figures into words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import networkx as nx

from graph.analysis import division_of
from graph.models import (
    Attendance,
    Change,
    Cooperation,
    EventKind,
    EventStatus,
    NewsPost,
    Project,
    ProjectStatus,
    Training,
)


@dataclass(frozen=True)
class Sources:
    """What the year's report reads: the events and their attendances, the change log (newest first, as the
    store gives it), projects, news and the analysis snapshot (organisations with their sector and division)."""

    events: list[Training]
    attendances: list[Attendance]
    changes: list[Change]
    projects: list[Project]
    news: list[NewsPost]
    snapshot: nx.MultiDiGraph


@dataclass(frozen=True)
class HeldEvent:
    """An event held, with the organisations of the scope that came and their head count."""

    event: Training
    present: frozenset[str]
    participants: int

    @property
    def organisations(self) -> int:
        return len(self.present)


@dataclass(frozen=True)
class KindTotal:
    kind: EventKind
    events: int
    organisations: int
    participants: int


@dataclass(frozen=True)
class TopicCoverage:
    """Organisations of the scope trained on a topic before the year began and when it ended, out of `of`."""

    topic: str
    of: int
    before: int
    after: int


@dataclass(frozen=True)
class SectorReach:
    sector: str
    reached: int
    of: int


@dataclass(frozen=True)
class Activity:
    year: int
    division: str | None
    organisations: int
    events: list[HeldEvent] = field(default_factory=list)
    by_kind: list[KindTotal] = field(default_factory=list)
    reached: int = 0
    sectors: list[SectorReach] = field(default_factory=list)
    coverage: list[TopicCoverage] = field(default_factory=list)
    new_links: list[tuple[str, str, int]] = field(default_factory=list)
    """(sector, sector, links entered in Relais in the year and still there), most first."""
    links_imported: int = 0
    """Links created in the year by loading a directory file (the first load included), still there."""
    projects: list[Project] = field(default_factory=list)
    news: list[NewsPost] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return sum(e.participants for e in self.events)

    @property
    def links_created(self) -> int:
        return sum(n for *_, n in self.new_links)


def activity(year: int, division: str | None, sources: Sources) -> Activity:
    """The year's figures for `division` (None: the whole arrondissement)."""
    snapshot = sources.snapshot
    scope = _scope(snapshot, division)
    came = _attendances_by_event(sources.attendances)
    held = [e for e in sources.events if e.held_on.year == year and _held(e, came) and _concerns(e.divisions, division)]
    held.sort(key=lambda e: (e.held_on, e.starts_at or time.min, e.id))
    held.sort(key=lambda e: list(EventKind).index(e.event_kind))  # by kind, by day within a kind
    events = [_held_event(e, came.get(e.id, []), scope) for e in held]
    reached = {org for e in events for org in e.present}
    return Activity(
        year=year,
        division=division,
        organisations=len(scope),
        events=events,
        by_kind=_by_kind(events),
        reached=len(reached),
        sectors=_sectors(snapshot, scope, reached),
        coverage=_coverage(year, held, sources, scope),
        **_new_links(year, sources.changes, snapshot, division),
        projects=[
            p for p in sources.projects if _running(p, year) and (division is None or set(p.partner_ids) & scope)
        ],
        news=sorted(
            (n for n in sources.news if n.published_on.year == year and _concerns(n.divisions, division)),
            key=lambda n: (n.published_on, n.id),
        ),
    )


def _scope(snapshot: nx.MultiDiGraph, division: str | None) -> set[str]:
    """The active organisations of the division (of the whole directory when None)."""
    return {
        n
        for n, data in snapshot.nodes(data=True)
        if data.get("status") == "active" and (division is None or division_of(snapshot, n) == division)
    }


def _concerns(divisions: Iterable[str], division: str | None) -> bool:
    wanted = set(divisions)
    return division is None or not wanted or division in wanted


def _attendances_by_event(attendances: list[Attendance]) -> dict[str, list[Attendance]]:
    found: dict[str, list[Attendance]] = {}
    for a in attendances:
        found.setdefault(a.training_id, []).append(a)
    return found


def _held(event: Training, came: dict[str, list[Attendance]]) -> bool:
    """Held: confirmed so, or attended (older rows carry attendances without a status) and not cancelled."""
    return event.status is EventStatus.HELD or (event.status is not EventStatus.CANCELLED and event.id in came)


def _held_event(event: Training, came: list[Attendance], scope: set[str]) -> HeldEvent:
    """The event with the organisations of the scope that came (a division's report counts its own)."""
    mine = [a for a in came if a.organisation_id in scope]
    return HeldEvent(event, frozenset(a.organisation_id for a in mine), sum(a.participants for a in mine))


def _by_kind(events: list[HeldEvent]) -> list[KindTotal]:
    """Per kind: its events, the organisations that came to one of them (each once), the head count."""
    totals = []
    for kind in EventKind:
        mine = [e for e in events if e.event.event_kind is kind]
        if mine:
            present = set().union(*(e.present for e in mine))
            totals.append(KindTotal(kind, len(mine), len(present), sum(e.participants for e in mine)))
    return totals


def _sectors(snapshot: nx.MultiDiGraph, scope: set[str], reached: set[str]) -> list[SectorReach]:
    """Per sector of the scope: how many of its organisations an event of the year reached, most reached first."""
    everyone = Counter(str(snapshot.nodes[n]["sector"]) for n in scope)
    came = Counter(str(snapshot.nodes[n]["sector"]) for n in reached)
    rows = [SectorReach(s, came.get(s, 0), n) for s, n in everyone.items()]
    return sorted(rows, key=lambda r: (-r.reached, -r.of, r.sector))


def _coverage(year: int, held: list[Training], sources: Sources, scope: set[str]) -> list[TopicCoverage]:
    """For each topic of the year's events: the scope's organisations trained on it by an event held before the
    year, and by one held before its end (the attendances the training-coverage analysis reads)."""
    topics = sorted({code for e in held for code in e.terms})
    on = {e.id: e for e in sources.events if e.status is not EventStatus.CANCELLED}
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = []
    for topic in topics:
        came = [(a.organisation_id, on[a.training_id].held_on) for a in sources.attendances if _about(on, a, topic)]
        before = {org for org, day in came if day < start} & scope
        after = {org for org, day in came if day <= end} & scope
        rows.append(TopicCoverage(topic, len(scope), len(before), len(after)))
    return rows


def _about(events: dict[str, Training], attendance: Attendance, topic: str) -> bool:
    event = events.get(attendance.training_id)
    return event is not None and topic in event.terms


def _new_links(year: int, changes: list[Change], snapshot: nx.MultiDiGraph, division: str | None) -> dict[str, Any]:
    """Cooperation links created in the year (the change log's creations) that are still there and confirmed
    (a pending link is not in the snapshot), each once; for a division, those with an end in it. Those entered
    through Relais (a route: the pages, the API, the CLI) by pair of sectors; those a directory file brought
    (no route: `import_directory`, the first load included) as one number. The report names nobody."""
    entered: dict[str, bool] = {}
    for c in changes:
        if c.entity == Cooperation.kind and c.action == "create" and c.at.year == year and c.entity_id.count("/") == 2:
            entered[c.entity_id] = entered.get(c.entity_id, False) or bool(c.route)
    pairs: Counter[tuple[str, str]] = Counter()
    imported = 0
    for key, by_hand in entered.items():
        a, b, kind = key.split("/")
        if not (snapshot.has_node(a) and snapshot.has_node(b) and snapshot.has_edge(a, b, key=f"cooperation:{kind}")):
            continue
        if division is not None and division not in (division_of(snapshot, a), division_of(snapshot, b)):
            continue
        if not by_hand:
            imported += 1
            continue
        first, second = sorted((str(snapshot.nodes[a]["sector"]), str(snapshot.nodes[b]["sector"])))
        pairs[first, second] += 1
    ranked = [(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"new_links": ranked, "links_imported": imported}


def _running(project: Project, year: int) -> bool:
    """A project that worked during the year: begun (not only planned), started by its end, not ended before."""
    return (
        project.status is not ProjectStatus.PLANNED
        and project.starts_on.year <= year
        and (project.ends_on is None or project.ends_on.year >= year)
    )
