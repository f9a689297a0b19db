"""The safety rules, one test each, over every situation and need in every division, on both stores."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.reference import load_reference
from tests.api.conftest import auth

REF = load_reference()
QUESTIONS = [
    f"{t.term_kind.value}={t.id}&division={d}"
    for t in REF.taxonomy.terms.values()
    if t.term_kind.value != "audience"
    for d in REF.geography.divisions
]


def answers(client: TestClient, extra: str = "", role: str = "public") -> list[tuple[str, dict[str, Any]]]:
    out = []
    for q in QUESTIONS:
        r = client.get(f"/v1/referrals?{q}{extra}&limit=50", headers=auth(role))
        assert r.status_code == 200, (q, r.text)
        out.append((q, r.json()))
    return out


def services(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["service"] | {"org": r["organisation"]["id"]} for r in body["results"]]


def test_victim_facing_answers_never_contain_perpetrator_programmes(demo_client: TestClient) -> None:
    for q, body in answers(demo_client):
        if "perpetrator-programme" in q:
            continue
        assert not [s for s in services(body) if s["org"].startswith("perp-")], q


def test_perpetrator_facing_answers_never_contain_victim_shelters(demo_client: TestClient) -> None:
    for q, body in answers(demo_client, "&audience=perpetrator"):
        assert not [s for s in services(body) if s["org"].startswith(("shelter-", "amb-", "vss-"))], q


def test_mediation_only_on_explicit_request_with_warning(demo_client: TestClient) -> None:
    for q, body in answers(demo_client):
        mediation = [s for s in services(body) if s["org"].startswith("med-")]
        if q.startswith("need=mediation&"):
            assert mediation and "Istanbul" in body["warnings"][0], q
        else:
            assert not mediation and not body["warnings"], q


@pytest.mark.parametrize("role", ["public", "professional", "coordinator"])
def test_hidden_addresses_never_appear(demo_client: TestClient, role: str) -> None:
    for q, body in answers(demo_client, role=role):
        text = str(body)
        assert "'hidden'" not in text and "Adresse secrète" not in text, q


def test_network_addresses_and_professional_lines_only_for_professionals(demo_client: TestClient) -> None:
    seen_network = seen_professional = False
    for (q, public), (_, pro) in zip(answers(demo_client), answers(demo_client, role="professional"), strict=True):
        public_locations = [loc for r in public["results"] for loc in r["locations"]]
        public_contacts = [c for r in public["results"] for c in r["contacts"]]
        assert all(loc["visibility"] == "public" for loc in public_locations), q
        assert all(c["visibility"] == "public" for c in public_contacts), q
        seen_network |= any(loc["visibility"] == "network" for r in pro["results"] for loc in r["locations"])
        seen_professional |= any(c["visibility"] == "professional" for r in pro["results"] for c in r["contacts"])
    assert seen_network and seen_professional  # the professional view really has more


def test_urgent_answers_rank_24_7_first_and_carry_emergency_numbers(demo_client: TestClient) -> None:
    for q, body in answers(demo_client, "&urgent=true"):
        flags = [r["service"]["open_24_7"] for r in body["results"]]
        assert flags == sorted(flags, reverse=True), q
        numbers = [f["number"] for f in body["fallbacks"]]
        assert numbers[:2] == ["112", "101"] and "0800 30 030" in numbers, q


def test_never_a_silent_empty_list(demo_client: TestClient) -> None:
    for q, body in answers(demo_client):
        assert body["results"] or body["notices"], q
        assert body["fallbacks"], q
