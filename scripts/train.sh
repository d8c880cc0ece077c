#!/usr/bin/env bash
# Train models/mpp-<hash>.tar.gz unless a model for the current data and config exists.
# Prints the model's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
model="models/mpp-$(scripts/model_hash.sh).tar.gz"
if [ ! -f "$model" ]; then
  echo "train: data or config changed, training $model" >&2
  mkdir -p models
  start=$(date +%s)
  .venv/bin/rasa train --config config.yml --domain domain --data data \
    --out models --fixed-model-name "$(basename "$model" .tar.gz)" --quiet >&2
  echo "train: done in $(( $(date +%s) - start )) s" >&2
fi
echo "$model"
