"""One store search for every term, for a warm-up that asks every term in every division.

Asked one by one, the warm-up's hundreds of questions each search the store over every service of their
term (on Neo4j at 10k, a second or more for a broad term). `Bulk` asks once for the candidates of every
term at one clearance, and answers each list's search from them with the store's own rules: a service
answers a term it addresses or meets, and a division its locations (hidden ones too) or the communes it
serves are in, or one it lists, or any when it is wider than local. The lists then share their
candidates, which also keeps a warm worker's memory down. Every list is ranked at the referral path's one
clearance (`graph.referral.engine.RANKED_AT`), so one bulk serves every caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graph.models import AreaScope, Commune, ServiceCandidate, Visibility
from graph.store import GraphStore


@dataclass(frozen=True)
class Bulk:
    """The candidates of every term at one clearance, as the store had them at `version`."""

    version: int
    by_term: dict[str, list[tuple[ServiceCandidate, frozenset[str] | None]]]
    """term -> its candidates, each with the divisions it answers (None: any)."""

    @classmethod
    def of(cls, store: GraphStore, version: int, terms: Iterable[str], clearance: Visibility) -> Bulk:
        """The candidates of `terms` at `clearance`: one store search."""
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
        return cls(version, by_term)

    def search(self, terms: Iterable[str], divisions: Iterable[str] | None) -> list[ServiceCandidate]:
        """What `store.candidate_services(terms, divisions=divisions)` answered at this clearance and version."""
        wanted = None if divisions is None else frozenset(divisions)
        out: dict[str, ServiceCandidate] = {}
        for term in set(terms):
            for c, reach in self.by_term.get(term, ()):
                if wanted is None or reach is None or not reach.isdisjoint(wanted):
                    out[c.service.id] = c
        return [out[i] for i in sorted(out)]
