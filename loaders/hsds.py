"""Open Referral HSDS 3.1 (3.0 on request): Relais records as HSDS documents, and Relais' own HSDS
organisation packages back to records (other directories' HSDS goes through `loaders.hsds_mapping`).

The Belgian / Relais profile (docs/hsds-profile.md): HSDS ids are UUIDv5 derived from Relais ids, so
they never change between exports; what HSDS has no field for travels as `attributes` of the
`relais-profile` taxonomy, and the four-language labels of taxonomy terms as `relais_labels`.
Addresses follow the caller's clearance: hidden ones never, network ones only for professionals.
"""

from __future__ import annotations

import json
import tomllib
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from graph.errors import InvalidInput, Problem
from graph.models import (
    ENTITY_TYPES,
    AreaScope,
    Contact,
    ContactKind,
    ContactVisibility,
    Location,
    Organisation,
    Record,
    Service,
    Term,
)
from graph.reference import Reference
from loaders.hsds_mapping import PROFILE_TAXONOMY, TAXONOMY, Mapping, reading

HSDS_VERSION = "3.1"
VERSIONS = ("3.1", "3.0")
"""The versions served: 3.1 by default, 3.0 for the consumers that ask for it (docs/hsds-profile.md)."""
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "relais.plateformes-violences.liege.be")
TAXONOMY_URI = "urn:relais:taxonomy:1"
PLACE = {"fr": "place", "nl": "plaats", "de": "Platz", "en": "place"}
"""The unit of a shelter's capacity (HSDS 3.1 `unit.name`), in the document's language."""


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def pruned(doc: dict[str, Any]) -> dict[str, Any]:
    """HSDS schemas refuse null: leave absent what Relais does not know."""
    return {k: _prune(v) for k, v in doc.items() if v is not None}


def hsds_id(kind: str, relais_id: str) -> str:
    """Stable UUIDv5 of a Relais record: the same id in every export."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{relais_id}"))


def taxonomy_doc() -> dict[str, Any]:
    return {
        "id": hsds_id("taxonomy", TAXONOMY),
        "name": "Relais — situations, besoins, publics",
        "description": "Taxonomie des Plateformes Violences de Liège (fr/nl/de/en), avec les identifiants "
        "Open Eligibility quand ils existent.",
        "uri": TAXONOMY_URI,
        "version": "1",
    }


def term_doc(term: Term, lang: str = "fr") -> dict[str, Any]:
    return pruned(
        {
            "id": hsds_id("term", term.id),
            "code": term.id,
            "name": term.label(lang),
            "description": f"{term.term_kind.value}: {term.label_en}",
            "parent_id": hsds_id("term", term.parent) if term.parent else None,
            "taxonomy": TAXONOMY,
            "taxonomy_id": hsds_id("taxonomy", TAXONOMY),
            "language": lang,
            "relais_labels": {x: term.label(x) for x in ("fr", "nl", "de", "en")},
            "relais_kind": term.term_kind.value,
        }
    )


def _attribute(
    link_id: str,
    link_entity: str,
    code: str,
    name: str,
    value: str | None = None,
    taxonomy: str = PROFILE_TAXONOMY,
    term: Term | None = None,
    lang: str = "fr",
) -> dict[str, Any]:
    if term is not None:
        tt = term_doc(term, lang)
    else:
        tt = {
            "id": hsds_id("profile-term", code),
            "code": code,
            "name": name,
            "description": name,
            "taxonomy": taxonomy,
            "taxonomy_id": hsds_id("taxonomy", taxonomy),
        }
    return {
        "id": hsds_id("attribute", f"{link_entity}:{link_id}:{code}"),
        "link_id": link_id,
        "link_type": link_entity,
        "link_entity": link_entity,
        "taxonomy_term_id": tt["id"],
        "taxonomy_term": tt,
        "value": value,
    }


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value.isoformat()


def organization_doc(org: Organisation, services: Iterable[dict[str, Any]] | None = None) -> dict[str, Any]:
    oid = hsds_id("organisation", org.id)
    profile = [
        ("relais:id", "Relais id", org.id),
        ("relais:type", "Organisation type", org.type),
        ("relais:sector", "Sector", org.sector),
        ("relais:status", "Status", org.status.value),
        ("relais:source", "Source", org.source),
    ]
    if org.verified_at:
        profile.append(("relais:verified_at", "Verified at", org.verified_at.isoformat()))
    if org.modified_at:  # HSDS `organization` has no `last_modified`
        profile.append(("relais:modified_at", "Last modified", _iso(org.modified_at) or ""))
    doc: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "description": org.description or org.name,
        "website": org.website,
        "parent_organization_id": hsds_id("organisation", org.parent) if org.parent else None,
        "attributes": [_attribute(oid, "organization", code, name, value) for code, name, value in profile],
    }
    if services is not None:
        doc["services"] = list(services)
    return pruned(doc)


def _address(loc: Location, ref: Reference) -> list[dict[str, Any]]:
    if not loc.address:
        return []
    commune = ref.geography.communes.get(loc.commune)
    return [
        {
            "id": hsds_id("address", loc.id),
            "location_id": hsds_id("location", loc.id),
            "address_1": loc.address,
            "city": commune.name if commune else "",
            "state_province": "Liège",
            "postal_code": loc.postcode or (commune.postcodes[0] if commune else ""),
            "country": "BE",
            "address_type": "physical",
        }
    ]


def location_doc(loc: Location, ref: Reference) -> dict[str, Any]:
    lid = hsds_id("location", loc.id)
    commune = ref.geography.communes.get(loc.commune)
    return pruned(
        {
            "id": lid,
            "location_type": "physical",
            "organization_id": hsds_id("organisation", loc.organisation_id),
            "name": loc.name or (commune.name if commune else loc.id),
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "addresses": _address(loc, ref),
            "attributes": [
                _attribute(lid, "location", code, name, value)
                for code, name, value in (
                    ("relais:id", "Relais id", loc.id),
                    ("relais:commune", "Commune (NIS)", loc.commune),
                    ("relais:visibility", "Address visibility", loc.visibility.value),
                    ("relais:source", "Source", loc.source),
                )
            ],
        }
    )


def _visible_contacts(service: Service, professional: bool) -> list[Contact]:
    """The service's contacts the caller may see: professional ones only for professionals."""
    return [c for c in service.contacts if professional or c.visibility is ContactVisibility.PUBLIC]


