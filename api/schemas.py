"""Response and request models of the HTTP API (pydantic at the edge)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graph.models import (
    MAX_COUNT,
    Contact,
    Cooperation,
    CooperationKind,
    Count,
    Link,
    LinkStatus,
    OutcomeReason,
    ReferralFlow,
    Slug,
    UpsertReport,
    Visibility,
)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Named(Out):
    id: str
    name: str


class OrganisationBrief(Named):
    type: str
    sector: str
    website: str | None = None


class LocationOut(Out):
    name: str
    address: str
    postcode: str
    commune: str
    commune_name: str
    visibility: Visibility


class CapacityOut(Out):
    """Free places as last reported, and whether that figure is still recent enough to be believed."""

    available: int
    total: int
    updated_at: date
    fresh: bool = Field(
        description="reported within RELAIS_CAPACITY_FRESH_DAYS days (default 7); otherwise to be confirmed, "
        "and worth no ranking points"
    )


class ServiceBrief(Named):
    description: str
    languages: list[str]
    access: str
    hours: str
    open_24_7: bool
    cost: str
    eligibility: str
    capacity: CapacityOut | None
    open_now: bool | None = Field(None, description="open at the time of the answer (None: no structured hours)")
    closes_at: str | None = Field(None, description="when open now: the closing time (HH:MM, Belgian time)")


ReasonValue = str | int | float | list[str]


class ReasonCodeOut(Out):
    code: str = Field(description="a reason of graph/data/scoring.csv: term_exact, in_division, speaks…")
    values: dict[str, ReasonValue] = Field(
        description="raw values: taxonomy codes, division ids, language codes, ISO dates, numbers",
        examples=[{"language": "ar"}, {"on": "2026-11-03"}],
    )


class ReferralResultOut(Out):
    rank: int
    score: float = Field(description="explainable score: the reasons say what it is made of")
    organisation: OrganisationBrief
    service: ServiceBrief
    reasons: list[str] = Field(description="why it ranks here, in words, in the answer's language")
    reason_codes: list[ReasonCodeOut] = Field(
        description="the same reasons as codes with raw values, in the same order"
    )
    contacts: list[Contact]
    locations: list[LocationOut]
    divisions: list[str]
    path: list[Named] = Field(description="from the referring organisation through cooperation links (≤ 3 hops)")
    alternative: bool = Field(description="outside the division or via a broader term")
    verified_at: date | None


class FallbackOut(Out):
    kind: Literal["emergency", "helpline"]
    number: str
    label: str
    languages: list[str]
    source: str


class DivisionOut(Out):
    id: str
    label: str


class LanguageHelpOut(Out):
    code: str = Field(description="the person's language asked (ISO 639 code)")
    name: str = Field(description="its name in the answer's language")
    spoken_here: bool = Field(description="a service of the division that answers the request speaks it")
    helplines: list[FallbackOut] = Field(description="the helplines in that language (108 for German, 1712 for Dutch)")
    interpreting: list[ReferralResultOut] = Field(description="when nobody there speaks it: services that interpret")


class ReferralAnswerOut(Out):
    division: DivisionOut | None
    terms: list[str] = Field(description="taxonomy codes searched (the asked term and its descendants)")
    results: list[ReferralResultOut]
    notices: list[str]
    warnings: list[str]
    fallbacks: list[FallbackOut] = Field(description="helplines always; emergency numbers when urgent")
    language: LanguageHelpOut | None = Field(None, description="asked with a language: what the answer offers for it")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "division": {"id": "huy", "label": "Huy"},
                    "terms": ["forced-marriage"],
                    "results": [],
                    "notices": ["Aucun service pour «Mariage forcé» …"],
                    "warnings": [],
                    "fallbacks": [],
                }
            ]
        },
    )


class PathwayStepOut(Out):
    number: int
    label: str
    need: str | None
    results: list[ReferralResultOut]
    fallbacks: list[FallbackOut]


class PathwayOut(Out):
    id: str
    situation: str
    division: DivisionOut | None
    steps: list[PathwayStepOut]
    source: str


class TermOut(Out):
    code: str
    kind: str
    parent: str | None
    label: str
    labels: dict[str, str]


class TermMatchOut(Out):
    code: str
    kind: str
    label: str = Field(description="the term's label in the answer's language")
    score: float = Field(description="0–100: how closely the words typed meet the term's labels or synonyms")
    matched: str = Field(description="the label or synonym that met the words, as written in the taxonomy")


class TermSearchOut(Out):
    query: str
    results: list[TermMatchOut] = Field(description="the terms that answer, best first; empty when none does")
    suggestions: list[TermMatchOut] = Field(description="when no term answers: the closest few")


class CommuneOut(Out):
    nis_code: str
    name: str
    postcodes: list[str]
    division: DivisionOut | None
    arrondissement: str


class PartnerOut(Named):
    distance: int


class PathOut(Out):
    hops: int
    organisations: list[Named]


class LinkIn(BaseModel):
    """An organisation-to-organisation link: a cooperation (undirected) or a referral aggregate (directed)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: Literal["cooperation", "referral"]
    from_: str = Field(alias="from", pattern=r"^[a-z0-9][a-z0-9.\-]{0,79}$")
    to: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]{0,79}$")
    cooperation: CooperationKind | None = None
    since: date | None = None
    until: date | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    period: str | None = None
    count: int | None = Field(default=None, ge=0)
    source: str = Field(min_length=1, max_length=500)
    verified_at: date | None = None

    def to_link(self) -> Cooperation | ReferralFlow:
        common = {"source": self.source, "verified_at": self.verified_at}
        if self.kind == "cooperation":
            return Cooperation(
                a=self.from_,
                b=self.to,
                cooperation=self.cooperation or CooperationKind.INFORMAL,
                since=self.since,
                until=self.until,
                confidence=1.0 if self.confidence is None else self.confidence,
                **common,
            )
        return ReferralFlow(
            from_id=self.from_, to_id=self.to, period=self.period or "", count=self.count or 0, **common
        )

    @classmethod
    def of(cls, link: Link) -> LinkIn:
        common = {"source", "verified_at"}
        if isinstance(link, Cooperation):
            kept = link.model_dump(include=common | {"cooperation", "since", "until", "confidence"})
            return cls(kind="cooperation", **{"from": link.a, "to": link.b}, **kept)
        assert isinstance(link, ReferralFlow)
        kept = link.model_dump(include=common | {"period", "count"})
        return cls(kind="referral", **{"from": link.from_id, "to": link.to_id}, **kept)


