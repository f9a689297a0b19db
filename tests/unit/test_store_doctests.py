"""The runnable examples of the store interface and the memory adapter (same rule as test_doctests.py)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["graph.store", "graph.memory_store"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no >>> examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"
