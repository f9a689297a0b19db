"""The links between organisations: cooperation and referral aggregates, partners, paths, change log."""

from __future__ import annotations

from collections.abc import Iterable

from graph.errors import Forbidden, InvalidInput, NotFound, Stale
from graph.models import Change, Cooperation, Link, LinkStatus, Organisation, ReferralFlow, UpsertReport
from graph.referral import Role
from graph.store import GraphStore
from graph.usecases.caller import Caller

Named = tuple[str, str]
"""(organisation id, name)."""


class NetworkCases:
    """Who works with whom, and who wrote what."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def links(self, caller: Caller, organisation_id: str | None = None) -> list[Link]:
        """Confirmed links for everyone; pending cooperations only for their two ends and coordinators."""
        if organisation_id:
            self.store.get(Organisation, organisation_id)
        return [
            *(
                x
                for x in self.store.links(Cooperation, organisation_id=organisation_id)
                if x.status is LinkStatus.CONFIRMED or caller.may_see_pending((x.a, x.b))
            ),
            *self.store.links(ReferralFlow, organisation_id=organisation_id),
        ]

    def add_link(self, caller: Caller, link: Cooperation | ReferralFlow) -> UpsertReport:
        """A cooperation declared by an editor of one end waits for the other end (or a coordinator):
        writing the same link from the other end confirms it. Referral counts come from the sending side."""
        self._require_link_writer(caller, link)
        if isinstance(link, Cooperation):
            self._check_dates(link)
            link = self._agreed(caller, link)
        return self.store.add_links([link], key_id=caller.key_id, route=caller.route)

    def _agreed(self, caller: Caller, link: Cooperation) -> Cooperation:
        confirmed = link.model_copy(update={"status": LinkStatus.CONFIRMED, "requested_by": None})
        if caller.role is Role.COORDINATOR:
            return confirmed
        stored = next((x for x in self.store.links(Cooperation, organisation_id=link.a) if x.key() == link.key()), None)
        if stored is not None and (
            stored.status is LinkStatus.CONFIRMED or stored.requested_by != caller.organisation_id
        ):
            return confirmed  # already agreed, or the other end asked and this end answers
        return link.model_copy(update={"status": LinkStatus.PENDING, "requested_by": caller.organisation_id})

    def remove_link(self, caller: Caller, link: Cooperation | ReferralFlow, expected: str | None = None) -> None:
        """`expected`: the link's version the form showed (its content hash); a changed link is not removed."""
        self._require_link_writer(caller, link)
        if expected is not None and isinstance(link, Cooperation):
            self._check_version(caller, link, expected)
        self.store.remove_link(link, key_id=caller.key_id, route=caller.route)

    def cooperation(self, caller: Caller, a: str, b: str, kind: str) -> Cooperation:
        """One cooperation as this caller may see it (a pending one only by its ends and coordinators)."""
        wanted = (Cooperation.kind, *sorted((a, b)), kind)
        for link in self.store.links(Cooperation, organisation_id=a):
            if link.key() == wanted and (link.status is LinkStatus.CONFIRMED or caller.may_see_pending((a, b))):
                return link
        raise NotFound(f"no cooperation link {a} – {b} ({kind})")

    def _check_version(self, caller: Caller, link: Cooperation, expected: str) -> None:
        stored = self.cooperation(caller, link.a, link.b, link.cooperation)
        if stored.content_hash() != expected:
            raise Stale("the link was changed meanwhile by someone else: nothing was written", stored)

    def edit_link(
        self, caller: Caller, before: Cooperation, after: Cooperation, expected: str | None = None
    ) -> UpsertReport:
        """Kind, dates or source of a cooperation. Another kind is another link (its key): the old one goes
        and the new one waits for the other end like any declared link (the same kind keeps its status)."""
        if (before.a, before.b) != (after.a, after.b):
            raise InvalidInput("a link's ends do not change: remove it and add another", parameter="b")
        self._require_link_writer(caller, before)
        if expected is not None:
            self._check_version(caller, before, expected)
        self._check_dates(after)
        if after.key() != before.key():
            clash = next(
                (x for x in self.store.links(Cooperation, organisation_id=after.a) if x.key() == after.key()), None
            )
            if clash is not None:
                raise InvalidInput(
                    "this kind of link exists already between them", parameter="cooperation", code="link_exists"
                )
            report = self.add_link(caller, after)
            self.store.remove_link(before, key_id=caller.key_id, route=caller.route)
            return report
        return self.add_link(caller, after)

    def confirm_link(self, caller: Caller, link: Cooperation) -> UpsertReport:
        """The other end (or a coordinator) agrees to a pending link; its declarer cannot confirm it alone."""
        stored = self.cooperation(caller, link.a, link.b, link.cooperation)
        self._require_link_writer(caller, stored)
        if stored.status is LinkStatus.CONFIRMED:
            return UpsertReport(unchanged=1)
        if caller.role is not Role.COORDINATOR and stored.requested_by == caller.organisation_id:
            raise Forbidden("the other organisation confirms a link this one declared")
        return self.add_link(caller, stored)

    @staticmethod
    def _check_dates(link: Cooperation) -> None:
        if link.since and link.until and link.until < link.since:
            raise InvalidInput("the link ends before it starts", parameter="until", code="ends_before_start")

    @staticmethod
    def _require_link_writer(caller: Caller, link: Cooperation | ReferralFlow) -> None:
        """An editor writes the cooperations its own organisation is an end of, and the referral counts it
        sent (the receiving side does not count for the sender)."""
        if isinstance(link, ReferralFlow):
            caller.require_writer(link.from_id)
        elif caller.organisation_id not in (link.a, link.b):
            caller.require_writer(link.a)

    def partners(self, organisation_id: str, hops: int) -> list[tuple[str, str, int]]:
        """(id, name, distance) of the organisations reachable through confirmed cooperation links."""
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

    def purge_changes(self, caller: Caller, text: str) -> int:
        """Remove a value from the whole change log (something about a person typed by mistake): every
        diff value containing `text` becomes a marker; the purge is logged without the value."""
        caller.require_coordinator()
        return self.store.purge_changes(text, key_id=caller.key_id, route=caller.route)
