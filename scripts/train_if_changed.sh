#!/usr/bin/env bash
# Trains the model when its inputs changed since the last successful training: the NLU data, rules,
# stories, domain, config, the knowledge file (its aliases feed the entity extractor), the emergency
# signs file (stored in the model) and the custom NLU components. Content hashes, not timestamps, so an edit made during training is not lost.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=models/si_joint_assistant.tar.gz
STAMP=models/.training-inputs.sha256
PY=.venv/bin/python

"$PY" -m si_joint.knowledge_terms --write
inputs_hash=$( { find data -name '*.yml' -print0 | sort -z | xargs -0 sha256sum;
                 sha256sum domain.yml config.yml knowledge/si_joint.yml safety/*.yml components/*.py policies/*.py si_joint/*.py \
                   si_joint/emergency_signs.py build/spacy_en/meta.json; } \
               | sha256sum | cut -d' ' -f1 )

if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$inputs_hash" ]; then
  echo "Model is up to date with its training data ($MODEL)."
  exit 0
fi

echo "Training the model (about 2-3 minutes on 2 cores)..."
started=$(date +%s)
# --force: the alias matcher reads the knowledge file, which Rasa's training cache does not track.
# Deterministic TensorFlow ops, with the seeds in config.yml, make a retrain give the same model.
TF_DETERMINISTIC_OPS=1 .venv/bin/rasa train --force --fixed-model-name si_joint_assistant --out models > models/train.log 2>&1 || {
  tail -40 models/train.log >&2; echo "Training failed; the full log is models/train.log" >&2; exit 1; }
echo "$inputs_hash" > "$STAMP"
echo "Trained $MODEL in $(( $(date +%s) - started )) s."
