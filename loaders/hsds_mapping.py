"""Any conformant HSDS 3.0 / 3.1 document back to Relais records, through the coordination's mapping file.

Relais' own exports carry their ids and what HSDS has no field for as `relais-profile` attributes, so
they come back exactly; other directories' documents take their ids from the source (`hsds-<id>`, the
source's id kept in the record's `source` too), their terms and communes from `hsds_mapping.toml`.
Whatever cannot be mapped or refused by the models is one `Problem` naming the document, the field
and the value — never a Python exception. Person data of the source (`contacts`: names, titles) is not
read.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import Problem, RelaisError
from graph.models import (
    Capacity,
    Closure,
    ContactKind,
    ContactVisibility,
    Location,
    OpeningHours,
    Organisation,
    Record,
    Service,
)
from graph.reference import Reference

DEFAULT_MAPPING = Path(__file__).with_name("hsds_mapping.toml")
PROFILE_TAXONOMY = "relais-profile"
TAXONOMY = "relais"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Mapping:
    """The coordination's mapping file: default organisation type, terms, communes."""

    path: Path
    org_type: str = ""
    location_visibility: str = "network"
    source: str = "HSDS import"
    terms: dict[str, str] = field(default_factory=dict)
    communes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def beside(cls, data: Path) -> Mapping:
        """`hsds-mapping.toml` beside the data file, else RELAIS_HSDS_MAPPING, else the shipped file."""
        near = data.with_name("hsds-mapping.toml")
        chosen = near if near.is_file() else Path(os.environ.get("RELAIS_HSDS_MAPPING") or DEFAULT_MAPPING)
        return cls.read(chosen)

    @classmethod
    def read(cls, path: Path) -> Mapping:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        org = data.get("organisation", {})
        return cls(
            path=path,
            org_type=str(org.get("type", "")),
            location_visibility=str(org.get("location_visibility", "network")),
            source=str(org.get("source", "HSDS import")),
            terms={str(k): str(v) for k, v in data.get("terms", {}).items()},
            communes={str(k): str(v) for k, v in data.get("communes", {}).items()},
        )


def profile(doc: dict[str, Any]) -> dict[str, str]:
    """The `relais-profile` attributes of a document: code → value."""
    return {
        a["taxonomy_term"]["code"]: a.get("value") or ""
        for a in _list(doc.get("attributes"))
        if isinstance(a.get("taxonomy_term"), dict) and a["taxonomy_term"].get("taxonomy") == PROFILE_TAXONOMY
    }