class LinkOut(LinkIn):
    """A link as listed: a cooperation says whether both ends agreed (`pending`: `requested_by` asked,
    the other end confirms it by posting the same link)."""

    status: LinkStatus = LinkStatus.CONFIRMED
    requested_by: str | None = None

    @classmethod
    def listed(cls, link: Link) -> LinkOut:
        out = cls.model_validate(LinkIn.of(link).model_dump(by_alias=True))
        if isinstance(link, Cooperation):
            return out.model_copy(update={"status": link.status, "requested_by": link.requested_by})
        return out


class PurgeIn(BaseModel):
    """The exact text to remove from the change log (e.g. something about a person typed by mistake)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=3, max_length=500)


class PurgeOut(BaseModel):
    purged: int = Field(description="change-log entries in which a value was replaced by «[valeur purgée]»")


class CapacityIn(BaseModel):
    """Free places now; the date is the day of the update."""

    model_config = ConfigDict(extra="forbid")

    available: int = Field(ge=0, le=100_000)
    total: int = Field(ge=0, le=100_000)


class WriteReport(Out):
    created: int
    updated: int
    unchanged: int

    @classmethod
    def of(cls, r: UpsertReport) -> WriteReport:
        return cls(created=r.created, updated=r.updated, unchanged=r.unchanged)


class Health(Out):
    status: str
    store: str | None = None


# --- counts that close the loop (docs/security.md «Ce que Relais compte»): months and codes, never a person --

Figure = int | str
"""A count as it may be shown: exact from 3 on, «< 3» below, «≥ n» for a total with a small part."""


class OrientationIn(BaseModel):
    """«Orientation faite»: the receiving service, the situation and the month (this one by default) — the
    sending organisation is the key's; nothing else is taken (no day, no person, no text)."""

    model_config = ConfigDict(extra="forbid")

    service_id: Slug
    situation: Slug = Field(description="a taxonomy situation code, e.g. partner-violence")
    month: str | None = Field(
        None, max_length=32, description="YYYY-MM (a month, never a day); this month when absent", examples=["2026-11"]
    )


