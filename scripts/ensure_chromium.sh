#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work
# offline). Installs the `chromium` package when it is missing and apt can be used; otherwise stops
# with a message saying what to install. Prints the browser's path.
set -euo pipefail

find_chromium() { command -v "${CHROMIUM:-chromium}" || command -v chromium-browser || true; }

browser=$(find_chromium)
if [ -z "$browser" ]; then
  if command -v apt-get >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
    echo "Installing Debian's chromium package for the browser tests..." >&2
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2 \
      || { $sudo_cmd apt-get update -q >&2 && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; } \
      || true
  fi
  browser=$(find_chromium)
fi
if [ -z "$browser" ]; then
  echo "The browser tests need Chromium: install Debian's 'chromium' package (apt-get install chromium)" >&2
  echo "or set CHROMIUM to a Chromium binary." >&2
  exit 1
fi
echo "$browser"