def _first_contact(contacts: Iterable[Contact], kind: ContactKind) -> str | None:
    """The value of the first contact of `kind`, if any.

    >>> _first_contact([Contact(kind=ContactKind.PHONE, value="04 000 10 10")], ContactKind.EMAIL) is None
    True
    """
    return next((c.value for c in contacts if c.kind is kind), None)


def _service_summary(service: Service, org: Organisation, contacts: list[Contact], sid: str) -> dict[str, Any]:
    """The fields of a service without its related lists (what a list of services shows)."""
    return {
        "id": sid,
        "organization_id": hsds_id("organisation", org.id),
        "name": service.name,
        "description": service.description or None,
        "url": _first_contact(contacts, ContactKind.WEBSITE),
        "email": _first_contact(contacts, ContactKind.EMAIL),
        "status": "active" if service.status.value == "active" else "inactive",
        "fees_description": service.cost or None,
        "eligibility_description": service.eligibility or None,
        "assured_date": _iso(service.verified_at),
        "last_modified": _iso(service.modified_at),
    }


def _service_profile(service: Service, version: str) -> list[tuple[str, str, str]]:
    """What HSDS has no field for, as (code, name, value) of the `relais-profile` taxonomy; in 3.0 the
    capacity too (3.1 has `capacities`)."""
    profile: list[tuple[str, str, str]] = [
        ("relais:id", "Relais id", service.id),
        ("relais:access", "Access", service.access.value),
        ("relais:open_24_7", "Open 24/7", "true" if service.open_24_7 else "false"),
        ("relais:area_scope", "Area scope", service.area_scope.value),
        ("relais:source", "Source", service.source),
    ]
    if service.hours:
        profile.append(("relais:hours", "Opening hours", service.hours))
    if service.closures:
        closures = json.dumps([c.model_dump(mode="json") for c in service.closures], sort_keys=True)
        profile.append(("relais:closures", "Closed on these days (start, end, label)", closures))
    if service.capacity and version == "3.0":
        capacity = json.dumps(service.capacity.model_dump(mode="json"), sort_keys=True)
        profile.append(("relais:capacity", "Places (available/total, date)", capacity))
    return profile


