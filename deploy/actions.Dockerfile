# The action server of the SI joint assistant; docker-compose.yml runs two of them behind HAProxy
# (deploy/haproxy.cfg), as `make cluster` does on one machine (serving/cluster.py). The same
# image serves the demo page (docker-compose.yml's `demo-page` runs `python -m serving.demo_server`).
#
# The official rasa-sdk image plus the custom actions, the framework-free code they share with the
# Rasa server, the knowledge file they answer from, the site settings and the emergency warning
# signs, each at the same path relative to the working directory as in the project; and for the
# demo page, the chat widget with its socket.io client (installed from web/package-lock.json).
# Build from the project root:
#
#     docker build -f deploy/actions.Dockerfile -t si-joint-assistant/actions .
#
# It runs as the image's user 1001 and writes nothing. SI_ACTION_TOKEN comes from the environment
# when the container starts; it is not in the image.

# The widget's socket.io client, exactly as web/package-lock.json pins it (no development packages).
FROM node:20-bookworm-slim AS widget
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM rasa/rasa-sdk:3.6.2

USER root
WORKDIR /app

# requirements.txt against the image: rasa-sdk 3.6.2 is installed; the actions also read YAML
# (the knowledge file, the settings, the warning signs), which rasa-sdk does not depend on. The
# version is the one the test suite runs on, from constraints.txt.
COPY constraints.txt /tmp/constraints.txt
RUN python -c "import sys; assert sys.version_info[:2] == (3, 10), 'the project runs on Python 3.10, not ' + sys.version" \
 && pip install --no-cache-dir -c /tmp/constraints.txt PyYAML \
 && rm /tmp/constraints.txt

COPY si_joint/ si_joint/
COPY actions/ actions/
COPY serving/ serving/
COPY content/knowledge/ content/knowledge/
COPY content/settings/ content/settings/
COPY content/replies/ content/replies/
COPY content/safety/emergency_signs.yml content/safety/emergency_signs.es.yml content/safety/
COPY web/widget/ web/widget/
COPY --from=widget /web/node_modules/socket.io-client/dist/socket.io.min.js web/node_modules/socket.io-client/dist/

ENV PYTHONPATH=/app \
    ACTION_SERVER_HOST=0.0.0.0 \
    ACTION_SERVER_PORT=5055

USER 1001
EXPOSE 5055

# The check HAProxy makes before sending it action calls.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=8)"]

ENTRYPOINT ["python", "-m", "serving.action_server"]
CMD ["--port", "5055"]
