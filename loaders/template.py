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
        # the former sheet of trainings, still read: «events» has every field of an event
        col("id", "Identifiant", "Id", required=True),
        col("title", "Intitulé", "Title", required=True),
        col("held_on", "Date", "Date", required=True),
        col("organiser_id", "Organisateur (id)", "Organiser (id)"),
        col("terms", "Thèmes (codes taxonomie)", "Topics (taxonomy codes)", multi=True),
        *PROVENANCE,
    ),
    "projects": (
        col("id", "Identifiant du projet", "Project id", required=True),
        col("name", "Nom du projet", "Project name", required=True),
        col(
            "partners",
            "Organisations partenaires (id, au moins deux)",
            "Partner organisations (ids, two or more)",
            required=True,
            multi=True,
        ),
        col("terms", "Thèmes (codes taxonomie)", "Topics (taxonomy codes)", multi=True),
        col("starts_on", "Début (AAAA-MM-JJ)", "Start (YYYY-MM-DD)", required=True),
        col("ends_on", "Fin (AAAA-MM-JJ)", "End (YYYY-MM-DD)"),
        col("status", "planned, running ou ended", "planned, running or ended"),
        col(
            "description",
            "Ce que fait le projet (jamais de données sur des personnes)",
            "What the project does (never about people)",
        ),
        *PROVENANCE,
    ),
    "events": (
        col("id", "Identifiant de l'événement", "Event id", required=True),
        col("title", "Intitulé", "Title", required=True),
        col(
            "kind",
            "training, study-day, platform-meeting ou project-session",
            "training, study-day, platform-meeting or project-session",
        ),
        col("held_on", "Date (AAAA-MM-JJ)", "Day (YYYY-MM-DD)", required=True),
        col("starts_at", "Heure de début (HH:MM)", "Start time (HH:MM)"),
        col("ends_at", "Heure de fin (HH:MM)", "End time (HH:MM)"),
        col("organiser_id", "Organisateur (id)", "Organiser (id)"),
        col("terms", "Thèmes (codes taxonomie)", "Topics (taxonomy codes)", multi=True),
        col(
            "divisions",
            "Divisions (huy, liege, verviers ; vide : tout l'arrondissement)",
            "Divisions (empty: the whole arrondissement)",
            multi=True,
        ),
        col("audience_sectors", "Secteurs visés (codes de secteur)", "Sectors aimed at (sector codes)", multi=True),
        col(
            "audience_types",
            "Types d'organisation visés (codes de organisation_types)",
            "Organisation types aimed at (organisation_types codes)",
            multi=True,
        ),
        col(
            "location_id",
            "Lieu (id ; sa visibilité décide qui lit l'adresse)",
            "Place (location id; its visibility decides who reads the address)",
        ),
        col("capacity", "Nombre de places", "Places"),
        col("registration_deadline", "Inscriptions jusqu'au (AAAA-MM-JJ)", "Registrations until (YYYY-MM-DD)"),
        col("status", "planned, full, held ou cancelled", "planned, full, held or cancelled"),
        col("members_only", "Réservé aux membres (oui/non)", "Members only (yes/no)"),
        col("description", "Programme (jamais de données sur des personnes)", "Programme (never about people)"),
        col("project_id", "Projet dont c'est une séance (id)", "Project it is a session of (id)"),
        *PROVENANCE,
    ),
    "attendances": (
        col("organisation_id", "Organisation (id)", "Organisation (id)", required=True),
        col("training_id", "Formation ou événement (id)", "Training or event (id)", required=True),
        col("participants", "Nombre de participant·es (un nombre, jamais des noms)", "Head count (never names)"),
        *PROVENANCE,
    ),
    "registrations": (
        col("organisation_id", "Organisation inscrite (id)", "Registered organisation (id)", required=True),
        col("event_id", "Événement (id)", "Event (id)", required=True),
        col(
            "participants",
            "Nombre de participant·es (un nombre, jamais des noms)",
            "Head count (never names)",
            required=True,
        ),
        col("waiting", "Dont sur liste d'attente", "Of whom on the waiting list"),
        *PROVENANCE,
    ),
    "news": (
        col("id", "Identifiant de l'actualité", "News post id", required=True),
        col("title", "Titre (français)", "Title (French)", required=True),
        col(
            "body",
            "Texte (français ; jamais de données sur des personnes)",
            "Text (French; never about people)",
            required=True,
        ),
        col("title_nl", "Titre en néerlandais", "Title in Dutch"),
        col("body_nl", "Texte en néerlandais", "Text in Dutch"),
        col("title_de", "Titre en allemand", "Title in German"),
        col("body_de", "Texte en allemand", "Text in German"),
        col("title_en", "Titre en anglais", "Title in English"),
        col("body_en", "Texte en anglais", "Text in English"),
        col("published_on", "Date de publication (AAAA-MM-JJ)", "Published on (YYYY-MM-DD)", required=True),
        col("terms", "Thèmes (codes taxonomie)", "Topics (taxonomy codes)", multi=True),
        col(
            "divisions",
            "Divisions (vide : tout l'arrondissement)",
            "Divisions (empty: the whole arrondissement)",
            multi=True,
        ),
        col("members_only", "Réservé aux membres (oui/non)", "Members only (yes/no)"),
        col("link", "Lien (https://…)", "Link (https://…)"),
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
