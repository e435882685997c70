# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test bandit install install-test translations peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations peers

translations: $(VENV)/.installed
	$(BIN)/flask translate compile

peers:
	bash scripts/install-peers.sh

# Settings come from the environment, then .env (read by app/config.py, as in every process),
# so honcho is told not to read .env itself and is given the port config.py settled on.
run: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/honcho start --env /dev/null --port "$$($(BIN)/python -c 'from app.config import Config; print(Config.PORT)')"

test: install-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Security lint of the application code: fails on any high-severity finding (tests/test_bandit.py too).
bandit: install-test
	$(BIN)/python -m bandit -r app -lll -q

clean:
	rm -rf $(VENV) .peers instance/*.db
