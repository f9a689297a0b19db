"""The directory's records: organisations, services, places, reference data and org-to-org links.

By construction no record describes a person who is helped: there is no field for a victim, a
perpetrator, a case or a free-text note about people (tests/unit/test_no_person_data.py walks them).
Every record carries provenance (`source`, `verified_at`). Ids are stable, human-readable slugs.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from graph import privacy

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]{0,79}$")]
"""Lower-case id: letters, digits, '-' and '.' (e.g. `cvfe`, `cpvs-liege`, `partner-violence.physical`)."""

LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
WEB_ADDRESS = r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$"
WebAddress = Annotated[str, StringConstraints(pattern=WEB_ADDRESS, max_length=500)]
"""An http(s) address with a dotted host."""

MAX_COUNT = 1_000_000
"""Upper bound of every count (referrals, participants, places): beyond it a figure is a typing error,
and a 64-bit store could not even hold some of what pydantic accepts."""
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]

_NONCHARACTERS = "".join(f"\\U{p * 0x10000 + 0xFFFE:08X}\\U{p * 0x10000 + 0xFFFF:08X}" for p in range(17))
_BIDI_OVERRIDES = r"\u202a-\u202e\u2066-\u2069"
"""Direction overrides and isolates: they make a name read as another («gro.elpmaxe» shown backwards)."""
_NEVER = r"\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _BIDI_OVERRIDES + _NONCHARACTERS
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f" + _NEVER + "]")
_NOT_IN_LINE = re.compile(r"[\x00-\x1f" + _NEVER + "]")
EMAIL_ADDRESS = re.compile(r"^[^@\s?&;,<>\"']+@[^@\s?&;,<>\"'/]+\.[a-z]{2,}$", re.IGNORECASE)
"""One mailbox: no «?subject=…&cc=…» that a mailto: link would obey."""
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    """Refuse control characters and non-characters: they break XML exports, spreadsheets and terminals.

    >>> _refuse(_NOT_IN_LINE, "CVFE")
    'CVFE'
    >>> _refuse(_NOT_IN_LINE, "a\\x0bb")
    Traceback (most recent call last):
    ...
    ValueError: character U+000B is not allowed (a control character or a non-character)
    >>> _refuse(_NOT_IN_LINE, "CVFE\u202egro")
    Traceback (most recent call last):
    ...
    ValueError: character U+202E is not allowed (a control character or a non-character)
    """
    bad = pattern.search(value)
    if bad:
        code = ord(bad.group())
        hint = " (a line break or tab: this field is one line)" if bad.group() in "\t\n\r" else ""
        raise ValueError(f"character U+{code:04X} is not allowed{hint or ' (a control character or a non-character)'}")
    return value


def _one_line(value: str, info: ValidationInfo) -> str:
    return value if _stored(info) else _refuse(_NOT_IN_LINE, value)


def _multi_line(value: str, info: ValidationInfo) -> str:
    return value if _stored(info) else _refuse(_NOT_IN_TEXT, value)


def _stored(info: ValidationInfo) -> bool:
    """Read back from a store: what was saved before a rule existed still loads (and is refused when saved)."""
    return isinstance(info.context, dict) and bool(info.context.get(privacy.STORED))


Line = Annotated[str, AfterValidator(_one_line)]
"""One line of free text (a name, a label, an address): no control character, no line break, no
non-character. Each field bounds its length with `Field(max_length=…)`."""

Text = Annotated[str, AfterValidator(_multi_line)]
"""Free text that may span lines (a description, opening hours): tab and line breaks allowed, other
control characters and non-characters refused."""

PublicText = Annotated[Text, AfterValidator(privacy.refuse_in_text)]
"""Free text about the organisation (description, eligibility, cost, hours): refuses what looks like data
about a person helped — a birth date, a national register number, a phone number (the organisation's go
in its contacts), a title followed by a name, a victim or perpetrator named (`graph.privacy`)."""

PublicLine = Annotated[Line, AfterValidator(privacy.refuse_in_text)]
"""One line of free text with the same checks as `PublicText` (a source)."""

PublicName = Annotated[Line, AfterValidator(privacy.refuse_in_name)]
"""A name or a label: the checks of `PublicText` but the title rule («Cabinet de Mme Martin» is a practice)."""

PublicAddress = Annotated[Line, AfterValidator(privacy.refuse_in_address)]
"""A street address: no birth date, register or phone number; names are fine («Rue du Docteur Lambert»)."""


class Visibility(StrEnum):
    """Who may see a location's address: everyone, professionals of the network, or nobody."""

    PUBLIC = "public"
    NETWORK = "network"
    HIDDEN = "hidden"


