#!/usr/bin/env bash
# Create .venv with Python 3.10 and the pinned dependencies. Quick when nothing changed:
# it reinstalls only when requirements.txt, constraints.txt or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed

# The browser tests (tests/e2e, tests/browser.py) drive Debian's Chromium: Playwright's own browser
# download cannot work here. A file test, so it runs on the fast path too.
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: $chromium is missing: installing Debian's chromium (apt-get install chromium, about 1 minute)"
    apt_log=$(mktemp)
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$apt_log" 2>&1; then
      cat "$apt_log" >&2
      rm -f "$apt_log"
      echo "setup: installing chromium failed (see above)" >&2
      exit 1
    fi
    rm -f "$apt_log"
    if [ ! -x "$chromium" ]; then
      echo "setup: chromium was installed but $chromium is still missing" >&2
      exit 1
    fi
  else
    echo "setup: $chromium is missing; the browser tests need Debian's Chromium. Install it as root:" >&2
    echo "  apt-get update && apt-get install -y chromium" >&2
    exit 1
  fi
fi

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
