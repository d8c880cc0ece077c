#!/usr/bin/env bash
# find_python.sh VERSION: print the path of a Python interpreter of VERSION.
#   find_python.sh 3.10    exactly 3.10 (Rasa 3.6 and rasa-sdk support 3.8-3.10 only): .venv
#   find_python.sh 3.12+   3.12 or newer (supported CPython): .venv-services, the gateway and the back office
# Looks at $PYTHON (3.10) or $PYTHON_SERVICES (3.12+), then pythonX.Y on PATH, then pyenv, then the
# usual places; says what to install when none is found.
set -u
wanted=${1:?usage: find_python.sh 3.10 or 3.12+}
minimum=${wanted%+}
major=${minimum%%.*}
minor=${minimum#*.}
if [ "$wanted" != "$minimum" ]; then
  check="import sys; sys.exit(0 if sys.version_info[:2] >= ($major, $minor) else 1)"
  versions="3.12 3.13 3.14"  # the oldest supported first: the versions the pins are tested on
  override=${PYTHON_SERVICES:-}
else
  check="import sys; sys.exit(0 if sys.version_info[:2] == ($major, $minor) else 1)"
  versions=$minimum
  override=${PYTHON:-}
fi
candidates=()
[ -n "$override" ] && candidates+=("$override")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then pyenv_root="$(pyenv root)"; fi
for version in $versions; do
  if [ "$version" = "$minimum" ] || [ "${version#*.}" -ge "$minor" ] 2>/dev/null; then
    command -v "python$version" >/dev/null 2>&1 && candidates+=("$(command -v "python$version")")
    for dir in "$pyenv_root"/versions/"$version".*; do
      [ -x "$dir/bin/python$version" ] && candidates+=("$dir/bin/python$version")
    done
    candidates+=("/usr/bin/python$version" "/usr/local/bin/python$version")
  fi
done
candidates+=(python3)
for python in "${candidates[@]}"; do
  if "$python" -c "$check" 2>/dev/null; then
    # a pyenv shim may point at another version: ask the interpreter for its real path
    "$python" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
if [ "$wanted" = "3.10" ]; then
  cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 runs on Python 3.8-3.10 only (not 3.11+).
Install one of:
  pyenv install 3.10.13            (then re-run; pyenv is found automatically)
  apt-get install python3.10 python3.10-venv   (where your distribution has it)
or point PYTHON=/path/to/python3.10 at an existing interpreter.
MSG
else
  cat >&2 <<MSG
No Python $wanted found. The gateway and the back office run on a supported CPython ($wanted).
Install one of:
  pyenv install 3.12               (then re-run; pyenv is found automatically)
  apt-get install python3.12 python3.12-venv   (where your distribution has it)
or point PYTHON_SERVICES=/path/to/python3.12 at an existing interpreter.
MSG
fi
exit 1
