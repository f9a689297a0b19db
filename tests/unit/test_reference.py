"""Reference data: the taxonomy's hierarchy and the postcode -> commune -> division lookups."""

from __future__ import annotations

import pytest

from graph.errors import InvalidInput
from graph.models import TermKind
from graph.reference import Reference


def test_taxonomy_has_the_48_terms_in_four_languages(reference: Reference) -> None:
    terms = reference.taxonomy.terms
    assert len(terms) == 48
    assert terms["forced-marriage"].label("de") == "Zwangsheirat"
    assert all(t.label_fr and t.label_nl and t.label_de and t.label_en for t in terms.values())


def test_descendants_include_children(reference: Reference) -> None:
    assert reference.taxonomy.descendants("sexual-violence") == {
        "sexual-violence",
        "sexual-violence.recent",
        "sexual-violence.past",
    }
    assert reference.taxonomy.descendants("fgm") == {"fgm"}
    assert reference.taxonomy.ancestors("victim.woman") == ["victim"]


def test_unknown_code_suggests_nearest(reference: Reference) -> None:
    with pytest.raises(InvalidInput) as err:
        reference.taxonomy.get("forced-mariage", TermKind.SITUATION, parameter="situation")
    assert err.value.problems[0].suggestions[0] == "forced-marriage"
    assert err.value.parameter == "situation"


def test_postcode_to_division(reference: Reference) -> None:
    geo = reference.geography
    (verviers,) = geo.communes_for_postcode("4800")
    assert verviers.name == "Verviers"
    assert geo.division_of(verviers).id == "verviers"
    assert geo.division_of(geo.commune("huy")).id == "huy"
    assert geo.division_of(geo.commune("LIEGE")).label_nl == "Luik"
    assert len(geo.communes) == 84
    assert sum(c.division is not None for c in geo.communes.values()) == 75


def test_commune_outside_the_arrondissement_is_explained(reference: Reference) -> None:
    geo = reference.geography
    with pytest.raises(InvalidInput, match="arrondissement of Eupen"):
        geo.division_of(geo.commune("Eupen"))
    with pytest.raises(InvalidInput) as err:
        geo.commune("Verviere")
    assert "Verviers" in err.value.problems[0].suggestions
    with pytest.raises(InvalidInput, match="unknown postcode"):
        geo.communes_for_postcode("1000")
