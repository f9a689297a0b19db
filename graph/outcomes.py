"""Where the network fails, from counts only: refusals, referral flows against agreements, unmet demand.

Pure functions over the tallies (`graph.models.Tally`) and the analysis snapshot. Every figure a
coordinator sees passes through `shown`: a count below `SUPPRESS_BELOW` is «< 3», so that no figure can
point at a person; a total with a small part is shown as a lower bound only («≥ 4»), so that subtracting
the other parts from it gives nothing back — within a row (refused = its reasons), across rows (a division
= its services) and across months (docs/security.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.analysis import division_of
from graph.models import CooperationKind, OutcomeReason, OutcomeTally, ReferralTally, UnmetDemand

SUPPRESS_BELOW = 3
SMALL = "< 3"
AT_LEAST = "≥ "
"""The prefix of a lower bound («≥ 4»): a total one of whose parts is small."""
Figure = int | str
REFUSALS: tuple[OutcomeReason, ...] = tuple(r for r in OutcomeReason if r is not OutcomeReason.ACCEPTED)
AGREEMENTS = frozenset({CooperationKind.CONVENTION.value, CooperationKind.PROTOCOL.value})
"""Cooperation kinds that are an agreement between two organisations (a convention, a protocol)."""


@dataclass(frozen=True)
class Amount:
    """A count, or a sum of counts, with what may be said of it: `floor` is what the parts shown guarantee
    (a small part counts for 1), `bounded` that a small part is in it."""

    value: int
    bounded: bool = False
    floor: int = 0

    @staticmethod
    def of(count: int) -> Amount:
        small = 0 < count < SUPPRESS_BELOW
        return Amount(count, small, 1 if small else count)

    @staticmethod
    def total(parts: Iterable[Amount]) -> Amount:
        items = list(parts)
        return Amount(sum(a.value for a in items), any(a.bounded for a in items), sum(a.floor for a in items))

    @property
    def exact(self) -> bool:
        return not self.bounded and not 0 < self.value < SUPPRESS_BELOW


def shown(amount: Amount | int) -> Figure:
    """A figure as it may be shown: exact from 3 on (and 0), «< 3» below, «≥ n» for a total with a small part.

    >>> shown(0), shown(1), shown(3)
    (0, '< 3', 3)
    >>> shown(Amount.total([Amount.of(3), Amount.of(1)]))
    '≥ 4'
    """
    amount = Amount.of(amount) if isinstance(amount, int) else amount
    if 0 < amount.value < SUPPRESS_BELOW:
        return SMALL
    return f"{AT_LEAST}{amount.floor}" if amount.bounded else amount.value


def rate(part: Amount, whole: Amount) -> float | None:
    """A share, only when both figures are shown exactly (a rate of bounded figures would give them back)."""
    return round(part.value / whole.value, 3) if part.exact and whole.exact and whole.value else None


def months_back(today: date, months: int) -> tuple[str, ...]:
    """The last `months` months up to today's, oldest first («2026-09», «2026-10», «2026-11»).

    >>> months_back(date(2026, 1, 15), 3)
    ('2025-11', '2025-12', '2026-01')
    """
    index = today.year * 12 + today.month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


@dataclass(frozen=True)
class Refusals:
    """A service's (or a division's) month: the referrals recorded towards it, the outcomes it entered per
    reason, and what follows — requests, refusals, their rate."""

    division: str | None
    month: str
    referred: Amount
    reasons: dict[str, Amount]
    organisation: str | None = None
    service: str | None = None

    @property
    def refused(self) -> Amount:
        return Amount.total(self.reasons.get(r.value, Amount.of(0)) for r in REFUSALS)

    @property
    def requests(self) -> Amount:
        """The referrals recorded towards it or the outcomes it entered, whichever is more."""
        entered = Amount.total(self.reasons.values())
        bounded = entered.bounded or self.referred.bounded  # one exact, the other would bound the small parts
        return Amount(max(entered.value, self.referred.value), bounded, max(entered.floor, self.referred.floor))

    def as_json(self) -> dict[str, Any]:
        """The figures as they may be shown (`shown`, `rate`)."""
        large = [(a.value, r.value) for r in REFUSALS if (a := self.reasons.get(r.value)) and a.value >= SUPPRESS_BELOW]
        out: dict[str, Any] = {"division": self.division, "month": self.month}
        if self.service is not None:
            out |= {"organisation": self.organisation, "service": self.service}
        return out | {
            "requests": shown(self.requests),
            "refused": shown(self.refused),
            "refusal_rate": rate(self.refused, self.requests) if self.reasons else None,
            "main_reason": max(large)[1] if large else None,
            "reasons": {r.value: shown(self.reasons.get(r.value, Amount.of(0))) for r in OutcomeReason},
        }


def refusals(
    referrals: Iterable[ReferralTally],
    outcomes: Iterable[OutcomeTally],
    snapshot: nx.MultiDiGraph,
    months: Sequence[str],
) -> tuple[list[Refusals], list[Refusals]]:
    """Per service and month, then per division and month (sums of the services' cells, so bounded where a
    service's cell is small): requests, refusals and their reasons."""
    wanted = set(months)
    asked: dict[tuple[str, str, str], list[Amount]] = defaultdict(list)
    for (_, org, service, month), n in _cells(referrals, wanted).items():
        asked[org, service, month].append(Amount.of(n))
    entered: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        if o.month in wanted:
            entered[o.organisation_id, o.service_id, o.month][o.reason.value] += o.count
    rows = []
    for org, service, month in sorted(set(asked) | set(entered), key=lambda k: (k[2], k[0], k[1])):
        reasons = {r: Amount.of(n) for r, n in entered.get((org, service, month), Counter()).items()}
        home = division_of(snapshot, org) if snapshot.has_node(org) else None
        referred = Amount.total(asked.get((org, service, month), []))
        rows.append(Refusals(home, month, referred, reasons, org, service))
    by_division: dict[tuple[str | None, str], list[Refusals]] = defaultdict(list)
    for row in rows:
        by_division[row.division, row.month].append(row)
    divisions = [
        Refusals(
            d,
            m,
            Amount.total(r.referred for r in group),
            {k.value: Amount.total(r.reasons.get(k.value, Amount.of(0)) for r in group) for k in OutcomeReason},
        )
        for (d, m), group in sorted(by_division.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))
    ]
    return rows, divisions


