"""A ranked list of candidates, in the order of the answer, and its orders for each language asked.

The engine keeps one `Ranking` per `RankingKey` (term, situation, division, clearance, urgency, day) in the
`RankingCache`; the person's language reorders it — direct answers speaking it first — and that order is
computed once per language from the same list, without another store query.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from graph.models import ServiceCandidate
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


class Ranking:
    """The candidates of one ranking key in answer order, and that order for each language asked (kept)."""

    def __init__(self, ranked: list[Ranked], scorer: Scorer) -> None:
        self.ranked = ranked
        self.scorer = scorer
        self._languages: dict[str, list[Ranked]] = {}

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
