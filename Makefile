# Two commands matter: `make plan STACK=<stack>` (offline plan) and `make test`.
# Both create the virtualenv on first use. `make` alone does the same (venv is the default goal);
# `make help` lists the targets with their `##` comments.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# azure-ai-ml gets its own venv: its telemetry pins conflict with pulumi's (tests/test_examples.py)
EXAMPLES_VENV ?= .venv-examples
# the pipeline's packages (mlflow, pandas, scikit-learn) get theirs, built only for the targets that run it
PIPELINE_VENV ?= .venv-pipeline
STACK  ?= dev
STACKS := $(patsubst stacks/Pulumi.%.yaml,%,$(wildcard stacks/Pulumi.*.yaml))

.PHONY: venv help plan plan-all preflight pipeline-local test lint fmt typecheck unit docs bench clean

.DEFAULT_GOAL := venv

venv: $(VENV)/.installed $(EXAMPLES_VENV)/.installed  ## the two virtualenvs from the pinned requirements
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-preflight.txt policies/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(VENV)/bin/pyright --version >/dev/null  # fetches pyright's own files once, at install time
	touch $@
$(EXAMPLES_VENV)/.installed: requirements-examples.txt
	$(PYTHON) -m venv $(EXAMPLES_VENV)
	$(EXAMPLES_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-examples.txt
	touch $@
$(PIPELINE_VENV)/.installed: requirements-pipeline.txt
	$(PYTHON) -m venv $(PIPELINE_VENV)
	$(PIPELINE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-pipeline.txt
	touch $@

help:                 ## list the targets
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

plan: venv            ## offline plan of one stack: make plan STACK=prod
	$(PY) -m tools.plan --stack $(STACK)

plan-all: venv        ## offline plan of every stack in stacks/
	@set -e; for s in $(STACKS); do $(PY) -m tools.plan --stack $$s --quiet; done

pipeline-local: $(PIPELINE_VENV)/.installed  ## run examples/pipeline-job.yml's two steps on examples/data, then score the sample request
	$(PIPELINE_VENV)/bin/python tools/pipeline_local.py

preflight: venv       ## read-only checks of the subscription before `pulumi up`: make preflight STACK=prod
	$(PY) -m tools.preflight --stack $(STACK)

lint: venv            ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: venv             ## fix what ruff can fix, then format
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

typecheck: venv       ## pyright
	$(PY) -m pyright

unit: venv $(PIPELINE_VENV)/.installed   ## pytest -n 2
	$(PY) -m pytest -q -n 2

test: lint typecheck unit   ## everything CI runs

docs: venv            ## regenerate docs/settings.md, the access model in docs/data-and-access.md, the policy configs and catalogue
	$(PY) -m tools.docs
	$(PY) -m tools.policy_config

bench: venv           ## wall time per stack plan, test suite time, peak memory
	$(PY) -m tools.bench

clean:                ## remove build/ and the tool caches
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
