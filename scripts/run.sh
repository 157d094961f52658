#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST, the website chat and every messaging channel
# whose variables are set) and the demo page; says where to chat; stops all three on Ctrl-C or
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
PY=.venv/bin/python
CREDENTIALS=build/credentials.yml
is_up() { "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; }

"$PY" -m channels.credentials "$CREDENTIALS"
IFS=', ' read -r -a origins <<< "$SI_ALLOWED_ORIGINS"

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT

"$PY" -m serving.action_server --port "$ACTION_SERVER_PORT" &
pids+=($!)
"$PY" -m serving.rasa_server --model models/si_joint_assistant.tar.gz --port "$RASA_PORT" \
  --credentials "$CREDENTIALS" --endpoints endpoints.yml --cors "${origins[@]}" ${RASA_EXTRA_ARGS:-} &
pids+=($!)
"$PY" -m serving.demo_server &
pids+=($!)

for _ in $(seq 1 180); do
  if is_up "http://127.0.0.1:$RASA_PORT/" && is_up "http://127.0.0.1:$ACTION_SERVER_PORT/health" \
     && is_up "http://localhost:$DEMO_PORT/"; then
    cat <<MSG

The SI joint assistant is running.
  Chat in a browser: http://localhost:$DEMO_PORT/   (open the "Chat" button)
  Chat over REST:    curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
                       -H 'Content-Type: application/json' -d '{"sender": "me", "message": "what is the SI joint"}'
  Allowed origins:   $SI_ALLOWED_ORIGINS
  Action server:     http://localhost:$ACTION_SERVER_PORT/health
Press Ctrl-C to stop.
MSG
    break
  fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a server exited during start-up" >&2; exit 1; }; done
  sleep 1
done

wait -n "${pids[@]}"
