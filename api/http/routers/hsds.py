"""HSDS 3.1 (Open Referral) endpoints under /hsds, for other directories to sync with; `version=3.0`
gives the 3.0 documents. Every list also answers POST with its filters in a JSON body, so a search
never lands in a URL or a log.

Lists use the standard `Page` wrapper; filters combine with AND. Responses carry an ETag derived from
the directory's version and the request (a repeated GET with If-None-Match answers 304 without any
work), Last-Modified, Cache-Control and `Access-Control-Allow-Origin: *` (public reads: another
directory's page may read them without a key); `format=ndjson` streams a full export in chunks.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict

from api.http.auth import who_is
from api.http.deps import CallerDep, RelaisDep
from api.settings import PROJECT_ROOT
from graph.errors import InvalidInput, NotFound, RelaisError
from graph.models import AreaScope, Location, Organisation, Service, Term
from graph.reference import Reference
from graph.referral import Role
from graph.store import GraphStore
from graph.usecases import Caller
from loaders.hsds import (
    HSDS_VERSION,
    VERSIONS,
    hsds_id,
    organization_doc,
    service_doc,
    taxonomy_doc,
    term_doc,
)
from loaders.hsds_mapping import TAXONOMY

MAX_PER_PAGE = 200
PROFILE = PROJECT_ROOT / "docs" / "hsds-profile.md"
PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
router = APIRouter(
    tags=["hsds"],
    responses={
        304: {"description": "Not modified (If-None-Match named this response's ETag)"},
        405: {"description": "Method not allowed; `Allow` lists the methods of the path", **PROBLEM},
        422: {"description": "A parameter Relais cannot read (docs/hsds-profile.md)", **PROBLEM},
        429: {"description": "Too many HSDS reads from this client in a minute", **PROBLEM},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No record with this id", **PROBLEM}}
Page = Annotated[int, Query(description="page number, from 1 (below 1: the first page)")]
PerPage = Annotated[int, Query(description=f"records a page, 1 to {MAX_PER_PAGE} (values outside are brought inside)")]
Version = Annotated[str, Query(description="HSDS version of the documents: 3.1 (default) or 3.0")]


def _etag(request: Request, version: int, who: Caller) -> str:
    key = (
        f"{version}|{who.role.clearance.value}|{who.role is Role.PUBLIC}|{request.url.path}|"
        f"{sorted(request.query_params.multi_items())}"
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _headers(etag: str, who: Caller, modified: datetime | None, method: str = "GET") -> dict[str, str]:
    """Sync and CORS headers; a POST search is never cached (its filters may be sensitive)."""
    if method == "POST":
        return {"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"}
    headers = {
        "ETag": etag,
        "Cache-Control": f"{'public' if who.role is Role.PUBLIC else 'private'}, max-age=60",
        "Vary": "Authorization, Cookie",
        "Access-Control-Allow-Origin": "*",  # a browser sends no credentials with `*`: public reads only
    }
    if modified:
        headers["Last-Modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    return headers


def _page(items: list[Any], page: int, per_page: int) -> tuple[list[Any], dict[str, Any]]:
    """One page; `page` below 1 is the first, `per_page` is brought within 1…MAX_PER_PAGE (the standard's
    parameters are any integer, so none is refused)."""
    page, per_page = max(1, page), min(MAX_PER_PAGE, max(1, per_page))
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
            f"modified_after «{value[:40]}» is not an ISO 8601 date-time", parameter="modified_after"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _covers(s: Service, communes: list[Any]) -> bool:
    """The service's area includes one of these communes (a wider scope includes them all)."""
    return s.area_scope is not AreaScope.LOCAL or any(
        c.id in s.area_communes or c.division in s.area_divisions for c in communes
    )


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
        self._docs: dict[tuple[str, bool, str, str], dict[str, Any]] = {}
        self._sals: dict[str, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def service(
        self, s: Service, *, full: bool = True, lang: str = "fr", version: str = HSDS_VERSION
    ) -> dict[str, Any]:
        key = (s.id, full, lang, version)
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
                version=version,
            )
            with self._lock:
                self._docs[key] = found
        return found

    def service_at_locations(self, version: str) -> dict[str, dict[str, Any]]:
        """Every service-at-location document by id, built the first time one is asked for."""
        found = self._sals.get(version)
        if found is None:
            found = self._sals[version] = {doc["id"]: doc for doc in sal_docs(self, self.services, version)}
        return found

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

    def filter_organisations(self, search: str | None, f: ServiceFilters) -> list[Organisation]:
        """Organisations matching the search; with a taxonomy filter, those offering a service it tags."""
        orgs = sorted(self.orgs.values(), key=lambda o: hsds_id("organisation", o.id))
        if search:
            orgs = [o for o in orgs if search.casefold() in f"{o.name} {o.description}".casefold()]
        if f.taxonomy_term_id or f.taxonomy_id:
            offering = {s.organisation_id for s in self.filter_services(None, f)}
            orgs = [o for o in orgs if o.id in offering]
        return orgs

    def at_postcode(self, docs: list[dict[str, Any]], postcode: str) -> list[dict[str, Any]]:
        """Services at a location with this postcode, or whose area covers the postcode's communes."""
        try:
            communes: list[Any] = self.ref.geography.communes_for_postcode(postcode)
        except RelaisError:
            communes = []
        covering = {hsds_id("service", s.id) for s in self.services if communes and _covers(s, communes)}
        return [
            x
            for x in docs
            if x["service_id"] in covering
            or any(a["postal_code"] == postcode for a in x["location"].get("addresses", []))
        ]


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
    headers = _headers(etag, who, modified, request.method)
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
    if request.method == "GET" and etag in [x.strip() for x in request.headers.get("if-none-match", "").split(",")]:
        return etag, Response(status_code=304, headers=_headers(etag, who, None)), version
    return etag, None, version


