#!/usr/bin/env bash
# Create the two Python 3.10 environments with their pinned dependencies:
# - .venv: Rasa, the action server, the back office, the tools and the tests;
# - .venv-gateway: the gateway (the public entry point), with a current aiohttp that Rasa 3.6's
#   pins do not allow in .venv (requirements-gateway.txt says why).
# Quick when nothing changed: an environment is reinstalled only when its requirements, its
# constraints or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=""

# make_env DIR REQUIREMENTS CONSTRAINTS PROGRAM: PROGRAM (in DIR/bin) shows a finished install
make_env() {
  local dir=$1 requirements=$2 constraints=$3 program=$4
  local stamp="$dir/.installed" wanted
  wanted=$(cat "$requirements" "$constraints" pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$dir/bin/$program" ]; then
    return 0
  fi
  [ -n "$python" ] || python=$(scripts/find_python310.sh)
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
    echo "setup: creating $dir with $python"
    rm -rf "$dir"
    "$python" -m venv "$dir"
  fi
  echo "setup: installing the pinned dependencies of $dir (first time: up to 2 minutes)"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints"
  "$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps -e .
  echo "$wanted" > "$stamp"
  echo "setup: $dir done"
}

make_env .venv requirements.txt constraints.txt rasa
make_env .venv-gateway requirements-gateway.txt constraints-gateway.txt python
