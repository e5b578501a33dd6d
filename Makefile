# Two entry points on a fresh machine with nothing but Python:
#   make run    install, generate the default and edge datasets into data/, verify them,
#               and grade every reference solution on both
#   make test   install (with Debian's chromium for the browser tests) and run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
USERS  ?= 100k
SEED   ?= 0
DATA   ?= data/default
EDGE   ?= data/edge

.PHONY: run test install browser dataset edge bench vocab clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=77'
	$(PY) -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

install: $(STAMP)

run: install
	rm -rf $(DATA) $(EDGE)
	$(VENV)/bin/simgen --users $(USERS) --seed $(SEED) --out $(DATA)
	$(VENV)/bin/simgen --profile edge --seed $(SEED) --out $(EDGE)
	$(VENV)/bin/simgen verify $(DATA)
	$(VENV)/bin/simgen verify $(EDGE)
	rm -rf build/reference && mkdir -p build/reference/reference
	for d in expected/*/; do id=$$(basename $$d); cp $$d/solution.sql build/reference/reference/$$id.sql; done
	$(VENV)/bin/simgen grade build/reference --data $(DATA) --data $(EDGE) --report build/reference.json

test: install browser
	$(PY) -m pytest -q -n 2

# Debian's chromium and chromium-driver, for the practice page's browser tests
# (tests/serve/test_browser.py); as root, or through sudo.
browser:
	@if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo "sudo -n"); \
	  echo "installing chromium and chromium-driver (apt-get) for the browser tests"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	fi

# Every figure of the benchmark in one run (bench/all.py): BENCH="--quick" for a smoke run at 100k/1M.
BENCH ?=
bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/all.py $(BENCH)

# Rebuilds simgen/data/vocab.json from Faker (needs the 'vocab' extra); the result is committed.
vocab: install
	$(PY) -m pip install --quiet -e '.[vocab]'
	$(PY) scripts/build_vocab.py

clean:
	rm -rf $(VENV) data build *.egg-info
