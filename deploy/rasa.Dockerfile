# The Rasa server of the SI joint assistant; docker-compose.yml runs two of them behind HAProxy
# (deploy/haproxy.cfg), as `make cluster` does on one machine (serving/cluster.py).
#
# The official image plus what the project adds to it: the NLU components, the policy, the channels
# and the serving code, the site settings, the trained model and the spaCy pipeline the model was
# trained with, each at the same path relative to the working directory as in the project
# (config.yml names `build/spacy_en`). The knowledge file and the safety files are stored in the
# model at training time, so the server does not read them. Build from the project root after
# `make train` (which also builds build/spacy_en):
#
#     docker build -f deploy/rasa.Dockerfile -t si-joint-assistant/rasa .
#
# It runs as the image's user 1001 and writes only the credentials file, to /tmp. The secrets
# (SI_SECRET_KEY, SI_ACTION_TOKEN, SI_REST_TOKEN, the messaging channels' tokens) come from the
# environment when the container starts; none is in the image.
FROM rasa/rasa:3.6.21

USER root
WORKDIR /app

# requirements.txt against the image: rasa 3.6.21 with its dependencies (rasa-sdk among them) is
# installed, its `spacy` extra is not. spacy-lookups-data only builds build/spacy_en (the pipeline
# carries its lemma tables), pytest and playwright only run the tests. python-socketio and
# python-engineio are installed at the tested versions as well: channels/web_chat.py (awaited
# enter_room, rooms shared through Redis) is written against them. Every version is the one the
# test suite runs on, from constraints.txt.
COPY constraints.txt /tmp/constraints.txt
RUN python -c "import sys; assert sys.version_info[:2] == (3, 10), 'the project runs on Python 3.10, not ' + sys.version" \
 && pip install --no-cache-dir -c /tmp/constraints.txt spacy python-socketio python-engineio \
 && rm /tmp/constraints.txt

COPY si_joint/ si_joint/
COPY components/ components/
COPY policies/ policies/
COPY channels/ channels/
COPY serving/ serving/
COPY content/settings/ content/settings/
COPY content/knowledge/vocabulary.yml content/knowledge/
COPY endpoints.yml credentials.yml ./
COPY build/spacy_en/ build/spacy_en/
COPY models/si_joint_assistant.tar.gz models/
# Fails the build, rather than the first start, when the pipeline is missing or does not load.
RUN python -c "import spacy; spacy.load('build/spacy_en')"

ENV PYTHONPATH=/app \
    SI_RASA_HOST=0.0.0.0 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PYTHONHASHSEED=0

USER 1001
EXPOSE 5005

# 200 once the model is loaded: the check HAProxy makes before sending it patients.
HEALTHCHECK --interval=30s --timeout=10s --start-period=300s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/ready', timeout=8)"]

# Writes the credentials (REST, the web chat and each messaging channel whose variables are set),
# then starts the server as serving.stack.rasa_server_command does: the origins of
# SI_ALLOWED_ORIGINS (comma separated) also go to --cors. Arguments given to the container
# (`docker run IMAGE --debug`) are passed on to the server.
ENTRYPOINT ["/bin/bash", "-c", "set -ef; python -m channels.credentials /tmp/credentials.yml; exec python -m serving.rasa_server --model models/si_joint_assistant.tar.gz --port 5005 --credentials /tmp/credentials.yml --endpoints endpoints.yml --cors ${SI_ALLOWED_ORIGINS//,/ } \"$@\"", "rasa-server"]
CMD []
