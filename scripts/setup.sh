#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned requirements; with --test, the test extras
# and Debian's Chromium plus Japanese/emoji fonts for the real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -r requirements-test.txt
  # (grep without -q: with pipefail, an early exit of grep would fail the pipe)
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || ! fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "Installing Chromium and fonts for the browser tests (apt)…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null
  fi
else
  .venv/bin/python -m pip install --quiet -r requirements.txt
fi
