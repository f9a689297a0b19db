"""The score of a candidate: a sum of weighted reasons, the weights read from graph/data/scoring.csv.

Each row of the file is a reason code with its points, whether it depends on the service alone
(`static`: the term and situation asked, the division, the day, the urgency — and the person's language,
which reorders a kept list once per language) or on who asks and how (`question`: the situation with a
need, the audience, the partners), its `group` (a candidate earns at most one reason per
group), and a sentence saying why the weight is what it is. The order of the rows is the order of
the reasons in an answer. The ranking keeps candidates sorted by their static points and stops
scanning once the question's points (`Scorer.best_extra`, computed from the file) cannot lift the
next one into the top.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

from graph.models import AreaScope, Capacity, ServiceCandidate
from graph.reference import Geography
from graph.referral.answer import Reason
from graph.referral.question import Question
from graph.referral.specialisation import TypeRole, type_roles

STALE_AFTER = timedelta(days=365)
"""Verified longer ago than this, a record is stale."""
CAPACITY_FRESH_DAYS = 7
"""The default of `RELAIS_CAPACITY_FRESH_DAYS` (api/settings.py), which the composition root passes on: places
reported longer ago than this many days are to be confirmed and earn no capacity points."""
QUESTION_GROUPS = frozenset({"situation", "audience", "partners"})
"""The groups of question-dependent weights the engine knows how to earn (see `Question.asks`)."""
WIDE: dict[AreaScope, str] = {
    AreaScope.PROVINCE: "province",
    AreaScope.REGION: "region",
    AreaScope.NATIONAL: "national",
}

Part = Literal["static", "question"]
EMERGENCY = "emergency_service"
NEED_CASE = "need:"
"""The prefix of a `when` naming a need for which the emergency services lead (`need:complaint`)."""


def capacity_fresh(capacity: Capacity, today: date, fresh_days: int = CAPACITY_FRESH_DAYS) -> bool:
    """Whether a reported figure of places is recent enough to be believed (at most `fresh_days` old).

    >>> c = Capacity(available=3, total=8, updated_at=date(2026, 11, 3))
    >>> capacity_fresh(c, date(2026, 11, 10)), capacity_fresh(c, date(2026, 11, 11))
    (True, False)
    """
    return (today - capacity.updated_at).days <= fresh_days


@dataclass(frozen=True)
class Weight:
    """One row of graph/data/scoring.csv."""

    reason: str
    group: str
    when: str
    """Empty, or the case it applies in («urgent», «not urgent»)."""
    points: float
    part: Part
    why: str


@dataclass(frozen=True)
class Weights:
    """The scoring weights, in the order reasons are shown."""

    rows: tuple[Weight, ...]
    _points: dict[tuple[str, str], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_points", {(w.reason, w.when): w.points for w in reversed(self.rows)})

    def points(self, reason: str, when: str = "") -> float:
        """The points of a reason in a case (the file's first row of it): asked for every reason of every
        candidate of a list, hence a lookup, not a pass over the rows."""
        return self._points[(reason, when)]

    def cases(self, reason: str) -> tuple[str, ...]:
        """The cases (`when`) a reason has a weight for, in the file's order."""
        return tuple(w.when for w in self.rows if w.reason == reason)

    def order(self, reason: str) -> int:
        """Where a reason comes in an answer: the row of its first weight."""
        return next(i for i, w in enumerate(self.rows) if w.reason == reason)

    def best_extra(self, groups: Iterable[str]) -> float:
        """The most the question-dependent weights of these groups can add to a static score.

        >>> weights().best_extra(["audience"]) == weights().points("for_audience")
        True
        >>> weights().best_extra([])
        0.0
        """
        wanted = set(groups)
        best: dict[str, float] = {}
        for w in self.rows:
            if w.part == "question" and w.group in wanted:
                best[w.group] = max(best.get(w.group, 0.0), w.points)
        return sum(best.values(), 0.0)


@cache
def weights() -> Weights:
    """The weights of graph/data/scoring.csv, checked: a typo there must fail at once, not rank quietly."""
    text = resources.files("graph").joinpath("data", "scoring.csv").read_text(encoding="utf-8")
    rows = tuple(
        Weight(r["reason"], r["group"], r["when"], float(r["points"]), _part(r["part"]), r["why"].strip())
        for r in csv.DictReader(text.splitlines())
    )
    found = {(w.reason, w.when) for w in rows}
    missing = sorted(set(REASONS) - found)
    strays = sorted({w.group for w in rows if w.part == "question"} - QUESTION_GROUPS)
    if missing or strays or any(not w.why for w in rows):
        raise ValueError(f"scoring.csv: missing {missing}, unknown question groups {strays}, or a row without why")
    return Weights(rows)


def _part(value: str) -> Part:
    if value == "static":
        return "static"
    if value == "question":
        return "question"
    raise ValueError(f"scoring.csv: part must be static or question, not «{value}»")


REASONS = (
    *[(code, "") for code in ("term_exact", "term_narrower", "term_broader", "also_situation")],
    *[(code, "") for code in ("in_division", "serves_division", "province", "region", "national", "elsewhere")],
    ("specialised", "not urgent"),
    ("emergency_service", "urgent"),
    *[(code, "") for code in ("for_audience", "speaks", "not_speaks")],
    ("open_24_7", "urgent"),
    ("open_24_7", "not urgent"),
    *[(code, "") for code in ("places", "full", "capacity_unconfirmed", "partner", "path")],
    *[(code, "") for code in ("verified", "stale", "never_verified")],
)
"""Every (reason, case) the scorer gives: each needs its weight in the file."""


class Scorer:
    """Gives a candidate its reasons, each with its points; the score is their sum.

    >>> from datetime import date
    >>> from graph.models import Organisation, Service, ServiceCandidate
    >>> from graph.reference import load_reference
    >>> from graph.referral.query import ReferralQuery
    >>> from graph.roles import Role
    >>> ref = load_reference()
    >>> shelter = ServiceCandidate(
    ...     organisation=Organisation(id="refuge", name="Refuge", type="shelter", sector="social", source="demo"),
    ...     service=Service(id="refuge-svc", organisation_id="refuge", name="Hébergement", needs=("shelter",),
    ...                     languages=("fr", "ar"), open_24_7=True, source="demo", verified_at=date(2026, 3, 1)),
    ...     locations=(), located_in=("huy",))
    >>> asked = ReferralQuery(need="shelter", division="huy", language="ar", urgent=True)
    >>> question = Question.of(asked, Role.PUBLIC, ref.taxonomy, division="huy", today=date(2026, 11, 3))
    >>> score, reasons = Scorer(ref.geography).assess(shelter, question)
    >>> [(r.code, r.points) for r in reasons]
    [('term_exact', 3.0), ('in_division', 3.0), ('speaks', 1.5), ('open_24_7', 2.0), ('verified', 0.5)]
    >>> score
    10.0

    Not urgent, 24/7 is worth less; a language it does not list costs a point:

    >>> later = Question.of(asked.model_copy(update={"urgent": False, "language": "tr"}), Role.PUBLIC,
    ...                     ref.taxonomy, division="huy", today=date(2026, 11, 3))
    >>> score, reasons = Scorer(ref.geography).assess(shelter, later)
    >>> [(r.code, r.points) for r in reasons if r.code in ("not_speaks", "open_24_7")], score
    ([('not_speaks', -1.0), ('open_24_7', 0.5)], 6.0)
    """

    def __init__(
        self,
        geography: Geography,
        table: Weights | None = None,
        capacity_fresh_days: int = CAPACITY_FRESH_DAYS,
        roles: dict[str, TypeRole] | None = None,
    ) -> None:
        self.geography = geography
        self.weights = table or weights()
        self.capacity_fresh_days = capacity_fresh_days
        self.roles = type_roles() if roles is None else roles
        self.need_cases = tuple(
            (when, when.removeprefix(NEED_CASE)) for when in self.weights.cases(EMERGENCY) if when.startswith(NEED_CASE)
        )
        """(case, need) of each `need:` weight of the emergency services, in the file's order."""
        unknown = {case for role in self.roles.values() for case in role.leads_when} - set(
            self.weights.cases(EMERGENCY)
        )
        if unknown:
            raise ValueError(f"specialisation.csv: leads_when {sorted(unknown)} has no emergency_service weight")

    def _reason(self, code: str, when: str = "", **values: object) -> Reason:
        return Reason(code, values, self.weights.points(code, when))

    def assess(self, c: ServiceCandidate, q: Question) -> tuple[float, tuple[Reason, ...]]:
        """The score and its reasons, in the order of the file: every point added comes with its reason."""
        spoken = [self.language(c, q.query.language)] if q.query.language else []
        reasons = sorted([*self.static(c, q), *spoken, *self.personal(c, q)], key=lambda r: self.weights.order(r.code))
        return round(sum(r.points for r in reasons), 2), tuple(reasons)

    def best_extra(self, q: Question) -> float:
        """The most `personal` can add to a candidate's static points for this question."""
        return self.weights.best_extra(q.asks)

    def static(self, c: ServiceCandidate, q: Question) -> list[Reason]:
        """The reasons that depend on the service and the ranking's key: the term and situation asked, the division,
        the urgency and the day (the language has its own, `language`)."""
        s = c.service
        reasons = [self._term(c, q)]
        if q.division:
            reasons.append(self._locality(c, q.division))
        if (role := self._specialisation(c, q)) is not None:
            reasons.append(role)
        if s.open_24_7:
            reasons.append(self._reason("open_24_7", "urgent" if q.query.urgent else "not urgent"))
        if s.capacity is not None:
            reasons.append(self._capacity(s.capacity, q.today))
        verified = s.verified_at or c.organisation.verified_at
        if verified is None:
            reasons.append(self._reason("never_verified"))
        elif q.today - verified > STALE_AFTER:
            reasons.append(self._reason("stale", on=verified))
        else:
            reasons.append(self._reason("verified", on=verified))
        return reasons

    def language(self, c: ServiceCandidate, language: str) -> Reason:
        """Whether the service speaks the person's language: a point of each ranked list's order for that language."""
        return self._reason("speaks" if self.speaks(c, language) else "not_speaks", language=language)

    def speaks(self, c: ServiceCandidate, language: str) -> bool:
        """Whether the service lists the person's language (what `language` scores)."""
        return language in c.service.languages

    def emergency_case(self, q: Question) -> str | None:
        """The case in which the emergency services lead: urgent, or a need the weights name (with its narrower
        ones); None when a specialised service should lead instead."""
        if q.query.urgent:
            return "urgent"
        if q.query.need:
            line = q.broader | {q.asked}
            return next((case for case, need in self.need_cases if need in line), None)
        return None

    def _specialisation(self, c: ServiceCandidate, q: Question) -> Reason | None:
        """`emergency_service` when the emergency services lead, else `specialised` for a situation's specialist."""
        role = self.roles.get(c.organisation.type)
        if role is None:
            return None
        case = self.emergency_case(q)
        if case is not None:
            return self._reason(EMERGENCY, case) if case in role.leads_when else None
        if role.specialised_in & q.situation_line and q.situation_cases.intersection(c.service.situations):
            return self._reason("specialised", "not urgent", term=q.query.situation)
        return None

    def _capacity(self, capacity: Capacity, today: date) -> Reason:
        """Places or full as last reported; an old figure is to be confirmed and moves nothing."""
        on = capacity.updated_at
        if not capacity_fresh(capacity, today, self.capacity_fresh_days):
            return self._reason("capacity_unconfirmed", available=capacity.available, total=capacity.total, on=on)
        if capacity.available > 0:
            return self._reason("places", available=capacity.available, total=capacity.total, on=on)
        return self._reason("full", on=on)

    def _term(self, c: ServiceCandidate, q: Question) -> Reason:
        terms = c.service.terms()
        if q.asked in terms:
            return self._reason("term_exact", term=q.asked)
        if terms & q.wanted:
            return self._reason("term_narrower", term=q.asked)
        return self._reason("term_broader", term=sorted(terms & q.broader)[0])

    def _locality(self, c: ServiceCandidate, division: str) -> Reason:
        s = c.service
        if division in c.located_in:
            return self._reason("in_division", division=division)
        communes = self.geography.communes
        served = set(s.area_divisions) | {d for x in s.area_communes if (d := communes[x].division)}
        if division in served:
            return self._reason("serves_division", division=division)
        if s.area_scope in WIDE:
            return self._reason(WIDE[s.area_scope])
        return self._reason("elsewhere", division=division, where=tuple(sorted(set(c.located_in) | served)))

    def personal(self, c: ServiceCandidate, q: Question) -> list[Reason]:
        """The reasons that depend on who asks and how: situation, audience, partners.

        Their most favourable sum is `best_extra`, computed from the same weights.
        """
        s, asked = c.service, q.query
        reasons = []
        if asked.need and asked.situation and set(s.situations) & q.situations:
            reasons.append(self._reason("also_situation", term=asked.situation))
        if asked.audience and set(s.audiences) & q.audiences:
            reasons.append(self._reason("for_audience", audience=asked.audience))
        hops = q.hops(c.organisation.id)
        if hops == 1:
            reasons.append(self._reason("partner"))
        elif hops is not None:
            reasons.append(self._reason("path", hops=hops))
        return reasons
