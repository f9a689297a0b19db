"""The counts that close the loop hold nobody: no model field, no store column or property, no log line and
no export gives a person, a case or a day (docs/security.md «Ce que Relais compte, et ce qu'il ne garde
jamais»). Checked by what each field IS (its type), so a field added tomorrow is judged too."""

from __future__ import annotations

import inspect
import json
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter
from typer.testing import CliRunner

import graph.models
from api import cli
from api.http.app import create_app
from api.settings import get_settings
from graph.memory_store import MemoryStore
from graph.models import (
    MAX_COUNT,
    TALLY_TYPES,
    Count,
    LanguageCode,
    Month,
    OutcomeReason,
    OutcomeTally,
    ReferralTally,
    Slug,
    Tally,
    UnmetDemand,
)
from graph.neo4j_store import Neo4jStore
from graph.reference import Reference
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from graph.usecases.outcomes import this_month
from tests.api.conftest import demo_store
from tests.api.test_outcomes_api import as_, counting_settings, enter

PERSON = {
    "victim", "perpetrator", "author", "birth", "birthdate", "dob", "born", "case", "dossier", "file", "client",
    "person", "patient", "beneficiary", "age", "gender", "sex", "nationality", "firstname", "first", "surname",
    "lastname", "note", "notes", "comment", "comments", "remark", "story", "ip", "niss", "register",
}  # fmt: skip
"""Words of a field name that would hold someone: forbidden in every model, table column and property."""
NOT_ON_A_COUNT = PERSON | {"name", "address", "text", "description", "label", "phone", "email", "day", "date",
                           "time", "at", "on", "hour", "created", "updated", "modified", "query", "words"}  # fmt: skip
"""A count holds codes and a month only: not even a record's name, address or text, nor any time."""
DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}(:\d{2})?\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
"""A day (2026-11-03, 3/11/2026) or a time of day (14:05, 14:05:09): finer than a month."""
CLOSED = {
    "slug": TypeAdapter(Slug).json_schema(),
    "month": TypeAdapter(Month).json_schema(),
    "language": TypeAdapter(LanguageCode).json_schema(),
    "count": TypeAdapter(Count).json_schema(),
    "bool": {"type": "boolean"},
}
"""The only kinds of value a count's field may be, besides a closed list (an enum)."""


def words(name: str) -> set[str]:
    """«first_name» → {first, name}; «dateOfBirth» → {date, of, birth}."""
    return {w.lower() for w in re.findall(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])", name) if w}


def models() -> list[type[BaseModel]]:
    """Every pydantic model of graph.models (records, links, tallies, ErrorReport, Change…), as defined today."""
    return [
        m
        for _, m in inspect.getmembers(graph.models, inspect.isclass)
        if issubclass(m, BaseModel) and m.__module__ == "graph.models"
    ]


def tally_kinds() -> list[type[Tally]]:
    return [m for m in models() if issubclass(m, Tally)]


def kind_of(schema: dict[str, Any], defs: dict[str, Any]) -> str | None:
    """What a field's JSON schema allows: a closed kind of CLOSED, «enum», or None (something open: text…)."""
    schema = {k: v for k, v in schema.items() if k not in ("title", "default", "description")}
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        return "enum" if set(target) <= {"enum", "type", "title", "description"} and "enum" in target else None
    if "anyOf" in schema:
        kinds = [kind_of(s, defs) for s in schema["anyOf"] if s != {"type": "null"}]
        return kinds[0] if len(kinds) == 1 else None
    return next((k for k, closed in CLOSED.items() if schema == closed), None)


def open_fields(model: type[BaseModel]) -> list[str]:
    schema = model.model_json_schema()
    return [n for n, s in schema["properties"].items() if kind_of(s, schema.get("$defs", {})) is None]


def test_the_walk_reaches_every_kind_of_model() -> None:
    names = {m.__name__ for m in models()}
    assert {"Organisation", "Service", "Location", "Cooperation", "ReferralFlow", "ErrorReport", "Change"} <= names
    assert set(tally_kinds()) >= set(TALLY_TYPES) and len(TALLY_TYPES) == 3


