"""Closing the loop without a person in the data: referrals made, their outcomes and unmet demand, as counts.

A professional records «orientation faite» from a result card: their organisation, the receiving service,
the situation and the month — nothing else. The receiving organisation enters what became of the referrals
it received, as counts per month and reason from a closed list. A referral answer that found nothing in its
division adds one to the unmet demand of (term, division, person's language, urgent, month). Coordinators
read them with small counts suppressed (`graph.outcomes`); nobody's day, address or words are kept.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.errors import InvalidInput, RelaisError, Stale, TooMany
from graph.models import OutcomeReason, OutcomeTally, ReferralTally, Service, Status, TermKind, UnmetDemand
from graph.outcomes import capacity_gaps, flows_and_agreements, months_back, refusals, unmet_demand
from graph.reference import Reference
from graph.referral import Answer
from graph.store import GraphStore
from graph.usecases.analysis import AnalysisCache
from graph.usecases.caller import Caller
from graph.waiting import Background

log = logging.getLogger("relais")

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
"""ASCII digits only: «２０２６-１１» or «2026-0١» are not months (`str.isdigit` would say they are)."""
ORIENTATIONS_PER_HOUR = 30
"""«Orientation faite» one organisation may count in an hour (in each process): a busy team's day, not a
script inflating another organisation's figures."""
UNMET_FORGOTTEN_AFTER_S = 600.0
"""The same question from the same client counts once in this while: a reloaded page is not a second person."""
DEFAULT_MONTHS = 12
"""How many months the coordinators' views read back, this one included."""


def this_month(today: date | None = None) -> str:
    return (today or date.today()).strftime("%Y-%m")


