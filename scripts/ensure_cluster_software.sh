#!/usr/bin/env bash
# `make cluster` and the cluster tests run real PostgreSQL 15, Redis and HAProxy (Debian's packages).
# Installs the missing ones with apt when it can; otherwise stops with a message naming them.
set -euo pipefail

missing() {
  [ -x /usr/lib/postgresql/15/bin/initdb ] || echo postgresql
  command -v redis-server >/dev/null || echo redis-server
  command -v haproxy >/dev/null || echo haproxy
}

packages=$(missing | tr '\n' ' ')
if [ -n "$packages" ] && command -v apt-get >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo -n"
  echo "Installing Debian's $packages for the cluster..." >&2
  # shellcheck disable=SC2086
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >&2 \
    || { $sudo_cmd apt-get update -q >&2 && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >&2; } \
    || true
  packages=$(missing | tr '\n' ' ')
fi
if [ -n "$packages" ]; then
  echo "The cluster needs Debian's packages: $packages(apt-get install $packages)" >&2
  exit 1
fi
