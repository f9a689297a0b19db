"""Who to refer to: the referral engine, pure domain code over the `GraphStore` interface.

One question: `resolve` checks its terms and place against the reference data; the candidates of
the term in the division come ranked by their static points from the `RankingCache` (one store
query when cold); `_top` scans the head of that list, applying the safety `policy` and adding the
question's own points (`Scorer.personal`), and stops as soon as nothing further down can enter the
top. The answer is never a silent empty list: when nothing matches in the division it says so and
offers the nearest alternatives; the helplines (and, when urgent, the emergency numbers) always
come with it. Results carry reason codes; `api.reasons` renders them.
"""

from __future__ import annotations

import threading
from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from heapq import merge

from graph import waiting
from graph.models import Organisation, ServiceCandidate, Visibility
from graph.reference import Reference
from graph.referral.answer import Answer, LanguageHelp, Notice, Result
from graph.referral.bulk import Bulk
from graph.referral.cache import RankingCache, RankingKey
from graph.referral.fallbacks import Fallback, fallbacks
from graph.referral.policy import allowed, visible_contacts
from graph.referral.query import ReferralQuery
from graph.referral.question import INTERPRETING, MEDIATION, PERPETRATOR_AUDIENCE, Question
from graph.referral.ranked import ORDER, Order, Ranked, Ranking, Search
from graph.referral.resolve import resolve
from graph.referral.scoring import CAPACITY_FRESH_DAYS, Scorer
from graph.roles import Role
from graph.store import GraphStore

PARTNER_HOPS = 3
"""How far through cooperation links a referral path may go."""

LOCAL = frozenset({"in_division", "serves_division"})
"""The locality reasons of a service of the division (located there, or serving it)."""
INTERPRETING_LIMIT = 3
RANKED_AT = Visibility.NETWORK
"""The clearance every list is ranked at: the widest on the referral path (a professional's; hidden addresses
are nobody's there). A candidate's rank does not depend on the locations shown (its divisions count every
location, hidden ones included), so one list serves the public and the professionals, and each result is
narrowed to its caller's clearance (`ServiceCandidate.seen_at`): half the lists to make and to keep."""


