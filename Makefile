# The two commands of the README: `make serve` and `make test`.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build check bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "kb needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

## Build the sample help site and its search index, then serve both on
## http://$(HOST):$(PORT)/ (the site at /, the search API at /api/)
serve: $(STAMP)
	$(BIN)/kb build
	$(BIN)/kb serve-api --site site --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright's own download cannot work here).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install chromium at $(CHROMIUM) to run the browser tests"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

# Debian's nginx for the reverse-proxy test (tests skip without it).
NGINX := /usr/sbin/nginx
$(NGINX):
	@command -v apt-get >/dev/null || { echo "install nginx at $(NGINX) to run the proxy test"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null

## Run the test suite
test: $(STAMP) $(CHROMIUM) $(NGINX)
	$(BIN)/ruff check kb plugins deflection tests bench
	$(BIN)/python -m pytest

build: $(STAMP)
	$(BIN)/kb build --strict

check: $(STAMP)
	$(BIN)/kb check

## Benchmarks (not tests): figures go to bench/RESULTS.md by hand
bench: $(STAMP)
	$(BIN)/python bench/build.py

clean:
	rm -rf site build index reports .pytest_cache
