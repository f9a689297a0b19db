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

from bisect import insort
from dataclasses import dataclass, field
from datetime import date

from graph.models import Location, Organisation, Service, ServiceCandidate
from graph.reference import Reference
from graph.referral.answer import Answer, Notice, Result
from graph.referral.cache import RankingCache, RankingKey
from graph.referral.fallbacks import fallbacks
from graph.referral.policy import allowed, visible_contacts
from graph.referral.query import ReferralQuery
from graph.referral.question import MEDIATION, Question
from graph.referral.resolve import resolve
from graph.referral.scoring import CAPACITY_FRESH_DAYS, Scorer
from graph.roles import Role
from graph.store import GraphStore

PARTNER_HOPS = 3
"""How far through cooperation links a referral path may go."""

Order = tuple[bool, float, str, str]


@dataclass(frozen=True, slots=True, order=True)
class Ranked:
    """A candidate with the part of its score that does not depend on who asks."""

    order: Order
    """(after the 24/7 services when urgent, minus the static score, organisation name, service id)."""
    static: float = field(compare=False)
    candidate: ServiceCandidate = field(compare=False)
    wanted: bool = field(compare=False)
    """It answers the term asked (or a narrower one), not only a broader term."""


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
        self.cache: RankingCache[list[Ranked]] = RankingCache(store=store)

    def refer(self, query: ReferralQuery, role: Role = Role.PUBLIC) -> Answer:
        """The answer to one question, for a caller of this role."""
        q = self.question(query, role)
        ranked = self._ranked(q)
        top, notices = self._alternatives(ranked, self._top(ranked, q), q)
        if not top:
            notices.append(Notice("none_at_all", {"term": q.asked}))
        results = tuple(self._result(r.candidate, q) for r in top)
        path_ids = sorted({i for r in results for i in r.path})
        names = {o.id: o.name for o in self.store.list(Organisation, ids=path_ids)} if path_ids else {}
        return Answer(
            query=query,
            division=q.division,
            terms=tuple(sorted(q.wanted)),
            results=results,
            notices=tuple(notices),
            warnings=(Notice("mediation_warning"),) if query.need == MEDIATION else (),
            fallbacks=tuple(f for f in fallbacks() if query.urgent or not f.urgent_only),
            names=names,
        )

    def question(self, query: ReferralQuery, role: Role) -> Question:
        """The query checked against the reference data, with its division and the asking organisation's partners.

        The partner tree also checks that the asking organisation exists (`NotFound` otherwise).
        """
        division = resolve(query, self.ref)
        tree = self.store.partner_tree(query.from_org, PARTNER_HOPS) if query.from_org else {}
        return Question.of(query, role, self.ref.taxonomy, division=division, partners=tree, today=self.today)

    def _ranked(self, q: Question) -> list[Ranked]:
        """The candidates for the question's term in its division, best static score first.

        Kept across directory versions until an edit reaches it (`RankingCache`): a question costs one
        version check and a scan of the head of this list, not a store query over every service of a
        broad term.
        """
        version = self.store.version()
        key = RankingKey(q.asked, q.division, q.role.clearance, q.query.urgent, q.today)
        ranked = self.cache.get(version, key)
        if ranked is None:
            divisions = [q.division] if q.division else None
            found = self.store.candidate_services(q.terms, divisions=divisions, clearance=q.role.clearance)
            ranked = sorted(self._rank(found, q))
            self.cache.put(version, key, ranked, terms=q.terms, entities=_held(found))
        return ranked

    def _rank(self, candidates: list[ServiceCandidate], q: Question) -> list[Ranked]:
        out = []
        for c in candidates:
            static = sum(r.points for r in self.scorer.static(c, q))
            first = not q.query.urgent or c.service.open_24_7
            order = (not first, -static, c.organisation.name, c.service.id)
            out.append(Ranked(order, static, c, bool(c.service.terms() & q.wanted)))
        return out

    def _top(self, ranked: list[Ranked], q: Question) -> list[Ranked]:
        """The `limit` best allowed candidates, in answer order (24/7 first when urgent, score, name).

        `ranked` is sorted by the static part of the score; the question's own points can add at most
        `Scorer.best_extra`, so the scan stops at the first candidate that could not enter the top.
        """
        best: list[tuple[Order, Ranked]] = []
        limit = q.query.limit
        best_extra = self.scorer.best_extra(q)
        for r in ranked:
            after, minus_static, name, sid = r.order
            if len(best) == limit and (after, minus_static - best_extra, name, sid) > best[-1][0]:
                break
            if not allowed(r.candidate.service, q):
                continue
            score = r.static + sum(reason.points for reason in self.scorer.personal(r.candidate, q))
            insort(best, ((after, -score, name, sid), r))
            del best[limit:]
        return [r for _, r in best]

    def _alternatives(self, ranked: list[Ranked], top: list[Ranked], q: Question) -> tuple[list[Ranked], list[Notice]]:
        """When nothing in the division answers the term asked: say so, and look beyond the division."""
        if any(r.wanted for r in top) or any(r.wanted and allowed(r.candidate.service, q) for r in ranked):
            return top, []
        if not q.division:
            return top, []
        here = {r.candidate.service.id for r in ranked}
        elsewhere = [
            c
            for c in self.store.candidate_services(q.terms, clearance=q.role.clearance)
            if c.service.id not in here and c.service.terms() & q.wanted
        ]
        notices = []
        if top or any(allowed(c.service, q) for c in elsewhere):
            notices.append(Notice("none_here", {"term": q.asked, "division": q.division}))
        if elsewhere:
            top = self._top(sorted([*ranked, *self._rank(elsewhere, q)]), q)
        return top, notices

    def _result(self, c: ServiceCandidate, q: Question) -> Result:
        """A ranked answer, with its reasons and the path through partners (top results only)."""
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


def _held(candidates: list[ServiceCandidate]) -> set[tuple[str, str]]:
    """What a ranked list holds, as the change log names it: services, organisations, locations."""
    held: set[tuple[str, str]] = set()
    for c in candidates:
        held.add((Service.kind, c.service.id))
        held.add((Organisation.kind, c.organisation.id))
        held.update((Location.kind, loc.id) for loc in c.locations)
    return held
