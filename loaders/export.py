"""The store back to the directory template (CSV folder or workbook): the coordinators' own copy.

This is the one export that carries hidden addresses, because it is the coordination's master file;
it needs the coordinator role at the API. Every other export goes through the snapshot, which has none.
Cells are made safe to open (`graph.cells`): no formula ever runs, and characters a workbook cannot
hold are dropped instead of crashing the export.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.cells import needs_quote, spreadsheet_safe, writable
from graph.models import (
    Attendance,
    ContactKind,
    ContactVisibility,
    Cooperation,
    Location,
    Membership,
    NewsPost,
    Organisation,
    Platform,
    Project,
    Provenance,
    ReferralFlow,
    Registration,
    Service,
    Training,
    Visibility,
)
from graph.store import GraphStore
from loaders.template import MULTI_SEPARATOR, SHEETS

Rows = dict[str, list[dict[str, str]]]


def _s(value: object) -> str:
    """A cell as the template spells it: empty, yes/no, values joined by `;`, enum values, ISO dates.

    >>> from datetime import date
    >>> [_s(None), _s(True), _s(("fr", "nl")), _s(date(2025, 3, 1)), _s(0.5)]
    ['', 'yes', 'fr;nl', '2025-03-01', '0.5']
    """
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


def _prov(record: Provenance) -> dict[str, str]:
    return {"source": record.source, "verified_at": _s(record.verified_at)}


def _contacts(service: Service, kind: ContactKind, visibility: ContactVisibility) -> str:
    return MULTI_SEPARATOR.join(c.value for c in service.contacts if c.kind == kind and c.visibility == visibility)


def _row(record: Provenance, sheet: str, **cells: object) -> dict[str, str]:
    """A template row: each column of `sheet` from the record's field of the same name, unless given in `cells`.

    >>> member = Membership(organisation_id="cvfe", platform_id="pf-liege", source="demo")
    >>> _row(member, "memberships", role="chair")  # doctest: +NORMALIZE_WHITESPACE
    {'organisation_id': 'cvfe', 'platform_id': 'pf-liege', 'since': '', 'role': 'chair',
     'source': 'demo', 'verified_at': ''}
    """
    return {c.name: _s(cells[c.name] if c.name in cells else getattr(record, c.name)) for c in SHEETS[sheet]}


def _capacity_cells(service: Service) -> dict[str, str]:
    """The three capacity columns, all empty when the service publishes no capacity."""
    cap = service.capacity
    return {
        "capacity_available": _s(cap.available if cap else None),
        "capacity_total": _s(cap.total if cap else None),
        "capacity_updated_at": _s(cap.updated_at if cap else None),
    }


def _contact_cells(service: Service) -> dict[str, str]:
    """One column per (kind, visibility) of contact, several values joined."""
    return {
        "phone": _contacts(service, ContactKind.PHONE, ContactVisibility.PUBLIC),
        "phone_professional": _contacts(service, ContactKind.PHONE, ContactVisibility.PROFESSIONAL),
        "email": _contacts(service, ContactKind.EMAIL, ContactVisibility.PUBLIC),
        "contact_website": _contacts(service, ContactKind.WEBSITE, ContactVisibility.PUBLIC),
    }


def _cooperation_row(c: Cooperation) -> dict[str, str]:
    """A cooperation on the links sheet (the referral columns left out)."""
    return {
        "kind": "cooperation",
        "from": c.a,
        "to": c.b,
        "cooperation": _s(c.cooperation),
        "since": _s(c.since),
        "until": _s(c.until),
        "confidence": _s(c.confidence),
        "status": _s(c.status),
        "requested_by": _s(c.requested_by),
        **_prov(c),
    }


def _referral_row(f: ReferralFlow) -> dict[str, str]:
    """A referral aggregate on the links sheet (the cooperation columns left out)."""
    return {"kind": "referral", "from": f.from_id, "to": f.to_id, "period": f.period, "count": _s(f.count), **_prov(f)}


def directory_rows(store: GraphStore) -> Rows:
    """Every record and link of the store as template rows, sheet by sheet; hidden addresses included."""
    rows: Rows = {sheet: [] for sheet in SHEETS}
    rows["organisations"] += (_row(o, "organisations") for o in store.list(Organisation))
    rows["locations"] += (_row(loc, "locations") for loc in store.list(Location, clearance=Visibility.HIDDEN))
    rows["services"] += (
        _row(s, "services", **_capacity_cells(s), **_contact_cells(s))
        for s in store.list(Service, clearance=Visibility.HIDDEN)
    )
    rows["links"] += map(_cooperation_row, store.links(Cooperation))
    rows["links"] += map(_referral_row, store.links(ReferralFlow))
    rows["platforms"] += (_row(p, "platforms", kind=p.platform_kind) for p in store.list(Platform))
    rows["memberships"] += (_row(m, "memberships") for m in store.links(Membership))
    rows["projects"] += (_row(p, "projects", partners=p.partner_ids) for p in store.list(Project))
    rows["events"] += (_event_row(t) for t in store.list(Training))  # every training is an event now
    rows["attendances"] += (_row(a, "attendances") for a in store.links(Attendance))
    rows["registrations"] += (_row(r, "registrations", event_id=r.training_id) for r in store.links(Registration))
    rows["news"] += (_row(n, "news") for n in store.list(NewsPost))
    return rows


def _event_row(event: Training) -> dict[str, str]:
    """An event on the events sheet: its kind, and its times as HH:MM."""
    start, end = (t.strftime("%H:%M") if t else "" for t in (event.starts_at, event.ends_at))
    return _row(event, "events", kind=event.event_kind, starts_at=start, ends_at=end)


def private(path: Path) -> int:
    """A file descriptor to (re)write `path` readable by its owner only: the master copy holds the
    shelters' hidden addresses."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file that existed keeps its mode otherwise
    return fd


def write_csv_folder(rows: Mapping[str, Iterable[Mapping[str, str]]], folder: Path) -> None:
    """One CSV file per sheet; a cell a spreadsheet would run as a formula gets a leading `'`."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, columns in SHEETS.items():
        with open(private(folder / f"{sheet}.csv"), "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, [c.name for c in columns], extrasaction="raise")
            writer.writeheader()
            writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows.get(sheet, []))


def _append_text_row(ws: Any, values: list[str]) -> None:
    """Append a row of text cells: a value starting like a formula stays text (type `s`, quote prefix),
    so `+32 4 …` reads as typed and `=HYPERLINK(…)` never runs."""
    ws.append([writable(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and needs_quote(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


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
            _append_text_row(ws, [row.get(c.name, "") for c in columns])
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(private(path), "wb") as f:
        wb.save(f)
