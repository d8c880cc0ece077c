#!/usr/bin/env bash
# Needed by `make test` only (`make run` does not need a browser).
set -euo pipefail
# The browser tests (tests/e2e, test_support/browser.py) drive Debian's Chromium: Playwright's own browser
# download cannot work here. Installed as root (CI); otherwise the command to run is printed.
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "browser: $chromium is missing: installing Debian's chromium (apt-get install chromium, about 1 minute)"
    apt_log=$(mktemp)
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$apt_log" 2>&1; then
      cat "$apt_log" >&2
      rm -f "$apt_log"
      echo "browser: installing chromium failed (see above)" >&2
      exit 1
    fi
    rm -f "$apt_log"
    if [ ! -x "$chromium" ]; then
      echo "browser: chromium was installed but $chromium is still missing" >&2
      exit 1
    fi
  else
    echo "browser: $chromium is missing; the browser tests need Debian's Chromium. Install it as root:" >&2
    echo "  apt-get update && apt-get install -y chromium" >&2
    exit 1
  fi
fi
