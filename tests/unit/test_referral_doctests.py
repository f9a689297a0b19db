"""The runnable examples of the referral engine and its rendering (how a score is made of its reasons…).

Same rule as tests/unit/test_doctests.py: every module listed must hold at least one `>>>` example.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "graph.referral.answer",
    "graph.referral.cache",
    "graph.referral.query",
    "graph.referral.question",
    "graph.referral.scoring",
    "api.i18n",
    "api.reasons",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no >>> examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (output above)"
