"""One error tree, one table of statuses: each class answers with its status as problem+json; a failure that
is our bug (a query Neo4j refuses) is a logged 500 that shows no query, never the caller's 422."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import _report_error
from api.http.app import create_app
from api.http.errors import INTERNAL_DETAIL, STATUS, install_error_handlers
from api.settings import Settings
from graph import cypher, errors
from graph.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RelaisError,
    Stale,
    StoreError,
    StoreUnavailable,
    TooMany,
    Unauthorized,
)
from graph.neo4j_store import Neo4jStore
from graph.reference import Reference
from tests.contract.store_contract import chain

EXPECTED: list[tuple[type[RelaisError], int, str]] = [
    (InvalidInput, 422, "Invalid input"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict"),
    (Stale, 412, "Precondition failed"),
    (Unauthorized, 401, "Unauthorized"),
    (Forbidden, 403, "Forbidden"),
    (TooMany, 429, "Too many requests"),
    (StoreUnavailable, 503, "Store unavailable"),
    (StoreError, 500, "Internal error"),
    (RelaisError, 500, "Internal error"),
]
SECRET_QUERY = "MATCH (n:Organisation) RETURN n.secret_property"


class UnlistedError(NotFound):
    """A subclass the table does not list answers as its nearest listed ancestor."""


def raising_app(exc: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise exc

    return TestClient(app)


def test_every_class_of_the_tree_has_a_status() -> None:
    classes = {c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, RelaisError)}
    assert classes == set(STATUS) == {cls for cls, _, _ in EXPECTED}
    assert not any(hasattr(cls, "status") or hasattr(cls, "title") for cls in classes), "statuses live in the API"


@pytest.mark.parametrize(("cls", "status", "title"), EXPECTED, ids=[c.__name__ for c, _, _ in EXPECTED])
def test_the_handler_maps_each_class_to_its_status(cls: type[RelaisError], status: int, title: str) -> None:
    response = raising_app(cls("something fictional went wrong")).get("/boom")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"], body["instance"]) == (status, title, "/boom")
    if status == 500:
        assert body["detail"] == INTERNAL_DETAIL
    else:
        assert body["detail"] == "something fictional went wrong"


def test_a_subclass_answers_as_its_nearest_listed_ancestor() -> None:
    assert raising_app(UnlistedError("nope")).get("/boom").status_code == 404


def test_invalid_input_lists_its_problems() -> None:
    body = raising_app(InvalidInput("must be between 1 and 6", parameter="hops")).get("/boom").json()
    assert body["errors"] == [{"parameter": "hops", "detail": "must be between 1 and 6", "suggestions": []}]


def test_an_internal_error_is_logged_with_its_traceback_and_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise RuntimeError(SECRET_QUERY)
    except RuntimeError as cause:
        exc = StoreError("Neo4j refused a query (Neo.ClientError.Statement.SyntaxError)")
        exc.__cause__ = cause
    with caplog.at_level(logging.ERROR, logger="relais.api"):
        response = raising_app(exc).get("/boom")
    assert response.status_code == 500
    assert SECRET_QUERY not in response.text and "SyntaxError" not in response.text
    (record,) = [r for r in caplog.records if r.name == "relais.api"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "GET /boom" in record.getMessage()


def test_store_unavailable_is_a_503_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="relais.api"):
        response = raising_app(StoreUnavailable("Neo4j is unreachable (ServiceUnavailable)")).get("/boom")
    assert response.status_code == 503
    assert response.json()["detail"] == "Neo4j is unreachable (ServiceUnavailable)"
    assert [r.levelno for r in caplog.records if r.name == "relais.api"] == [logging.WARNING]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (InvalidInput("bad"), 1),
        (NotFound("x"), 2),
        (Conflict("x"), 2),
        (Forbidden("x"), 2),
        (Unauthorized("x"), 2),
        (StoreUnavailable("x"), 3),
        (StoreError("x"), 4),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_the_cli_exit_code_follows_the_class(exc: RelaisError, code: int) -> None:
    assert _report_error(exc).exit_code == code


def test_an_unreachable_neo4j_is_store_unavailable() -> None:
    store = Neo4jStore("bolt://127.0.0.1:9", "neo4j", "fictional", connection_timeout=0.5)
    try:
        with pytest.raises(StoreUnavailable, match="unreachable"):
            store.ping()
    finally:
        store.close()


# --- on a real Neo4j -------------------------------------------------------------------------------------


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("text", "params"),
    [
        (SECRET_QUERY + " +", {}),  # syntax
        ("RETURN 1 + {a: 1} AS secret_property", {}),  # type
        ("RETURN $n / 0 AS secret_property", {"n": 1}),  # arithmetic
        ("RETURN $n AS secret_property", {"n": 2**63}),  # beyond 64 bits: refused by the driver
    ],
    ids=["syntax", "type", "arithmetic", "overflow"],
)
def test_a_query_neo4j_refuses_is_a_store_error(neo4j_store: Neo4jStore, text: str, params: dict[str, int]) -> None:
    with pytest.raises(StoreError) as caught:
        neo4j_store._read(text, **params)
    assert "secret_property" not in str(caught.value)
    assert not isinstance(caught.value, InvalidInput)


@pytest.mark.neo4j
def test_through_the_api_a_refused_query_is_a_500_problem_not_a_422(
    neo4j_store: Neo4jStore, reference: Reference, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    neo4j_store.wipe()
    neo4j_store.upsert(reference.records())
    chain(neo4j_store, ["a", "b"])
    settings = Settings(
        neo4j_uri=None, api_keys=[], keys_file=Path("/nonexistent/keys.json"), secret_key="test-only-secret"
    )
    with TestClient(create_app(settings, neo4j_store)) as client:
        assert client.get("/v1/organisations/a/partners").json()[0]["id"] == "b"
        monkeypatch.setattr(cypher, "PARTNER_TREE", SECRET_QUERY + " +")
        with caplog.at_level(logging.ERROR, logger="relais.api"):
            response = client.get("/v1/organisations/a/partners")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == INTERNAL_DETAIL
    assert "secret_property" not in response.text and "MATCH" not in response.text
    assert any(r.exc_info for r in caplog.records if r.name == "relais.api")
