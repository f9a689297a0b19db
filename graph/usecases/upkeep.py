"""Keeping the directory true: error reports from the finder's cards, and verification dates.

Anyone may report an error (the public finder too): the report names the record, what is wrong, a short
explanation (checked for person data like every free text) and the day — never who reported it. The
coordinators handle the queue (accept once the record is fixed, or dismiss), each logged without the text.
Records nobody has verified for a year are listed for them, verified one by one or in bulk.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import ValidationError

from graph.analysis import STALE_AFTER_DAYS
from graph.errors import InvalidInput, NotFound
from graph.models import (
    ErrorReport,
    Location,
    Organisation,
    ReportReason,
    ReportStatus,
    Service,
    UpsertReport,
    Visibility,
)
from graph.store import GraphStore
from graph.usecases.caller import Caller

ORGANISATION = "organisation"
SERVICE = "service"
RECORD_KINDS = (ORGANISATION, SERVICE)
"""The kinds of record a verification names, as the dashboard's checkboxes do («service:ID»)."""


@dataclass(frozen=True)
class OpenReport:
    """An open report with the names of what it is about (None: deleted since it was reported)."""

    report: ErrorReport
    organisation_name: str | None
    service_name: str | None


@dataclass(frozen=True)
class StaleRecord:
    """An organisation or a service whose last verification is older than the limit (or that never had one)."""

    kind: str
    id: str
    name: str
    organisation_id: str
    organisation_name: str
    verified_at: date | None


def _day(on: date | None) -> date:
    when = on or date.today()
    if when > date.today():
        raise InvalidInput("a verification date cannot be in the future", parameter="verified_at", code="in_future")
    return when


class UpkeepCases:
    """Error reports and verification: what keeps the directory believable."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    # --- error reports --------------------------------------------------------------------------------

    def report(
        self, reason: str, text: str, *, service_id: str | None = None, organisation_id: str | None = None
    ) -> ErrorReport:
        """Anyone may report, so no caller is asked for, and none is kept. A service names its organisation."""
        if service_id:
            organisation_id = self.store.get(Service, service_id).organisation_id
        elif organisation_id:
            self.store.get(Organisation, organisation_id)
        else:
            raise InvalidInput("a report names a service or an organisation", parameter="service")
        if reason not in self.reasons(organisation_id):
            secret = "this organisation's address is secret: no report on it"
            raise InvalidInput(secret, parameter="reason", code="enum")
        try:
            report = ErrorReport.model_validate(
                {
                    "id": secrets.token_hex(8),
                    "organisation_id": organisation_id,
                    "service_id": service_id or None,
                    "reason": reason,
                    "text": text,
                    "reported_on": date.today(),
                }
            )
        except ValidationError as exc:
            raise InvalidInput.of(exc) from exc
        self.store.add_report(report)
        return report

    def reasons(self, organisation_id: str) -> list[str]:
        """What may be reported about an organisation: not a wrong address when its address is secret (a
        reporter would type the right one, and the queue would hold a shelter's address)."""
        secret = any(
            loc.visibility is Visibility.HIDDEN
            for loc in self.store.list(Location, organisation_id=organisation_id, clearance=Visibility.HIDDEN)
        )
        return [r.value for r in ReportReason if not (secret and r is ReportReason.ADDRESS)]

    def open_reports(self, caller: Caller, organisation_id: str | None = None) -> list[OpenReport]:
        """The queue (of one organisation, or all), oldest first, with the names of the records."""
        caller.require_coordinator("the error reports")
        reports = self.store.reports(organisation_id=organisation_id)
        org_ids = sorted({r.organisation_id for r in reports})
        service_ids = sorted({r.service_id for r in reports if r.service_id})
        orgs = {o.id: o.name for o in self.store.list(Organisation, ids=org_ids)} if org_ids else {}
        services = {s.id: s.name for s in self.store.list(Service, ids=service_ids)} if service_ids else {}
        return [
            OpenReport(r, orgs.get(r.organisation_id), services.get(r.service_id) if r.service_id else None)
            for r in reports
        ]

    def accept(self, caller: Caller, report_id: str) -> ErrorReport:
        """The record was fixed: the report leaves the queue (`Conflict` if someone handled it meanwhile)."""
        caller.require_coordinator("handling error reports")
        return self.store.close_report(report_id, ReportStatus.ACCEPTED, key_id=caller.key_id, route=caller.route)

    def dismiss(self, caller: Caller, report_id: str) -> ErrorReport:
        caller.require_coordinator("handling error reports")
        return self.store.close_report(report_id, ReportStatus.DISMISSED, key_id=caller.key_id, route=caller.route)

    # --- verification ----------------------------------------------------------------------------------

    def stale(self, caller: Caller, as_of: date | None = None, days: int = STALE_AFTER_DAYS) -> list[StaleRecord]:
        """Organisations and services not verified for `days` (or never), the oldest first."""
        caller.require_coordinator("the records to verify")
        limit = (as_of or date.today()) - timedelta(days=days)
        orgs = {o.id: o for o in self.store.list(Organisation)}
        found = [
            StaleRecord(ORGANISATION, o.id, o.name, o.id, o.name, o.verified_at)
            for o in orgs.values()
            if o.verified_at is None or o.verified_at < limit
        ]
        found += [
            StaleRecord(SERVICE, s.id, s.name, s.organisation_id, orgs[s.organisation_id].name, s.verified_at)
            for s in self.store.list(Service)
            if (s.verified_at is None or s.verified_at < limit) and s.organisation_id in orgs
        ]
        return sorted(found, key=lambda r: (r.verified_at or date.min, r.organisation_name, r.kind, r.name))

    def mark_service_verified(self, caller: Caller, service_id: str, on: date | None = None) -> UpsertReport:
        """A service confirmed as of today (or `on`), by its organisation's editor or a coordinator."""
        service = self.store.get(Service, service_id, clearance=Visibility.HIDDEN)  # keeps a shelter's site
        caller.require_writer(service.organisation_id)
        return self.store.upsert(
            [service.model_copy(update={"verified_at": _day(on)})], key_id=caller.key_id, route=caller.route
        )

    def mark_verified(self, caller: Caller, records: Sequence[tuple[str, str]], on: date | None = None) -> UpsertReport:
        """Several records, each (kind, id), confirmed as of today in one write: coordinators only, and every
        record's right checked before anything is written (an unknown one writes nothing)."""
        caller.require_coordinator("verifying records in bulk")
        when = _day(on)
        unknown = sorted({kind for kind, _ in records} - set(RECORD_KINDS))
        if unknown:
            raise InvalidInput(f"unknown kind of record «{unknown[0]}»", parameter="records")
        org_ids = sorted({i for kind, i in records if kind == ORGANISATION})
        service_ids = sorted({i for kind, i in records if kind == SERVICE})
        orgs = self.store.list(Organisation, ids=org_ids) if org_ids else []
        services = self.store.list(Service, ids=service_ids, clearance=Visibility.HIDDEN) if service_ids else []
        missing = sorted({*org_ids, *service_ids} - {x.id for x in (*orgs, *services)})
        if missing:
            raise NotFound(f"no organisation or service with id «{missing[0]}»")
        for o in orgs:
            caller.require_writer(o.id)
        for s in services:
            caller.require_writer(s.organisation_id)
        changed = [x.model_copy(update={"verified_at": when}) for x in (*orgs, *services)]
        return self.store.upsert(changed, key_id=caller.key_id, route=caller.route)
