# The SI joint assistant. `make run` to chat, `make test` for the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed
SPACY_PIPELINE := build/spacy_en/meta.json
MODEL := models/si_joint_assistant.tar.gz
TRAINING_INPUTS := $(shell find data -name '*.yml' ! -name knowledge_terms.yml) \
	domain.yml config.yml knowledge/si_joint.yml components/knowledge_entity_extractor.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONHASHSEED := 0
export ACTION_SERVER_PORT ?= 5055
export RASA_PORT ?= 5005

.PHONY: run test train setup actions shell lint compare-nlu bench clean

run: $(MODEL)
	scripts/run.sh

test: $(MODEL)
	$(PY) -m pytest tests

train: $(MODEL)

setup: $(INSTALLED) $(SPACY_PIPELINE)

$(INSTALLED): requirements.txt constraints.txt scripts/find_python.sh
	@python=$$(scripts/find_python.sh) && \
	if [ ! -x $(PY) ] || [ "$$($(PY) -c 'import sys; print(sys.version_info[:2] == (3, 10))')" != True ]; then \
	  rm -rf $(VENV) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(SPACY_PIPELINE): $(INSTALLED) scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py build/spacy_en

# Trains only when the training inputs changed since the last model. --force: the alias matcher
# reads the knowledge file, which Rasa's training cache does not fingerprint.
$(MODEL): $(TRAINING_INPUTS) $(SPACY_PIPELINE)
	$(PY) -m components.knowledge_terms --write
	$(RASA) train --force --fixed-model-name si_joint_assistant --out models
	touch $@

actions: $(INSTALLED)
	$(RASA) run actions --port $(ACTION_SERVER_PORT)

shell: $(MODEL)
	@echo "Start the action server first (make actions) in another terminal."
	$(RASA) shell --model $(MODEL)

lint: $(INSTALLED)
	$(PY) -m components.knowledge_terms --check
	$(RASA) data validate --fail-on-warnings

compare-nlu: $(MODEL)
	$(PY) scripts/compare_nlu.py

bench: $(MODEL)
	$(PY) scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf models/*.tar.gz build .rasa results
