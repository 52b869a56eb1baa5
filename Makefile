# The hand-offs of the project. `make run` and `make test` are the README's two
# commands: each installs what it needs first (Debian packages, the pinned dbt
# environment, the C++ build), so a fresh machine needs nothing else.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT    := $(abspath .)
VENV    := $(ROOT)/.venv
VENV_FAKESNOW := $(ROOT)/.venv-fakesnow
VENV_DAGSTER  := $(ROOT)/.venv-dagster
VENV_LINT     := $(ROOT)/.venv-lint
PORT ?= 3000
DBT     := $(VENV)/bin/dbt
BUILD   := $(ROOT)/build
PODCAST := $(BUILD)/podcast
DEMO    := $(ROOT)/data/demo
BENCH_SIZES ?= 1000000,10000000
BENCH_REPEAT ?= 2
PREFIX  ?= /usr/local

# Debian packages the build and the tests use.
# chromium: the HTML report's test renders the page headless. clang-format: make lint (version
# 14, the one tool/../.clang-format is pinned to).
APT_PACKAGES := cmake ninja-build g++ catch2 libcli11-dev nlohmann-json3-dev libssl-dev libsimdjson-dev libcsv-dev chromium clang-format

.PHONY: help run test bench lint clean deps venv venv-fakesnow venv-dagster venv-lint orchestrate build docs install

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (needs root)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

venv: $(VENV)/.installed ## the pinned dbt environment in .venv

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv-fakesnow: $(VENV_FAKESNOW)/.installed ## the Snowflake emulator's environment (fakesnow pins its own DuckDB)

$(VENV_FAKESNOW)/.installed: warehouse/snowflake/requirements-fakesnow.txt
	python3 -m venv $(VENV_FAKESNOW)
	$(VENV_FAKESNOW)/bin/pip install --quiet --disable-pip-version-check -r warehouse/snowflake/requirements-fakesnow.txt
	touch $@

venv-dagster: $(VENV_DAGSTER)/.installed ## the orchestrator's pinned environment (Dagster, dagster-dbt)

$(VENV_DAGSTER)/.installed: orchestrate/requirements.txt
	python3 -m venv $(VENV_DAGSTER)
	$(VENV_DAGSTER)/bin/pip install --quiet --disable-pip-version-check -r orchestrate/requirements.txt
	touch $@

venv-lint: $(VENV_LINT)/.installed ## ruff, pinned, in its own environment

$(VENV_LINT)/.installed: requirements-lint.txt
	python3 -m venv $(VENV_LINT)
	$(VENV_LINT)/bin/pip install --quiet --disable-pip-version-check -r requirements-lint.txt
	touch $@

build: deps ## build the podcast tool into build/podcast
	cmake -S tool -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD)

install: build ## install podcast and the dbt project under PREFIX (default /usr/local), with the pinned dbt in PREFIX/lib/podcast/venv
	cmake --install $(BUILD) --prefix $(PREFIX)
	[ -x $(PREFIX)/lib/podcast/venv/bin/dbt ] || { python3 -m venv $(PREFIX)/lib/podcast/venv && \
	  $(PREFIX)/lib/podcast/venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt; }

run: build venv ## generate the demo dataset (first time), land it, run the pipeline, print the report
	@[ -f $(DEMO)/expected.json ] || $(PODCAST) generate --out $(DEMO)
	$(PODCAST) land $(DEMO)/events
	$(PODCAST) run
	$(PODCAST) report

test: build venv venv-fakesnow venv-dagster ## every test: C++ unit and integration tests, dbt data and unit tests
	ctest --test-dir $(BUILD) --output-on-failure --timeout 900 -j 2

orchestrate: build venv venv-dagster ## Dagster on http://127.0.0.1:$(PORT): assets, a daily schedule, a sensor on data/staging
	@[ -f $(DEMO)/expected.json ] || $(PODCAST) generate --out $(DEMO)
	orchestrate/serve $(PORT)

bench: build venv ## the performance targets at 1M and 10M events (BENCH_SIZES=50000000: the 50M size), figures in bench-results/bench.json
	$(BUILD)/podcast_bench --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT)

lint: deps venv venv-lint ## sqlfluff on the dbt models and tests (with the SQL the macros render into them), clang-format on the C++, ruff on the Python
	mkdir -p $(BUILD)
	@failed=""; \
	( cd warehouse && PODCAST_WAREHOUSE=$(BUILD)/lint.duckdb $(VENV)/bin/sqlfluff lint models tests/*.sql ) || failed="$$failed sqlfluff"; \
	if clang-format --version | grep -q ' version 14\.'; then \
	  find tool -name '*.cpp' -o -name '*.hpp' | sort | xargs clang-format --dry-run --Werror || failed="$$failed clang-format"; \
	else \
	  echo "clang-format 14 expected (.clang-format is pinned to it), found: $$(clang-format --version)"; failed="$$failed clang-format"; \
	fi; \
	$(VENV_LINT)/bin/ruff check orchestrate warehouse/snowflake warehouse/launcher || failed="$$failed ruff"; \
	if [ -n "$$failed" ]; then echo "make lint failed:$$failed"; exit 1; fi

docs: venv ## dbt docs for the warehouse (overview, models, lineage, exposures)
	cd warehouse && $(DBT) docs generate --profiles-dir .
	@echo "dbt docs: open warehouse/target/index.html, or serve them:"
	@echo "  cd warehouse && ../.venv/bin/dbt docs serve --profiles-dir . --host 127.0.0.1 --port 8080"

clean: ## remove build outputs and local data (keeps .venv)
	rm -rf $(BUILD) data .dagster bench-results warehouse/target warehouse/logs warehouse/.reference
