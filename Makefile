# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench install install-dev neo4j-start neo4j-stop lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, load the bundled directory into the embedded store, serve on http://127.0.0.1:8000
run: install
	$(BIN)/relais serve --host 127.0.0.1 --port 8000

## make test: install dev tools, start a local Neo4j (unless RELAIS_NEO4J_URI is set), run every test
test: install-dev
	scripts/test

## make bench: the full benchmark (installs wrk, starts a Neo4j of its own): figures in docs/performance.md
bench: install-dev
	scripts/bench $(SIZES)

lint: install-dev
	$(BIN)/ruff check graph loaders api viz tests
	$(BIN)/mypy

neo4j-start:
	PYTHON=$(BIN)/python scripts/neo4j start
neo4j-stop:
	scripts/neo4j stop