def test_no_model_has_a_field_for_a_person() -> None:
    offenders = [f"{m.__name__}.{n}" for m in models() for n in m.model_fields if words(n) & PERSON]
    assert offenders == []


def test_a_count_holds_only_codes_a_month_a_yes_no_and_a_number() -> None:
    offenders = [f"{m.__name__}.{n}" for m in tally_kinds() for n in open_fields(m)]
    assert offenders == []
    named = [f"{m.__name__}.{n}" for m in tally_kinds() for n in m.model_fields if words(n) & NOT_ON_A_COUNT]
    assert named == []
    assert CLOSED["count"]["maximum"] == MAX_COUNT and "pattern" in CLOSED["month"]


def test_the_walk_would_catch_a_person_or_free_text_on_a_count() -> None:
    class Sneaky(Tally):
        note: str
        born: str = "1990-01-01"

    class Sneakier(Tally):
        whom: graph.models.PublicName

    assert open_fields(Sneaky) == ["note", "born"] and open_fields(Sneakier) == ["whom"]
    assert words("victimFirstName") & PERSON and words("born") & PERSON
    assert kind_of(ReferralTally.model_json_schema()["properties"]["situation"], {}) == "slug"
    assert {r.value for r in OutcomeReason} == set(OutcomeTally.model_json_schema()["$defs"]["OutcomeReason"]["enum"])


def test_a_month_is_the_finest_time_a_count_takes() -> None:
    for bad in ("2026-11-03", "2026-11-03T10:00", "11/2026", "2026-13"):
        with pytest.raises(ValueError):
            UnmetDemand(month=bad, term="fgm", division="huy")


# --- the stores ---------------------------------------------------------------------------------------------

NOW = this_month()
CELLS: list[Tally] = [
    ReferralTally(month=NOW, from_id="amb-h-2", to_id="shelter-h-1", service_id="shelter-h-1-svc", situation="fgm"),
    OutcomeTally(month=NOW, organisation_id="shelter-h-1", service_id="shelter-h-1-svc", reason=OutcomeReason.NO_PLACE),
    UnmetDemand(month=NOW, term="forced-marriage", division="huy", language="ar", urgent=True),
]


def assert_only_months(values: Sequence[object], where: str) -> None:
    found = [v for v in values if DAY.search(str(v))]
    assert found == [], (where, found[:3])


def test_the_sqlite_file_has_no_column_for_a_person_and_its_counts_no_day(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "relais.db")
    store.add_tallies(CELLS)
    store.close()
    with sqlite3.connect(tmp_path / "relais.db") as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {(t, c[1]) for t in tables for c in db.execute(f"PRAGMA table_info({t})")}
        assert [f"{t}.{c}" for t, c in columns if words(c) & PERSON] == []
        assert "tallies" in tables, "the counts are kept in the file"
        rows = db.execute("SELECT * FROM tallies").fetchall()
    assert len(rows) == len(CELLS)
    assert_only_months([v for row in rows for v in row], "sqlite tallies")
    stored = [json.loads(v) for row in rows for v in row if isinstance(v, str) and v.startswith("{")]
    assert stored and all(not words(k) & NOT_ON_A_COUNT for cell in stored for k in cell)


def test_the_memory_store_keeps_the_models_themselves() -> None:
    store = MemoryStore()
    store.add_tallies(CELLS)
    kept = [t for kind in TALLY_TYPES for t in store.tallies(kind)]
    assert sorted(map(repr, kept)) == sorted(map(repr, CELLS))
    assert_only_months([v for t in kept for v in t.model_dump(mode="json").values()], "memory")


@pytest.mark.neo4j
def test_neo4j_count_nodes_have_no_property_for_a_person_nor_a_day(neo4j_store: Neo4jStore) -> None:
    neo4j_store.wipe()
    neo4j_store.add_tallies(CELLS)
    records, _, _ = neo4j_store._driver.execute_query(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'Tally') RETURN properties(n) AS p",
        database_=neo4j_store.database,
    )
    assert records
    keys = {k for r in records for k in r["p"]}
    assert {k for k in keys if words(k) & NOT_ON_A_COUNT} == set()
    assert_only_months([v for r in records for v in r["p"].values()], "neo4j")
    labels, _, _ = neo4j_store._driver.execute_query("CALL db.propertyKeys()", database_=neo4j_store.database)
    assert [r[0] for r in labels if words(r[0]) & PERSON] == []
    neo4j_store.wipe()


