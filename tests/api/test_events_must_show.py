"""Issue 21's «must show» over HTTP, as the coordination and two hospitals would do it: a training on
pregnancy and post-partum for Verviers' hospitals, two hospitals registered by head count, attendance
confirmed — and Verviers' training gap on that topic shrinks in /v1/gaps; the division's calendar carries it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import key_digest
from api.settings import DEV_SECRET, ApiKey, Settings
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import KEYS, auth, demo_store, settings

HOSPITALS = ("hosp-v-1", "hosp-v-2")
TOPIC = "pregnancy-postpartum"


def with_hospital_keys() -> Settings:
    extra = [
        ApiKey(id=f"k-{h}", role="professional", digest=key_digest(f"token-{h}", DEV_SECRET), organisation_id=h)
        for h in HOSPITALS
    ]
    return settings().model_copy(update={"api_keys": [*KEYS.values(), *extra]})


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(with_hospital_keys(), demo_store(MemoryStore(), load_reference()))) as c:
        yield c


def coverage(client: TestClient) -> dict[str, Any]:
    gaps = client.get("/v1/gaps?division=verviers", headers=auth("coordinator"))
    assert gaps.status_code == 200
    return dict(gaps.json()["participation"]["training_coverage"]["verviers"][TOPIC])


def test_a_training_for_verviers_hospitals_shrinks_their_gap_and_is_in_the_divisions_calendar(
    client: TestClient,
) -> None:
    before = coverage(client)
    assert "hospital" in before["missing_types"]
    day = date.today() + timedelta(days=20)
    event = {
        "id": "grossesse-verviers-2026",
        "title": "Grossesse et post-partum : repérer et orienter",
        "held_on": day.isoformat(),
        "starts_at": "09:30",
        "ends_at": "12:30",
        "terms": [TOPIC],
        "divisions": ["verviers"],
        "audience_types": ["hospital"],
        "capacity": 12,
        "source": "test (fictional)",
    }
    assert client.post("/v1/events", json=event, headers=auth("coordinator")).status_code == 201
    for hospital in HOSPITALS:
        registered = client.post(
            f"/v1/events/{event['id']}/registrations",
            json={"participants": 2},
            headers={"Authorization": f"Bearer token-{hospital}"},
        )
        assert registered.status_code == 201, registered.text
    assert registered.json()["places_left"] == 8
    assert coverage(client) == before  # registered is not trained

    confirmed = client.put(
        f"/v1/events/{event['id']}/attendance",
        json={"counts": dict.fromkeys(HOSPITALS, 2)},
        headers=auth("coordinator"),
    )
    assert confirmed.status_code == 200, confirmed.text

    after = coverage(client)
    assert after["trained"] == before["trained"] + 2
    assert "hospital" not in after["missing_types"]
    calendar = icalendar.Calendar.from_ical(client.get("/v1/events.ics?division=verviers").content)
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert event["title"] in summaries
