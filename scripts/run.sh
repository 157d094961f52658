#!/usr/bin/env bash
# `make run`: the ports, allowed origins and local secrets, then serving/stack.py starts the action
# server, the Rasa server and the demo page, says where to chat, and stops all three on Ctrl-C or
# when any one exits. Runs fine without a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION_SERVER_PORT=${ACTION_SERVER_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
DEMO_PORT=${DEMO_PORT:-8080}
SI_ALLOWED_ORIGINS=${SI_ALLOWED_ORIGINS:-http://localhost:$DEMO_PORT,http://127.0.0.1:$DEMO_PORT}
SI_RASA_HOST=${SI_RASA_HOST:-127.0.0.1}
ACTION_SERVER_HOST=${ACTION_SERVER_HOST:-127.0.0.1}
export ACTION_SERVER_PORT RASA_PORT DEMO_PORT SI_ALLOWED_ORIGINS SI_RASA_HOST ACTION_SERVER_HOST RASA_TELEMETRY_ENABLED=false
source scripts/local_secrets.sh
# One launcher for `make run` and the end-to-end tests: serving/stack.py.
exec .venv/bin/python -m serving.stack --actions-port "$ACTION_SERVER_PORT" --rasa-port "$RASA_PORT" --demo-port "$DEMO_PORT"
