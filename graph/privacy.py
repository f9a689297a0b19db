"""Free text describes an organisation, never a person who is helped: the check every text field runs.

A record has no field for a person (tests/unit/test_no_person_data.py), but a description, a cost or
opening hours are free text, and a hurried note («Mme Dupont, née le 12/03/1980, victime, tél 0470 12 34
56») would otherwise be kept, shown and logged forever. `looks_personal` spots the five shapes such a note
takes and names the one it found; `graph.models` wires it into its free-text types, so the API (422 naming
the field), the loader (a located problem) and the dashboard's forms all refuse the text with the same
sentence. False positives cost more than misses (an organisation that cannot save its own description
finds a way around the directory), so every rule wants a strong sign, and docs/security.md lists what
slips through.

Reason codes, checked in this order:

- ``birth-date``: a birth marker (``né·e le``, ``geboren op``, ``geb.``, ``born on``, ``date de
  naissance``, ``°`` …) followed by a date;
- ``national-register``: eleven digits shaped like a Belgian national register number (YY.MM.DD-SSS.CC);
- ``phone``: a Belgian or international phone number — except the numbers no person has (0800, 070, 078,
  090x): the organisation's own numbers go in its contact fields;
- ``title-name``: a title followed by a name (``Mme Dupont``, ``Mevr. Janssens``, ``Herr Müller``,
  ``Mr Smith``); ``Dr``, ``Prof.`` and ``Me`` are not titles here (professionals, and organisations are
  named after them);
- ``victim-name``: ``victime``, ``slachtoffer``, ``Opfer``, ``dader``, ``Täter`` … followed by a name.

Names only get the three first checks and the last one (a practice is often named after its
practitioner: «Cabinet de Mme Martin»), addresses the three first.

Examples
--------
>>> looks_personal("Accueil des femmes victimes de violences et de leurs enfants") is None
True
>>> looks_personal("Mme Dupont, née le 12/03/1980, victime, tél 0470 12 34 56")
'birth-date'
>>> looks_personal("Ligne gratuite 0800 30 030, 24h/24") is None
True
>>> explain("birth-date", "fr")
"Ce champ décrit l'organisation : pas de données sur une personne aidée (date de naissance)."
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

BIRTH_DATE = "birth-date"
NATIONAL_REGISTER = "national-register"
PHONE = "phone"
TITLE_NAME = "title-name"
VICTIM_NAME = "victim-name"

TEXT_CHECKS: tuple[str, ...] = (BIRTH_DATE, NATIONAL_REGISTER, PHONE, TITLE_NAME, VICTIM_NAME)
"""Descriptions, eligibility, cost, hours, sources: every rule."""
NAME_CHECKS: tuple[str, ...] = (BIRTH_DATE, NATIONAL_REGISTER, PHONE, VICTIM_NAME)
"""Names and labels: no title rule (practices are named after their practitioner)."""
ADDRESS_CHECKS: tuple[str, ...] = (BIRTH_DATE, NATIONAL_REGISTER, PHONE)
REPORT_CHECKS: tuple[str, ...] = (BIRTH_DATE, NATIONAL_REGISTER, TITLE_NAME, VICTIM_NAME)
"""An error report: the right phone number of the organisation is what a reporter most often gives."""
"""Addresses: street names are people's names («Rue du Docteur Lambert», «Avenue Reine Astrid»)."""

STORED = "stored"
STORED_CONTEXT = {STORED: True}
"""Validation context of records read back from a store: text saved before a rule existed still loads
(it is refused the next time someone saves it)."""
"""Validation context key: a store reading back what it already holds may pass `{"stored": True}` so a
text saved before a rule existed does not stop the store from opening (it is still refused on the next
write)."""

INTRO = {
    "fr": "Ce champ décrit l'organisation : pas de données sur une personne aidée",
    "nl": "Dit veld beschrijft de organisatie: geen gegevens over een geholpen persoon",
    "de": "Dieses Feld beschreibt die Organisation: keine Daten über eine betreute Person",
    "en": "This field describes the organisation: no data about a person helped",
}
REASONS: dict[str, dict[str, str]] = {
    BIRTH_DATE: {"fr": "date de naissance", "nl": "geboortedatum", "de": "Geburtsdatum", "en": "date of birth"},
    NATIONAL_REGISTER: {
        "fr": "numéro de registre national",
        "nl": "rijksregisternummer",
        "de": "Nationalregisternummer",
        "en": "national register number",
    },
    PHONE: {
        "fr": "numéro de téléphone : ceux de l'organisation vont dans les contacts",
        "nl": "telefoonnummer: die van de organisatie horen bij de contactgegevens",
        "de": "Telefonnummer: die der Organisation gehören zu den Kontakten",
        "en": "phone number: the organisation's numbers go in the contacts",
    },
    TITLE_NAME: {
        "fr": "civilité suivie d'un nom",
        "nl": "aanspreking gevolgd door een naam",
        "de": "Anrede mit Namen",
        "en": "title followed by a name",
    },
    VICTIM_NAME: {
        "fr": "victime ou auteur désigné par son nom",
        "nl": "slachtoffer of dader met naam",
        "de": "Opfer oder Täter mit Namen",
        "en": "victim or perpetrator named",
    },
}


