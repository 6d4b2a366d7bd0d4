# The two commands a newcomer needs (see README):
#   make demo   install into .venv and evaluate the bundled example
#   make test   install everything the tests need and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
EXAMPLE = examples/telehealth

.PHONY: demo test install install-dev system-packages azurite lint bench clean

$(BIN)/hipaa-cac: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/hipaa-cac

install-dev: install
	$(BIN)/pip install --quiet -e '.[dev]'

# The example's evidence is as of 2026-11-20 (its AWS run was recorded by
# record_aws.py against an emulated account): the demo rebuilds the team's
# API repository with real git, runs the collectors as of that morning (with
# a fixed fingerprint salt, so the evidence files come out byte-identical to
# the committed ones) and evaluates as of noon. Without the pinned times
# everything would be stale, which is what fail-closed means.
demo: install
	$(BIN)/python $(EXAMPLE)/seed_api_repo.py
	HIPAA_CAC_SALT=northwind-demo $(BIN)/hipaa-cac collect --repo $(EXAMPLE) \
		--at 2026-11-20T06:00:00Z attestations telehealth-api api-logs
	$(BIN)/hipaa-cac validate --repo $(EXAMPLE)
	$(BIN)/hipaa-cac evaluate --repo $(EXAMPLE) --at 2026-11-20T12:00:00Z || \
		echo "exit $$?: controls fail or cannot be decided (the example plants them)"
	$(BIN)/hipaa-cac ledger verify --repo $(EXAMPLE)

# System packages some tests need (Debian/Ubuntu; sudo when not root), each
# installed only when missing:
#   slapd, ldap-utils  the LDAP collector's tests run their own slapd
#                      (tests/slapd_server.py), never the system instance the
#                      package's postinst may start;
#   chromium           the auditor bundle's HTML report is opened in headless
#                      Chromium (tests/chromium.py);
#   postgresql         the team ledger's tests run their own server on a free
#                      port (tests/postgres_server.py, as user postgres when
#                      root), never the cluster the package may create.
# Each entry is <file that shows it is installed (a glob)>:<package>.
SYSTEM_PACKAGES = /usr/sbin/slapd:slapd /usr/sbin/slapadd:slapd /usr/bin/ldapsearch:ldap-utils \
	/usr/bin/chromium:chromium /usr/lib/postgresql/*/bin/initdb:postgresql

system-packages:
	@missing=; for pair in $(SYSTEM_PACKAGES); do \
		ls $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
	else echo "system-packages: run as root (or install sudo) to apt-get install$$missing" >&2; \
		exit 1; fi; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $$(echo $$missing | tr ' ' '\n' | sort -u)

lint: install-dev
	$(BIN)/ruff check hipaa_cac tests bench
	$(BIN)/ruff format --check hipaa_cac tests bench
	$(BIN)/mypy

# Azurite, the Azure Storage emulator (npm), for the Azure collector's
# blob data-plane tests (tests/azurite_server.py; $HIPAA_CAC_AZURITE overrides).
AZURITE = tools/azurite/node_modules/.bin/azurite-blob
$(AZURITE):
	npm install --silent --no-audit --no-fund --prefix tools/azurite azurite@3.35.0

azurite: $(AZURITE)

test: system-packages install-dev azurite lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/evaluate_scaling.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(EXAMPLE)/.hipaa-cac tools
