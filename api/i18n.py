"""Interface texts of the pages: French first, then Dutch, German and English.

The catalogue lives in `api/texts/*.toml`, one file per area of the interface (one table per key with
fr/nl/de/en); a key defined twice, or a table missing a language, stops the app at import.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Protocol

LANGUAGES_OF_THE_INTERFACE = ("fr", "nl", "de", "en")


def _catalogue() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for file in sorted(resources.files("api").joinpath("texts").iterdir(), key=lambda f: f.name):
        if not file.name.endswith(".toml"):
            continue
        for key, table in tomllib.loads(file.read_text(encoding="utf-8")).items():
            if key in texts:
                raise ValueError(f"interface text «{key}» is defined twice ({file.name})")
            if set(table) != set(LANGUAGES_OF_THE_INTERFACE):
                raise ValueError(f"interface text «{key}» in {file.name} must have exactly fr, nl, de and en")
            texts[key] = table
    return texts


UI: dict[str, dict[str, str]] = _catalogue()

LANG_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    # code: names in fr, nl, de, en (as they read inside a sentence: «parle arabe», «spricht Arabisch»)
    "fr": {"fr": "français", "nl": "Frans", "de": "Französisch", "en": "French"},
    "nl": {"fr": "néerlandais", "nl": "Nederlands", "de": "Niederländisch", "en": "Dutch"},
    "de": {"fr": "allemand", "nl": "Duits", "de": "Deutsch", "en": "German"},
    "en": {"fr": "anglais", "nl": "Engels", "de": "Englisch", "en": "English"},
    "ar": {"fr": "arabe", "nl": "Arabisch", "de": "Arabisch", "en": "Arabic"},
    "tr": {"fr": "turc", "nl": "Turks", "de": "Türkisch", "en": "Turkish"},
    "es": {"fr": "espagnol", "nl": "Spaans", "de": "Spanisch", "en": "Spanish"},
    "it": {"fr": "italien", "nl": "Italiaans", "de": "Italienisch", "en": "Italian"},
    "pt": {"fr": "portugais", "nl": "Portugees", "de": "Portugiesisch", "en": "Portuguese"},
    "ru": {"fr": "russe", "nl": "Russisch", "de": "Russisch", "en": "Russian"},
    "ro": {"fr": "roumain", "nl": "Roemeens", "de": "Rumänisch", "en": "Romanian"},
    "pl": {"fr": "polonais", "nl": "Pools", "de": "Polnisch", "en": "Polish"},
    "uk": {"fr": "ukrainien", "nl": "Oekraïens", "de": "Ukrainisch", "en": "Ukrainian"},
    "bg": {"fr": "bulgare", "nl": "Bulgaars", "de": "Bulgarisch", "en": "Bulgarian"},
    "sq": {"fr": "albanais", "nl": "Albanees", "de": "Albanisch", "en": "Albanian"},
    "sr": {"fr": "serbe", "nl": "Servisch", "de": "Serbisch", "en": "Serbian"},
    "hr": {"fr": "croate", "nl": "Kroatisch", "de": "Kroatisch", "en": "Croatian"},
    "bs": {"fr": "bosnien", "nl": "Bosnisch", "de": "Bosnisch", "en": "Bosnian"},
    "el": {"fr": "grec", "nl": "Grieks", "de": "Griechisch", "en": "Greek"},
    "hu": {"fr": "hongrois", "nl": "Hongaars", "de": "Ungarisch", "en": "Hungarian"},
    "cs": {"fr": "tchèque", "nl": "Tsjechisch", "de": "Tschechisch", "en": "Czech"},
    "sk": {"fr": "slovaque", "nl": "Slowaaks", "de": "Slowakisch", "en": "Slovak"},
    "lb": {"fr": "luxembourgeois", "nl": "Luxemburgs", "de": "Luxemburgisch", "en": "Luxembourgish"},
    "wa": {"fr": "wallon", "nl": "Waals", "de": "Wallonisch", "en": "Walloon"},
    "fa": {"fr": "persan", "nl": "Perzisch", "de": "Persisch", "en": "Persian"},
    "prs": {"fr": "dari", "nl": "Dari", "de": "Dari", "en": "Dari"},
    "ps": {"fr": "pachto", "nl": "Pasjtoe", "de": "Paschtu", "en": "Pashto"},
    "ku": {"fr": "kurde", "nl": "Koerdisch", "de": "Kurdisch", "en": "Kurdish"},
    "hy": {"fr": "arménien", "nl": "Armeens", "de": "Armenisch", "en": "Armenian"},
    "ka": {"fr": "géorgien", "nl": "Georgisch", "de": "Georgisch", "en": "Georgian"},
    "ber": {"fr": "berbère", "nl": "Berbers", "de": "Berberisch", "en": "Berber"},
    "so": {"fr": "somali", "nl": "Somalisch", "de": "Somali", "en": "Somali"},
    "ti": {"fr": "tigrigna", "nl": "Tigrinya", "de": "Tigrinya", "en": "Tigrinya"},
    "am": {"fr": "amharique", "nl": "Amhaars", "de": "Amharisch", "en": "Amharic"},
    "sw": {"fr": "swahili", "nl": "Swahili", "de": "Suaheli", "en": "Swahili"},
    "ln": {"fr": "lingala", "nl": "Lingala", "de": "Lingala", "en": "Lingala"},
    "zh": {"fr": "chinois", "nl": "Chinees", "de": "Chinesisch", "en": "Chinese"},
    "vi": {"fr": "vietnamien", "nl": "Vietnamees", "de": "Vietnamesisch", "en": "Vietnamese"},
    "ur": {"fr": "ourdou", "nl": "Urdu", "de": "Urdu", "en": "Urdu"},
    "hi": {"fr": "hindi", "nl": "Hindi", "de": "Hindi", "en": "Hindi"},
    "sfb": {
        "fr": "la langue des signes de Belgique francophone",
        "nl": "Franstalige Belgische Gebarentaal",
        "de": "Französisch-belgische Gebärdensprache",
        "en": "French Belgian Sign Language",
    },
    "vgt": {
        "fr": "la langue des signes flamande",
        "nl": "Vlaamse Gebarentaal",
        "de": "Flämische Gebärdensprache",
        "en": "Flemish Sign Language",
    },
}
"""Language names in the four languages of the interface, for every language a service may list."""
UNKNOWN_LANGUAGE = {
    "fr": "la langue «{code}»",
    "nl": "de taal «{code}»",
    "de": "die Sprache «{code}»",
    "en": "the language «{code}»",
}
"""Last resort for a code missing from LANGUAGE_NAMES: the code in a neutral phrase, never bare."""
SPOKEN = {
    code: LANGUAGE_NAMES[code]["fr"]
    for code in ("fr", "nl", "de", "en", "ar", "tr", "es", "it", "pt", "ru", "ro", "pl")
}
"""The languages offered in the finder's «language the person speaks» list (French names)."""


