"""A ranked list of candidates, in the order of the answer, and its order for each language asked.

The engine keeps one `Ranking` per `RankingKey` (term, situation, division, urgency, day) in the
`RankingCache`; the person's language reorders it — direct answers speaking it first — and that order is
read from the same list as the question goes (`Spoken`), with a byte per candidate kept per language, without
another store query. An edit of one of its
services that leaves the service where it was (a capacity, a language, opening hours) re-ranks that one
candidate in place; other edits have the touched services read again from the store, the rest of the list
kept as it is (`Ranking.updated`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from heapq import merge
from operator import attrgetter

import immutables

from graph import waiting
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
        order = (after, not first, -static, name, sid)
        return Ranked(order, static, self.candidate, self.wanted, self.local, self.direct)


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


ORDER = attrgetter("order")
"""A sort key giving the order of `Ranked` (its own comparison builds a tuple per call: a list of 45,000 is
sorted several times faster by its key)."""

Rank = Callable[[ServiceCandidate], Ranked]
Search = Callable[[Iterable[str]], list[ServiceCandidate]]


class Ranking:
    """The candidates of one ranking key in answer order, and who speaks each language asked (kept).

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
        self._marks: dict[str, bytearray] = {}
        """Per language asked, a byte per candidate of `ranked` (`SPOKEN_FIRST`, `SPOKEN`, `NOT_SPOKEN`)."""
        self._wanted: list[Ranked] | None = None

    def for_language(self, language: str | None) -> Iterable[Ranked]:
        """The list for a person speaking `language` (None: none asked): the candidates in `Ranked.order` for
        that language, made as they are read from a byte per candidate marking who speaks it (`Spoken`).

        A re-sorted copy of every candidate per language was most of a warm worker's memory and of its warm-up
        (at 20k, 500 MB and 16 s of 24); a question reads only the head. Two threads asking at once may both
        mark the list: the same bytes, the last ones kept."""
        if language is None:
            return self.ranked
        return Spoken(self.ranked, language, self.scorer, self._marked(language))

    def speakers(self, language: str) -> Iterator[Ranked]:
        """The direct answers speaking `language` (those first in its order), in the list's order."""
        marks = self._marked(language)
        for lo, hi in _groups(self.ranked):
            yield from _at(self.ranked, marks, SPOKEN_FIRST, lo, hi)

    def _marked(self, language: str) -> bytearray:
        found = self._marks.get(language)
        if found is None:
            waiting.may_wait()  # a byte per candidate: a long list's first question in a language is work
            found = self._marks[language] = bytearray(self._mark(r, language) for r in self.ranked)
        return found

    def _mark(self, r: Ranked, language: str) -> int:
        """`NOT_SPOKEN`, `SPOKEN` or `SPOKEN_FIRST`: the candidate's mark for a person speaking `language`."""
        return SPOKEN[0] + r.direct if self.scorer.speaks(r.candidate, language) else NOT_SPOKEN[0]

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
        return self._replaced(gone, [*found, *read])

    def _replaced(self, gone: list[Ranked], found: list[Ranked]) -> Ranking:
        """A new list without the candidates `gone` and with `found`, here, in its wanted ones and in each
        language's marks already made: O(log n) searches and C-speed moves, not a Python pass over the list."""
        ranked = list(self.ranked)
        marks = {language: bytearray(m) for language, m in self._marks.items()}
        with self._by_id.mutate() as by_id:
            for r in gone:
                at = _position(ranked, r)
                del ranked[at], by_id[r.candidate.service.id]
                for m in marks.values():
                    del m[at]
            for r in found:
                at = bisect_right(ranked, r.order, key=ORDER)
                ranked.insert(at, r)
                by_id[r.candidate.service.id] = r
                for language, m in marks.items():
                    m.insert(at, self._mark(r, language))
            out = Ranking(ranked, self.scorer, self.rank, self.search, by_id.finish())
        out._marks = marks
        if self._wanted is not None:
            out._wanted = wanted = list(self._wanted)
            for r in gone:
                if r.wanted:
                    del wanted[_position(wanted, r)]
            for r in found:
                if r.wanted:
                    insort(wanted, r, key=ORDER)
        return out

    def holds(self, service_id: str) -> bool:
        """Whether a candidate of the list is this service (its index: no set of what it holds is kept, which
        at 100k cost as much memory as the list)."""
        return service_id in self._by_id


NOT_SPOKEN, SPOKEN, SPOKEN_FIRST = b"\x00", b"\x01", b"\x02"  # SPOKEN + 1 = SPOKEN_FIRST: `_mark`
"""A candidate's mark for a language: it does not speak it; it does, but does not answer directly (a broader term,
another division); it does and answers directly, so it comes first (`Ranked.in_language`)."""


class Spoken:
    """A ranked list in the order for a person speaking a language, made as it is read: in each group (the 24/7
    services when urgent, then the others) the direct answers speaking it first, then the rest by their points
    for it — two runs of the list's own order (a language's points are the same for every speaker, and for
    every other), merged. Each is found in the marks at C speed (`bytearray.find`); each candidate read is
    ranked for the language then."""

    def __init__(self, ranked: list[Ranked], language: str, scorer: Scorer, marks: bytearray) -> None:
        self.ranked, self.language, self.scorer, self.marks = ranked, language, scorer, marks

    def __iter__(self) -> Iterator[Ranked]:
        for lo, hi in _groups(self.ranked):
            yield from self._spoken(SPOKEN_FIRST, lo, hi)
            yield from merge(self._spoken(SPOKEN, lo, hi), self._spoken(NOT_SPOKEN, lo, hi), key=ORDER)

    def _spoken(self, mark: bytes, lo: int, hi: int) -> Iterator[Ranked]:
        for r in _at(self.ranked, self.marks, mark, lo, hi):
            yield r.in_language(self.language, self.scorer)


def _groups(ranked: list[Ranked]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The bounds of the list's two groups: the 24/7 services when urgent (all, else), then the others."""
    cut = bisect_left(ranked, True, key=_after)
    return (0, cut), (cut, len(ranked))


def _after(r: Ranked) -> bool:
    return r.order[0]


def _at(ranked: list[Ranked], marks: bytearray, mark: bytes, lo: int, hi: int) -> Iterator[Ranked]:
    """The candidates of `ranked[lo:hi]` with this mark, in order."""
    i = marks.find(mark, lo, hi)
    while i != -1:
        yield ranked[i]
        i = marks.find(mark, i + 1, hi)


def _position(ranked: list[Ranked], r: Ranked) -> int:
    """Where `r` is in the sorted `ranked`, found by its order (service ids are unique)."""
    at = bisect_left(ranked, r.order, key=ORDER)
    if at == len(ranked) or ranked[at].candidate.service.id != r.candidate.service.id:
        raise LookupError(r.candidate.service.id)  # not the list it was ranked in: a bug, never a silent swap
    return at