def explain(reason: str, lang: str = "fr") -> str:
    """The sentence a person reads for a reason code, in fr/nl/de/en (French for any other language)."""
    lang = lang if lang in INTRO else "fr"
    return f"{INTRO[lang]} ({REASONS[reason][lang]})."


# --- the shapes -----------------------------------------------------------------------------------

_MONTH = (
    r"(?:janv(?:ier)?|f[ée]vr(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|sept(?:embre)?|oct(?:obre)?"
    r"|nov(?:embre)?|d[ée]c(?:embre)?|jan(?:uari|uar|uary)?|j[äa]nner|feb(?:ruari|ruar|ruary)?|maart|m[äa]rz"
    r"|march|mar|apr(?:il)?|mei|may|jun[ei]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:tember)?|o[ck]t(?:ober)?"
    r"|dez(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|(?:1er|\d{{1,2}})\.?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
)
_BIRTH = re.compile(
    r"(?:(?P<verb>\bn[ée]e?(?:·e|\.e|\(e\)|-e)?s?\s+(?:le\s+|à\s+[\w' -]{1,40}?\s+le\s+)"
    r"|\bgeboren\s+(?:op\s+|am\s+|on\s+)?|\bborn\s+(?:on\s+)?)"
    r"|(?:\bgeb\.\s*(?:op\s+|am\s+)?|\b(?:date\s+de\s+naissance|ddn|geboortedatum|geburtsdatum|geb\.-datum"
    r"|date\s+of\s+birth|dob|d\.o\.b\.)\s*[:.-]?\s*|(?<![\w°])°\s*))"
    rf"{_DATE}",
    re.IGNORECASE,
)
_STORY_VERB = re.compile(r"\b(?:est|sont|a|is|ist|was|were|werd|wurde)\s+$", re.IGNORECASE)
"""«Le service est né le 1er mars 1992»: an organisation's history, not a birth."""

_NUMBER = re.compile(r"(?<![\w+])\+?\d+(?:[ ./-]\d+)*(?![\w])")
"""A run of digits joined by single separators («0470 12 34 56», «04/223.45.67», «80.03.12-123.45»)."""
_SERVICE_PREFIXES = ("0800", "070", "078", "090")
"""Free, shared-cost and premium numbers: lines of organisations, never a private person's."""
_ENTERPRISE_BEFORE = re.compile(r"(?:\bBE|BCE|KBO|TVA|BTW|entreprise|onderneming\w*|unternehmen\w*)\W{0,5}$", re.I)