def capacity_gaps(rows: Iterable[Refusals]) -> list[dict[str, Any]]:
    """Services that turned people away for lack of room in a month, at least `SUPPRESS_BELOW` times."""
    return [
        {
            "kind": "capacity-gap",
            "division": r.division,
            "organisation": r.organisation,
            "service": r.service,
            "month": r.month,
            "no_place": n,
        }
        for r in rows
        if (n := r.reasons.get(OutcomeReason.NO_PLACE.value, Amount.of(0)).value) >= SUPPRESS_BELOW
    ]


def _cells(referrals: Iterable[ReferralTally], months: set[str]) -> Counter[tuple[str, str, str, str]]:
    """The finest referral cells any view adds up: (sender, receiving organisation, service, month), the
    situations summed. A small one is small in every total it enters (the views never split by situation)."""
    cells: Counter[tuple[str, str, str, str]] = Counter()
    for t in referrals:
        if t.month in months:
            cells[t.from_id, t.to_id, t.service_id, t.month] += t.count
    return cells


def flows_and_agreements(
    snapshot: nx.MultiDiGraph, referrals: Iterable[ReferralTally], months: Sequence[str], division: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Referral flows without an agreement between the two (agreements to propose), and agreements
    (conventions, protocols) along which nothing was referred in these months. A flow adds the referrals
    recorded from cards (cell by cell, so a small cell bounds it) and those the coordination declared."""
    first_year = months[0][:4] if months else "0000"
    parts: dict[tuple[str, str], list[Amount]] = defaultdict(list)
    for (a, b, _, _), n in _cells(referrals, set(months)).items():
        parts[a, b].append(Amount.of(n))
    agreed: set[tuple[str, str]] = set()
    for a, b, data in snapshot.edges(data=True):
        if (
            data.get("kind") == "referral"
            and not data.get("recorded")
            and str(data.get("period", ""))[:7] >= first_year
        ):
            n = int(data.get("count") or 0)
            parts[a, b].append(Amount(n, False, n))  # a declared yearly or quarterly figure: no cell below it
        elif data.get("kind") == "cooperation" and data.get("cooperation") in AGREEMENTS:
            agreed.add((min(a, b), max(a, b)))
    flows = {
        pair: Amount.total(amounts)
        for pair, amounts in parts.items()
        if snapshot.has_node(pair[0]) and snapshot.has_node(pair[1]) and _in(snapshot, pair, division)
    }
    without = [
        {"from": a, "to": b, "division": division_of(snapshot, b), "referrals": shown(n)}
        for (a, b), n in sorted(flows.items(), key=lambda kv: (-_rank(kv[1]), kv[0]))
        if n.value and (min(a, b), max(a, b)) not in agreed
    ]
    flowing = {(min(a, b), max(a, b)) for (a, b), n in flows.items() if n.value}
    idle = [
        {"a": a, "b": b, "division": division_of(snapshot, a)}
        for a, b in sorted(agreed - flowing)
        if _in(snapshot, (a, b), division)
    ]
    return {"flows_without_agreement": without, "agreements_without_flows": idle}


def _in(snapshot: nx.MultiDiGraph, pair: tuple[str, str], division: str | None) -> bool:
    return division is None or division in (division_of(snapshot, pair[0]), division_of(snapshot, pair[1]))


def unmet_demand(
    cells: Iterable[UnmetDemand], months: Sequence[str], division: str | None = None
) -> list[dict[str, Any]]:
    """Questions that found nothing in their division, ranked by how often, with their months. A language
    and urgency asked fewer than 3 times are not named (a rare language could name the person): such rows
    are merged into their situation's and division's «other» row (language and urgency None)."""
    wanted = set(months)
    series: dict[tuple[str, str, str, bool], Counter[str]] = defaultdict(Counter)
    for c in cells:
        if c.month in wanted and division in (None, c.division):
            series[c.term, c.division, c.language or "", c.urgent][c.month] += c.count
    rows: dict[tuple[str, str, str | None, bool | None], dict[str, list[Amount]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for (term, d, language, urgent), by_month in series.items():
        named = sum(by_month.values()) >= SUPPRESS_BELOW
        key = (term, d, language or None, urgent) if named else (term, d, None, None)
        for month, n in by_month.items():
            rows[key][month].append(Amount.of(n))
    totals = {k: Amount.total(a for parts in by_month.values() for a in parts) for k, by_month in rows.items()}
    ranked = sorted(rows, key=lambda k: (-_rank(totals[k]), k[0], k[1], k[2] or "", str(k[3])))
    return [
        {
            "term": term,
            "division": d,
            "language": language,
            "urgent": urgent,
            "total": shown(totals[term, d, language, urgent]),
            "months": {m: shown(Amount.total(parts)) for m, parts in sorted(rows[term, d, language, urgent].items())},
        }
        for term, d, language, urgent in ranked
    ]


def _rank(amount: Amount) -> int:
    """What the order of a list may tell: the figure shown, small ones all alike."""
    if 0 < amount.value < SUPPRESS_BELOW:
        return 0
    return amount.floor if amount.bounded else amount.value
