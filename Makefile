# Two commands matter: `make plan STACK=<stack>` (offline plan) and `make test`.
# Each builds what it needs on first use: `make plan` .venv with the plan's requirements only,
# `make test` adds the dev tools and builds .venv-examples and .venv-pipeline. `make` alone builds .venv with the dev
# tools (venv is the default goal); `make help` lists the targets with their `##` comments.
# Installs go through tools/bootstrap.py: the uv pinned in requirements-bootstrap.txt, with pip's
# configuration handed to it; pip where uv cannot be had (or INSTALLER=pip).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# azure-ai-ml gets its own venv: its telemetry pins conflict with pulumi's (tests/test_examples.py)
EXAMPLES_VENV ?= .venv-examples
# the pipeline's packages (mlflow, pandas, scikit-learn) get theirs, built only for the targets that run it
PIPELINE_VENV ?= .venv-pipeline
STACK  ?= dev
STACKS := $(patsubst stacks/Pulumi.%.yaml,%,$(wildcard stacks/Pulumi.*.yaml))
BOOTSTRAP := $(PYTHON) tools/bootstrap.py
# The program's own modules are compiled once and kept (git ignores __pycache__/), also where the
# environment sets PYTHONDONTWRITEBYTECODE (as this build machine's does): without the cache every
# test worker and every plan subprocess compiles the whole program and the tests again (pytest's
# rewritten test modules included), about 3 s of CPU each. The SDK's bytecode is written at install
# (tools/bootstrap.py), so this is about our own files only.
export PYTHONDONTWRITEBYTECODE :=
# Stamps: each virtualenv is rebuilt when one of its requirements files (or the installer) changes.
PLAN_ENV     := $(VENV)/.installed-plan
DEV_ENV      := $(VENV)/.installed-dev
PREFLIGHT_ENV := $(VENV)/.installed-preflight
EXAMPLES_ENV := $(EXAMPLES_VENV)/.installed
PIPELINE_ENV := $(PIPELINE_VENV)/.installed
BOOTSTRAP_FILES := requirements-bootstrap.txt tools/bootstrap.py

.PHONY: venv venv-examples help plan plan-all diff diff-all preflight pipeline-local test lint fmt typecheck unit docs bench clean

.DEFAULT_GOAL := venv

venv: $(DEV_ENV)      ## .venv with the plan's requirements and the dev tools
venv-examples: $(EXAMPLES_ENV)  ## .venv-examples (azure-ai-ml), for tests/test_examples.py

$(PLAN_ENV): requirements-plan.txt requirements.txt policies/requirements.txt $(BOOTSTRAP_FILES)
	$(BOOTSTRAP) $(VENV) requirements-plan.txt
	touch $@
$(PREFLIGHT_ENV): $(PLAN_ENV) requirements-preflight.txt
	$(BOOTSTRAP) $(VENV) requirements-plan.txt requirements-preflight.txt
	touch $@
$(DEV_ENV): $(PLAN_ENV) requirements-dev.txt requirements-preflight.txt
	$(BOOTSTRAP) $(VENV) requirements-dev.txt
	$(VENV)/bin/pyright --version >/dev/null  # fetches pyright's own files once, at install time
	touch $@ $(PREFLIGHT_ENV)  # the dev set includes preflight's
$(EXAMPLES_ENV): requirements-examples.txt $(BOOTSTRAP_FILES)
	$(BOOTSTRAP) $(EXAMPLES_VENV) requirements-examples.txt
	touch $@
$(PIPELINE_ENV): requirements-pipeline.txt $(BOOTSTRAP_FILES)
	$(BOOTSTRAP) $(PIPELINE_VENV) requirements-pipeline.txt
	touch $@

help:                 ## list the targets
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

plan: $(PLAN_ENV)     ## offline plan of one stack: make plan STACK=prod
	$(PY) -m tools.plan --stack $(STACK)

plan-all: $(PLAN_ENV) ## offline plan of every stack in stacks/, in one process, then the rules across environments
	$(PY) -m tools.plan $(addprefix --stack ,$(STACKS)) --quiet

# BASE: a git ref, planned in a temporary worktree (tools/plan/diff/worktree.py); ALLOW_DESTROY=true
# acknowledges destructive changes (the pull request's allow-destroy label, docs/reviewing-changes.md).
DIFF_FLAGS = --ref $(BASE) $(if $(filter true,$(ALLOW_DESTROY)),--allow-destroy)

diff: $(PLAN_ENV)     ## what a change does to one stack: make diff STACK=prod BASE=main (build/plan/<stack>/diff.json)
	$(PY) -m tools.plan.diff.worktree $(DIFF_FLAGS) --stack $(STACK)

diff-all: $(PLAN_ENV) ## make diff for every stack in stacks/: make diff-all BASE=main
	$(PY) -m tools.plan.diff.worktree $(DIFF_FLAGS) $(addprefix --stack ,$(STACKS)) --quiet

pipeline-local: $(PIPELINE_ENV)  ## run examples/pipeline-job.yml's two steps on examples/data, then score the sample request
	$(PIPELINE_VENV)/bin/python tools/pipeline_local.py

preflight: $(PREFLIGHT_ENV)  ## read-only checks of the subscription before `pulumi up`: make preflight STACK=prod
	$(PY) -m tools.preflight --stack $(STACK)

lint: $(DEV_ENV)      ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(DEV_ENV)       ## fix what ruff can fix, then format
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

typecheck: $(DEV_ENV) ## pyright
	$(PY) -m pyright

unit: $(DEV_ENV) $(EXAMPLES_ENV) $(PIPELINE_ENV)  ## pytest -n 2
	$(PY) -m pytest -q -n 2

# pyright (one core, about a fifth of the CPU make test needs) beside pytest -n 2: on 2 cores the
# suite is CPU-bound either way, and side by side nothing waits for the type-checker first.
test: $(DEV_ENV) $(EXAMPLES_ENV) $(PIPELINE_ENV)  ## everything CI runs: lint, typecheck and unit, side by side
	@$(MAKE) --no-print-directory -j 3 --output-sync=target lint typecheck unit

docs: $(PLAN_ENV)     ## regenerate docs/settings.md, the access model in docs/data-and-access.md, the policy configs and catalogue
	$(PY) -m tools.docs
	$(PY) -m tools.policy_config

bench: $(DEV_ENV)     ## fresh clone to first plan, plan-all against solo plans, make test, plan against SDK load
	$(PY) -m tools.bench

clean:                ## remove build/ and the tool caches
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