class UnmetWriter:
    """Unmet demand written after the answer, by a writing thread of its own, every cell decided during a write
    in the next one: the answer never waits for a count (at a restart at Neo4j 10k, the first 57 questions
    that found nothing each waited 250 ms for theirs, one write each). A cell is in memory for the length of a
    write; a process that ends without `close` (a kill) loses those few counts, never an answer nor an edit."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._pending: list[UnmetDemand] = []
        self._writing = threading.Lock()
        """Held while writing: one write at a time, and `flush` waits for the one in progress."""
        self._writer = Background(self.flush, "relais-unmet")

    def add(self, cell: UnmetDemand) -> None:
        """Count `cell` soon, in the writing thread."""
        with self._lock:
            self._pending.append(cell)
        self._writer.ask()

    def flush(self) -> None:
        """Write what is pending now (the writing thread; a reader that must see this process's counts)."""
        with self._writing:
            while cells := self._take():
                self._write(cells)

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def _take(self) -> list[UnmetDemand]:
        with self._lock:
            cells, self._pending = self._pending, []
        summed: dict[tuple[str, ...], UnmetDemand] = {}
        for c in cells:
            known = summed.get(c.key())
            summed[c.key()] = c if known is None else known.model_copy(update={"count": known.count + c.count})
        return list(summed.values())

    def _write(self, cells: list[UnmetDemand]) -> None:
        try:
            self.store.add_tallies(cells)
        except RelaisError:  # the person in front of the professional came first
            log.warning("%d unmet demand counts not written: the store refused the write", len(cells))


@dataclass(frozen=True)
class ServiceOutcomes:
    """A service's outcome counts for one month, as its organisation entered them, and the referrals
    recorded towards it that month (its own figures: shown exactly to its editors)."""

    service: Service
    month: str
    counts: dict[OutcomeReason, int]
    referred: int

    @property
    def version(self) -> str:
        """What the form read: saving over counts someone else changed meanwhile is refused."""
        return ",".join(f"{r.value}={self.counts.get(r, 0)}" for r in OutcomeReason)


class OutcomeCases:
    def __init__(self, store: GraphStore, reference: Reference, analysis: AnalysisCache, keep_months: int) -> None:
        self.store = store
        self.reference = reference
        self.analysis = analysis
        self.keep_months = keep_months
        """0: counts are kept for ever; otherwise the months before the last `keep_months` are dropped."""
        self._lock = threading.Lock()
        self._made: dict[str, deque[float]] = {}
        """When each organisation counted its last referrals (monotonic seconds), in memory only."""
        self._asked: dict[tuple[str, ...], float] = {}
        """When a client's unmet question was last counted (monotonic seconds), in memory only."""
        self.unmet = UnmetWriter(store)

    def _month(self, month: str | None, today: date | None = None) -> str:
        now = this_month(today)
        month = month or now
        if not MONTH.fullmatch(month):
            raise InvalidInput("a month is written YYYY-MM", parameter="month", code="month_format")
        if month > now:
            raise InvalidInput("a month to come has no counts yet", parameter="month", code="month_future")
        if self.keep_months and month < months_back(today or date.today(), self.keep_months)[0]:
            raise InvalidInput("counts of that month are no longer kept", parameter="month", code="month_dropped")
        return month

    def _service(self, service_id: str) -> Service:
        return self.store.get(Service, service_id)

    def record_referral(
        self, caller: Caller, service_id: str, situation: str, month: str | None = None
    ) -> ReferralTally:
        """«Orientation faite»: one more referral from the caller's organisation to a service this month."""
        from_id = caller.require_member_of_an_organisation("counting a referral")
        service = self._service(service_id)
        if service.status is not Status.ACTIVE:
            raise InvalidInput("this service is not active", parameter="service_id", code="inactive_service")
        if service.organisation_id == from_id:
            raise InvalidInput(
                "a referral inside one's own organisation is not counted",
                parameter="service_id",
                code="own_organisation",
            )
        self.reference.taxonomy.get(situation, TermKind.SITUATION, parameter="situation")
        month = self._month(month)
        if month < months_back(date.today(), 2)[0]:
            raise InvalidInput("a referral is counted in its month or the next", parameter="month", code="month_late")
        self._allow_orientation(from_id)
        tally = ReferralTally(
            month=month,
            from_id=from_id,
            to_id=service.organisation_id,
            service_id=service.id,
            situation=situation,
        )
        self.store.add_tallies([tally])
        return tally

    def _allow_orientation(self, organisation_id: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = self._made.setdefault(organisation_id, deque())
            while recent and now - recent[0] > 3600:
                recent.popleft()
            if len(recent) >= ORIENTATIONS_PER_HOUR:
                raise TooMany(f"at most {ORIENTATIONS_PER_HOUR} referrals an hour are counted for one organisation")
            recent.append(now)

    def outcomes(self, caller: Caller, service_id: str, month: str | None = None) -> ServiceOutcomes:
        """A service's outcome counts of a month, for its organisation's editors and the coordinators."""
        service = self._service(service_id)
        caller.require_writer(service.organisation_id)
        month = self._month(month)
        scope = f"{service.id}/{month}"
        counts = {t.reason: t.count for t in self.store.tallies(OutcomeTally, scope=scope)}
        referred = sum(
            t.count for t in self.store.tallies(ReferralTally) if t.service_id == service.id and t.month == month
        )
        return ServiceOutcomes(service, month, counts, referred)

    def set_outcomes(
        self, caller: Caller, service_id: str, month: str, counts: Mapping[OutcomeReason, int], version: str
    ) -> ServiceOutcomes:
        """Enter a service's month as a whole (every reason); `Conflict` when someone changed it since `version`."""
        current = self.outcomes(caller, service_id, month)
        if version != current.version:
            raise Stale("these counts were changed meanwhile: read them again", current.version)
        service, month = current.service, current.month

        def cell(reason: OutcomeReason, count: int) -> OutcomeTally:
            return OutcomeTally(
                month=month, organisation_id=service.organisation_id, service_id=service.id, reason=reason, count=count
            )

        expected = [cell(r, n) for r, n in current.counts.items()]
        new = [cell(r, n) for r, n in counts.items()]
        self.store.replace_tallies(OutcomeTally, f"{service.id}/{month}", expected, new)
        return self.outcomes(caller, service_id, month)

    def unmet_of(self, answer: Answer, asker: str = "", today: date | None = None) -> UnmetDemand | None:
        """The unmet demand an answer adds, decided in memory (`count_unmet` writes it): a question that found
        nothing in its division counts once (none for a question without a division: it asked nothing of a
        place); the same client asking it again within `UNMET_FORGOTTEN_AFTER_S` (a reload, a bot) does not
        count again."""
        term = answer.query.situation or answer.query.need
        if answer.division is None or term is None or any(not r.alternative for r in answer.results):
            return None
        q = answer.query
        if not self._first_time((asker, term, answer.division, q.language or "", str(q.urgent))):
            return None
        return UnmetDemand(
            month=this_month(today), term=term, division=answer.division, language=q.language, urgent=q.urgent
        )

    def count_unmet(self, cell: UnmetDemand) -> None:
        """Counted after the answer (`UnmetWriter`): never waits."""
        self.unmet.add(cell)

    def _first_time(self, key: tuple[str, ...]) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._asked) > 50_000:
                self._asked = {k: t for k, t in self._asked.items() if now - t <= UNMET_FORGOTTEN_AFTER_S}
            last = self._asked.get(key)
            self._asked[key] = now
            return last is None or now - last > UNMET_FORGOTTEN_AFTER_S

    def loop(
        self, caller: Caller, division: str | None = None, months: int = DEFAULT_MONTHS, today: date | None = None
    ) -> dict[str, Any]:
        """The coordinators' view: refusal rates per service and division with their reasons, capacity gaps,
        flows against agreements, unmet demand ranked — small counts suppressed."""
        caller.require_coordinator("the referral outcomes")
        if not 1 <= months <= 60:
            raise InvalidInput("months goes from 1 to 60", parameter="months")
        window = months_back(today or date.today(), months)
        self.unmet.flush()  # the questions this process answered a moment ago are in the view
        _, snapshot = self.analysis.get()
        services, divisions = refusals(
            self.store.tallies(ReferralTally), self.store.tallies(OutcomeTally), snapshot, window
        )
        if division is not None:
            services = [r for r in services if r.division == division]
            divisions = [r for r in divisions if r.division == division]
        return {
            "months": list(window),
            "refusals_by_service": [r.as_json() for r in services],
            "refusals_by_division": [r.as_json() for r in divisions],
            "capacity_gaps": capacity_gaps(services),
            **flows_and_agreements(snapshot, self.store.tallies(ReferralTally), window, division),
            "unmet_demand": unmet_demand(self.store.tallies(UnmetDemand), window, division),
        }

    def prune(self, caller: Caller, today: date | None = None) -> int:
        """Drop the counts older than the months kept (none when the coordination keeps them all)."""
        caller.require_coordinator("dropping old counts")
        if not self.keep_months:
            return 0
        return self.store.drop_tallies(months_back(today or date.today(), self.keep_months)[0])