def _capacities(service: Service, sid: str, lang: str) -> list[dict[str, Any]]:
    """HSDS 3.1 `service_capacity`: free places of a total, counted in places, dated at midnight UTC."""
    if service.capacity is None:
        return []
    c = service.capacity
    return [
        {
            "id": hsds_id("capacity", service.id),
            "service_id": sid,
            "unit": {"id": hsds_id("unit", "place"), "name": PLACE.get(lang, PLACE["fr"]), "identifier": "place"},
            "available": c.available,
            "maximum": c.total,
            "updated": f"{c.updated_at.isoformat()}T00:00:00.000Z",
        }
    ]


def _clock(value: time) -> str:
    """HH:MM, or HH:MM:SS when the slot has seconds.

    >>> _clock(time(9, 30)), _clock(time(9, 30, 15))
    ('09:30', '09:30:15')
    """
    return value.isoformat(timespec="minutes" if not value.second else "seconds")


def _schedules(service: Service, sid: str) -> list[dict[str, Any]]:
    """The weekly slots as HSDS `schedule`s (WEEKLY, `byday`, local time in Belgium)."""
    return [
        {
            "id": hsds_id("schedule", f"{service.id}:{number}"),
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(d.value for d in slot.days),
            "opens_at": _clock(slot.opens),
            "closes_at": _clock(slot.closes),
        }
        for number, slot in enumerate(service.schedule)
    ]


def _additional_urls(service: Service, contacts: list[Contact], sid: str) -> list[dict[str, Any]]:
    """HSDS 3.1 `additional_urls`: the web addresses after the first, and the chats (label `chat`)."""
    websites = [c for c in contacts if c.kind is ContactKind.WEBSITE][1:]
    chats = [c for c in contacts if c.kind is ContactKind.CHAT]
    return [
        {"id": hsds_id("url", f"{service.id}:{c.value}"), "service_id": sid, "url": c.value, "label": c.kind.value}
        for c in (*websites, *chats)
    ]


def _languages(service: Service, sid: str) -> list[dict[str, Any]]:
    return [
        {"id": hsds_id("language", f"{service.id}:{code}"), "service_id": sid, "code": code, "name": code}
        for code in service.languages
    ]


def _phones(service: Service, contacts: list[Contact], sid: str) -> list[dict[str, Any]]:
    """Phone contacts; the description carries their visibility (public | professional)."""
    return [
        {
            "id": hsds_id("phone", f"{service.id}:{c.value}"),
            "service_id": sid,
            "number": c.value,
            "type": "voice",
            "description": c.visibility.value,
        }
        for c in contacts
        if c.kind is ContactKind.PHONE
    ]


def _area(service_id: str, sid: str, name: str, description: str, key: str | None = None) -> dict[str, Any]:
    """One service area; its description (`division:…`, `commune:…`, `scope:…`) is what the import reads.

    The stable id derives from `key`, the description unless given.

    >>> area = _area("svc-1", "sid", "Huy", "division:huy")
    >>> area["description"], area["id"] == hsds_id("area", "svc-1:division:huy")
    ('division:huy', True)
    """
    key = description if key is None else key
    return {"id": hsds_id("area", f"{service_id}:{key}"), "service_id": sid, "name": name, "description": description}


def _service_areas(service: Service, ref: Reference, sid: str, lang: str) -> list[dict[str, Any]]:
    """Divisions, then communes, then the wider scope (province, region…) unless the service is local."""
    geo = ref.geography
    areas = [_area(service.id, sid, geo.divisions[d].label(lang), f"division:{d}") for d in service.area_divisions]
    areas += [_area(service.id, sid, geo.communes[c].name, f"commune:{c}") for c in service.area_communes]
    if service.area_scope is not AreaScope.LOCAL:
        scope = service.area_scope.value
        areas.append(_area(service.id, sid, scope, f"scope:{scope}", key="scope"))
    return areas


