"""HSDS 3.0 (Open Referral) endpoints under /hsds, for other directories to sync with.

Lists use the standard `Page` wrapper; filters combine with AND. Responses carry an ETag derived from
the directory's version and the request (a repeated GET with If-None-Match answers 304 without any
work), Last-Modified and Cache-Control; `format=ndjson` streams a full export in chunks.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cached_property
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api.http.auth import who_is
from api.http.deps import CallerDep, RelaisDep
from api.settings import PROJECT_ROOT
from graph.errors import InvalidInput, NotFound
from graph.models import Location, Organisation, Service, Term
from graph.reference import Reference
from graph.referral import Role
from graph.store import GraphStore
from graph.usecases import Caller
from loaders.hsds import (
    HSDS_VERSION,
    TAXONOMY,
    hsds_id,
    organization_doc,
    service_doc,
    taxonomy_doc,
    term_doc,
)

MAX_PER_PAGE = 200
PROFILE = PROJECT_ROOT / "docs" / "hsds-profile.md"
router = APIRouter(tags=["hsds"])
Page = Annotated[int, Query(ge=1, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


def _etag(request: Request, version: int, who: Caller) -> str:
    key = (
        f"{version}|{who.role.clearance.value}|{who.role is Role.PUBLIC}|{request.url.path}|"
        f"{sorted(request.query_params.multi_items())}"
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _headers(etag: str, who: Caller, modified: datetime | None) -> dict[str, str]:
    headers = {
        "ETag": etag,
        "Cache-Control": f"{'public' if who.role is Role.PUBLIC else 'private'}, max-age=60",
        "Vary": "Authorization, Cookie",
    }
    if modified:
        headers["Last-Modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    return headers


def _page(items: list[Any], page: int, per_page: int) -> tuple[list[Any], dict[str, Any]]:
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    return chunk, {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
    }


def _modified_after(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(
            f"modified_after «{value}» is not an ISO 8601 date-time", parameter="modified_after"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Directory:
    """The store at one clearance, kept per version of the directory (see `Views`); each document is
    built once per version, so a crawler reading every record one by one costs lookups, not renderings."""

    def __init__(self, store: GraphStore, reference: Reference, who: Caller) -> None:
        self.ref = reference
        self.who = who
        self.orgs = {o.id: o for o in store.list(Organisation)}
        self.services = store.list(Service, clearance=who.role.clearance)
        self.locations = {loc.id: loc for loc in store.list(Location, clearance=who.role.clearance)}
        self.term_by_uuid = {hsds_id("term", t): t for t in reference.taxonomy.terms}
        self.org_by_uuid = {hsds_id("organisation", o): o for o in self.orgs}
        self.service_by_uuid = {hsds_id("service", s.id): s for s in self.services}
        self._docs: dict[tuple[str, bool, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def service(self, s: Service, *, full: bool = True, lang: str = "fr") -> dict[str, Any]:
        key = (s.id, full, lang)
        with self._lock:
            found = self._docs.get(key)
        if found is None:
            found = service_doc(
                s,
                self.orgs[s.organisation_id],
                [self.locations[i] for i in s.location_ids],
                self.ref,
                professional=self.who.role is not Role.PUBLIC,
                lang=lang,
                full=full,
            )
            with self._lock:
                self._docs[key] = found
        return found

    @cached_property
    def service_at_locations(self) -> dict[str, dict[str, Any]]:
        """Every service-at-location document by id, built the first time one is asked for."""
        return {doc["id"]: doc for doc in sal_docs(self, self.services)}

    def filter_services(self, search: str | None, f: ServiceFilters) -> list[Service]:
        found = self.services
        if search:
            needle = search.casefold()
            found = [
                s for s in found if needle in f"{s.name} {s.description} {self.orgs[s.organisation_id].name}".casefold()
            ]
        if f.taxonomy_term_id:
            term = self.term_by_uuid.get(f.taxonomy_term_id)
            found = [s for s in found if term and term in (*s.situations, *s.needs, *s.audiences)]
        if f.taxonomy_id:
            ours = f.taxonomy_id == hsds_id("taxonomy", TAXONOMY)
            found = [s for s in found if ours and (s.situations or s.needs or s.audiences)]
        if f.organization_id:
            org = self.org_by_uuid.get(f.organization_id)
            found = [s for s in found if s.organisation_id == org]
        after = _modified_after(f.modified_after)
        if after:
            found = [s for s in found if s.modified_at and s.modified_at > after]
        return sorted(found, key=lambda s: hsds_id("service", s.id))


class Views:
    """One `Directory` per clearance, rebuilt when the directory changes (not on every request)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self._lock = threading.Lock()
        self._views: dict[tuple[int, str, bool], Directory] = {}

    def get(self, version: int, store: GraphStore, who: Caller) -> Directory:
        """The view of `version`, the one the response's ETag names (read once per request)."""
        key = (version, who.role.clearance.value, who.role is Role.PUBLIC)
        with self._lock:
            if key not in self._views:
                self._views = {k: v for k, v in self._views.items() if k[0] == key[0]}
                self._views[key] = Directory(store, self.reference, who)
            return self._views[key]