def language_name(code: str, lang: str) -> str:
    """A language's name in the interface language: «allemand», «Duits», «Deutsch», «German».

    >>> language_name("ar", "nl"), language_name("tr", "de"), language_name("xx", "en")
    ('Arabisch', 'Türkisch', 'the language «xx»')
    """
    names = LANGUAGE_NAMES.get(code)
    if names is None:
        return UNKNOWN_LANGUAGE.get(lang, UNKNOWN_LANGUAGE["fr"]).format(code=code)
    return names.get(lang, names["fr"])


def t(key: str, lang: str) -> str:
    return UI[key].get(lang, UI[key]["fr"])


class ServedLike(Protocol):
    """What the banner needs of `api.bootstrap.Served`: the directory's name and whether it is fictional."""

    @property
    def name(self) -> str: ...

    @property
    def fictional(self) -> bool: ...


def banner_texts(served: ServedLike | None, lang: str) -> tuple[str, str]:
    """(which directory is served, the fictional-data warning or "") for the banner of every page.

    Nobody should mistake the demo for the real network, nor the real network for a demo.

    >>> from types import SimpleNamespace
    >>> banner_texts(SimpleNamespace(name="démo", fictional=True), "nl")
    ('Getoonde gids: démo', 'Fictieve demonstratiegegevens')
    >>> banner_texts(None, "fr")
    ('', '')
    """
    if served is None:
        return "", ""
    name = served.name or t("unnamed_directory", lang)
    return f"{t('served', lang)} {name}", t("fictional", lang) if served.fictional else ""
