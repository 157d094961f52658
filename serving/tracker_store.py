"""Tracker stores that delete what the assistant tells patients it deletes.

Rasa keeps every event of a conversation forever, even after a restart. These stores add two
rules to Rasa's in-memory and SQL stores (endpoints.yml names one of them):

- Forgetting: when a turn ends with a `Restarted` event ("start over", "delete my conversation"),
  every stored event of that conversation up to it is deleted, not just hidden.
- Retention: a conversation with no activity for `retention_days` (SI_RETENTION_DAYS, settings
  privacy.retention_days, default 30) is deleted; the server checks every
  PURGE_INTERVAL_S seconds, and `make purge` runs the same deletion once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Dict, List, Optional

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.events import Event, Restarted
from rasa.shared.core.trackers import DialogueStateTracker

from si_joint.site_settings import retention_days

PURGE_INTERVAL_S = 3600
MAX_CONVERSATIONS = 20_000
DAY_S = 86400
logger = logging.getLogger(__name__)


def events_after_last_restart(events: List[Event]) -> Optional[List[Event]]:
    """The events after the last `Restarted`, or None when the conversation was not restarted."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], Restarted):
            return list(events[index + 1:])
    return None


class ForgettingStore:
    """What both stores add; a subclass provides `delete_conversation` and `inactive_since`."""

    retention_s: float

    def _start_retention(self, days: Optional[Any]) -> None:
        self.retention_s = float(days or retention_days()) * DAY_S
        try:
            asyncio.get_running_loop().create_task(self._purge_periodically())
        except RuntimeError:
            pass  # no server running (make purge): purges only when asked

    async def save(self, tracker: DialogueStateTracker) -> None:
        remaining = events_after_last_restart(list(tracker.events))
        if remaining is None:
            await super().save(tracker)  # type: ignore[misc]
            return
        await self.delete_conversation(tracker.sender_id)
        if remaining:
            fresh = DialogueStateTracker.from_events(tracker.sender_id, remaining, list(tracker.slots.values()))
            await super().save(fresh)  # type: ignore[misc]

    async def purge_inactive(self, now: Optional[float] = None) -> int:
        """Deletes every conversation inactive for longer than the retention; returns how many."""
        cutoff = (now or time.time()) - self.retention_s
        expired = await self.inactive_since(cutoff)
        for sender_id in expired:
            await self.delete_conversation(sender_id)
        if expired:
            logger.info("Retention: deleted %d conversation(s) inactive since the cutoff", len(expired))
        return len(expired)

    async def _purge_periodically(self) -> None:
        while True:
            try:
                await self.purge_inactive()
            except Exception:  # noqa: BLE001 - keep purging on the next round; say so loudly
                logger.exception("Retention purge failed")
            await asyncio.sleep(PURGE_INTERVAL_S)

    async def delete_conversation(self, sender_id: str) -> None:
        raise NotImplementedError

    async def inactive_since(self, cutoff: float) -> List[str]:
        raise NotImplementedError


class PrivateInMemoryTrackerStore(ForgettingStore, InMemoryTrackerStore):
    """Also holds at most `max_conversations` (default MAX_CONVERSATIONS): past that, the least
    recently active conversation is deleted, so a flood of new conversations cannot exhaust the
    memory every patient's emergency answer needs. Production uses the SQL store."""

    def __init__(self, domain=None, event_broker=None, retention_days: Optional[Any] = None,
                 max_conversations: Optional[Any] = None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.last_activity: Dict[str, float] = {}
        self.max_conversations = int(max_conversations or MAX_CONVERSATIONS)
        self._start_retention(retention_days)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if tracker.sender_id in self.store:
            self.last_activity.pop(tracker.sender_id, None)  # re-inserted last: dicts keep order
            self.last_activity[tracker.sender_id] = tracker.events[-1].timestamp if tracker.events else time.time()
        while len(self.last_activity) > self.max_conversations:
            await self.delete_conversation(next(iter(self.last_activity)))
            logger.warning("In-memory store full (%d conversations): deleted the least recently active",
                           self.max_conversations)

    async def delete_conversation(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self.last_activity.pop(sender_id, None)

    async def inactive_since(self, cutoff: float) -> List[str]:
        return [sender for sender, last in self.last_activity.items() if last < cutoff]


class PrivateSQLTrackerStore(ForgettingStore, SQLTrackerStore):
    def __init__(self, domain=None, retention_days: Optional[Any] = None, **kwargs: Any) -> None:
        super().__init__(domain, **kwargs)
        self._start_retention(retention_days)

    async def delete_conversation(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()

    async def inactive_since(self, cutoff: float) -> List[str]:
        import sqlalchemy as sa

        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
                .all()
            )
        return [row[0] for row in rows]