def _respond(
    request: Request,
    etag: str,
    who: Caller,
    docs: list[dict[str, Any]],
    fmt: str,
    page_info: dict[str, Any] | None,
    stream: Callable[[], Iterator[dict[str, Any]]] | None = None,
) -> Response:
    stamps = [d["last_modified"] for d in docs if d.get("last_modified")]
    modified = datetime.fromisoformat(max(stamps).replace("Z", "+00:00")) if stamps else None
    headers = _headers(etag, who, modified)
    if fmt == "ndjson":
        lines = stream() if stream else iter(docs)
        return StreamingResponse(
            (json.dumps(d, ensure_ascii=False) + "\n" for d in lines),
            media_type="application/x-ndjson",
            headers=headers,
        )
    body = {**page_info, "contents": docs} if page_info is not None else docs[0]
    return JSONResponse(body, headers=headers)


def views(request: Request) -> Views:
    """The HSDS views of this app (one per clearance, rebuilt when the directory changes)."""
    return request.app.state.hsds_views  # type: ignore[no-any-return]


def fresh(request: Request, store: GraphStore, who: Caller) -> tuple[str, Response | None, int]:
    """(ETag, a 304 when the client has it already, the directory version the ETag names)."""
    version = store.version()
    etag = _etag(request, version, who)
    if etag in [x.strip() for x in request.headers.get("if-none-match", "").split(",")]:
        return etag, Response(status_code=304, headers=_headers(etag, who, None)), version
    return etag, None, version


@dataclass(frozen=True)
class Listing:
    """The parameters every HSDS list takes."""

    search: str | None = None
    page: Page = 1
    per_page: PerPage = 50
    format: str = "json"

    def __post_init__(self) -> None:
        if self.format not in ("json", "ndjson"):
            raise InvalidInput("format must be json or ndjson", parameter="format")

    def matches(self, text: str) -> bool:
        return not self.search or self.search.casefold() in text.casefold()


@dataclass(frozen=True)
class Current:
    """The directory as of this request (the version its ETag names), or the 304 when the client has it."""

    etag: str
    who: Caller
    not_modified: Response | None
    view: Directory | None

    @property
    def directory(self) -> Directory:
        assert self.view is not None, "a 304 carries no directory"
        return self.view


def current(request: Request, relais: RelaisDep, who: CallerDep) -> Current:
    """No work at all for a 304: the view is built (or taken from the cache) only when it is sent."""
    etag, cached, version = fresh(request, relais.store, who)
    return Current(etag, who, cached, None if cached else views(request).get(version, relais.store, who))


@dataclass(frozen=True)
class ServiceFilters:
    """The filters of the HSDS service lists (combined with AND)."""

    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None


ListingDep = Annotated[Listing, Depends()]
FiltersDep = Annotated[ServiceFilters, Depends()]
CurrentDep = Annotated[Current, Depends(current)]


@router.get("/hsds/")
def hsds_root(request: Request) -> dict[str, str]:
    """This API's relation to HSDS."""
    base = str(request.base_url).rstrip("/")
    return {"version": HSDS_VERSION, "profile": f"{base}/hsds/profile", "openapi_url": f"{base}/openapi.json"}


