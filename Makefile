# parcours: the two commands that do everything on a fresh clone are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL for the read-model tests (trust auth on the development and CI machines).
PARCOURS_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export PARCOURS_TEST_POSTGRES_URL

.PHONY: run test lint typecheck imports sizes unit browser faults caseload bench histories clean

$(BIN)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(BIN)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(BIN)/.installed-run

run: $(BIN)/.installed-run
	$(BIN)/parcours serve

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed-dev
	$(BIN)/mypy
	$(BIN)/mypy tests bench tools

imports: $(BIN)/.installed-dev
	$(BIN)/lint-imports

# The house's size rules: no module over 300 lines, no function over 40.
sizes: $(BIN)/.installed-dev
	$(BIN)/python tools/sizes.py src

# The HTML report's test opens it in headless Chromium from the Debian packages: install
# them when missing (as root, or through sudo without a password prompt), non-interactive.
APT_BROWSER := DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO env $(APT_BROWSER) || { $$SUDO apt-get update -q && $$SUDO env $(APT_BROWSER); }; \
	fi

# Two processes (pytest-xdist), each taking whole test files: about 7 minutes instead of 10.
# A test that hangs is stopped after 5 minutes by killing its process (pytest-timeout);
# `--max-worker-restart=0` then fails that test by name and finishes the run on the other
# process, rather than start a new one: a replaced process under `--dist loadfile` once left
# the whole run waiting for ever, with nothing to say which test had hung.
unit: $(BIN)/.installed-dev browser
	$(BIN)/pytest -m "not faults and not caseload" -n 2 --dist loadfile --max-worker-restart=0 \
	  --durations=15

# The faults lane (tests/faults): the dev server and `parcours worker` as real processes,
# SIGKILLed on purpose; PARCOURS_FAULTS_SEED=N replays a run's random choices. One process:
# its timings must not share the machine with another test.
faults: $(BIN)/.installed-dev
	$(BIN)/pytest -m faults tests/faults

test: lint typecheck imports sizes unit faults

# On demand, not in `make test`: `parcours import` of 500 generated people of each programme
# through the real server (a second run, a run killed halfway): 35 to 40 minutes on a busy
# two-core machine (README, "Bringing an existing caseload").
caseload: $(BIN)/.installed-dev
	$(BIN)/pytest -m caseload tests/cli/test_import_server.py

bench: $(BIN)/.installed-dev
	$(BIN)/python -m bench

# Regenerate the committed workflow histories used by the replay tests.
histories: $(BIN)/.installed-dev
	$(BIN)/python -m tests.histories.record

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
