#!/usr/bin/env bash
# Create the two Python environments with their pinned dependencies:
# - .venv (Python 3.10, which Rasa 3.6 and rasa-sdk require): Rasa, the action server, the tests;
# - .venv-services (Python 3.12 or newer): the gateway and the back office, which import no Rasa,
#   with current dependencies (requirements-services.txt says why).
# Quick when nothing changed: an environment is reinstalled only when its requirements, its
# constraints or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# make_env DIR PYTHON_VERSION REQUIREMENTS CONSTRAINTS PROGRAM: PYTHON_VERSION as find_python.sh
# takes it (3.10, 3.12+); PROGRAM (in DIR/bin) shows a finished install
make_env() {
  local dir=$1 version=$2 requirements=$3 constraints=$4 program=$5
  local stamp="$dir/.installed" wanted python minimum check
  wanted=$(cat "$requirements" "$constraints" pyproject.toml | sha256sum | cut -d' ' -f1)
  minimum=${version%+}
  if [ "$version" = "$minimum" ]; then check="!="; else check="<"; fi
  check="import sys; sys.exit(sys.version_info[:2] $check (${minimum%%.*}, ${minimum#*.}))"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$dir/bin/$program" ] \
      && "$dir/bin/python" -c "$check" 2>/dev/null; then
    return 0
  fi
  python=$(scripts/find_python.sh "$version")
  if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "$check"; then
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

make_env .venv 3.10 requirements.txt constraints.txt rasa
make_env .venv-services 3.12+ requirements-services.txt constraints-services.txt python
# the environment before .venv-services (the gateway alone, on Python 3.10)
rm -rf .venv-gateway
