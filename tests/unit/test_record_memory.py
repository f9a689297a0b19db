"""Records share the set of their fields given (pydantic keeps one per instance: half of a record's memory at
100k), and sharing it changes nothing a copy or a dump shows."""

from __future__ import annotations

from datetime import date

from graph.models import Capacity, Service


def test_records_given_the_same_fields_share_one_set_that_a_copy_does_not_touch() -> None:
    a = Service(id="a", organisation_id="o", name="Accueil", needs=("shelter",), source="exemple")
    b = Service(id="b", organisation_id="o", name="Écoute", needs=("listening",), source="exemple")
    assert a.model_fields_set is b.model_fields_set
    places = Capacity(available=2, total=9, updated_at=date(2026, 11, 28))
    c = a.model_copy(update={"capacity": places})
    assert "capacity" in c.model_fields_set and "capacity" not in a.model_fields_set | b.model_fields_set
    assert a.model_dump(exclude_unset=True) == {"id": "a", "organisation_id": "o", "name": "Accueil"} | {
        "needs": ("shelter",),
        "source": "exemple",
    }
    other = Service(id="d", organisation_id="o", name="Nuit", needs=("shelter",), source="exemple", open_24_7=True)
    assert "open_24_7" in other.model_fields_set and "open_24_7" not in a.model_fields_set
