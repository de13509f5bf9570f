# Pukeko — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := kea-dhcp6-server kea-dhcp4-server kea-admin kea-doc kea-ctrl-agent isc-dhcp-client \
  iproute2 openssl
PURE_PACKAGES := src/pukeko
FUZZ_SECONDS ?= 30

# Install the Debian packages given as $(1) when any is missing.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

.PHONY: install apt test lint fmt run fuzz bench clean

install: $(STAMP) apt

# The venv is rebuilt only when pyproject.toml changes (idempotent and fast otherwise).
$(STAMP): pyproject.toml
	@# Debian's system Python needs python3-venv for ensurepip; install it when venv fails.
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests use (Kea 2.2 as the reference implementation, its example configs;
# kea-ctrl-agent ships kea-shell, which tests/system/test_http_control.py drives Pukeko with).
apt:
	$(call apt_install,$(APT_PACKAGES))

test: install
	$(BIN)/python -m pytest -n auto -q

lint: install
	$(BIN)/ruff check src tests fuzz bench
	$(BIN)/ruff format --check src tests fuzz bench
	$(BIN)/mypy --strict $(PURE_PACKAGES)

fmt: install
	$(BIN)/ruff format src tests fuzz bench
	$(BIN)/ruff check --fix src tests fuzz bench

# The demo (as root): pukeko-dhcp6 on the bundled configuration in a network namespace, a real
# dhclient -6 in another one gets an address and a prefix; Ctrl-C stops and cleans up.
# Non-interactive: `make run RUN_ARGS=--once` (or PUKEKO_RUN_ONCE=1).
RUN_APT_PACKAGES := isc-dhcp-client iproute2
RUN_ARGS ?=
run: install
	$(call apt_install,$(RUN_APT_PACKAGES))
	$(BIN)/pukeko-dhcp6 -t docs/examples/pukeko-dhcp6.conf
	$(BIN)/python -m pukeko.cli.demo $(RUN_ARGS)

fuzz: install
	$(BIN)/python -m pip install -q -e '.[fuzz]'
	for h in fuzz/fuzz_*.py; do \
	  echo "== $$h ($(FUZZ_SECONDS)s)"; \
	  $(BIN)/python $$h -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 || exit 1; \
	done

bench: install
	$(BIN)/python bench/codec/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
