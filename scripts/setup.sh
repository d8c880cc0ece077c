#!/usr/bin/env bash
# Create .venv with Python 3.10 and the pinned dependencies. Quick when nothing changed:
# it reinstalls only when requirements.txt, constraints.txt or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed

wanted=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/rasa ]; then
  exit 0
fi
python=$(scripts/find_python310.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "setup: creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi
echo "setup: installing pinned dependencies (first time: about 2 minutes)"
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
echo "$wanted" > "$stamp"
echo "setup: done"
