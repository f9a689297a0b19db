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
    "bridged-by-project": {
        "fr": "Secteurs reliés par un projet seulement",
        "nl": "Sectoren alleen verbonden door een project",
        "de": "Sektoren nur durch ein Projekt verbunden",
        "en": "Sectors linked by a project only",
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
    "bridged-by-project": {
        "fr": "{sectors} : aucun autre lien que le projet commun {projects}.",
        "nl": "{sectors}: geen andere band dan het gezamenlijke project {projects}.",
        "de": "{sectors}: keine andere Verbindung als das gemeinsame Projekt {projects}.",
        "en": "{sectors}: no other link than the joint project {projects}.",
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


ORGANISATION_TYPES_PLURAL: dict[str, tuple[str, str, str, str]] = {
    # code: (fr, nl, de, en) — the plural a sentence needs («par les hôpitaux de la division de Verviers»);
    # German in the nominative (its sentences start with it), the others without article
    "helpline": ("lignes d'écoute", "hulplijnen", "Beratungstelefone", "helplines"),
    "specialised-ambulatory": (
        "services ambulatoires spécialisés",
        "gespecialiseerde ambulante diensten",
        "Spezialisierte ambulante Dienste",
        "specialised ambulatory services",
    ),
    "shelter": ("maisons d'accueil et refuges", "opvanghuizen en vluchthuizen", "Frauenhäuser", "shelters"),
    "perpetrator-service": (
        "services pour auteur·es",
        "diensten voor plegers",
        "Dienste für Täter·innen",
        "perpetrator services",
    ),
    "resource-centre": (
        "pôles de ressources spécialisées",
        "gespecialiseerde expertisecentra",
        "Spezialisierte Ressourcenzentren",
        "specialised resource centres",
    ),
    "case-conference": (
        "concertations de cas haut risque",
        "casusoverleggen hoog risico",
        "Fallkonferenzen Hochrisiko",
        "high-risk case conferences",
    ),
    "coordination": (
        "coordinations provinciales",
        "provinciale coördinaties",
        "Provinzkoordinationen",
        "provincial coordinations",
    ),
    "sexual-violence-centre": (
        "centres de prise en charge des violences sexuelles",
        "zorgcentra na seksueel geweld",
        "Zentren für Opfer sexueller Gewalt",
        "sexual assault care centres",
    ),
    "hospital": ("hôpitaux", "ziekenhuizen", "Krankenhäuser", "hospitals"),
    "general-practice": (
        "cabinets de médecine générale",
        "huisartsenpraktijken",
        "Hausarztpraxen",
        "general practices",
    ),
    "mental-health-service": (
        "services de santé mentale",
        "diensten geestelijke gezondheidszorg",
        "Dienste für psychische Gesundheit",
        "mental health services",
    ),
    "family-planning": (
        "centres de planning familial",
        "centra voor gezinsplanning",
        "Familienplanungszentren",
        "family planning centres",
    ),
    "police-zone": ("zones de police", "politiezones", "Polizeizonen", "police zones"),
    "police-victim-assistance": (
        "services d'assistance policière aux victimes",
        "diensten politionele slachtofferbejegening",
        "Polizeiliche Opferhilfen",
        "police victim assistance services",
    ),
    "prosecutor": ("parquets", "parketten", "Staatsanwaltschaften", "public prosecutor's offices"),
    "court": ("tribunaux", "rechtbanken", "Gerichte", "courts"),
    "justice-house": ("maisons de justice", "justitiehuizen", "Justizhäuser", "justice houses"),
    "victim-support-service": (
        "services d'aide aux victimes",
        "diensten slachtofferhulp",
        "Opferhilfedienste",
        "victim support services",
    ),
    "public-social-welfare": ("CPAS", "OCMW's", "ÖSHZ", "public social welfare centres"),
    "legal-aid-office": (
        "bureaux d'aide juridique",
        "bureaus voor juridische bijstand",
        "Büros für juristischen Beistand",
        "legal aid offices",
    ),
    "child-protection": (
        "services de protection de l'enfance",
        "diensten kinderbescherming",
        "Kinderschutzdienste",
        "child protection services",
    ),
    "fgm-forced-marriage-service": (
        "services MGF / mariage forcé",
        "diensten VGV / gedwongen huwelijk",
        "Dienste FGM / Zwangsheirat",
        "FGM and forced-marriage services",
    ),
    "elder-abuse-service": (
        "services maltraitance des aîné·es",
        "diensten ouderenmis(be)handeling",
        "Dienste gegen Gewalt an älteren Menschen",
        "elder abuse services",
    ),
    "mediation-service": ("services de médiation", "bemiddelingsdiensten", "Mediationsdienste", "mediation services"),
    "municipality": ("communes", "gemeenten", "Gemeinden", "municipalities"),
}

SECTOR_NAMES: Table = {
    sector: {"fr": fr, "nl": nl, "de": de, "en": en}
    for sector, fr, nl, de, en in (
        ("associative", "Associatif", "Verenigingen", "Vereine", "Associations"),
        ("coordination", "Coordination", "Coördinatie", "Koordination", "Coordination"),
        ("medical", "Médical", "Medisch", "Medizin", "Medical"),
        ("police", "Police", "Politie", "Polizei", "Police"),
        ("justice", "Justice", "Justitie", "Justiz", "Justice"),
        ("social", "Social / CPAS", "Sociaal / OCMW", "Soziales / ÖSHZ", "Social / welfare centre"),
        ("mediation", "Médiation", "Bemiddeling", "Mediation", "Mediation"),
        ("public", "Communes", "Gemeenten", "Gemeinden", "Municipalities"),
    )
}
"""The sectors in words (the map's legend and filter, the analysis' sentences, the activity report)."""


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


def organisation_types(ref: Reference, code: str, lang: str) -> str:
    """An organisation type in the plural, for a sentence: «hôpitaux», «ziekenhuizen», «Krankenhäuser»
    (nominative), «hospitals»; the singular name for a type the table does not know."""
    plural = ORGANISATION_TYPES_PLURAL.get(code)
    return (
        plural[("fr", "nl", "de", "en").index(lang)]
        if plural and lang in ("fr", "nl", "de", "en")
        else (organisation_type(ref, code, lang))
    )


def sector(code: str, lang: str) -> str:
    """A sector in words; an unknown one as it comes."""
    return say(SECTOR_NAMES, code, lang) if code in SECTOR_NAMES else code