@dataclass(frozen=True)
class Listing:
    """The parameters every HSDS list takes."""

    search: str | None = None
    page: Page = 1
    per_page: PerPage = 50
    format: str = "json"
    version: Version = HSDS_VERSION

    def __post_init__(self) -> None:
        """`format` is json unless it says ndjson (the standard: «default is json»)."""
        if self.version not in VERSIONS:
            raise InvalidInput(f"version must be one of {', '.join(VERSIONS)}", parameter="version")

    @property
    def ndjson(self) -> bool:
        return self.format == "ndjson"

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


@dataclass(frozen=True)
class Options:
    """What else a list may be asked (each list reads the ones the standard gives it)."""

    minimal: bool = False
    full: bool | None = None
    full_service: bool = False
    postcode: str | None = None
    proximity: str | None = None
    top_only: bool = False
    parent_id: str | None = None
    lang: str = "fr"


T = TypeVar("T")
Query3 = tuple["Listing", "ServiceFilters", "Options"]


class SearchIn(BaseModel):
    """The body of a POST search: the GET parameters of the list, as JSON (the body wins over the URL)."""

    model_config = ConfigDict(extra="forbid")
    search: str | None = None
    page: int | None = None
    per_page: int | None = None
    format: str | None = None
    version: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: str | None = None
    minimal: bool | None = None
    full: bool | None = None
    full_service: bool | None = None
    postcode: str | None = None
    proximity: str | None = None
    top_only: bool | None = None
    parent_id: str | None = None
    lang: str | None = None

    def over(self, value: T) -> T:
        """`value` (a dataclass of parameters) with what this body sets."""
        given = self.model_dump(exclude_none=True)
        return replace(value, **{f.name: given[f.name] for f in fields(value) if f.name in given})  # type: ignore[type-var, arg-type]


Lang = Annotated[str, Query(pattern="^(fr|nl|de|en)$")]
ListingDep = Annotated[Listing, Depends()]
FiltersDep = Annotated[ServiceFilters, Depends()]
CurrentDep = Annotated[Current, Depends(current)]
BodyDep = Annotated[SearchIn | None, Body(description="the list's parameters as JSON (POST search)")]


def listing_of(listing: Listing, filters: ServiceFilters, options: Options, body: SearchIn | None) -> Query3:
    """The parameters of a list, the POST body's over the URL's."""
    if body is None:
        return listing, filters, options
    return body.over(listing), body.over(filters), body.over(options)