VISIBLE_AT: dict[Visibility, frozenset[Visibility]] = {
    Visibility.PUBLIC: frozenset({Visibility.PUBLIC}),
    Visibility.NETWORK: frozenset({Visibility.PUBLIC, Visibility.NETWORK}),
    Visibility.HIDDEN: frozenset(Visibility),
}
"""Location visibilities readable at each clearance."""


class ContactVisibility(StrEnum):
    PUBLIC = "public"
    PROFESSIONAL = "professional"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEBSITE = "website"
    CHAT = "chat"


class Access(StrEnum):
    WALK_IN = "walk-in"
    APPOINTMENT = "appointment"
    REFERRAL_ONLY = "referral-only"


class Status(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class TermKind(StrEnum):
    SITUATION = "situation"
    NEED = "need"
    AUDIENCE = "audience"


class AreaScope(StrEnum):
    """How far a service reaches beyond the communes and divisions it lists."""

    LOCAL = "local"
    PROVINCE = "province"
    REGION = "region"
    NATIONAL = "national"


class LinkStatus(StrEnum):
    """A cooperation declared by one end waits for the other end (or a coordinator) to confirm it."""

    PENDING = "pending"
    CONFIRMED = "confirmed"


class CooperationKind(StrEnum):
    CONVENTION = "convention"
    PROTOCOL = "protocol"
    CASE_CONFERENCE = "case-conference"
    INFORMAL = "informal"


class PlatformKind(StrEnum):
    DIVISION_PLATFORM = "division-platform"
    RESOURCE_CENTRE = "resource-centre"
    CASE_CONFERENCE = "case-conference"
    COORDINATION = "coordination"


_GIVEN: dict[frozenset[str], set[str]] = {}
"""One set of the fields given per combination of them, shared by every model given those (`Model`)."""


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of the fields given with every model given the same ones: pydantic keeps a set per
        instance, 730 B of a record's 1,460 — at 100k organisations, 400 MB of an API worker. Safe because the
        models are frozen: nothing adds to the set, and `model_copy` copies it before it adds the updated fields."""
        given = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _GIVEN.setdefault(frozenset(given), given))


class Provenance(Model):
    """Where a fact comes from and when someone last checked it."""

    source: PublicLine = Field(min_length=1, max_length=500)
    verified_at: date | None = None

    @field_validator("verified_at")
    @classmethod
    def _not_in_the_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise PydanticCustomError(
                "in_future", "a verification date cannot be in the future ({day})", {"day": value.isoformat()}
            )
        return value


class Record(Provenance):
    """A node of the directory with a stable slug id."""

    kind: ClassVar[str]
    id: Slug
    modified_at: datetime | None = Field(default=None, description="set by the store on change")

    def content_hash(self) -> str:
        """Hash of what the coordination maintains (not the store's own timestamps)."""
        payload = self.model_dump(mode="json", exclude={"modified_at"})
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


# --- reference data -------------------------------------------------------------------------


class Division(Record):
    kind: ClassVar[str] = "Division"
    label_fr: Line = Field(max_length=300)
    label_nl: Line = Field(max_length=300)
    label_de: Line = Field(max_length=300)
    label_en: Line = Field(max_length=300)
    arrondissement: Line = Field(max_length=300)

    def label(self, lang: str) -> str:
        return str(getattr(self, f"label_{lang}", self.label_fr))


class Commune(Record):
    """A commune; `id` is its NIS code. Its division comes from the membership scheme in force."""

    kind: ClassVar[str] = "Commune"
    id: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    name: Line = Field(max_length=300)
    postcodes: tuple[Line, ...] = Field(max_length=50)
    arrondissement: Line = Field(max_length=300)
    division: Slug | None = None
    scheme: str | None = None
    valid_from: date | None = None


class Term(Record):
    """A taxonomy term: a situation, a need or an audience, labelled in four languages."""

    kind: ClassVar[str] = "Term"
    term_kind: TermKind
    parent: Slug | None = None
    label_fr: Line = Field(max_length=300)
    label_nl: Line = Field(max_length=300)
    label_de: Line = Field(max_length=300)
    label_en: Line = Field(max_length=300)
    open_eligibility_id: Line | None = Field(default=None, max_length=300)

    def label(self, lang: str) -> str:
        return str(getattr(self, f"label_{lang}", self.label_fr))


# --- the directory ----------------------------------------------------------------------------


class Organisation(Record):
    kind: ClassVar[str] = "Organisation"
    name: PublicName = Field(min_length=1, max_length=300)
    type: Slug
    sector: Slug
    description: PublicText = Field(default="", max_length=4000)
    website: WebAddress | None = None
    status: Status = Status.ACTIVE
    parent: Slug | None = Field(default=None, description="PART_OF another organisation")


class Contact(Model):
    kind: ContactKind
    value: Line = Field(min_length=1, max_length=300)
    label: PublicName = Field(default="", max_length=300)
    visibility: ContactVisibility = ContactVisibility.PUBLIC

    @field_validator("value")
    @classmethod
    def _safe_address(cls, value: str, info: ValidationInfo) -> str:
        """A website or chat is an http(s) address; no contact is a `javascript:`/`data:`/`vbscript:` URL
        (pages turn contacts into links)."""
        if _UNSAFE_SCHEME.match(value):
            raise PydanticCustomError("unsafe_address", "javascript:, data: and vbscript: addresses are not allowed")
        if info.data.get("kind") in (ContactKind.WEBSITE, ContactKind.CHAT) and not re.match(WEB_ADDRESS, value):
            raise PydanticCustomError("not_web_address", "a website or chat contact is an http(s) address (https://…)")
        if info.data.get("kind") is ContactKind.EMAIL and not EMAIL_ADDRESS.match(value):
            raise PydanticCustomError(
                "not_email", "an e-mail contact is one address (name@domain.be), nothing after it"
            )
        return value


class Capacity(Model):
    available: Count
    total: Count
    updated_at: date

    @model_validator(mode="after")
    def _available_within_total(self) -> Capacity:
        if self.available > self.total:
            raise PydanticCustomError("places_exceed_total", "available places exceed total places")
        return self


class Weekday(StrEnum):
    """Days as HSDS writes them in `byday` (RFC 5545): MO … SU."""

    MONDAY = "MO"
    TUESDAY = "TU"
    WEDNESDAY = "WE"
    THURSDAY = "TH"
    FRIDAY = "FR"
    SATURDAY = "SA"
    SUNDAY = "SU"


WEEK: tuple[Weekday, ...] = tuple(Weekday)
"""Monday first, as `date.weekday()` counts."""


class OpeningHours(Model):
    """One weekly slot, local time in Belgium: these days, from `opens` to `closes` (a night spans two slots)."""

    days: tuple[Weekday, ...] = Field(min_length=1, max_length=7)
    opens: time
    closes: time

    @model_validator(mode="after")
    def _closes_after_opening(self) -> OpeningHours:
        if self.closes <= self.opens:
            raise PydanticCustomError("closes_before_opens", "the closing time comes after the opening time")
        return self


class Closure(Model):
    """Days a service is closed although its weekly hours say open (a public holiday, a summer closure)."""

    start: date
    end: date
    label: PublicName = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Closure:
        if self.end < self.start:
            raise PydanticCustomError("closure_before_start", "a closure ends on or after its first day")
        return self


class Location(Record):
    """A place where an organisation works. Shelter addresses are `hidden`: never shown to anyone."""

    kind: ClassVar[str] = "Location"
    organisation_id: Slug
    name: PublicName = Field(default="", max_length=300)
    address: PublicAddress = Field(default="", max_length=500)
    commune: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    postcode: Line = Field(default="", max_length=20)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    visibility: Visibility


class Service(Record):
    kind: ClassVar[str] = "Service"
    organisation_id: Slug
    name: PublicName = Field(min_length=1, max_length=300)
    description: PublicText = Field(default="", max_length=4000)
    situations: tuple[Slug, ...] = Field(default=(), max_length=50)
    needs: tuple[Slug, ...] = Field(default=(), max_length=50)
    audiences: tuple[Slug, ...] = Field(default=(), max_length=50)
    languages: tuple[LanguageCode, ...] = Field(default=("fr",), max_length=50)
    access: Access = Access.APPOINTMENT
    cost: PublicText = Field(default="", max_length=500)
    eligibility: PublicText = Field(default="", max_length=2000)
    hours: PublicText = Field(default="", max_length=1000)
    """What the weekly slots cannot say («sur rendez-vous le samedi»); the finder reads `schedule`."""
    schedule: tuple[OpeningHours, ...] = Field(default=(), max_length=30)
    closures: tuple[Closure, ...] = Field(default=(), max_length=60)
    open_24_7: bool = False
    capacity: Capacity | None = None
    contacts: tuple[Contact, ...] = Field(default=(), max_length=20)
    area_scope: AreaScope = AreaScope.LOCAL
    area_divisions: tuple[Slug, ...] = Field(default=(), max_length=50)
    area_communes: tuple[Line, ...] = Field(default=(), max_length=600)
    location_ids: tuple[Slug, ...] = Field(default=(), max_length=100)
    status: Status = Status.ACTIVE

    def terms(self) -> frozenset[str]:
        return frozenset(self.situations) | frozenset(self.needs)


class Platform(Record):
    kind: ClassVar[str] = "Platform"
    name: PublicName = Field(min_length=1, max_length=300)
    platform_kind: PlatformKind
    division: Slug | None = None


class EventKind(StrEnum):
    TRAINING = "training"
    STUDY_DAY = "study-day"
    PLATFORM_MEETING = "platform-meeting"
    PROJECT_SESSION = "project-session"


class EventStatus(StrEnum):
    PLANNED = "planned"
    FULL = "full"
    HELD = "held"
    CANCELLED = "cancelled"


class Training(Record):
    """An event of the platforms: a training, a study day, a platform meeting or a project's session.

    Kept under its first name (the stores, the loaders and the training-coverage analysis know it so); the
    fields after `terms` came with the events' calendar and are all optional, so older rows still read.
    """

    kind: ClassVar[str] = "Training"
    title: PublicName = Field(min_length=1, max_length=300)
    held_on: date
    organiser_id: Slug | None = None
    terms: tuple[Slug, ...] = Field(default=(), max_length=50)
    event_kind: EventKind = EventKind.TRAINING
    starts_at: time | None = None
    ends_at: time | None = None
    divisions: tuple[Slug, ...] = Field(default=(), max_length=3)
    """Empty: the whole arrondissement."""
    audience_sectors: tuple[Slug, ...] = Field(default=(), max_length=20)
    audience_types: tuple[Slug, ...] = Field(default=(), max_length=50)
    location_id: Slug | None = None
    """Where it takes place; the location's visibility decides who reads its address."""
    capacity: Count | None = None
    registration_deadline: date | None = None
    status: EventStatus = EventStatus.PLANNED
    members_only: bool = False
    """Shown (and in the calendar feeds) to signed-in members only."""
    description: PublicText = Field(default="", max_length=2000)
    project_id: Slug | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Training:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise PydanticCustomError("ends_before_start", "an event ends after it starts")
        if self.registration_deadline and self.registration_deadline > self.held_on:
            raise PydanticCustomError(
                "deadline_after_event", "registrations close on the day of the event at the latest"
            )
        return self


class NewsPost(Record):
    """A short post of the coordination to the members: a new service, a change in the law, a campaign.
    French first; the other languages when the coordination writes them."""

    kind: ClassVar[str] = "NewsPost"
    title: PublicLine = Field(min_length=1, max_length=200)
    body: PublicText = Field(min_length=1, max_length=5000)
    title_nl: PublicLine | None = Field(default=None, max_length=200)
    body_nl: PublicText | None = Field(default=None, max_length=5000)
    title_de: PublicLine | None = Field(default=None, max_length=200)
    body_de: PublicText | None = Field(default=None, max_length=5000)
    title_en: PublicLine | None = Field(default=None, max_length=200)
    body_en: PublicText | None = Field(default=None, max_length=5000)
    published_on: date
    terms: tuple[Slug, ...] = Field(default=(), max_length=20)
    divisions: tuple[Slug, ...] = Field(default=(), max_length=3)
    members_only: bool = False
    link: WebAddress | None = None

    def title_in(self, lang: str) -> str:
        return str(getattr(self, f"title_{lang}", None) or self.title)

    def body_in(self, lang: str) -> str:
        return str(getattr(self, f"body_{lang}", None) or self.body)


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"


class Project(Record):
    """A joint project or partnership of member organisations; its partners count as cooperating."""

    kind: ClassVar[str] = "Project"
    name: PublicName = Field(min_length=1, max_length=300)
    partner_ids: tuple[Slug, ...] = Field(min_length=2, max_length=100)
    terms: tuple[Slug, ...] = Field(default=(), max_length=20)
    starts_on: date
    ends_on: date | None = None
    status: ProjectStatus = ProjectStatus.RUNNING
    description: PublicText = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _in_order(self) -> Project:
        if self.ends_on and self.ends_on < self.starts_on:
            raise PydanticCustomError("ends_before_start", "a project ends after it starts")
        if len(set(self.partner_ids)) != len(self.partner_ids):
            raise PydanticCustomError("duplicate", "each partner once")
        return self


class ReportReason(StrEnum):
    """What a reader of the finder says is wrong on a card."""

    CONTACT = "contact"
    ADDRESS = "address"
    HOURS = "hours"
    CLOSED = "closed"
    OTHER = "other"


class ReportStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class ErrorReport(Model):
    """«Signaler une erreur»: what is wrong with a record, queued for coordinators. Not a directory record
    (no export, snapshot or analysis reads it) and never about who reported it: no key, no address."""

    id: Slug
    organisation_id: Slug
    service_id: Slug | None = None
    reason: ReportReason
    text: Annotated[Text, AfterValidator(privacy.refuse_in_report)] = Field(default="", max_length=500)
    reported_on: date
    status: ReportStatus = ReportStatus.OPEN
    closed_on: date | None = None


# --- counts that close the loop: never a case, never a day (docs/security.md) ----------------------

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
"""«2026-11»: the finest time a count holds — a day could point at the person it counts."""


class OutcomeReason(StrEnum):
    """What became of a referral, as the receiving organisation says it (a closed list, never free text)."""

    ACCEPTED = "accepted"
    NO_PLACE = "no-place"
    OUT_OF_SCOPE = "out-of-scope"
    DID_NOT_COME = "did-not-come"
    DECLINED = "declined"
    NO_ANSWER = "no-answer"


class Tally(Model):
    """A count kept beside the directory, keyed by a few closed fields and a month; written by increments
    (or, for outcomes, set as a whole), never in the change log (its time would be finer than the month)."""

    kind: ClassVar[str]
    month: Month
    count: Count = 1

    def key(self) -> tuple[str, ...]:
        """The fields that identify the cell (everything but the count), as text."""
        return tuple(_cell(v) for k, v in self if k != "count")

    def scope(self) -> str:
        """The cells set together as a whole (`GraphStore.replace_tallies`): by default a month's."""
        return self.month


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


class ReferralTally(Tally):
    """«Orientation faite»: referrals one organisation made to one service for one situation in a month."""

    kind: ClassVar[str] = "referral"
    from_id: Slug
    to_id: Slug
    """The receiving service's organisation, kept so the flow outlives the service."""
    service_id: Slug
    situation: Slug


class OutcomeTally(Tally):
    """What became of the referrals a service received in a month, per reason: the receiving side's counts."""

    kind: ClassVar[str] = "outcome"
    organisation_id: Slug
    service_id: Slug
    reason: OutcomeReason

    def scope(self) -> str:
        """A service's month is entered as a whole: one form, every reason."""
        return f"{self.service_id}/{self.month}"


class UnmetDemand(Tally):
    """A referral question that found nothing in its division: term × division × the person's language ×
    urgent × month — no address, no time of day, no other field."""

    kind: ClassVar[str] = "unmet"
    term: Slug
    division: Slug
    language: LanguageCode | None = None
    urgent: bool = False


TALLY_TYPES: tuple[type[Tally], ...] = (ReferralTally, OutcomeTally, UnmetDemand)


ENTITY_TYPES: tuple[type[Record], ...] = (
    Division,
    Commune,
    Term,
    Organisation,
    Location,
    Service,
    Platform,
    Project,
    Training,
    NewsPost,
)
"""In dependency order: a record only refers to kinds listed before it (or to its own kind)."""


# --- organisation-to-organisation links ---------------------------------------------------------


class Link(Provenance):
    """A relationship between two organisations (or an organisation and a platform / training)."""

    kind: ClassVar[str]

    def key(self) -> tuple[str, ...]:
        raise NotImplementedError

    def content_hash(self) -> str:
        payload = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


class Cooperation(Link):
    """A working relationship, read as undirected: `a` and `b` are stored in sorted order."""

    kind: ClassVar[str] = "COOPERATES_WITH"
    a: Slug
    b: Slug
    cooperation: CooperationKind
    since: date | None = None
    until: date | None = None
    confidence: float = Field(default=1.0, ge=0, le=1)
    status: LinkStatus = LinkStatus.CONFIRMED
    """Pending links are listed to their two ends and to coordinators only, and used by nothing else."""
    requested_by: Slug | None = None
    """The end whose editor declared a pending link: the other end confirms it."""

    @model_validator(mode="before")
    @classmethod
    def _sorted_ends(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("a"), str) and isinstance(data.get("b"), str):
            if data["a"] == data["b"]:
                raise PydanticCustomError("self_link", "an organisation cannot cooperate with itself")
            if data["a"] > data["b"]:
                data = {**data, "a": data["b"], "b": data["a"]}
        return data

    def key(self) -> tuple[str, ...]:
        return (self.kind, self.a, self.b, self.cooperation)


class ReferralFlow(Link):
    """How many referrals went from one organisation to another in a period: an aggregate, never a case."""

    kind: ClassVar[str] = "REFERS_TO"
    from_id: Slug
    to_id: Slug
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}(-(Q[1-4]|\d{2}))?$")]
    count: Count

    def key(self) -> tuple[str, ...]:
        return (self.kind, self.from_id, self.to_id, self.period)


class Membership(Link):
    kind: ClassVar[str] = "MEMBER_OF"
    organisation_id: Slug
    platform_id: Slug
    since: date | None = None
    role: PublicName = Field(default="member", max_length=100)

    def key(self) -> tuple[str, ...]:
        return (self.kind, self.organisation_id, self.platform_id)


class Attendance(Link):
    """An organisation sent staff to a training; `participants` is a head count, not a list of people."""

    kind: ClassVar[str] = "ATTENDED"
    organisation_id: Slug
    training_id: Slug
    participants: Count = 1

    def key(self) -> tuple[str, ...]:
        return (self.kind, self.organisation_id, self.training_id)


class Registration(Link):
    """An organisation registered a number of its staff for an event (never their names); beyond the
    places left, they wait."""

    kind: ClassVar[str] = "REGISTERED_FOR"
    organisation_id: Slug
    training_id: Slug
    participants: Annotated[int, Field(ge=1, le=MAX_COUNT)] = 1
    waiting: Count = 0
    """How many of `participants` are on the waiting list (the event was full)."""
    registered_at: datetime | None = None
    """When the organisation took its places (or asked for more): who registered first gets them first."""

    def key(self) -> tuple[str, ...]:
        return (self.kind, self.organisation_id, self.training_id)


LINK_TYPES: tuple[type[Link], ...] = (Cooperation, ReferralFlow, Membership, Attendance, Registration)
AnyLink = Cooperation | ReferralFlow | Membership | Attendance | Registration


def link_ends(link: Link) -> tuple[str, str]:
    """The two ids a link joins (first is always an organisation)."""
    match link:
        case Cooperation():
            return link.a, link.b
        case ReferralFlow():
            return link.from_id, link.to_id
        case Membership():
            return link.organisation_id, link.platform_id
        case Attendance() | Registration():
            return link.organisation_id, link.training_id
    raise TypeError(type(link).__name__)


# --- what the store reports ------------------------------------------------------------------------


class Change(Model):
    """One entry of the append-only change log: what changed, when, by which key, through which route.

    `diff` maps each changed field to [before, after]; records hold no person data, so neither does it.
    """

    at: datetime
    key_id: str
    action: str
    entity: str
    entity_id: str
    route: str = ""
    diff: dict[str, tuple[Any, Any]] = Field(default_factory=dict)


def diff(before: BaseModel | None, after: BaseModel | None) -> dict[str, tuple[Any, Any]]:
    """Fields that differ between two versions of a record (or a link), ignoring store timestamps."""
    old = before.model_dump(mode="json", exclude={"modified_at"}) if before is not None else {}
    new = after.model_dump(mode="json", exclude={"modified_at"}) if after is not None else {}
    return {k: (old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}


class UpsertReport(Model):
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertReport) -> UpsertReport:
        return UpsertReport(
            created=self.created + other.created,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
        )


class ServiceCandidate(Model):
    """A service that may answer a question, with what the ranking needs to know about it."""

    service: Service
    organisation: Organisation
    locations: tuple[Location, ...]
    located_in: tuple[str, ...] = Field(description="divisions of all its locations, hidden ones included")

    def seen_at(self, clearance: Visibility) -> ServiceCandidate:
        """The candidate as a caller of `clearance` may see it: the locations it may not see taken out of it
        and of its service's list (itself when there are none: a copy only when one is hidden from it)."""
        allowed = VISIBLE_AT[clearance]
        locations = tuple(loc for loc in self.locations if loc.visibility in allowed)
        if len(locations) == len(self.locations):
            return self
        visible_ids = {loc.id for loc in locations}
        service = self.service.model_copy(
            update={"location_ids": tuple(i for i in self.service.location_ids if i in visible_ids)}
        )
        return self.model_copy(update={"service": service, "locations": locations})
