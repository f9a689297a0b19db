"""A question as the engine works on it: the query, who asks, and what follows from them, computed once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from graph.reference import Taxonomy
from graph.referral.query import ReferralQuery
from graph.roles import Role

PERPETRATOR_AUDIENCE = "perpetrator"
PERPETRATOR_NEED = "perpetrator-programme"
MEDIATION = "mediation"
INTERPRETING = "interpreting"


@dataclass(frozen=True)
class Question:
    """What assessing each candidate needs: the terms around the one asked, the division, the partners."""

    query: ReferralQuery
    role: Role
    asked: str
    """The term asked: the need if there is one, else the situation."""
    division: str | None
    wanted: frozenset[str]
    """The term asked and its descendants."""
    broader: frozenset[str]
    """The ancestors of the term asked."""
    needs: frozenset[str] = frozenset()
    situations: frozenset[str] = frozenset()
    situation_line: frozenset[str] = frozenset()
    """The situation asked and its ancestors: a specialist of any of them is a specialist of the situation."""
    situation_cases: frozenset[str] = frozenset()
    """The situation asked and its descendants: a service listing one of them lists the situation."""
    audiences: frozenset[str] = frozenset()
    partners: Mapping[str, tuple[int, str]] = field(default_factory=lambda: MappingProxyType({}))
    """The asking organisation's partner tree: (distance, parent on a shortest path) of each one reachable."""
    today: date = field(default_factory=date.today)

    @classmethod
    def of(
        cls,
        query: ReferralQuery,
        role: Role,
        taxonomy: Taxonomy,
        *,
        division: str | None = None,
        partners: Mapping[str, tuple[int, str]] | None = None,
        today: date | None = None,
    ) -> Question:
        """The question for a query whose terms exist (see `graph.referral.resolve.resolve`)."""

        def around(code: str | None) -> frozenset[str]:
            return taxonomy.descendants(code) | set(taxonomy.ancestors(code)) if code else frozenset()

        asked = query.need or query.situation or ""
        origin = query.from_org
        return cls(
            query=query,
            role=role,
            asked=asked,
            division=division,
            wanted=taxonomy.descendants(asked),
            broader=frozenset(taxonomy.ancestors(asked)),
            needs=around(query.need),
            situations=around(query.situation),
            situation_line=frozenset({query.situation, *taxonomy.ancestors(query.situation)})
            if query.situation
            else frozenset(),
            situation_cases=taxonomy.descendants(query.situation) if query.situation else frozenset(),
            audiences=around(query.audience),
            partners=MappingProxyType({k: v for k, v in (partners or {}).items() if k != origin}),
            today=today or date.today(),
        )

    @property
    def terms(self) -> list[str]:
        """Every term a candidate may answer: the term asked, its descendants and its ancestors."""
        return sorted(self.wanted | self.broader)

    @property
    def perpetrator_side(self) -> bool:
        """The question is about someone who uses violence (their programme, or them as the audience)."""
        return self.query.audience == PERPETRATOR_AUDIENCE or self.query.need == PERPETRATOR_NEED

    @property
    def asks(self) -> frozenset[str]:
        """The groups of question-dependent weights (graph/data/scoring.csv) this question can earn."""
        q = self.query
        asked = {
            "situation": bool(q.need and q.situation),
            "audience": bool(q.audience),
            "partners": bool(self.partners),
        }
        return frozenset(group for group, yes in asked.items() if yes)

    def hops(self, organisation_id: str) -> int | None:
        """Cooperation links from the asking organisation to this one (None: not a partner, or itself)."""
        found = self.partners.get(organisation_id)
        return found[0] if found else None

    def path(self, organisation_id: str) -> tuple[str, ...]:
        """Organisation ids from the asking organisation to this one, walked back through the parents.

        >>> from graph.reference import load_reference
        >>> tree = {"b": (1, "a"), "c": (2, "b"), "d": (1, "a")}
        >>> q = Question.of(ReferralQuery(need="shelter", from_org="a"), Role.PROFESSIONAL,
        ...                 load_reference().taxonomy, partners=tree)
        >>> q.path("c"), q.path("d"), q.path("a"), q.path("z")
        (('a', 'b', 'c'), ('a', 'd'), (), ())
        """
        if organisation_id not in self.partners or self.query.from_org is None:
            return ()
        path = [organisation_id]
        while path[-1] in self.partners and len(path) <= len(self.partners):
            path.append(self.partners[path[-1]][1])
        return tuple(reversed(path)) if path[-1] == self.query.from_org else ()
