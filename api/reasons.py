"""The engine's reason and notice codes as sentences, in French, Dutch, German and English.

The domain gives codes and raw values (taxonomy codes, division ids, language codes, dates,
numbers); here they become words in the caller's language: term and division labels, language
names («parle allemand», «spreekt Arabisch»), readable dates («3 novembre 2026»).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from api.i18n import language_name
from graph.reference import Reference

TEXT: dict[str, dict[str, str]] = {
    "term_exact": {
        "fr": "répond exactement à «{term}»",
        "nl": "beantwoordt precies «{term}»",
        "de": "entspricht genau «{term}»",
        "en": "matches «{term}» exactly",
    },
    "term_narrower": {
        "fr": "répond à «{term}» (cas particulier)",
        "nl": "beantwoordt «{term}» (specifiek geval)",
        "de": "entspricht «{term}» (Sonderfall)",
        "en": "matches «{term}» (a narrower case)",
    },
    "term_broader": {
        "fr": "répond à «{term}» (terme plus large)",
        "nl": "beantwoordt «{term}» (ruimer begrip)",
        "de": "entspricht «{term}» (Oberbegriff)",
        "en": "matches «{term}» via its parent term",
    },
    "also_situation": {
        "fr": "connaît aussi «{term}»",
        "nl": "kent ook «{term}»",
        "de": "kennt auch «{term}»",
        "en": "also addresses «{term}»",
    },
    "in_division": {
        "fr": "situé dans la division de {division}",
        "nl": "gevestigd in de afdeling {division}",
        "de": "in der Abteilung {division} ansässig",
        "en": "located in the {division} division",
    },
    "serves_division": {
        "fr": "dessert la division de {division}",
        "nl": "bedient de afdeling {division}",
        "de": "ist für die Abteilung {division} zuständig",
        "en": "serves the {division} division",
    },
    "province": {
        "fr": "couvre tout l'arrondissement / la province",
        "nl": "werkt provinciebreed",
        "de": "provinzweit tätig",
        "en": "province-wide",
    },
    "region": {
        "fr": "couvre toute la Wallonie / la Fédération",
        "nl": "werkt gewestbreed",
        "de": "regionsweit tätig",
        "en": "region-wide",
    },
    "national": {
        "fr": "service national",
        "nl": "nationale dienst",
        "de": "landesweiter Dienst",
        "en": "national service",
    },
    "elsewhere": {
        "fr": "hors de votre division ({where})",
        "nl": "buiten uw afdeling ({where})",
        "de": "außerhalb Ihrer Abteilung ({where})",
        "en": "outside your division ({where})",
    },
    "specialised": {
        "fr": "service spécialisé en «{term}»",
        "nl": "gespecialiseerde dienst voor «{term}»",
        "de": "auf «{term}» spezialisierter Dienst",
        "en": "specialised in «{term}»",
    },
    "emergency_service": {
        "fr": "service d'urgence (police, hôpital) : en premier dans ce cas",
        "nl": "nooddienst (politie, ziekenhuis): in dit geval eerst",
        "de": "Notdienst (Polizei, Krankenhaus): in diesem Fall zuerst",
        "en": "emergency service (police, hospital): first in this case",
    },
    "for_audience": {
        "fr": "s'adresse à ce public ({audience})",
        "nl": "richt zich tot deze doelgroep ({audience})",
        "de": "richtet sich an diese Zielgruppe ({audience})",
        "en": "meant for this audience ({audience})",
    },
    "speaks": {
        "fr": "parle {language}",
        "nl": "spreekt {language}",
        "de": "spricht {language}",
        "en": "speaks {language}",
    },
    "not_speaks": {
        "fr": "n'indique pas parler {language}",
        "nl": "vermeldt {language} niet",
        "de": "{language} nicht angegeben",
        "en": "does not list {language}",
    },
    "open_24_7": {
        "fr": "joignable 24h/24, 7j/7",
        "nl": "24/7 bereikbaar",
        "de": "rund um die Uhr erreichbar",
        "en": "open 24/7",
    },
    "places": {
        "fr": "{available} place(s) libre(s) sur {total} (au {on})",
        "nl": "{available} vrije plaats(en) op {total} (op {on})",
        "de": "{available} freie(r) Platz/Plätze von {total} (am {on})",
        "en": "{available} of {total} places available (on {on})",
    },
    "full": {"fr": "complet au {on}", "nl": "volzet op {on}", "de": "voll belegt am {on}", "en": "full on {on}"},
    "capacity_unconfirmed": {
        "fr": "places à confirmer : {available} sur {total} au {on}, chiffre trop ancien pour compter",
        "nl": "plaatsen te bevestigen: {available} op {total} op {on}, te oud om mee te tellen",
        "de": "Plätze zu bestätigen: {available} von {total}, Stand {on}, zu alt, um zu zählen",
        "en": "places to be confirmed: {available} of {total} as of {on}, too old to count",
    },
    "partner": {
        "fr": "coopère déjà avec vous",
        "nl": "werkt al met u samen",
        "de": "arbeitet bereits mit Ihnen",
        "en": "already cooperates with you",
    },
    "path": {
        "fr": "joignable via vos partenaires ({hops} étapes)",
        "nl": "bereikbaar via uw partners ({hops} stappen)",
        "de": "über Ihre Partner erreichbar ({hops} Schritte)",
        "en": "reachable through your partners ({hops} hops)",
    },
    "verified": {
        "fr": "vérifié le {on}",
        "nl": "gecontroleerd op {on}",
        "de": "geprüft am {on}",
        "en": "last verified on {on}",
    },
    "stale": {
        "fr": "information ancienne : vérifiée le {on}",
        "nl": "verouderd: gecontroleerd op {on}",
        "de": "veraltet: geprüft am {on}",
        "en": "old information: last verified on {on}",
    },
    "never_verified": {
        "fr": "jamais vérifié auprès de l'organisation",
        "nl": "nooit gecontroleerd",
        "de": "nie überprüft",
        "en": "never verified with the organisation",
    },
    "none_here": {
        "fr": "Aucun service pour «{term}» dans la division de {division} : voici les alternatives les plus proches.",
        "nl": "Geen dienst voor «{term}» in de afdeling {division}: dit zijn de dichtstbijzijnde alternatieven.",
        "de": "Kein Dienst für «{term}» in der Abteilung {division}: hier die nächsten Alternativen.",
        "en": "No service for «{term}» in the {division} division: here are the nearest alternatives.",
    },
    "none_at_all": {
        "fr": "Aucun service du répertoire ne répond à «{term}» : appelez une ligne d'écoute.",
        "nl": "Geen enkele dienst beantwoordt «{term}»: bel een hulplijn.",
        "de": "Kein Dienst entspricht «{term}»: rufen Sie eine Hilfelinie an.",
        "en": "No service in the directory matches «{term}»: call a helpline.",
    },
    "language_not_here": {
        "fr": "Aucun service de la division de {division} qui répond à cette demande n'indique parler {language} : "
        "faites appel à un·e interprète.",
        "nl": "Geen enkele dienst in de afdeling {division} die op deze vraag antwoordt, vermeldt {language}: "
        "doe een beroep op een tolk.",
        "de": "Kein Dienst der Abteilung {division}, der diese Anfrage beantwortet, gibt {language} an: "
        "ziehen Sie eine Dolmetscherin oder einen Dolmetscher hinzu.",
        "en": "No service of the {division} division that answers this request lists {language}: "
        "call on an interpreter.",
    },
    "language_not_spoken": {
        "fr": "Aucun service qui répond à cette demande n'indique parler {language} : faites appel à un·e interprète.",
        "nl": "Geen enkele dienst die op deze vraag antwoordt, vermeldt {language}: doe een beroep op een tolk.",
        "de": "Kein Dienst, der diese Anfrage beantwortet, gibt {language} an: ziehen Sie eine Dolmetscherin oder "
        "einen Dolmetscher hinzu.",
        "en": "No service that answers this request lists {language}: call on an interpreter.",
    },
    "language_helpline": {
        "fr": "Ligne d'écoute en {language} : {number}.",
        "nl": "Hulplijn in het {language}: {number}.",
        "de": "Hilfelinie auf {language}: {number}.",
        "en": "Helpline in {language}: {number}.",
    },
    "mediation_warning": {
        "fr": "Attention : la médiation est contre-indiquée en cas de violence entre partenaires (Convention "
        "d'Istanbul, art. 48 : pas de médiation obligatoire). Proposée uniquement parce qu'elle est demandée.",
        "nl": "Let op: bemiddeling is tegenaangewezen bij partnergeweld (Verdrag van Istanbul, art. 48).",
        "de": "Achtung: Mediation ist bei Partnerschaftsgewalt kontraindiziert (Istanbul-Konvention, Art. 48).",
        "en": "Warning: mediation is contra-indicated in partner violence (Istanbul Convention art. 48 bans "
        "mandatory mediation). Shown only because it was asked for explicitly.",
    },
}
"""One sentence per code of graph/data/scoring.csv and per notice, in each language of the interface."""

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}


def readable_date(day: date, lang: str) -> str:
    """A date as people write it.

    >>> [readable_date(date(2026, 11, 3), lang) for lang in ("fr", "nl", "de", "en")]
    ['3 novembre 2026', '3 november 2026', '3. November 2026', '3 November 2026']
    >>> readable_date(date(2026, 5, 1), "fr")
    '1er mai 2026'
    """
    month = MONTHS.get(lang, MONTHS["fr"]).split()[day.month - 1]
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    if lang == "fr" and day.day == 1:
        return f"1er {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def day_month(day: date, lang: str, today: date | None = None) -> str:
    """A recent date as people say it, the year only when it is not this year's.

    >>> [day_month(date(2026, 11, 3), lang, date(2026, 11, 27)) for lang in ("fr", "nl", "de", "en")]
    ['3 novembre', '3 november', '3. November', '3 November']
    >>> day_month(date(2025, 12, 30), "fr", date(2026, 1, 2))
    '30 décembre 2025'
    """
    full = readable_date(day, lang)
    return full.removesuffix(f" {day.year}") if day.year == (today or date.today()).year else full


class Words:
    """Renders codes and raw values in one language, with the reference data's labels."""

    def __init__(self, reference: Reference, lang: str) -> None:
        self.ref = reference
        self.lang = lang

    def term(self, code: object) -> str:
        term = self.ref.taxonomy.terms.get(str(code))
        return term.label(self.lang) if term else str(code)

    def division(self, id_: object) -> str:
        division = self.ref.geography.divisions.get(str(id_))
        return division.label(self.lang) if division else str(id_)

    def value(self, key: str, value: object) -> str:
        """One value in words: labels for codes, names for languages, readable dates."""
        if key in ("term", "audience"):
            return self.term(value)
        if key == "division":
            return self.division(value)
        if key == "where":
            places = value if isinstance(value, tuple | list) else (value,)
            return ", ".join(self.division(d) for d in places) or "?"
        if key == "language":
            return language_name(str(value), self.lang)
        if isinstance(value, date):
            return readable_date(value, self.lang)
        return str(value)

    def say(self, code: str, values: Mapping[str, object]) -> str:
        """The sentence of a reason or notice code with its values.

        >>> from graph.reference import load_reference
        >>> words = Words(load_reference(), "de")
        >>> words.say("speaks", {"language": "tr"}), words.say("verified", {"on": date(2026, 11, 3)})
        ('spricht Türkisch', 'geprüft am 3. November 2026')
        """
        template = TEXT[code]
        text = template.get(self.lang, template["fr"])
        return text.format(**{key: self.value(key, value) for key, value in values.items()})
