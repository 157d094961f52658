"""The variables endpoints.yml reads, and `make run`'s value for each one left unset: an SQLite
file for conversations, an in-memory lock store, the action server on this machine. `make cluster`
and production set them to PostgreSQL, Redis and a load balancer (README, "Settings").

    eval "$(python -m serving.endpoint_settings)"    # exports the defaults for unset variables
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Dict, Mapping

from si_joint import PROJECT_ROOT

CONVERSATIONS_DB = PROJECT_ROOT / "var" / "conversations.db"
# A ticket left by a Rasa process killed mid-turn blocks its conversation this long (Rasa: 60 s).
# A turn takes about 25 ms, and HAProxy gives up on an action call after 10 s (deploy/haproxy.cfg).
TICKET_LOCK_LIFETIME_S = 15
EMBEDDED: Dict[str, str] = {
    "ACTION_SERVER_HOST": "127.0.0.1",
    "ACTION_SERVER_PORT": "5055",
    "SI_DB_DIALECT": "sqlite",
    "SI_DB_HOST": "",
    "SI_DB_PORT": "",
    "SI_CONVERSATIONS_DB": str(CONVERSATIONS_DB),
    "SI_DB_USER": "",
    "SI_DB_PASSWORD": "",
    "SI_LOCK_STORE": "in_memory",
    "SI_REDIS_HOST": "",
    "SI_REDIS_PORT": "",
    "SI_REDIS_PASSWORD": "",
    "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME_S),
}


def with_endpoint_defaults(env: Mapping[str, str]) -> Dict[str, str]:
    """`env` with `make run`'s value for every endpoint variable it does not set."""
    merged = {**EMBEDDED, **env}
    if merged["SI_DB_DIALECT"] == "sqlite":
        Path(merged["SI_CONVERSATIONS_DB"]).parent.mkdir(parents=True, exist_ok=True)
    return merged


def main() -> int:
    for name, value in with_endpoint_defaults(os.environ).items():
        if name in EMBEDDED:
            print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