class ReferralEngine:
    """Answers referral questions over a store, with the reference data; one per process, thread-safe.

    `refer(query, role)` returns an `Answer`: results ranked by an explainable score (reason codes
    with their values and points), notices and warnings as codes, and the fallback numbers.
    """

    def __init__(
        self,
        store: GraphStore,
        reference: Reference,
        today: date | None = None,
        capacity_fresh_days: int = CAPACITY_FRESH_DAYS,
    ) -> None:
        """`capacity_fresh_days`: places reported longer ago are to be confirmed and earn no capacity points
        (the composition root passes `RELAIS_CAPACITY_FRESH_DAYS`; the ranking cache's key holds the day)."""
        self.store = store
        self.ref = reference
        self.today = today
        self.scorer = Scorer(reference.geography, capacity_fresh_days=capacity_fresh_days)
        self.cache: RankingCache[Ranking] = RankingCache(store=store)
        self._local = threading.local()
        """`warming`: whether this thread warms (`searching_once`); `bulk`: its one search of every term."""
        self._kept: Bulk | None = None
        """The last warm-up's search, for any thread's cold list while the version holds (at 100k a store
        search of a broad term is seconds; its candidates from memory are milliseconds)."""

    @contextmanager
    def searching_once(self) -> Iterator[None]:
        """For this thread (a warm-up asking every term in every division): the lists it computes come from
        one store search of every term (`Bulk`), while the directory version holds, instead of one store
        search per list. Other threads search as usual."""
        self._local.warming, self._local.bulk = True, None
        try:
            yield
        finally:
            self._kept = self._local.bulk
            self._local.warming, self._local.bulk = False, None

    def _searched_once(self, q: Question, divisions: list[str] | None, version: int) -> list[ServiceCandidate] | None:
        """The candidates from this thread's `Bulk` (fetched on first use), or None: search the store (not
        warming, or the directory changed since the bulk was read)."""
        if not getattr(self._local, "warming", False):
            kept = self._kept
            if kept is not None and kept.version != version:
                self._kept = kept = None  # the directory changed: let the memory go
            return None if kept is None else kept.search(q.terms, divisions)
        bulk = self._local.bulk
        if bulk is None:
            self._local.bulk = bulk = Bulk.of(self.store, version, self.ref.taxonomy.terms, RANKED_AT)
        return bulk.search(q.terms, divisions) if bulk.version == version else None

    def refer(self, query: ReferralQuery, role: Role = Role.PUBLIC) -> Answer:
        """The answer to one question, for a caller of this role."""
        q = self.question(query, role)
        ranking = self._ranked(q)
        ranked = ranking.for_language(q.query.language)
        top, notices = self._alternatives(ranking, ranked, self._top(ranked, q), q)
        if not top:
            notices.append(Notice("none_at_all", {"term": q.asked}))
        results = tuple(self._result(r.candidate, q) for r in top)
        help_ = self._language_help(ranking, q)
        if help_ is not None and not help_.spoken_here:
            notices.extend(_language_notices(help_, q.division))
        shown = [*results, *(help_.interpreting if help_ else ())]
        path_ids = sorted({i for r in shown for i in r.path})
        names = {o.id: o.name for o in self.store.list(Organisation, ids=path_ids)} if path_ids else {}
        return Answer(
            query=query,
            division=q.division,
            terms=tuple(sorted(q.wanted)),
            results=results,
            notices=tuple(notices),
            warnings=(Notice("mediation_warning"),) if query.need == MEDIATION else (),
            fallbacks=_fallbacks(query),
            names=names,
            language=help_,
        )

    def _language_help(self, ranking: Ranking, q: Question) -> LanguageHelp | None:
        """For a language asked: does a service of the division that answers speak it; if not, the services
        of the division that interpret. The helplines in that language come either way."""
        language = q.query.language
        if language is None:
            return None
        spoken = any(r.local and allowed(r.candidate.service, q) for r in ranking.speakers(language))
        lines = tuple(f for f in fallbacks() if f.kind == "helpline" and language in f.languages)
        return LanguageHelp(language, spoken, lines, () if spoken else self._interpreting(q))

    def _interpreting(self, q: Question) -> tuple[Result, ...]:
        """The best interpreting services for the question's place, under the same safety policy (same side)."""
        if INTERPRETING in q.wanted:
            return ()
        audience = PERPETRATOR_AUDIENCE if q.perpetrator_side else q.query.audience
        asked = q.query.model_copy(
            update={"situation": None, "need": INTERPRETING, "audience": audience, "limit": INTERPRETING_LIMIT}
        )
        sub = Question.of(asked, q.role, self.ref.taxonomy, division=q.division, partners=q.partners, today=q.today)
        ranked = self._ranked(sub).for_language(sub.query.language)
        return tuple(self._result(r.candidate, sub) for r in self._top(ranked, sub) if r.wanted)

    def question(self, query: ReferralQuery, role: Role) -> Question:
        """The query checked against the reference data, with its division and the asking organisation's partners.

        The partner tree also checks that the asking organisation exists (`NotFound` otherwise).
        """
        division = resolve(query, self.ref)
        tree = self.store.partner_tree(query.from_org, PARTNER_HOPS) if query.from_org else {}
        return Question.of(query, role, self.ref.taxonomy, division=division, partners=tree, today=self.today)

    def _ranked(self, q: Question) -> Ranking:
        """The candidates for the question's term in its division, in the order of the static points (and, by
        `Ranking.for_language`, of the person's language when one is asked).

        Kept across directory versions, brought up to date where an edit reaches it (`RankingCache`): a
        question costs one version check and a scan of the head of this list, not a store query over every
        service of a broad term; a new language marks the kept list's speakers once.
        """
        version = self.store.version()
        key = RankingKey(q.asked, q.division, q.query.urgent, q.today, q.query.situation)
        divisions = [q.division] if q.division else None

        def search(among: Iterable[str] | None = None) -> list[ServiceCandidate]:
            return self.store.candidate_services(q.terms, divisions=divisions, clearance=RANKED_AT, among=among)

        def made() -> Ranking:
            found = self._searched_once(q, divisions, version)
            return self._ranking(search() if found is None else found, q, search)

        return self._kept_or_made(version, key, q.terms, made)

    def _kept_or_made(
        self, version: int, key: RankingKey, terms: Iterable[str], made: Callable[[], Ranking]
    ) -> Ranking:
        """The list kept for `key`, or made by one thread while the others wanting it wait (`RankingCache.making`)."""
        ranking = self.cache.get(version, key)
        if ranking is not None:
            return ranking
        waiting.may_wait()  # a list is ranked in full: at 100k a second of CPU, even from the warm-up's search
        with self.cache.making(key):
            ranking = self.cache.get(version, key)  # made while this thread waited
            if ranking is None:
                ranking = made()
                self.cache.put(version, key, ranking, terms=terms)
        return ranking

    def _ranking(self, candidates: list[ServiceCandidate], q: Question, search: Search) -> Ranking:
        """The candidates in the order of their static points, each ranked as `_rank` does; the ranking keeps
        how to rank one and how to search among some services, to follow edits."""

        def rank(c: ServiceCandidate) -> Ranked:
            return self._rank(c, q)

        return Ranking(sorted(map(rank, candidates), key=ORDER), self.scorer, rank, search)

    def _rank(self, c: ServiceCandidate, q: Question) -> Ranked:
        """A candidate with its static points and its place in the order (see `Ranked.order`), whatever the
        language (`Ranking.for_language` and `Ranked.in_language` add it)."""
        reasons = self.scorer.static(c, q)
        codes = {r.code for r in reasons}
        static = sum(r.points for r in reasons)
        first = not q.query.urgent or c.service.open_24_7
        order = (not first, False, -static, c.organisation.name, c.service.id)
        wanted = "term_broader" not in codes  # it answers the term asked or a narrower one (`Scorer._term`)
        local = q.division is None or bool(codes & LOCAL)
        return Ranked(order, static, c, wanted, local, direct=wanted and "elsewhere" not in codes)

    def _top(self, ranked: Iterable[Ranked], q: Question) -> list[Ranked]:
        """The `limit` best allowed candidates, in answer order (24/7 first when urgent, then the direct answers
        in the person's language, score, name).

        `ranked` is sorted by the static part of the score; the question's own points can add at most
        `Scorer.best_extra`, so the scan stops at the first candidate that could not enter the top.
        """
        best: list[tuple[Order, Ranked]] = []
        limit = q.query.limit
        best_extra = self.scorer.best_extra(q)
        for r in ranked:
            after, later, minus_static, name, sid = r.order
            if len(best) == limit and (after, later, minus_static - best_extra, name, sid) > best[-1][0]:
                break
            if not allowed(r.candidate.service, q):
                continue
            score = r.static + sum(reason.points for reason in self.scorer.personal(r.candidate, q))
            insort(best, ((after, later, -score, name, sid), r))
            del best[limit:]
        return [r for _, r in best]

    def _alternatives(
        self, ranking: Ranking, ranked: Iterable[Ranked], top: list[Ranked], q: Question
    ) -> tuple[list[Ranked], list[Notice]]:
        """When nothing in the division answers the term asked: say so, and look beyond the division.

        `ranked`: the list in the person's language's order; `ranking` keeps its wanted candidates apart (a
        narrow term's list is mostly its broader terms' services: no pass over them)."""
        wanted = ranking.wanted()
        if any(r.wanted for r in top) or any(allowed(r.candidate.service, q) for r in wanted):
            return top, []
        if not q.division:
            return top, []
        here = {r.candidate.service.id for r in wanted}  # the alternatives are all wanted
        everywhere = self._everywhere(q)

        def elsewhere() -> Iterator[Ranked]:
            return (r for r in everywhere if r.candidate.service.id not in here)

        notices = []
        if top or any(allowed(r.candidate.service, q) for r in elsewhere()):
            notices.append(Notice("none_here", {"term": q.asked, "division": q.division}))
        return self._top(merge(ranked, elsewhere()), q), notices

    def _everywhere(self, q: Question) -> Iterable[Ranked]:
        """The services answering the term asked in every division, ranked for the question's division, in the
        order of the person's language: computed once per directory version like `_ranked` (a question that
        falls back costs a version check, not a store query over every service of the broader terms).

        Its key says `beyond`: any division's newcomer with the term may enter it (`RankingKey.reach`).
        """
        version = self.store.version()
        key = RankingKey(q.asked, q.division, q.query.urgent, q.today, q.query.situation, beyond=True)

        def search(among: Iterable[str] | None = None) -> list[ServiceCandidate]:
            found = self.store.candidate_services(q.terms, clearance=RANKED_AT, among=among)
            return [c for c in found if c.service.terms() & q.wanted]

        def made() -> Ranking:
            once = self._searched_once(q, None, version)
            found = search() if once is None else [c for c in once if c.service.terms() & q.wanted]
            return self._ranking(found, q, search)

        return self._kept_or_made(version, key, q.wanted, made).for_language(q.query.language)

    def _result(self, candidate: ServiceCandidate, q: Question) -> Result:
        """A ranked answer, with its reasons and the path through partners (top results only), as the caller's
        clearance shows it (lists are ranked at `RANKED_AT`)."""
        c = candidate.seen_at(q.role.clearance)
        score, reasons = self.scorer.assess(c, q)
        outside = q.division is not None and any(r.code == "elsewhere" for r in reasons)
        return Result(
            organisation=c.organisation,
            candidate=c,
            score=score,
            reasons=reasons,
            contacts=visible_contacts(c.service.contacts, q.role),
            divisions=c.located_in,
            path=q.path(c.organisation.id),
            alternative=not (c.service.terms() & q.wanted) or outside,
        )


def _fallbacks(query: ReferralQuery) -> tuple[Fallback, ...]:
    """The helplines (and, when urgent, the emergency numbers first), those in the person's language first."""
    shown = [f for f in fallbacks() if query.urgent or not f.urgent_only]
    return tuple(sorted(shown, key=lambda f: (f.kind != "emergency", query.language not in (None, *f.languages))))


def _language_notices(help_: LanguageHelp, division: str | None) -> list[Notice]:
    """No service of the division that answers speaks the person's language: say so, and name its helplines."""
    language = help_.language
    said = Notice("language_not_here", {"language": language, "division": division}) if division else None
    notices = [said or Notice("language_not_spoken", {"language": language})]
    notices.extend(Notice("language_helpline", {"language": language, "number": f.number}) for f in help_.helplines)
    return notices