@router.get("/hsds/")
def hsds_root(request: Request, version: Version = HSDS_VERSION) -> JSONResponse:
    """This API's relation to HSDS; `openapi_url` describes the HSDS API alone."""
    Listing(version=version)
    base = str(request.base_url).rstrip("/")
    body = {"version": version, "profile": f"{base}/hsds/profile", "openapi_url": f"{base}/hsds/openapi.json"}
    return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*"})


@router.get("/hsds/openapi.json", include_in_schema=False)
def hsds_openapi(request: Request) -> JSONResponse:
    """The OpenAPI document of the HSDS routes only (what a crawler discovering HSDS should meet)."""
    found = getattr(request.app.state, "hsds_openapi", None)
    if found is None:
        found = get_openapi(
            title="Relais — HSDS 3.1",
            version=HSDS_VERSION,
            summary="Open Referral HSDS 3.1 (3.0 with version=3.0) of the Plateformes Violences de Liège",
            description="Profile: /hsds/profile (docs/hsds-profile.md). Hidden locations never appear.",
            routes=router.routes,
        )
        request.app.state.hsds_openapi = found
    return JSONResponse(found, headers={"Access-Control-Allow-Origin": "*"})


@router.get("/hsds/profile", response_class=Response)
def hsds_profile() -> Response:
    """The Belgian / Relais profile of HSDS (Markdown, docs/hsds-profile.md)."""
    return Response(
        PROFILE.read_text(encoding="utf-8"),
        media_type="text/markdown; charset=utf-8",
        headers={"Access-Control-Allow-Origin": "*"},
    )


def services_list(request: Request, now: Current, q: Query3) -> Response:
    """Services, filtered (AND), paginated in the HSDS `Page` wrapper; `format=ndjson` streams all of them."""
    listing, filters, options = q
    if now.not_modified:
        return now.not_modified
    d = now.directory
    found = d.filter_services(listing.search, filters)
    detail = options.full is not False and not options.minimal

    def doc(s: Service) -> dict[str, Any]:
        return d.service(s, full=detail, version=listing.version)

    if listing.ndjson:
        return _respond(request, now.etag, now.who, [], "ndjson", None, lambda: (doc(s) for s in found))
    chunk, info = _page(found, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, [doc(s) for s in chunk], "json", info)


@router.get("/hsds/services")
def hsds_services(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    filters: FiltersDep,
    minimal: bool = False,
    full: bool = True,
) -> Response:
    return services_list(request, now, (listing, filters, Options(minimal=minimal, full=full)))


@router.post("/hsds/services")
def hsds_services_search(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    filters: FiltersDep,
    body: BodyDep = None,
    minimal: bool = False,
    full: bool = True,
) -> Response:
    """The same search with its filters in a JSON body: nothing of it lands in a URL or a log."""
    return services_list(request, now, listing_of(listing, filters, Options(minimal=minimal, full=full), body))


@router.get("/hsds/services/{id}", responses=NOT_FOUND)
def hsds_service(id: str, request: Request, now: CurrentDep, version: Version = HSDS_VERSION) -> Response:
    Listing(version=version)
    if now.not_modified:
        return now.not_modified
    match = now.directory.service_by_uuid.get(id)
    if match is None:
        raise NotFound(f"no service with id «{id[:80]}»")
    return _respond(request, now.etag, now.who, [now.directory.service(match, version=version)], "json", None)


def org_docs(d: Directory, orgs: list[Organisation], with_services: bool, version: str) -> Iterator[dict[str, Any]]:
    by_org: dict[str, list[Service]] = {}
    for s in d.services:
        by_org.setdefault(s.organisation_id, []).append(s)
    for o in orgs:
        services = [d.service(s, version=version) for s in by_org.get(o.id, [])] if with_services else None
        yield organization_doc(o, services)


