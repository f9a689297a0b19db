"""The record forms' values: what a form sent, read loosely (to show again after a refusal) and as records.

A form is shown from a plain dict of values, either a stored record's (`values_of`) or what was typed
(`organisation_values`, `service_values`, `location_values`), so a refused form shows every typed value
again, ticked pickers and hour slots included. The records are then built from those values and validated
by the models and the use cases, never here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.forms import field_errors
from api.http.routers.pages.common import folded
from api.i18n import t
from graph.errors import InvalidInput
from graph.models import Location, Organisation, Record, Service
from graph.reference import Reference
from graph.usecases.directory import sector_of

Values = dict[str, Any]

ORGANISATION_TEXTS = ("name", "type", "website", "description", "source", "status", "parent", "verified_at")
SERVICE_TEXTS = ("name", "description", "access", "cost", "eligibility", "hours", "area_scope")
SERVICE_LISTS = ("situations", "needs", "audiences", "languages", "area_divisions", "area_communes", "location_ids")
LOCATION_TEXTS = ("name", "address", "commune", "postcode", "latitude", "longitude", "visibility")
ROWS = {
    "schedule": ("slot", ("opens", "closes"), ("days",)),
    "closures": ("closure", ("start", "end", "label"), ()),
    "contacts": ("contact", ("kind", "value", "label", "visibility"), ()),
}
"""A service's repeated rows: the form's prefix (slot-0-opens…), their text fields and their ticked lists."""
FILLED = {
    "schedule": ("opens", "closes", "days"),
    "closures": ("start", "end", "label"),
    "contacts": ("value", "label"),
}
"""A row with none of these typed is an empty row left in the form, not a row to save."""


def _texts(form: FormData, names: Iterable[str]) -> Values:
    return {name: str(form.get(name, "")).strip() for name in names if name in form}


def organisation_values(form: FormData) -> Values:
    return _texts(form, ORGANISATION_TEXTS)


def location_values(form: FormData) -> Values:
    return _texts(form, LOCATION_TEXTS)


def service_values(form: FormData) -> Values:
    """What the service form sent: its texts, its ticked lists and its rows (removed and empty rows left out)."""
    values = _texts(form, SERVICE_TEXTS) | {name: form.getlist(name) for name in SERVICE_LISTS}
    values["open_24_7"] = form.get("open_24_7") == "yes"
    for field, (prefix, texts, lists) in ROWS.items():
        values[field] = _rows(form, prefix, texts, lists, FILLED[field])
    return values


def _rows(
    form: FormData, prefix: str, texts: tuple[str, ...], lists: tuple[str, ...], filled: tuple[str, ...]
) -> list[Values]:
    indices = sorted({int(m.group(1)) for key in form if (m := re.fullmatch(rf"{prefix}-(\d+)-\w+", key))})
    rows = []
    for i in indices:
        if form.get(f"{prefix}-{i}-remove") == "yes":
            continue
        row: Values = {name: str(form.get(f"{prefix}-{i}-{name}", "")).strip() for name in texts}
        row |= {name: form.getlist(f"{prefix}-{i}-{name}") for name in lists}
        if any(row[name] for name in filled):
            rows.append(row)
    return rows


def values_of(record: Record) -> Values:
    """A stored record as its form shows it (times as 09:00, absent values as empty text)."""
    values = record.model_dump(mode="json", exclude={"modified_at", "id", "capacity"})
    for slot in values.get("schedule", []):
        slot["opens"], slot["closes"] = (time.fromisoformat(slot[k]).strftime("%H:%M") for k in ("opens", "closes"))
    return {k: "" if v is None else v for k, v in values.items()}


def _blank_is_none(values: Values, names: Iterable[str]) -> Values:
    return values | {name: values[name] or None for name in names if name in values}


def organisation_from(values: Values, base: Values, reference: Reference) -> Organisation:
    """The organisation the form describes; its sector follows from its type."""
    chosen = values.get("type", base.get("type", ""))
    sector = sector_of(reference, chosen) if chosen else ""
    merged = base | _blank_is_none(values, ("website", "parent", "verified_at")) | {"sector": sector}
    return Organisation.model_validate(merged)


def service_from(values: Values, base: Values) -> Service:
    merged = base | {k: v for k, v in values.items() if v != "" or k not in ("access", "area_scope")}
    return Service.model_validate(merged)


def location_from(values: Values, base: Values, reference: Reference) -> Location:
    """The location the form describes; the postcode follows from a commune that has only one."""
    typed = _blank_is_none(values, ("latitude", "longitude"))
    commune = reference.geography.communes.get(str(typed.get("commune", "")))
    if commune and not typed.get("postcode") and len(commune.postcodes) == 1:
        typed["postcode"] = commune.postcodes[0]
    return Location.model_validate(base | typed)


def errors_of(exc: InvalidInput | ValidationError, lang: str) -> dict[str, str]:
    """Each problem under the form field it belongs to: a row of hours or contacts as `schedule.0`, a list's
    item under the list (`languages.2` → `languages`), the sector under the type that fixes it."""
    found: dict[str, str] = {}
    for column, sentence in field_errors(exc, lang).items():
        parts = column.split(".")
        key = ".".join(parts[:2]) if parts[0] in ROWS and len(parts) > 1 else parts[0]
        found.setdefault({"sector": "type"}.get(key, key), sentence)
    return found


def new_id(name: str, taken: Iterable[str], prefix: str = "") -> str:
    """A readable, unused slug: `prefix` + the name folded («Maison d'accueil» → maison-d-accueil), numbered
    when taken."""
    stem = prefix + (re.sub(r"[^a-z0-9]+", "-", folded(name)).strip("-")[:40].strip("-") or "x")
    used = set(taken)
    candidate, n = stem, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def changed_fields(stored: Values, typed: Mapping[str, Any], lang: str) -> list[str]:
    """The labels of the fields saved meanwhile with another value than the one typed (in the page's
    language; never a field's name)."""
    return [t(f"rec_field_{name}", lang) for name, value in typed.items() if _same(stored.get(name)) != _same(value)]


def _same(value: Any) -> Any:
    """A value as compared: lists unordered, numbers and absent values as text."""
    if isinstance(value, list | tuple):
        return sorted(str(_same(v)) for v in value)
    if isinstance(value, dict):
        return sorted((k, str(_same(v))) for k, v in value.items())
    return "" if value is None else str(value)
