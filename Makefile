# EventHub — `make run` serves the demo week, `make test` runs lint and the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app eventhub
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests need: the browser Playwright drives and the fonts it shows names in.
TEST_DEBS := chromium poppler-utils
RUN_DEBS := nodejs npm
# The fonts the PDFs are printed with: Noto (Latin, Thai, Lao, Khmer, Myanmar, Tamil, Arabic
# for Jawi), WenQuanYi Zen Hei (Chinese), HanaMinB (rare Chinese beyond the BMP: 𠮷).
FONT_DEBS := fonts-noto-core fonts-wqy-zenhei fonts-hanazono
# The sRGB colour profile of PDF/A certificates' output intent (/usr/share/color/icc/sRGB.icc).
PRINT_DEBS := icc-profiles-free
# ICU's dictionaries break Thai, Lao, Khmer and Burmese sentences between words in the PDFs
# (eventhub/pdf/wordbreak.py; Debian 12's release of the library).
PRINT_DEBS += libicu72

.DEFAULT_GOAL := help
.PHONY: help install install-dev lock run test test-pg lint fmt migrate messages assets translations system-deps system-deps-test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# Python packages come from uv.lock (every package, direct and transitive, pinned with hashes), so a
# fresh machine runs exactly what was tested. uv itself is pinned here; `make lock` refreshes the lock.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
# uv uses the machine's Python, never one it downloads; the project goes into $(VENV).
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export SSL_CERT_FILE ?= /etc/ssl/certs/ca-certificates.crt
# --inexact: the venv also holds uv, which the lock does not list.
UV_SYNC := $(UV) sync --locked --inexact --python $(BIN)/python

# A stamp, not bin/python: an interrupted set-up leaves a python without pip behind.
$(VENV)/.created:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "EventHub needs Python 3.11+"'
	$(PYTHON) -m venv --clear $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	touch $@

$(VENV)/.installed: pyproject.toml uv.lock | $(VENV)/.created
	$(UV_SYNC) --extra postgres
	touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock $(VENV)/.installed
	$(UV_SYNC) --extra postgres --extra dev
	touch $@

lock: $(VENV)/.created ## Refresh uv.lock on purpose (newest versions the ranges in pyproject.toml allow)
	$(UV) lock --upgrade --python $(BIN)/python

system-deps: ## Install Node.js/npm and the PDF fonts through apt when missing
	@missing=$$(command -v npm >/dev/null || echo "$(RUN_DEBS)"; for p in $(FONT_DEBS) $(PRINT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing: $$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; fi

system-deps-test: system-deps ## Install Chromium and fonts through apt when missing (tests)
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing: $$missing"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/vendor/.stamp: node_modules/.package-lock.json
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts \
	   static/vendor/bootstrap-icons/
	mkdir -p static/vendor/zxing
	cp node_modules/@zxing/library/umd/index.min.js static/vendor/zxing/zxing.min.js
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
	touch $@

assets: system-deps static/vendor/.stamp ## Install front-end assets from npm into static/vendor

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d eventhub/translations --statistics

install: $(VENV)/.installed system-deps assets translations ## Install the app into .venv

install-dev: $(VENV)/.installed-dev assets translations system-deps-test

# Links in the emails it sends point here (never at whatever Host a request names).
run: export EVENTHUB_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: install ## Migrate, load the demo week when the database is empty, serve on HOST:PORT (127.0.0.1:5000 by default) with a job worker
	$(FLASK) db upgrade
	$(FLASK) seed-countries
	$(FLASK) demo --if-empty
	@# The job worker (print runs, mail, scheduler runs) beside the web server, on the
	@# embedded SQLite queue; both stop together.
	$(FLASK) jobs --workers 2 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev ## ruff, and the layering contracts of pyproject.toml (lint-imports)
	$(BIN)/ruff check eventhub tests bench migrations
	$(BIN)/ruff format --check eventhub tests bench migrations
	$(BIN)/lint-imports

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix eventhub tests bench
	$(BIN)/ruff format eventhub tests bench

test: install-dev lint ## Lint and run the whole test suite (SQLite)
	$(BIN)/pytest $(PYTEST_ARGS)

test-pg: install-dev ## The whole suite on PostgreSQL (a fresh database, dropped afterwards)
	bash .ci/test-pg $(PYTEST_ARGS)

migrate: $(VENV)/.installed ## Autogenerate a migration: make migrate m="what changed"
	$(FLASK) db migrate -m "$(m)"

messages: $(VENV)/.installed-dev ## Extract UI strings and update the catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o eventhub/translations/messages.pot .
	$(BIN)/pybabel update -i eventhub/translations/messages.pot -d eventhub/translations --no-fuzzy-matching --ignore-obsolete --no-wrap

bench: install-dev ## Benchmarks (by hand; see bench/README.md); installs wrk for the scan bench
	@command -v wrk >/dev/null || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y wrk; }
	@echo "See bench/README.md"

clean:
	rm -rf $(VENV) node_modules static/vendor
