"""Interface texts of the pages: French first, then Dutch, German and English."""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "title": {
        "fr": "Relais — vers qui orienter ?",
        "nl": "Relais — naar wie doorverwijzen?",
        "de": "Relais — wohin weitervermitteln?",
        "en": "Relais — who to refer to?",
    },
    "tagline": {
        "fr": "Annuaire des Plateformes Violences de l'arrondissement judiciaire de Liège",
        "nl": "Gids van de Platforms Geweld van het gerechtelijk arrondissement Luik",
        "de": "Verzeichnis der Plattformen Gewalt des Gerichtsbezirks Lüttich",
        "en": "Directory of the partner-violence platforms of the judicial arrondissement of Liège",
    },
    "quick_exit": {"fr": "Quitter vite", "nl": "Snel weg", "de": "Schnell verlassen", "en": "Quick exit"},
    "quick_exit_hint": {"fr": "ou touche Échap", "nl": "of Esc-toets", "de": "oder Esc-Taste", "en": "or Esc key"},
    "situation": {"fr": "Situation", "nl": "Situatie", "de": "Situation", "en": "Situation"},
    "situation_search": {
        "fr": "Chercher une situation (toutes langues)",
        "nl": "Situatie zoeken (alle talen)",
        "de": "Situation suchen (alle Sprachen)",
        "en": "Search a situation (any language)",
    },
    "need": {"fr": "Besoin (facultatif)", "nl": "Nood (optioneel)", "de": "Bedarf (optional)", "en": "Need (optional)"},
    "place": {
        "fr": "Commune ou code postal",
        "nl": "Gemeente of postcode",
        "de": "Gemeinde oder Postleitzahl",
        "en": "Commune or postcode",
    },
    "language": {
        "fr": "Langue parlée par la personne",
        "nl": "Taal van de persoon",
        "de": "Sprache der Person",
        "en": "Language the person speaks",
    },
    "audience": {"fr": "Public", "nl": "Doelgroep", "de": "Zielgruppe", "en": "Audience"},
    "any": {"fr": "— indifférent —", "nl": "— om het even —", "de": "— egal —", "en": "— any —"},
    "urgent": {
        "fr": "Urgent (danger maintenant)",
        "nl": "Dringend (nu gevaar)",
        "de": "Dringend (jetzt Gefahr)",
        "en": "Urgent (danger now)",
    },
    "my_org": {
        "fr": "Mon organisation (facultatif)",
        "nl": "Mijn organisatie (optioneel)",
        "de": "Meine Organisation (optional)",
        "en": "My organisation (optional)",
    },
    "search": {"fr": "Trouver", "nl": "Zoeken", "de": "Suchen", "en": "Find"},
    "print": {
        "fr": "Imprimer la fiche d'orientation",
        "nl": "Doorverwijsfiche afdrukken",
        "de": "Vermittlungsblatt drucken",
        "en": "Print the referral sheet",
    },
    "emergency": {
        "fr": "Danger immédiat : appelez le 112 ou la police au 101.",
        "nl": "Acuut gevaar: bel 112 of de politie op 101.",
        "de": "Akute Gefahr: Notruf 112 oder Polizei 101.",
        "en": "Immediate danger: call 112, or the police on 101.",
    },
    "results": {"fr": "Résultats", "nl": "Resultaten", "de": "Ergebnisse", "en": "Results"},
    "why": {"fr": "Pourquoi", "nl": "Waarom", "de": "Warum", "en": "Why"},
    "contacts": {"fr": "Contacts", "nl": "Contact", "de": "Kontakt", "en": "Contacts"},
    "places": {"fr": "places libres", "nl": "vrije plaatsen", "de": "freie Plätze", "en": "places free"},
    "path": {
        "fr": "Via vos partenaires",
        "nl": "Via uw partners",
        "de": "Über Ihre Partner",
        "en": "Through your partners",
    },
    "verified": {"fr": "Vérifié le", "nl": "Gecontroleerd op", "de": "Geprüft am", "en": "Verified on"},
    "never_verified": {
        "fr": "Jamais vérifié",
        "nl": "Nooit gecontroleerd",
        "de": "Nie geprüft",
        "en": "Never verified",
    },
    "alternative": {"fr": "Alternative", "nl": "Alternatief", "de": "Alternative", "en": "Alternative"},
    "always": {
        "fr": "Toujours joignables",
        "nl": "Altijd bereikbaar",
        "de": "Immer erreichbar",
        "en": "Always reachable",
    },
    "pathway": {"fr": "Parcours de prise en charge", "nl": "Zorgpad", "de": "Versorgungspfad", "en": "Care pathway"},
    "sign_in": {"fr": "Se connecter", "nl": "Aanmelden", "de": "Anmelden", "en": "Sign in"},
    "sign_out": {"fr": "Se déconnecter", "nl": "Afmelden", "de": "Abmelden", "en": "Sign out"},
    "api_key": {
        "fr": "Clé d'accès (API)",
        "nl": "Toegangssleutel (API)",
        "de": "Zugangsschlüssel (API)",
        "en": "Access key (API)",
    },
    "signed_in_as": {"fr": "Connecté·e", "nl": "Aangemeld", "de": "Angemeldet", "en": "Signed in"},
    "public_view": {
        "fr": "Vue publique : seules les informations publiques sont affichées.",
        "nl": "Publieke weergave: alleen openbare gegevens.",
        "de": "Öffentliche Ansicht: nur öffentliche Angaben.",
        "en": "Public view: only public information is shown.",
    },
    "coordination": {"fr": "Coordination", "nl": "Coördinatie", "de": "Koordination", "en": "Coordination"},
    "no_person": {
        "fr": "Cette fiche ne contient aucune donnée sur la personne orientée.",
        "nl": "Deze fiche bevat geen gegevens over de persoon.",
        "de": "Dieses Blatt enthält keine Angaben zur Person.",
        "en": "This sheet holds no data about the person referred.",
    },
    "printed_on": {
        "fr": "Fiche Relais du",
        "nl": "Relais-fiche van",
        "de": "Relais-Blatt vom",
        "en": "Relais sheet of",
    },
}

LANG_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
SPOKEN = {
    "fr": "français",
    "nl": "néerlandais",
    "de": "allemand",
    "en": "anglais",
    "ar": "arabe",
    "tr": "turc",
    "es": "espagnol",
    "it": "italien",
    "pt": "portugais",
    "ru": "russe",
    "ro": "roumain",
    "pl": "polonais",
}


def t(key: str, lang: str) -> str:
    return UI[key].get(lang, UI[key]["fr"])
