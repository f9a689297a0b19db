"""Schemathesis against the OpenAPI document, in process, on a throwaway store.

CI mode: RELAIS_FUZZ_EXAMPLES (default 15) examples per operation; nightly: RELAIS_FUZZ_EXAMPLES=100.
Checks: no server error, no response that breaks its own schema.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings

EXAMPLES = int(os.environ.get("RELAIS_FUZZ_EXAMPLES", "15"))
app = create_app(settings(), demo_store(MemoryStore(), load_reference()))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CHECKS = [not_a_server_error, response_schema_conformance]


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(hypothesis.HealthCheck), derandomize=True
)
def test_operations_as_coordinator(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKENS['coordinator']}"}, checks=CHECKS)


@schema.parametrize()
@hypothesis.settings(
    max_examples=max(3, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_operations_as_public(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=CHECKS)


StateMachine = schema.as_state_machine()


class StatefulTest(StateMachine):  # type: ignore[misc, valid-type]
    def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, object]:
        return {"headers": {"Authorization": f"Bearer {TOKENS['coordinator']}"}}

    def validate_response(self, response: object, case: schemathesis.Case[Any], **kwargs: object) -> None:
        case.validate_response(response, checks=CHECKS)


TestStateful = StatefulTest.TestCase
TestStateful.settings = hypothesis.settings(
    max_examples=max(5, EXAMPLES),
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
