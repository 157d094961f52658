# The SI joint assistant. `make run` to chat, `make test` for the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed
SPACY_PIPELINE := build/spacy_en/meta.json
WEB_PACKAGES := web/node_modules/.package-lock.json
MODEL := models/si_joint_assistant.tar.gz

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0
export ACTION_SERVER_PORT ?= 5055
export RASA_PORT ?= 5005
export DEMO_PORT ?= 8080

.PHONY: help cluster cluster-software test-cluster run test test-fast train setup browser check-demo actions shell lint evaluate-nlu compare-nlu tune-fallback bench profile purge report clean

# Set up on first use, train when the data changed, start everything, say where to chat.
run: train
	source scripts/local_secrets.sh && exec $(PY) -m serving.stack

# This list: every target with the comment above it.
help:
	@awk '/^# / { comment = substr($$0, 3); next } /^[a-z-]+:/ && comment { split($$0, t, ":"); printf "  make %-14s %s\n", t[1], comment } { comment = "" }' $(MAKEFILE_LIST)

# PostgreSQL, Redis, HAProxy and two of each server on this machine (serving/cluster.py).
cluster: train
	source scripts/local_secrets.sh && exec $(PY) -m serving.cluster

# Lint, then the whole suite (what CI runs through .ci/run).
test: lint train browser cluster-software
	$(PY) -m pytest

# The cluster's tests alone: failover, load, outages, graceful stop; and the compose file's drift.
test-cluster: train cluster-software
	$(PY) -m pytest tests/cluster

# The unit tests alone (tests/unit/): no trained model, no server, about a minute.
test-fast: setup
	$(PY) -m pytest tests/unit

# Trains only when the training inputs changed since the last model (content hashes).
train: setup
	scripts/train_if_changed.sh

# The virtualenv with the pinned dependencies, the spaCy pipeline and the widget's npm packages.
setup: $(INSTALLED) $(SPACY_PIPELINE) $(WEB_PACKAGES)

# The chat widget's socket.io client and the accessibility checker, from package-lock.json.
$(WEB_PACKAGES): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "The chat widget needs Node.js and npm: install Debian's 'nodejs' and 'npm' packages." >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error

# PostgreSQL, Redis and HAProxy for the cluster and its tests (installed with apt when missing).
cluster-software:
	@scripts/ensure_cluster_software.sh

# Debian's Chromium for the browser tests (installed with apt when missing).
browser:
	@scripts/ensure_chromium.sh >/dev/null

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt pyproject.toml scripts/find_python.sh
	@python=$$(scripts/find_python.sh) && \
	if [ ! -x $(PY) ] || [ "$$($(PY) -c 'import sys; print(sys.version_info[:2] == (3, 10))')" != True ]; then \
	  rm -rf $(VENV) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt
	# The project's packages, editable: scripts and servers import them without changing sys.path.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(SPACY_PIPELINE): $(INSTALLED) scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py build/spacy_en

# The demo page as a patient uses it, in headless Chromium; needs `make run` running.
check-demo: setup browser
	$(PY) scripts/check_demo.py

# The action server alone.
actions: $(INSTALLED)
	source scripts/local_secrets.sh && $(PY) -m serving.action_server --port $(ACTION_SERVER_PORT)

# Deletes the conversations inactive for longer than SI_RETENTION_DAYS (the server also does it hourly).
purge: $(INSTALLED)
	$(PY) -m serving.purge endpoints.yml

# The content team's report of the conversations kept (reports/report.html and .json): REPORT_ARGS="--since 2026-11-01".
report: $(INSTALLED)
	$(PY) -m serving.report $(REPORT_ARGS)

# `rasa shell` in this terminal (start `make actions` first).
shell: train
	@echo "Start the action server first (make actions) in another terminal."
	source scripts/local_secrets.sh && eval "$$($(PY) -m serving.endpoint_settings)" && $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

# ruff (checks and format), mypy and `rasa data validate`; writes nothing (the lookup tables go to a temporary folder).
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) scripts/validate_data.py

# Held-out intent accuracy and entity F1 of the trained model, with its errors.
evaluate-nlu: train
	$(PY) -m si_joint_dev.nlu_evaluation

# The spaCy pipeline against the plain one on the held-out set.
compare-nlu: train
	$(PY) scripts/compare_nlu.py

# Accuracy against fallback rate per FallbackClassifier threshold.
tune-fallback: train
	$(PY) scripts/tune_fallback.py

# This assistant against Rasa's starter bot (built once into build/starter), interleaved in one run.
bench: train cluster-software
	$(PY) scripts/bench.py $(BENCH_ARGS)
	$(PY) scripts/bench_cluster.py
	$(PY) scripts/bench_report.py

# Where a question turn's time goes, part by part.
profile: train
	$(PY) scripts/profile_turn.py $(PROFILE_ARGS)

# Deletes the trained model and the build folder.
clean:
	rm -rf models/*.tar.gz models/.training-inputs.sha256 models/train.log build .rasa results
