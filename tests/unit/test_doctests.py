"""The runnable examples in docstrings (numpydoc «Examples», `>>>`) are tests too.

Each module listed runs its doctests through `doctest.testmod`; a module listed here must have at
least one example, so an entry cannot silently stop testing anything. Add a module by adding its name.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "api.bench",
    "api.http.routers.pages.orientations",
    "api.forms",
    "api.i18n",
    "api.reasons",
    "graph.analysis",
    "graph.cells",
    "graph.models",
    "graph.opening",
    "graph.outcomes",
    "graph.vocabulary",
    "graph.referral.answer",
    "graph.referral.cache",
    "graph.referral.query",
    "graph.referral.ranked",
    "graph.referral.question",
    "graph.referral.scoring",
    "graph.memory_store",
    "graph.store",
    "loaders.directory",
    "loaders.export",
    "loaders.generate",
    "loaders.hsds",
    "viz.network_map",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no >>> examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"
