#!/usr/bin/env bash
# Sourced by `make run`, `make cluster`, `make actions` and `make shell`: SI_SECRET_KEY (conversation ids) and SI_ACTION_TOKEN (Rasa -> action
# server) from the environment, or else made once for this machine in build/local-secrets.env
# (mode 600, git-ignored). Production sets both in the environment; nothing secret is committed.
SECRETS_FILE=${SECRETS_FILE:-build/local-secrets.env}
if [ -z "${SI_SECRET_KEY:-}" ] || [ -z "${SI_ACTION_TOKEN:-}" ]; then
  if [ ! -s "$SECRETS_FILE" ]; then
    mkdir -p "$(dirname "$SECRETS_FILE")"
    (umask 077; {
      echo "SI_SECRET_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
      echo "SI_ACTION_TOKEN=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    } > "$SECRETS_FILE")
  fi
  while IFS='=' read -r name value; do
    case "$name" in
      SI_SECRET_KEY) SI_SECRET_KEY=${SI_SECRET_KEY:-$value} ;;
      SI_ACTION_TOKEN) SI_ACTION_TOKEN=${SI_ACTION_TOKEN:-$value} ;;
    esac
  done < "$SECRETS_FILE"
fi
export SI_SECRET_KEY SI_ACTION_TOKEN
