"""The platforms' life: platforms and their members, trainings and who attended (a head count, never names).

Coordinators keep them; every write checks the version the form showed (`Stale` otherwise), validates and
goes to the change log with the key id and route, as the records' use cases do.
"""

from __future__ import annotations

from typing import TypeVar

from graph.errors import InvalidInput, NotFound, Stale
from graph.models import Attendance, Membership, Organisation, Platform, Training, UpsertReport
from graph.reference import Reference
from graph.store import GraphStore
from graph.usecases.caller import Caller

Kept = TypeVar("Kept", Platform, Training)
L = TypeVar("L", Membership, Attendance)


class PlatformCases:
    """Platforms, memberships, trainings and attendances, for coordinators."""

    def __init__(self, store: GraphStore, reference: Reference) -> None:
        self.store = store
        self.reference = reference

    # --- reading ------------------------------------------------------------------------------------

    def platforms(self) -> list[Platform]:
        return self.store.list(Platform)

    def trainings(self) -> list[Training]:
        return self.store.list(Training)

    def members(self, platform_id: str) -> list[Membership]:
        return [m for m in self.store.links(Membership) if m.platform_id == platform_id]

    def attendances(self, training_id: str) -> list[Attendance]:
        return [a for a in self.store.links(Attendance) if a.training_id == training_id]

    def record(self, kind: type[Kept], record_id: str) -> Kept:
        return self.store.get(kind, record_id)

    def version(self, kind: type[Kept], record_id: str) -> str:
        """The record's content hash: the version a form carries back."""
        return self.record(kind, record_id).content_hash()

    # --- platforms and trainings ------------------------------------------------------------------------

    def save(self, caller: Caller, record: Platform | Training, expected: str | None = None) -> UpsertReport:
        """Creates (expected None and a new id) or saves a platform or a training."""
        caller.require_coordinator()
        if expected is not None:
            self._check_version(type(record), record.id, expected)
        elif self.store.list(type(record), ids=[record.id]):
            raise InvalidInput(f"«{record.id}» exists already", parameter="id", code="slug")
        if isinstance(record, Training):
            self._check_training(record)
        elif record.division and record.division not in self.reference.geography.divisions:
            raise InvalidInput("unknown division", parameter="division", code="enum")
        return self.store.upsert([record], key_id=caller.key_id, route=caller.route)

    def _check_training(self, training: Training) -> None:
        unknown = [c for c in training.terms if c not in self.reference.taxonomy.terms]
        if unknown:
            raise InvalidInput(f"unknown themes: {', '.join(unknown)}", parameter="terms", code="unknown_code")
        if training.organiser_id and not self.store.list(Organisation, ids=[training.organiser_id]):
            raise InvalidInput("unknown organiser", parameter="organiser_id", code="missing")

    def delete(
        self, caller: Caller, kind: type[Platform] | type[Training], record_id: str, expected: str | None = None
    ) -> int:
        """Deletes a platform with its memberships or a training with its attendances (each logged); returns
        how many of those went with it."""
        caller.require_coordinator()
        self._check_version(kind, record_id, expected)
        attached = self.members(record_id) if kind is Platform else self.attendances(record_id)
        for link in attached:
            self.store.remove_link(link, key_id=caller.key_id, route=caller.route)
        self.store.delete(kind, record_id, key_id=caller.key_id, route=caller.route)
        return len(attached)

    def _check_version(self, kind: type[Platform] | type[Training], record_id: str, expected: str | None) -> None:
        stored = self.store.get(kind, record_id)
        if expected is not None and stored.content_hash() != expected:
            raise Stale(f"«{record_id}» was changed meanwhile by someone else: nothing was written", stored)

    # --- members and attendances ------------------------------------------------------------------------

    def add_member(self, caller: Caller, membership: Membership) -> UpsertReport:
        caller.require_coordinator()
        self.store.get(Platform, membership.platform_id)
        if any(m.organisation_id == membership.organisation_id for m in self.members(membership.platform_id)):
            raise InvalidInput("already a member", parameter="organisation_id", code="already_member")
        self._require_organisation(membership.organisation_id)
        return self.store.add_links([membership], key_id=caller.key_id, route=caller.route)

    def remove_member(self, caller: Caller, platform_id: str, organisation_id: str) -> None:
        caller.require_coordinator()
        gone = _one([m for m in self.members(platform_id) if m.organisation_id == organisation_id])
        self.store.remove_link(gone, key_id=caller.key_id, route=caller.route)

    def save_attendance(self, caller: Caller, attendance: Attendance) -> UpsertReport:
        """Adds an organisation's head count to a training, or changes it."""
        caller.require_coordinator()
        self.store.get(Training, attendance.training_id)
        self._require_organisation(attendance.organisation_id)
        return self.store.add_links([attendance], key_id=caller.key_id, route=caller.route)

    def remove_attendance(self, caller: Caller, training_id: str, organisation_id: str) -> None:
        caller.require_coordinator()
        gone = _one([a for a in self.attendances(training_id) if a.organisation_id == organisation_id])
        self.store.remove_link(gone, key_id=caller.key_id, route=caller.route)

    def _require_organisation(self, organisation_id: str) -> None:
        if not self.store.list(Organisation, ids=[organisation_id]):
            raise InvalidInput("choose an organisation of the list", parameter="organisation_id", code="missing")


def _one(found: list[L]) -> L:
    if not found:
        raise NotFound("this organisation is not listed there")
    return found[0]
