"""A ranked list of candidates, in the order of the answer, and its orders for each language asked.

The engine keeps one `Ranking` per `RankingKey` (term, situation, division, clearance, urgency, day) in the
`RankingCache`; the person's language reorders it — direct answers speaking it first — and that order is
computed once per language from the same list, without another store query. An edit of one of its
services that leaves the service where it was (a capacity, a language, opening hours) re-ranks that one
candidate in place (`Ranking.rescored`); other edits have the touched services read again from the store
(`Ranking.refreshed`), the rest of the list kept as it is.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from graph.models import Location, Organisation, Service, ServiceCandidate
from graph.referral.scoring import Scorer

Order = tuple[bool, bool, float, str, str]


@dataclass(frozen=True, slots=True, order=True)
class Ranked:
    """A candidate with the part of its score that does not depend on who asks."""

    order: Order
    """(after the 24/7 services when urgent, after the direct answers in the person's language when one is
    asked, minus the static score, organisation name, service id)."""
    static: float = field(compare=False)
    candidate: ServiceCandidate = field(compare=False)
    wanted: bool = field(compare=False)
    """It answers the term asked (or a narrower one), not only a broader term."""
    local: bool = field(compare=False)
    """It is a service of the division asked (located there or serving it), or no division was asked."""
    direct: bool = field(compare=False)
    """It answers the term asked where the person is: not a broader term, not another division."""

    def in_language(self, language: str, scorer: Scorer) -> Ranked:
        """The same candidate ranked for someone speaking `language`: its points for it, first if it speaks it
        and answers directly."""
        reason = scorer.language(self.candidate, language)
        static = self.static + reason.points
        after, _, _, name, sid = self.order
        first = self.direct and reason.code == "speaks"
        return replace(self, order=(after, not first, -static, name, sid), static=static)


PLACEMENT = (
    *("organisation_id", "situations", "needs", "status"),
    *("area_scope", "area_divisions", "area_communes", "location_ids"),
)
"""What decides which lists a service is in: an edit of anything else re-ranks it in place."""


def same_place(old: Service, new: Service) -> bool:
    """Whether `new` belongs to exactly the lists `old` belonged to (same terms, area, locations, status).

    >>> from datetime import date
    >>> from graph.models import Capacity
    >>> old = Service(id="s", organisation_id="o", name="Accueil", needs=("shelter",), source="exemple")
    >>> places = Capacity(available=2, total=9, updated_at=date(2026, 11, 28))
    >>> same_place(old, old.model_copy(update={"capacity": places}))
    True
    >>> same_place(old, old.model_copy(update={"needs": ("legal-advice",)}))
    False
    """
    return all(getattr(old, f) == getattr(new, f) for f in PLACEMENT)


Rank = Callable[[ServiceCandidate], Ranked]
Search = Callable[[Iterable[str]], list[ServiceCandidate]]


class Ranking:
    """The candidates of one ranking key in answer order, and that order for each language asked (kept).

    Never changed once made (questions read it without a lock): `rescored` makes a new one."""

    def __init__(self, ranked: list[Ranked], scorer: Scorer, rank: Rank, search: Search) -> None:
        """`rank`: how the list's question ranks one candidate (its static points); `search`: the list's store
        search among some services — both kept to bring the list up to date after an edit."""
        self.ranked = ranked
        self.scorer = scorer
        self.rank = rank
        self.search = search
        self._languages: dict[str, list[Ranked]] = {}
        self._by_id: dict[str, Ranked] | None = None
        self._held: frozenset[tuple[str, str]] | None = None

    def for_language(self, language: str | None) -> list[Ranked]:
        """The list for a person speaking `language` (None: none asked), computed on its first question.

        Two threads asking at once may both compute it: the same list, the last one kept."""
        if language is None:
            return self.ranked
        found = self._languages.get(language)
        if found is None:
            found = sorted(r.in_language(language, self.scorer) for r in self.ranked)
            self._languages[language] = found
        return found

    def rescored(self, service: Service, stayed: bool = False) -> Ranking | None:
        """This list with `service`'s new record in place of the one it holds, that candidate alone ranked
        again (here and in each language's order already made); None when the edit moved the service
        (`same_place`) or the list does not hold it: it must be read again from the store.

        `stayed`: the change log says the edits left it where it stood — its locations too, which the
        candidate's copy may list only in part (those its clearance shows): that copy's list is kept."""
        by_id = self._by_id if self._by_id is not None else {r.candidate.service.id: r for r in self.ranked}
        old = by_id.get(service.id)
        if old is None or not (stayed or same_place(old.candidate.service, service)):
            return None
        shown = service.model_copy(update={"location_ids": old.candidate.service.location_ids})
        new = self.rank(old.candidate.model_copy(update={"service": shown}))
        out = Ranking(_swapped(self.ranked, old, new), self.scorer, self.rank, self.search)
        for language, ranked in list(self._languages.items()):
            out._languages[language] = _swapped(
                ranked, old.in_language(language, self.scorer), new.in_language(language, self.scorer)
            )
        out._by_id = {**by_id, service.id: new}
        out._held = self._held
        return out

    def refreshed(self, services: Iterable[str]) -> Ranking:
        """This list with these services read again from the store: gone if they no longer answer, changed,
        or new in it; one search among them, the other candidates kept as they are."""
        ids = set(services)
        found = sorted(map(self.rank, self.search(sorted(ids))))
        out = Ranking(_merged(self.ranked, ids, found), self.scorer, self.rank, self.search)
        for language, ranked in list(self._languages.items()):
            out._languages[language] = _merged(ranked, ids, sorted(r.in_language(language, self.scorer) for r in found))
        out._held = self.entities() | _held(r.candidate for r in found)
        return out

    def entities(self) -> frozenset[tuple[str, str]]:
        """What the list holds, as the change log names it: services, organisations, locations (computed
        once; after `refreshed`, perhaps also one it no longer holds: an edit of it costs a needless read)."""
        if self._held is None:
            self._held = _held(r.candidate for r in self.ranked)
        return self._held


def _held(candidates: Iterable[ServiceCandidate]) -> frozenset[tuple[str, str]]:
    held: set[tuple[str, str]] = set()
    for c in candidates:
        held.add((Service.kind, c.service.id))
        held.add((Organisation.kind, c.organisation.id))
        held.update((Location.kind, loc.id) for loc in c.locations)
    return frozenset(held)


def _merged(ranked: list[Ranked], ids: set[str], found: list[Ranked]) -> list[Ranked]:
    """The sorted `ranked` without the services `ids`, with the (few) `found` inserted in order."""
    out = [r for r in ranked if r.candidate.service.id not in ids]
    for r in found:
        insort(out, r)
    return out


def _swapped(ranked: list[Ranked], old: Ranked, new: Ranked) -> list[Ranked]:
    """A copy of the sorted `ranked` with `old` (found by its order: service ids are unique) replaced by `new`."""
    out = list(ranked)
    at = bisect_left(out, old)
    if at == len(out) or out[at].candidate.service.id != old.candidate.service.id:
        raise LookupError(old.candidate.service.id)  # not the list it was ranked in: a bug, never a silent swap
    out[at : at + 1] = []
    insort(out, new)
    return out
