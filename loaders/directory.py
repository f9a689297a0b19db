"""Rows to validated records, every problem reported at once; then a separate, batched import.

`read_directory` only reads; writing is the import use case's (`graph.usecases.import_directory`),
and only after a clean validation: any problem means non-zero exit and nothing written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.errors import InvalidInput, Problem
from graph.models import (
    EMAIL_ADDRESS,
    WEB_ADDRESS,
    Attendance,
    Capacity,
    Contact,
    ContactKind,
    ContactVisibility,
    Cooperation,
    Link,
    Location,
    Membership,
    NewsPost,
    Organisation,
    Platform,
    Project,
    Record,
    ReferralFlow,
    Registration,
    Service,
    TermKind,
    Training,
    Visibility,
)
from graph.reference import Reference, suggest
from graph.store import GraphStore
from graph.usecases import sector_of
from loaders.hsds import is_hsds, read_hsds
from loaders.read import DirectorySource, Row
from loaders.template import MULTI_SEPARATOR, SHEETS

MAX_PROBLEMS = 500
PHONE = re.compile(r"^\+?[0-9][0-9 ./()\-]*$")
URL = re.compile(WEB_ADDRESS, re.IGNORECASE)
TRUE = {"yes", "oui", "ja", "true", "1", "y", "o", "x", "24/7"}
FALSE = {"no", "non", "nee", "nein", "false", "0", "n", ""}
SHELTER_TYPES = {"shelter"}

Item = Record | Link


def split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(MULTI_SEPARATOR) if v.strip())


@dataclass
class Parsed:
    """What validation learnt: counts per sheet, ids per kind, and every problem."""

    rows: Counter[str] = field(default_factory=Counter)
    ids: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _RowReader:
    """Cell accessors that record a located problem instead of raising, so all problems are collected."""

    def __init__(self, row: Row, problems: list[Problem]) -> None:
        self.row = row
        self.problems = problems

    def fail(self, message: str, column: str | None = None, suggestions: tuple[str, ...] = ()) -> None:
        self.problems.append(self.row.problem(message, column, suggestions))

    def text(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def opt(self, column: str) -> str | None:
        return self.text(column) or None

    def date(self, column: str, *, not_future: bool = True) -> date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            parsed = date.fromisoformat(value[:10])
        except ValueError:
            self.fail(f"«{value}» is not a date (expected YYYY-MM-DD)", column)
            return None
        if not_future and parsed > date.today():
            self.fail(f"date {parsed} is in the future", column)
        return parsed

    def number(self, column: str, kind: Callable[[str], Any] = int) -> Any:
        value = self.text(column)
        if not value:
            return None
        try:
            return kind(value.replace(",", ".") if kind is float else value)
        except ValueError:
            self.fail(f"«{value}» is not a {'whole ' if kind is int else ''}number", column)
            return None

    def clock(self, column: str) -> time | None:
        """A time of day, «9:30» or «09:30» (a workbook's time cell reads as «09:30:00»)."""
        value = self.text(column)
        if not value:
            return None
        try:
            return time.fromisoformat(value.zfill(5) if len(value) == 4 else value)
        except ValueError:
            self.fail(f"«{value}» is not a time of day (expected HH:MM)", column)
            return None

    def boolean(self, column: str) -> bool:
        value = self.text(column).casefold()
        if value in TRUE:
            return True
        if value not in FALSE:
            self.fail(f"«{value}» is not yes/no (oui/non)", column)
        return False


class DirectoryParser:
    """Turns rows into records, checking them against the reference data and each other."""

    def __init__(
        self,
        reference: Reference,
        known: dict[str, set[str]] | None = None,
        known_org_types: dict[str, str] | None = None,
    ) -> None:
        self.ref = reference
        self.known = known or {}
        self.org_types: dict[str, str] = dict(known_org_types or {})
        self.public_addresses: dict[str, str] = {}
        self.hidden_addresses: dict[str, str] = {}

    def parse(self, row: Row, problems: list[Problem]) -> Item | None:
        r = _RowReader(row, problems)
        before = len(problems)
        for c in SHEETS[row.sheet]:
            if c.required and not r.text(c.name):
                r.fail("required cell is empty", c.name)
        data = getattr(self, f"_{row.sheet}")(r)
        if len(problems) > before or data is None:
            return None
        kind, values = data
        try:
            item: Item = kind.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                r.fail(err["msg"].removeprefix("Value error, "), _column_of(row.sheet, err))
            return None
        return item

    # --- terms and places ------------------------------------------------------------------------

    def _terms(self, r: _RowReader, column: str, kind: TermKind | None) -> tuple[str, ...]:
        codes = split(r.text(column))
        for code in codes:
            term = self.ref.taxonomy.terms.get(code)
            if term is None or (kind is not None and term.term_kind != kind):
                valid = [t.id for t in self.ref.taxonomy.terms.values() if kind is None or t.term_kind == kind]
                r.fail(f"unknown {kind.value if kind else 'taxonomy'} code «{code}»", column, suggest(code, valid))
        return codes

    def _commune(self, r: _RowReader, column: str, value: str) -> str | None:
        try:
            return self.ref.geography.commune(value).id
        except InvalidInput as exc:
            p = exc.problems[0]
            r.fail(p.message, column, p.suggestions)
            return None

    def _refs(self, r: _RowReader, column: str, kind: str, ids: tuple[str, ...]) -> None:
        for i in ids:
            if i not in self.known.get(kind, set()):
                r.fail(f"refers to unknown {kind.lower()} «{i}»", column, suggest(i, self.known.get(kind, set())))

    def _provenance(self, r: _RowReader) -> dict[str, Any]:
        return {"source": r.text("source"), "verified_at": r.date("verified_at")}

    # --- sheets ---------------------------------------------------------------------------------------

    def _organisations(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        sector = ""
        try:
            sector = sector_of(self.ref, r.text("type")) if r.text("type") else ""
        except InvalidInput as exc:
            r.fail(exc.problems[0].message, "type", exc.problems[0].suggestions)
        website = r.text("website")
        if website and not URL.match(website):
            r.fail(f"«{website}» is not a web address (https://…)", "website")
        if r.text("parent"):
            self._refs(r, "parent", "Organisation", (r.text("parent"),))
        self.org_types[r.text("id")] = r.text("type")
        return Organisation, {
            "id": r.text("id"),
            "name": r.text("name"),
            "type": r.text("type"),
            "sector": sector,
            "description": r.text("description"),
            "website": website or None,
            "status": r.opt("status") or "active",
            "parent": r.opt("parent"),
            **self._provenance(r),
        }

    def _locations(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        org_id = r.text("organisation_id")
        self._refs(r, "organisation_id", "Organisation", (org_id,))
        commune = self._commune(r, "commune", r.text("commune")) if r.text("commune") else None
        postcode = r.text("postcode")
        if commune and postcode and postcode not in self.ref.geography.communes[commune].postcodes:
            c = self.ref.geography.communes[commune]
            r.fail(f"postcode {postcode} is not in {c.name} ({', '.join(c.postcodes)})", "postcode", c.postcodes)
        visibility = r.text("visibility")
        address = " ".join(r.text("address").casefold().split())
        if address:
            if visibility == Visibility.PUBLIC and self.org_types.get(org_id) in SHELTER_TYPES:
                r.fail("a shelter's street address must never be public: set visibility to hidden", "visibility")
            if visibility == Visibility.HIDDEN:
                if address in self.public_addresses:
                    r.fail(
                        f"this secret address is published as public location «{self.public_addresses[address]}»",
                        "address",
                    )
                self.hidden_addresses[address] = r.text("id")
            else:
                if address in self.hidden_addresses:
                    r.fail(
                        f"this address is the secret address of location «{self.hidden_addresses[address]}»", "address"
                    )
                self.public_addresses[address] = r.text("id")
        return Location, {
            "id": r.text("id"),
            "organisation_id": org_id,
            "name": r.text("name"),
            "address": r.text("address"),
            "postcode": postcode,
            "commune": commune or "00000",
            "latitude": r.number("latitude", float),
            "longitude": r.number("longitude", float),
            "visibility": visibility,
            **self._provenance(r),
        }

    def _service_area(self, r: _RowReader) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The divisions and the communes (NIS codes) a service serves, each one checked."""
        divisions = split(r.text("area_divisions"))
        for d in divisions:
            if d not in self.ref.geography.divisions:
                r.fail(f"unknown division «{d}»", "area_divisions", tuple(self.ref.geography.divisions))
        communes = tuple(c for c in (self._commune(r, "area_communes", v) for v in split(r.text("area_communes"))) if c)
        return divisions, communes

    def _services(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        self._refs(r, "organisation_id", "Organisation", (r.text("organisation_id"),))
        location_ids = split(r.text("location_ids"))
        self._refs(r, "location_ids", "Location", location_ids)
        divisions, communes = self._service_area(r)
        contacts = _contacts(r)
        capacity = _capacity(r)
        languages = split(r.text("languages")) or ("fr",)
        return Service, {
            "id": r.text("id"),
            "organisation_id": r.text("organisation_id"),
            "name": r.text("name"),
            "description": r.text("description"),
            "situations": self._terms(r, "situations", TermKind.SITUATION),
            "needs": self._terms(r, "needs", TermKind.NEED),
            "audiences": self._terms(r, "audiences", TermKind.AUDIENCE),
            "languages": languages,
            "access": r.opt("access") or "appointment",
            "cost": r.text("cost"),
            "eligibility": r.text("eligibility"),
            "hours": r.text("hours"),
            "open_24_7": r.boolean("open_24_7"),
            "capacity": capacity,
            "contacts": contacts,
            "area_scope": r.opt("area_scope") or "local",
            "area_divisions": divisions,
            "area_communes": communes,
            "location_ids": location_ids,
            "status": r.opt("status") or "active",
            **self._provenance(r),
        }

    def _links(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        ends = (r.text("from"), r.text("to"))
        self._refs(r, "from", "Organisation", ends[:1])
        self._refs(r, "to", "Organisation", ends[1:])
        kind = r.text("kind")
        if kind == "cooperation":
            return Cooperation, {
                "a": ends[0],
                "b": ends[1],
                "cooperation": r.opt("cooperation") or "informal",
                "since": r.date("since"),
                "until": r.date("until", not_future=False),
                "confidence": r.number("confidence", float) if r.text("confidence") else 1.0,
                "status": r.opt("status") or "confirmed",
                "requested_by": r.opt("requested_by"),
                **self._provenance(r),
            }
        if kind == "referral":
            if not r.text("period"):
                r.fail("a referral link needs its period", "period")
            return ReferralFlow, {
                "from_id": ends[0],
                "to_id": ends[1],
                "period": r.text("period"),
                "count": r.number("count") or 0,
                **self._provenance(r),
            }
        if kind:
            r.fail(f"unknown link kind «{kind}»", "kind", ("cooperation", "referral"))
        return None

    def _platforms(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        return Platform, {
            "id": r.text("id"),
            "name": r.text("name"),
            "platform_kind": r.text("kind"),
            "division": r.opt("division"),
            **self._provenance(r),
        }

    def _memberships(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        self._refs(r, "organisation_id", "Organisation", (r.text("organisation_id"),))
        self._refs(r, "platform_id", "Platform", (r.text("platform_id"),))
        return Membership, {
            "organisation_id": r.text("organisation_id"),
            "platform_id": r.text("platform_id"),
            "since": r.date("since"),
            "role": r.opt("role") or "member",
            **self._provenance(r),
        }

    def _trainings(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        """The former sheet listed the trainings that took place: one whose day has passed was held."""
        if r.text("organiser_id"):
            self._refs(r, "organiser_id", "Organisation", (r.text("organiser_id"),))
        held_on = r.date("held_on", not_future=False)
        return Training, {
            "id": r.text("id"),
            "title": r.text("title"),
            "held_on": held_on,
            "status": "held" if held_on and held_on < date.today() else "planned",
            "organiser_id": r.opt("organiser_id"),
            "terms": self._terms(r, "terms", None),
            **self._provenance(r),
        }

    def _codes(self, r: _RowReader, column: str, valid: Iterable[str], what: str) -> tuple[str, ...]:
        """The codes of a multi-valued cell, each one of `valid` (a wrong one named with the nearest)."""
        known = set(valid)
        codes = split(r.text(column))
        for code in codes:
            if code not in known:
                r.fail(f"unknown {what} «{code}»", column, suggest(code, known))
        return codes

    def _events(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        """An event of the platforms: its place, organiser and project must exist; its audience and
        divisions are codes of the reference data."""
        for column, kind in (("organiser_id", "Organisation"), ("location_id", "Location"), ("project_id", "Project")):
            if r.text(column):
                self._refs(r, column, kind, (r.text(column),))
        types = self.ref.organisation_types
        return Training, {
            "id": r.text("id"),
            "title": r.text("title"),
            "event_kind": r.opt("kind") or "training",
            "held_on": r.date("held_on", not_future=False),
            "starts_at": r.clock("starts_at"),
            "ends_at": r.clock("ends_at"),
            "organiser_id": r.opt("organiser_id"),
            "terms": self._terms(r, "terms", None),
            "divisions": self._codes(r, "divisions", self.ref.geography.divisions, "division"),
            "audience_sectors": self._codes(r, "audience_sectors", {t.sector for t in types.values()}, "sector"),
            "audience_types": self._codes(r, "audience_types", types, "organisation type"),
            "location_id": r.opt("location_id"),
            "capacity": r.number("capacity"),
            "registration_deadline": r.date("registration_deadline", not_future=False),
            "status": r.opt("status") or "planned",
            "members_only": r.boolean("members_only"),
            "description": r.text("description"),
            "project_id": r.opt("project_id"),
            **self._provenance(r),
        }

    def _projects(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        partners = split(r.text("partners"))
        self._refs(r, "partners", "Organisation", partners)
        if len(partners) == 1:
            r.fail("a project has two partners or more", "partners")
        return Project, {
            "id": r.text("id"),
            "name": r.text("name"),
            "partner_ids": partners,
            "terms": self._terms(r, "terms", None),
            "starts_on": r.date("starts_on", not_future=False),
            "ends_on": r.date("ends_on", not_future=False),
            "status": r.opt("status") or "running",
            "description": r.text("description"),
            **self._provenance(r),
        }

    def _news(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        link = r.text("link")
        if link and not URL.match(link):
            r.fail(f"«{link}» is not a web address (https://…)", "link")
        translated = {
            f"{part}_{lang}": r.opt(f"{part}_{lang}") for lang in ("nl", "de", "en") for part in ("title", "body")
        }
        return NewsPost, {
            "id": r.text("id"),
            "title": r.text("title"),
            "body": r.text("body"),
            **translated,
            "published_on": r.date("published_on", not_future=False),
            "terms": self._terms(r, "terms", None),
            "divisions": self._codes(r, "divisions", self.ref.geography.divisions, "division"),
            "members_only": r.boolean("members_only"),
            "link": link or None,
            **self._provenance(r),
        }

    def _registrations(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        """An organisation's head count for an event (never names); `waiting` of them on the waiting list."""
        self._refs(r, "organisation_id", "Organisation", (r.text("organisation_id"),))
        self._refs(r, "event_id", "Training", (r.text("event_id"),))
        participants, waiting = r.number("participants"), r.number("waiting")
        if participants and waiting is not None and waiting > participants > 0:
            r.fail(f"{waiting} waiting is more than the {participants} registered", "waiting")
        return Registration, {
            "organisation_id": r.text("organisation_id"),
            "training_id": r.text("event_id"),
            "participants": participants,
            "waiting": waiting or 0,
            **self._provenance(r),
        }

    def _attendances(self, r: _RowReader) -> tuple[type[Item], dict[str, Any]] | None:
        self._refs(r, "organisation_id", "Organisation", (r.text("organisation_id"),))
        self._refs(r, "training_id", "Training", (r.text("training_id"),))
        participants = r.number("participants")
        return Attendance, {
            "organisation_id": r.text("organisation_id"),
            "training_id": r.text("training_id"),
            "participants": 1 if participants is None else participants,
            **self._provenance(r),
        }


_CONTACT_COLUMNS = (
    ("phone", ContactKind.PHONE, PHONE, ContactVisibility.PUBLIC),
    ("phone_professional", ContactKind.PHONE, PHONE, ContactVisibility.PROFESSIONAL),
    ("email", ContactKind.EMAIL, EMAIL_ADDRESS, ContactVisibility.PUBLIC),
    ("contact_website", ContactKind.WEBSITE, URL, ContactVisibility.PUBLIC),
)
"""Template column -> the contact it holds and the pattern its values must match."""

_CAPACITY_COLUMNS = ("capacity_available", "capacity_total", "capacity_updated_at")


def _valid_contact(value: str, kind: ContactKind, pattern: re.Pattern[str]) -> bool:
    """A value matching its pattern; a phone number also has 3 to 13 digits.

    >>> _valid_contact("04 000 10 10", ContactKind.PHONE, PHONE), _valid_contact("12", ContactKind.PHONE, PHONE)
    (True, False)
    """
    digits = sum(ch.isdigit() for ch in value)
    return bool(pattern.match(value)) and (kind is not ContactKind.PHONE or 3 <= digits <= 13)


def _contacts(r: _RowReader) -> tuple[Contact, ...]:
    """The valid contacts of a service row, column by column; each invalid value is a problem."""
    contacts: list[Contact] = []
    for column, kind, pattern, visibility in _CONTACT_COLUMNS:
        for value in split(r.text(column)):
            if not _valid_contact(value, kind, pattern):
                r.fail(f"«{value}» is not a valid {column.replace('_', ' ')}", column)
                continue
            try:  # the model's own rules (control characters, length) are located problems too
                contacts.append(Contact(kind=kind, value=value, visibility=visibility))
            except ValidationError as exc:
                r.fail(exc.errors()[0]["msg"].removeprefix("Value error, "), column)
    return tuple(contacts)


def _capacity(r: _RowReader) -> Capacity | None:
    """Places available and total with the date of the count: all three cells or none."""
    if not any(r.text(c) for c in _CAPACITY_COLUMNS):
        return None
    available, total, updated = (
        r.number(_CAPACITY_COLUMNS[0]),
        r.number(_CAPACITY_COLUMNS[1]),
        r.date(_CAPACITY_COLUMNS[2]),
    )
    missing = [c for c in _CAPACITY_COLUMNS if not r.text(c)]
    if missing:
        r.fail("capacity needs capacity_available, capacity_total and capacity_updated_at together", missing[0])
    elif None not in (available, total, updated):
        try:
            return Capacity(available=available, total=total, updated_at=updated)
        except ValidationError as exc:
            r.fail(exc.errors()[0]["msg"].removeprefix("Value error, "), "capacity_available")
    return None


_COLUMN_OF = {"a": "from", "b": "to", "from_id": "from", "to_id": "to", "platform_kind": "kind"}
"""Model field -> template column, where they differ."""

_SHEET_COLUMN_OF = {
    "events": {"event_kind": "kind", "ends_before_start": "ends_at", "deadline_after_event": "registration_deadline"},
    "projects": {"partner_ids": "partners", "ends_before_start": "ends_on", "duplicate": "partners"},
    "registrations": {"training_id": "event_id"},
}
"""Per sheet: model field, or the error of a rule across fields, -> the template column to name."""


def _column_of(sheet: str, err: Any) -> str | None:
    """The column a model's error is about: its field's, or for a rule across fields the one to correct."""
    named = _SHEET_COLUMN_OF.get(sheet, {})
    if not err["loc"]:
        return named.get(str(err["type"]))
    field_name = str(err["loc"][0])
    return named.get(field_name) or _COLUMN_OF.get(field_name, field_name)


_SHEET_KIND = {
    "organisations": "Organisation",
    "locations": "Location",
    "services": "Service",
    "platforms": "Platform",
    "trainings": "Training",
    "events": "Training",
    "projects": "Project",
    "news": "NewsPost",
}


def _ids_in(source: DirectorySource) -> dict[str, set[str]]:
    """First pass: every id the file declares, so rows may refer to ones declared further down."""
    ids: dict[str, set[str]] = {}
    for sheet, kind in _SHEET_KIND.items():
        ids.setdefault(kind, set()).update({row.cells.get("id", "") for row in source.rows(sheet)} - {""})
    return ids


def iter_items(source: DirectorySource, parser: DirectoryParser, parsed: Parsed) -> Iterator[tuple[Row, Item]]:
    """Valid items in sheet order; problems go to `parsed.problems`, duplicates included."""
    seen: dict[tuple[str, ...], Row] = {}
    for sheet in source.sheet_names():
        for row in source.rows(sheet):
            parsed.rows[sheet] += 1
            item = parser.parse(row, parsed.problems)
            if item is None:
                continue
            key = (type(item).kind, item.id) if isinstance(item, Record) else item.key()
            first = seen.get(key)
            if first is not None:
                column = "id" if isinstance(item, Record) else None
                parsed.problems.append(row.problem(f"duplicate of {first.sheet} row {first.number}", column))
                continue
            seen[key] = row
            yield row, item


@dataclass(frozen=True)
class Directory:
    """A validated directory: records in dependency order, then links."""

    records: list[Record]
    links: list[Link]
    rows: dict[str, int]
    keep_modified: bool = False
    """True for an HSDS sync: the records keep their source's modification times."""


def read_directory(path: Path, reference: Reference, store: GraphStore | None = None) -> Directory:
    """Read and validate everything; raise `InvalidInput` with every problem if there is any."""
    if is_hsds(path):
        packaged = read_hsds(path, reference)
        return Directory(packaged, [], {"hsds": len(packaged)}, keep_modified=True)
    source = DirectorySource(path)
    known = _ids_in(source)
    org_types: dict[str, str] = {}
    if store is not None:  # a partial file may refer to what the store already holds
        for kind, model in (
            ("Organisation", Organisation),
            ("Location", Location),
            ("Platform", Platform),
            ("Training", Training),
            ("Project", Project),
            ("Service", Service),
        ):
            for rec in store.list(model, clearance=Visibility.HIDDEN):
                known.setdefault(kind, set()).add(rec.id)
                if isinstance(rec, Organisation):
                    org_types[rec.id] = rec.type
    parser = DirectoryParser(reference, known, org_types)
    parsed = Parsed()
    records: list[Record] = []
    links: list[Link] = []
    for _, item in iter_items(source, parser, parsed):
        if isinstance(item, Record):
            records.append(item)
        else:
            links.append(item)
    if not sum(parsed.rows.values()) and not parsed.problems:
        parsed.problems.append(Problem("the directory has no data rows", file=str(path)))
    if parsed.problems:
        raise InvalidInput(
            parsed.problems[:MAX_PROBLEMS]
            + (
                [Problem(f"… and {len(parsed.problems) - MAX_PROBLEMS} more problems")]
                if len(parsed.problems) > MAX_PROBLEMS
                else []
            )
        )
    return Directory(records, links, dict(parsed.rows))
