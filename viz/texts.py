"""Small text tables of the viz renderers in fr/nl/de/en (viz does not import the api's catalogue).

`say(table, key, lang)` picks a language, French when a text is missing.
"""

from __future__ import annotations

from graph.reference import Reference

Table = dict[str, dict[str, str]]

GAP_KINDS: Table = {
    "coverage-gap": {"fr": "Aucun service", "nl": "Geen dienst", "de": "Kein Dienst", "en": "No service"},
    "fragile": {
        "fr": "Un seul prestataire (fragile)",
        "nl": "Eén enkele aanbieder (kwetsbaar)",
        "de": "Nur ein Anbieter (fragil)",
        "en": "A single provider (fragile)",
    },
    "isolated": {
        "fr": "Organisation isolée",
        "nl": "Geïsoleerde organisatie",
        "de": "Isolierte Organisation",
        "en": "Isolated organisation",
    },
    "single-point-of-failure": {
        "fr": "Point unique de rupture",
        "nl": "Enig breekpunt",
        "de": "Einziger Bruchpunkt",
        "en": "Single point of failure",
    },
    "missing-link": {
        "fr": "Lien attendu manquant",
        "nl": "Verwachte band ontbreekt",
        "de": "Erwartete Verbindung fehlt",
        "en": "Expected link missing",
    },
    "outside-platform": {
        "fr": "Hors de la plateforme",
        "nl": "Buiten het platform",
        "de": "Außerhalb der Plattform",
        "en": "Outside the platform",
    },
    "training-gap": {
        "fr": "Aucune formation suivie",
        "nl": "Geen opleiding gevolgd",
        "de": "Keine Fortbildung besucht",
        "en": "No training attended",
    },
    "stale": {
        "fr": "Fiche non vérifiée depuis plus d'un an",
        "nl": "Fiche al meer dan een jaar niet gecontroleerd",
        "de": "Eintrag seit über einem Jahr nicht geprüft",
        "en": "Record not verified for over a year",
    },
}

GAP_DETAILS: Table = {
    "coverage-gap": {
        "fr": "«{label}» : aucun service actif.",
        "nl": "«{label}»: geen actieve dienst.",
        "de": "«{label}»: kein aktiver Dienst.",
        "en": "«{label}»: no active service.",
    },
    "fragile": {
        "fr": "«{label}» : seulement {provider}.",
        "nl": "«{label}»: alleen {provider}.",
        "de": "«{label}»: nur {provider}.",
        "en": "«{label}»: only {provider}.",
    },
    "single-point-of-failure": {
        "fr": "si {org} s'arrête, ces partenaires perdent leur seul lien : {cut}.",
        "nl": "als {org} stopt, verliezen deze partners hun enige band: {cut}.",
        "de": "wenn {org} aufhört, verlieren diese Partner ihre einzige Verbindung: {cut}.",
        "en": "if {org} stops, these partners lose their only link: {cut}.",
    },
    "missing-link": {
        "fr": "{label} — {why}.",
        "nl": "{label}: geen samenwerking in deze afdeling.",
        "de": "{label}: keine Zusammenarbeit in dieser Abteilung.",
        "en": "{label}: no cooperation in this division.",
    },
    "training-gap": {
        "fr": "aucune organisation de la division n'a suivi de formation sur «{label}».",
        "nl": "geen organisatie van de afdeling volgde een opleiding over «{label}».",
        "de": "keine Organisation der Abteilung hat eine Fortbildung zu «{label}» besucht.",
        "en": "no organisation of the division attended a training on «{label}».",
    },
    "stale": {
        "fr": "{org} (vérifiée le {on}).",
        "nl": "{org} (gecontroleerd op {on}).",
        "de": "{org} (geprüft am {on}).",
        "en": "{org} (verified on {on}).",
    },
}

ORGANISATION_TYPES_NL_DE: dict[str, tuple[str, str]] = {
    # code: (nl, de); French and English come with the reference data (organisation_types.csv)
    "helpline": ("Hulplijn", "Beratungstelefon"),
    "specialised-ambulatory": ("Gespecialiseerde ambulante dienst (slachtoffers)", "Spezialisierter ambulanter Dienst"),
    "shelter": ("Opvanghuis / vluchthuis", "Frauenhaus / Zufluchtsort"),
    "perpetrator-service": ("Dienst voor plegers", "Dienst für Täter·innen"),
    "resource-centre": ("Gespecialiseerd expertisecentrum", "Spezialisiertes Ressourcenzentrum"),
    "case-conference": ("Casusoverleg hoog risico", "Fallkonferenz Hochrisiko"),
    "coordination": ("Provinciale coördinatie", "Provinzkoordination"),
    "sexual-violence-centre": ("Zorgcentrum na seksueel geweld", "Zentrum für Opfer sexueller Gewalt"),
    "hospital": ("Ziekenhuis", "Krankenhaus"),
    "general-practice": ("Huisartsenpraktijk", "Allgemeinmedizin"),
    "mental-health-service": ("Dienst geestelijke gezondheidszorg", "Dienst für psychische Gesundheit"),
    "family-planning": ("Centrum voor gezinsplanning", "Familienplanungszentrum"),
    "police-zone": ("Politiezone", "Polizeizone"),
    "police-victim-assistance": ("Politionele slachtofferbejegening", "Polizeiliche Opferhilfe"),
    "prosecutor": ("Parket", "Staatsanwaltschaft"),
    "court": ("Rechtbank", "Gericht"),
    "justice-house": ("Justitiehuis (slachtofferonthaal)", "Justizhaus (Opferempfang)"),
    "victim-support-service": ("Dienst slachtofferhulp", "Opferhilfedienst"),
    "public-social-welfare": ("OCMW", "ÖSHZ"),
    "legal-aid-office": ("Bureau voor juridische bijstand", "Büro für juristischen Beistand"),
    "child-protection": ("Kinderbescherming", "Kinderschutz"),
    "fgm-forced-marriage-service": ("Dienst VGV / gedwongen huwelijk", "Dienst FGM / Zwangsheirat"),
    "elder-abuse-service": ("Dienst ouderenmis(be)handeling", "Dienst gegen Gewalt an älteren Menschen"),
    "mediation-service": ("Bemiddelingsdienst", "Mediationsdienst"),
    "municipality": ("Gemeente", "Gemeinde"),
}


def say(table: Table, key: str, lang: str) -> str:
    texts = table[key]
    return texts.get(lang, texts["fr"])


def organisation_type(ref: Reference, code: str, lang: str) -> str:
    """An organisation type's name in the language: «Maison d'accueil / refuge», «Opvanghuis / vluchthuis» …"""
    known = ref.organisation_types.get(code)
    if known is None:
        return code
    if lang in ("nl", "de") and code in ORGANISATION_TYPES_NL_DE:
        return ORGANISATION_TYPES_NL_DE[code][0 if lang == "nl" else 1]
    return known.label_en if lang in ("en", "nl", "de") else known.label_fr


def division(ref: Reference, id_: object, lang: str) -> str:
    found = ref.geography.divisions.get(str(id_))
    return found.label(lang) if found else str(id_ or "—")
