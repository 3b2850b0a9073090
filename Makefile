# Two commands: `make run` serves the platform, `make test` runs the whole suite.
# Both set up everything first: the virtual env, bun (from npm), migrations; `make test`
# also installs Debian's Chromium for the browser tests.

PORT ?= 8000
DATA_DIR ?= ./data
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun

export PATH := $(abspath $(TOOLS)/node_modules/.bin):$(abspath $(VENV)/bin):$(PATH)
export PORT DATA_DIR
# No phone-home and no downloads: bun comes from npm, Reflex must use it.
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_USE_SYSTEM_BUN := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint setup browser jobs clean

run: setup
	$(PY) -m shopapp serve

test: setup browser lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The house rules that need no server: ruff, and the import contracts in pyproject.toml (layers, no cycles).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

jobs: setup
	$(PY) -m shopapp jobs

setup: $(VENV)/.installed $(BUN)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(BUN):
	mkdir -p $(TOOLS)
	cd $(TOOLS) && npm install --no-audit --no-fund --silent bun@1.4.4

# Chromium from Debian's packages: Playwright cannot download its own browser here.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium and CJK fonts from Debian's packages..."; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

clean:
	rm -rf .web $(TOOLS) $(VENV)
