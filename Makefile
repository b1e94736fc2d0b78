# The barometer's tasks.  `make help` lists them.
# Works with plain `python3 -m venv` + pip; conda users: see environment.yml.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL ?= barometer
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install kernel report test lint format lab samples clean-outputs benchmarks

help: ## list the tasks
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (barometer)" > /dev/null
	@touch $(STAMP)

install: $(STAMP) ## create .venv, install the package, its tests' tools and the Jupyter kernel

kernel: $(STAMP) ## (re)register the Jupyter kernel "barometer" inside .venv
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (barometer)"

report: $(STAMP) ## install, then run every notebook on every wave and publish reports/index.html
	$(BIN)/barometer run

test: $(STAMP) ## install, then run the linter and the whole test suite
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/python -m pytest

lint: $(STAMP) ## lint and check formatting
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks

format: $(STAMP) ## format the code
	$(BIN)/ruff format src tests benchmarks notebooks
	$(BIN)/ruff check --fix src tests benchmarks notebooks

lab: $(STAMP) ## open JupyterLab on notebooks/ (.py opened as notebooks, "barometer" kernel)
	$(BIN)/python -m pip install --quiet -e '.[test,lab]'
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	BAROMETER_ROOT=$(CURDIR) $(BIN)/jupyter lab --notebook-dir=notebooks

samples: $(STAMP) ## regenerate the synthetic sample waves (data/raw/2025, data/raw/2026)
	$(BIN)/barometer synth --wave 2025 --n 520 --seed 2025 --out data/raw/2025
	$(BIN)/barometer synth --wave 2026 --n 610 --seed 2026 --out data/raw/2026

benchmarks: $(STAMP) ## print the speed and memory figures of benchmarks/
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-outputs: ## delete everything generated (data/processed, figures, reports)
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +
