"""The links between organisations: cooperation and referral aggregates, partners, paths, change log."""

from __future__ import annotations

from collections.abc import Iterable

from graph.models import Change, Cooperation, Link, Organisation, ReferralFlow, UpsertReport
from graph.store import GraphStore
from graph.usecases.caller import Caller

Named = tuple[str, str]
"""(organisation id, name)."""


class NetworkCases:
    """Who works with whom, and who wrote what."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def links(self, organisation_id: str | None = None) -> list[Link]:
        if organisation_id:
            self.store.get(Organisation, organisation_id)
        return [
            *self.store.links(Cooperation, organisation_id=organisation_id),
            *self.store.links(ReferralFlow, organisation_id=organisation_id),
        ]

    def add_link(self, caller: Caller, link: Cooperation | ReferralFlow) -> UpsertReport:
        self._require_link_writer(caller, link)
        return self.store.add_links([link], key_id=caller.key_id, route=caller.route)

    def remove_link(self, caller: Caller, link: Cooperation | ReferralFlow) -> None:
        self._require_link_writer(caller, link)
        self.store.remove_link(link, key_id=caller.key_id, route=caller.route)

    @staticmethod
    def _require_link_writer(caller: Caller, link: Cooperation | ReferralFlow) -> None:
        """An editor writes the links its own organisation is an end of."""
        ends = (link.a, link.b) if isinstance(link, Cooperation) else (link.from_id, link.to_id)
        if caller.organisation_id not in ends:
            caller.require_writer(ends[0])

    def partners(self, organisation_id: str, hops: int) -> list[tuple[str, str, int]]:
        """(id, name, distance) of the organisations reachable through cooperation links."""
        found = self.store.partners(organisation_id, hops)
        names = self._names(found)
        return [(i, names[i], d) for i, d in found.items()]

    def paths(self, from_id: str, to_id: str, max_hops: int, limit: int) -> list[list[Named]]:
        """Shortest cooperation paths between two organisations, each organisation with its name."""
        found = self.store.paths(from_id, to_id, max_hops=max_hops, limit=limit)
        names = self._names({i for p in found for i in p})
        return [[(i, names[i]) for i in p] for p in found]

    def _names(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(ids))
        return {o.id: o.name for o in self.store.list(Organisation, ids=wanted)} if wanted else {}

    def changes(self, caller: Caller, limit: int = 100) -> list[Change]:
        """The change log: every write with its key id, time, route and before/after diff (coordinators)."""
        caller.require_coordinator()
        return self.store.changes(limit=limit)