def _service_attributes(service: Service, ref: Reference, sid: str, lang: str, version: str) -> list[dict[str, Any]]:
    """Taxonomy terms (situations, needs, audiences), then the `relais-profile` values."""
    terms = [*service.situations, *service.needs, *service.audiences]
    profile = _service_profile(service, version)
    return [
        *(_attribute(sid, "service", code, code, None, TAXONOMY, ref.taxonomy.terms[code], lang) for code in terms),
        *(_attribute(sid, "service", code, name, value) for code, name, value in profile),
    ]


def _service_at_location(
    service: Service, loc: Location, ref: Reference, sid: str, areas: list[dict[str, Any]]
) -> dict[str, Any]:
    """A service at one location; in 3.1 with the service's areas (Relais keeps areas per service)."""
    said = hsds_id("service_at_location", f"{service.id}:{loc.id}")
    doc: dict[str, Any] = {
        "id": said,
        "service_id": sid,
        "location_id": hsds_id("location", loc.id),
        "location": location_doc(loc, ref),
    }
    if areas:
        doc["service_areas"] = [
            {**{k: v for k, v in a.items() if k != "service_id"}, "id": hsds_id("area", f"{said}:{a['id']}")}
            | {"service_at_location_id": said}
            for a in areas
        ]
    return doc


def service_doc(
    service: Service,
    org: Organisation,
    locations: Iterable[Location],
    ref: Reference,
    *,
    professional: bool,
    lang: str = "fr",
    full: bool = True,
    version: str = HSDS_VERSION,
) -> dict[str, Any]:
    """One HSDS service (`version` 3.1 or 3.0); `locations` must already be filtered to the caller's clearance.

    `full=False` gives the summary a list of services shows; `professional` adds the contacts only
    professionals may see.
    """
    sid = hsds_id("service", service.id)
    contacts = _visible_contacts(service, professional)
    doc = _service_summary(service, org, contacts, sid)
    if not full:
        return pruned(doc)
    areas = _service_areas(service, ref, sid, lang)
    newer = version != "3.0"
    doc.update(
        {
            "additional_urls": _additional_urls(service, contacts, sid) if newer else None,
            "languages": _languages(service, sid),
            "phones": _phones(service, contacts, sid),
            "schedules": _schedules(service, sid),
            "service_areas": areas,
            "capacities": _capacities(service, sid, lang) if newer else None,
            "attributes": _service_attributes(service, ref, sid, lang, version),
            "service_at_locations": [
                _service_at_location(service, loc, ref, sid, areas if newer else []) for loc in locations
            ],
            "organization": organization_doc(org),
        }
    )
    return pruned(doc)


# --- import -------------------------------------------------------------------------------------------


def read_hsds(path: Path, ref: Reference, mapping: Path | None = None) -> list[Record]:
    """Records of an HSDS 3.0 / 3.1 file: `.ndjson` (one document a line), a JSON list, a `Page` or one
    document — organisations, services or services at a location (`loaders.hsds_mapping`)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".ndjson":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(f"not an HSDS JSON or ndjson file: {exc}"[:300], file=str(path))]) from exc
    try:
        chosen = Mapping.read(mapping) if mapping else Mapping.beside(path)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput([Problem(f"the HSDS mapping file cannot be read: {exc}"[:300], file=str(path))]) from exc
    try:
        records, problems = reading(path, ref, chosen)(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape no check foresaw: still one line
        raise InvalidInput([Problem(f"not HSDS data Relais can read: {exc!r}"[:300], file=str(path))]) from exc
    if problems:
        raise InvalidInput(problems)
    order = {kind: i for i, kind in enumerate(ENTITY_TYPES)}
    return sorted(records, key=lambda r: order[type(r)])  # a record only refers to kinds before it


def is_hsds(path: Path) -> bool:
    """An HSDS file (documents or `Page`s of them) rather than the directory template as JSON `{sheet: rows}`."""
    if path.suffix.lower() == ".ndjson":
        return True
    if path.suffix.lower() != ".json" or not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(data, list) or (isinstance(data, dict) and ("contents" in data or {"id", "name"} <= set(data)))
