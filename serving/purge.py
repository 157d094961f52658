"""Deletes every conversation inactive for longer than the retention setting, once.

    python -m serving.purge [endpoints.yml]     (make purge)

The running server does the same every hour, on the store endpoints.yml names (the SQLite file of
`make run` unless the environment says PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import sys

import yaml
from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import EndpointConfig

from serving.endpoint_settings import with_endpoint_defaults
from serving.tracker_store import ForgettingStore


async def purge(endpoints_file: str) -> int:
    os.environ.update(with_endpoint_defaults(os.environ))
    section = (yaml.safe_load(open(endpoints_file, encoding="utf-8")) or {}).get("tracker_store") or {}
    # Only this section: the rest of the file needs the servers' variables.
    config = EndpointConfig.from_dict(
        {key: os.path.expandvars(value) if isinstance(value, str) else value for key, value in section.items()}
    )
    store = TrackerStore.create(config)
    while not isinstance(store, ForgettingStore) and hasattr(store, "_tracker_store"):
        store = store._tracker_store  # Rasa's wrappers
    if not isinstance(store, ForgettingStore):
        print(f"{endpoints_file}: the tracker store does not delete conversations (not serving.tracker_store)")
        return 1
    if not hasattr(store, "session_scope"):
        print("Conversations are kept in the running server's memory, which deletes inactive ones every hour.")
        return 0
    deleted = await store.purge_inactive()
    print(f"Deleted {deleted} conversation(s) inactive for more than {store.retention_s / 86400:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(purge(sys.argv[1] if len(sys.argv) > 1 else "endpoints.yml")))
