"""Open Referral HSDS 3.0: Relais records as HSDS documents, and HSDS organisation packages back to records.

The Belgian / Relais profile (docs/hsds-profile.md): HSDS ids are UUIDv5 derived from Relais ids, so
they never change between exports; what HSDS has no field for travels as `attributes` of the
`relais-profile` taxonomy, and the four-language labels of taxonomy terms as `relais_labels`.
Addresses follow the caller's clearance: hidden ones never, network ones only for professionals.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
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
    Visibility,
)
from graph.reference import Reference

HSDS_VERSION = "3.0"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "relais.plateformes-violences.liege.be")
TAXONOMY = "relais"
PROFILE_TAXONOMY = "relais-profile"
TAXONOMY_URI = "urn:relais:taxonomy:1"


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
    doc: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "description": org.description or org.name,
        "website": org.website,
        "parent_organization_id": hsds_id("organisation", org.parent) if org.parent else None,
        "attributes": [_attribute(oid, "organization", code, name, value) for code, name, value in profile],
        "last_modified": _iso(org.modified_at),
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


def _service_profile(service: Service) -> list[tuple[str, str, str]]:
    """What HSDS has no field for, as (code, name, value) of the `relais-profile` taxonomy."""
    profile: list[tuple[str, str, str]] = [
        ("relais:id", "Relais id", service.id),
        ("relais:access", "Access", service.access.value),
        ("relais:open_24_7", "Open 24/7", "true" if service.open_24_7 else "false"),
        ("relais:area_scope", "Area scope", service.area_scope.value),
        ("relais:source", "Source", service.source),
    ]
    if service.hours:
        profile.append(("relais:hours", "Opening hours", service.hours))
    if service.capacity:
        capacity = json.dumps(service.capacity.model_dump(mode="json"), sort_keys=True)
        profile.append(("relais:capacity", "Places (available/total, date)", capacity))
    return profile


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


def _service_attributes(service: Service, ref: Reference, sid: str, lang: str) -> list[dict[str, Any]]:
    """Taxonomy terms (situations, needs, audiences), then the `relais-profile` values."""
    terms = [*service.situations, *service.needs, *service.audiences]
    return [
        *(_attribute(sid, "service", code, code, None, TAXONOMY, ref.taxonomy.terms[code], lang) for code in terms),
        *(_attribute(sid, "service", code, name, value) for code, name, value in _service_profile(service)),
    ]


def _service_at_location(service: Service, loc: Location, ref: Reference, sid: str) -> dict[str, Any]:
    return {
        "id": hsds_id("service_at_location", f"{service.id}:{loc.id}"),
        "service_id": sid,
        "location_id": hsds_id("location", loc.id),
        "location": location_doc(loc, ref),
    }


def service_doc(
    service: Service,
    org: Organisation,
    locations: Iterable[Location],
    ref: Reference,
    *,
    professional: bool,
    lang: str = "fr",
    full: bool = True,
) -> dict[str, Any]:
    """One HSDS service; `locations` must already be filtered to the caller's clearance.

    `full=False` gives the summary a list of services shows; `professional` adds the contacts only
    professionals may see.
    """
    sid = hsds_id("service", service.id)
    contacts = _visible_contacts(service, professional)
    doc = _service_summary(service, org, contacts, sid)
    if not full:
        return pruned(doc)
    doc.update(
        {
            "languages": _languages(service, sid),
            "phones": _phones(service, contacts, sid),
            "service_areas": _service_areas(service, ref, sid, lang),
            "attributes": _service_attributes(service, ref, sid, lang),
            "service_at_locations": [_service_at_location(service, loc, ref, sid) for loc in locations],
            "organization": organization_doc(org),
        }
    )
    return pruned(doc)


# --- import -------------------------------------------------------------------------------------------


def _profile(doc: dict[str, Any]) -> dict[str, str]:
    return {
        a["taxonomy_term"]["code"]: a.get("value") or ""
        for a in doc.get("attributes") or []
        if a.get("taxonomy_term", {}).get("taxonomy") == PROFILE_TAXONOMY
    }


def _terms(doc: dict[str, Any], ref: Reference, kind: str) -> tuple[str, ...]:
    codes = [
        a["taxonomy_term"]["code"]
        for a in doc.get("attributes") or []
        if a.get("taxonomy_term", {}).get("taxonomy") == TAXONOMY
    ]
    return tuple(c for c in codes if c in ref.taxonomy.terms and ref.taxonomy.terms[c].term_kind.value == kind)


def _organisation_from(package: dict[str, Any], relais_ids: dict[str, str] | None) -> Organisation:
    """The organisation of a package; its parent's HSDS id mapped back to a Relais id when known."""
    meta = _profile(package)
    parent = package.get("parent_organization_id")
    return Organisation(
        id=meta["relais:id"],
        name=package["name"],
        type=meta["relais:type"],
        sector=meta["relais:sector"],
        status=meta.get("relais:status", "active"),
        description="" if package.get("description") == package["name"] else package.get("description") or "",
        website=package.get("website"),
        source=meta.get("relais:source", "HSDS import"),
        verified_at=meta.get("relais:verified_at") or None,
        modified_at=package.get("last_modified"),
        parent=(relais_ids or {}).get(parent, parent) if parent else None,
    )


