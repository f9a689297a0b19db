"""A ranked list of candidates, in the order of the answer, and its orders for each language asked.

The engine keeps one `Ranking` per `RankingKey` (term, situation, division, urgency, day) in the
`RankingCache`; the person's language reorders it — direct answers speaking it first — and that order is
computed once per language from the same list, without another store query. An edit of one of its
services that leaves the service where it was (a capacity, a language, opening hours) re-ranks that one
candidate in place; other edits have the touched services read again from the store, the rest of the list
kept as it is (`Ranking.updated`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import immutables

from graph.models import Service, ServiceCandidate
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

    Never changed once made (questions read it without a lock): `updated` makes a new one at the cost of a
    copy of its lists (C speed) and a search in them (log n) per service touched — the candidates found by
    service id in a persistent map shared with its successors (`immutables.Map`: an edit changes a branch of
    it, not a copy of the whole)."""

    def __init__(
        self,
        ranked: list[Ranked],
        scorer: Scorer,
        rank: Rank,
        search: Search,
        by_id: immutables.Map[str, Ranked] | None = None,
    ) -> None:
        """`rank`: how the list's question ranks one candidate (its static points); `search`: the list's store
        search among some services — both kept to bring the list up to date after an edit; `by_id`: the
        candidates of `ranked` by service id (made here when not given)."""
        self.ranked = ranked
        self.scorer = scorer
        self.rank = rank
        self.search = search
        self._by_id = immutables.Map((r.candidate.service.id, r) for r in ranked) if by_id is None else by_id
        self._languages: dict[str, list[Ranked]] = {}
        self._wanted: list[Ranked] | None = None

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

    def wanted(self) -> list[Ranked]:
        """The candidates that answer the term asked itself (not only a broader one), in the list's order:
        what decides whether a question falls back to other divisions. Kept, and followed by `updated`."""
        if self._wanted is None:
            self._wanted = [r for r in self.ranked if r.wanted]
        return self._wanted

    def updated(self, edited: Mapping[str, tuple[Service, bool] | None]) -> Ranking:
        """This list with the services `edited` brought up to date in one new list: each service id maps to
        its new record and whether the change log says its edits left it where it stood, or to None.

        A record that stayed where it stands (`stayed`, or `same_place` as the held candidate) is ranked
        again in place, with no store read; any other service — None, moved, or not held — is read again
        from the store by one search among them: gone if it no longer answers, changed, or new in the list.
        A candidate's copy may list only the locations its clearance shows: re-ranked in place, it keeps
        that list."""
        gone: list[Ranked] = []
        found: list[Ranked] = []
        again: list[str] = []
        for sid, record in edited.items():
            old = self._by_id.get(sid)
            if old is None or record is None or not (record[1] or same_place(old.candidate.service, record[0])):
                again.append(sid)
                continue
            shown = record[0].model_copy(update={"location_ids": old.candidate.service.location_ids})
            gone.append(old)
            found.append(self.rank(old.candidate.model_copy(update={"service": shown})))
        read = list(map(self.rank, self.search(sorted(again)))) if again else []
        gone.extend(r for sid in again if (r := self._by_id.get(sid)) is not None)
        return self._replaced(gone, sorted([*found, *read]))

    def _replaced(self, gone: list[Ranked], found: list[Ranked]) -> Ranking:
        """A new list without the candidates `gone` and with `found` (sorted), here, in its wanted ones and
        in each language's order already made."""
        with self._by_id.mutate() as by_id:
            for r in gone:
                del by_id[r.candidate.service.id]
            for r in found:
                by_id[r.candidate.service.id] = r
            out = Ranking(_replaced(self.ranked, gone, found), self.scorer, self.rank, self.search, by_id.finish())
        if self._wanted is not None:
            out._wanted = _replaced(self._wanted, [r for r in gone if r.wanted], [r for r in found if r.wanted])
        for language, ranked in list(self._languages.items()):
            spoken = [r.in_language(language, self.scorer) for r in gone]
            out._languages[language] = _replaced(
                ranked, spoken, sorted(r.in_language(language, self.scorer) for r in found)
            )
        return out

    def holds(self, service_id: str) -> bool:
        """Whether a candidate of the list is this service (its index: no set of what it holds is kept, which
        at 100k cost as much memory as the list)."""
        return service_id in self._by_id


def _replaced(ranked: list[Ranked], gone: list[Ranked], found: list[Ranked]) -> list[Ranked]:
    """A copy of the sorted `ranked` without `gone` (each found by its order: service ids are unique) and with
    `found` inserted in order: O(log n) searches and C-speed moves, not a Python pass over the list."""
    out = list(ranked)
    for old in gone:
        at = bisect_left(out, old)
        if at == len(out) or out[at].candidate.service.id != old.candidate.service.id:
            raise LookupError(old.candidate.service.id)  # not the list it was ranked in: a bug, never a silent swap
        del out[at]
    for r in found:
        insort(out, r)
    return out