def _masked(text: str) -> str:
    """Web and e-mail addresses blanked (their digits are not phone numbers), no-break spaces made plain."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("(0)", "")
    return re.sub(r"(?:https?://|www\.)\S+|\S+@\S+", lambda m: " " * len(m.group()), text, flags=re.IGNORECASE)


def _has_birth_date(text: str) -> bool:
    for match in _BIRTH.finditer(text):
        if not (match.group("verb") and _STORY_VERB.search(text[: match.start()])):
            return True
    return False


def _register_shaped(run: str, digits: str) -> bool:
    """YY.MM.DD-SSS.CC: separators only between those parts, a plausible month (+20/+40 for bis numbers)
    and day; written without separators, the check digits must also be right."""
    if len(digits) != 11 or run.startswith("+"):
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if month % 20 > 12 or month > 52 or day > 31:
        return False
    cuts, seen = set(), 0
    for part in re.split(r"[ ./-]", run):
        seen += len(part)
        cuts.add(seen)
    if cuts != {11}:
        return cuts <= {2, 4, 6, 9, 11}
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)


def _international(digits: str) -> bool:
    """Digits after «+» or «00»: a country code and a number, unless a Belgian line no person has."""
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return False
    return not (digits.startswith("32") and ("0" + digits[2:]).startswith(_SERVICE_PREFIXES))


def _is_phone(text: str, start: int, run: str, digits: str) -> bool:
    if run.startswith(("+", "00")):
        return _international(digits if run.startswith("+") else digits[2:])
    if not digits.startswith("0") or len(digits) not in (9, 10) or digits.startswith(_SERVICE_PREFIXES):
        return False
    if re.match(r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}(?!\d)", run):
        return False  # a date, perhaps followed by an hour
    if re.fullmatch(r"0\d{3}\.\d{3}\.\d{3}", run):
        return False  # an enterprise number (BCE/KBO), always written 0xxx.xxx.xxx
    return not _ENTERPRISE_BEFORE.search(text[max(0, start - 30) : start])


def _numbers(text: str) -> Iterable[tuple[int, str, str]]:
    for match in _NUMBER.finditer(text):
        yield match.start(), match.group(), re.sub(r"\D", "", match.group())


def _has_register(text: str) -> bool:
    return any(_register_shaped(run, digits) for _, run, digits in _numbers(text))


def _has_phone(text: str) -> bool:
    return any(_is_phone(text, start, run, digits) for start, run, digits in _numbers(text))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME = r"(?P<name>[^\W\d_][\w'’-]*\.?)"
_TITLE = re.compile(
    r"(?<![\w.])(?:M\.|MM\.|Mmes?\.?|MMES?\.?|Mlles?\.?|MLLE\.?|(?i:madame|monsieur|mademoiselle|mevrouw|meneer"
    r"|mijnheer)|Mevr\.?|MEVR\.?|Dhr\.?|DHR\.?|Hr\.|Herrn?|Frau|Mrs?\.?|Ms\.?|Miss|Mx\.?)"
    rf"(?!\w)[ \t]+{_NAME}"
)
_ROLES = _words(
    "ministre minister bourgmestre burgemeester bürgermeister président présidente presidentin voorzitter "
    "juge rechter richter richterin procureur procureure gouverneur gouverneure directeur directrice "
    "directeurs la le les de du des et ou en und oder"
)
"""Words that follow a title without naming anyone («Madame la Ministre», «Monsieur le Bourgmestre»)."""
_GERMAN_DETERMINERS = _words(
    "die der den dem des eine einer einen einem jede jeder jedes jeden keine keiner ihre "
    "ihrer seine betroffene betroffenen"
)
"""«jede Frau Anspruch …»: a German noun after «Frau»/«Herr» is capitalised, a determiner shows it is one."""

_VICTIM = re.compile(
    r"\b(?i:victime|victim|slachtoffer|opfer|dader|daderes|agresseur|agresseuse|perpetrator|täter|täterin)"
    rf"(?!\w)[ \t]*[:(]?[ \t]*{_NAME}"
)
_NOT_NAMES = _words(
    "support services service care aid assistance help helpline hotline line lines rights advocacy advocate "
    "advocates centre center centres unit office europe information info protection compensation liaison fund "
    "programme program hilfe schutz beratung notruf telefon rechte zentrum hulp onthaal zorg of von van vom "
    "de du des and und en et for für voor in the der die das het een ein eine a an or oder ou is ist was with "
    "mit met avec"
)
"""Capitalised words that follow «Victim»/«Opfer» in the titles of services («Victim Support Europe»)."""


_NEVER_NAMES = _NOT_NAMES | _ROLES


def _is_name(word: str) -> bool:
    return word[0].isupper() and word.rstrip(".").lower() not in _NEVER_NAMES


def _has_title_name(text: str) -> bool:
    for match in _TITLE.finditer(text):
        before = text[: match.start()].split()
        title = match.group().split()[0]
        if title in ("Frau", "Herr", "Herrn") and before and before[-1].lower() in _GERMAN_DETERMINERS:
            continue
        if _is_name(match.group("name")):
            return True
    return False


def _has_victim_name(text: str) -> bool:
    return any(_is_name(match.group("name")) for match in _VICTIM.finditer(text))


_CHECKS: dict[str, Callable[[str], bool]] = {
    BIRTH_DATE: _has_birth_date,
    NATIONAL_REGISTER: _has_register,
    PHONE: _has_phone,
    TITLE_NAME: _has_title_name,
    VICTIM_NAME: _has_victim_name,
}


def looks_personal(text: str, checks: Iterable[str] = TEXT_CHECKS) -> str | None:
    """The reason code of the first shape of person data found in `text`, or None.

    Examples
    --------
    >>> looks_personal("Permanence le mardi 14h–16h, sans rendez-vous") is None
    True
    >>> looks_personal("RN 80.03.12-123.45")
    'national-register'
    >>> looks_personal("Suivi de Mevr. Janssens")
    'title-name'
    >>> looks_personal("Cabinet de Mme Martin, sage-femme", NAME_CHECKS) is None
    True
    """
    plain = _masked(text)
    return next((code for code in checks if _CHECKS[code](plain)), None)


def refuser(checks: tuple[str, ...]) -> Callable[[str, ValidationInfo], str]:
    """A pydantic after-validator refusing text that looks like data about a person helped.

    The error's type is ``person_data`` and its context carries the ``reason`` code, so a page can say
    it in its own language (`explain`); the message says it in French, then English.
    """

    def refuse_personal(value: str, info: ValidationInfo) -> str:
        if isinstance(info.context, dict) and info.context.get(STORED):
            return value
        reason = looks_personal(value, checks)
        if reason is not None:
            message = f"{explain(reason, 'fr')} / {explain(reason, 'en')}"
            raise PydanticCustomError("person_data", message, {"reason": reason})
        return value

    return refuse_personal


refuse_in_text = refuser(TEXT_CHECKS)
refuse_in_name = refuser(NAME_CHECKS)
refuse_in_address = refuser(ADDRESS_CHECKS)
refuse_in_report = refuser(REPORT_CHECKS)
