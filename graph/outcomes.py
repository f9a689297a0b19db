"""Where the network fails, from counts only: refusals, referral flows against agreements, unmet demand.

Pure functions over the tallies (`graph.models.Tally`) and the analysis snapshot. Every figure a
coordinator sees passes through `shown`: a count below `SUPPRESS_BELOW` is «< 3», so that no figure can
point at a person; when a row hides exactly one small cell, its next smallest cell is masked too, so the
row's total cannot give the small one back (docs/security.md).
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
MASKED = "masked"
"""A cell at or above the threshold hidden so that a row's only small cell cannot be deduced from the total."""
Figure = int | str
REFUSALS: tuple[OutcomeReason, ...] = tuple(r for r in OutcomeReason if r is not OutcomeReason.ACCEPTED)
AGREEMENTS = frozenset({CooperationKind.CONVENTION.value, CooperationKind.PROTOCOL.value})
"""Cooperation kinds that are an agreement between two organisations (a convention, a protocol)."""


def shown(count: int) -> Figure:
    """A count as it may be shown: exact from 3 on (and 0), «< 3» below.

    >>> shown(0), shown(1), shown(2), shown(3)
    (0, '< 3', '< 3', 3)
    """
    return SMALL if 0 < count < SUPPRESS_BELOW else count


def shown_cells(cells: dict[str, int]) -> dict[str, Figure]:
    """Every cell `shown`; when exactly one is small, the next smallest non-zero one is masked as well.

    >>> shown_cells({"accepted": 5, "no-place": 1, "declined": 3})
    {'accepted': 5, 'no-place': '< 3', 'declined': 'masked'}
    >>> shown_cells({"accepted": 5, "no-place": 1, "declined": 2})
    {'accepted': 5, 'no-place': '< 3', 'declined': '< 3'}
    """
    out: dict[str, Figure] = {k: shown(v) for k, v in cells.items()}
    small = [k for k, v in out.items() if v == SMALL]
    others = sorted((v, k) for k, v in cells.items() if v >= SUPPRESS_BELOW)
    if len(small) == 1 and others:
        out[others[0][1]] = MASKED
    return out


def rate(part: int, whole: int) -> float | None:
    """A share, only when both counts can be shown exactly."""
    return round(part / whole, 3) if part >= SUPPRESS_BELOW and whole >= SUPPRESS_BELOW else None


def months_back(today: date, months: int) -> tuple[str, ...]:
    """The last `months` months up to today's, oldest first («2026-09», «2026-10», «2026-11»).

    >>> months_back(date(2026, 1, 15), 3)
    ('2025-11', '2025-12', '2026-01')
    """
    index = today.year * 12 + today.month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


@dataclass(frozen=True)
class Refusals:
    """A service's (or a division's) month: requests, how many were refused, and why."""

    division: str | None
    month: str
    requests: int
    """The referrals recorded towards it or the outcomes it entered, whichever is more."""
    reasons: dict[str, int]
    organisation: str | None = None
    service: str | None = None

    @property
    def refused(self) -> int:
        return sum(self.reasons.get(r.value, 0) for r in REFUSALS)

    def as_json(self) -> dict[str, Any]:
        """The figures as they may be shown (`shown`, `shown_cells`, `rate`)."""
        refused = [(n, r) for r in REFUSALS if (n := self.reasons.get(r.value, 0))]
        main = max(refused)[1].value if refused and max(refused)[0] >= SUPPRESS_BELOW else None
        out: dict[str, Any] = {"division": self.division, "month": self.month}
        if self.service is not None:
            out |= {"organisation": self.organisation, "service": self.service}
        return out | {
            "requests": shown(self.requests),
            "refused": shown(self.refused),
            "refusal_rate": rate(self.refused, self.requests),
            "main_reason": main,
            "reasons": shown_cells({r.value: self.reasons.get(r.value, 0) for r in OutcomeReason}),
        }


def refusals(
    referrals: Iterable[ReferralTally],
    outcomes: Iterable[OutcomeTally],
    snapshot: nx.MultiDiGraph,
    months: Sequence[str],
) -> tuple[list[Refusals], list[Refusals]]:
    """Per service and month, then per division and month: requests, refusals and their reasons."""
    wanted = set(months)
    asked: Counter[tuple[str, str, str]] = Counter()
    for t in referrals:
        if t.month in wanted:
            asked[t.to_id, t.service_id, t.month] += t.count
    entered: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        if o.month in wanted:
            entered[o.organisation_id, o.service_id, o.month][o.reason.value] += o.count
    rows = []
    for org, service, month in sorted(set(asked) | set(entered), key=lambda k: (k[2], k[0], k[1])):
        reasons = entered.get((org, service, month), Counter())
        requests = max(asked[org, service, month], sum(reasons.values()))
        home = division_of(snapshot, org) if snapshot.has_node(org) else None
        rows.append(Refusals(home, month, requests, dict(reasons), org, service))
    by_division: dict[tuple[str | None, str], list[Refusals]] = defaultdict(list)
    for row in rows:
        by_division[row.division, row.month].append(row)
    divisions = [
        Refusals(d, m, sum(r.requests for r in group), dict(sum((Counter(r.reasons) for r in group), Counter())))
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
        if (n := r.reasons.get(OutcomeReason.NO_PLACE.value, 0)) >= SUPPRESS_BELOW
    ]


def flows_and_agreements(
    snapshot: nx.MultiDiGraph, months: Sequence[str], division: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Referral flows without an agreement between the two (agreements to propose), and agreements
    (conventions, protocols) along which nothing was referred in these months."""
    first_year = months[0][:4] if months else "0000"
    flows: Counter[tuple[str, str]] = Counter()
    agreed: set[tuple[str, str]] = set()
    for a, b, data in snapshot.edges(data=True):
        if division is not None and division not in (division_of(snapshot, a), division_of(snapshot, b)):
            continue
        if data.get("kind") == "referral" and str(data.get("period", ""))[:7] >= first_year:
            if data.get("recorded") and data["period"] not in months:
                continue
            flows[a, b] += int(data.get("count") or 0)
        elif data.get("kind") == "cooperation" and data.get("cooperation") in AGREEMENTS:
            agreed.add((min(a, b), max(a, b)))
    without = [
        {"from": a, "to": b, "division": division_of(snapshot, b), "referrals": shown(n)}
        for (a, b), n in sorted(flows.items(), key=lambda kv: (-kv[1], kv[0]))
        if n and (min(a, b), max(a, b)) not in agreed
    ]
    flowing = {(min(a, b), max(a, b)) for (a, b), n in flows.items() if n}
    idle = [{"a": a, "b": b, "division": division_of(snapshot, a)} for a, b in sorted(agreed - flowing)]
    return {"flows_without_agreement": without, "agreements_without_flows": idle}


def unmet_demand(
    cells: Iterable[UnmetDemand], months: Sequence[str], division: str | None = None
) -> list[dict[str, Any]]:
    """Questions that found nothing in their division, ranked by how often, with their months."""
    wanted = set(months)
    series: dict[tuple[str, str, str, bool], Counter[str]] = defaultdict(Counter)
    for c in cells:
        if c.month in wanted and division in (None, c.division):
            series[c.term, c.division, c.language or "", c.urgent][c.month] += c.count
    ranked = sorted(series.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return [
        {
            "term": term,
            "division": d,
            "language": language or None,
            "urgent": urgent,
            "total": shown(sum(by_month.values())),
            "months": {m: shown(n) for m, n in sorted(by_month.items())},
        }
        for (term, d, language, urgent), by_month in ranked
    ]
