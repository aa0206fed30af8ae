# Everything a newcomer needs: `make build`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: build test check serve messages clean bench screenshots lint browser-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[test]'
	@touch $(STAMP)

build: $(STAMP)
	$(BIN)/sitegen build

check: $(STAMP)
	$(BIN)/sitegen check

serve: $(STAMP)
	$(BIN)/sitegen serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sitegen tests benchmarks

clean:
	rm -rf build .sitegen-cache
