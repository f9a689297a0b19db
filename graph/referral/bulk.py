"""One store search for every term, for a warm-up that asks every term in every division.

Asked one by one, the warm-up's hundreds of questions each search the store over every service of their
term (on Neo4j at 10k, a second or more for a broad term). `Bulk` asks once for the candidates of every
term at one clearance, and answers each list's search from them with the store's own rules: a service
answers a term it addresses or meets, and a division its locations (hidden ones too) or the communes it
serves are in, or one it lists, or any when it is wider than local. The lists then share their
candidates, which also keeps a warm worker's memory down. A second clearance narrows the first one's
candidates (the locations it may not see taken out, as the store does) instead of searching again: at 100k
each search of every term is tens of seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.models import VISIBLE_AT, AreaScope, Commune, ServiceCandidate, Visibility
from graph.store import GraphStore


@dataclass(frozen=True)
class Bulk:
    """The candidates of every term at one clearance, as the store had them at `version`."""

    version: int
    clearance: Visibility
    terms: frozenset[str]
    found: list[ServiceCandidate]
    by_term: dict[str, list[tuple[ServiceCandidate, frozenset[str] | None]]]
    """term -> its candidates, each with the divisions it answers (None: any)."""

    @classmethod
    def of(
        cls, store: GraphStore, version: int, terms: Iterable[str], clearance: Visibility, held: Iterable[Bulk] = ()
    ) -> Bulk:
        """The candidates of `terms` at `clearance`: narrowed from a `held` bulk of the same version and terms at
        a clearance that sees at least as much, else one store search."""
        terms = frozenset(terms)
        wider = [b for b in held if b.version == version and b.terms == terms and b.sees(clearance)]
        if wider:
            found = [_narrowed(c, VISIBLE_AT[clearance]) for c in wider[0].found]
        else:
            found = store.candidate_services(terms, clearance=clearance)
        division_of = {c.id: c.division for c in store.list(Commune)}
        by_term: dict[str, list[tuple[ServiceCandidate, frozenset[str] | None]]] = {}
        for c in found:
            s = c.service
            reach = None
            if s.area_scope is AreaScope.LOCAL:
                served = {d for commune in s.area_communes if (d := division_of.get(commune))}
                reach = frozenset({*c.located_in, *served, *s.area_divisions})
            for term in s.terms():
                by_term.setdefault(term, []).append((c, reach))
        return cls(version, clearance, terms, found, by_term)

    def sees(self, clearance: Visibility) -> bool:
        """Whether this bulk's clearance shows every location `clearance` shows."""
        return VISIBLE_AT[clearance] <= VISIBLE_AT[self.clearance]

    def search(self, terms: Iterable[str], divisions: Iterable[str] | None) -> list[ServiceCandidate]:
        """What `store.candidate_services(terms, divisions=divisions)` answered at this clearance and version."""
        wanted = None if divisions is None else frozenset(divisions)
        out: dict[str, ServiceCandidate] = {}
        for term in set(terms):
            for c, reach in self.by_term.get(term, ()):
                if wanted is None or reach is None or not reach.isdisjoint(wanted):
                    out[c.service.id] = c
        return [out[i] for i in sorted(out)]


def _narrowed(c: ServiceCandidate, allowed: frozenset[Visibility]) -> ServiceCandidate:
    """`c` as `GraphStore.candidate_services` gives it at a narrower clearance: the locations it may not see
    taken out of the candidate and of its service's list (a copy only when one is)."""
    locations = tuple(loc for loc in c.locations if loc.visibility in allowed)
    if len(locations) == len(c.locations):
        return c
    visible_ids = {loc.id for loc in locations}
    service = c.service.model_copy(
        update={"location_ids": tuple(i for i in c.service.location_ids if i in visible_ids)}
    )
    return c.model_copy(update={"service": service, "locations": locations})
