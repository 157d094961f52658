#!/usr/bin/env bash
# Trains the model when its inputs changed since the last successful training. What the inputs are
# (whole directories: data, domain, config, knowledge, safety, components, policies, si_joint, the
# spaCy pipeline) is said in si_joint/training_inputs.py. The hash is taken before training and
# recorded after it, so an edit made during training is not lost.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=models/si_joint_assistant.tar.gz
PY=.venv/bin/python

"$PY" -m si_joint.knowledge_terms --write
inputs_hash=$("$PY" -m si_joint.training_inputs hash)

if ! "$PY" -m si_joint.training_inputs stale "$inputs_hash"; then
  echo "Model is up to date with its training data ($MODEL)."
  exit 0
fi

echo "Training the model (about 2-3 minutes on 2 cores)..."
started=$(date +%s)
# --force: the alias matcher reads the knowledge file, which Rasa's training cache does not track.
# Deterministic TensorFlow ops, with the seeds in config.yml, make a retrain give the same model.
read -r -a rasa_data <<< "$("$PY" -m si_joint.training_inputs rasa-data)"
TF_DETERMINISTIC_OPS=1 .venv/bin/rasa train --force --data "${rasa_data[@]}" --fixed-model-name si_joint_assistant --out models > models/train.log 2>&1 || {
  tail -40 models/train.log >&2; echo "Training failed; the full log is models/train.log" >&2; exit 1; }
"$PY" -m si_joint.training_inputs record "$inputs_hash"
echo "Trained $MODEL in $(( $(date +%s) - started )) s."
