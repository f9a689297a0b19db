"""The directory template a coordination maintains: sheets, columns, and what each column means.

One description serves the empty workbook (`relais template`), the validator, the exporter and the
documentation (docs/directory-template.md is generated from it and checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    fr: str
    en: str
    required: bool = False
    multi: bool = False


def col(name: str, fr: str, en: str, *, required: bool = False, multi: bool = False) -> Column:
    return Column(name, fr, en, required, multi)


PROVENANCE = (
    col(
        "source",
        "D'où vient l'information (site, document, personne de contact)",
        "Where the fact comes from",
        required=True,
    ),
    col("verified_at", "Date de la dernière vérification (AAAA-MM-JJ)", "Date last verified (YYYY-MM-DD)"),
)

SHEETS: dict[str, tuple[Column, ...]] = {
    "organisations": (
        col("id", "Identifiant stable en minuscules (ex. cvfe)", "Stable lower-case id (e.g. cvfe)", required=True),
        col("name", "Nom de l'organisation", "Organisation name", required=True),
        col("type", "Type (code de organisation_types)", "Type code (organisation_types)", required=True),
        col(
            "description",
            "Ce que fait l'organisation (jamais de données sur des personnes)",
            "What the organisation does (never about people)",
        ),
        col("website", "Site web (https://…)", "Website (https://…)"),
        col("status", "active ou inactive", "active or inactive"),
        col("parent", "Organisation dont elle fait partie (id)", "Organisation it is part of (id)"),
        *PROVENANCE,
    ),
    "locations": (
        col("id", "Identifiant du lieu", "Location id", required=True),
        col("organisation_id", "Organisation (id)", "Organisation (id)", required=True),
        col("name", "Nom du lieu (ex. Consultations Liège)", "Place name"),
        col(
            "address",
            "Rue et numéro — jamais publique pour une maison d'accueil",
            "Street address — never public for a shelter",
        ),
        col("postcode", "Code postal", "Postcode"),
        col("commune", "Commune (nom ou code INS)", "Commune (name or NIS code)", required=True),
        col("latitude", "Latitude (WGS84)", "Latitude (WGS84)"),
        col("longitude", "Longitude (WGS84)", "Longitude (WGS84)"),
        col(
            "visibility",
            "public, network (professionnel·les) ou hidden (secret)",
            "public, network (professionals) or hidden (secret)",
            required=True,
        ),
        *PROVENANCE,
    ),
    "services": (
        col("id", "Identifiant du service", "Service id", required=True),
        col("organisation_id", "Organisation (id)", "Organisation (id)", required=True),
        col("name", "Nom du service", "Service name", required=True),
        col("description", "Description", "Description"),
        col("situations", "Situations (codes taxonomie)", "Situations (taxonomy codes)", multi=True),
        col("needs", "Besoins rencontrés (codes taxonomie)", "Needs met (taxonomy codes)", multi=True),
        col("audiences", "Publics (codes taxonomie)", "Audiences (taxonomy codes)", multi=True),
        col("languages", "Langues (fr, nl, de, en, ar, tr…)", "Languages (ISO 639 codes)", multi=True),
        col("access", "walk-in, appointment ou referral-only", "walk-in, appointment or referral-only"),
        col("cost", "Coût", "Cost"),
        col("eligibility", "Conditions d'accès", "Eligibility"),
        col("hours", "Horaires", "Opening hours"),
        col("open_24_7", "Joignable 24h/24 et 7j/7 (oui/non)", "Reachable 24/7 (yes/no)"),
        col("capacity_available", "Places disponibles", "Places available"),
        col("capacity_total", "Places au total", "Total places"),
        col("capacity_updated_at", "Date du relevé des places", "Date of the place count"),
        col("phone", "Téléphone public", "Public phone", multi=True),
        col("phone_professional", "Téléphone réservé aux professionnel·les", "Professionals-only phone", multi=True),
        col("email", "Courriel", "E-mail", multi=True),
        col("contact_website", "Page web du service", "Service web page", multi=True),
        col("area_scope", "local, province, region ou national", "local, province, region or national"),
        col("area_divisions", "Divisions desservies (huy, liege, verviers)", "Divisions served", multi=True),
        col("area_communes", "Communes desservies (nom ou code INS)", "Communes served (name or NIS)", multi=True),
        col("location_ids", "Lieux où le service est rendu (id)", "Locations (ids)", multi=True),
        col("status", "active ou inactive", "active or inactive"),
        *PROVENANCE,
    ),
    "links": (
        col("kind", "cooperation ou referral", "cooperation or referral", required=True),
        col("from", "Organisation de départ (id)", "From organisation (id)", required=True),
        col("to", "Organisation d'arrivée (id)", "To organisation (id)", required=True),
        col(
            "cooperation",
            "convention, protocol, case-conference ou informal (coopération)",
            "convention, protocol, case-conference or informal (cooperation)",
        ),
        col("since", "Depuis (date)", "Since (date)"),
        col("until", "Jusqu'au (date)", "Until (date)"),
        col("confidence", "Confiance 0–1", "Confidence 0–1"),
        col(
            "period", "Période des orientations (AAAA, AAAA-Qn ou AAAA-MM)", "Referral period (YYYY, YYYY-Qn, YYYY-MM)"
        ),
        col("count", "Nombre d'orientations (agrégat, jamais un dossier)", "Number of referrals (aggregate)"),
        col(
            "status",
            "confirmed, ou pending : coopération déclarée par une seule des deux organisations",
            "confirmed, or pending: a cooperation declared by one end only",
        ),
        col(
            "requested_by",
            "Organisation qui l'a déclarée (id, si pending)",
            "Organisation that declared it (if pending)",
        ),
        *PROVENANCE,
    ),
    "platforms": (
        col("id", "Identifiant", "Id", required=True),
        col("name", "Nom", "Name", required=True),
        col(
            "kind",
            "division-platform, resource-centre, case-conference ou coordination",
            "Platform kind",
            required=True,
        ),
        col("division", "Division (huy, liege, verviers)", "Division"),
        *PROVENANCE,
    ),
    "memberships": (
        col("organisation_id", "Organisation (id)", "Organisation (id)", required=True),
        col("platform_id", "Plateforme (id)", "Platform (id)", required=True),
        col("since", "Membre depuis", "Member since"),
        col("role", "Rôle (member, coordinator…)", "Role"),
        *PROVENANCE,
    ),
    "trainings": (
        col("id", "Identifiant", "Id", required=True),
        col("title", "Intitulé", "Title", required=True),
        col("held_on", "Date", "Date", required=True),
        col("organiser_id", "Organisateur (id)", "Organiser (id)"),
        col("terms", "Thèmes (codes taxonomie)", "Topics (taxonomy codes)", multi=True),
        *PROVENANCE,
    ),
    "attendances": (
        col("organisation_id", "Organisation (id)", "Organisation (id)", required=True),
        col("training_id", "Formation (id)", "Training (id)", required=True),
        col("participants", "Nombre de participant·es (un nombre, jamais des noms)", "Head count (never names)"),
        *PROVENANCE,
    ),
}
"""Sheets in the order they are read and written (a sheet refers only to sheets before it, or links)."""

MULTI_SEPARATOR = ";"


def template_markdown() -> str:
    """The field-by-field documentation of the template, in French and English."""
    out = [
        "# Modèle d'annuaire / Directory template",
        "",
        "Un classeur (`relais template -o annuaire.xlsx`) ou un dossier de fichiers CSV du même nom "
        "(`organisations.csv`, …), ou un fichier YAML/JSON `{feuille: [lignes]}`. Cellules à valeurs "
        "multiples séparées par `;`. Codes de taxonomie et de divisions : voir `GET /v1/taxonomy` et "
        "`graph/data/`. **Jamais de donnée sur une personne aidée.**",
        "",
        "One workbook, or a folder of CSV files named after the sheets, or YAML/JSON `{sheet: [rows]}`. "
        "Multi-valued cells are separated by `;`. **Never any data about a person who is helped.**",
        "",
        "`*` = obligatoire / required.",
    ]
    for sheet, columns in SHEETS.items():
        out += ["", f"## `{sheet}`", "", "| colonne / column | FR | EN |", "|---|---|---|"]
        for c in columns:
            flag = " *" if c.required else ""
            multi = " (;)" if c.multi else ""
            out.append(f"| `{c.name}`{flag}{multi} | {c.fr} | {c.en} |")
    return "\n".join(out) + "\n"
