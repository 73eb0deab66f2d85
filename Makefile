# Two commands for a newcomer: `make demo` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_WORKERS ?= 2

.PHONY: demo test lint typecheck unit install install-dev system-deps lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime install, pinned by requirements.lock (a constraints file: same versions on every machine).
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: synthetic Denmark -> import -> train -> score -> plan next quarter -> reports
demo: $(VENV)/.installed
	$(BIN)/tilsynsplan demo

## make test: ruff, mypy and the whole pytest suite (end-to-end browser tests included)
test: $(VENV)/.installed-dev system-deps lint typecheck unit

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Chromium (browser tests), poppler (PDF pages to PNG) and PostgreSQL (database test).
system-deps:
	@scripts/system-deps.sh

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) .tilsynsplan .pytest_cache .mypy_cache .ruff_cache
