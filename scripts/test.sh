#!/usr/bin/env bash
# `make test`: every check, in the order that fails fastest. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
bin=.venv/bin

scripts/ensure_chromium.sh

echo "== lint (ruff, mypy, deploy/)"
$bin/ruff check .
$bin/mypy nlu rasa_server actions backend regions calendar_words privacy storage observability service_catalogue bot scripts benchmarks test_support tests
mkdir -p var
if ! scripts/lint_deploy.sh > var/lint-deploy.log 2>&1; then
  grep -v -e "^WARNING: Location" -e "^INFO " var/lint-deploy.log
  exit 1
fi
tail -n 1 var/lint-deploy.log

echo "== dependency audit (pip-audit)"
$bin/python scripts/audit_dependencies.py

echo "== training data (rasa data validate)"
$bin/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings --quiet

echo "== model"
model=$(scripts/train.sh | tail -n 1)
echo "$model"

echo "== test stories (rasa test core --fail-on-prediction-errors)"
$bin/rasa test core --model "$model" --stories tests/stories --fail-on-prediction-errors \
  --out var/test-results/core --quiet >/dev/null

echo "== pytest (unit, integration against a real Rasa server, held-out NLU)"
$bin/python -m pytest -q -p no:cacheprovider "$@"
