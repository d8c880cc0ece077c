#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only).
# Looks at $PYTHON, then python3.10 on PATH, then pyenv, then the usual places.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then pyenv_root="$(pyenv root)"; fi
for dir in "$pyenv_root"/versions/3.10*; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
done
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 python3)
for python in "${candidates[@]}"; do
  if "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    # a pyenv shim may point at another version: ask the interpreter for its real path
    "$python" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 runs on Python 3.8-3.10 only (not 3.11+).
Install one of:
  pyenv install 3.10.13            (then re-run; pyenv is found automatically)
  apt-get install python3.10 python3.10-venv   (where your distribution has it)
or point PYTHON=/path/to/python3.10 at an existing interpreter.
MSG
exit 1