@router.get("/hsds/profile", response_class=Response)
def hsds_profile() -> Response:
    """The Belgian / Relais profile of HSDS (Markdown, docs/hsds-profile.md)."""
    return Response(PROFILE.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8")


@router.get("/hsds/services")
def hsds_services(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    filters: FiltersDep,
    minimal: bool = False,
    full: bool = True,
) -> Response:
    """Services, filtered (AND), paginated in the HSDS `Page` wrapper; `format=ndjson` streams all of them."""
    if now.not_modified:
        return now.not_modified
    d = now.directory
    found = d.filter_services(listing.search, filters)
    detail = full and not minimal
    if listing.format == "ndjson":
        return _respond(
            request, now.etag, now.who, [], "ndjson", None, lambda: (d.service(s, full=detail) for s in found)
        )
    chunk, info = _page(found, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, [d.service(s, full=detail) for s in chunk], "json", info)


@router.get("/hsds/services/{id}")
def hsds_service(id: str, request: Request, now: CurrentDep) -> Response:
    if now.not_modified:
        return now.not_modified
    match = now.directory.service_by_uuid.get(id)
    if match is None:
        raise NotFound(f"no service with id «{id}»")
    return _respond(request, now.etag, now.who, [now.directory.service(match)], "json", None)


def org_docs(d: Directory, orgs: list[Organisation], with_services: bool) -> Iterator[dict[str, Any]]:
    by_org: dict[str, list[Service]] = {}
    for s in d.services:
        by_org.setdefault(s.organisation_id, []).append(s)
    for o in orgs:
        services = [d.service(s) for s in by_org.get(o.id, [])] if with_services else None
        yield organization_doc(o, services)


@router.get("/hsds/organizations")
def hsds_organizations(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    full_service: bool = False,
    full: bool = False,
) -> Response:
    """Organisations; `full_service=true` gives organisation packages (with their services)."""
    if now.not_modified:
        return now.not_modified
    d = now.directory
    orgs = sorted(d.orgs.values(), key=lambda o: hsds_id("organisation", o.id))
    orgs = [o for o in orgs if listing.matches(f"{o.name} {o.description}")]
    with_services = full_service or full
    if listing.format == "ndjson":
        return _respond(request, now.etag, now.who, [], "ndjson", None, lambda: org_docs(d, orgs, with_services))
    chunk, info = _page(orgs, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, list(org_docs(d, chunk, with_services)), "json", info)


@router.get("/hsds/organizations/{id}")
def hsds_organization(id: str, request: Request, now: CurrentDep, full_service: bool = False) -> Response:
    if now.not_modified:
        return now.not_modified
    d = now.directory
    org = d.org_by_uuid.get(id)
    if org is None:
        raise NotFound(f"no organization with id «{id}»")
    return _respond(request, now.etag, now.who, list(org_docs(d, [d.orgs[org]], full_service)), "json", None)


def sal_docs(d: Directory, services: list[Service]) -> list[dict[str, Any]]:
    out = []
    for s in services:
        doc = d.service(s)
        for sal in doc["service_at_locations"]:
            out.append({**sal, "service": {k: v for k, v in doc.items() if k != "service_at_locations"}})
    return sorted(out, key=lambda x: x["id"])


@router.get("/hsds/service_at_locations")
def hsds_service_at_locations(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    filters: FiltersDep,
    full: bool = True,
    postcode: str | None = None,
    proximity: str | None = None,
) -> Response:
    """Services at the locations the caller may see (hidden ones never)."""
    if proximity:
        raise InvalidInput("proximity search is not offered: filter by postcode", parameter="proximity")
    if now.not_modified:
        return now.not_modified
    d = now.directory
    services = d.filter_services(listing.search, filters)
    docs = sal_docs(d, services)
    if postcode:
        docs = [x for x in docs if any(a["postal_code"] == postcode for a in x["location"]["addresses"])]
    if listing.format == "ndjson":
        return _respond(request, now.etag, now.who, docs, "ndjson", None)
    chunk, info = _page(docs, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, chunk, "json", info)


@router.get("/hsds/service_at_locations/{id}")
def hsds_service_at_location(id: str, request: Request, now: CurrentDep) -> Response:
    if now.not_modified:
        return now.not_modified
    match = now.directory.service_at_locations.get(id)
    if match is None:
        raise NotFound(f"no service_at_location with id «{id}»")
    return _respond(request, now.etag, now.who, [match], "json", None)


@router.get("/hsds/taxonomies")
def hsds_taxonomies(request: Request, listing: ListingDep) -> Response:
    docs = [x for x in [taxonomy_doc()] if listing.matches(x["name"] + x["description"])]
    chunk, info = _page(docs, listing.page, listing.per_page)
    return _respond(request, '"taxonomy-1"', who_is(request), chunk, listing.format, info)


@router.get("/hsds/taxonomies/{id}")
def hsds_taxonomy(id: str, request: Request) -> Response:
    if id != taxonomy_doc()["id"]:
        raise NotFound(f"no taxonomy with id «{id}»")
    return _respond(request, '"taxonomy-1"', who_is(request), [taxonomy_doc()], "json", None)


def terms(reference: Reference, lang: str) -> list[dict[str, Any]]:
    return sorted((term_doc(t, lang) for t in reference.taxonomy.terms.values()), key=lambda x: x["id"])


@router.get("/hsds/taxonomy_terms")
def hsds_taxonomy_terms(
    request: Request,
    relais: RelaisDep,
    listing: ListingDep,
    taxonomy_id: str | None = None,
    top_only: bool = False,
    parent_id: str | None = None,
    lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr",
) -> Response:
    """The Relais taxonomy's terms, named in `lang`, with all four labels in `relais_labels`."""
    docs = [
        x for x in terms(relais.reference, lang) if listing.matches(" ".join([*x["relais_labels"].values(), x["code"]]))
    ]
    if taxonomy_id:
        docs = [x for x in docs if x["taxonomy_id"] == taxonomy_id]
    if top_only:
        docs = [x for x in docs if not x.get("parent_id")]
    if parent_id:
        docs = [x for x in docs if x.get("parent_id") == parent_id]
    chunk, info = _page(docs, listing.page, listing.per_page)
    fmt = listing.format
    return _respond(request, f'"terms-{lang}"', who_is(request), chunk if fmt == "json" else docs, fmt, info)


@router.get("/hsds/taxonomy_terms/{id}")
def hsds_taxonomy_term(
    id: str, request: Request, relais: RelaisDep, lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr"
) -> Response:
    term: Term | None = next((t for t in relais.reference.taxonomy.terms.values() if hsds_id("term", t.id) == id), None)
    if term is None:
        raise NotFound(f"no taxonomy_term with id «{id}»")
    return _respond(request, f'"term-{id}-{lang}"', who_is(request), [term_doc(term, lang)], "json", None)
