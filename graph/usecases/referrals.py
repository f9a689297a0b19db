"""The questions a professional asks: who to refer to, and the care pathway of a situation."""

from __future__ import annotations

from graph.models import TermKind
from graph.pathways import Pathway, Step, pathway_for, resolve
from graph.referral import Answer, ReferralEngine, ReferralQuery
from graph.usecases.caller import Caller


class ReferralCases:
    def __init__(self, engine: ReferralEngine) -> None:
        self.engine = engine

    def refer(self, caller: Caller, query: ReferralQuery) -> Answer:
        """Ranked, explained, never a silent empty list; what the caller's role may see."""
        return self.engine.refer(query, caller.role)

    def pathway(
        self, caller: Caller, situation: str, division: str | None, lang: str
    ) -> tuple[Pathway, list[tuple[Step, Answer | None]], str | None]:
        """The pathway of a situation (or its nearest ancestor's), each step resolved in the division."""
        reference = self.engine.ref
        reference.taxonomy.get(situation, TermKind.SITUATION, parameter="situation")
        division_id = reference.geography.division(division).id if division else None
        found = pathway_for(situation, self.engine)
        return found, resolve(found, self.engine, division_id, caller.role, lang), division_id