def _list(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def source_slug(kind: str, source_id: Any) -> str:
    """A Relais id keeping the source's id: `hsds-<id>` (lower case, a Relais slug).

    >>> source_slug("organization", "3A19FF88-4620-4d17-9830-ac1d859eb5d5")
    'hsds-3a19ff88-4620-4d17-9830-ac1d859eb5d5'
    """
    cleaned = re.sub(r"[^a-z0-9.\-]+", "-", str(source_id).lower()).strip("-.")[:74]
    return f"hsds-{cleaned or kind}"


@dataclass
class Reader:
    """Reads the documents of one file, collecting every problem with where it is."""

    ref: Reference
    mapping: Mapping
    file: str
    problems: list[Problem] = field(default_factory=list)
    where: str = ""

    def problem(self, path: str, value: Any, message: str) -> None:
        """One line: the document, the field, the value, what is wrong."""
        shown = f"«{value}»" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        self.problems.append(
            Problem(f"{self.where}, {path or 'document'} = {shown[:80]}: {message}"[:400], file=self.file)
        )

    def build(self, model: type[M], path: str, values: Any) -> M | None:
        """The model, or None with one problem per refused field (its value and pydantic's reason)."""
        if not isinstance(values, dict):
            self.problem(path, values, f"not a {model.__name__} object")
            return None
        try:
            return model(**values)
        except ValidationError as exc:
            for e in exc.errors():
                name = ".".join(str(x) for x in e["loc"])
                self.problem(f"{path}.{name}" if path and name else path or name, e.get("input"), e["msg"])
            return None

    def json(self, path: str, value: str | None) -> Any:
        """A profile attribute's JSON value (capacity, closures); None with a problem when it is not JSON."""
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError:
            self.problem(path, value, "not JSON")
            return None

    # --- organisation, locations, services ---------------------------------------------------------

    def organisation(self, doc: dict[str, Any], parents: dict[str, str]) -> Organisation | None:
        meta = profile(doc)
        org_type = meta.get("relais:type") or self.mapping.org_type
        sector = meta.get("relais:sector") or self._sector(org_type)
        if not org_type:
            self.problem("organization", doc.get("name", ""), f"{self.mapping.path.name} has no [organisation] type")
        elif not sector:
            return None
        parent = doc.get("parent_organization_id")
        return self.build(
            Organisation,
            "organization",
            {
                "id": meta.get("relais:id") or source_slug("organization", doc.get("id")),
                "name": doc.get("name"),
                "type": org_type or "unknown",
                "sector": sector or "unknown",
                "status": meta.get("relais:status", "active"),
                "description": "" if doc.get("description") == doc.get("name") else doc.get("description") or "",
                "website": doc.get("website") or None,
                "source": meta.get("relais:source") or f"{self.mapping.source}: organization {doc.get('id')}",
                "verified_at": meta.get("relais:verified_at") or None,
                "modified_at": meta.get("relais:modified_at") or doc.get("last_modified"),
                "parent": parents.get(str(parent)) if parent else None,  # a parent outside the file is left out
            },
        )

    def _sector(self, org_type: str) -> str:
        known = self.ref.organisation_types.get(org_type)
        if org_type and known is None:
            self.problem("organization", org_type, f"unknown organisation type in {self.mapping.path.name}")
        return known.sector if known else ""

    def location(self, doc: dict[str, Any], org_id: str, path: str) -> Location | None:
        meta = profile(doc)
        address = next(iter(_list(doc.get("addresses"))), {})
        commune = meta.get("relais:commune") or self._commune(address, f"{path}.addresses[0]")
        if not commune:
            return None
        return self.build(
            Location,
            path,
            {
                "id": meta.get("relais:id") or source_slug("location", doc.get("id")),
                "organisation_id": org_id,
                "name": doc.get("name") or "",
                "address": address.get("address_1", ""),
                "postcode": address.get("postal_code", ""),
                "commune": commune,
                **_coordinates(doc),
                "visibility": meta.get("relais:visibility") or self.mapping.location_visibility,
                "source": meta.get("relais:source") or f"{self.mapping.source}: location {doc.get('id')}",
            },
        )

    def _commune(self, address: dict[str, Any], path: str) -> str:
        """The NIS code of an address: the mapping file first, then the Belgian postcode, then the city."""
        postcode, city = str(address.get("postal_code", "")).strip(), str(address.get("city", "")).strip()
        mapped = self.mapping.communes.get(postcode) or self.mapping.communes.get(city)
        if mapped:
            return mapped
        for value, find in ((postcode, self.ref.geography.communes_for_postcode), (city, self.ref.geography.commune)):
            try:
                found = find(value) if value else None
            except RelaisError:
                continue
            if found:
                return found[0].id if isinstance(found, list) else found.id
        where = f"{path}.postal_code" if postcode else f"{path}.city"
        self.problem(
            where, f"{postcode} {city}".strip(), f"no commune: add it to [communes] of {self.mapping.path.name}"
        )
        return ""

    def terms(self, doc: dict[str, Any], path: str) -> dict[str, tuple[str, ...]]:
        """Situations, needs and audiences of a service from its attributes (mapped through [terms])."""
        found: dict[str, list[str]] = {"situation": [], "need": [], "audience": []}
        for number, a in enumerate(_list(doc.get("attributes"))):
            tt: dict[str, Any] = a["taxonomy_term"] if isinstance(a.get("taxonomy_term"), dict) else {}
            taxonomy, code = str(tt.get("taxonomy", "")), str(tt.get("code", ""))
            if taxonomy == PROFILE_TAXONOMY:
                continue
            keys = [f"{taxonomy}:{code}", code, str(tt.get("id") or a.get("taxonomy_term_id", ""))]
            relais = (
                code
                if taxonomy == TAXONOMY
                else next((self.mapping.terms[k] for k in keys if k in self.mapping.terms), None)
            )
            term = self.ref.taxonomy.terms.get(relais or "")
            if relais == "":
                continue
            if term is None:
                label = f"{taxonomy}:{code}" if taxonomy else code or keys[2]
                self.problem(
                    f"{path}.attributes[{number}].taxonomy_term",
                    label,
                    f"no Relais term in [terms] of {self.mapping.path.name}",
                )
                continue
            found[term.term_kind.value].append(term.id)
        return {kind: tuple(dict.fromkeys(codes)) for kind, codes in found.items()}

    def service(self, doc: dict[str, Any], org_id: str, locations: list[Location], path: str) -> Service | None:
        """A service document (Relais' own or another directory's) as a Relais service."""
        meta = profile(doc)
        areas = [str(a.get("description", "")) for a in _list(doc.get("service_areas"))]
        hours, schedule = self.schedule(doc, meta.get("relais:hours", ""), path)
        return self.build(
            Service,
            path,
            {
                "id": meta.get("relais:id") or source_slug("service", doc.get("id")),
                "organisation_id": org_id,
                "name": doc.get("name"),
                "description": doc.get("description") or "",
                **{f"{kind}s": codes for kind, codes in self.terms(doc, path).items()},
                "languages": tuple(str(x.get("code", "")) for x in _list(doc.get("languages"))) or ("fr",),
                "access": meta.get("relais:access", "appointment"),
                "cost": doc.get("fees_description") or "",
                "eligibility": doc.get("eligibility_description") or "",
                "hours": hours,
                "schedule": schedule,
                "closures": self.closures(meta.get("relais:closures"), path),
                "open_24_7": meta.get("relais:open_24_7") == "true",
                "capacity": self.capacity(doc, meta.get("relais:capacity"), path),
                "contacts": contacts(doc),
                "area_scope": meta.get("relais:area_scope", "local"),
                "area_divisions": _area_ids(areas, "division"),
                "area_communes": _area_ids(areas, "commune"),
                "location_ids": tuple(dict.fromkeys(loc.id for loc in locations)),
                "status": "active" if doc.get("status") == "active" else "inactive",
                "source": meta.get("relais:source") or f"{self.mapping.source}: service {doc.get('id')}",
                "verified_at": doc.get("assured_date") or None,
                "modified_at": doc.get("last_modified"),
            },
        )

    def capacity(self, doc: dict[str, Any], relais: str | None, path: str) -> Capacity | None:
        """3.1 `capacities[0]` (maximum = total, the date of `updated`), or the 3.0 profile attribute."""
        if relais:
            return self.build(Capacity, f"{path}.relais:capacity", self.json(f"{path}.relais:capacity", relais))
        first = next(iter(_list(doc.get("capacities"))), None)
        if first is None:
            return None
        updated = str(first.get("updated", ""))
        try:
            day = datetime.fromisoformat(updated.replace("Z", "+00:00")).date()
        except ValueError:
            self.problem(f"{path}.capacities[0].updated", updated, "not an ISO 8601 date-time")
            return None
        available = first.get("available")
        total = first.get("maximum", available)
        if isinstance(available, int | float) and isinstance(total, int | float) and total < available:
            total = available  # a maximum below the free places (the specification's own example) says nothing more
        return self.build(
            Capacity, f"{path}.capacities[0]", {"available": available, "total": total, "updated_at": day}
        )

    def schedule(self, doc: dict[str, Any], hours: str, path: str) -> tuple[str, tuple[OpeningHours, ...]]:
        """Weekly schedules as slots; what a slot cannot say (monthly, dated) joins the hours text."""
        slots: list[OpeningHours] = []
        extra = [hours] if hours else []
        for number, s in enumerate(_list(doc.get("schedules"))):
            days = [d.strip() for d in str(s.get("byday", "")).split(",") if d.strip()]
            if s.get("freq") == "WEEKLY" and days and s.get("opens_at") and s.get("closes_at"):
                slot = self.build(
                    OpeningHours,
                    f"{path}.schedules[{number}]",
                    {"days": days, "opens": _clock(s["opens_at"]), "closes": _clock(s["closes_at"])},
                )
                slots += [slot] if slot else []
            elif s.get("description"):
                extra.append(str(s["description"]))
        return " ".join(extra), tuple(slots)

    def closures(self, relais: str | None, path: str) -> tuple[Closure, ...]:
        where = f"{path}.relais:closures"
        given = self.json(where, relais) or []
        found = [self.build(Closure, where, c) for c in (given if isinstance(given, list) else [given])]
        return tuple(c for c in found if c is not None)


def _coordinates(doc: dict[str, Any]) -> dict[str, Any]:
    """Latitude and longitude when both are on the globe; none otherwise (the specification's example has
    latitude 100), so a wrong point never reaches a map.

    >>> _coordinates({"latitude": 50.6, "longitude": 5.5}), _coordinates({"latitude": 100, "longitude": 101})
    ({'latitude': 50.6, 'longitude': 5.5}, {})
    """
    lat, lon = doc.get("latitude"), doc.get("longitude")
    on_globe = isinstance(lat, int | float) and isinstance(lon, int | float) and abs(lat) <= 90 and abs(lon) <= 180
    return {"latitude": lat, "longitude": lon} if on_globe else {}


def _clock(value: Any) -> Any:
    """An HSDS time (HH:MM[:SS], with or without an offset) as a local time; the value itself if unreadable.

    >>> _clock("10:00:00+01:00"), _clock("09:30Z"), _clock("noon")
    (datetime.time(10, 0), datetime.time(9, 30), 'noon')
    """
    try:
        return time.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        return value


def _area_ids(areas: list[str], prefix: str) -> tuple[str, ...]:
    """The ids in Relais' service-area descriptions of one kind (other directories' areas are free text).

    >>> _area_ids(["division:huy", "commune:61028", "scope:province", "All of MyCity"], "division")
    ('huy',)
    """
    return tuple(a.split(":", 1)[1] for a in areas if a.startswith(f"{prefix}:"))


def _phone_visibility(description: Any) -> ContactVisibility:
    """The visibility a Relais phone carries in its description; public when it says anything else.

    >>> _phone_visibility("professional").value, _phone_visibility("standard").value, _phone_visibility(None).value
    ('professional', 'public', 'public')
    """
    return ContactVisibility(description) if description in ("public", "professional") else ContactVisibility.PUBLIC


def contacts(doc: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """Phones, the e-mail, the web address and the additional URLs (a `chat` label: a chat) of a service."""
    found: list[dict[str, Any]] = [
        {
            "kind": ContactKind.PHONE,
            "value": str(p.get("number", "")),
            "visibility": _phone_visibility(p.get("description")),
        }
        for p in _list(doc.get("phones"))
    ]
    found += [{"kind": ContactKind.EMAIL, "value": doc["email"]}] if doc.get("email") else []
    found += [{"kind": ContactKind.WEBSITE, "value": doc["url"]}] if doc.get("url") else []
    found += [
        {"kind": ContactKind.CHAT if u.get("label") == "chat" else ContactKind.WEBSITE, "value": str(u.get("url", ""))}
        for u in _list(doc.get("additional_urls"))
    ]
    return tuple(found)


def documents(data: Any) -> list[dict[str, Any]]:
    """The documents of a file: a `Page` (its `contents`), a list, or one document."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    return _list(data if isinstance(data, list) else [data])


def organisation_packages(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(organisation document, its service documents): organisation packages as they are; services and
    services-at-location grouped under their `organization` (nested, or one of the file's by id)."""
    orgs = {str(d.get("id")): d for d in docs if "services" in d or ("status" not in d and "service" not in d)}
    packages = {oid: (doc, list(_list(doc.get("services")))) for oid, doc in orgs.items()}
    for d in docs:
        if str(d.get("id")) in orgs:
            continue
        service = d
        if isinstance(d.get("service"), dict):  # a service_at_location with its service
            service = {**d["service"], "service_at_locations": [{k: v for k, v in d.items() if k != "service"}]}
        org: dict[str, Any] = service["organization"] if isinstance(service.get("organization"), dict) else {}
        oid = str(org.get("id") or service.get("organization_id"))
        packages.setdefault(oid, (org or {"id": oid}, []))[1].append(service)
    return list(packages.values())


def records(
    reader: Reader, org_doc: dict[str, Any], services: list[dict[str, Any]], parents: dict[str, str]
) -> Iterator[Record]:
    """The organisation, then for each service its locations not seen yet, then the service."""
    org = reader.organisation(org_doc, parents)
    if org is None:
        return
    yield org
    own_locations = {str(x.get("id")): x for x in _list(org_doc.get("locations"))}
    seen: set[str] = set()
    for number, s in enumerate(services):
        path = f"services[{number}]"
        locations = []
        for m, sal in enumerate(_list(s.get("service_at_locations"))):
            doc = (
                sal.get("location")
                if isinstance(sal.get("location"), dict)
                else own_locations.get(str(sal.get("location_id")))
            )
            if doc is None or doc.get("location_type") == "virtual":
                continue  # nothing to place on a map
            loc = reader.location(doc, org.id, f"{path}.service_at_locations[{m}].location")
            if loc is not None:
                locations.append(loc)
                if loc.id not in seen:
                    seen.add(loc.id)
                    yield loc
        service = reader.service(s, org.id, locations, path)
        if service is not None:
            yield service


def read(data: Any, reader: Reader) -> list[Record]:
    """Every record of the file's documents; `reader.problems` holds what could not be read."""
    packages = organisation_packages(documents(data))
    if not packages:
        reader.where = "file"
        reader.problem("", type(data).__name__, "no HSDS organization, service or service_at_location document")
    parents = {
        str(doc.get("id")): profile(doc).get("relais:id") or source_slug("organization", doc.get("id"))
        for doc, _ in packages
    }
    found: list[Record] = []
    for number, (doc, services) in enumerate(packages, start=1):
        reader.where = f"document {number} (organization «{str(doc.get('name', doc.get('id')))[:60]}»)"
        found.extend(records(reader, doc, services, parents))
    return found


def reading(
    path: Path, ref: Reference, mapping: Mapping | None = None
) -> Callable[[Any], tuple[list[Record], list[Problem]]]:
    """A reader of parsed JSON for `path` (its mapping file beside it unless given)."""

    def run(data: Any) -> tuple[list[Record], list[Problem]]:
        reader = Reader(ref, mapping or Mapping.beside(path), str(path))
        found = read(data, reader)
        return found, reader.problems

    return run