CLIENT_SIDE = ("httpx", "httpcore")
"""The test client's own loggers: they stand for the browser, not the server."""

# --- no day anywhere, through the API -----------------------------------------------------------------------

EXPORTS = [
    "/v1/export?format=graphml",
    "/v1/export?format=gexf",
    "/v1/export?format=kumu",
    "/v1/export?format=csv",
    "/v1/gaps?division=huy",
    "/v1/report?division=huy",
    "/hsds/services?per_page=200",
    "/hsds/organizations?full_service=true&per_page=200",
]


def days_in(client: TestClient, url: str) -> set[str]:
    response = client.get(url, headers=as_("coordinator"))
    assert response.status_code == 200, url
    return {m.group(0) for m in DAY.finditer(response.content.decode("utf-8", errors="replace"))}


@pytest.fixture(params=["memory", "sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def served(
    request: pytest.FixtureRequest, reference: Reference, tmp_path: Path
) -> Iterator[tuple[TestClient, GraphStore]]:
    """The demo served on each store; the Neo4j one emptied first (the counts included)."""
    empty: GraphStore
    if request.param == "neo4j":
        neo4j: Neo4jStore = request.getfixturevalue("neo4j_store")
        neo4j.wipe()
        empty = neo4j
    else:
        empty = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "relais.db")
    store = demo_store(empty, reference)
    with TestClient(create_app(counting_settings(), store)) as client:
        yield client, store


def test_no_stored_count_change_log_entry_log_line_or_export_holds_a_day(
    served: tuple[TestClient, GraphStore], caplog: pytest.LogCaptureFixture
) -> None:
    client, store = served
    before = {url: days_in(client, url) for url in EXPORTS}
    version, changes = store.version(), store.changes(limit=200)
    for name in ("relais", "uvicorn", "uvicorn.access", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.clear()

    for _ in range(5):
        assert client.post("/v1/orientations", json={"service_id": "shelter-h-1-svc", "situation": "fgm"},
                           headers=as_("pro_cpas")).status_code == 201  # fmt: skip
    assert enter(client, "shelter", "shelter-h-1-svc", {"no-place": 3, "declined": 1}).status_code == 200
    assert client.get("/v1/referrals?situation=forced-marriage&commune=Huy&urgent=true").status_code == 200
    client.app.state.relais.outcomes.unmet.flush()  # type: ignore[attr-defined]  # written after the answer

    during = [r.getMessage() for r in caplog.records if not r.name.startswith(CLIENT_SIDE)]
    assert_only_months(during, "log lines")
    assert [m for m in during if "shelter-h-1-svc" in m or "forced-marriage" in m] == []
    assert (store.version(), store.changes(limit=200)) == (version, changes), "counts never enter the change log"
    cells = [t for kind in TALLY_TYPES for t in store.tallies(kind)]
    assert {type(t) for t in cells} == set(TALLY_TYPES)
    assert_only_months([v for t in cells for v in t.model_dump(mode="json").values()], "stored counts")
    loop = client.get("/v1/outcomes", headers=as_("coordinator"))
    assert loop.json()["refusals_by_service"] and not DAY.search(loop.text)
    for url in EXPORTS:
        assert days_in(client, url) <= before[url], url


def test_the_server_writes_no_access_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An access line holds the second and the address of each request: `relais serve` turns them off."""
    import uvicorn

    ran: dict[str, Any] = {}
    monkeypatch.setenv("RELAIS_STORE_FILE", str(tmp_path / "relais.db"))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **options: ran.update(options))
    get_settings.cache_clear()
    try:
        assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 0
    finally:
        get_settings.cache_clear()
    assert ran["access_log"] is False
