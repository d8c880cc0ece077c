#!/usr/bin/env bash
# Print a short hash of everything the trained model depends on (the retraining tools in
# nlu/retraining are not part of the model).
set -euo pipefail
cd "$(dirname "$0")/.."
find config.yml domain data nlu rasa_server calendar_words service_catalogue resources/services resources/slang/lexicon.tsv -type f \( -name '*.yml' -o -name '*.py' -o -name '*.tsv' \) \
  -not -path '*/__pycache__/*' -not -path 'nlu/retraining/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12