def organisations_list(request: Request, now: Current, q: Query3) -> Response:
    """Organisations; `full_service=true` gives organisation packages (with their services)."""
    listing, filters, options = q
    if now.not_modified:
        return now.not_modified
    d = now.directory
    orgs = d.filter_organisations(listing.search, filters)
    packaged = options.full_service or bool(options.full)
    if listing.ndjson:
        return _respond(
            request, now.etag, now.who, [], "ndjson", None, lambda: org_docs(d, orgs, packaged, listing.version)
        )
    chunk, info = _page(orgs, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, list(org_docs(d, chunk, packaged, listing.version)), "json", info)


@dataclass(frozen=True)
class TaxonomyFilters:
    """HSDS 3.1 filters of the organisation list: organisations offering a service with this term."""

    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None

    def filters(self) -> ServiceFilters:
        return ServiceFilters(taxonomy_term_id=self.taxonomy_term_id, taxonomy_id=self.taxonomy_id)


TaxonomyDep = Annotated[TaxonomyFilters, Depends()]


@router.get("/hsds/organizations")
def hsds_organizations(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    taxonomy: TaxonomyDep,
    full_service: bool = False,
    full: bool = False,
) -> Response:
    options = Options(full_service=full_service, full=full)
    return organisations_list(request, now, (listing, taxonomy.filters(), options))


@router.post("/hsds/organizations")
def hsds_organizations_search(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    taxonomy: TaxonomyDep,
    body: BodyDep = None,
    full_service: bool = False,
    full: bool = False,
) -> Response:
    options = Options(full_service=full_service, full=full)
    return organisations_list(request, now, listing_of(listing, taxonomy.filters(), options, body))


@router.get("/hsds/organizations/{id}", responses=NOT_FOUND)
def hsds_organization(
    id: str, request: Request, now: CurrentDep, full_service: bool = False, version: Version = HSDS_VERSION
) -> Response:
    Listing(version=version)
    if now.not_modified:
        return now.not_modified
    d = now.directory
    org = d.org_by_uuid.get(id)
    if org is None:
        raise NotFound(f"no organization with id «{id[:80]}»")
    docs = list(org_docs(d, [d.orgs[org]], full_service, version))
    return _respond(request, now.etag, now.who, docs, "json", None)


def sal_docs(d: Directory, services: list[Service], version: str) -> list[dict[str, Any]]:
    out = []
    for s in services:
        doc = d.service(s, version=version)
        for sal in doc.get("service_at_locations", []):
            out.append({**sal, "service": {k: v for k, v in doc.items() if k != "service_at_locations"}})
    return sorted(out, key=lambda x: x["id"])


def sal_list(request: Request, now: Current, q: Query3) -> Response:
    """Services at the locations the caller may see (hidden ones never)."""
    listing, filters, options = q
    if options.proximity:
        raise InvalidInput("proximity search is not offered: filter by postcode", parameter="proximity")
    if now.not_modified:
        return now.not_modified
    d = now.directory
    docs = sal_docs(d, d.filter_services(listing.search, filters), listing.version)
    if options.postcode:
        docs = d.at_postcode(docs, options.postcode.strip())
    if listing.ndjson:
        return _respond(request, now.etag, now.who, docs, "ndjson", None)
    chunk, info = _page(docs, listing.page, listing.per_page)
    return _respond(request, now.etag, now.who, chunk, "json", info)


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
    """`postcode`: services at a location with this postcode or whose area covers it (Open Referral UK)."""
    options = Options(full=full, postcode=postcode, proximity=proximity)
    return sal_list(request, now, (listing, filters, options))


@router.post("/hsds/service_at_locations")
def hsds_service_at_locations_search(
    request: Request,
    now: CurrentDep,
    listing: ListingDep,
    filters: FiltersDep,
    body: BodyDep = None,
    full: bool = True,
    postcode: str | None = None,
    proximity: str | None = None,
) -> Response:
    """The same search with its filters (a postcode too) in a JSON body, out of URLs and logs."""
    options = Options(full=full, postcode=postcode, proximity=proximity)
    return sal_list(request, now, listing_of(listing, filters, options, body))


@router.get("/hsds/service_at_locations/{id}", responses=NOT_FOUND)
def hsds_service_at_location(id: str, request: Request, now: CurrentDep, version: Version = HSDS_VERSION) -> Response:
    Listing(version=version)
    if now.not_modified:
        return now.not_modified
    match = now.directory.service_at_locations(version).get(id)
    if match is None:
        raise NotFound(f"no service_at_location with id «{id[:80]}»")
    return _respond(request, now.etag, now.who, [match], "json", None)


