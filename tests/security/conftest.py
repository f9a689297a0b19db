"""The API fixtures of tests/api serve here too."""

from tests.api.conftest import client, demo_client, demo_neo4j  # noqa: F401
