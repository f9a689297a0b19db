"""Person data in a free-text field: the API answers 422 naming the field and saying why, the dashboard
shows the sentence next to what was typed, and nothing is written — so nothing reaches the change log."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from tests.api.conftest import auth
from tests.api.test_dashboard_forms import _organisation_form, _signed_in

NOTE = "Mme Dupont, née le 12/03/1980, victime, tél 0470 12 34 56"
WHY = "Ce champ décrit l'organisation : pas de données sur une personne aidée (date de naissance)."


def test_the_api_names_the_field_and_says_why(client: TestClient) -> None:
    before = client.get("/v1/organisations/amb-h-1", headers=auth("coordinator")).json()
    body = {k: v for k, v in before.items() if k not in {"modified_at"}} | {"description": NOTE}
    answer = client.put("/v1/organisations/amb-h-1", json=body, headers=auth("coordinator"))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    [error] = problem["errors"]
    assert error["parameter"] == "description" and error["detail"].startswith(WHY)
    assert problem["detail"].startswith(f"description: {WHY}")
    after = client.get("/v1/organisations/amb-h-1", headers=auth("coordinator")).json()
    assert after["description"] == before["description"]
    audit = client.get("/v1/audit", headers=auth("coordinator")).text
    assert "Dupont" not in audit and "0470" not in audit


def test_a_phone_number_in_a_service_points_to_the_contacts(client: TestClient) -> None:
    service = client.get("/v1/services/amb-h-1-svc", headers=auth("coordinator")).json()
    body = {k: v for k, v in service.items() if k != "modified_at"} | {"hours": "Sur rendez-vous au 04 223 45 67"}
    answer = client.put("/v1/services/amb-h-1-svc", json=body, headers=auth("coordinator"))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["parameter"] == "hours" and "ceux de l'organisation vont dans les contacts" in error["detail"]


def test_the_dashboard_refuses_it_and_keeps_what_was_typed(client: TestClient) -> None:
    _signed_in(client)
    form = _organisation_form(client) | {"description": NOTE}
    refused = client.post("/coordination/organisations/amb-h-1", data=form)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert WHY in page and f"{NOTE}</textarea>" in page
    assert NOTE not in client.get("/v1/organisations/amb-h-1", headers=auth("coordinator")).text
