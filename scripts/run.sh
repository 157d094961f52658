#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST and socket.io channels), says where to chat,
# and stops both on Ctrl-C or when either one exits. Runs fine without a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION_SERVER_PORT=${ACTION_SERVER_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
export ACTION_SERVER_PORT RASA_TELEMETRY_ENABLED=false
RASA=.venv/bin/rasa
is_up() { .venv/bin/python -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; }

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT

"$RASA" run actions --port "$ACTION_SERVER_PORT" &
pids+=($!)
"$RASA" run --model models/si_joint_assistant.tar.gz --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml ${RASA_EXTRA_ARGS:-} &
pids+=($!)

for _ in $(seq 1 180); do
  if is_up "http://localhost:$RASA_PORT/" && is_up "http://localhost:$ACTION_SERVER_PORT/health"; then
    cat <<MSG

The SI joint assistant is running.
  Chat over REST:   curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
                      -H 'Content-Type: application/json' -d '{"sender": "me", "message": "what is the SI joint"}'
  socket.io:        http://localhost:$RASA_PORT/socket.io
  Action server:    http://localhost:$ACTION_SERVER_PORT/health
Press Ctrl-C to stop.
MSG
    break
  fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a server exited during start-up" >&2; exit 1; }; done
  sleep 1
done

wait -n "${pids[@]}"
