"""The store back to the directory template (CSV folder or workbook): the coordinators' own copy.

This is the one export that carries hidden addresses, because it is the coordination's master file;
it needs the coordinator role at the API. Every other export goes through the snapshot, which has none.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from graph.models import (
    Attendance,
    ContactKind,
    ContactVisibility,
    Cooperation,
    Location,
    Membership,
    Organisation,
    Platform,
    ReferralFlow,
    Service,
    Training,
    Visibility,
)
from graph.store import GraphStore
from loaders.template import MULTI_SEPARATOR, SHEETS

Rows = dict[str, list[dict[str, str]]]


def _s(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return MULTI_SEPARATOR.join(_s(v) for v in value)
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _prov(
    record: Organisation
    | Location
    | Service
    | Platform
    | Training
    | Cooperation
    | ReferralFlow
    | Membership
    | Attendance,
) -> dict[str, str]:
    return {"source": record.source, "verified_at": _s(record.verified_at)}


def _contacts(service: Service, kind: ContactKind, visibility: ContactVisibility) -> str:
    return MULTI_SEPARATOR.join(c.value for c in service.contacts if c.kind == kind and c.visibility == visibility)


def directory_rows(store: GraphStore) -> Rows:
    rows: Rows = {sheet: [] for sheet in SHEETS}
    for o in store.list(Organisation):
        rows["organisations"].append(
            {
                "id": o.id,
                "name": o.name,
                "type": o.type,
                "description": o.description,
                "website": _s(o.website),
                "status": _s(o.status),
                "parent": _s(o.parent),
                **_prov(o),
            }
        )
    for loc in store.list(Location, clearance=Visibility.HIDDEN):
        rows["locations"].append(
            {
                "id": loc.id,
                "organisation_id": loc.organisation_id,
                "name": loc.name,
                "address": loc.address,
                "postcode": loc.postcode,
                "commune": loc.commune,
                "latitude": _s(loc.latitude),
                "longitude": _s(loc.longitude),
                "visibility": _s(loc.visibility),
                **_prov(loc),
            }
        )
    for s in store.list(Service, clearance=Visibility.HIDDEN):
        cap = s.capacity
        rows["services"].append(
            {
                "id": s.id,
                "organisation_id": s.organisation_id,
                "name": s.name,
                "description": s.description,
                "situations": _s(s.situations),
                "needs": _s(s.needs),
                "audiences": _s(s.audiences),
                "languages": _s(s.languages),
                "access": _s(s.access),
                "cost": s.cost,
                "eligibility": s.eligibility,
                "hours": s.hours,
                "open_24_7": _s(s.open_24_7),
                "capacity_available": _s(cap.available if cap else None),
                "capacity_total": _s(cap.total if cap else None),
                "capacity_updated_at": _s(cap.updated_at if cap else None),
                "phone": _contacts(s, ContactKind.PHONE, ContactVisibility.PUBLIC),
                "phone_professional": _contacts(s, ContactKind.PHONE, ContactVisibility.PROFESSIONAL),
                "email": _contacts(s, ContactKind.EMAIL, ContactVisibility.PUBLIC),
                "contact_website": _contacts(s, ContactKind.WEBSITE, ContactVisibility.PUBLIC),
                "area_scope": _s(s.area_scope),
                "area_divisions": _s(s.area_divisions),
                "area_communes": _s(s.area_communes),
                "location_ids": _s(s.location_ids),
                "status": _s(s.status),
                **_prov(s),
            }
        )
    for c in store.links(Cooperation):
        rows["links"].append(
            {
                "kind": "cooperation",
                "from": c.a,
                "to": c.b,
                "cooperation": _s(c.cooperation),
                "since": _s(c.since),
                "until": _s(c.until),
                "confidence": _s(c.confidence),
                **_prov(c),
            }
        )
    for f in store.links(ReferralFlow):
        rows["links"].append(
            {"kind": "referral", "from": f.from_id, "to": f.to_id, "period": f.period, "count": _s(f.count), **_prov(f)}
        )
    for p in store.list(Platform):
        rows["platforms"].append(
            {"id": p.id, "name": p.name, "kind": _s(p.platform_kind), "division": _s(p.division), **_prov(p)}
        )
    for m in store.links(Membership):
        rows["memberships"].append(
            {
                "organisation_id": m.organisation_id,
                "platform_id": m.platform_id,
                "since": _s(m.since),
                "role": m.role,
                **_prov(m),
            }
        )
    for t in store.list(Training):
        rows["trainings"].append(
            {
                "id": t.id,
                "title": t.title,
                "held_on": _s(t.held_on),
                "organiser_id": _s(t.organiser_id),
                "terms": _s(t.terms),
                **_prov(t),
            }
        )
    for a in store.links(Attendance):
        rows["attendances"].append(
            {
                "organisation_id": a.organisation_id,
                "training_id": a.training_id,
                "participants": _s(a.participants),
                **_prov(a),
            }
        )
    return rows


def write_csv_folder(rows: Mapping[str, Iterable[Mapping[str, str]]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, columns in SHEETS.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, [c.name for c in columns], extrasaction="raise")
            writer.writeheader()
            writer.writerows(rows.get(sheet, []))


def write_workbook(rows: Mapping[str, Iterable[Mapping[str, str]]], path: Path) -> None:
    """An .xlsx with one sheet per template sheet; headers carry the French meaning as a comment."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([c.name for c in columns])
        for cell, c in zip(ws[1], columns, strict=True):
            cell.font = Font(bold=c.required)
            cell.comment = Comment(f"{c.fr}\n{c.en}{' (obligatoire / required)' if c.required else ''}", "Relais")
        for row in rows.get(sheet, []):
            ws.append([row.get(c.name, "") for c in columns])
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