def taxonomies_list(request: Request, listing: Listing) -> Response:
    docs = [x for x in [taxonomy_doc()] if listing.matches(x["name"] + x["description"])]
    chunk, info = _page(docs, listing.page, listing.per_page)
    return _respond(request, '"taxonomy-1"', who_is(request), chunk, listing.format, info)


@router.get("/hsds/taxonomies")
def hsds_taxonomies(request: Request, listing: ListingDep) -> Response:
    return taxonomies_list(request, listing)


@router.post("/hsds/taxonomies")
def hsds_taxonomies_search(request: Request, listing: ListingDep, body: BodyDep = None) -> Response:
    return taxonomies_list(request, body.over(listing) if body else listing)


@router.get("/hsds/taxonomies/{id}", responses=NOT_FOUND)
def hsds_taxonomy(id: str, request: Request) -> Response:
    if id != taxonomy_doc()["id"]:
        raise NotFound(f"no taxonomy with id «{id[:80]}»")
    return _respond(request, '"taxonomy-1"', who_is(request), [taxonomy_doc()], "json", None)


def terms(reference: Reference, lang: str) -> list[dict[str, Any]]:
    return sorted((term_doc(t, lang) for t in reference.taxonomy.terms.values()), key=lambda x: x["id"])


def terms_list(
    request: Request, reference: Reference, listing: Listing, taxonomy_id: str | None, o: Options
) -> Response:
    """The Relais taxonomy's terms, named in `lang`, with all four labels in `relais_labels`."""
    if o.lang not in ("fr", "nl", "de", "en"):
        raise InvalidInput("lang must be fr, nl, de or en", parameter="lang")
    docs = [x for x in terms(reference, o.lang) if listing.matches(" ".join([*x["relais_labels"].values(), x["code"]]))]
    if taxonomy_id:
        docs = [x for x in docs if x["taxonomy_id"] == taxonomy_id]
    if o.top_only:
        docs = [x for x in docs if not x.get("parent_id")]
    if o.parent_id:
        docs = [x for x in docs if x.get("parent_id") == o.parent_id]
    chunk, info = _page(docs, listing.page, listing.per_page)
    etag = f'"terms-{o.lang}"'
    return _respond(request, etag, who_is(request), docs if listing.ndjson else chunk, listing.format, info)


@router.get("/hsds/taxonomy_terms")
def hsds_taxonomy_terms(
    request: Request,
    relais: RelaisDep,
    listing: ListingDep,
    taxonomy_id: str | None = None,
    top_only: bool = False,
    parent_id: str | None = None,
    lang: Lang = "fr",
) -> Response:
    options = Options(top_only=top_only, parent_id=parent_id, lang=lang)
    return terms_list(request, relais.reference, listing, taxonomy_id, options)


@router.post("/hsds/taxonomy_terms")
def hsds_taxonomy_terms_search(
    request: Request,
    relais: RelaisDep,
    listing: ListingDep,
    body: BodyDep = None,
    taxonomy_id: str | None = None,
    top_only: bool = False,
    parent_id: str | None = None,
    lang: Lang = "fr",
) -> Response:
    options = Options(top_only=top_only, parent_id=parent_id, lang=lang)
    if body is not None:
        listing, options = body.over(listing), body.over(options)
        taxonomy_id = body.taxonomy_id or taxonomy_id
    return terms_list(request, relais.reference, listing, taxonomy_id, options)


@router.get("/hsds/taxonomy_terms/{id}", responses=NOT_FOUND)
def hsds_taxonomy_term(id: str, request: Request, relais: RelaisDep, lang: Lang = "fr") -> Response:
    term: Term | None = next((t for t in relais.reference.taxonomy.terms.values() if hsds_id("term", t.id) == id), None)
    if term is None:
        raise NotFound(f"no taxonomy_term with id «{id[:80]}»")
    return _respond(request, f'"term-{id}-{lang}"', who_is(request), [term_doc(term, lang)], "json", None)