class OrientationOut(Out):
    month: str
    from_organisation: str
    service_id: str
    situation: str


class ServiceOutcomesOut(Out):
    """A service's month as its organisation entered it (its own figures, exact) and the referrals recorded
    towards it that month."""

    service_id: str
    month: str
    counts: dict[OutcomeReason, int] = Field(description="every reason, 0 when none")
    referred: int = Field(description="«orientation faite» recorded towards this service that month")
    version: str = Field(description="send it back with the new counts: 409 if they changed meanwhile")


class OutcomesIn(BaseModel):
    """A service's month as a whole: a reason left out counts 0."""

    model_config = ConfigDict(extra="forbid")

    month: str = Field(max_length=32, description="YYYY-MM", examples=["2026-11"])
    counts: dict[OutcomeReason, Count]
    version: str = Field(max_length=200, description="the `version` read with the counts")


class RefusalsOut(Out):
    division: str | None
    month: str
    organisation: str | None = None
    service: str | None = None
    requests: Figure
    refused: Figure
    refusal_rate: float | None = Field(description="only when both counts are 3 or more")
    main_reason: OutcomeReason | None
    reasons: dict[OutcomeReason, Figure]


class CapacityGapOut(Out):
    kind: Literal["capacity-gap"]
    division: str | None
    organisation: str | None
    service: str | None
    month: str
    no_place: int


class FlowOut(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    division: str | None
    referrals: Figure


class AgreementOut(Out):
    a: str
    b: str
    division: str | None


class UnmetDemandOut(Out):
    term: str
    division: str
    language: str | None = Field(description="None: not given, or asked fewer than 3 times (merged, not named)")
    urgent: bool | None = Field(description="None on the merged row of rarely asked languages")
    total: Figure
    months: dict[str, Figure]


class LoopOut(Out):
    """Where the network fails, month by month, for the coordination: every figure below 3 is «< 3»."""

    months: list[str]
    refusals_by_service: list[RefusalsOut]
    refusals_by_division: list[RefusalsOut]
    capacity_gaps: list[CapacityGapOut]
    flows_without_agreement: list[FlowOut]
    agreements_without_flows: list[AgreementOut]
    unmet_demand: list[UnmetDemandOut]


# --- the platforms' events, news and projects: the write routes (api/http/routers/events.py) ---------------


class SavedOut(Out):
    """A saved event, news post or project, with the version to send back with the next change."""

    id: str
    created: int
    updated: int
    unchanged: int
    version: str = Field(description="send it back as `version` (or If-Match) to change or delete the record")


class RegistrationIn(BaseModel):
    """How many of the key's organisation's staff come: a number, never names."""

    model_config = ConfigDict(extra="forbid")
    participants: int = Field(ge=1, le=MAX_COUNT)


class RegistrationOut(Out):
    """The organisation's registration as it stands: beyond the places left, `waiting` of them wait."""

    organisation_id: str
    event_id: str
    participants: int
    waiting: int
    places_left: int | None = Field(description="after every registration; None when the event has no limit")


class AttendanceIn(BaseModel):
    """After the event: the head count that came, per organisation id (0 or left out: nobody)."""

    model_config = ConfigDict(extra="forbid")
    counts: dict[Slug, Count] = Field(max_length=2000)