def _location_from(location: dict[str, Any], org_id: str) -> Location:
    """A location document (its first address) back to a Relais location."""
    lm = _profile(location)
    address = (location.get("addresses") or [{}])[0]
    return Location(
        id=lm["relais:id"],
        organisation_id=org_id,
        name=location.get("name") or "",
        address=address.get("address_1", ""),
        postcode=address.get("postal_code", ""),
        commune=lm["relais:commune"],
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        visibility=Visibility(lm["relais:visibility"]),
        source=lm.get("relais:source", "HSDS import"),
    )


def _phone_visibility(description: str | None) -> ContactVisibility:
    """The visibility an exported phone carries in its description; public when it says anything else.

    >>> _phone_visibility("professional").value, _phone_visibility("standard").value, _phone_visibility(None).value
    ('professional', 'public', 'public')
    """
    return ContactVisibility(description) if description in ("public", "professional") else ContactVisibility.PUBLIC


def _contacts_from(service: dict[str, Any]) -> tuple[Contact, ...]:
    """Phones, then the email and the web address of a service document."""
    contacts = [
        Contact(kind=ContactKind.PHONE, value=p["number"], visibility=_phone_visibility(p.get("description")))
        for p in service.get("phones") or []
    ]
    contacts += [Contact(kind=ContactKind.EMAIL, value=service["email"])] if service.get("email") else []
    contacts += [Contact(kind=ContactKind.WEBSITE, value=service["url"])] if service.get("url") else []
    return tuple(contacts)


def _area_ids(areas: list[str], prefix: str) -> tuple[str, ...]:
    """The ids in service-area descriptions of one kind.

    >>> _area_ids(["division:huy", "commune:61028", "scope:province"], "division")
    ('huy',)
    """
    return tuple(a.split(":", 1)[1] for a in areas if a.startswith(f"{prefix}:"))


def _service_from(
    s: dict[str, Any], sm: dict[str, str], org_id: str, locations: list[Location], ref: Reference
) -> Service:
    """A full service document (with `sm`, its profile values) back to a Relais service."""
    areas = [a.get("description", "") for a in s.get("service_areas") or []]
    contacts = _contacts_from(s)
    return Service(
        id=sm["relais:id"],
        organisation_id=org_id,
        name=s["name"],
        description=s.get("description") or "",
        situations=_terms(s, ref, "situation"),
        needs=_terms(s, ref, "need"),
        audiences=_terms(s, ref, "audience"),
        languages=tuple(x["code"] for x in s.get("languages") or []) or ("fr",),
        access=sm.get("relais:access", "appointment"),
        cost=s.get("fees_description") or "",
        eligibility=s.get("eligibility_description") or "",
        hours=sm.get("relais:hours", ""),
        open_24_7=sm.get("relais:open_24_7") == "true",
        capacity=json.loads(sm["relais:capacity"]) if sm.get("relais:capacity") else None,
        contacts=contacts,
        area_scope=sm.get("relais:area_scope", "local"),
        area_divisions=_area_ids(areas, "division"),
        area_communes=_area_ids(areas, "commune"),
        location_ids=tuple(loc.id for loc in locations),
        status="active" if s.get("status") == "active" else "inactive",
        source=sm.get("relais:source", "HSDS import"),
        verified_at=s.get("assured_date") or None,
        modified_at=s.get("last_modified"),
    )


def records_from_package(
    package: dict[str, Any], ref: Reference, relais_ids: dict[str, str] | None = None
) -> Iterator[Record]:
    """Records of one HSDS organisation package (organisation with its full services).

    `relais_ids` maps the HSDS ids of the other organisations of the file to their Relais ids (parents).
    The organisation comes first, then for each service its locations not seen yet, then the service.
    """
    org = _organisation_from(package, relais_ids)
    yield org
    seen_locations: set[str] = set()
    for s in package.get("services") or []:
        sm = _profile(s)
        locations = [_location_from(sal["location"], org.id) for sal in s.get("service_at_locations") or []]
        for loc in locations:
            if loc.id not in seen_locations:
                seen_locations.add(loc.id)
                yield loc
        yield _service_from(s, sm, org.id, locations, ref)


def read_hsds(path: Path, ref: Reference) -> list[Record]:
    """Organisation packages from .ndjson (one per line), a JSON list, or an HSDS `Page` of them."""
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".ndjson":
            packages = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            packages = data["contents"] if isinstance(data, dict) and "contents" in data else data
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InvalidInput([Problem(f"not an HSDS organisation package file: {exc}", file=str(path))]) from exc
    records: list[Record] = []
    problems = []
    packages = packages if isinstance(packages, list) else [packages]
    relais_ids = {
        str(p["id"]): _profile(p)["relais:id"]
        for p in packages
        if isinstance(p, dict) and "id" in p and "relais:id" in _profile(p)
    }
    for number, package in enumerate(packages, start=1):
        try:
            records.extend(records_from_package(package, ref, relais_ids))
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(
                Problem(f"organisation package {number}: {type(exc).__name__}: {exc}"[:300], file=str(path), row=number)
            )
    if problems:
        raise InvalidInput(problems)
    order = {kind: i for i, kind in enumerate(ENTITY_TYPES)}
    return sorted(records, key=lambda r: order[type(r)])  # a record only refers to kinds before it


def is_hsds(path: Path) -> bool:
    """An HSDS file (organisation packages) rather than the directory template as JSON `{sheet: rows}`."""
    if path.suffix.lower() == ".ndjson":
        return True
    if path.suffix.lower() != ".json" or not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(data, list) or (isinstance(data, dict) and "contents" in data)
